"""A case referred (转介) to the charities, and the aid they record on it (二、(五)).

A referral copies from its case what the pool filters on — household, county, township, category — so
the pool, the jurisdiction filter and the charity filter are single indexed queries. Its state moves
``open`` → ``claimed`` → ``closed``; a claim released or left without aid past the county's period puts
it back in the pool as ``returned`` (claimable like ``open``, and telling it was once taken). Claiming
and returning are conditional UPDATEs in :mod:`app.services.referrals`, so two charities never both win.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import DateTime, ForeignKey, Index, Integer, Numeric, String, and_, exists, false, or_, select, text
from sqlalchemy.orm import Mapped, aliased, mapped_column, relationship

from app.models.audit import utcnow
from app.models.case import Case
from app.models.charity import Charity, CharityProject, ProjectCategory, project_region
from app.models.household import Household
from app.models.region import Region
from app.models.user import TempaidUser

#: states in which a referral waits in the pool for a charity to claim it
POOL_STATES = ("open", "returned")
#: states in which the claiming charity sees the household's personal data
CLAIMED_STATES = ("claimed", "closed")
AID_KINDS = ("money", "goods", "services")


def fit_clause(project, category, category_kind, township_id, county_id):
    """SQL: ``project`` (a CharityProject entity or alias) serves a referral with these values or columns.

    Category: the project lists none (serves all), or lists the category or its kind. Region: the project
    lists the referral's township, its county or the county's city.
    """
    # correlate_except: the referral's columns sit two levels up, beyond SQLAlchemy's automatic correlation
    listed = select(ProjectCategory.id).where(ProjectCategory.project_id == project.id) \
        .correlate_except(ProjectCategory)
    category_fits = or_(~listed.exists(), listed.where(
        or_(ProjectCategory.category == category, ProjectCategory.category == category_kind)).exists())
    city_id = select(Region.parent_id).where(Region.id == county_id).correlate_except(Region).scalar_subquery()
    region_fits = select(project_region.c.region_id).where(
        project_region.c.project_id == project.id,
        or_(project_region.c.region_id == township_id, project_region.c.region_id == county_id,
            project_region.c.region_id == city_id)).correlate_except(project_region).exists()
    return and_(project.active.is_(True), category_fits, region_fits)


class Referral(Model):
    __tablename__ = "referral"
    __scope_columns__ = {"township": "township_id", "county": "county_id"}
    __table_args__ = (
        Index("ix_referral_county_state", "county_id", "state"),
        # one referral at a time per case: a second waits until the first is closed
        Index("ux_referral_active_per_case", "case_id", unique=True,
              sqlite_where=text("state <> 'closed'"), postgresql_where=text("state <> 'closed'")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("aid_case.id"), nullable=False, index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), nullable=False, index=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("region.id"), nullable=False)
    township_id: Mapped[int] = mapped_column(ForeignKey("region.id"), nullable=False, index=True)
    category: Mapped[str] = mapped_column(String(64), nullable=False)
    category_kind: Mapped[str] = mapped_column(String(16), nullable=False)
    need: Mapped[str] = mapped_column(String(1000), nullable=False)
    gap_money: Mapped[Optional[Decimal]] = mapped_column(Numeric(12, 2))
    gap_goods: Mapped[Optional[str]] = mapped_column(String(500))
    gap_services: Mapped[Optional[str]] = mapped_column(String(500))
    state: Mapped[str] = mapped_column(String(12), nullable=False, default="open", index=True)
    referred_by_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)
    referred_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    claimed_by_charity_id: Mapped[Optional[int]] = mapped_column(ForeignKey("charity.id"), index=True)
    claimed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id"))
    claimed_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))
    aided_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))  # first aid under this claim
    closed_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))
    note: Mapped[Optional[str]] = mapped_column(String(500))

    case: Mapped[Case] = relationship()
    household: Mapped[Household] = relationship()
    county: Mapped[Region] = relationship(foreign_keys=[county_id])
    township: Mapped[Region] = relationship(foreign_keys=[township_id])
    referred_by: Mapped[TempaidUser] = relationship(foreign_keys=[referred_by_id])
    claimed_by_charity: Mapped[Optional[Charity]] = relationship()
    claimed_by: Mapped[Optional[TempaidUser]] = relationship(foreign_keys=[claimed_by_id])
    aid_records: Mapped[list["AidRecord"]] = relationship(back_populates="referral", order_by="AidRecord.id")

    @classmethod
    def fits_charity(cls, charity_id):
        """SQL: some active project of the charity serves this referral's category and region."""
        project = aliased(CharityProject)
        return exists(select(project.id).where(
            project.charity_id == charity_id,
            fit_clause(project, cls.category, cls.category_kind, cls.township_id, cls.county_id)))

    @classmethod
    def charity_clause(cls, user):
        """Charity staff see the pool's referrals their projects fit, and those their charity claimed."""
        if user.charity_id is None:
            return false()
        return or_(cls.claimed_by_charity_id == user.charity_id,
                   and_(cls.state.in_(POOL_STATES), cls.fits_charity(user.charity_id)))

    def unmasked_for(self, user) -> bool:
        """The household's personal data are shown whole to the charity that claimed the referral."""
        return claimed_by_viewer(self.state, self.claimed_by_charity_id, user)

    def __repr__(self) -> str:
        return f"#{self.id}"


def claimed_by_viewer(state: str | None, claimed_by_charity_id: int | None, user) -> bool:
    charity_id = getattr(user, "charity_id", None)
    return charity_id is not None and state in CLAIMED_STATES and claimed_by_charity_id == charity_id


class AidRecord(Model):
    """Aid a charity gave on a referral, charged to one of its projects.

    ``amount`` is the money paid, or the value in yuan of goods or services (zero for volunteer work).
    Case, charity and regions are copied from the referral so the case's trail shows the record and the
    lists filter without joins.
    """

    __tablename__ = "aid_record"
    __scope_columns__ = {"township": "township_id", "county": "county_id"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), nullable=False, index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("aid_case.id"), nullable=False, index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), nullable=False, index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("charity_project.id"), nullable=False, index=True)
    charity_id: Mapped[int] = mapped_column(ForeignKey("charity.id"), nullable=False, index=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("region.id"), nullable=False, index=True)
    township_id: Mapped[int] = mapped_column(ForeignKey("region.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(12), nullable=False)  # money | goods | services
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False)
    description: Mapped[Optional[str]] = mapped_column(String(500))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)

    referral: Mapped[Referral] = relationship(back_populates="aid_records")
    case: Mapped[Case] = relationship()
    project: Mapped[CharityProject] = relationship()
    charity: Mapped[Charity] = relationship()
    township: Mapped[Region] = relationship(foreign_keys=[township_id])
    user: Mapped[TempaidUser] = relationship()

    @classmethod
    def charity_clause(cls, user):
        """Charity staff see the aid their own charity recorded."""
        return cls.charity_id == user.charity_id if user.charity_id is not None else false()

    def __repr__(self) -> str:
        return f"{self.kind} {self.amount}"
