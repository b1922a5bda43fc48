"""``tempaid deadlines`` prints the overdue cases."""
from app.cli import cli
from app.services.intake import intake
from tests.services.test_workflow import user
from tests.support import make_household

FIRE = {"kind": "emergency", "category": "incident:fire", "severity": "light", "application_date": "2026-01-05",
        "reported_at": "2026-01-05T20:00:00+08:00"}


def test_overdue_cases_are_printed(app, session, rules):
    late = intake(session, make_household(session, "370811"), FIRE, user(app, "township_caseworker_370811"), rules)
    other = intake(session, make_household(session, "370881"), FIRE, user(app, "township_caseworker_370881"), rules)
    runner = app.test_cli_runner()
    result = runner.invoke(cli, ["deadlines"])
    assert result.exit_code == 0, result.output
    assert late.number in result.output and other.number in result.output
    assert "pre_assist_due" in result.output and "2026-01-06 20:00" in result.output
    only = runner.invoke(cli, ["deadlines", "--county", "370881"])
    assert other.number in only.output and late.number not in only.output


def test_overdue_leads_are_printed_after_the_cases(app, session, rules):
    """A lead not contacted within the county's leads.first_contact_hours is overdue like a case."""
    import datetime as dt

    from app.models.audit import utcnow
    from app.services.leads import report
    from app.services.users import home_region

    grid = user(app, "grid_worker_370811")
    township = home_region("township", grid.region)
    fields = {"person_name": "周九", "township_id": str(township.id), "category": "incident:fire",
              "severity": "urgent", "description": "火灾"}
    late = report(session, fields, rules, grid, now=utcnow() - dt.timedelta(hours=25))
    fresh = report(session, fields, rules, grid, now=utcnow())
    runner = app.test_cli_runner()
    result = runner.invoke(cli, ["deadlines", "--county", "370811"])
    assert result.exit_code == 0, result.output
    assert late.number in result.output and "first_contact_due" in result.output
    assert fresh.number not in result.output
    assert late.number not in runner.invoke(cli, ["deadlines", "--county", "370881"]).output


def test_decisions_not_delivered_in_the_countys_time_are_printed(app, session, rules, monkeypatch):
    """A decision not delivered (送达) within documents.delivery_days (Jining: 10 days) is overdue: printed
    with the day its delivery was due; a delivered one is not, nor one still within its days."""
    import datetime as dt

    import app.models.audit as audit
    from app.rules.inputs import CST
    from app.services.deliveries import record_delivery
    from tests.charity_support import make_case

    late, delivered = make_case(app, session, rules), make_case(app, session, rules)
    record_delivery(session, delivered, user(app, "township_caseworker_370811"), "approval", "post",
                    audit.utcnow().astimezone(CST).date().isoformat(), "张三", reference="SF1234567890")
    session.flush()
    runner = app.test_cli_runner()
    decided_on = late.decided_at.replace(tzinfo=late.decided_at.tzinfo or dt.timezone.utc).astimezone(CST).date()
    assert late.number not in runner.invoke(cli, ["deadlines", "--county", "370811"]).output  # within its days
    real = audit.utcnow
    monkeypatch.setattr(audit, "utcnow", lambda: real() + dt.timedelta(days=12))
    result = runner.invoke(cli, ["deadlines", "--county", "370811"])
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if line.startswith(late.number))
    assert line.endswith(f"delivery_due\t{decided_on + dt.timedelta(days=10)} 23:59")
    assert delivered.number not in result.output
    assert late.number not in runner.invoke(cli, ["deadlines", "--county", "370881"]).output
