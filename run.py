"""Start tempaid on SQLite with demo data: ``python run.py``.

Applies the migrations, syncs the roles, fills an empty database with demo data (regions, one user per
role in two counties, a few households) and serves on http://127.0.0.1:8080, printing the demo logins.
"""
from __future__ import annotations

import os

from flask_migrate import upgrade

from app import create_app

HOST, PORT = "127.0.0.1", int(os.environ.get("PORT", "8080"))


def prepare(app) -> list[dict]:
    from app.security.sync import sync_security
    from app.services.demo import seed_demo

    with app.app_context():
        upgrade(revision="heads")
        sync_security()
        return seed_demo()


def main() -> None:
    os.environ.setdefault("TEMPAID_DEMO", "1")
    app = create_app()
    logins = prepare(app)
    print(f"\ntempaid 临时救助管理 — http://{HOST}:{PORT}/\n")
    print("Demo logins (demo mode only) / 演示账号：")
    width = max((len(entry["username"]) for entry in logins), default=10)
    for entry in logins:
        print(f"  {entry['username']:<{width}}  {entry['password']}  {entry['role']} · {entry['region']}")
    print()
    app.run(host=HOST, port=PORT, debug=False, use_reloader=False)


if __name__ == "__main__":
    main()
