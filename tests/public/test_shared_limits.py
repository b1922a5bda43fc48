"""Two workers, one Redis: the public limits and the used captchas are counted together (skipped when no
Redis answers at ``TEST_REDIS_URL``, default redis://127.0.0.1:6379/7)."""
import os
import uuid

import pytest

REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/7")


def _redis():
    try:
        import redis

        client = redis.Redis.from_url(REDIS, socket_connect_timeout=1)
        client.ping()
        return client
    except Exception:  # noqa: BLE001 — any failure means: no Redis here
        return None


@pytest.fixture(scope="module")
def workers(tmp_path_factory):
    client = _redis()
    if client is None:
        pytest.skip(f"no Redis at {REDIS}")
    from flask_migrate import upgrade

    from app import create_app

    folder = tmp_path_factory.mktemp("workers")
    prefix = f"tempaid-test-{uuid.uuid4().hex[:8]}"
    with pytest.MonkeyPatch.context() as env:  # restored (or unset) afterwards, whatever ran before
        env.setenv("TEMPAID_INSTANCE", str(folder))
        settings = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'w.db'}", "RATELIMIT_ENABLED": True,
                    "RATELIMIT_STORAGE_URI": REDIS, "RATELIMIT_KEY_PREFIX": prefix, "SYNC_ROLES_ON_START": False,
                    "PUBLIC_LOOKUP_RATE_LIMIT": "4 per minute"}
        first, second = create_app(settings), create_app(settings)
        with first.app_context():
            upgrade(revision="heads")
    yield first, second
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)


def _look_up(app, answer="ACDE"):
    from tests.public.support import api_captcha

    client = app.test_client()
    return client.post("/api/v1/public/status", json={"number": "3708119999", "id_tail": "1234",
                                                      "captcha_token": api_captcha(client), "captcha_answer": answer})


def test_the_look_up_limit_is_shared_by_the_workers(workers, known_captcha):
    first, second = workers
    codes = [_look_up(first).status_code, _look_up(second).status_code, _look_up(first).status_code,
             _look_up(second).status_code, _look_up(first).status_code, _look_up(second).status_code]
    assert codes[:4] == [404] * 4 and codes[4:] == [429, 429]
