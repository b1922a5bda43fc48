"""calendar.yaml: official holiday schedules for years the chinese-calendar package does not know.

Checked like the rule files (marshmallow for each year's keys, faults at their positions) and turned
into ``{year: (holidays, workdays)}`` for :class:`~app.rules.calendar.WorkCalendar`. A year must be a
four-digit number, every date must be a real day inside its year, and no date may be both a holiday
and a working day.
"""
from __future__ import annotations

from marshmallow import ValidationError

from app.rules.faults import Fault, describe
from app.rules.fields import CURRENT_FILE, DateList
from app.rules.schema import RuleSchema, collect
from app.rules.yamlsource import Number, key_pos, node_pos, value_pos


class CalendarYearSchema(RuleSchema):
    holidays = DateList(dated=False)
    workdays = DateList(dated=False)




_YEAR_SCHEMA = CalendarYearSchema()


def check_calendar(data, file: str):
    """Validate calendar.yaml. Returns ``({year: (holidays, workdays)}, faults)`` with sets of dates."""
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        line, column = node_pos(data)
        return None, [Fault(file, line + 1, column + 1, "(file)", describe(data), "a mapping {year: {holidays, workdays}}")]
    schema = _YEAR_SCHEMA
    faults: list[Fault] = []
    years: dict = {}
    token = CURRENT_FILE.set(file)
    try:
        for key, entry in data.items():
            line, column = key_pos(data, key)
            if not (isinstance(key, Number) and key.is_whole and 1900 <= key <= 2999):
                faults.append(Fault(file, line + 1, column + 1, str(key), f"key {describe(key)}", "a year such as 2027"))
                continue
            year = int(key)
            if entry is None:
                entry = {}
            if not isinstance(entry, dict):
                vl, vc = value_pos(data, key)
                faults.append(Fault(file, vl + 1, vc + 1, str(year), describe(entry), "a mapping {holidays, workdays}"))
                continue
            try:
                loaded = schema.load(entry)
            except ValidationError as exc:
                collect(exc.messages, str(year), file, faults)
                continue
            lists = {}
            for name in ("holidays", "workdays"):
                days = loaded[name].value if name in loaded else ()
                for index, (day, dl, dc) in enumerate(days):
                    if day.year != year:
                        faults.append(Fault(file, dl + 1, dc + 1, f"{year}.{name}[{index + 1}]", day.isoformat(),
                                            f"a date in {year}"))
                lists[name] = days
            rest = {day for day, _, _ in lists["holidays"]}
            for index, (day, dl, dc) in enumerate(lists["workdays"]):
                if day in rest:
                    faults.append(Fault(file, dl + 1, dc + 1, f"{year}.workdays[{index + 1}]",
                                        f"{day.isoformat()} also listed in holidays", "a date in one list only"))
            years[year] = (frozenset(rest), frozenset(day for day, _, _ in lists["workdays"]))
    finally:
        CURRENT_FILE.reset(token)
    return (None if faults else years), faults
