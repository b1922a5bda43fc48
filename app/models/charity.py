"""Charities and their projects (救急难 funds, 二、(五)): what each project serves and what is left of it.

A project's categories and regions are rows of their own, not a list in one column, so "which projects
fit this referral" and "which referrals fit this charity" are plain SQL on both databases
(:mod:`app.models.referral` builds the clause). ``remaining`` only ever changes by one atomic UPDATE
(:mod:`app.services.referrals`), and the database refuses it below zero.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import (Boolean, CheckConstraint, Column, DateTime, ForeignKey, Integer, Numeric, String, Table,
                        UniqueConstraint, false)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.audit import utcnow
from app.models.region import Region

project_region = Table(
    "charity_project_region", Model.metadata,
    Column("project_id", ForeignKey("charity_project.id", ondelete="CASCADE"), primary_key=True),
    Column("region_id", ForeignKey("region.id"), primary_key=True, index=True),
)


class Charity(Model):
    """A charity (慈善总会 of the city or a county, or another social organisation)."""

    __tablename__ = "charity"
    __scope_public__ = True  # the register is public within the city; charity staff see their own (below)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True, nullable=False)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), nullable=False, index=True)  # county or city
    note: Mapped[Optional[str]] = mapped_column(String(500))

    region: Mapped[Region] = relationship()
    projects: Mapped[list["CharityProject"]] = relationship(back_populates="charity")

    @classmethod
    def charity_clause(cls, user):
        """Charity staff see their own charity only; government staff see the whole register."""
        return cls.id == user.charity_id if user.charity_id is not None else false()

    def __repr__(self) -> str:
        return self.name


class CharityProject(Model):
    """A project or fund of a charity: the categories and regions it serves, its budget and what remains."""

    __tablename__ = "charity_project"
    __scope_public__ = True  # matching needs every charity's projects; charity staff see their own
    __table_args__ = (CheckConstraint("remaining >= 0", name="ck_charity_project_remaining"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    charity_id: Mapped[int] = mapped_column(ForeignKey("charity.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(128), nullable=False)
    budget: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False)
    remaining: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    note: Mapped[Optional[str]] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)

    charity: Mapped[Charity] = relationship(back_populates="projects")
    regions: Mapped[list[Region]] = relationship(secondary=project_region, order_by=Region.code)
    category_rows: Mapped[list["ProjectCategory"]] = relationship(
        cascade="all, delete-orphan", order_by="ProjectCategory.category")

    @property
    def categories(self) -> list[str]:
        """``["illness", "incident:fire"]``: a kind serves all its categories; none listed serves all."""
        return [row.category for row in self.category_rows]

    @categories.setter
    def categories(self, values) -> None:
        wanted = list(dict.fromkeys(v.strip() for v in (values or []) if v and v.strip()))
        kept = [row for row in self.category_rows if row.category in wanted]
        have = {row.category for row in kept}
        self.category_rows = kept + [ProjectCategory(category=v) for v in wanted if v not in have]

    @classmethod
    def charity_clause(cls, user):
        return cls.charity_id == user.charity_id if user.charity_id is not None else false()

    def __repr__(self) -> str:
        return self.name


class ProjectCategory(Model):
    """One category (``kind:code``) or kind a project serves."""

    __tablename__ = "charity_project_category"
    __table_args__ = (UniqueConstraint("project_id", "category", name="uq_charity_project_category"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("charity_project.id", ondelete="CASCADE"), nullable=False)
    category: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
