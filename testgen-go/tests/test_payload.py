"""What the probe records of a call reaches the offline writer as a typed payload."""

from testgen.model import Framework, OfflineRequest, Probe

from testgen_go.payload import Failure, Observed, Value
from testgen_go.plugin import Go

from gotestkit import EXAMPLE, definitions, needs_go

GO = Go()


@needs_go
def test_each_probe_carries_what_the_call_did_as_a_typed_payload(example, workspace_of):
    ws = workspace_of(example)
    probes = GO.probe(definitions(example, "money.go"), ws, "unit")
    parse = [p for p in probes if p.definition.endswith("::ParsePrice")]
    assert parse and all(isinstance(p.payload, Observed) for p in parse)
    assert all(isinstance(p.payload, Observed) for p in probes if p.outcome == "return")
    ok = next(p for p in parse if p.outcome == "return")
    assert isinstance(ok.payload.results[0], Value) and ok.payload.results[0].ok
    assert ok.payload.results[0].lit == ok.value.split(", ")[0]
    failed = [p for p in parse if p.outcome == "raise"]
    assert failed and all(isinstance(p.payload.error, Failure) for p in failed)
    assert {p.payload.error.sentinel for p in failed} == {"ErrInvalidPrice"}


def test_a_probe_without_the_go_payload_gives_no_test_and_says_why():
    (parse,) = [d for d in definitions(EXAMPLE, "money.go") if d.name == "ParsePrice"]
    request = OfflineRequest(definition=parse, framework=Framework(name="testing", language="go"),
                             test_type="unit",
                             probes=[Probe(definition=parse.key, args=('"1.00"',),
                                           value="Cents(100)")])
    (candidate,) = GO.offline_candidates(request)
    assert candidate.status == "skipped"
    assert candidate.test_name == "TestParsePrice"
    assert candidate.reason == "no unit input gave an observable, repeatable result"
