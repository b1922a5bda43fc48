"""Flask-AppBuilder's user, extended with the region whose cases the user works on.

Single-table inheritance on ``ab_user``, as Flask-AppBuilder documents for extending the user model.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.region import Region

if TYPE_CHECKING:
    from app.models.charity import Charity


class TempaidUser(User):
    __tablename__ = "ab_user"

    region_id: Mapped[Optional[int]] = mapped_column(ForeignKey("region.id"), index=True)
    region: Mapped[Optional[Region]] = relationship(foreign_keys=[region_id])
    # charity staff belong to one charity (二、(五)); the charity scope filters by it
    charity_id: Mapped[Optional[int]] = mapped_column(ForeignKey("charity.id"), index=True)
    charity: Mapped[Optional["Charity"]] = relationship("Charity", foreign_keys=[charity_id])
    # a session cookie is good only for the generation it was issued in: logout, a new password and
    # deactivation move it on, so copies of old cookies stop working (app.security.sessions)
    session_generation: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
