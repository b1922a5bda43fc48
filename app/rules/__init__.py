"""The rules engine of tempaid: rule files in, verdicts out. Pure Python — no Flask, no database.

Rule files (``spec/rules-format.md``) are loaded and checked as a whole directory; a verdict
(``spec/evaluation.md``) is computed from the rules in force on the application date. The web app,
the API, the CLI and the tests all use this package the same way:

    rules = load_rules("rules")                 # RulesInvalid(.faults) when any file is wrong
    verdict = evaluate(input_mapping, rules)    # InputError(field, message) on bad input
    text = dumps(verdict)                       # the one JSON form, identical at every door
"""
from app.rules.calendar import WorkCalendar
from app.rules.engine import evaluate
from app.rules.faults import Fault, InputError, RulesInvalid
from app.rules.jsonout import dumps, error_json
from app.rules.loader import load_rules, validate_rules
from app.rules.ruleset import Category, RuleSet
from app.rules.store import RuleStore

__all__ = [
    "load_rules", "validate_rules", "evaluate", "dumps", "error_json", "RuleStore", "RuleSet", "Category",
    "Fault", "RulesInvalid", "InputError", "WorkCalendar",
]
