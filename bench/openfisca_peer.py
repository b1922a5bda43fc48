"""A minimal OpenFisca peer for ``bench/batch.py``: the same decision, end to end from JSON lines.

    /path/to/python-with-openfisca-core bench/openfisca_peer.py FILE [--jobs 2] [--chunk 100000]

Run with an interpreter that has ``openfisca-core`` (it is not a tempaid dependency: the bench only
calls it when ``--openfisca-python`` names one). Each process reads chunks of lines, turns them into
columns (sums of the income and expense months, cost, assets, counts, kind and severity), runs one
OpenFisca simulation per chunk — the residency, net income, income, assets, houses and vehicles
checks, the tier multiple of the dibao standard capped at the cost, the light-emergency cap and the
approval level — and writes one JSON line per household. Parameters are one county's (任城 370811,
2026 values as shipped) for every line, in OpenFisca's float32: a *comparable workload*, not tempaid's
verdicts (no dated rules per county, no deadlines, no explanations, no exact decimals).
Prints households/s end to end and the peak memory of the largest process.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import sys
import time

import numpy as np
from openfisca_core.entities import build_entity
from openfisca_core.parameters import ParameterNode
from openfisca_core.periods import DateUnit
from openfisca_core.simulations import SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

PERIOD = "2026"
Household = build_entity(key="household", plural="households", label="Household", is_person=True)
PARAMETERS = {
    "dibao_urban": 1040, "dibao_rural": 840, "income_limit_urban": 48000, "income_limit_rural": 26000,
    "asset_months": 24, "max_houses": 1, "max_vehicles": 0, "light_cap": 2000, "township_limit": 3000,
}
INPUTS = ("size", "beneficiaries", "income6", "income12", "expense6", "assets", "houses", "vehicles", "cost",
          "requested", "expenditure", "light", "major", "resident", "urban")


def _input(name):
    return type(name, (Variable,), {"value_type": float, "entity": Household, "definition_period": DateUnit.YEAR,
                                    "label": name})


def _formula(name, function):
    return type(name, (Variable,), {"value_type": float, "entity": Household, "definition_period": DateUnit.YEAR,
                                    "label": name, "formula": function})


def dibao(h, period, parameters):
    p = parameters(period)
    return np.where(h("urban", period) > 0, p.dibao_urban, p.dibao_rural)


def eligible(h, period, parameters):
    p = parameters(period)
    size, base = h("size", period), h("dibao", period)
    limit = np.where(h("urban", period) > 0, p.income_limit_urban, p.income_limit_rural)
    checks = ((h("income6", period) - h("expense6", period) < base * 6 * size)
              & (h("income12", period) < limit * size) & (h("assets", period) <= p.asset_months * base * size)
              & (h("houses", period) <= p.max_houses) & (h("vehicles", period) <= p.max_vehicles))
    return (h("resident", period) > 0) & np.where(h("expenditure", period) > 0, checks, True)


def multiplier(h, period, parameters):
    per_person = h("cost", period) / np.maximum(h("beneficiaries", period), 1)
    return np.select([per_person >= 50000, per_person >= 20000, per_person >= 5000], [12, 9, 6], 3)


def suggested(h, period, parameters):
    p = parameters(period)
    tier = np.minimum(h("multiplier", period) * h("dibao", period) * h("beneficiaries", period), h("cost", period))
    requested = h("requested", period)
    light = np.where(requested > 0, np.minimum(requested, p.light_cap), p.light_cap)
    amount = np.where(h("light", period) > 0, light, tier)
    return np.where((h("eligible", period) > 0) & (h("major", period) == 0), amount, 0)


def level(h, period, parameters):
    p = parameters(period)
    return np.where(h("eligible", period) > 0, np.where(h("suggested", period) <= p.township_limit, 1, 2), 0)


def system() -> TaxBenefitSystem:
    tbs = TaxBenefitSystem([Household])
    tbs.parameters = ParameterNode("", data={k: {"values": {"2018-07-01": {"value": v}}} for k, v in PARAMETERS.items()})
    tbs.add_variables(*(_input(name) for name in INPUTS))
    tbs.add_variables(*(_formula(n, f) for n, f in (("dibao", dibao), ("eligible", eligible), ("multiplier", multiplier),
                                                    ("suggested", suggested), ("level", level))))
    return tbs


def _amount(text) -> float:
    return float(text) if isinstance(text, str) else 0.0


def columns(lines: list[bytes]):
    """``(columns, ok)``: one row per line; ``ok`` is False for a line that is not a JSON object."""
    rows, ok = [], []
    for raw in lines:
        try:
            d = json.loads(raw)
            h = d["household"]
            incomes = [_amount(x) for x in h.get("monthly_income", ())]
            expenses = [_amount(x) for x in h.get("monthly_necessary_expenses", ())]
            rows.append((h["size"], d.get("beneficiaries", 1), sum(incomes[:6]), sum(incomes[:12]), sum(expenses[:6]),
                         _amount(h.get("financial_assets")), h.get("houses", 0), h.get("vehicles", 0),
                         _amount(d.get("cost")), _amount(d.get("requested_amount")), d["kind"] == "expenditure",
                         d.get("severity") == "light", d.get("severity") == "major", d["residency"] != "none",
                         d["area"] == "urban"))
            ok.append(True)
        except (ValueError, KeyError, TypeError, AttributeError):
            rows.append((1,) * 2 + (0,) * 13)
            ok.append(False)
    return np.array(rows, dtype=np.float32).T, ok


_TBS = None


def run_chunk(lines: list[bytes]) -> bytes:
    global _TBS
    if _TBS is None:
        _TBS = system()
    table, ok = columns(lines)
    simulation = SimulationBuilder().build_default_simulation(_TBS, count=len(lines))
    for name, column in zip(INPUTS, table):
        simulation.set_input(name, PERIOD, column)
    verdicts = zip(simulation.calculate("eligible", PERIOD), simulation.calculate("suggested", PERIOD),
                   simulation.calculate("level", PERIOD))
    out = []
    for good, (is_eligible, amount, approval) in zip(ok, verdicts):
        out.append(json.dumps({"eligible": bool(is_eligible), "suggested": f"{amount:.2f}",
                               "approval_level": ("township", "county")[int(approval) - 1] if approval else None})
                   if good else '{"error": "not an application"}')
    out.append("")
    return "\n".join(out).encode()


def chunks(path: str, size: int):
    with open(path, "rb") as handle:
        chunk = []
        for raw in handle:
            chunk.append(raw)
            if len(chunk) >= size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk


def _version() -> str:
    from importlib.metadata import version

    return version("openfisca-core")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--chunk", type=int, default=100_000)
    parser.add_argument("-o", "--output", default="/dev/null")
    args = parser.parse_args()
    start = time.perf_counter()
    count = 0
    with open(args.output, "wb") as sink, multiprocessing.get_context("fork").Pool(args.jobs) as pool:
        for blob in pool.imap(run_chunk, chunks(args.file, args.chunk)):
            sink.write(blob)
            count += blob.count(b"\n")
        seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"OpenFisca-Core {_version()} minimal peer, measured here: {count:,} households in "
          f"{seconds:.1f} s, {count / seconds:,.0f} households/s end to end with {args.jobs} processes "
          f"(float32; largest process {peak:,.0f} MiB; imap reads ahead: memory not flat)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
