"""The ``tempaid`` console script: ``tempaid rules …`` starts without the web stack.

The Flask CLI group (:mod:`app.cli`) imports Flask, Flask-AppBuilder and SQLAlchemy before it parses a
single argument: over a second of start-up that the engine's commands never use (they need no app, no
database). So the script looks at its first argument: ``rules`` goes straight to the plain click group
of :mod:`app.rules.cli`; anything else to the Flask group, imported only then.
"""
from __future__ import annotations

import os
import sys


ENV_FILE = ("-e", "--env-file")


def main(argv: list[str] | None = None):
    args = sys.argv[1:] if argv is None else list(argv)
    if args[:1] and args[0].split("=", 1)[0] in ENV_FILE:
        args = _env_file_first(args)
    if args[:1] == ["rules"]:
        from app.rules.cli import rules_group

        return rules_group.main(args=args[1:], prog_name="tempaid rules")
    from app.cli import cli

    return cli.main(args=args, prog_name="tempaid")


def _env_file_first(args: list[str]) -> list[str]:
    """``tempaid -e FILE rules …`` (the deployment's way, README) loads FILE as the Flask group's ``-e``
    would and still starts without the web stack; before any other command the arguments are left as they
    are, for the Flask group to read."""
    _, equals, inline = args[0].partition("=")
    if equals:
        path, rest = inline, args[1:]
    else:
        path, rest = (args[1] if len(args) > 1 else ""), args[2:]
    if rest[:1] != ["rules"] or not os.path.isfile(path):  # a missing file: the Flask group says so
        return args
    from dotenv import load_dotenv

    load_dotenv(path, encoding="utf-8")
    return rest


if __name__ == "__main__":  # python -m app.entry rules validate
    main()
