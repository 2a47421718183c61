"""The probe host (testgen.kit.probehost) against a real harness: a small Python script that
speaks the protocol and does what each planned call says (return, hang, die, print noise)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from testgen.kit.probehost import Batch, Launched, Limits, crash_reason, read_records, run_calls
from testgen.model import ProcessResult

HARNESS = r'''
import json, os, sys, time

plan = json.load(open(sys.argv[1]))
out = open(plan["output"], "a") if plan.get("output") else sys.stdout

def emit(record):
    out.write(json.dumps(record) + "\n")
    out.flush()

if plan.get("fatal"):
    emit({"event": "fatal", "reason": plan["fatal"]})
    sys.exit(0)
for call in plan["calls"]:
    action = call["do"]
    if action == "die-before":
        sys.stderr.write("segmentation fault between calls\n")
        os._exit(139)
    emit({"event": "start", "id": call["id"]})
    if action == "hang":
        while True:
            time.sleep(0.05)
    if action == "die":
        sys.stderr.write("fatal error: out of memory\n")
        sys.stderr.flush()
        os._exit(3)
    if action == "noise":
        print("hello from the code under test")
        print("{not json")
        print(42)
        sys.stdout.write("no newline here")
        sys.stdout.flush()
    emit({"event": "result", "id": call["id"], "value": call.get("value"),
          "limits": plan["limits"]})
emit({"event": "done"})
'''


@dataclass(frozen=True)
class Planned:
    id: int
    group: str
    do: str = "return"
    value: int = 0


class Harness:
    """Launches the script above once per batch and remembers what it was given."""

    def __init__(self, tmp_path: Path, *, to_file: bool = False, fatal: str = "") -> None:
        self.dir = tmp_path
        self.script = tmp_path / "harness.py"
        self.script.write_text(HARNESS)
        self.to_file = to_file
        self.fatal = fatal
        self.batches: list[Batch] = []

    def __call__(self, batch: Batch) -> ProcessResult | Launched:
        self.batches.append(batch)
        output = self.dir / f"records-{batch.attempt}.jsonl" if self.to_file else None
        plan = {"output": str(output) if output else None, "fatal": self.fatal,
                "limits": batch.limits.as_plan(),
                "calls": [{"id": c.id, "do": c.do, "value": c.value} for c in batch.calls]}
        plan_file = self.dir / f"plan-{batch.attempt}.json"
        plan_file.write_text(json.dumps(plan))
        argv = [sys.executable, str(self.script), str(plan_file)]
        start = time.monotonic()
        try:
            done = subprocess.run(argv, capture_output=True, text=True,
                                  timeout=batch.limits.launch_seconds)
            result = ProcessResult(tuple(argv), done.returncode, done.stdout, done.stderr,
                                   time.monotonic() - start)
        except subprocess.TimeoutExpired as expired:
            result = ProcessResult(tuple(argv), -9, _text(expired.stdout), _text(expired.stderr),
                                   time.monotonic() - start, timed_out=True,
                                   killed_reason=f"timeout after {batch.limits.launch_seconds:g}s")
        if output is None:
            return result
        return Launched(result, output.read_text() if output.is_file() else "")


def _text(data: bytes | str | None) -> str:
    return data.decode() if isinstance(data, bytes) else (data or "")


FAST = Limits(call_seconds=0.5, launch_seconds=1.5)


def kinds(session) -> list[tuple[int, str]]:
    return [(o.call.id, o.kind) for o in session.outcomes]


def test_every_call_that_returns_has_its_result_record_from_one_launch(tmp_path):
    calls = [Planned(0, "f", value=1), Planned(1, "f", value=2), Planned(2, "g", value=3)]
    session = run_calls(calls, Harness(tmp_path), limits=FAST)
    assert kinds(session) == [(0, "result"), (1, "result"), (2, "result")]
    assert [o.record["value"] for o in session.outcomes] == [1, 2, 3]
    assert session.launches == 1 and session.fatal is None


def test_the_limits_are_handed_to_the_harness_in_the_plan(tmp_path):
    limits = Limits(call_seconds=0.25, launch_seconds=5, memory_mb=256)
    session = run_calls([Planned(0, "f")], Harness(tmp_path), limits=limits)
    assert session.outcomes[0].record["limits"] == {"call_ms": 250, "memory_mb": 256}


def test_lines_the_code_under_test_prints_are_not_records(tmp_path):
    calls = [Planned(0, "f", "noise", value=7), Planned(1, "g", value=8)]
    session = run_calls(calls, Harness(tmp_path), limits=FAST)
    assert kinds(session) == [(0, "result"), (1, "result")]
    assert [o.record["value"] for o in session.outcomes] == [7, 8]


def test_a_call_that_hangs_times_out_its_group_is_skipped_and_the_rest_run_again(tmp_path):
    harness = Harness(tmp_path)
    calls = [Planned(0, "f"), Planned(1, "spin", "hang"), Planned(2, "spin"),
             Planned(3, "g", value=9)]
    session = run_calls(calls, harness, limits=FAST)
    assert kinds(session) == [(0, "result"), (1, "timeout"), (2, "skipped"), (3, "result")]
    assert "did not return within 1.5s" in session.outcomes[1].reason
    assert "same definition did not return" in session.outcomes[2].reason
    assert session.launches == 2
    assert [c.id for c in harness.batches[1].calls] == [3]


def test_a_call_that_kills_the_process_is_a_crash_with_what_it_printed(tmp_path):
    calls = [Planned(0, "boom", "die"), Planned(1, "boom"), Planned(2, "g", value=5)]
    session = run_calls(calls, Harness(tmp_path), limits=FAST)
    assert kinds(session) == [(0, "crash"), (1, "skipped"), (2, "result")]
    assert "fatal error: out of memory" in session.outcomes[0].reason
    assert "stopped the probe harness" in session.outcomes[1].reason
    assert session.launches == 2


def test_a_process_that_dies_between_calls_crashes_the_calls_left_without_a_relaunch(tmp_path):
    calls = [Planned(0, "f", value=1), Planned(1, "g", "die-before"), Planned(2, "h")]
    session = run_calls(calls, Harness(tmp_path), limits=FAST)
    assert kinds(session) == [(0, "result"), (1, "crash"), (2, "crash")]
    assert "segmentation fault between calls" in session.outcomes[2].reason
    assert session.launches == 1


def test_a_fatal_record_crashes_every_call_with_its_reason_and_is_kept(tmp_path):
    harness = Harness(tmp_path, fatal="importing the module failed: Error: no config")
    session = run_calls([Planned(0, "f"), Planned(1, "g")], harness, limits=FAST)
    assert kinds(session) == [(0, "crash"), (1, "crash")]
    assert all("no config" in o.reason for o in session.outcomes)
    assert session.fatal["reason"].endswith("no config") and session.launches == 1


def test_launches_are_bounded_and_the_calls_never_reached_are_skipped(tmp_path):
    calls = [Planned(0, "a", "hang"), Planned(1, "b", "hang"), Planned(2, "c")]
    session = run_calls(calls, Harness(tmp_path), limits=Limits(launch_seconds=0.8),
                        max_launches=2)
    assert kinds(session) == [(0, "timeout"), (1, "timeout"), (2, "skipped")]
    assert "launched 2 times" in session.outcomes[2].reason
    assert session.launches == 2


def test_records_may_come_through_a_file_instead_of_stdout(tmp_path):
    calls = [Planned(0, "f", "noise", value=4), Planned(1, "spin", "hang"), Planned(2, "g")]
    session = run_calls(calls, Harness(tmp_path, to_file=True), limits=FAST)
    assert kinds(session) == [(0, "result"), (1, "timeout"), (2, "result")]
    assert [r["event"] for r in session.records].count("done") == 1


@pytest.mark.parametrize("line", [
    "plain text", "{broken", "42", '["event", "start"]', '{"id": 1}',
    '{"event": "start", "id": 1} trailing',
])
def test_a_line_that_is_not_a_whole_record_is_noise(line):
    assert read_records(line) == []


def test_a_record_right_after_text_without_a_newline_is_found():
    text = 'progress: 50%{"event": "result", "id": 3, "value": {"a": 1}}\n{"event": "done"}'
    assert read_records(text) == [{"event": "result", "id": 3, "value": {"a": 1}},
                                  {"event": "done"}]


def test_the_crash_reason_prefers_the_sandbox_then_the_last_lines_then_the_status():
    def process(**fields):
        return ProcessResult(("x",), fields.pop("returncode", 1), fields.pop("stdout", ""),
                             fields.pop("stderr", ""), 0.0, **fields)

    assert crash_reason(process(killed_reason="memory limit")).endswith("memory limit")
    assert crash_reason(process(stderr="a\nb\nc\nd\n")).endswith("b / c / d")
    assert crash_reason(process(returncode=7)).endswith("exit status 7")
