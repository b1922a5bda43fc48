"""Benchmark of the rules engine: evaluations per second on one core, and load+validate time.

    python bench/engine.py [--rules DIR] [--calls N] [--seed S] [--check]

Targets (the engine's design requirements): at least 20,000 ``evaluate()`` calls per second on one core
over a realistic mix of inputs, and under 300 ms to load and validate a whole rules directory.
Beside it, in the same run and interleaved (the machine may be loaded by others: the ratio is what
counts), the baseline: the same evaluations with every input through the general checker
(``inputs.check_input``, what every input took before the fast path of ``app/rules/fastinput.py``).
The mix is drawn from the rules themselves: every county, every category its kind may take, dates
from 2018 to 2027 (so some deadlines cross into a year without official calendar data), 60 %
expenditure and 40 % emergency cases (light, heavy and major), households of 1–6 persons (some
recognised as dibao, 低保边缘 or 刚性支出, with their recognition day: the 2026 opinion's waiver), eligible
and not. ``--check`` exits 1 when a target is missed.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

_t0 = time.perf_counter()
from app.rules import dumps, evaluate  # noqa: E402
from app.rules.engine import evaluate_request  # noqa: E402
from app.rules.inputs import check_input  # noqa: E402
from app.rules.jsonout import answer  # noqa: E402
from app.rules.loader import check_directory  # noqa: E402

IMPORT_SECONDS = time.perf_counter() - _t0
TARGET_RATE = 20_000
TARGET_LOAD_MS = 300


def money(rng: random.Random, low: int, high: int) -> str:
    cents = rng.randint(low * 100, high * 100)
    return f"{cents // 100}" if cents % 100 == 0 or rng.random() < 0.5 else f"{cents // 100}.{cents % 100:02d}"


def make_mix(rules, count: int, seed: int) -> list[dict]:
    """``count`` varied, valid inputs for the counties and categories of ``rules``."""
    rng = random.Random(seed)
    counties = rules.counties()
    first_day, span = date(2018, 7, 1), (date(2027, 12, 31) - date(2018, 7, 1)).days
    mix = []
    while len(mix) < count:
        county = rng.choice(counties)
        categories = rules.categories(county)
        kind = "expenditure" if rng.random() < 0.6 else "emergency"
        choices = [c for c in categories if kind == "emergency" or c.kind != "incident"]
        category = rng.choice(choices)
        day = first_day + timedelta(days=rng.randrange(span))
        size = rng.randint(1, 6)
        data = {
            "county": county, "kind": kind, "category": f"{category.kind}:{category.code}",
            "application_date": day.isoformat(),
            "residency": rng.choices(["local_hukou", "residence_permit", "none"], [80, 15, 5])[0],
            "area": rng.choice(["urban", "rural"]),
            "household": {"size": size},
        }
        if kind == "expenditure":
            data["household"].update({
                "monthly_income": [money(rng, 0, 900 * size) for _ in range(12)],
                "monthly_necessary_expenses": [money(rng, 0, 800 * size) for _ in range(6)],
                "financial_assets": money(rng, 0, 30000 * size),
                "houses": rng.choices([0, 1, 2], [20, 75, 5])[0],
                "vehicles": rng.choices([0, 1], [90, 10])[0],
                "dibao": rng.random() < 0.2,
                "tekun": rng.random() < 0.05,
                "dibao_edge": rng.random() < 0.1,     # the 2026 opinion's recognised households
                "rigid_expense": rng.random() < 0.05,
            })
            household = data["household"]
            if household["dibao"] or household["dibao_edge"] or household["rigid_expense"]:
                household["recognised_on"] = (day - timedelta(days=rng.randint(0, 540))).isoformat()
            data["cost"] = money(rng, 0, 120000)
            if rng.random() < 0.05:
                data["severity"] = "major"
            if rng.random() < 0.3:
                data["accepted_on"] = (day + timedelta(days=rng.randint(0, 5))).isoformat()
        else:
            severity = rng.choices(["light", "heavy", "major"], [60, 30, 10])[0]
            data["severity"] = severity
            if severity == "heavy":
                data["cost"] = money(rng, 0, 80000)
            if severity == "light" and rng.random() < 0.7:
                data["requested_amount"] = money(rng, 100, 1500)
            if rng.random() < 0.5:
                data["reported_at"] = f"{day.isoformat()}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00+08:00"
        if rng.random() < 0.3:
            data["beneficiaries"] = rng.randint(1, min(3, size))
        try:
            evaluate(data, rules)
        except Exception:  # noqa: BLE001 - e.g. a date before a county's first dated value: not part of the mix
            continue
        mix.append(data)
    return mix


def time_load(rules_dir: Path, repeats: int):
    timings = []
    rules = None
    for _ in range(repeats):
        start = time.perf_counter()
        rules, faults = check_directory(rules_dir)
        timings.append((time.perf_counter() - start) * 1000)
        if faults:
            print(f"{len(faults)} fault(s) in {rules_dir}:", *faults, sep="\n  ")
            sys.exit(1)
    return rules, timings


def time_calls(function, mix, calls: int) -> float:
    n = len(mix)
    start = time.perf_counter()
    for i in range(calls):
        function(mix[i % n])
    return calls / (time.perf_counter() - start)


def paired(function, baseline, mix, calls: int, rounds: int = 10) -> tuple[float, float]:
    """Rates of ``function`` and ``baseline``, timed in alternating rounds of ``calls / rounds`` calls
    each (CPU time of this process), so a change in the machine's load falls on both alike."""
    spent = [0.0, 0.0]
    n, per_round = len(mix), max(1, calls // rounds)
    for round_ in range(rounds):
        for which, fn in ((round_ % 2, (function, baseline)[round_ % 2]),
                          (1 - round_ % 2, (function, baseline)[1 - round_ % 2])):
            start = time.process_time()
            for i in range(per_round):
                fn(mix[i % n])
            spent[which] += time.process_time() - start
    done = per_round * rounds
    return done / spent[0], done / spent[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=Path, default=ROOT / "rules")
    parser.add_argument("--calls", type=int, default=200_000)
    parser.add_argument("--mix", type=int, default=2_000, help="distinct inputs in the mix")
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()

    rules, load_ms = time_load(args.rules, repeats=5)
    files = sum(1 for _ in args.rules.glob("*.yaml")) + sum(1 for _ in args.rules.glob("counties/*.yaml"))
    lines = sum(len(p.read_text(encoding="utf-8").splitlines())
                for p in [*args.rules.glob("*.yaml"), *args.rules.glob("counties/*.yaml")])
    print(f"rules: {args.rules} ({files} files, {lines} lines, {len(rules.counties())} counties)")
    print(f"import app.rules: {IMPORT_SECONDS * 1000:.0f} ms")
    print(f"load+validate: first {load_ms[0]:.0f} ms, best {min(load_ms):.0f} ms of {len(load_ms)} "
          f"(target < {TARGET_LOAD_MS} ms)")

    rules, _ = check_directory(args.rules)  # a fresh rule set: the first pass below starts cold
    mix = make_mix(rules, args.mix, args.seed)
    kinds = sum(1 for d in mix if d["kind"] == "expenditure")
    eligible = sum(1 for d in mix if evaluate(d, rules)["eligible"])
    print(f"mix: {len(mix)} inputs, {kinds} expenditure / {len(mix) - kinds} emergency, {eligible} eligible")

    rules, _ = check_directory(args.rules)
    cold = time_calls(lambda d: evaluate(d, rules), mix, len(mix))
    rate, baseline = paired(lambda d: evaluate(d, rules), lambda d: evaluate_request(check_input(d), rules),
                            mix, args.calls)
    texts = [json.dumps(d, ensure_ascii=False) for d in mix]
    door, door_baseline = paired(lambda t: answer(t, rules), lambda t: dumps(evaluate(json.loads(t), rules)),
                                 texts, args.calls)
    print(f"evaluate(), first pass over the mix (cold caches): {cold:,.0f}/s")
    print(f"evaluate(), one core, {args.calls:,} calls: {rate:,.0f}/s (target >= {TARGET_RATE:,}/s)")
    print(f"baseline (general input checker), same run: {baseline:,.0f}/s; ratio {rate / baseline:.2f}")
    print(f"the single door, JSON text in and out (answer(): the CLI's and the API's): {door:,.0f}/s; "
          f"baseline json.loads + evaluate() + dumps(), same run: {door_baseline:,.0f}/s; "
          f"ratio {door / door_baseline:.2f}")
    ok = rate >= TARGET_RATE and min(load_ms) < TARGET_LOAD_MS
    print("targets:", "met" if ok else "MISSED")
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
