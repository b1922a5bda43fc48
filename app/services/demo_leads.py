"""Demo leads (急难线索): what the demo grid worker of each county has reported, so the grid worker, the
township inbox and the public status look-up have something to show — one urgent fire just reported, one
past its clock, one closed with a reason, one taken in as a case (through the services, like any other)."""
from __future__ import annotations

import datetime as dt

from flask import current_app

from app.idnumber import check_digit
from app.models import Household, Region
from app.models.audit import utcnow
from app.rules.inputs import CST
from app.security.roles import load_roles
from app.services.leads import accept, close, report
from app.services.rules import current_rules
from app.services.users import home_region, username_for

#: person, ID body suffix (11 digits after the county code) or None, category, severity, hours ago, what
DEMO_LEADS = [
    ("周大", "19700303011", "incident:fire", "urgent", 1, "昨夜住房失火，屋顶烧塌，一家三口暂住邻居家"),
    ("吴二", None, "incident:traffic_accident", "urgent", 30, "骑电动车被撞，家中唯一劳动力住院"),
    ("郑三", None, "illness:uremia", "ordinary", 50, "长期透析，医疗费用负担重"),
    ("冯四", "19880808012", "incident:fire", "urgent", 3, "厨房起火，家电、口粮烧毁"),
]


def seed_leads(session, regions: dict[str, Region], counties) -> None:
    sm, rules = current_app.appbuilder.sm, current_rules()
    declared = load_roles()
    now = utcnow()
    for code in counties:
        grid = sm.find_user(username=username_for("grid_worker", declared["grid_worker"].scope, code))
        caseworker = sm.find_user(username=username_for("township_caseworker", declared["township_caseworker"].scope,
                                                        code))
        town = home_region("township", regions[code])
        known = {f"{kind}:{c}" for kind, entries in rules.effective(code, now.astimezone(CST).date())
                 .get("categories", {}).items() for c in (entries or {})}
        leads = []
        for person, suffix, category, severity, hours, what in DEMO_LEADS:
            body = code + suffix if suffix else None
            leads.append(report(session, {
                "person_name": person, "id_number": body + check_digit(body) if body else None,
                "phone": "1350537" + (suffix or "00000000")[-4:], "township_id": town.id, "village": "东风村",
                "address": "东风村二组", "category": category if category in known else "incident:fire",
                "severity": severity, "description": what}, rules, grid, now=now - dt.timedelta(hours=hours)))
        close(session, leads[2], caseworker, "经核实已纳入低保并享受医疗救助，暂不需临时救助")
        taken = leads[3]
        household = Household(id_number=taken.id_number, head_name=taken.person_name, township=town,
                              county=town.parent, area="rural", residency="local_hukou", size=4,
                              phone=taken.phone, address=taken.address)
        accept(session, taken, caseworker, rules, {
            "kind": "emergency", "category": taken.category, "severity": "light",
            "application_date": now.astimezone(CST).date().isoformat(),
            "reported_at": taken.reported_at.astimezone(CST).isoformat(timespec="seconds"),
            "requested_amount": "800"}, household=household, now=now)
