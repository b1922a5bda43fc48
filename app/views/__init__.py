"""Flask-AppBuilder screens: thin declarations over the models and services."""
from __future__ import annotations

from flask_appbuilder import AppBuilder
from flask_babel import lazy_gettext as _l

from app.web.menu import MENU_OF_VIEW


CATEGORIES = {
    "Cases": (_l("Cases"), "fa-folder-open"),
    "Settings": (_l("Settings"), "fa-cogs"),
    "Charity": (_l("Charity linkage"), "fa-heart"),
    "Finance": (_l("Finance"), "fa-jpy"),
    "Leads": (_l("Leads"), "fa-bell"),
}


def _add(appbuilder: AppBuilder, view, name: str, label, icon: str, category: str) -> None:
    category_label, category_icon = CATEGORIES[category]
    appbuilder.add_view(view, name, label=label, icon=icon, category=category,
                        category_label=category_label, category_icon=category_icon)
    MENU_OF_VIEW[view.__name__] = (name, category)


def register_views(appbuilder: AppBuilder) -> None:
    from flask import current_app

    from app.web.timefmt import china_time

    current_app.jinja_env.filters["china_time"] = china_time
    from app.views.cases import CaseView, DueCaseView
    from app.views.households import HouseholdView
    from app.views.intake import IntakeView
    from app.views.members import HouseholdMemberView
    from app.views.regions import RegionView

    _add(appbuilder, IntakeView, "Intake", _l("Intake"), "fa-plus-square", "Cases")
    _add(appbuilder, CaseView, "All cases", _l("All cases"), "fa-folder", "Cases")
    _add(appbuilder, DueCaseView, "Due soon and overdue", _l("Due soon and overdue"), "fa-clock-o", "Cases")
    _add(appbuilder, HouseholdView, "Households", _l("Households"), "fa-home", "Cases")
    from app.views.home_county import HomeCountyCaseView

    _add(appbuilder, HomeCountyCaseView, "Our people helped elsewhere", _l("Our people helped in other counties"),
         "fa-map-marker", "Cases")
    from app.views.documents import DocumentView

    _add(appbuilder, DocumentView, "Decisions not delivered", _l("Decisions not delivered"), "fa-envelope", "Cases")
    appbuilder.add_view_no_menu(HouseholdMemberView)
    from app.views.account import AccountView

    appbuilder.add_view_no_menu(AccountView)  # in the user menu at the top right
    _add(appbuilder, RegionView, "Regions", _l("Regions"), "fa-map", "Settings")
    from app.views.charities import CharityProjectView, CharityView
    from app.views.referrals import AidRecordView, ReferralPoolView, ReferralView

    _add(appbuilder, ReferralPoolView, "Referral pool", _l("Referral pool"), "fa-inbox", "Charity")
    _add(appbuilder, ReferralView, "Referrals", _l("Referrals"), "fa-share", "Charity")
    _add(appbuilder, AidRecordView, "Charity aid records", _l("Charity aid records"), "fa-gift", "Charity")
    _add(appbuilder, CharityView, "Charities", _l("Charities"), "fa-heart", "Charity")
    _add(appbuilder, CharityProjectView, "Charity projects", _l("Charity projects"), "fa-money", "Charity")
    from app.views.batches import PaymentBatchView
    from app.views.funds import FundMovementView, ReserveFundView
    from app.views.ledgers import DisclosureView, LedgerView
    from app.views.payments import PaymentView

    _add(appbuilder, PaymentView, "Payments", _l("Payments"), "fa-credit-card", "Finance")
    _add(appbuilder, LedgerView, "Cash and in-kind ledger", _l("Cash and in-kind ledger"), "fa-book", "Finance")
    _add(appbuilder, DisclosureView, "Public disclosure list", _l("Public disclosure list"), "fa-bullhorn", "Finance")
    _add(appbuilder, PaymentBatchView, "Bank transfer batches", _l("Bank transfer batches"), "fa-university",
         "Finance")
    _add(appbuilder, ReserveFundView, "Township reserve funds", _l("Township reserve funds"), "fa-money", "Finance")
    _add(appbuilder, FundMovementView, "Reserve fund movements", _l("Reserve fund movements"), "fa-exchange",
         "Finance")
    from app.views.rule_editor import RuleEditorView

    _add(appbuilder, RuleEditorView, "Rule editor", _l("Rule editor"), "fa-pencil-square-o", "Settings")
    from app.views.dashboards import AccountabilityView, DashboardView

    _add(appbuilder, DashboardView, "Performance dashboard", _l("Performance dashboard"), "fa-bar-chart", "Cases")
    appbuilder.add_view_no_menu(AccountabilityView)  # reached from a case's page
    from app.views.lead_inbox import LeadInboxView
    from app.views.leads import GridWorkerView, LeadPhotoView

    _add(appbuilder, LeadInboxView, "Lead inbox", _l("Lead inbox"), "fa-inbox", "Leads")
    _add(appbuilder, GridWorkerView, "My reports", _l("My reports"), "fa-bell", "Leads")
    appbuilder.add_view_no_menu(LeadPhotoView)
    from app.views.job_runs import JobRunView
    from app.views.notifications import NotificationView, unread_for_navbar

    _add(appbuilder, JobRunView, "Job runs", _l("Job runs"), "fa-tasks", "Settings")  # administrators only
    appbuilder.add_view_no_menu(NotificationView)  # the bell in the navigation bar
    current_app.context_processor(unread_for_navbar)
