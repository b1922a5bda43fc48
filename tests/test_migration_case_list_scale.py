"""Migration 0014: the indexes the case list needs at a province's scale are there after migrating, and
PostgreSQL can serve the city's list (sorted by due time, then id) and a search by case number
(ILIKE on the leading digits: county code and date) from them instead of reading the table."""
import pytest
from sqlalchemy import inspect, text

from app.extensions import db


def _indexes():
    return {ix["name"]: ix for ix in inspect(db.engine).get_indexes("aid_case")}


def test_the_city_list_and_the_number_search_have_their_indexes(ctx):
    indexes = _indexes()
    assert indexes["ix_aid_case_due"]["column_names"] == ["due_at", "id"]
    assert indexes["ix_aid_case_number_pattern"]["column_names"] == ["number"]
    # the county's and the township's lists keep theirs
    assert indexes["ix_aid_case_county_due"]["column_names"] == ["county_id", "due_at"]
    assert indexes["ix_aid_case_township_due"]["column_names"] == ["township_id", "due_at"]


def _plan(session, sql: str) -> str:
    # the test database is small, so the planner would read it whole: forbid that to see what it may use
    session.execute(text("SET LOCAL enable_seqscan = off"))
    session.execute(text("SET LOCAL enable_sort = off"))
    return "\n".join(row[0] for row in session.execute(text("EXPLAIN " + sql)))


def test_postgresql_sorts_the_city_list_and_searches_numbers_by_index(session):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("query plans are PostgreSQL's")
    definition = session.execute(text(
        "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_aid_case_number_pattern'")).scalar()
    assert "varchar_pattern_ops" in definition
    for name in ("ix_aid_case_due", "ix_aid_case_county_due", "ix_aid_case_township_due"):
        definition = session.execute(text("SELECT indexdef FROM pg_indexes WHERE indexname = :n"), {"n": name}).scalar()
        assert "INCLUDE (state)" in definition, definition
    # (that the due list's count then reads the index alone shows at a million rows: bench/case_list.py;
    # on the test database's few rows the planner may take any index of the county)
    city = _plan(session, "SELECT id FROM aid_case ORDER BY due_at ASC, id ASC LIMIT 25")
    assert "ix_aid_case_due" in city and "Sort" not in city
    search = _plan(session, "SELECT id FROM aid_case WHERE number ILIKE '37081120261201A%' LIMIT 25")
    assert "ix_aid_case_number_pattern" in search
