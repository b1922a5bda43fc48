"""``evaluate()`` of this tree beside the same call as another revision wrote it, in one process.

    python bench/engine_vs_main.py [--rev main] [--rounds 20]

The other revision's ``app/rules/engine.py`` is read with ``git show REV:app/rules/engine.py`` and loaded
as a module of its own beside this tree's; its inputs go through the general checker
(``inputs.check_input``, which every input took before the fast path). Both run over the mix of
``bench/engine.py`` in alternating rounds, timed in CPU time of this process, so a machine loaded by
others slows both alike: the ratio is the figure. Every verdict is compared byte for byte first.
"""
from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from app.rules import dumps  # noqa: E402
from app.rules.engine import evaluate_request  # noqa: E402
from app.rules.inputs import check_input, parse_input  # noqa: E402
from app.rules.loader import check_directory  # noqa: E402
from engine import make_mix  # noqa: E402


def load_revision(rev: str):
    text = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:app/rules/engine.py"], check=True,
                          capture_output=True, text=True).stdout
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
        handle.write(text)
    spec = importlib.util.spec_from_file_location("engine_at_revision", handle.name)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.evaluate_request


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", default="main")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    rules, _ = check_directory(ROOT / "rules")
    mix = make_mix(rules, 2000, 2018)
    theirs = load_revision(args.rev)
    for data in mix:
        assert dumps(evaluate_request(parse_input(data), rules)) == dumps(theirs(check_input(data), rules))
    calls = (lambda d: evaluate_request(parse_input(d), rules), lambda d: theirs(check_input(d), rules))
    spent = [0.0, 0.0]
    for round_ in range(args.rounds):
        for which in ((0, 1) if round_ % 2 else (1, 0)):
            start = time.process_time()
            for data in mix:
                calls[which](data)
            spent[which] += time.process_time() - start
    done = args.rounds * len(mix)
    print(f"evaluate(), this tree: {done / spent[0]:,.0f}/s; as at {args.rev}: {done / spent[1]:,.0f}/s; "
          f"ratio {spent[1] / spent[0]:.2f} (target >= 20,000/s on a quiet 2-core machine)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
