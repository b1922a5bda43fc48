"""``tempaid rules evaluate --batch``: each output line is, byte for byte, what the single door prints
for that input line alone — verdicts and error objects alike — in input order, with one process or
several, and the input is read as the output is written (memory flat in the number of lines)."""
from __future__ import annotations

import copy
import io
import json

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.rules.batch import CHUNK_LINES, IN_FLIGHT, SLOT_BYTES, evaluate_line, ranges, run_batch, split_lines
from app.rules.cli import rules_group
from app.rules.jsonout import answer

from .conftest import FIXTURES
from .test_cases import _load_cases, _merge, _remove
from .test_properties import applications

#: lines that are not applications: each must come back as its error object, in its place
BAD_LINES = [
    b"",                                             # an empty line
    b"{not json",                                    # not JSON
    b"\xff\xfe{}",                                   # not UTF-8
    b"[1, 2, 3]",                                    # JSON, not an object
    b'{"county": "370811"}',                         # missing fields
    b'{"county": "999999", "kind": "emergency", "category": "incident:fire", "application_date": "2019-03-15",'
    b' "residency": "local_hukou", "area": "urban", "household": {"size": 1}, "severity": "light"}',  # no county
    b'{"unknown": 1}',
    '{"county": "370811", "kind": "急难"}'.encode("utf-8"),
]


def business_case_lines() -> list[bytes]:
    """Every input of the YAML business cases that runs on the fixture rules, one JSON line each."""
    lines = []
    for param in _load_cases():
        _theme, base, case, rules_name = param.values
        if rules_name != "fixtures" or case.get("without_calendar_yaml"):
            continue
        data = _merge(copy.deepcopy(base), case.get("input", {}))
        for dotted in case.get("remove", []):
            _remove(data, dotted)
        if "raw_input" in case:
            data = case["raw_input"]
        lines.append(json.dumps(data, ensure_ascii=False).encode("utf-8"))
    return lines


def mixed_lines() -> list[bytes]:
    """Business cases with the bad lines spread among them."""
    lines = business_case_lines()
    for index, bad in enumerate(BAD_LINES):
        lines.insert(index * 7 % len(lines), bad)
    return lines


def single_door(raw: bytes) -> bytes:
    """What ``tempaid rules evaluate FILE`` prints for a file holding ``raw``, by the function it runs."""
    text, _ok = answer(raw.decode("utf-8"), _rules())
    return (text + "\n").encode("utf-8")


_CACHE: dict = {}


def _rules():
    if "rules" not in _CACHE:
        from app.rules import load_rules

        _CACHE["rules"] = load_rules(FIXTURES)
    return _CACHE["rules"]


def batch(lines: list[bytes], jobs: int = 1, chunk_lines: int = CHUNK_LINES, trailing_newline=True) -> bytes:
    source = io.BytesIO(b"\n".join(lines) + (b"\n" if trailing_newline else b""))
    sink = io.BytesIO()
    run_batch(source, sink, _rules(), FIXTURES, jobs=jobs, chunk_lines=chunk_lines)
    return sink.getvalue()


def expected_output(lines: list[bytes]) -> bytes:
    out = []
    for raw in lines:
        text, _ok = evaluate_line(raw, _rules())
        out.append((text + "\n").encode("utf-8"))
    return b"".join(out)


def test_the_business_cases_are_a_varied_set():
    lines = business_case_lines()
    outputs = [json.loads(single_door(raw)) for raw in lines]
    assert len(lines) >= 50
    assert any(o.get("eligible") is True for o in outputs) and any(o.get("eligible") is False for o in outputs)
    assert any("error" in o for o in outputs)  # input_errors.yaml: the error objects are in the set


def test_every_batch_line_is_the_single_doors_bytes_for_that_line():
    lines = mixed_lines()
    output = batch(lines)
    assert output.count(b"\n") == len(lines)
    for raw, line in zip(lines, output.split(b"\n")):
        if raw.startswith(b"\xff"):
            continue  # not UTF-8: the single door's reader refuses the file; the batch says so on the line
        assert line + b"\n" == single_door(raw), raw


def test_lines_that_are_not_applications_get_their_error_object_in_place():
    lines = [business_case_lines()[0], *BAD_LINES, business_case_lines()[0]]
    answers = [json.loads(line) for line in batch(lines).splitlines()]
    assert "error" not in answers[0] and "error" not in answers[-1]
    for bad, got in zip(BAD_LINES, answers[1:-1]):
        assert set(got) == {"error"}, bad
        assert got["error"]["message"]
    assert "not valid JSON" in answers[1]["error"]["message"]     # the empty line
    assert "not valid JSON" in answers[3]["error"]["message"]     # the bytes that are not UTF-8
    assert answers[4]["error"] == {"field": None, "message": "the input must be a JSON object"}


def test_two_processes_keep_the_input_order():
    lines = mixed_lines() * 3
    one = batch(lines)
    assert batch(lines, jobs=2, chunk_lines=7) == one
    assert one == expected_output(lines)


def test_a_last_line_without_newline_is_evaluated_and_no_empty_line_is_invented():
    lines = business_case_lines()[:5]
    assert batch(lines, trailing_newline=False) == batch(lines)
    assert batch(lines).count(b"\n") == 5
    assert batch([], trailing_newline=False) == b""  # an empty file: no lines, no output
    assert batch([b""]).count(b"\n") == 1            # one empty line: its error object


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(applications(), min_size=1, max_size=12), st.integers(1, 5))
def test_batch_equals_the_single_door_on_generated_households(apps, chunk_lines):
    lines = [json.dumps(data).encode("utf-8") for data in apps]
    output = batch(lines, chunk_lines=chunk_lines)
    assert output == b"".join(single_door(raw) for raw in lines)


class _CountingSource:
    """A source that records how many lines were read when each output chunk was written."""

    def __init__(self, lines):
        self.lines, self.read = lines, 0

    def __iter__(self):
        for raw in self.lines:
            self.read += 1
            yield raw + b"\n"


class _Sink(io.BytesIO):
    def __init__(self, source):
        super().__init__()
        self.source, self.ahead = source, []

    def write(self, blob):  # any bytes-like object, as a file takes (the workers' shared memory, say)
        self.ahead.append(self.source.read - (self.getvalue().count(b"\n") + bytes(blob).count(b"\n")))
        return super().write(blob)


def test_input_is_read_only_a_few_chunks_ahead_of_the_output():
    lines = [business_case_lines()[0]] * 600
    for jobs in (1, 2):
        source = _CountingSource(lines)
        sink = _Sink(source)
        run_batch(source, sink, _rules(), FIXTURES, jobs=jobs, chunk_lines=10)
        bound = 10 * (jobs * IN_FLIGHT + 1)
        assert len(sink.ahead) == 60 and max(sink.ahead) <= bound, (jobs, max(sink.ahead))


def test_the_command_writes_to_a_file_with_two_jobs_and_exits_two_on_error_lines(tmp_path):
    lines = mixed_lines()
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\n".join(lines) + b"\n")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(rules_group, ["evaluate", "--rules", str(FIXTURES), "--batch", "--jobs", "2",
                                              "-o", str(out), str(source)])
    assert result.exit_code == 2, result.output
    errors = sum(not evaluate_line(raw, _rules())[1] for raw in lines)
    assert errors > len(BAD_LINES)  # the bad lines and the business cases' input errors
    assert f"{errors} of {len(lines)} line(s) were not valid input" in result.stderr
    assert out.read_bytes() == expected_output(lines)


def test_the_command_prints_to_standard_output_and_exits_zero_when_all_lines_are_good(tmp_path):
    lines = [raw for raw in business_case_lines() if b'"error"' not in single_door(raw)][:20]
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\n".join(lines) + b"\n")
    result = CliRunner().invoke(rules_group, ["evaluate", "--rules", str(FIXTURES), "--batch", str(source)])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == b"".join(single_door(raw) for raw in lines)
    single = CliRunner().invoke(rules_group, ["evaluate", "--rules", str(FIXTURES), "-"], input=lines[3])
    assert result.stdout_bytes.split(b"\n")[3] + b"\n" == single.stdout_bytes


def test_jobs_without_batch_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(rules_group, ["evaluate", "--rules", str(FIXTURES), "--jobs", "2", "-"], input="{}")
    assert result.exit_code == 2 and "--batch" in result.output


def test_a_file_is_read_by_the_workers_in_pieces_that_end_at_line_ends(tmp_path):
    lines = [business_case_lines()[0], b"x" * 70_000, *mixed_lines()[:30], b""]  # a line longer than a read
    for trailing in (True, False):
        source = tmp_path / "in.jsonl"
        source.write_bytes(b"xx\n" + b"\n".join(lines) + (b"\n" if trailing else b""))
        pieces = list(ranges(str(source), 3, 200))
        data = source.read_bytes()
        assert pieces[0][1] == 3 and sum(length for _p, _o, length in pieces) == len(data) - 3
        for _path, offset, length in pieces[:-1]:
            assert data[offset + length - 1:offset + length] == b"\n"
        assert [line for _p, o, n in pieces for line in split_lines(data[o:o + n])] == (
            lines if trailing else lines[:-1])
    assert list(ranges(str(tmp_path / "in.jsonl"), len(data), 200)) == []


def test_two_workers_reading_a_file_answer_as_one_process_does(tmp_path, monkeypatch):
    lines = mixed_lines() * 3
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\n".join(lines))                       # no newline after the last line
    for slot_bytes in (SLOT_BYTES, 300):                        # 300: outputs too big for a slot go back whole
        monkeypatch.setattr("app.rules.batch.SLOT_BYTES", slot_bytes)
        sink = io.BytesIO()
        with source.open("rb") as handle:
            assert run_batch(handle, sink, _rules(), FIXTURES, jobs=2, chunk_lines=4)[0] == len(lines)
        assert sink.getvalue() == expected_output(lines)
