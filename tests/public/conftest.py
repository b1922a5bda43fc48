"""The public side's fixtures: a captcha whose answer the test knows, and an app with the rate limits on."""
import pytest


@pytest.fixture()
def known_captcha(monkeypatch):
    """Every challenge reads ``ACDE`` (the token and its HMAC are made as in production)."""
    from app.public import captcha

    monkeypatch.setattr(captcha, "new_text", lambda: "ACDE")
    return "ACDE"


@pytest.fixture(scope="module")
def limited_app(tmp_path_factory):
    """The app as in production as far as limits go (the suite's app runs with them off), on its own
    SQLite file with the regions, the public limits small: 3 look-ups and 2 reports a minute."""
    from flask_migrate import upgrade

    from app import create_app
    from app.services.regions import load_regions

    folder = tmp_path_factory.mktemp("limited")
    # the variable as it was afterwards, or unset if it was: a shuffled run may make this app first
    with pytest.MonkeyPatch.context() as env:
        env.setenv("TEMPAID_INSTANCE", str(folder))
        application = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'limited.db'}",
                                  "RATELIMIT_ENABLED": True, "SYNC_ROLES_ON_START": False,
                                  "PUBLIC_LOOKUP_RATE_LIMIT": "3 per minute", "PUBLIC_FORM_RATE_LIMIT": "2 per minute"})
        with application.app_context():
            upgrade(revision="heads")
            load_regions(application.appbuilder.session)
            application.appbuilder.session.commit()
    return application
