"""The region hierarchy: city → county → township (GB/T 2260 and statistics-bureau codes)."""
from __future__ import annotations

import enum
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship


class RegionLevel(str, enum.Enum):
    city = "city"
    county = "county"
    township = "township"


class Region(Model):
    __tablename__ = "region"
    __scope_public__ = True  # reference data: every user sees the map

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    level: Mapped[str] = mapped_column(String(10), nullable=False, index=True)
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("region.id"), index=True)
    note: Mapped[Optional[str]] = mapped_column(String(200))

    parent: Mapped[Optional["Region"]] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Region"]] = relationship(back_populates="parent")

    def __repr__(self) -> str:
        return self.name
