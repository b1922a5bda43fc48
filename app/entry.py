"""The ``tempaid`` console script: ``tempaid rules …`` starts without the web stack.

The Flask CLI group (:mod:`app.cli`) imports Flask, Flask-AppBuilder and SQLAlchemy before it parses a
single argument: over a second of start-up that the engine's commands never use (they need no app, no
database). So the script looks at its first argument: ``rules`` goes straight to the plain click group
of :mod:`app.rules.cli`; anything else to the Flask group, imported only then.
"""
from __future__ import annotations

import sys


def main(argv: list[str] | None = None):
    args = sys.argv[1:] if argv is None else list(argv)
    if args[:1] == ["rules"]:
        from app.rules.cli import rules_group

        return rules_group.main(args=args[1:], prog_name="tempaid rules")
    from app.cli import cli

    return cli.main(args=args, prog_name="tempaid")


if __name__ == "__main__":  # python -m app.entry rules validate
    main()
