"""One definition's results as another's inputs: a parser gets what the module's formatter
makes, a decoder what its encoder wrote, whichever of the two comes first in the file. A
decoder that does not give back what was encoded (nor anything that encodes the same) is a
possible bug, with both calls as evidence, never a passing test."""

from __future__ import annotations

VERSIONS = '''
import re


def parse_version(text: str) -> tuple:
    match = re.fullmatch(r"v(\\d+)[.](\\d+)~(\\w+)", text)
    if match is None:
        raise ValueError(f"not a version: {text!r}")
    major, minor, tag = match.groups()
    if int(major) > 99:
        return (99, int(minor), tag)
    return (int(major), int(minor), tag)


def format_version(major: int, minor: int, tag: str = "final") -> str:
    return f"v{major}.{minor}~{tag}"
'''

# ``parse`` is first in the file, so only the second pass can give it what ``render`` made;
# no generic string has the shape ``<<a|b>>``.
RENDERED = '''
def parse(text: str) -> list:
    if not (text.startswith("<<") and text.endswith(">>")):
        raise ValueError("not rendered")
    inner = text[2:-2]
    if not inner:
        return []
    return inner.split("|")


def render(parts: list[str]) -> str:
    return "<<" + "|".join(parts) + ">>"
'''

HEX = '''
def encode(text: str) -> str:
    return text.encode("utf-8").hex()


def decode(data: str) -> str:
    return bytes.fromhex(data).decode("utf-8")
'''

SWAPPED_HEX = '''
def encode(text: str) -> str:
    return text.swapcase().encode("utf-8").hex()


def decode(data: str) -> str:
    return bytes.fromhex(data).decode("utf-8")
'''

# Normalising on the way back is not a bug: ``decode`` lower-cases, and ``encode`` of what it
# gives back is the same text again.
NORMALISING = '''
def encode(text: str) -> str:
    return text.lower().encode("utf-8").hex()


def decode(data: str) -> str:
    return bytes.fromhex(data).decode("utf-8")
'''


def _findings(generated, name):
    return [c for c in generated.candidates[name] if c.status == "possible-bug"]


def test_a_parser_gets_what_the_module_formats(project, chain):
    project.write("versions.py", VERSIONS)
    generated = chain(project, "versions.py")
    parsed = [p for p in generated.probes_of("parse_version") if p.outcome == "return"]
    assert any(p.args and p.args[0].startswith("'v") and p.value.endswith("'final')")
               for p in parsed), [p.call for p in parsed]
    assert "parse_version('v" in generated.test_file.content
    assert not _findings(generated, "parse_version"), "parse(format(a, b)) is no round trip"


def test_a_definition_before_its_producer_gets_the_values_in_a_second_pass(project, chain):
    project.write("rendered.py", RENDERED)
    generated = chain(project, "rendered.py")
    parsed = [p for p in generated.probes_of("parse") if p.outcome == "return"]
    assert any(p.value not in ("[]", None) and p.args[0].startswith("'<<") for p in parsed), \
        [(p.call, p.outcome, p.value) for p in generated.probes_of("parse")]


def test_a_decoder_that_round_trips_is_tested_on_what_the_encoder_wrote(project, chain):
    project.write("codec.py", HEX)
    generated = chain(project, "codec.py")
    assert not _findings(generated, "decode")
    decoded = [p for p in generated.probes_of("decode") if p.outcome == "return"]
    assert any(p.value == "'hello'" for p in decoded), [p.call for p in decoded]
    assert generated.passed()


def test_a_round_trip_that_does_not_come_back_is_a_possible_bug(project, chain):
    project.write("codec.py", SWAPPED_HEX)
    generated = chain(project, "codec.py")
    [bug] = _findings(generated, "decode")
    assert "do not round-trip" in bug.reason and "encode(" in bug.reason, bug.reason
    for candidate in generated.candidates["decode"]:
        if candidate.status != "possible-bug":
            assert candidate.id not in {bug.id}
    # What the bug shows is not pinned: no written test expects the swapped case back.
    assert "'HELLO'" not in generated.test_file.content
    assert generated.passed()


def test_a_decoder_that_normalises_is_no_possible_bug(project, chain):
    project.write("codec.py", NORMALISING)
    generated = chain(project, "codec.py")
    assert not _findings(generated, "decode")
