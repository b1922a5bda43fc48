"""The rule store the web app serves from.

Every worker keeps a :class:`app.rules.RuleStore` and checks before a request needs the rules whether
the files changed (cheap mtime check), so an edit made by one worker (or by hand) reaches all of them
without a restart; a faulty edit leaves the last valid rules in service.
"""
from __future__ import annotations

from flask import Flask, current_app

from app.rules import RuleSet, RuleStore


def init_rules(app: Flask) -> None:
    app.extensions["tempaid_rules"] = RuleStore(app.config["RULES_DIR"])


def current_rules() -> RuleSet:
    store: RuleStore = current_app.extensions["tempaid_rules"]
    store.refresh_if_changed()
    return store.current
