"""REST endpoints (Flask-AppBuilder BaseApi / ModelRestApi): thin, over the same services."""
from __future__ import annotations

from flask_appbuilder import AppBuilder


def register_apis(appbuilder: AppBuilder) -> None:
    from app.api.cases import CaseApi
    from app.api.eligibility import EligibilityApi
    from app.api.households import HouseholdApi

    appbuilder.add_api(EligibilityApi)
    appbuilder.add_api(HouseholdApi)
    appbuilder.add_api(CaseApi)
    from app.api.aid_records import AidRecordApi
    from app.api.referrals import ReferralApi

    appbuilder.add_api(ReferralApi)
    appbuilder.add_api(AidRecordApi)
    from app.api.batches import PaymentBatchApi
    from app.api.funds import FundMovementApi, ReserveFundApi
    from app.api.payments import PaymentApi

    appbuilder.add_api(PaymentApi)
    appbuilder.add_api(PaymentBatchApi)
    appbuilder.add_api(ReserveFundApi)
    appbuilder.add_api(FundMovementApi)
    from app.api.rule_editor import RuleEditorApi

    appbuilder.add_api(RuleEditorApi)
    from app.api.leads import LeadApi

    appbuilder.add_api(LeadApi)
