"""The Go probe on the kit's probe host: the harness's records, through ``run_calls``, become
probes (crash, the rest of the definition skipped, another launch for the others)."""

import json

from testgen.kit.probehost import Batch, Launched, Limits, run_calls
from testgen.model import ProcessResult

from testgen_go.harness import Case
from testgen_go.probe import _crash_reason, _to_probes


def _cases() -> list[Case]:
    # definitions 0 (cases 0, 1), 1 (cases 2, 3, 4) and 2 (case 5)
    return [Case(id=i, group=g, key=f"m.go::F{g}", args=(str(i),), call=f"F{g}({i})")
            for i, g in enumerate((0, 0, 1, 1, 1, 2))]


def _process(stdout: str = "", stderr: str = "", returncode: int = 0) -> ProcessResult:
    return ProcessResult(argv=("probe.test",), returncode=returncode, stdout=stdout,
                         stderr=stderr, duration=0.1)


def _result(case_id: int, **fields) -> str:
    return json.dumps({"event": "result", "id": case_id, "kind": "return", "same": True,
                       "values": [{"lit": str(case_id), "ok": True}], **fields})


def _start(case_id: int) -> str:
    return f'{{"event": "start", "id": {case_id}}}'


def _run(script):
    """Launch ``script(batch)`` (the records text and the process) through the kit."""
    launches = []

    def launch(batch: Batch[Case]) -> Launched:
        launches.append([c.id for c in batch.calls])
        records, process = script(batch)
        return Launched(process, records=records)

    session = run_calls(_cases(), launch, limits=Limits(call_seconds=2.0),
                        max_launches=5, reason_for_crash=_crash_reason)
    started = {r.get("id") for r in session.records if r.get("event") == "start"}
    return _to_probes(session, started, []), launches


def test_a_call_that_exits_is_a_crash_and_the_others_run_in_another_launch():
    def script(batch):
        if batch.attempt == 0:
            # case 2 calls os.Exit(3): the process stops with it started and not finished
            lines = [_start(0), _result(0), _start(1), _result(1), _start(2)]
            return "\n".join(lines), _process(returncode=3)
        ids = [c.id for c in batch.calls]
        lines = [x for i in ids for x in (_start(i), _result(i))] + ['{"event": "done"}']
        return "\n".join(lines), _process()

    probes, launches = _run(script)
    assert launches == [[0, 1, 2, 3, 4, 5], [5]]
    outcomes = [(p.outcome, p.reason) for p in probes]
    assert outcomes == [
        ("return", ""), ("return", ""),
        ("crash", "the process exited with status 3"),
        ("skipped", "not run: an earlier call stopped the process"),
        ("skipped", "not run: an earlier call stopped the process"),
        ("return", "")]
    assert probes[5].value == "5" and probes[5].deterministic


def test_the_harness_own_timeouts_and_skips_are_results():
    def script(batch):
        lines = [_start(0), _result(0, kind="timeout", same=False),
                 _result(1, kind="skipped", why="timeout"),
                 _start(2), _result(2, kind="panic", panic="boom"),
                 _result(3, kind="skipped", why="budget"),
                 _result(4, kind="skipped", why="budget"),
                 _result(5, kind="skipped", why="budget"), '{"event": "done"}']
        return "\n".join(lines), _process()

    probes, launches = _run(script)
    assert launches == [[0, 1, 2, 3, 4, 5]]
    assert [p.outcome for p in probes] == ["timeout", "skipped", "raise", "skipped",
                                           "skipped", "skipped"]
    assert probes[0].reason.startswith("no result within 2000 ms")
    assert probes[1].reason == "not run: an earlier call timed out"
    assert probes[2].exception == "panic" and probes[2].message == "boom"
    assert probes[3].reason == "not run: probe time budget used up"


def test_a_process_that_stops_before_any_call_leaves_the_calls_not_run():
    probes, launches = _run(lambda batch: ("", _process(stderr="boom", returncode=2)))
    assert launches == [[0, 1, 2, 3, 4, 5]]
    assert {(p.outcome, p.reason) for p in probes} == {
        ("skipped", "not run: the probe process stopped before this call")}


def test_a_fatal_record_makes_every_call_a_crash_with_its_reason():
    text = '{"event": "fatal", "reason": "reading the probe plan failed: no such file"}'
    probes, _ = _run(lambda batch: (text, _process()))
    assert {(p.outcome, p.reason) for p in probes} == {
        ("crash", "reading the probe plan failed: no such file")}
