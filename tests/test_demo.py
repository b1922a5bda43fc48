"""python run.py: migrations, demo data and printed logins that work — on a database of its own."""
import pytest


@pytest.fixture()
def demo_app(tmp_path, monkeypatch):
    monkeypatch.setenv("TEMPAID_INSTANCE", str(tmp_path))
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'demo.db'}",
                       "DEMO_MODE": True, "RATELIMIT_ENABLED": False})


def test_prepare_fills_an_empty_database_and_logins_work(demo_app):
    import run
    from tests.conftest import login

    logins = run.prepare(demo_app)
    usernames = {entry["username"] for entry in logins}
    assert "admin" in usernames and "township_caseworker_370811" in usernames
    assert "township_caseworker_370881" in usernames and "city_bureau" in usernames
    assert len({entry["password"] for entry in logins}) == len(logins)
    caseworker = next(e for e in logins if e["username"] == "county_reviewer_370881")
    client = demo_app.test_client()
    assert login(client, caseworker["username"], caseworker["password"]).status_code == 302
    assert "救助家庭" in client.get("/householdview/list/").get_data(as_text=True)
    stranger = demo_app.test_client()
    login(stranger, "admin", "wrong-password")
    assert stranger.get("/householdview/list/").status_code == 302  # sent back to the login page
    again = run.prepare(demo_app)
    assert again == logins


def test_the_demo_has_reserve_funds_and_a_charity_project_in_each_county(demo_app):
    import run
    from sqlalchemy import func, select

    from app.models import CharityProject, ReserveFund

    run.prepare(demo_app)
    with demo_app.app_context():
        session = demo_app.appbuilder.session
        funds = session.scalars(select(ReserveFund)).all()
        assert {f.township.code for f in funds} == {"370811005", "370811102", "370811111", "370881001", "370881101"}
        assert {str(f.balance) for f in funds} == {"20000.00"}
        projects = session.scalars(select(CharityProject)).all()
        assert sorted(p.charity.region.code for p in projects) == ["370811", "370881"]
        assert all(p.remaining == p.budget == 100000 and p.categories == ["illness"] for p in projects)
        run.prepare(demo_app)  # a second start adds nothing
        assert session.scalar(select(func.count()).select_from(ReserveFund)) == 5


def test_no_demo_data_outside_demo_mode(tmp_path, monkeypatch):
    monkeypatch.setenv("TEMPAID_INSTANCE", str(tmp_path))
    from app import create_app
    from app.services.demo import seed_demo

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}", "DEMO_MODE": False})
    with app.app_context(), pytest.raises(RuntimeError):
        seed_demo()


def test_the_demo_lets_every_step_be_tried_by_a_second_person(demo_app):
    """Cases in several states in each county's home township, and a second approver and reviewer, so
    that separation of duties and "nobody decides what they took in" can be tried with the demo logins."""
    import run
    from sqlalchemy import select

    from app.models import Case
    from tests.conftest import login

    logins = {entry["username"]: entry["password"] for entry in run.prepare(demo_app)}
    for county in ("370811", "370881"):
        for key in ("township_approver", "county_reviewer", "county_approver"):
            assert f"{key}_2_{county}" in logins
    with demo_app.app_context():
        session = demo_app.appbuilder.session
        states = {}
        for case in session.scalars(select(Case)):
            states.setdefault(case.county.code, set()).add(case.state)
        expected = {"submitted", "investigated", "reviewed", "approved", "reported", "pre_assisted"}
        assert states == {"370811": expected, "370881": expected}
        waiting = session.scalar(select(Case).where(Case.state == "pre_assisted", Case.county.has(code="370811")))
    client = demo_app.test_client()
    assert login(client, "township_approver_2_370811", logins["township_approver_2_370811"]).status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert waiting.number in home and "登记、补齐手续" in home, "the second approver may register the pre-assistance"
    caseworker = demo_app.test_client()
    login(caseworker, "township_caseworker_370811", logins["township_caseworker_370811"])
    assert "已申请" in caseworker.get("/").get_data(as_text=True), "a new application waits for acceptance"


def test_the_demo_grid_worker_sees_reports_and_their_outcomes(demo_app):
    """Issue #13: the demo grid worker no longer logs in to an empty menu; the township has leads waiting,
    one of them past its clock."""
    import run
    from tests.conftest import login

    logins = {e["username"]: e["password"] for e in run.prepare(demo_app)}
    grid = demo_app.test_client()
    login(grid, "grid_worker_370811", logins["grid_worker_370811"])
    mine = grid.get("/leads/mine").get_data(as_text=True)
    assert mine.count('class="panel panel-default lead-card"') == 4
    assert "已转为救助个案" in mine and "经核实已纳入低保" in mine and "等待乡镇" in mine
    township = demo_app.test_client()
    login(township, "township_caseworker_370811", logins["township_caseworker_370811"])
    inbox = township.get("/leads/inbox/").get_data(as_text=True)
    assert 'id="leads-overdue"' in inbox and "周大" in inbox
