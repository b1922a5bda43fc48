"""Settings come from the environment; the secret key is generated once, never a constant."""
from config import settings


def test_secret_key_generated_once_into_instance(tmp_path, monkeypatch):
    monkeypatch.setenv("TEMPAID_INSTANCE", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = settings.load_settings()["SECRET_KEY"]
    second = settings.load_settings()["SECRET_KEY"]
    assert first == second and len(first) == 64
    key_file = tmp_path / "secret_key"
    assert key_file.read_text() == first
    assert key_file.stat().st_mode & 0o077 == 0


def test_secret_key_differs_between_instances(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    keys = set()
    for name in ("a", "b"):
        monkeypatch.setenv("TEMPAID_INSTANCE", str(tmp_path / name))
        keys.add(settings.load_settings()["SECRET_KEY"])
    assert len(keys) == 2


def test_environment_overrides(tmp_path, monkeypatch):
    monkeypatch.setenv("TEMPAID_INSTANCE", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db:5432/tempaid")
    monkeypatch.setenv("RULES_DIR", "/srv/rules")
    loaded = settings.load_settings()
    assert loaded["SECRET_KEY"] == "from-env"
    assert loaded["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db:5432/tempaid"
    assert loaded["RULES_DIR"] == "/srv/rules"
    assert not (tmp_path / "secret_key").exists()


def test_default_database_is_sqlite_in_instance(tmp_path, monkeypatch):
    monkeypatch.setenv("TEMPAID_INSTANCE", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert settings.load_settings()["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'tempaid.db'}"


def test_chinese_first_and_secure_cookies(tmp_path, monkeypatch):
    monkeypatch.setenv("TEMPAID_INSTANCE", str(tmp_path))
    loaded = settings.load_settings()
    assert loaded["BABEL_DEFAULT_LOCALE"] == "zh"
    assert set(loaded["LANGUAGES"]) == {"zh", "en"}
    assert loaded["SESSION_COOKIE_HTTPONLY"] and loaded["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert loaded["DEMO_MODE"] is False


def test_secure_cookie_outside_demo(tmp_path, monkeypatch):
    monkeypatch.setenv("TEMPAID_INSTANCE", str(tmp_path))
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    monkeypatch.delenv("TEMPAID_DEMO", raising=False)
    assert settings.load_settings()["SESSION_COOKIE_SECURE"] is True
    monkeypatch.setenv("TEMPAID_DEMO", "1")
    assert settings.load_settings()["SESSION_COOKIE_SECURE"] is False


def test_workers_starting_together_share_one_key(tmp_path, monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setenv("TEMPAID_INSTANCE", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: settings.load_settings()["SECRET_KEY"], range(16)))
    assert len(keys) == 1 and len(keys.pop()) == 64
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".secret_key")] == []
