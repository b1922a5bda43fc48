"""A household applying for assistance, identified by its head's resident ID number.

A person only passing through (临时遇困人员, 急难发生地实施救助) is recorded as a one-person household of the
township where the hardship happened (``passing_through``), with their home place: a region of the city
(its county then sees that the case exists) or free text for a place outside the city.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Integer, String, false, func
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.idnumber import normalise, problem
from app.models.region import Region
from app.names import clean_name, name_problem


class InvalidField(ValueError):
    """A value no door may store (the screens and the API word it on the field before it gets here)."""

    def __init__(self, field: str, code: str):
        super().__init__(f"{field}: {code}")
        self.field = field
        self.code = code


def checked_id_number(number: str | None) -> str | None:
    normal = normalise(number)
    if normal is not None and problem(normal):
        raise InvalidField("id_number", problem(normal))
    return normal


def checked_name(name: str | None) -> str | None:
    if name is not None and name_problem(name):
        raise InvalidField("name", name_problem(name))
    return clean_name(name)


class Household(Model):
    __tablename__ = "household"
    __scope_columns__ = {"township": "township_id", "county": "county_id"}
    __table_args__ = (
        CheckConstraint("area IN ('urban', 'rural')", name="ck_household_area"),
        CheckConstraint("residency IN ('local_hukou', 'residence_permit', 'none')", name="ck_household_residency"),
        CheckConstraint("size >= 1", name="ck_household_size"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    id_number: Mapped[str] = mapped_column(String(18), unique=True, nullable=False)
    head_name: Mapped[str] = mapped_column(String(64), nullable=False)
    township_id: Mapped[int] = mapped_column(ForeignKey("region.id"), nullable=False, index=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("region.id"), nullable=False, index=True)
    area: Mapped[str] = mapped_column(String(8), nullable=False)  # urban | rural
    residency: Mapped[str] = mapped_column(String(20), nullable=False)  # local_hukou | residence_permit | none
    size: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    dibao: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    tekun: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # 2026 opinion 三: 低保边缘 and 刚性支出困难家庭, and the day each status was recognised (认定)
    dibao_edge: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=false())
    rigid_expense: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=false())
    dibao_recognised_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    dibao_edge_recognised_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    rigid_expense_recognised_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    # 临时遇困人员: no household in the county; where they come from
    passing_through: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=false())
    home_region_id: Mapped[Optional[int]] = mapped_column(ForeignKey("region.id"))
    home_county_id: Mapped[Optional[int]] = mapped_column(ForeignKey("region.id"), index=True)
    home_place: Mapped[Optional[str]] = mapped_column(String(200))
    address: Mapped[Optional[str]] = mapped_column(String(200))
    phone: Mapped[Optional[str]] = mapped_column(String(20))
    bank_name: Mapped[Optional[str]] = mapped_column(String(64))
    bank_account: Mapped[Optional[str]] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )

    township: Mapped[Region] = relationship(foreign_keys=[township_id])
    county: Mapped[Region] = relationship(foreign_keys=[county_id])
    home_region: Mapped[Optional[Region]] = relationship(foreign_keys=[home_region_id])
    home_county: Mapped[Optional[Region]] = relationship(foreign_keys=[home_county_id])

    @validates("id_number")
    def _one_spelling(self, _key, number: str) -> str:
        """``…001x``, ``…001X`` and the full-width ``…００１Ｘ`` are one person: stored in the normal form
        (:func:`app.idnumber.normalise`); what is no ID number is refused on every door, services too."""
        return checked_id_number(number)

    @validates("head_name")
    def _visible_name(self, _key, name: str) -> str:
        return checked_name(name)

    @validates("township")
    def _county_follows_township(self, _key, township: Region | None) -> Region | None:
        """The county is always the township's: jurisdiction filters read it, nobody types it."""
        if township is not None:
            self.county = township.parent
        return township

    @validates("home_region")
    def _home_county_follows(self, _key, region: Region | None) -> Region | None:
        """The home county is the home region's (a county itself, or a township's parent)."""
        self.home_county = None if region is None else region if region.level == "county" else region.parent
        return region

    def __repr__(self) -> str:
        return self.head_name
