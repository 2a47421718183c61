"""The call loop of one definition: plan calls from the input pools, run them, keep the ones
that run new lines or show a new outcome, and stop when every line has run or the budget of
calls and seconds is spent."""

from __future__ import annotations

import ast
import doctest
import inspect
import time

from . import produced
from .fuzz import MAX_TRIES, PATIENCE
from .inputs import V, literal_kind
from .tracing import code_lines

MAX_PROBES_PER_DEFINITION = 40
MAX_FUZZED = 16
"""Records the string search may add beyond :data:`MAX_PROBES_PER_DEFINITION`."""
MAX_PATH_RECORDS = 8
"""Records the string search keeps for a new path alone (no new line)."""


class Call:
    """One planned call: positional and keyword argument values."""

    def __init__(self, args: list, kwargs: list, names: list | None = None):
        self.args = args  # list[Value]
        self.kwargs = kwargs  # list[(name, Value)]
        self.names = names or []  # the parameter each positional argument fills

    def key(self) -> tuple:
        return (tuple(v.text for v in self.args), tuple((k, v.text) for k, v in self.kwargs))

    def category(self) -> str:
        cats = [v.category for v in self.args] + [v.category for _, v in self.kwargs]
        for c in ("invalid", "boundary", "literal", "default", "doc-example"):
            if c in cats:
                return c
        return "typical"

    def imports(self) -> set:
        out: set = set()
        for v in self.args:
            out |= v.imports
        for _, v in self.kwargs:
            out |= v.imports
        return out


class Explorer:
    """Calls one definition again and again, steered by the lines it has not run yet."""

    def __init__(self, ctx, definition: dict):
        self.ctx = ctx
        self.d = definition
        self.key = definition["key"]
        self.covered: set = set()
        self.records: list = []
        self.seen_calls: set = set()
        self.seen_outcomes: set = set()
        self.calls_made = 0
        self.stop_reason = ""
        self.reads_argv = False
        self.seen_effects: set = set()
        self.skips = 0
        self.min_calls = 12
        """Calls made even when every line has run: the code's constants and their
        neighbours (``score >= 90``: 89, 90, 91) are all tried."""
        self.kinds: set = set()
        """``str``/``bytes``: what the parameters take that other definitions return."""
        self.offered = 0
        """Produced values these parameters were given."""
        again = definition.get("again")
        self.again = again is not None
        """The second pass (see :mod:`.produced`): only calls with produced values, steered
        by what the first pass left uncovered."""
        self.corpus: dict = {}
        """Per string parameter: the strings that ran new lines (see :mod:`.fuzz`)."""
        self.fuzzing = False
        self.paths: set = set()
        """The sets of lines calls ran, for the string search's new-path rule."""
        self.path_records = 0
        self.base_call: Call | None = None
        if again is not None:
            self.covered = set(again["covered"])
            self.seen_outcomes = {tuple(o) for o in again["outcomes"]}
        budget = ctx.budget
        self.deadline = time.monotonic() + budget["seconds"]
        self.max_calls = budget["calls"]

    # ------------------------------------------------------------------ entry

    def explore(self) -> None:
        target, owner, how = self.ctx.resolve(self.d)
        if target is None:
            self.skip(how)
            return
        self.how = how
        self.owner = owner
        code = getattr(inspect.unwrap(target) if callable(target) else None, "__code__", None)
        if how == "property":
            code = getattr(getattr(target, "fget", None), "__code__", None)
        lines = code_lines(code) if code is not None else set()
        first, last = self.d["start_line"], self.d["end_line"]
        self.wanted = {ln for ln in lines if first <= ln <= last}
        if not self.again:
            self.doc_examples(target)
        if how == "class":
            self.explore_class(owner)
            return
        factory = self.ctx.inputs
        if how == "property":
            self.explore_property(owner)
            return
        fn = target
        params, pools = factory.pools(fn, skip_first=how in ("method", "classmethod"))
        self.add_produced(pools)
        self.params, self.pools = params, pools
        self.corpus = {p.name: [] for p in params
                       if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) and
                       any(literal_kind(v.text) == "str" for v in pools.get(p.name, [])[:8])}
        self.min_calls = max(12, min(MAX_PROBES_PER_DEFINITION, 1 + sum(
            v.category == "literal" for values in pools.values() for v in values)))
        receivers = self.receivers(owner) if how == "method" else [None]
        if how == "method" and not receivers:
            self.skip(f"could not construct {owner.__name__}: " + self.ctx.construct_error)
            return
        systematic = 1 + sum(len(v) for v in pools.values())
        for index, call in enumerate(self.plan(params, pools)):
            if self.done():
                break
            if index == 0:  # the typical call on every kind of instance (empty, filled…)
                for receiver in receivers:
                    self.try_call(call, receiver)
                continue
            if index < systematic:  # a fresh instance first, then a changed one in turn
                self.try_call(call, receivers[0])
                if len(receivers) > 1 and not self.done():
                    self.try_call(call, receivers[1 + index % (len(receivers) - 1)])
            else:
                self.try_call(call, self.ctx.rng.choice(receivers))
        if not self.again:
            self.fuzz(receivers[0])
        if self.reads_argv and how == "function" and not any(
                p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
                for p in params):
            self.explore_command_line()

    def add_produced(self, pools: dict) -> None:
        """Give each parameter that takes strings or bytes the values other definitions of
        the module returned (their inverses' first)."""
        for name, pool in pools.items():
            kinds = {literal_kind(v.text) for v in pool[:8]} & {"str", "bytes"}
            self.kinds |= kinds
            seen = {v.text for v in pool}
            paired, others = [], []
            for kind in sorted(kinds):
                for entry in produced.for_parameter(self.ctx.produced.values, self.d, kind):
                    if entry["value"] not in seen:
                        seen.add(entry["value"])
                        (paired if entry["paired"] else others).append(V(
                            entry["value"], "typical", label="produced", origin=entry))
            # Early in the pool: the loop stops once every line ran, and what an inverse
            # made is the likeliest valid input there is.
            pool[:0] = paired
            pool[len(paired) + 2:len(paired) + 2] = others
            self.offered += len(paired) + len(others)

    def fuzz(self, receiver) -> None:
        """Grow the strings that ran new lines into ones that run more (see :mod:`.fuzz`),
        the other arguments at their base values."""
        base = self.base_call
        names = list(self.corpus)
        if base is None or not names:
            return
        fuzzer = self.ctx.fuzzer()
        rng = self.ctx.rng
        stale = tries = 0
        self.fuzzing = True
        try:
            while stale < PATIENCE and tries < MAX_TRIES and not self.stop_reason and \
                    self.calls_made < self.max_calls and time.monotonic() < self.deadline:
                tries += 1
                name = rng.choice(names)
                corpus = self.corpus[name]
                if not corpus:
                    stale += 1
                    continue
                text = fuzzer.mutate(fuzzer.pick(corpus), corpus)
                call = _with(base, name, V(repr(text), "typical", label="fuzzed"))
                key = (call.key(), tuple(receiver[0]) if receiver else None)
                if key in self.seen_calls:
                    stale += 1
                    continue
                self.seen_calls.add(key)
                before = len(corpus)
                self.run_call(call, receiver)
                stale = 0 if len(corpus) > before else stale + 1
        finally:
            self.fuzzing = False

    def summary(self) -> dict:
        """What the harness process needs to decide on a second pass (``explored``)."""
        return {"covered": sorted(self.covered), "uncovered": len(self.wanted - self.covered),
                "outcomes": [list(o) for o in self.seen_outcomes], "kinds": sorted(self.kinds),
                "offered": self.offered}

    def explore_command_line(self) -> None:
        """An entry point that reads ``sys.argv``: run it with command lines of our own (the
        test sets them with monkeypatch)."""
        self.records = [r for r in self.records if "command line" not in r.get("reason", "")]
        self.stop_reason, self.skips = "", 0
        prog = self.ctx.module_name.split(".")[0]
        flags = self.ctx.command_line_flags()
        tokens = ["1", "42", "hello", "-1", "3.5", "XIV"]
        lines = [[], ["--help"]] + [[t] for t in tokens] + \
            [[t, f] for f in flags[:4] for t in tokens[:3]] + [[f] for f in flags[:4]]
        for args in lines:
            if self.done():
                break
            record = self.ctx.execute(self.d, f"{self.d['qualname']}()", set(), receiver=None,
                                      call=None, argv=[prog] + args)
            self.calls_made += 1
            if record is not None:
                record["category"] = "typical" if args and args[0] != "--help" else "default"
                self.keep(record)

    def done(self) -> bool:
        if self.calls_made >= self.max_calls or time.monotonic() > self.deadline:
            return True
        if self.stop_reason:  # it hangs or eats memory: more inputs only burn the budget
            return True
        return bool(self.wanted) and self.wanted <= self.covered and \
            self.calls_made >= self.min_calls

    def skip(self, reason: str) -> None:
        self.records.append({"definition": self.key, "outcome": "skipped", "reason": reason})

    # ------------------------------------------------------------------ planning

    def plan(self, params, pools, keywords: bool = False):
        required = [p for p in params if p.default is p.empty and p.kind is not p.VAR_POSITIONAL]
        optional = [p for p in params if p not in required]

        def base_value(p):
            pool = pools.get(p.name) or [V("None")]
            for wanted in (("typical", "default"), ("literal", "doc-example", "boundary")):
                for value in pool:
                    if value.category in wanted:
                        return value
            return pool[0]

        def build(choice: dict) -> Call:
            args, kwargs, names = [], [], []
            for p in params:
                if p.name not in choice:
                    continue
                value = choice[p.name]
                if p.kind is p.VAR_POSITIONAL:
                    args.extend(value if isinstance(value, list) else [value])
                elif p.kind is p.KEYWORD_ONLY or (keywords and p.kind is not p.POSITIONAL_ONLY):
                    kwargs.append((p.name, value))
                elif any(q.name not in choice for q in params[:params.index(p)]
                         if q.kind is not q.VAR_POSITIONAL):
                    kwargs.append((p.name, value))
                else:
                    args.append(value)
                    names.append(p.name)
            return Call(args, kwargs, names)

        base = {p.name: base_value(p) for p in required}
        self.base_call = build(base)
        if not self.again:
            yield self.base_call
        names = {p.name for p in params if p.kind is not p.VAR_POSITIONAL}
        # one parameter at a time over its whole pool, the others at their base value
        for p in required + optional:
            for value in pools.get(p.name, []):
                if self.again and value.origin is None:
                    continue
                choice = dict(base)
                if p.kind is p.VAR_POSITIONAL:
                    choice[p.name] = [value]
                else:
                    choice[p.name] = value
                if value.origin is not None and value.origin["paired"]:
                    # ``verify(signed, key)`` with the key ``sign`` was given
                    for other, text in value.origin["args"].items():
                        if other in names and other != p.name:
                            choice[other] = V(text, "typical")
                yield build(choice)
        if self.again:
            return
        # then random combinations, biased towards the values that reached new lines
        rng = self.ctx.rng
        for _ in range(2000):
            choice = {}
            for p in required:
                choice[p.name] = rng.choice(pools.get(p.name) or [V("None")])
            for p in optional:
                if rng.random() < 0.4 and pools.get(p.name):
                    value = rng.choice(pools[p.name])
                    choice[p.name] = [value] if p.kind is p.VAR_POSITIONAL else value
            yield build(choice)

    # ------------------------------------------------------------------ classes

    def receivers(self, cls) -> list:
        """Instances to call methods on: fresh ones, and ones changed by mutator methods."""
        return self.ctx.receivers(cls)

    def explore_class(self, cls) -> None:
        """A class as a whole: its constructor explored like a function (keyword arguments,
        steered by the lines of ``__init__``), then method sequences for integration tests."""
        init = getattr(cls, "__init__", None)
        code = getattr(init, "__code__", None)
        if code is not None:
            first, last = self.d["start_line"], self.d["end_line"]
            self.wanted = {ln for ln in code_lines(code) if first <= ln <= last}
        imports: set = set()
        self.ref = self.ctx.literals.class_ref(cls, imports)
        if self.ref is None:
            self.skip("the class cannot be imported by a test")
            return
        self.how = "constructor"
        params, pools = self.ctx.inputs.pools(cls, skip_first=False)
        for call in self.plan(params, pools, keywords=True):
            if self.done():
                break
            self.try_call(call, None)
        self.records.extend(self.ctx.sequences(cls, self.key))

    def explore_property(self, cls) -> None:
        for receiver in self.ctx.receivers(cls):
            self.try_call(None, receiver)

    # ------------------------------------------------------------------ running

    def expression(self, call: Call | None, receiver) -> tuple[str, set]:
        imports = set(call.imports()) if call is not None else set()
        name = self.d["name"]
        if receiver is not None:
            imports |= receiver[1]
        if self.how == "property":
            return f"obj.{name}", imports
        args = ", ".join([v.text for v in call.args] +
                         [f"{k}={v.text}" for k, v in call.kwargs])
        if self.how == "method":
            return f"obj.{name}({args})", imports
        if self.how == "constructor":
            imports |= {f"from {self.ctx.module_name} import {self.ref.split('.')[0]}"}
            return f"{self.ref}({args})", imports
        if self.how in ("staticmethod", "classmethod"):
            ref = self.ctx.literals.class_ref(self.owner, imports)
            return f"{ref}.{name}({args})", imports
        return f"{self.d['qualname']}({args})", imports

    def try_call(self, call: Call | None, receiver) -> None:
        key = (call.key() if call is not None else None, receiver[0] if receiver else None)
        if receiver is not None:
            key = (key[0], tuple(receiver[0]))
        if key in self.seen_calls:
            return
        self.seen_calls.add(key)
        self.run_call(call, receiver)

    def run_call(self, call, receiver, category=None) -> None:
        text, imports = self.expression(call, receiver)
        record = self.ctx.execute(self.d, text, imports, receiver=receiver, call=call)
        self.calls_made += 1
        if record is None:
            return
        if call is not None and receiver is None:
            self.check_round_trip(call, record)
        ran_new = bool(set(record.get("covered_lines", ())) - self.covered)
        if ran_new and call is not None and record["outcome"] in ("return", "raise"):
            for name, value in list(zip(call.names, call.args)) + list(call.kwargs):
                text = _as_str(value.text)
                if text is not None and name in self.corpus and text not in self.corpus[name]:
                    self.corpus[name].append(text)
        record["category"] = category or (call.category() if call is not None else "typical")
        self.keep(record)

    def keep(self, record: dict) -> None:
        if "command line" in record.get("reason", ""):
            self.reads_argv = True
        if record["outcome"] == "timeout" or "memory" in record.get("reason", ""):
            self.stop_reason = record.get("reason", "timeout")
        elif record["outcome"] == "skipped":
            self.skips += 1
            if self.skips >= 5:
                self.stop_reason = record.get("reason", "")
        lines = set(record.get("covered_lines", ()))
        new = lines - self.covered
        outcome_key = (record["outcome"], record.get("exception"),
                       bool(record.get("value") in ("None", None)))
        details = record.get("details") or {}
        effect = (tuple(sorted((details.get("mutated") or {}).items())),
                  tuple(sorted((details.get("state") or {}).items())))
        if effect != ((), ()) and effect not in self.seen_effects:
            self.seen_effects.add(effect)
            new = new | {-1}  # a new side effect counts like a new line
        interesting = bool(new & self.wanted) or bool(new) and not self.wanted or \
            outcome_key not in self.seen_outcomes or record["category"] in (
                "doc-example",) or (record["category"] in ("boundary", "literal") and sum(
                    r.get("category") == record["category"] for r in self.records) < (
                        6 if record["category"] == "boundary" else 12))
        if not interesting and record["outcome"] == "return" and record.get("value") and \
                record.get("deterministic", True):
            # A few more distinct results, for tables and regression pins.
            values = {r.get("value") for r in self.records if r["outcome"] == "return"}
            interesting = record["value"] not in values and len(values) < 10
        if details.get("round_trip"):
            interesting = True  # the evidence of a possible bug
        path = frozenset(lines)
        if self.fuzzing:
            # New lines, or a way through the lines not taken before (``a or b`` with the
            # other side true): what tells ``or`` from ``and`` is a path, not a line.
            interesting = bool(new - {-1}) or (path not in self.paths and
                                               self.path_records < MAX_PATH_RECORDS)
            if interesting and not new - {-1}:
                self.path_records += 1
        self.paths.add(path)
        self.covered |= lines
        self.seen_outcomes.add(outcome_key)
        if record["outcome"] == "skipped":
            interesting = not any(r["outcome"] == "skipped" for r in self.records)
        room = MAX_PROBES_PER_DEFINITION + (MAX_FUZZED if self.fuzzing else 0)
        if interesting and len(self.records) < room:
            record["new_lines"] = sorted(n for n in new if n > 0)
            self.records.append(record)

    def check_round_trip(self, call: Call, record: dict) -> None:
        """Called on what its inverse made from ``x``: the result should be ``x``, or at
        least something the inverse turns into the same value again (a decoder may
        normalise). When neither, the record carries the evidence (``round_trip``)."""
        origins = [v.origin for v in call.args + [v for _, v in call.kwargs]
                   if v.origin is not None and v.origin["paired"]]
        if len(origins) != 1 or record["outcome"] != "return" or record.get("value") is None:
            return
        origin = origins[0]
        head, first, rest = origin["head"], origin["first"], origin["rest"]
        if head is None or first is None or record["value"] == first or \
                _literal_type(first) is not _literal_type(record["value"]):
            return  # it came back, or it is not the same kind of thing (parse(format(a, b)))
        again_text = f"{head}({', '.join([record['value'], *rest])})"
        again = self.ctx.execute(self.d, again_text, set(), receiver=None, call=None)
        self.calls_made += 1
        if again is not None and again["outcome"] == "return" and \
                again.get("value") == origin["value"]:
            return  # normalised, and consistent
        record.setdefault("details", {})["round_trip"] = {
            "through": origin["call"], "original": first, "back": record["value"],
            "again": again_text, "again_gives": (again or {}).get("value") or
            (again or {}).get("exception") or "nothing comparable"}

    # ------------------------------------------------------------------ doctests

    def doc_examples(self, target) -> None:
        doc = inspect.getdoc(target) if target is not None else None
        if not doc or ">>>" not in doc:
            return
        try:
            examples = doctest.DocTestParser().get_examples(doc)
        except ValueError:
            return
        setup: list = []
        for example in examples[:12]:
            source = example.source.strip()
            try:
                compile(source, "<doctest>", "eval")
                is_expression = True
            except SyntaxError:
                is_expression = False
            if not is_expression:
                setup.append(source)
                continue
            if not example.want.strip() and not example.exc_msg:
                setup.append(source)
                continue
            if not isinstance(ast.parse(source, mode="eval").body, (
                    ast.Call, ast.Name, ast.Attribute, ast.Subscript, ast.Constant, ast.List,
                    ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)):
                source = f"({source})"  # ``assert a == b is True`` would chain the comparisons
            record = self.ctx.execute(self.d, source, self.ctx.names_imports(setup + [source]),
                                      receiver=None, call=None, setup=list(setup), doc=True)
            self.calls_made += 1
            if record is not None:
                record["category"] = "doc-example"
                record["details"]["doc_want"] = example.want.strip()
                self.keep(record)


def _literal_type(text: str) -> type | None:
    try:
        return type(ast.literal_eval(text))
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None


def _as_str(text: str) -> str | None:
    """The string a literal argument stands for (``'a' * 3`` included), or None."""
    if literal_kind(text) != "str":
        return None
    try:
        value = eval(text, {"__builtins__": {}})  # noqa: S307 - our own literal texts
    except Exception:
        return None
    return value if isinstance(value, str) and len(value) <= 200 else None


def _with(call: Call, name: str, value) -> Call:
    """``call`` with the argument for parameter ``name`` replaced (or added by keyword)."""
    args, kwargs = list(call.args), list(call.kwargs)
    if name in call.names:
        args[call.names.index(name)] = value
    else:
        kwargs = [(k, v) for k, v in kwargs if k != name] + [(name, value)]
    return Call(args, kwargs, list(call.names))
