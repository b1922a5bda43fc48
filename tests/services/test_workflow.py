"""The declared workflow, run case by case from tests/services/workflow_cases.yaml."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from app.services.intake import intake
from app.services.payments import record_payment
from app.services.workflow import TransitionRefused, take
from app.services.workflow_def import load_workflow
from tests.support import make_household

CASES = YAML(typ="safe").load((Path(__file__).parent / "workflow_cases.yaml").read_text(encoding="utf-8"))


def user(app, username):
    return app.appbuilder.sm.find_user(username=username)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_workflow_case(case, app, session, rules):
    household = make_household(session, "370811")
    caseworker = user(app, case.get("intake_by", "township_caseworker_370811"))
    aid = intake(session, household, case["figures"], caseworker, rules)
    for key, expected in case.get("verdict", {}).items():
        actual = aid.maximum_amount if key == "maximum" else getattr(aid, key)
        assert actual == (Decimal(expected) if key == "maximum" else expected), key
    for name, due in case.get("deadlines", {}).items():
        assert aid.deadlines[name] == {"due": due, "met": None}
    for step in case["steps"]:
        actor = user(app, step["by"])
        if "record" in step:
            record_payment(session, aid, actor, rules=rules, **step["record"])
            assert aid.state == step["expect"], step
        elif step["expect"] == "refused":
            with pytest.raises(TransitionRefused) as refused:
                take(session, aid, step["do"], actor, step.get("fields", {}), rules)
            assert refused.value.code == step["code"], step
        else:
            take(session, aid, step["do"], actor, step.get("fields", {}), rules)
            assert aid.state == step["expect"], step
            for name, due in step.get("deadlines", {}).items():
                assert aid.deadlines[name]["due"] == due, step


def test_declared_workflow_is_valid():
    from app.security.roles import load_roles

    workflow = load_workflow(roles=set(load_roles()))
    assert set(workflow.flows) == {"expenditure", "emergency", "major", "quick"}
    assert workflow.flow_for("emergency", "major").name == "major"
    assert workflow.flow_for("emergency", "light", ["quick_aid"]).name == "quick"
    assert workflow.flow_for("emergency", "light").name == "emergency"


def test_workflow_faults_name_the_line(tmp_path):
    from app.services.workflow_def import WorkflowInvalid

    text = (Path(__file__).resolve().parents[2] / "config/workflow.yaml").read_text(encoding="utf-8")
    broken = text.replace("to: investigated", "to: nowhere", 1)
    line = broken.splitlines().index("        to: nowhere") + 1
    path = tmp_path / "workflow.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(WorkflowInvalid) as caught:
        load_workflow(path)
    assert caught.value.faults[0].startswith(f"workflow.yaml:{line}:")


def test_accepting_starts_the_twenty_working_day_clock(app, session, rules):
    household = make_household(session, "370811")
    figures = CASES[0]["figures"]
    aid = intake(session, household, figures, user(app, "township_caseworker_370811"), rules)
    assert aid.due_at is None
    take(session, aid, "accept", user(app, "township_caseworker_370811"), {"date": "2026-11-02"}, rules)
    due = aid.deadlines["decision_due"]["due"]
    assert dt.date.fromisoformat(due) == dt.date(2026, 11, 30)  # 20 working days after 2 November 2026
    assert aid.due_at is not None


def test_every_approval_forbids_self_approval():
    """No one decides a case they took in: every decision of config/workflow.yaml says so (the city bureau
    once took in an emergency and pre-assisted it itself)."""
    raw = YAML(typ="safe").load((Path(__file__).resolve().parents[2] / "config/workflow.yaml").read_text(encoding="utf-8"))
    approvals = [(flow, name, t) for flow, spec in raw["flows"].items() for name, t in spec["transitions"].items()
                 if t.get("approval") is True]
    assert ("emergency", "pre_assist") in [(flow, name) for flow, name, _ in approvals]
    assert [(flow, name) for flow, name, t in approvals if t.get("self_approval") is not False] == []


def test_registration_declares_the_separation_from_pre_assistance():
    emergency = load_workflow().flows["emergency"]
    assert emergency.transitions["register"].not_by == ("pre_assist",)
    assert emergency.transitions["register"].level == "verdict"
    assert emergency.transitions["pre_assist"].within == "pre_assist_limit"


def test_a_workflow_naming_an_unknown_separation_is_refused(tmp_path):
    from app.services.workflow_def import WorkflowInvalid

    text = (Path(__file__).resolve().parents[2] / "config/workflow.yaml").read_text(encoding="utf-8")
    path = tmp_path / "workflow.yaml"
    path.write_text(text.replace("not_by: [pre_assist]", "not_by: [pre_asist]"), encoding="utf-8")
    with pytest.raises(WorkflowInvalid) as caught:
        load_workflow(path)
    assert "not_by: found 'pre_asist'" in caught.value.faults[0]
