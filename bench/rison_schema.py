"""The API's ``?q=`` check: Flask-AppBuilder's ``jsonschema.validate`` (the schema checked against the
meta-schema and a validator built on every call) beside app/web/rison_schema.py's validator built once,
on the list endpoint's own schema and a typical argument, in the same process; per call and the ratio.

    python bench/rison_schema.py [--calls 2000]
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def per_call(validate, instance, schema, calls: int) -> float:
    validate(instance, schema)
    started = time.perf_counter()
    for _ in range(calls):
        validate(instance, schema)
    return (time.perf_counter() - started) / calls * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    import jsonschema
    from flask_appbuilder.api.schemas import get_list_schema

    from app.web.rison_schema import _CachedJsonschema

    instance = {"order_column": "due_at", "order_direction": "asc", "page": 0, "page_size": 25}
    fab = per_call(lambda i, s: jsonschema.validate(instance=i, schema=s), instance, get_list_schema, args.calls)
    ours = per_call(_CachedJsonschema.validate, instance, get_list_schema, args.calls)
    print(f"load average {os.getloadavg()[0]:.1f}; {args.calls} calls each on FAB's get_list schema")
    print(f"  jsonschema.validate (FAB, every request): {fab:8.0f} µs a call")
    print(f"  one validator per schema (tempaid):       {ours:8.0f} µs a call   ratio {ours / fab:.3f}×")


if __name__ == "__main__":
    main()
