"""Load the region hierarchy from ``config/regions.csv`` (idempotent: codes are the key)."""
from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Region, RegionLevel
from config import CONFIG_DIR

REGIONS_FILE = CONFIG_DIR / "regions.csv"


def read_regions(path: Path = REGIONS_FILE) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    levels = {level.value for level in RegionLevel}
    codes = {row["code"] for row in rows}
    for number, row in enumerate(rows, start=2):
        if row["level"] not in levels:
            raise ValueError(f"{path.name}:{number}: level: found {row['level']!r}, expected one of {sorted(levels)}")
        if row["parent"] and row["parent"] not in codes:
            raise ValueError(f"{path.name}:{number}: parent: found {row['parent']!r}, expected a code in the file")
    return rows


def load_regions(session: Session, path: Path = REGIONS_FILE) -> int:
    """Insert or update every region of the file; return how many rows the file holds."""
    rows = read_regions(path)
    existing = {r.code: r for r in session.scalars(select(Region))}
    order = {"city": 0, "county": 1, "township": 2}
    for row in sorted(rows, key=lambda r: order[r["level"]]):
        region = existing.get(row["code"]) or Region(code=row["code"])
        region.name, region.level, region.note = row["name"], row["level"], row.get("note") or None
        region.parent = existing.get(row["parent"]) if row["parent"] else None
        existing[row["code"]] = region
        session.add(region)
    session.flush()
    return len(rows)
