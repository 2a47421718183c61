"""``Python.offline_candidates``: observed behaviour → tests a person would keep.

From the probes of one definition we pick a *small* set that together runs the most distinct
lines (:func:`testgen.kit.selection.select`: greedy set cover on each probe's covered lines,
preferring typical inputs and clear outcomes), describe each pick as a *case* (setup, call,
expected outcome, extra checks), name it after what it shows
(``test_parse_price_rejects_empty_text``, unique by :class:`testgen.kit.selection.TestNames`),
and render it with the Jinja2 template of the requested test type:
``templates/tests/<framework>/<test_type>.j2``.
"""

from __future__ import annotations

import ast
import keyword
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from testgen.kit import selection
from testgen.kit.selection import MAX_TESTS, TestNames, behaviour, camel, preference, snake
from testgen.kit.templates import environment, test_template
from testgen.model import Definition, OfflineRequest, Probe, TestCandidate

from .payload import payload_of


TABLE_ROWS = 10
LINE_WIDTH = 96
BOOLEANS = ("True", "False")
# Interpreter-made messages change between Python versions: check the type only.
NO_MATCH_EXCEPTIONS = {"TypeError", "AttributeError", "RecursionError", "UnboundLocalError",
                       "NameError", "IndexError", "ZeroDivisionError", "OverflowError",
                       "UnicodeEncodeError", "UnicodeDecodeError", "StopIteration"}


@dataclass
class Case:
    """One test's worth of behaviour, ready for a template."""

    name: str
    kind: str
    """``value`` ``approx`` ``none`` ``raises`` ``effects``."""
    call: str
    setup: list[str] = field(default_factory=list)
    expected: str = ""
    exception: str = ""
    match: str = ""
    bind: bool = False
    """Assign the call to ``result`` first (long lines, or checks on the result)."""
    checks: list[tuple[str, str]] = field(default_factory=list)
    imports: set[str] = field(default_factory=set)
    probe: Probe | None = None
    summary: str = ""
    table: dict[str, Any] | None = None
    """For table-driven cases: ``columns``, ``expected`` column name, ``rows``, ``approx``."""
    fixtures: list[str] = field(default_factory=list)
    """pytest fixtures the test takes (``monkeypatch``, ``capsys``)."""
    capture: bool = False
    """unittest: run the call with stdout captured into ``output``."""


def offline_candidates(request: OfflineRequest) -> list[TestCandidate]:
    definition = request.definition
    framework = request.framework.name
    test_type = request.test_type
    module = request.module_path or module_of(request.probes)
    usable = [p for p in request.probes if _usable(p) and not _fails_on_a_wrong_type(p)]
    suspect = [p for p in usable if contradicts_its_example(p) or
               crashes_on_well_typed_input(definition, p) or payload_of(p).round_trip]
    usable = [p for p in usable if p not in suspect]
    bugs, kinds = [], set()
    for p in suspect:  # one finding per kind: inverse(0) and inverse(0.0) divide by zero
        kind = ("round trip",) if payload_of(p).round_trip else \
            (p.outcome, p.exception, p.value if p.outcome == "return" else None)
        if kind not in kinds:
            kinds.add(kind)
            bugs.append(_possible_bug(definition, p, test_type))
    if not module or not usable:
        return bugs
    builder = _Builder(definition, module, framework)
    spare: set[int] = set()
    if test_type == "table-driven":
        cases = builder.tables(usable)
    elif test_type == "integration":
        cases = builder.lifecycles(usable)
    elif test_type == "regression":
        cases = builder.regression(usable)
    else:
        chosen = select(usable, definition, test_type)
        if test_type == "unit":
            extra = alternatives(usable, chosen)
            spare = {id(p) for p in extra}
            chosen += extra
        cases = [builder.case(p) for p in chosen]
    env = environment("testgen_python", request.template_dirs)
    template = env.get_template(test_template(framework, test_type))
    candidates = []
    for case in cases:
        if case is None:
            continue
        code = template.render(case=case, definition=definition, module=module).strip("\n")
        imports = sorted(case.imports | builder.target_imports(case))
        candidates.append(TestCandidate(
            id=f"{definition.key}::{case.name}", definition=definition.key,
            test_name=case.name, code=code + "\n", test_type=test_type, engine="offline",
            imports=tuple(imports), covered_lines=case.probe.covered_lines if case.probe
            else frozenset(),
            details={"class_name": builder.class_name, "summary": case.summary,
                     "module": module, "alternative": id(case.probe) in spare}))
    return bugs + candidates


def contradicts_its_example(p: Probe) -> bool:
    """A docstring example whose shown result is a plain literal the call does not return:
    the code or its documentation is wrong, and a test must not freeze either."""
    want = payload_of(p).doc_want
    if p.category != "doc-example" or p.outcome != "return" or not want or p.value is None \
            or "..." in want:
        return False
    try:
        shown, got = ast.literal_eval(want), ast.literal_eval(p.value)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False  # not a literal on one side (an object, a repr): nothing to compare
    return type(shown) is not type(got) or shown != got


BUG_EXCEPTIONS = {"TypeError", "AttributeError", "NameError", "UnboundLocalError",
                  "ZeroDivisionError"}
"""Exceptions that, raised by an operation inside the code for inputs of the annotated types,
say the code is wrong rather than the input (``KeyError`` and ``IndexError`` are often the
contract itself)."""


def crashes_on_well_typed_input(definition: Definition, p: Probe) -> bool:
    """An operation inside the code fails (not one of its ``raise`` statements) for inputs of
    the types its annotations ask for, and its docstring does not announce the exception."""
    payload = payload_of(p)
    if p.outcome != "raise" or payload.raised_by != "operation" or \
            p.exception not in BUG_EXCEPTIONS or p.exception in (definition.docstring or ""):
        return False
    if p.exception == "TypeError" and _ARGUMENT_MISMATCH.search(p.message or ""):
        return False  # a call built from the input (``Version(**d)``) did not fit
    return payload.well_typed and p.category != "invalid" and \
        "invalid" not in payload.arg_categories


_ARGUMENT_MISMATCH = re.compile(r"unexpected keyword argument|positional argument|"
                                r"required (keyword-only |positional )?argument")


def _fails_on_a_wrong_type(p: Probe) -> bool:
    """A deliberately wrong-typed input that an operation deep inside chokes on (``None``
    has no ``.strip``): a test of that pins nothing the code means to do."""
    return p.outcome == "raise" and payload_of(p).raised_by == "operation" and \
        p.exception in ("TypeError", "AttributeError") and p.category == "invalid"


def _possible_bug(definition: Definition, p: Probe, test_type: str) -> TestCandidate:
    trip = payload_of(p).round_trip
    if trip:
        evidence = (f"{p.call} (on what {trip['through']} returns) gives {trip['back']}, not "
                    f"{trip['original']}; and {trip['again']} gives {trip['again_gives']}: "
                    "the two do not round-trip")
    elif p.outcome == "raise":
        evidence = (f"{p.call} raises {p.exception} ({_one_line(p.message)}) inside the code, "
                    f"for inputs of the annotated types")
    else:
        evidence = (f"the docstring shows {p.call} → {payload_of(p).doc_want}, "
                    f"the code returns {p.value}")
    return TestCandidate(
        id=f"{definition.key}::possible-bug::{p.call}", definition=definition.key,
        test_name="", code="", test_type=test_type, engine="offline", status="possible-bug",
        reason=evidence, details={"possible_bug_evidence": evidence})


# ---------------------------------------------------------------------------- selection


def _usable(p: Probe) -> bool:
    if not p.deterministic or p.outcome not in ("return", "raise"):
        return False
    if p.outcome == "raise":
        return bool(p.exception) and p.exception not in ("MemoryError", "KeyboardInterrupt",
                                                         "RecursionError")
    payload = payload_of(p)
    return p.value is not None or payload.has_effects or bool(payload.attributes)


def select(probes: list[Probe], definition: Definition, test_type: str) -> list[Probe]:
    """Few probes that together run the most lines of the definition
    (:func:`testgen.kit.selection.select`), leaving out what says nothing here: a class's
    method sequences (integration tests have them), and a bare ``None`` when the definition
    returns other values too."""
    pool = list(probes)
    if definition.kind == "class":
        pool = [p for p in pool if p.category != "sequence"]
    if not _informative(definition, probes):
        pool = [p for p in pool if not _is_bare_none(p)]
    return selection.select(pool, test_type, span=(definition.start_line, definition.end_line),
                            booleans=BOOLEANS)


MAX_ALTERNATIVES = 6
"""Extra ``unit`` candidates per definition beyond :func:`select`'s (see :func:`alternatives`)."""


def alternatives(probes: list[Probe], chosen: list[Probe],
                 limit: int = MAX_ALTERNATIVES) -> list[Probe]:
    """Probes the line cover left out that may still tell a changed program from this one:
    first those showing a returned value or an exception none of ``chosen`` shows
    (``encode('a.b')`` beside ``encode('hello')``), then the calls at a constant of the code or
    next to it (``grade(90)`` beside ``grade(91)``: ``>= 90`` made ``> 90`` answers
    differently for one of them only). They add no line, so the keep rule drops them, unless
    ``generate --mutation`` finds one kills a mutant that no other test kills."""
    taken = {id(p) for p in chosen}
    pool = [p for p in sorted(probes, key=preference) if id(p) not in taken and
            p.category not in ("invalid", "sequence") and not _is_bare_none(p)]
    seen = {behaviour(p) for p in chosen}
    extra: list[Probe] = []
    for p in pool:
        if behaviour(p) not in seen:
            seen.add(behaviour(p))
            extra.append(p)
    extra = extra[:limit // 2 + 1]
    picked = {id(p) for p in extra}
    extra += [p for p in pool if p.category == "literal" and id(p) not in picked]
    return extra[:limit]


def _informative(d: Definition, probes: list[Probe]) -> bool:
    """Whether ``is None`` says something: the definition returns other values too."""
    return any(p.outcome == "return" and p.value not in (None, "None") for p in probes)


def _is_bare_none(p: Probe) -> bool:
    return p.outcome == "return" and p.value == "None" and not payload_of(p).has_effects


def module_of(probes: Iterable[Probe]) -> str:
    for p in probes:
        module = payload_of(p).module
        if module:
            return module
    return ""


# ---------------------------------------------------------------------------- cases


def _words_of(qualname: str) -> str:
    """``Cart.add_item`` → ``cart_add_item``; a special method keeps what sets it apart from
    a plain one of the same name (``Bag.__contains__`` → ``bag_dunder_contains``)."""
    parts = [f"dunder_{part[2:-2]}" if part.startswith("__") and part.endswith("__") and
             len(part) > 4 else part for part in qualname.split(".")]
    return snake("_".join(parts))


class _Builder:
    def __init__(self, definition: Definition, module: str, framework: str):
        self.d = definition
        self.module = module
        self.framework = framework
        # unittest methods live in a TestCase named for the target: no need to repeat it.
        self.base = "" if framework == "unittest" else _words_of(definition.qualname)
        self.names = TestNames("test_")
        self.class_name = "Test" + "".join(camel(part) for part in definition.qualname.split("."))
        owner = definition.parent.split(".")[0] if definition.parent else None
        self.instance = snake(owner or definition.name).split("_")[-1] if owner or \
            definition.kind == "class" else "obj"
        if keyword.iskeyword(self.instance) or self.instance in ("result", "pytest", "self"):
            self.instance = "obj"
        positional = [p for p in definition.parameters
                      if p.kind in ("positional",) and p.name not in ("self", "cls")]
        self.positional = [p.name for p in positional]
        self.keyword_names = [p.name for p in definition.parameters if p.kind == "keyword"]

    # ------------------------------------------------------------------ names

    def name_for(self, p: Probe, hint: str = "") -> str:
        desc = self.describe_inputs(p)
        argv = payload_of(p).argv
        if hint:
            stem = f"{self.base}_{hint}"
        elif argv is not None:
            args = argv[1:]
            words = snake(" ".join("minus_" + a[1:] if re.fullmatch(r"-\d[\d.]*", a)
                                   else a.lstrip("-") for a in args))[:30]
            desc = "without_arguments" if not args else (
                "with_help_option" if args == ("--help",) else f"with_arguments_{words}")
            if p.outcome == "raise":
                stem = f"{self.base}_{desc}_" + ("exits" if p.exception == "SystemExit" else
                                                 f"raises_{snake(p.exception or 'error')}")
            else:
                stem = f"{self.base}_{desc}"
        elif self.d.kind == "class" and p.outcome == "return" and p.category != "sequence":
            names = [name for name, _ in self.arg_pairs(p)] or re.findall(
                r"[(,]\s*(\w+)=", p.call)
            stem = f"{self.base}_default_state" if not names else \
                f"{self.base}_created_with_" + "_and_".join(snake(n) for n in names[:3])
        elif p.category == "doc-example":
            stem = f"{self.base}_matches_docstring_example"
        elif p.outcome == "raise":
            if desc:
                stem = f"{self.base}_rejects_{desc}"
            else:
                words = _message_words(p.message or "")
                stem = f"{self.base}_raises_{snake(p.exception or 'error')}" + (
                    f"_{words}" if words else "")
        else:
            payload = payload_of(p)
            value_desc = _value_words(p.value)
            literal = self.describe_literal(p)
            if desc:
                stem = f"{self.base}_with_{desc}"
            elif literal:
                stem = f"{self.base}_with_{literal}"
            elif p.value is not None and any(text == p.value for _, text in self.arg_pairs(p)):
                same = next(name for name, text in self.arg_pairs(p) if text == p.value)
                stem = f"{self.base}_returns_{snake(same)}_unchanged"
            elif payload.mutated:
                stem = f"{self.base}_updates_{snake(self._mutated_names(p)[0])}"
            elif p.value in (None, "None") and payload.state:
                stem = f"{self.base}_updates_{snake(sorted(payload.state)[0])}"
            elif value_desc:
                stem = f"{self.base}_returns_{value_desc}"
            else:
                stem = f"{self.base}_{self.describe_typical(p) or 'returns_expected_value'}"
        return self.unique(stem, p)

    def unique(self, stem: str, p: Probe | None = None) -> str:
        """A name not yet taken in this file; a taken one gets ``p``'s argument values."""
        return self.names.make(stem, extra=self.describe_typical(p) if p is not None else "")

    def arg_pairs(self, p: Probe) -> list[tuple[str, str]]:
        pairs = []
        for index, text in enumerate(p.args):
            name = self.positional[index] if index < len(self.positional) else "arg"
            pairs.append((name, text))
        pairs.extend(p.kwargs)
        return pairs

    def describe_inputs(self, p: Probe) -> str:
        best = None
        for name, text in self.arg_pairs(p):
            found = _special(text)
            if found is not None:
                rank, word = found
                if word == "true":
                    phrase = name
                elif word == "false":
                    phrase = f"no_{name}" if not name.startswith("no_") else name[3:]
                else:
                    phrase = f"{word}_{name}"
                if best is None or rank < best[0]:
                    best = (rank, phrase)
        return snake(best[1]) if best else ""

    def describe_literal(self, p: Probe) -> str:
        """A string argument taken from the code's own constants says what the test is about:
        ``format_price(..., 'JPY')`` → ``jpy_currency``."""
        categories = payload_of(p).arg_categories
        for (name, text), category in zip(self.arg_pairs(p), categories):
            if category == "literal" and text.startswith(("'", '"')):
                words = _value_words(text)
                if words:
                    return f"{words}_{snake(name)}"
        return ""

    def describe_typical(self, p: Probe) -> str:
        parts = []
        for name, text in self.arg_pairs(p)[:2]:
            words = _value_words(text)
            if words:
                parts.append(words)
        return "_".join(parts)[:40]

    def _mutated_names(self, p: Probe) -> list[str]:
        out = []
        for index in sorted(payload_of(p).mutated, key=int):
            i = int(index)
            out.append(self.positional[i] if i < len(self.positional) else f"arg{i}")
        return out

    # ------------------------------------------------------------------ one case

    def case(self, p: Probe, name: str | None = None) -> Case | None:
        payload = payload_of(p)
        setup = [self._rename(line) for line in p.setup]
        call = self._rename(p.call)
        imports = set(payload.imports)
        wrap = payload.wrap
        checks: list[tuple[str, str]] = []
        mutated = payload.mutated
        if mutated and p.args:
            args = list(p.args)
            names = self._mutated_names(p)
            for (index, after), var in zip(sorted(mutated.items(), key=lambda kv: int(kv[0])),
                                           names):
                var = var if var.isidentifier() and not keyword.iskeyword(var) else "value"
                setup.append(f"{var} = {args[int(index)]}")
                args[int(index)] = var
                checks.append((var, after))
            call = self._call_with_args(p, args)
        if wrap == "await":
            call = f"asyncio.run({call})"
            imports.add("import asyncio")
        elif wrap == "list":
            call = f"list({call})"
        case = Case(name=name or self.name_for(p), kind="value", call=call, setup=setup,
                    imports=imports, probe=p)
        argv = list(payload.argv) if payload.argv is not None else None
        if argv is not None:
            imports.add("import sys")
            if self.framework == "pytest":
                case.fixtures.append("monkeypatch")
                setup.insert(0, f"monkeypatch.setattr(sys, \"argv\", {argv!r})")
            else:
                imports.add("from unittest import mock")
                setup[0:0] = [f"patcher = mock.patch.object(sys, \"argv\", {argv!r})",
                              "patcher.start()", "self.addCleanup(patcher.stop)"]
        stdout = payload.stdout
        if stdout and (argv is not None or p.outcome == "raise" or p.value in (None, "None")):
            if self.framework == "pytest":
                case.fixtures.append("capsys")
                output_check = ("capsys.readouterr().out", repr(stdout))
            else:
                imports.update({"import contextlib", "import io"})
                case.capture = True
                output_check = ("output.getvalue()", repr(stdout))
        else:
            output_check = None
        if p.outcome == "raise":
            case.kind = "raises"
            case.exception = p.exception or "Exception"
            case.match = _match(p)
            case.summary = f"raises {case.exception}"
            if self.framework == "pytest":
                imports.add("import pytest")
            if output_check:
                case.checks = [output_check]
            return case
        state = payload.state
        for attribute, value in sorted(state.items()):
            checks.append((f"{self.instance}.{attribute}", value))
        if output_check:
            checks.append(output_check)
        attributes = payload.attributes
        if attributes and (self.d.kind == "class" or p.value is None):
            var = self.instance if self.d.kind == "class" else "result"
            case.kind = "effects"
            case.call = f"{var} = {call}"
            result_type = payload.result_type
            if p.value is None and self.d.kind != "class" and result_type and \
                    result_type[:1].isupper():
                checks.insert(0, ("__isinstance__", result_type))
            for attribute, value in sorted(attributes.items()):
                checks.append((f"{var}.{attribute}", value))
        elif p.value is None:
            return None
        elif p.value == "None":
            case.kind = "none" if not checks else "effects"
        elif payload.approx:
            case.kind = "approx"
            case.expected = p.value
            if self.framework == "pytest":
                imports.add("import pytest")
        else:
            case.expected = p.value
        case.checks = [(t, v) for t, v in checks]
        if case.kind in ("value", "approx") and len(call) + len(case.expected) + 16 > LINE_WIDTH:
            case.bind = True
        case.summary = f"returns {_short(p.value)}" if p.value else "has the recorded effects"
        return case

    def _call_with_args(self, p: Probe, args: list[str]) -> str:
        head = self._rename(p.call).split("(", 1)[0]
        parts = list(args) + [f"{k}={v}" for k, v in p.kwargs]
        return f"{head}({', '.join(parts)})"

    def _rename(self, text: str) -> str:
        if self.instance == "obj":
            return text
        return re.sub(r"^obj\b", self.instance, text)

    def target_imports(self, case: Case) -> set[str]:
        """``from shop.pricing import parse_price`` (or the class, for methods)."""
        name = self.d.qualname.split(".")[0]
        used = case.call + " ".join(case.setup)
        if name in used or self.d.kind in ("method", "class"):
            return {f"from {self.module} import {name}"}
        return set()

    # ------------------------------------------------------------------ tables

    def tables(self, probes: list[Probe]) -> list[Case | None]:
        """A parametrised table of returns, and one of errors, for the same call shape."""
        out: list[Case | None] = []
        returns = [p for p in probes if p.outcome == "return" and p.value is not None and
                   not payload_of(p).wrap == "await" and not payload_of(p).mutated]
        raises = [p for p in probes if p.outcome == "raise"]
        for group, kind in ((returns, "value"), (raises, "raises")):
            rows = self._table_rows(group)
            if len(rows) < 2:
                continue
            out.append(self._table_case(rows, kind))
        if not out:
            out = [self.case(p) for p in select(probes, self.d, "unit")[:3]]
        return out

    def _table_rows(self, probes: list[Probe]) -> list[Probe]:
        shapes: dict[tuple, list[Probe]] = {}
        for p in probes:
            if not p.args and not p.kwargs:
                continue
            shape = (len(p.args), tuple(k for k, _ in p.kwargs), p.setup)
            shapes.setdefault(shape, []).append(p)
        if not shapes:
            return []
        group = max(shapes.values(), key=lambda g: (len({behaviour(p) for p in g}), len(g)))
        ordered = select(group, self.d, "unit") + sorted(group, key=preference)
        rows, seen, per_outcome = [], set(), {}
        for p in ordered:
            key = (p.args, p.kwargs)
            outcome = behaviour(p)
            if key in seen or per_outcome.get(outcome, 0) >= 2:
                continue  # a table of ten rows with one answer teaches nothing
            seen.add(key)
            per_outcome[outcome] = per_outcome.get(outcome, 0) + 1
            rows.append(p)
            if len(rows) >= TABLE_ROWS:
                break
        return rows

    def _table_case(self, rows: list[Probe], kind: str) -> Case:
        first = rows[0]
        columns = [name for name, _ in self.arg_pairs(first)]
        columns = [c if c.isidentifier() and not keyword.iskeyword(c) else f"arg{i}"
                   for i, c in enumerate(columns)]
        if len(set(columns)) != len(columns):
            columns = [f"arg{i}" for i in range(len(columns))]
        arg_count = len(first.args)
        call_args = columns[:arg_count] + [f"{k}={c}" for (k, _), c in
                                           zip(first.kwargs, columns[arg_count:])]
        head = self._rename(first.call).split("(", 1)[0]
        call = f"{head}({', '.join(call_args)})"
        if payload_of(first).wrap == "list":
            call = f"list({call})"
        imports: set[str] = set()
        table = []
        approx = False
        for p in rows:
            imports |= set(payload_of(p).imports)
            values = [text for _, text in self.arg_pairs(p)]
            if kind == "raises":
                exception = p.exception or "Exception"
                table.append((values, exception))
            else:
                approx = approx or payload_of(p).approx
                table.append((values, p.value))
        if kind == "raises":
            name = self.unique(f"{self.base}_rejects_invalid_input")
            expected_column = "error"
        else:
            name = self.unique(f"{self.base}_returns_expected_values")
            expected_column = "expected"
        if self.framework == "pytest":
            imports.add("import pytest")
        setup = [self._rename(line) for line in first.setup]
        case = Case(name=name, kind="table-raises" if kind == "raises" else "table",
                    call=call, setup=setup, imports=imports, probe=None,
                    summary=f"{len(rows)} recorded cases")
        case.table = {"columns": columns, "expected": expected_column, "rows": table,
                      "approx": approx}
        case.probe = _merged(rows)
        return case

    # ------------------------------------------------------------------ lifecycles

    def lifecycles(self, probes: list[Probe]) -> list[Case | None]:
        """Method sequences on one object, checked after each has run."""
        groups: dict[tuple, list[Probe]] = {}
        for p in probes:
            if p.category == "sequence" and p.outcome == "return":
                groups.setdefault(p.setup, []).append(p)
        cases: list[Case | None] = []
        for setup, group in list(groups.items())[:MAX_TESTS["integration"]]:
            checks = []
            imports: set[str] = set()
            for p in group:
                imports |= set(payload_of(p).imports)
                if payload_of(p).state_only:
                    continue
                checks.append((self._rename(p.call), p.value))
            state = next((p for p in group if payload_of(p).state_only), None)
            if not checks and state is not None:
                checks.append((f"vars({self.instance})", state.value))
            if not checks:
                continue
            steps = [self._rename(line) for line in setup]
            verbs = [line.split(".", 1)[1].split("(")[0] for line in steps[1:] if "." in line]
            name = self.unique(f"{self.base}_after_" + "_then_".join(dict.fromkeys(verbs))[:50]
                               if verbs else f"{self.base}_lifecycle")
            case = Case(name=name, kind="lifecycle", call="", setup=steps, imports=imports,
                        checks=checks, probe=_merged(group),
                        summary=f"{len(steps) - 1} steps, {len(checks)} checks")
            cases.append(case)
        if not cases:  # functions and methods: single-call tests with their effects
            cases = [self.case(p) for p in select(probes, self.d, "unit")]
        return cases

    # ------------------------------------------------------------------ regression

    def regression(self, probes: list[Probe]) -> list[Case | None]:
        """Pin today's behaviour on many inputs: a table when the calls share a shape."""
        cases = self.tables(probes)
        covered = set()
        for case in cases:
            if case is not None and case.probe is not None:
                covered |= set(case.probe.covered_lines)
        extra = [p for p in select(probes, self.d, "regression")
                 if not set(p.covered_lines) <= covered]
        cases.extend(self.case(p) for p in extra[:4])
        return cases


def _merged(rows: list[Probe]) -> Probe:
    lines: set[int] = set()
    for p in rows:
        lines |= set(p.covered_lines)
    first = rows[0]
    return Probe(definition=first.definition, covered_lines=frozenset(lines), call=first.call,
                 category="table")


# ---------------------------------------------------------------------------- words


_SPECIAL = [
    (re.compile(r"^None$"), "none"),
    (re.compile(r"^(''|\"\"|b''|\[\]|\{\}|\(\)|set\(\)|frozenset\(\))$"), "empty"),
    (re.compile(r"^'\s+'$"), "blank"),
    (re.compile(r"^float\('-?inf'\)$"), "infinite"),
    (re.compile(r"^float\('nan'\)$"), "nan"),
    (re.compile(r"^(-\d[\d_.e+]*|Decimal\('-[\d.]+'\)|'-\d[\d.]*')$"), "negative"),
    (re.compile(r"^(0|0\.0|Decimal\('0(\.0+)?'\)|'0')$"), "zero"),
    (re.compile(r"^(2 \*\* 63|1e\+300|1000000|Decimal\('1000000'\)|'x' \* 100)$"), "large"),
    (re.compile(r"^True$"), "true"),
    (re.compile(r"^False$"), "false"),
    (re.compile(r"^\[[^,\[\]]+\]$|^\([^,()]+,\)$|^\{[^,{}]+\}$"), "single_item"),
    (re.compile(r"^'\s.*\s'$"), "padded"),
    (re.compile(r"^'[^']*\\n[^']*'$"), "multiline"),
    (re.compile(r"^'[^']*[^\x00-\x7f][^']*'$"), "unicode"),
]


def _special(text: str) -> tuple[int, str] | None:
    for rank, (pattern, word) in enumerate(_SPECIAL):
        if pattern.match(text.strip()):
            return rank, word
    return None


def _value_words(text: str | None) -> str:
    """``'hello-world'`` → ``hello_world``; ``15`` → ``15``; long or odd values → ``""``."""
    if text is None:
        return ""
    text = text.strip()
    if text in ("True", "False", "None"):
        return text.lower()
    if re.fullmatch(r"-?\d{1,6}", text):
        return text.replace("-", "minus_")
    match = re.fullmatch(r"(?:Decimal\()?'([^']{1,30})'\)?", text)
    if match:
        words = re.findall(r"[a-z0-9]+", match.group(1).lower())
        if 0 < len(words) <= 4:
            return "_".join(words)
    return ""


def _message_words(message: str) -> str:
    """The leading clause of an error message: ``"must be positive, got -1"`` → must_be_positive."""
    clause = re.split(r"[,:;(\[{'\"]|\d", message, maxsplit=1)[0]
    words = re.findall(r"[a-z]+", clause.lower())
    return "_".join(words[:6])


def _match(p: Probe) -> str:
    message = (p.message or "").strip()
    if not message or p.exception in NO_MATCH_EXCEPTIONS or "\n" in message or \
            re.search(r"0x[0-9a-f]{6,}", message) or len(message) > 200:
        return ""
    if p.exception == "KeyError" and payload_of(p).raised_by != "raise":
        return ""  # a failed lookup: its message is only the missing key
    escaped = _escape(message if len(message) <= 80 else message[:80])
    if "\\" in escaped and '"' not in escaped and not escaped.endswith("\\"):
        return f'r"{escaped}"'
    return repr(escaped)


def _escape(text: str) -> str:
    """``re.escape`` without escaping spaces and other harmless characters (reads better)."""
    return re.sub(r"([.^$*+?{}\[\]\\|()])", r"\\\1", text)


def _short(text: str | None, limit: int = 40) -> str:
    if text is None:
        return ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _one_line(text: str | None, limit: int = 80) -> str:
    return _short(" ".join((text or "no message").split()), limit)


__all__ = ["offline_candidates", "select"]
