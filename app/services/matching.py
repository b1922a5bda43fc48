"""Matching needs with resources (搭建救助资源与救助需求信息对接平台, 二、(五)).

Which projects fit is decided in SQL by the same clause the charity scope uses
(:func:`app.models.referral.fit_clause`), so the pool a charity sees and the matches it is offered
never disagree. The ranking is then computed on the few rows that fit: a project naming the exact
category beats one serving the whole kind, which beats one serving every category; a township project
beats a county one, which beats a city one; then a project that can cover the money gap, then the
larger remainder.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import CharityProject, Referral
from app.models.referral import POOL_STATES, fit_clause

CATEGORY_FIT = {"category": 2, "kind": 1, "any": 0}
REGION_FIT = {"township": 3, "county": 2, "city": 1}


@dataclass(frozen=True)
class ProjectMatch:
    project: CharityProject
    category_fit: str  # category | kind | any
    region_fit: str    # township | county | city
    covers_gap: bool   # the remainder covers the money gap (or there is none)

    @property
    def rank(self) -> tuple:
        """Sorts best first."""
        return (-CATEGORY_FIT[self.category_fit], -REGION_FIT[self.region_fit], not self.covers_gap,
                -self.project.remaining, self.project.id)


@dataclass(frozen=True)
class ReferralMatch:
    referral: Referral
    best: ProjectMatch


def _match(project: CharityProject, referral: Referral) -> ProjectMatch | None:
    categories = set(project.categories)
    if not categories:
        category_fit = "any"
    elif referral.category in categories:
        category_fit = "category"
    elif referral.category_kind in categories:
        category_fit = "kind"
    else:
        return None
    served = {region.id for region in project.regions}
    if referral.township_id in served:
        region_fit = "township"
    elif referral.county_id in served:
        region_fit = "county"
    elif referral.county.parent_id in served:
        region_fit = "city"
    else:
        return None
    gap = referral.gap_money or Decimal("0")
    return ProjectMatch(project, category_fit, region_fit, project.remaining >= gap)


def _loaded_projects():
    return (selectinload(CharityProject.category_rows), selectinload(CharityProject.regions),
            joinedload(CharityProject.charity))


def projects_for(session: Session, referral: Referral, charity_id: int | None = None) -> list[ProjectMatch]:
    """The active projects that fit the referral (of one charity, when given), best first."""
    query = select(CharityProject).where(fit_clause(
        CharityProject, referral.category, referral.category_kind, referral.township_id, referral.county_id))
    if charity_id is not None:
        query = query.where(CharityProject.charity_id == charity_id)
    matches = [_match(project, referral) for project in session.scalars(query.options(*_loaded_projects()))]
    return sorted((m for m in matches if m is not None), key=lambda m: m.rank)


def referrals_for(session: Session, charity_id: int, *where, limit: int = 200) -> list[ReferralMatch]:
    """The pool's referrals that fit the charity's projects (and ``where``, e.g. the viewer's scope), best
    fit first, then the longest waiting. At most ``limit``, taken oldest first."""
    referrals = session.scalars(
        select(Referral).where(Referral.state.in_(POOL_STATES), Referral.fits_charity(charity_id), *where)
        .order_by(Referral.referred_at, Referral.id).limit(limit)
        .options(joinedload(Referral.county), joinedload(Referral.township))).all()
    projects = session.scalars(select(CharityProject).where(
        CharityProject.charity_id == charity_id, CharityProject.active.is_(True)).options(*_loaded_projects())).all()
    found = []
    for referral in referrals:
        matches = sorted((m for m in (_match(p, referral) for p in projects) if m is not None), key=lambda m: m.rank)
        if matches:
            found.append(ReferralMatch(referral, matches[0]))
    return sorted(found, key=lambda m: m.best.rank[:3])
