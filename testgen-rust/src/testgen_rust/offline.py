"""Offline test candidates: turn observed behaviour (probes) into readable cargo tests.

Every test pins one observed behaviour with a real value check: ``assert_eq!`` against a
literal when the type compares with ``PartialEq`` and the literal compiles, else against the
``{:?}`` text, ``#[should_panic(expected = ...)]`` for panics, exact ``Err`` values or the
error's ``Debug`` text for failures. Names say what is checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from testgen.model import Definition, OfflineRequest, Probe, TestCandidate

from .payload import call_of

MAX_DEBUG = 240
MAX_PER_TEST_TYPE = {"unit": 8, "edge-cases": 5, "negative": 5, "integration": 1,
                     "table-driven": 1, "regression": 1}
MAX_TABLE_ROWS = 10
CATEGORY_ORDER = {"doc-example": 0, "produced": 1, "typical": 1, "literal": 2, "default": 3, "boundary": 4,
                  "invalid": 5, "sequence": 6}
EDGE_CATEGORIES = {"boundary", "invalid", "default", "literal"}


def rust_string(text: str) -> str:
    """A Rust string literal for ``text``."""
    out = ['"']
    for ch in text:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7f:
            out.append(f"\\u{{{ord(ch):x}}}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def format_message(text: str) -> str:
    """A literal usable as an assert message (a format string: braces doubled)."""
    return rust_string(text.replace("{", "{{").replace("}", "}}"))


# --------------------------------------------------------------------------- behaviours


@dataclass
class Behaviour:
    """One usable probe, classified."""

    probe: Probe
    kind: str
    """``value``, ``err``, ``none``, ``panic`` or ``state`` (unit return, state checked)."""

    @property
    def key(self) -> tuple:
        p = self.probe
        state = tuple(sorted(call_of(p).after.items())) if self.kind == "state" \
            else ()
        return (self.kind, call_of(p).debug if p.outcome == "return" else p.message,
                state)

    @property
    def order(self) -> tuple:
        p = self.probe
        size = len(call_of(p).debug or p.message or "") + len(p.call)
        return (CATEGORY_ORDER.get(p.category, 9), size)


def classify(probe: Probe) -> Behaviour | None:
    if not probe.deterministic:
        return None
    record = call_of(probe)
    if probe.outcome == "raise":
        message = (probe.message or "").strip()
        if not message or message.startswith("Box<dyn") or len(message) > 300:
            return None
        return Behaviour(probe, "panic")
    if probe.outcome != "return":
        return None
    debug = record.debug
    if debug is not None and len(debug) > MAX_DEBUG and probe.value is None:
        return None
    if record.unit:
        after = record.after
        if not any(v is not None and len(v) <= MAX_DEBUG for v in after.values()):
            return None
        return Behaviour(probe, "state")
    variant = record.variant
    if variant == "Err":
        return Behaviour(probe, "err")
    if variant == "None":
        return Behaviour(probe, "none")
    if debug is None and record.display is None:
        return None
    return Behaviour(probe, "value")


def shape(text: str | None) -> str:
    """The outline of a Debug value: ``Some(["12"])`` and ``Some(["abc"])`` look alike,
    ``Some([])``, ``None`` and ``Some(["a", "b"])`` do not."""
    if text is None:
        return ""
    text = re.sub(r'"(?:[^"\\]|\\.)+"', '"s"', text)
    text = re.sub(r"'(?:[^'\\]|\\.)+'", "'c'", text)
    text = re.sub(r"(?<![\w.])-\d+(?:\.\d+)?(?:e-?\d+)?", "-n", text)
    text = re.sub(r"(?<![\w.-])(?!0(?![.\d]))\d+(?:\.\d+)?(?:e-?\d+)?", "n", text)
    return text


def _distinct(behaviours: Iterable[Behaviour], limit: int, by_shape: bool = False
              ) -> list[Behaviour]:
    """Up to ``limit`` behaviours, preferring doc examples and typical inputs; with
    ``by_shape`` one per outline of the result (two at least, when there are two)."""
    ordered = sorted(behaviours, key=lambda b: b.order)
    chosen, seen, shapes = [], set(), set()
    if by_shape:
        for behaviour in ordered:
            outline = (behaviour.kind, shape(call_of(behaviour.probe).debug
                                             or behaviour.probe.message))
            if outline in shapes or behaviour.key in seen:
                continue
            shapes.add(outline)
            seen.add(behaviour.key)
            chosen.append(behaviour)
            if len(chosen) >= limit:
                return chosen
        # Fill up with other inputs, other kinds of input (empty, zero, MAX…) first.
        used = {b.probe.category for b in chosen}
        ordered = sorted(ordered, key=lambda b: (b.probe.category in used, b.order))
    for behaviour in ordered:
        if len(chosen) >= limit:
            break
        if behaviour.key in seen:
            continue
        seen.add(behaviour.key)
        chosen.append(behaviour)
    return chosen


# --------------------------------------------------------------------------- naming


def _slug(text: str, limit: int = 4) -> str:
    text = text.strip()
    if text in ('""', "String::from(\"\")", 'b""'):
        return "empty_string"
    if text in ("&[]", "vec![]", "Vec::new()"):
        return "empty_list"
    if re.fullmatch(r'"-\d[\d.]*"', text):
        text = text[1:-1]
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        number = text.replace("-", "minus_").replace(".", "_")
        return "zero" if number in ("0", "0_0") else number
    match = re.fullmatch(r"\w+::(MAX|MIN|NAN|INFINITY|ZERO|EPSILON)", text)
    if match:
        return match.group(1).lower()
    text = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", text)
    words = re.findall(r"[A-Za-z]+|\d+", text.replace("String::from", "").replace(
        "vec!", "").replace("Some", "").replace("::new", ""))
    words = [w.lower() for w in words if w.lower() not in {"b", "from", "to", "string", "mut"}]
    if not words:
        words = [SYMBOLS[c] for c in text if c in SYMBOLS]
    return "_".join(list(dict.fromkeys(words))[:limit])


SYMBOLS = {"-": "dash", ".": "dot", ",": "comma", "%": "percent", " ": "space", "#": "hash",
           "'": "quote", "\\": "backslash", "$": "dollar", "/": "slash", "+": "plus",
           "=": "equals", "&": "ampersand", "*": "star", "@": "at", ":": "colon",
           ";": "semicolon", "!": "bang", "?": "question", "\t": "tab", "\n": "newline"}


def _base(definition: Definition) -> str:
    qual = re.sub(r"^<([^>]+) as [^>]+>", r"\1", definition.qualname)
    qual = re.sub(r"@\d+$", "", qual)
    parts = [p for p in qual.split("::") if p]
    snake = "_".join(re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", p).lower() for p in parts)
    snake = re.sub(r"\W+", "_", snake).strip("_")
    if definition.details.get("trait", "").endswith("Display") and definition.name == "fmt":
        snake = snake[: -len("fmt")] + "display" if snake.endswith("fmt") else snake
    return snake or "target"


def _args_slug(probe: Probe) -> str:
    parts = [_slug(a, 3) for a in probe.args]
    if not parts and probe.setup:
        match = re.search(r"=\s*(?:\w+::)?(?:new\b)?(.*);$", probe.setup[0])
        if match:
            parts = [_slug(match.group(1), 3)]
    slug = "_".join(p for p in parts if p)
    return slug[:40].strip("_") or "defaults"


class Names:
    def __init__(self) -> None:
        self.used: set[str] = set()

    def make(self, *parts: str) -> str:
        name = "_".join(p for p in parts if p)
        name = re.sub(r"_+", "_", re.sub(r"[^a-z0-9_]", "_", name.lower())).strip("_")
        if not name or name[0].isdigit():
            name = "test_" + name
        name = name[:72].rstrip("_")
        candidate, n = name, 2
        while candidate in self.used:
            candidate, n = f"{name}_{n}", n + 1
        self.used.add(candidate)
        return candidate


# --------------------------------------------------------------------------- bodies


def _imports(probes: Iterable[Probe]) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for probe in probes:
        record = call_of(probe)
        for line in record.imports:
            found[line] = None
        for line in record.value_imports:
            found[line] = None
    return tuple(found)


def _message(probe: Probe) -> str:
    text = probe.call
    if len(text) > 70:
        text = text[:67] + "..."
    return format_message(text)


def _check_lines(b: Behaviour, with_message: bool = True) -> list[str] | None:
    """Statements (after the setup) that check one behaviour."""
    p = b.probe
    d = call_of(p)
    msg = f", {_message(p)}" if with_message else ""
    call = p.call
    debug = d.debug
    if b.kind == "state":
        lines = [f"{call};"]
        lines.extend(_state_lines(p, msg))
        return lines
    if b.kind == "err":
        if p.value is not None:
            return [f"assert_eq!({call}, {p.value}{msg});"] + _state_lines(p, msg)
        payload = _payload(debug, "Err")
        if payload is None:
            return None
        return [f"let err = {call}.unwrap_err();",
                f"assert_eq!(format!(\"{{:?}}\", err), {rust_string(payload)}{msg});"]
    if b.kind == "none":
        if p.value is not None:
            return [f"assert_eq!({call}, None{msg});"] + _state_lines(p, msg)
        return [f"assert!({call}.is_none(){msg});"] + _state_lines(p, msg)
    if p.value in ("true", "false"):
        negate = "" if p.value == "true" else "!"
        return [f"assert!({negate}{call}{msg});"] + _state_lines(p, msg)
    if p.value is not None:
        return [f"assert_eq!({call}, {p.value}{msg});"] + _state_lines(p, msg)
    if debug == "NaN":
        return [f"assert!({call}.is_nan(){msg});"]
    if debug is not None:
        return [f"assert_eq!(format!(\"{{:?}}\", {call}), {rust_string(debug)}{msg});"] + \
            _state_lines(p, msg)
    display = d.display
    if display is not None:
        return [f"assert_eq!({call}.to_string(), {rust_string(display)}{msg});"]
    return None


def _state_lines(p: Probe, msg: str) -> list[str]:
    lines = []
    record = call_of(p)
    values = record.after_values
    for var, debug in record.after.items():
        if var in values:
            lines.append(f"assert_eq!({var}, {values[var]}{msg});")
        elif debug is not None and len(debug) <= MAX_DEBUG:
            lines.append(f"assert_eq!(format!(\"{{:?}}\", {var}), {rust_string(debug)}{msg});")
    return lines


def _payload(debug: str | None, variant: str) -> str | None:
    if not debug or not debug.startswith(variant + "(") or not debug.endswith(")"):
        return None
    return debug[len(variant) + 1:-1]


def _test(name: str, body: list[str], attrs: Iterable[str] = (), returns: str = "") -> str:
    lines = ["#[test]", *attrs, f"fn {name}(){' -> ' + returns if returns else ''} {{"]
    lines.extend("    " + line for line in body)
    lines.append("}")
    return "\n".join(lines)


def _single(b: Behaviour, name: str) -> str | None:
    p = b.probe
    if b.kind == "panic":
        message = (p.message or "").strip().splitlines()[0][:120]
        body = list(p.setup) + [f"let _ = {p.call};"]
        return _test(name, body, [f"#[should_panic(expected = {rust_string(message)})]"])
    checks = _check_lines(b)
    if checks is None:
        return None
    return _test(name, list(p.setup) + checks)


def _question_mark(b: Behaviour, name: str) -> str | None:
    """``Result``-returning test: unwrap the ``Ok`` with ``?`` and check the value."""
    p = b.probe
    value = p.value or ""
    record = call_of(p)
    if b.kind != "value" or record.variant != "Ok" or not record.err_is_error or \
            not value.startswith("Ok(") or record.after:
        return None
    inner = value[3:-1]
    payload = re.sub(r"<.*", "", record.payload_type).split("::")[-1]
    var = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", payload).lower()
    if not re.fullmatch(r"[a-z][a-z0-9_]*", var) or var in ("str", "string", "self", "u8",
                                                              "bool", "char", "vec"):
        var = "value"
    body = list(p.setup) + [f"let {var} = {p.call}?;",
                            f"assert_eq!({var}, {inner}, {_message(p)});", "Ok(())"]
    return _test(name, body, returns="Result<(), Box<dyn std::error::Error>>")


# --------------------------------------------------------------------------- per type


def _column_types(definition: Definition, has_receiver: bool) -> list[str]:
    """Table column types from the parameter annotations (``_`` where generic), so slices
    of different lengths coerce to one type."""
    generics = set(definition.details.get("generics") or []) | {"Self"}
    types = ["_"] if has_receiver else []
    for param in definition.parameters:
        if param.kind == "receiver":
            continue
        text = param.annotation or "_"
        words = set(re.findall(r"[A-Za-z_]\w*", text))
        if words & generics or "impl " in text or "dyn " in text:
            types.append("_")
        else:
            types.append(re.sub(r"'(?!static\b)[A-Za-z_]\w*", "'_", text))
    return types


def offline_candidates(request: OfflineRequest) -> list[TestCandidate]:
    definition = request.definition
    probes = [p for p in request.probes if p.definition == definition.key]
    # A parse of the type's own Display text that does not come back is a finding: pinning
    # it as expected would hide it. One per definition, every broken trip says the same.
    trips = [p for p in probes if call_of(p).round_trip]
    bugs = [_round_trip_bug(definition, trips[0], request.test_type)] if trips else []
    behaviours = [b for b in (classify(p) for p in probes if p not in trips) if b is not None]
    if not behaviours:
        return bugs
    names = Names()
    base = _base(definition)
    kind = request.test_type
    builders = {
        "unit": _unit, "edge-cases": _edge_cases, "negative": _negative,
        "table-driven": _table_driven, "integration": _integration, "regression": _regression,
    }
    if kind == "table-driven":
        built = _table_driven(behaviours, base, names, definition)
    else:
        built = builders.get(kind, _unit)(behaviours, base, names)
    if request.framework.name == "proptest" and kind == "edge-cases":
        prop = _property(definition, probes, base, names)
        if prop is not None:
            built.append(prop)
    candidates = []
    for name, code, used in built:
        candidates.append(TestCandidate(
            id=f"{definition.key}::{name}", definition=definition.key, test_name=name,
            code=code, test_type=kind, engine="offline",
            imports=_imports(used) + (("use proptest::prelude::*;",) if "proptest!" in code
                                      else ()),
            details={"probes": [call_of(p).id or None for p in used],
                     "needs": ["proptest"] if "proptest!" in code else []}))
    return bugs + candidates


def _round_trip_bug(definition: Definition, probe: Probe, test_type: str) -> TestCandidate:
    evidence = call_of(probe).round_trip or ""
    return TestCandidate(
        id=f"{definition.key}::possible-bug::round-trip::{probe.call}",
        definition=definition.key, test_name="", code="", test_type=test_type,
        engine="offline", status="possible-bug", reason=evidence,
        details={"possible_bug_evidence": evidence})


Built = list[tuple[str, str, list[Probe]]]


def _unit(behaviours: list[Behaviour], base: str, names: Names) -> Built:
    normal = [b for b in behaviours if b.kind in ("value", "state")]
    pool = normal or [b for b in behaviours if b.kind != "panic"]
    chosen = _distinct([b for b in pool if b.probe.category not in ("invalid",)] or pool,
                       MAX_PER_TEST_TYPE["unit"], by_shape=True)
    built: Built = []
    used_question_mark = False
    for b in chosen:
        # Verbs differ per test type, so two types never produce the same test name.
        verb = {"value": "returns", "state": "updates", "err": "errs_for",
                "none": "is_none_for"}
        name = names.make(base, _args_slug(b.probe)) if b.kind == "value" else names.make(
            base, verb[b.kind], _args_slug(b.probe))
        code = None
        if not used_question_mark:
            code = _question_mark(b, name)
            used_question_mark = code is not None
        code = code or _single(b, name)
        if code:
            built.append((name, code, [b.probe]))
    return built


def _edge_cases(behaviours: list[Behaviour], base: str, names: Names) -> Built:
    edge = [b for b in behaviours if b.probe.category in EDGE_CATEGORIES]
    built: Built = []
    for b in _distinct(edge, MAX_PER_TEST_TYPE["edge-cases"], by_shape=True):
        verb = {"value": "handles", "state": "handles", "err": "handles", "none": "handles",
                "panic": "panics_at"}[b.kind]
        name = names.make(base, verb, _args_slug(b.probe))
        code = _single(b, name)
        if code:
            built.append((name, code, [b.probe]))
    return built


def _negative(behaviours: list[Behaviour], base: str, names: Names) -> Built:
    failing = [b for b in behaviours if b.kind in ("panic", "err", "none")]
    built: Built = []
    for b in _distinct(failing, MAX_PER_TEST_TYPE["negative"], by_shape=True):
        verb = {"err": "rejects", "none": "none_for", "panic": "panics_on"}[b.kind]
        name = names.make(base, verb, _args_slug(b.probe))
        code = _single(b, name)
        if code:
            built.append((name, code, [b.probe]))
    return built


def _table_driven(behaviours: list[Behaviour], base: str, names: Names,
                  definition: Definition | None = None) -> Built:
    rows = [b for b in _distinct(behaviours, 40) if b.kind in ("value", "err", "none")
            and not any(line.startswith("let mut") for line in b.probe.setup)]
    exact = [b for b in rows if b.probe.value is not None]
    built: Built = []
    table = _table(exact[:MAX_TABLE_ROWS], base, names, exact_values=True,
                   definition=definition)
    if table is None:
        debug_rows = [b for b in rows if call_of(b.probe).debug is not None]
        table = _table(debug_rows[:MAX_TABLE_ROWS], base, names, exact_values=False,
                       definition=definition)
    if table is not None:
        built.append(table)
    return built


def _table(rows: list[Behaviour], base: str, names: Names, exact_values: bool,
           definition: Definition | None = None) -> tuple[str, str, list[Probe]] | None:
    if len(rows) < 2:
        return None
    first = rows[0].probe
    # Every row must call the same way: same receiver shape and argument count.
    receiver = first.setup[0] if first.setup else None
    recv_var = re.match(r"let (?:mut )?(\w+) =", receiver).group(1) if receiver else None
    arity = len(first.args)
    if any(len(b.probe.args) != arity or bool(b.probe.setup) != bool(receiver) for b in rows):
        return None
    columns = ([recv_var] if recv_var else []) + [f"arg{i}" if arity > 1 else "input"
                                                  for i in range(arity)]
    call = first.call
    # Re-spell the call with column names instead of the first row's literals.
    for i, arg in enumerate(first.args):
        call = _replace_arg(call, arg, columns[i + (1 if recv_var else 0)])
        if call is None:
            return None
    if len(set(_spelled(b.probe, columns, recv_var) for b in rows)) != 1:
        return None
    lines = []
    for b in rows:
        p = b.probe
        cells = []
        if recv_var:
            cells.append(re.match(r"let (?:mut )?\w+ = (.*);$", p.setup[0]).group(1))
        cells.extend(p.args)
        expected = p.value if exact_values else rust_string(call_of(p).debug or "")
        cells.append(expected)
        lines.append(f"    ({', '.join(cells)}),")
    name = names.make(base, "table")
    pattern = ", ".join(columns + ["expected"])
    actual = call if exact_values else f'format!("{{:?}}", {call})'
    arg_columns = columns[len(columns) - arity:] if arity else []
    described = " ".join(f"{c}={{:?}}" for c in arg_columns) if arity else "case"
    args = ", ".join(arg_columns)
    message = f'"{described}"' + (f", {args}" if args else "")
    declared = "let cases = ["
    if definition is not None:
        types = _column_types(definition, bool(recv_var))
        if len(types) == len(columns) and any(t != "_" for t in types):
            declared = f"let cases: [({', '.join(types + ['_'])}); {len(rows)}] = ["
    body = [declared] + lines + ["];",
                                         f"for ({pattern}) in cases {{",
                                         f"    assert_eq!({actual}, expected, {message});",
                                         "}"]
    code = _test(name, body)
    return name, code, [b.probe for b in rows]


def _replace_arg(call: str, arg: str, column: str) -> str | None:
    index = call.find(arg, call.find("("))
    if index < 0:
        return None
    return call[:index] + column + call[index + len(arg):]


def _spelled(probe: Probe, columns: list[str], recv_var: str | None) -> str | None:
    call = probe.call
    for i, arg in enumerate(probe.args):
        call = _replace_arg(call, arg, columns[i + (1 if recv_var else 0)]) if call else None
    return call


def _integration(behaviours: list[Behaviour], base: str, names: Names) -> Built:
    """One scenario per definition: several observed behaviours checked in sequence,
    each from a fresh setup, through the public API only."""
    steps = _distinct([b for b in behaviours if b.kind != "panic"], 5, by_shape=True)
    if len(steps) < 2:
        return []
    body: list[str] = []
    for index, b in enumerate(steps):
        checks = _check_lines(b)
        if checks is None:
            continue
        block = list(b.probe.setup) + checks
        if b.probe.setup:
            body.append("{")
            body.extend("    " + line for line in block)
            body.append("}")
        else:
            body.extend(block)
    if not body:
        return []
    name = names.make(base, "scenario")
    return [(name, _test(name, body), [b.probe for b in steps])]


def _regression(behaviours: list[Behaviour], base: str, names: Names) -> Built:
    """Pin every distinct observed behaviour: one test for values, one per panic."""
    values = _distinct([b for b in behaviours if b.kind != "panic"], 12)
    built: Built = []
    body: list[str] = []
    used = []
    for b in values:
        checks = _check_lines(b)
        if checks is None:
            continue
        used.append(b.probe)
        if b.probe.setup:
            body.append("{")
            body.extend("    " + line for line in list(b.probe.setup) + checks)
            body.append("}")
        else:
            body.extend(checks)
    if body:
        name = names.make(base, "matches_recorded_behaviour")
        built.append((name, _test(name, body), used))
    for b in _distinct([b for b in behaviours if b.kind == "panic"], 2):
        name = names.make(base, "still_panics_on", _args_slug(b.probe))
        code = _single(b, name)
        if code:
            built.append((name, code, [b.probe]))
    return built


# --------------------------------------------------------------------------- proptest

STRATEGIES = {
    "i8": "any::<i8>()", "i16": "any::<i16>()", "i32": "any::<i32>()", "i64": "any::<i64>()",
    "u8": "any::<u8>()", "u16": "any::<u16>()", "u32": "any::<u32>()", "u64": "any::<u64>()",
    "usize": "0usize..1000", "isize": "any::<isize>()", "bool": "any::<bool>()",
    "char": "any::<char>()", "f64": "-1.0e6f64..1.0e6", "f32": "-1.0e6f32..1.0e6",
}


def _property(definition: Definition, probes: list[Probe], base: str, names: Names
              ) -> tuple[str, str, list[Probe]] | None:
    """``proptest!``: the function never panics on arbitrary inputs of its parameter types
    (only proposed when no probe made it panic)."""
    if any(p.outcome in ("raise", "timeout", "crash") for p in probes):
        return None
    params = [p for p in definition.parameters if p.kind != "receiver"]
    path = definition.details.get("path")
    if not params or definition.details.get("receiver") or not path or \
            definition.details.get("type"):
        return None
    strategies, args = [], []
    for param in params:
        annotation = (param.annotation or "").replace(" ", "")
        name = re.sub(r"\W", "", param.name) or "x"
        if annotation in STRATEGIES:
            strategies.append(f"{name} in {STRATEGIES[annotation]}")
            args.append(name)
        elif annotation in ("&str", "String", "&String"):
            strategies.append(f'{name} in "\\\\PC{{0,24}}"')
            args.append(f"&{name}" if annotation.startswith("&") else name)
        else:
            return None
    name = names.make(base, "never_panics")
    code = "\n".join([
        "proptest! {",
        "    #[test]",
        f"    fn {name}({', '.join(strategies)}) {{",
        f"        let _ = {path}({', '.join(args)});",
        "    }",
        "}",
    ])
    probe = probes[0] if probes else None
    used = [probe] if probe else []
    return name, code, used
