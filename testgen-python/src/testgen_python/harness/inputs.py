"""Candidate arguments for the parameters of one callable: from type hints, defaults,
constants in the code, parameter names and how the body uses each parameter, and per-type
boundary values."""

from __future__ import annotations

import builtins
import collections.abc
import datetime as _dt
import decimal
import dis
import enum
import fractions
import inspect
import random
import re
import types
import typing

from .constants import code_constants, global_constants
from .literals import Literals
from .regex_samples import regex_samples


class Value:
    """A candidate argument: source text, the category it stands for, imports it needs."""

    __slots__ = ("text", "category", "imports", "label", "origin")

    def __init__(self, text: str, category: str = "typical", imports=(), label: str = "",
                 origin: dict | None = None):
        self.text = text
        self.category = category
        self.imports = frozenset(imports)
        self.label = label
        self.origin = origin
        """For a ``produced`` value: the entry of :class:`.produced.Produced` it came from."""

    def __repr__(self):
        return f"Value({self.text!r}, {self.category!r})"


V = Value
INT_VALUES = [V("1"), V("2"), V("10"), V("0", "boundary"), V("-1", "boundary"),
              V("7"), V("100"), V("3"), V("-7", "boundary"), V("2 ** 63", "boundary"),
              V("1000000", "boundary")]
FLOAT_VALUES = [V("1.5"), V("2.0"), V("0.0", "boundary"), V("-0.5", "boundary"), V("100.25"),
                V("1e-09", "boundary"), V("1e+300", "boundary"), V("float('inf')", "boundary"),
                V("float('-inf')", "boundary"), V("float('nan')", "boundary")]
SPECIAL_FLOATS = FLOAT_VALUES[-3:]
STR_VALUES = [V("'hello'"), V("'Hello World'"), V("''", "boundary"), V("' '", "boundary"),
              V("'héllo'", "boundary"), V("'a'"), V("'42'"), V("'hello_world'"),
              V("'HelloWorld'"), V("'hello-world'"), V("'  padded  '", "boundary"),
              V("'a b c'"), V("'war and peace'"), V("'3.14'"), V("'-5'"),
              V("'x' * 100", "boundary"),
              V("'line1\\nline2'", "boundary"), V("'ABC'"), V("'abc123'"), V("'a.b'"),
              V("'!@#'", "boundary"),
              # Unicode that code handling text must mean to handle: right-to-left script,
              # a combining mark, a zero-width joiner, CJK, a character outside the BMP.
              V("'שלום'", "boundary"), V("'e\\u0301'", "boundary"),
              V("'a\\u200db'", "boundary"), V("'日本語'", "boundary"), V("'😀'", "boundary")]
BOOL_VALUES = [V("True"), V("False")]
BYTES_VALUES = [V("b'abc'"), V("b''", "boundary"), V("b'\\x00\\xff'", "boundary")]
NONE_VALUE = V("None", "boundary")
ANY_VALUES = [V("1"), V("'abc'"), V("None", "boundary"), V("[1, 2, 3]"), V("0", "boundary"),
              V("''", "boundary"), V("-1", "boundary"), V("2.5"), V("{'a': 1}"),
              V("True"), V("[]", "boundary"), V("'Hello World'"), V("(1, 2)"), V("{}", "boundary"),
              V("10"), V("[3, 1, 2]"), V("'a'"), V("b'abc'")]
CALLABLE_VALUES = [V("str"), V("len"), V("abs"), V("lambda x: x"), V("lambda *args: None"),
                   V("bool"), V("lambda x: x * 2"), V("lambda x: x > 0")]
DECIMAL_VALUES = [V("Decimal('10.00')"), V("Decimal('0')", "boundary"),
                  V("Decimal('-1')", "boundary"), V("Decimal('19.99')"),
                  V("Decimal('0.005')", "boundary"), V("Decimal('1000000')", "boundary")]
DATE_VALUES = [V("datetime.date(2024, 1, 15)"), V("datetime.date(2000, 2, 29)", "boundary"),
               V("datetime.date(1970, 1, 1)", "boundary"), V("datetime.date(2024, 12, 31)")]
DATETIME_VALUES = [V("datetime.datetime(2024, 1, 15, 10, 30)"),
                   V("datetime.datetime(2000, 1, 1, 0, 0)", "boundary"),
                   V("datetime.datetime(2024, 12, 31, 23, 59, 59)")]
TIMEDELTA_VALUES = [V("datetime.timedelta(days=1)"), V("datetime.timedelta(0)", "boundary"),
                    V("datetime.timedelta(seconds=90)"), V("datetime.timedelta(days=-1)",
                                                           "boundary"),
                    V("datetime.timedelta(days=400)"), V("datetime.timedelta(seconds=3600)")]

STR_METHODS = {"lower", "upper", "strip", "lstrip", "rstrip", "split", "startswith", "endswith",
               "replace", "join", "encode", "format", "capitalize", "title", "isdigit",
               "isalpha", "isalnum", "isspace", "splitlines", "casefold", "zfill", "center",
               "ljust", "rjust", "partition", "rpartition", "swapcase", "isupper", "islower",
               "isdecimal", "isnumeric", "expandtabs", "removeprefix", "removesuffix", "find",
               "rfind", "translate", "isidentifier", "istitle"}
LIST_METHODS = {"append", "extend", "pop", "insert", "sort", "reverse", "remove", "clear"}
DICT_METHODS = {"items", "keys", "values", "get", "setdefault", "update", "popitem"}

NAME_HINTS = [
    (re.compile(r"^(s|st|text|string|word|words|name|title|label|line|msg|message|prefix|"
                r"suffix|sep|separator|char|chars|delimiter|pattern|value_str|slug|key|code|"
                r"fmt|format|template|sentence|phrase|input_str|src|query|url|email|"
                r"path|filename|tag|token|unit|currency|sku)$|_(str|text|name)$"), "str"),
    (re.compile(r"^(n|i|j|k|num|number|count|size|length|index|idx|width|height|depth|"
                r"limit|offset|start|stop|end|step|times|precision|digits|base|year|month|"
                r"day|hour|minute|second|seconds|port|level|quantity|qty|max_\w+|min_\w+|"
                r"\w+_count|\w+_size|value|amount|total|percent|rate|x|y|z)$"), "number"),
    (re.compile(r"^(items|values|seq|sequence|lst|list|elements|iterable|xs|data|args|rows|"
                r"numbers|nums|parts|words_list|\w+s_list)$"), "list"),
    (re.compile(r"^(d|dict|mapping|kwargs|options|config|params|headers|attrs|meta|"
                r"\w+_map|\w+_dict)$"), "dict"),
    (re.compile(r"^(func|fn|f|callback|key|pred|predicate|callable|handler|transform|"
                r"cmp|reducer|binop|op)$"), "callable"),
    (re.compile(r"^(is_\w+|has_\w+|flag|strict|verbose|enabled|force|reverse|inclusive|"
                r"allow_\w+|use_\w+|case_sensitive|ignore_case)$"), "bool"),
    (re.compile(r"^(t?duration|delta|td|timedelta|interval|elapsed|period)$|_(delta|duration)$"),
     "timedelta"),
    (re.compile(r"^(dt|date|when|datetime|timestamp|moment|day_date)$|_(date|datetime|at)$"),
     "date"),
]


def _usage(code, param: str) -> set:
    """Method and operator uses of ``param`` in the function's bytecode."""
    uses = set()
    try:
        instructions = list(dis.get_instructions(code))
    except Exception:
        return uses
    for i, ins in enumerate(instructions):
        if ins.opname not in ("LOAD_FAST", "LOAD_DEREF", "LOAD_FAST_CHECK") or ins.argval != param:
            continue
        nxt = instructions[i + 1] if i + 1 < len(instructions) else None
        if nxt is None:
            continue
        if nxt.opname in ("LOAD_ATTR", "LOAD_METHOD"):
            uses.add(("attr", nxt.argval))
        elif nxt.opname == "LOAD_CONST":
            after = instructions[i + 2] if i + 2 < len(instructions) else None
            if after is not None and after.opname in ("BINARY_OP", "COMPARE_OP", "BINARY_SUBSCR",
                                                      "CONTAINS_OP"):
                uses.add(("const-op", type(nxt.argval).__name__, after.opname))
        elif nxt.opname in ("GET_ITER", "FOR_ITER"):
            uses.add(("iter",))
        elif nxt.opname in ("PRECALL", "CALL") and i > 0 and \
                instructions[i - 1].opname == "LOAD_GLOBAL" and \
                instructions[i - 1].argval == "len":
            # ``len(param) > 63``: the length is compared with a constant
            rest = [x for x in instructions[i + 1:i + 5] if x.opname not in ("PRECALL", "CALL")]
            if len(rest) >= 2 and rest[1].opname == "COMPARE_OP" and \
                    rest[0].opname in ("LOAD_CONST", "LOAD_GLOBAL"):
                uses.add(("len-compare", rest[0].opname, rest[0].argval))
    return uses


MAX_LENGTH_TRIED = 5000


def _compared_lengths(uses: set, module) -> list:
    """The constants ``len(param)`` is compared with (literals, or module-level ints)."""
    lengths = set()
    for use in uses:
        if use[0] != "len-compare":
            continue
        value = use[2] if use[1] == "LOAD_CONST" else getattr(module, use[2], None)
        if type(value) is int and 0 <= value <= MAX_LENGTH_TRIED:
            lengths.add(value)
    return sorted(lengths)


class InputFactory:
    """Candidate values for the parameters of one callable."""

    def __init__(self, module, literals: Literals, rng: random.Random, shaped: dict):
        self.module = module
        self.literals = literals
        self.rng = rng
        self.depth = 0
        self.shaped = shaped
        """Per parameter name, the strings shaped like what it says it holds (the plan's
        ``shaped``, from :mod:`testgen.kit.shapes` on the host), unquoted."""

    def pools(self, fn, skip_first: bool) -> tuple[list, dict]:
        """``(params, pools)``: parameters to fill and their candidate values."""
        try:
            sig = inspect.signature(fn)
        except (TypeError, ValueError):
            return [], {}
        hints = {}
        sources = [fn.__init__, fn] if isinstance(fn, type) else [fn]
        for source in sources:
            try:
                hints.update(typing.get_type_hints(source, vars(self.module)))
            except Exception:
                pass
        params = list(sig.parameters.values())
        if skip_first and params and params[0].kind in (params[0].POSITIONAL_ONLY,
                                                        params[0].POSITIONAL_OR_KEYWORD):
            params = params[1:]
        unwrapped = inspect.unwrap(fn.__init__ if isinstance(fn, type) else fn)
        code = getattr(unwrapped, "__code__", None)
        constants = code_constants(code) + global_constants(unwrapped, code) \
            if code is not None else []
        pools = {}
        for p in params:
            if p.kind is p.VAR_KEYWORD:
                continue
            hint = hints.get(p.name, p.annotation if p.annotation is not p.empty else None)
            if isinstance(hint, str):
                hint = self._eval_hint(hint)
            pools[p.name] = self.for_parameter(p, hint, code, constants)
        return [p for p in params if p.name in pools], pools

    def _eval_hint(self, text: str):
        try:
            return eval(text, vars(self.module))  # noqa: S307 - annotations of the target
        except Exception:
            return None

    def for_parameter(self, p, hint, code, constants) -> list:
        values: list = []
        if p.default is not p.empty:
            needed: set = set()
            rendered = self.literals.render(p.default, needed)
            if rendered is not None:
                values.append(V(rendered, "default", needed, label="default"))
        if hint is not None and hint is not typing.Any:
            typed = self.for_type(hint)
        else:
            typed = self._guess(p, code)
        if p.kind is p.VAR_POSITIONAL:
            typed = typed[:4]
        if any(literal_kind(v.text) == "str" for v in typed[:8]):
            shaped = [V(repr(text), label="shaped") for text in self.shaped.get(p.name, ())]
            typed = shaped + typed  # the first typical value is the base of a call
        values.extend(self._literals_for(constants, hint, p, typed))
        values.extend(self._at_lengths(p, code, typed))
        values.extend(typed)
        if hint is not None and not _allows_none(hint):
            values.append(V("None", "invalid", label="none"))
        seen, unique = set(), []
        for v in values:
            if v.text not in seen:
                seen.add(v.text)
                unique.append(v)
        return unique

    def _at_lengths(self, p, code, typed) -> list:
        """Strings (bytes, lists) exactly as long as a length the code compares the parameter
        with, one longer and one shorter: only they tell ``len(s) > 63`` from
        ``len(s) >= 63`` or ``len(s) > 64``."""
        lengths = _compared_lengths(_usage(code, p.name), self.module) if code is not None \
            else []
        if not lengths:
            return []
        kinds = {literal_kind(v.text) for v in typed[:8]}
        if "str" in kinds:
            unit = "'a'"
        elif "bytes" in kinds:
            unit = "b'a'"
        elif "list" in kinds:
            unit = "[1]"
        else:
            return []
        empty = {"'a'": "''", "b'a'": "b''", "[1]": "[]"}[unit]
        return [V(empty if n == 0 else unit if n == 1 else f"{unit} * {n}", "boundary",
                  label="length") for c in lengths for n in (c, c + 1, c - 1) if n >= 0]

    def _literals_for(self, constants, hint, p, typed) -> list:
        kinds = set()
        for v in typed[:3]:
            if _cheap_eval(v.text):
                try:
                    kinds.add(type(eval(v.text, dict(vars(self.module)), {  # noqa: S307
                        "datetime": _dt, "Decimal": decimal.Decimal})))
                except Exception:
                    pass
        out = []
        samples = []
        for const in constants:
            if isinstance(const, re.Pattern):
                if not kinds or str in kinds:
                    samples.extend(V(repr(text), "literal", label="regex")
                                   for text in regex_samples(const, self.rng))
                continue
            if kinds and type(const) not in kinds and not (
                    type(const) is int and float in kinds):
                continue
            if isinstance(const, str) and (len(const) > 25 or const.count(" ") > 1 or
                                           "{" in const or "%" in const):
                continue  # an error message or a format string, not an input
            group = [V(repr(const), "literal", label="literal")]
            if type(const) is int:  # both sides of ``n >= const`` and of ``n > const``
                group.append(V(repr(const + 1), "literal", label="literal"))
                group.append(V(repr(const - 1), "literal", label="literal"))
            if isinstance(const, str) and 1 < len(const) <= 6 and str in kinds:
                group.append(V(repr("x" + const), "literal", label="literal"))
            out.append(group)
        self.rng.shuffle(out)  # a constant and its neighbours stay together
        return samples[:18] + [v for group in out for v in group][:24]

    def _guess(self, p, code) -> list:
        """No annotation: decide from the default, the name and how the body uses it."""
        if p.default is not p.empty and p.default is not None:
            by_default = self.for_type(type(p.default)) if not isinstance(
                p.default, (list, dict, tuple, set)) else self.for_type(type(p.default))
            if by_default:
                return by_default
        uses = _usage(code, p.name) if code is not None else set()
        attrs = {u[1] for u in uses if u[0] == "attr"}
        if attrs & STR_METHODS:
            return STR_VALUES + [NONE_VALUE]
        if attrs & DICT_METHODS:
            return self.for_type(dict)
        if attrs & LIST_METHODS:
            return self.for_type(list)
        const_ops = {u[1] for u in uses if u[0] == "const-op"}
        referenced = self._referenced_types(code) if code is not None else []
        for pattern, kind in NAME_HINTS:
            if pattern.search(p.name):
                if kind == "str":
                    return STR_VALUES + [NONE_VALUE, V("1", "invalid")]
                if kind == "number":
                    if "str" in const_ops and "int" not in const_ops:
                        return STR_VALUES + INT_VALUES[:4]
                    return INT_VALUES + FLOAT_VALUES[:3] + SPECIAL_FLOATS + \
                        [V("'10'", "invalid"), NONE_VALUE]
                if kind == "list":
                    return self.for_type(list) + [NONE_VALUE]
                if kind == "dict":
                    return self.for_type(dict) + [NONE_VALUE]
                if kind == "callable":
                    return CALLABLE_VALUES
                if kind == "bool":
                    return BOOL_VALUES + [NONE_VALUE]
                if kind == "timedelta":
                    return referenced + self.for_type(_dt.timedelta) + [V("'1h'", "invalid")]
                if kind == "date":
                    return referenced + self.for_type(_dt.date) + \
                        self.for_type(_dt.datetime)[:2] + [V("'2024-01-15'", "invalid")]
        if "str" in const_ops and not const_ops & {"int", "float"}:
            return STR_VALUES + [NONE_VALUE, V("1", "invalid")]
        if const_ops & {"int", "float"}:
            return INT_VALUES + FLOAT_VALUES[:3] + [V("'1'", "invalid"), NONE_VALUE]
        if referenced:  # ``isinstance(x, Duration)`` in the body: build Durations
            return referenced + list(ANY_VALUES)[:8]
        if ("iter",) in uses:
            return [V("[1, 2, 3]"), V("[]", "boundary"), V("'abc'"), V("[3, 1, 2]"),
                    V("[1]", "boundary"), V("['a', 'b']"), V("(1, 2)"), NONE_VALUE]
        return list(ANY_VALUES)

    def _referenced_types(self, code) -> list:
        """Values of the classes the body names (``isinstance(x, Duration)``, ``Version(…)``)."""
        names = set()
        stack = [code]
        while stack:
            current = stack.pop()
            names.update(current.co_names)
            stack.extend(c for c in current.co_consts if isinstance(c, types.CodeType))
        values: list = []
        for name in sorted(names):
            obj = getattr(self.module, name, None)
            if obj is None:
                obj = getattr(builtins, name, None)
            if not isinstance(obj, type) or issubclass(obj, BaseException) or obj in (
                    object, type, bool, super, property, staticmethod, classmethod):
                continue
            if obj.__module__ == "builtins" and obj not in (str, int, float, list, dict,
                                                             tuple, set, bytes):
                continue
            values.extend(self.for_type(obj)[:4])
        return values[:16]

    def for_type(self, hint) -> list:
        origin = typing.get_origin(hint)
        args = typing.get_args(hint)
        if hint in (int,):
            return list(INT_VALUES)
        if hint is float:
            return FLOAT_VALUES + [V("1"), V("0", "boundary")]
        if hint is str:
            return list(STR_VALUES)
        if hint is bool:
            return list(BOOL_VALUES)
        if hint in (bytes, bytearray):
            return list(BYTES_VALUES)
        if hint is type(None) or hint is None:
            return [NONE_VALUE]
        if hint is decimal.Decimal:
            return [V(v.text, v.category, {"from decimal import Decimal"}) for v in DECIMAL_VALUES]
        if hint is fractions.Fraction:
            return [V("Fraction(1, 3)", imports={"from fractions import Fraction"}),
                    V("Fraction(0)", "boundary", {"from fractions import Fraction"})]
        if hint is _dt.datetime:
            return [V(v.text, v.category, {"import datetime"}) for v in DATETIME_VALUES]
        if hint is _dt.date:
            return [V(v.text, v.category, {"import datetime"}) for v in DATE_VALUES]
        if hint is _dt.timedelta:
            return [V(v.text, v.category, {"import datetime"}) for v in TIMEDELTA_VALUES]
        if origin is typing.Union or (types.UnionType is not None and origin is types.UnionType):
            merged: list = []
            pools = [self.for_type(a) for a in args if a is not type(None)]
            for i in range(max((len(p) for p in pools), default=0)):
                merged.extend(p[i] for p in pools if i < len(p))
            if type(None) in args:
                merged.insert(1, NONE_VALUE)
            return merged
        if origin is typing.Literal:
            return [V(repr(a), "literal") for a in args] + [V(repr("__other__"), "invalid")]
        if hint in (list, typing.List) or origin in (list, collections.abc.Sequence,
                                                     collections.abc.Iterable,
                                                     collections.abc.MutableSequence,
                                                     collections.abc.Collection):
            inner = self.for_type(args[0]) if args else [V("1"), V("2"), V("3")]
            return self._containers("[{}]", inner)
        if hint in (tuple,) or origin is tuple:
            if args and args[-1] is not Ellipsis:
                parts = [self.for_type(a) for a in args]
                if all(parts):
                    first = "(" + ", ".join(p[0].text for p in parts) + ("," if len(parts) == 1
                                                                          else "") + ")"
                    second = "(" + ", ".join(p[min(1, len(p) - 1)].text for p in parts) + \
                        ("," if len(parts) == 1 else "") + ")"
                    imports = set().union(*(p[0].imports for p in parts))
                    return [V(first, imports=imports), V(second, imports=imports)]
            inner = self.for_type(args[0]) if args else [V("1"), V("2")]
            return self._containers("({},)", inner, empty="()")
        if hint in (set, frozenset) or origin in (set, frozenset, collections.abc.Set):
            inner = self.for_type(args[0]) if args else [V("1"), V("2")]
            return self._containers("{{{}}}", inner, empty="set()")
        if hint in (dict,) or origin in (dict, collections.abc.Mapping,
                                         collections.abc.MutableMapping):
            keys = self.for_type(args[0]) if args else [V("'a'"), V("'b'")]
            vals = self.for_type(args[1]) if len(args) > 1 else [V("1"), V("2")]
            if not keys or not vals:
                return [V("{}", "boundary")]
            imports = keys[0].imports | vals[0].imports
            pair = f"{keys[0].text}: {vals[0].text}"
            pair2 = f"{keys[min(1, len(keys) - 1)].text}: {vals[min(1, len(vals) - 1)].text}"
            return [V("{" + pair + "}", imports=imports),
                    V("{" + pair + ", " + pair2 + "}", imports=imports),
                    V("{}", "boundary")]
        if origin is collections.abc.Callable or hint is collections.abc.Callable or \
                hint is typing.Callable:
            return list(CALLABLE_VALUES)
        if isinstance(hint, type) and issubclass(hint, enum.Enum):
            imports: set = set()
            ref = self.literals.class_ref(hint, imports)
            if ref is None:
                return []
            return [V(f"{ref}.{m.name}", "typical", imports) for m in list(hint)[:8]]
        if isinstance(hint, type) and hint.__module__ not in ("builtins", "typing"):
            return self._instances(hint)
        if hint is typing.Any or hint is object:
            return list(ANY_VALUES)
        return []

    def _containers(self, fmt: str, inner: list, empty: str = "[]") -> list:
        if not inner:
            return [V(empty, "boundary")]
        imports = set().union(*(v.imports for v in inner[:3]))
        typical = [v for v in inner if v.category == "typical"] or inner
        first = typical[0].text
        second = typical[min(1, len(typical) - 1)].text
        third = typical[min(2, len(typical) - 1)].text
        return [V(fmt.format(f"{third}, {first}, {second}"), imports=imports),
                V(empty, "boundary"),
                V(fmt.format(first), "boundary", imports),
                V(fmt.format(f"{first}, {second}, {third}"), imports=imports)]

    def _instances(self, cls) -> list:
        """Ways to build a user class: its constructor filled from its own hints."""
        imports: set = set()
        ref = self.literals.class_ref(cls, imports)
        if ref is None or self.depth > 1 or inspect.isabstract(cls):
            return []
        self.depth += 1
        try:
            params, pools = self.pools(cls, skip_first=False)
        finally:
            self.depth -= 1
        required = [p for p in params if p.default is p.empty and
                    p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        options = []
        for choice in range(3):
            parts, needed = [], set(imports)
            for p in required:
                pool = [v for v in pools.get(p.name, []) if v.category in ("typical", "default",
                                                                             "literal")]
                if not pool:
                    break
                value = pool[min(choice, len(pool) - 1)]
                needed |= value.imports
                parts.append(value.text if p.kind is p.POSITIONAL_ONLY else
                             f"{p.name}={value.text}")
            else:
                options.append(V(f"{ref}({', '.join(parts)})", "typical", needed))
        unique = {o.text: o for o in options}
        return list(unique.values())


def literal_kind(text: str) -> str:
    """``"str"``, ``"bytes"``, ``"list"`` or ``""``: what a value's source text starts as."""
    if text[:1] in ("'", '"'):
        return "str"
    if text[:2] in ("b'", 'b"'):
        return "bytes"
    if text[:1] == "[":
        return "list"
    return ""


def _allows_none(hint) -> bool:
    if hint is None or hint is type(None) or hint is typing.Any or hint is object:
        return True
    origin = typing.get_origin(hint)
    if origin is typing.Union or (types.UnionType is not None and origin is types.UnionType):
        return type(None) in typing.get_args(hint)
    return False


def _cheap_eval(text: str) -> bool:
    return "(" not in text or text.startswith(("Decimal(", "datetime."))
