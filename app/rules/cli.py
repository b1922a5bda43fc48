"""``tempaid rules …``: validate, evaluate and show, from the rules directory alone.

A plain click group (no Flask), so the commands need no database and no running server; the
``tempaid`` Flask CLI attaches it as a subgroup. ``evaluate`` prints exactly :func:`app.rules.dumps` of
the verdict (then a newline), the same bytes the Python and HTTP doors give.

Exit codes: 0 success; 1 the rules directory has faults (listed one per line); 2 bad input (the error
object on stdout for ``evaluate``) or an unknown county for ``show``.
"""
from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import click

from app.rules.jsonout import answer, dumps, money
from app.rules.checkcache import check_directory_cached
from app.rules.schema import OPINION_2026_KEYS

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def default_rules_dir() -> Path:
    """``$RULES_DIR`` when set, else the project's ``rules/``."""
    return Path(os.environ.get("RULES_DIR") or PROJECT_ROOT / "rules")


rules_option = click.option(
    "--rules", "rules_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Rules directory (default: $RULES_DIR, else the project's rules/).",
)


def _load(rules_dir: Path | None):
    rules, faults = check_directory_cached(rules_dir or default_rules_dir())
    if faults:
        for fault in faults:
            click.echo(str(fault), err=True)
        click.echo(f"{len(faults)} fault(s) in {rules_dir or default_rules_dir()}", err=True)
        sys.exit(1)
    return rules


@click.group("rules")
def rules_group():
    """Rule files: validate them, evaluate an application, show a county's rules."""


@rules_group.command("validate")
@rules_option
def validate_command(rules_dir):
    """Check a rules directory; print every fault as file:line:column: path: found …, expected …."""
    directory = rules_dir or default_rules_dir()
    rules, faults = check_directory_cached(directory)  # a file's result is reused only for its very bytes
    if faults:
        for fault in faults:
            click.echo(str(fault))
        click.echo(f"{len(faults)} fault(s)", err=True)
        sys.exit(1)
    has_calendar = (Path(directory) / "calendar.yaml").is_file()
    click.echo(f"OK: {directory}: {len(rules.counties())} county rule sets"
               f"{', calendar.yaml' if has_calendar else ''}; digest {rules.digest[:12]}")


@rules_group.command("evaluate")
@rules_option
@click.option("--batch", is_flag=True,
              help="FILE holds JSON lines: one application a line in, one verdict a line out, in order.")
@click.option("--jobs", type=click.IntRange(1, 256), default=1, show_default=True,
              help="With --batch: processes evaluating at once.")
@click.option("-o", "--output", "output", default="-", type=click.Path(dir_okay=False, allow_dash=True),
              help="With --batch: write the verdicts here (default: standard output).")
@click.argument("input_file", metavar="FILE|-", type=click.Path(dir_okay=False, allow_dash=True))
def evaluate_command(rules_dir, batch, jobs, output, input_file):
    """Evaluate the JSON application in FILE (- for standard input); print the verdict as JSON.

    With --batch, FILE is JSON lines: each line's verdict (or error object) is printed on its own
    line, byte for byte what the single call prints for that line; exit 2 when any line was an error."""
    if not batch and (jobs != 1 or output != "-"):
        raise click.UsageError("--jobs and --output go with --batch")
    rules = _load(rules_dir)
    if batch:
        from app.rules.batch import run_batch

        with click.open_file(input_file, "rb") as source, click.open_file(output, "wb") as sink:
            lines, errors = run_batch(source, sink, rules, rules_dir or default_rules_dir(), jobs)
        if errors:
            click.echo(f"{errors} of {lines} line(s) were not valid input", err=True)
            sys.exit(2)
        return
    with click.open_file(input_file, "r", encoding="utf-8") as source:
        text, ok = answer(source.read(), rules)
    click.echo(text)
    if not ok:
        sys.exit(2)


@rules_group.command("show")
@rules_option
@click.option("--county", required=True, help="6-digit county code.")
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Day the rules are in force (default: today).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def show_command(rules_dir, county, on, as_json):
    """Print a county's effective rules on a day, every value with the file:line it comes from."""
    rules = _load(rules_dir)
    day = on.date() if on else date.today()
    if rules.county(county) is None:
        click.echo(f"no rule file for county {county}; counties: {', '.join(rules.counties())}", err=True)
        sys.exit(2)
    effective = rules.effective(county, day)
    if as_json:
        click.echo(dumps({"county": county, "as_of": day.isoformat(), "digest": rules.digest, "rules": effective}))
        return
    info = rules.county(county)
    click.echo(f"{county} {info.name}: rules in force on {day.isoformat()} ({info.file} extends {info.city_file}; "
               f"digest {rules.digest[:12]})")
    for line in _text_lines(effective, ""):
        click.echo(line)


def _is_leaf(node) -> bool:
    return isinstance(node, dict) and "value" in node and "source" in node


def _shown(value) -> str:
    if value is None:
        return "(no value in force)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "normalize"):
        return money(value)
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value)
    return str(value)


def _text_lines(tree: dict, prefix: str):
    for key, node in tree.items():
        path = f"{prefix}.{key}" if prefix else key
        if not _is_leaf(node):
            yield from _text_lines(node, path)
            continue
        where = node["source"]
        if node.get("since"):
            where += f", since {node['since'].isoformat()}"
        if node.get("first_date"):
            where += f", first in force {node['first_date'].isoformat()}"
        value = node["value"]
        if isinstance(value, list) and value and isinstance(value[0], dict):
            yield f"{path}:  [{where}]"
            for number, row in enumerate(value, 1):
                yield f"  row {number}: from {_shown(row['from'])}, multiplier {_shown(row['multiplier'])}  [{row['source']}]"
        elif key == "documents" and isinstance(value, list):
            yield f"{path}:  [{where}]"
            for item in value:
                yield f"  - {item}"
        elif value is None and path in OPINION_2026_KEYS:
            yield f"{path} = (no value in force: the 2018 rule applies)  [{where}]"
        else:
            yield f"{path} = {_shown(value)}  [{where}]"


__all__ = ["rules", "rules_group", "default_rules_dir"]

#: The group as the lead attaches it: ``tempaid_cli.add_command(rules)``.
rules = rules_group

if __name__ == "__main__":  # python -m app.rules.cli validate
    rules_group()
