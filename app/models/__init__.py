"""SQLAlchemy models. All share Flask-AppBuilder's ``Model`` metadata, which Alembic migrates."""
from app.models.region import Region, RegionLevel  # noqa: F401
from app.models.household import Household  # noqa: F401
from app.models.user import TempaidUser  # noqa: F401
from app.models.audit import AuditEntry, LoginEvent  # noqa: F401
from app.models.member import HouseholdMember  # noqa: F401
from app.models.case import Case, CaseAdjustment  # noqa: F401
from app.models.charity import Charity, CharityProject, ProjectCategory  # noqa: F401
from app.models.referral import AidRecord, Referral  # noqa: F401
from app.models.payment import Payment, PaymentBatch  # noqa: F401
from app.models.reserve_fund import FundMovement, ReserveFund  # noqa: F401
from app.models.rule_revision import RuleRevision  # noqa: F401
from app.models.posting import CasePosting, PostingObjection  # noqa: F401
from app.models.document import DisclosurePosting, DocumentDelivery  # noqa: F401
from app.models.clock import CaseClock  # noqa: F401
from app.models.accountability import AccountabilityRecord  # noqa: F401
from app.models.lead import Lead, LeadPhoto  # noqa: F401
from app.models.job import JobRun, Notification  # noqa: F401
from app.models.summary import DashboardCell, DashboardDays, DashboardStale  # noqa: F401
from app.models.security_sync import SecuritySync  # noqa: F401
