"""What the permission tables were last synced from (config/roles.yaml and the registered screens), so a
process starting beside others skips a sync another has just made (app.security.boot_sync)."""
from __future__ import annotations

import datetime as dt

from flask_appbuilder import Model
from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column


class SecuritySync(Model):
    __tablename__ = "security_sync"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)  # "roles"
    #: sha-256 of the declared roles, the registered permissions and the permission tables after the sync
    digest: Mapped[str] = mapped_column(String(64), nullable=False)
    synced_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False)
