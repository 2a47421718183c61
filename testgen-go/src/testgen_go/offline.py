"""Turn probes into Go tests a person would keep.

The natural Go form is a table: ``tests := []struct{name string; ...; want ...; wantErr ...}``
run with ``t.Run`` subtests. Every row pins what the probe observed: return values (``!=`` for
basic types, ``reflect.DeepEqual`` otherwise), errors (``errors.Is`` with the package's sentinel,
else the exact message), panics (a deferred ``recover`` comparing the message), and for
methods the state seen through the type's accessor methods afterwards. The parts live in
:mod:`testgen_go.writer`; this module picks which tests a test type gets.
"""

from __future__ import annotations

from testgen.model import OfflineRequest, Probe, TestCandidate

from .payload import recorded
from .writer.naming import PANIC_SUFFIX, TYPE_SUFFIX, base_name, test_name
from .writer.panics import panics
from .writer.rows import Written, usable
from .writer.sequence import sequences
from .writer.table import table
from .writer.target import Target


def offline_candidates(request: OfflineRequest) -> list[TestCandidate]:
    definition = request.definition
    test_type = request.test_type if request.test_type in TYPE_SUFFIX else "unit"
    target = Target.of(definition, request.framework.name, test_type)
    probes = [p for p in request.probes if p.definition == definition.key]
    out = write(target, probes)
    if not out:
        name = base_name(target) + TYPE_SUFFIX[test_type]
        out = [TestCandidate(id=f"{definition.key}::{name}", definition=definition.key,
                             test_name=name, code="", test_type=test_type, status="skipped",
                             reason=why_nothing(test_type, probes))]
    return out


def write(target: Target, probes: list[Probe]) -> list[TestCandidate]:
    """The table of values and errors, then the table of panics, or the call sequences of an
    integration test."""
    if probes and all(recorded(p).call_style == "sprintf" for p in probes
                      if p.outcome != "skipped"):
        target = target.through_sprintf()
    imports: set[str] = set()
    """Imports the tests written so far use (each candidate lists those of the ones before)."""
    if target.test_type == "integration" and target.receiver:
        written = sequences(target, probes, imports)
        return [_candidate(target, written, imports)] if written is not None else []
    chosen = usable(target, probes)
    panicked = [p for p in chosen if p.exception == "panic" and p.deterministic]
    values = [p for p in chosen if p.exception != "panic"]
    if target.test_type == "negative":
        values = [p for p in values if p.outcome == "raise"]
    out = []
    name = test_name(target, TYPE_SUFFIX[target.test_type])
    written = table(target, [p for p in values if p.deterministic], name, imports)
    if written is None:
        # nothing repeatable to pin: check what was the same in both calls instead
        # (no error, the length of a result, what its accessors say)
        written = table(target, [p for p in values if not p.deterministic and
                                 recorded(p).stable is not None], name, imports)
    if written is not None:
        out.append(_candidate(target, written, imports))
    if panicked and target.test_type in PANIC_SUFFIX:
        written = panics(target, panicked, test_name(target, PANIC_SUFFIX[target.test_type]),
                         imports)
        if written is not None:
            out.append(_candidate(target, written, imports))
    return out


def why_nothing(test_type: str, probes: list[Probe]) -> str:
    if not probes:
        return "no probes were recorded"
    skipped = [p for p in probes if p.outcome == "skipped" and p.reason]
    if skipped and len(skipped) == len(probes):
        return skipped[0].reason
    if all(p.outcome == "timeout" for p in probes if p.outcome != "skipped"):
        return "every call timed out (infinite loop or blocking call)"
    if test_type == "negative":
        return "no generated input made it return an error or panic"
    if not any(p.deterministic for p in probes):
        return "results differ between two identical calls (not deterministic)"
    if test_type == "integration":
        return "no call sequence could be observed"
    return f"no {test_type} input gave an observable, repeatable result"


def _candidate(target: Target, written: Written, imports: set[str]) -> TestCandidate:
    needed = set(imports) | {'"testing"'}
    code = written.code
    if "errors.Is(" in code:
        needed.add('"errors"')
    if "reflect.DeepEqual(" in code:
        needed.add('"reflect"')
    if "fmt.Sprint(" in code:
        needed.add('"fmt"')
    definition = target.definition
    needed.update(definition.imports)
    return TestCandidate(
        id=f"{definition.key}::{written.name}", definition=definition.key,
        test_name=written.name, code=code, test_type=target.test_type, engine="offline",
        imports=tuple(sorted(needed)),
        details={"rows": [r.name for r in written.rows], "framework": target.framework})
