"""The members of a household, each known by a resident ID number that belongs to one household only."""
from __future__ import annotations

from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.models.household import Household, checked_id_number, checked_name


class HouseholdMember(Model):
    __tablename__ = "household_member"
    __scope_via__ = "household"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    id_number: Mapped[str] = mapped_column(String(18), unique=True, nullable=False)
    relation: Mapped[Optional[str]] = mapped_column(String(16))  # 户主、配偶、子女、父母 …

    household: Mapped[Household] = relationship(backref="members")

    @validates("id_number")
    def _one_spelling(self, _key, number: str) -> str:
        """Stored in the normal form, refused when it is no ID number, like the household's."""
        return checked_id_number(number)

    @validates("name")
    def _visible_name(self, _key, name: str) -> str:
        return checked_name(name)

    def __repr__(self) -> str:
        return self.name
