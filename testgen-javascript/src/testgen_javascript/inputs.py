"""Inputs to probe a definition with, as JavaScript source literals.

Sources, in order of trust: JSDoc ``@example`` calls, parameter defaults, TypeScript/JSDoc
types, what the body does with an untyped parameter (``x.map(…)``), the parameter's name,
strings of the shape the parameter's, definition's or file's name says (an address for
``ipaddr.js``), options objects made of the properties the body reads off the parameter (each
set alone, to the values the body compares it with, beside the others), strings the body's
regular expressions match (see :mod:`patterns`), lists split at its one-character separators,
strings and lists as long as a length it compares with, literals in the body (the values the
code compares its inputs with), then boundaries (``0, -1, NaN, '', [], {}``) and invalid
inputs (``null, undefined``, the wrong type). One argument varies at a time around a typical
call, which keeps the number of calls small and each observation easy to name. What the
module's other definitions return comes last, in the probe launch (see :mod:`produced`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Iterable

from testgen.kit import shapes
from testgen.model import Definition, Parameter

from .patterns import samples

MAX_CALLS = 72
MAX_PATTERNS = 6
SEPARATORS = set("=;,:&|/")


@dataclass(frozen=True)
class Call:
    args: tuple[str, ...]
    category: str


@dataclass(frozen=True)
class Value:
    literal: str
    category: str


TYPICAL = {
    "number": ["1", "42", "3.5"],
    "integer": ["1", "42"],
    "bigint": ["10n"],
    "string": ["'hello'", "'Hello World'", "'foo-bar_baz'"],
    "boolean": ["true", "false"],
    "array": ["[1, 2, 3]", "['a', 'b']"],
    "object": ["{ a: 1 }"],
    "function": ["(x) => x"],
    "date": ["new Date('2024-01-15T12:00:00.000Z')"],
    "regexp": ["/a/g"],
    "map": ["new Map([['a', 1]])"],
    "set": ["new Set([1, 2])"],
    "any": ["'hello'", "42", "[1, 2]"],
}
MAGNITUDES = ["1000", "100000", "10000000", "1000000000"]
BOUNDARY = {
    "number": ["0", "-1", "NaN", "Infinity", "0.1"],
    "integer": ["0", "-1"],
    "bigint": ["0n"],
    "string": ["''", "' '", "'42'"],
    "boolean": [],
    "array": ["[]"],
    "object": ["{}"],
    "function": [],
    "date": ["new Date(0)"],
    "any": ["0", "''", "[]", "{}", "true", "NaN"],
}
INVALID = {
    "number": ["null", "undefined", "'abc'"],
    "integer": ["null", "undefined", "'abc'"],
    "string": ["null", "undefined", "42"],
    "boolean": ["null"],
    "array": ["null", "undefined", "'abc'"],
    "object": ["null", "undefined"],
    "function": ["null", "undefined"],
    "any": ["null", "undefined"],
}

NAME_WORDS = {
    "boolean": {"flag", "strict", "loose", "force", "verbose", "recursive", "deep", "pretty",
                "enabled", "disabled", "visible", "ok"},
    "number": {"count", "num", "number", "size", "length", "len", "index", "idx", "amount",
               "total", "price", "qty", "quantity", "width", "height", "min", "max", "limit",
               "offset", "ms", "seconds", "bytes", "age", "year", "n", "i", "j", "x", "y",
               "z", "a", "b", "rate", "percent", "ratio", "precision", "digits", "level",
               "depth", "start", "end", "cents", "value", "val", "score", "weight", "times",
               "step", "delta", "port", "timeout", "retries", "radix", "base", "exp"},
    "string": {"str", "string", "text", "name", "title", "word", "label", "prefix",
               "suffix", "sep", "separator", "char", "ch", "pattern", "key", "id", "path",
               "url", "email", "slug", "message", "msg", "input", "format", "locale", "unit",
               "code", "token", "query", "html", "version", "s", "currency", "type", "mode",
               "sku", "phrase", "sentence", "line", "chars"},
    "array": {"arr", "array", "list", "items", "values", "elements", "xs", "entries", "rows",
              "numbers", "strings", "lines", "words", "tags"},
    "object": {"opts", "options", "config", "settings", "params", "props", "obj", "object",
               "data", "item", "record", "user", "payload", "parameters", "attributes",
               "attrs", "headers", "fields", "meta", "metadata"},
    "function": {"fn", "func", "callback", "cb", "predicate", "iteratee", "mapper",
                 "handler", "compare", "comparator", "reducer", "transform", "encode",
                 "decode", "encoder", "decoder", "replacer", "reviver", "validator"},
    "date": {"date", "time", "timestamp", "when", "expires", "expiry", "expiration"},
}
BOOLEAN_PREFIXES = ("is", "has", "should", "can", "allow", "enable", "use", "include")


def _kind_from_name(name: str) -> str | None:
    words = [w.lower() for w in re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", name)]
    if not words:
        return None
    if words[0] in BOOLEAN_PREFIXES and len(words) > 1:
        return "boolean"
    for kind, names in NAME_WORDS.items():
        if words[-1] in names:
            return kind
    return None


def classify(annotation: str | None, name: str = "", default: str | None = None) -> str:
    """A coarse kind for an annotation/JSDoc type, a default value, or a parameter name."""
    text = (annotation or "").strip().strip("()")
    lowered = text.lower()
    if text:
        if re.search(r"\[\]$|^array\b|^readonlyarray\b|^\[", lowered):
            return "array"
        if lowered in ("number", "float", "double"):
            return "number"
        if lowered in ("int", "integer"):
            return "integer"
        if lowered == "bigint":
            return "bigint"
        if lowered in ("string", "str"):
            return "string"
        if lowered in ("boolean", "bool"):
            return "boolean"
        if lowered.startswith(("function", "(")) or "=>" in lowered:
            return "function"
        if lowered in ("date",):
            return "date"
        if lowered in ("regexp",):
            return "regexp"
        if lowered.startswith("map"):
            return "map"
        if lowered.startswith("set"):
            return "set"
        if lowered.startswith(("object", "record", "{")) or lowered in ("object",):
            return "object"
        if "|" in text:
            parts = [p.strip() for p in text.split("|") if p.strip() not in ("null",
                                                                               "undefined")]
            kinds = {classify(p) for p in parts}
            if len(kinds) == 1:
                return kinds.pop()
            return "any"
        if lowered in ("any", "unknown", "*", "?", "mixed"):
            return "any"
        if re.fullmatch(r"[A-Z][\w$]*(<.*>)?", text):
            return "object"
    if default is not None and default != "undefined":
        kind = _kind_of_literal(default)
        if kind:
            return kind
    return _kind_from_name(re.sub(r"[^A-Za-z_$0-9]", "", name)) or "any"


def _kind_of_literal(text: str) -> str | None:
    text = text.strip()
    if re.fullmatch(r"-?\d[\d_]*(\.\d+)?(e-?\d+)?", text):
        return "number"
    if text.endswith("n") and text[:-1].isdigit():
        return "bigint"
    if text[:1] in ("'", '"', "`"):
        return "string"
    if text in ("true", "false"):
        return "boolean"
    if text.startswith("["):
        return "array"
    if text.startswith("{"):
        return "object"
    return None


def js_string(value: str) -> str:
    body = json.dumps(value, ensure_ascii=False)[1:-1].replace('\\"', '"').replace("'", "\\'")
    return f"'{body}'"


def js_number(value: float) -> str:
    if value != value:
        return "NaN"
    if value == int(value) and abs(value) < 2**53:
        return str(int(value))
    return repr(value)


def union_literals(annotation: str | None) -> list[str]:
    """String/number literal members of a TS union type (``'ms' | 's'``)."""
    if not annotation or "|" not in annotation:
        return []
    members = []
    for part in annotation.split("|"):
        part = part.strip()
        if re.fullmatch(r"'[^']*'|\"[^\"]*\"|-?\d+(\.\d+)?", part):
            members.append(js_string(part[1:-1]) if part[0] in "'\"" else part)
    return members


def values_for(param: Parameter, definition: Definition, position: int = 0) -> list[Value]:
    """Candidate values for one parameter, most typical first, categorised."""
    details = definition.details or {}
    kind = classify(param.annotation, param.name, param.default)
    used_as = (details.get("param_uses") or {}).get(param.name)
    if used_as and not param.annotation and kind != used_as:
        kind = used_as  # what the body does with it says more than the name
    values: list[Value] = []
    seen: set[str] = set()

    def add(literal: str, category: str) -> None:
        if literal not in seen:
            seen.add(literal)
            values.append(Value(literal, category))

    for literal in union_literals(param.annotation):
        add(literal, "typical")
    if kind in ("string", "any"):
        for text in shaped_strings(param.name, definition):
            add(js_string(text), "typical")
    shape = _shape(param, details)
    if shape is not None:
        add("{}", "typical")  # every option at its default first: the safest typical call
        compared = (details.get("prop_values") or {}).get(param.name) or {}
        for literal in _objects_for_shape(shape, pattern_tokens(definition), compared):
            add(literal, "typical")
    if kind == "array" and not param.annotation:
        for literal in _lists_of_words(param, definition):
            add(literal, "typical")
    for literal in TYPICAL.get(kind, TYPICAL["any"])[:2]:
        add(literal, "typical")
    if param.default is not None and param.default != "undefined" and _is_literal(
            param.default):
        add(param.default, "default")
    literals = details.get("literals") or {}
    marks = [t for t in literals.get("strings") or [] if len(t) == 1 and t in SEPARATORS]
    for bound in (details.get("length_bounds") or {}).get(param.name, []):
        # `s.length < 2`: one character short of the bound, on it, and one past it; plain
        # letters, and a `key=value` shape when the body splits at a separator ('a=').
        for length in dict.fromkeys((max(bound - 1, 0), bound, bound + 1)):
            if kind in ("string", "any"):
                add(js_string(_filler(length)), "literal")
                if marks and length >= 2:
                    add(js_string(("a" + marks[0] + _filler(length))[:length]), "literal")
            if kind != "string" and length <= 64:  # `bytes.length`: no number after all
                add(f"[{', '.join(str(i + 1) for i in range(length))}]", "literal")
    if kind in ("string", "any"):
        for text in pattern_inputs(literals.get("regexes") or []):
            add(js_string(text), "literal")
        for text in separated_inputs(literals.get("strings") or []):
            add(js_string(text), "literal")
        for text in (literals.get("strings") or [])[:10]:
            add(js_string(text), "literal")
            if text and not text.isspace() and not text[0].isdigit():
                add(js_string(f"1 {text}"), "literal")
    if kind in ("number", "integer", "any"):
        for number in (literals.get("numbers") or [])[:8]:
            add(js_number(number), "literal")
            if kind != "any" and number == int(number):
                add(js_number(number + 1), "literal")
    for literal in TYPICAL.get(kind, [])[2:]:
        add(literal, "typical")
    if kind in ("number", "any") and position == 0:
        # Only the first argument: a huge count or size elsewhere makes loops run for ages.
        for magnitude in MAGNITUDES:  # thresholds of unit conversions, formatting…
            add(magnitude, "typical")
    for literal in BOUNDARY.get(kind, BOUNDARY["any"]):
        add(literal, "boundary")
    for literal in INVALID.get(kind, INVALID["any"]):
        add(literal, "invalid")
    return values


def typical_args(definition: Definition, params: Iterable[Parameter]) -> list[str]:
    """The first value of each parameter up to the first with a default (``new Cart()``,
    the arguments a constructor or a state-changing step is called with)."""
    args = []
    for param in params:
        if param.default is not None:
            break
        values = values_for(param, definition)
        args.append(values[0].literal if values else "undefined")
    return args


def parameter(data: dict[str, Any]) -> Parameter:
    """A parameter written into a definition's details (``details["constructor"]``)."""
    return Parameter(data.get("name", "x"), data.get("annotation"), data.get("default"),
                     data.get("kind", "positional"))


def shaped_strings(name: str, definition: Definition) -> list[str]:
    """The samples :mod:`testgen.kit.shapes` gives the parameter's name, the definition's name
    and its file's name: an untyped ``string`` parameter says nothing, its module does."""
    stem = re.split(r"[./\\]", definition.file.rsplit("/", 1)[-1])[0]
    return shapes.shaped_strings(name, definition.name, stem)


def _lists_of_words(param: Parameter, definition: Definition) -> list[str]:
    """Lists of the words the first shaped sample of another parameter that holds two or more
    does (``'utf-8, iso-8859-1;q=0.8'`` gives ``['utf-8', 'iso-8859-1']``): what a function
    matching a header against the values it may offer is given, in both orders, and with one
    it does not offer."""
    for other in definition.parameters:
        if other.name == param.name:
            continue
        for sample in shaped_strings(other.name, definition)[:3]:
            words = [w.split(";")[0].strip() for w in sample.split(",")]
            words = [w for w in dict.fromkeys(words) if w and "*" not in w and "=" not in w]
            if len(words) >= 2:
                quoted = [js_string(w) for w in words]
                return [f"[{', '.join(quoted[:2])}]", f"[{', '.join(reversed(quoted))}]",
                        f"[{quoted[-1]}, {js_string(words[0].upper())}, 'unknown']"]
    return []


def _filler(length: int) -> str:
    """A string of ``length`` made of letters: only its length tells it from another."""
    return ("abcdefghij" * (length // 10 + 1))[:length]


def pattern_inputs(regexes: list[str], limit: int = 8) -> list[str]:
    """Strings the code's patterns match. A pattern anchored at the start (``^…``) checks a
    whole token; one that is not is scanned for after it (a header's type, then its
    ``; name=value`` parameters): each token is also tried with each such piece after it."""
    heads: list[str] = []
    tails: list[str] = []
    singles: list[str] = []
    for regex in regexes[:MAX_PATTERNS]:
        found = samples(regex)
        if found:
            (heads if regex.startswith("^") else tails).append(found[0])
            singles.extend(found)
    joined = [head + tail for head in heads for tail in tails][:3]
    unique = [t for t in dict.fromkeys([*joined, *singles]) if t.strip()]
    return unique[:limit]


def separated_inputs(strings: list[str], limit: int = 2) -> list[str]:
    """Lists the code splits at its one-character separators (``'='``, ``';'``, ``','``):
    two ``key<first>value`` pairs joined by the second, ``'a=1; b=2'``, in both orders."""
    marks = [t for t in strings if len(t) == 1 and t in SEPARATORS][:3]
    texts = [f"a{inner}1{outer} b{inner}2" for inner in marks for outer in marks
             if inner != outer]
    return texts[:limit]


def pattern_tokens(definition: Definition) -> list[str]:
    """Samples of the whole-token patterns (``^…$``) the definition checks values against."""
    regexes = ((definition.details or {}).get("literals") or {}).get("regexes") or []
    tokens = []
    for regex in regexes[:MAX_PATTERNS]:
        if regex.startswith("^"):
            found = [t for t in samples(regex) if t.strip()]
            if found:
                tokens.append(found[0])
    return list(dict.fromkeys(tokens))


def _is_literal(text: str) -> bool:
    return _kind_of_literal(text) is not None or text in ("null", "undefined")


def _shape(param: Parameter, details: dict[str, Any]) -> list[tuple[str, str]] | None:
    props = (details.get("param_props") or {}).get(param.name)
    if props:
        return [(p[0], p[1]) for p in props]
    types = details.get("object_types") or {}
    for word in re.findall(r"[A-Za-z_$][\w$]*", param.annotation or ""):
        if word in types:
            return [(p[0], p[1]) for p in types[word]]
    return None


def _objects_for_shape(shape: list[tuple[str, str]], tokens: list[str] = (),
                       compared: dict[str, list[str]] | None = None) -> list[str]:
    """Option objects: each property set alone, so each option's branch is seen, then once
    to each value the body compares it with (``compared``: ``'low'``, ``false``); with
    ``tokens`` (strings the definition's patterns accept), each string property set to one
    of them too, alone and beside the other properties."""
    shape = shape[:MAX_OPTIONS]
    compared = compared or {}
    alone, varied, beside, tokened, together = [], [], [], [], []
    texts = [js_string(t) for t in tokens[:2]]
    for name, annotation in shape:
        kind = classify(annotation, name)
        members = union_literals(annotation)
        value = members[0] if members else OPTION_VALUE.get(kind, "true")
        key = js_key(name)
        # Beside it, the string options hold what one of the patterns accepts ('abc/abc' for
        # a type), or a short word.
        besides = list(dict.fromkeys(_others(shape, name, text) for text in texts or [None]))
        # Only in a small shape: there the properties are parts of one value, required
        # together (`{ type, subtype }`). Among many options, a call with all of them set
        # runs every branch at once, and the single options' tests then add no line.
        others = besides[0] if len(shape) <= MAX_TOGETHER else ""
        alone.append(f"{{ {key}: {value} }}")
        values = [*members[1:], *compared.get(name, [])]
        upper = next((v.upper() for v in values if v[:1] in "'\"" and v.upper() != v), None)
        if upper:  # compared after `toLowerCase()`, as options often are
            values.append(upper)
        if kind in OPTION_MISFIT:  # the option's own check (`isFinite(opt.maxAge)`)
            values.append(OPTION_MISFIT[kind])
        if kind == "object":  # a value that needs quoting or escaping when written out
            values.append("{ a: 'x y', b: 'q\"r' }")
        for literal in values:
            varied.append(f"{{ {key}: {literal} }}")
            for rest in besides if others else ():  # required together: `{ type, subtype }`
                beside.append(f"{{ {key}: {literal}, {rest} }}")
        if kind in ("string", "any") and not members:
            for text in texts:
                tokened.append(f"{{ {key}: {text} }}")
                if others:
                    together.append(f"{{ {key}: {text}, {others} }}")
    return list(dict.fromkeys([*alone, *varied, *beside, *tokened, *together]))


def _others(shape: list[tuple[str, str]], name: str, text: str | None) -> str:
    """The properties of ``shape`` but ``name``, at ordinary values; the string ones at
    ``text`` when given."""
    parts = []
    for other, annotation in shape:
        if other == name:
            continue
        textual = classify(annotation, other) in ("string", "any") and \
            not union_literals(annotation)
        value = text if text is not None and textual else _plain(annotation, other)
        parts.append(f"{js_key(other)}: {value}")
    return ", ".join(parts)


MAX_OPTIONS = 12
MAX_TOGETHER = 4
OPTION_VALUE = {"boolean": "true", "number": "2", "integer": "2", "string": "'x'",
                "array": "['x']", "function": "(x) => x", "object": "{ a: 'a' }",
                "date": "new Date('2024-01-15T12:00:00.000Z')"}
"""A value for an option set alone: one the option's branch takes (truthy, well-formed)."""
OPTION_MISFIT = {"number": "'abc'", "integer": "'abc'", "date": "'abc'", "function": "'abc'"}
"""A truthy value of the wrong kind, for the check an option of that kind usually has."""


def js_key(name: str) -> str:
    """``name`` as an object literal's property key: bare when it is an identifier."""
    return name if re.fullmatch(r"[A-Za-z_$][\w$]*", name) else js_string(name)


def _plain(annotation: str, name: str) -> str:
    """An ordinary value for a property beside the one being varied: a short word for one of
    no known kind (most options are names and flags; ``{}`` there fails the whole call)."""
    members = union_literals(annotation)
    if members:
        return members[0]
    return {"boolean": "false", "number": "1", "integer": "1", "string": "'x'",
            "array": "[]", "function": "(x) => x", "object": "{ a: 'a' }"}.get(
        classify(annotation, name), "'x'")


def plan_calls(definition: Definition, params: Iterable[Parameter] | None = None,
               limit: int = MAX_CALLS) -> list[Call]:
    """Argument lists to call ``definition`` with: examples, a typical call, then one
    argument varied at a time."""
    params = [p for p in (definition.parameters if params is None else params)
              if p.kind != "var_positional" or True]
    calls: list[Call] = []
    seen: set[tuple[str, ...]] = set()

    def add(args: tuple[str, ...], category: str) -> None:
        if args not in seen and len(calls) < limit:
            seen.add(args)
            calls.append(Call(args, category))

    for example in _example_calls(definition):
        add(example, "doc-example")
    if not params:
        add((), "typical")
        return calls
    options = [values_for(p, definition, index) for index, p in enumerate(params)]
    required = _required_count(params)
    typical = tuple(opts[0].literal if opts else "undefined" for opts in options)
    add(typical[:max(required, 1)] if required < len(typical) else typical, "typical")
    if required < len(typical):
        add(typical, "typical")
    # Vary one argument at a time; the first parameter usually drives the behaviour, so it
    # gets the most values. Later parameters are varied around two bases (the typical call and
    # one with the first argument's second value), so options meet more than one input kind.
    bases = [typical]
    if len(options) > 1 and len(options[0]) > 1:
        bases.append((options[0][1].literal, *typical[1:]))
    later = max(4, limit // (2 * len(options)))
    reserve = later * len(bases) * (len(options) - 1)
    details = definition.details or {}
    for index, opts in enumerate(options):
        budget = max(later, limit - reserve - len(calls)) if index == 0 else later
        around = bases if index else bases[:1]
        if index and _shape(params[index], details) is not None:
            # An options object has one branch per option: its whole share goes to the
            # typical call, where every option is set alone (around an invalid first
            # argument, most would stop at the same early check).
            around, budget = bases[:1], later * len(bases)
        for base in around:
            for value in opts[1:budget + 1]:
                args = list(base)
                args[index] = value.literal
                trimmed = tuple(args[:max(required, index + 1)])
                add(trimmed, value.category)
    return calls


def _required_count(params: list[Parameter]) -> int:
    count = 0
    for index, param in enumerate(params):
        if param.default is None and param.kind != "var_positional":
            count = index + 1
    return count


def _example_calls(definition: Definition) -> list[tuple[str, ...]]:
    """Argument lists of ``name(...)`` calls in JSDoc ``@example`` blocks."""
    found = []
    name = re.escape(definition.details.get("export_name") or definition.name) \
        if definition.details.get("export_name") not in (None, "default") else re.escape(
            definition.name)
    for example in (definition.details or {}).get("examples", []):
        for match in re.finditer(rf"(?<![\w$.]){name}\(", example):
            args = _balanced_args(example, match.end())
            if args is not None:
                found.append(args)
    return found[:6]


def _balanced_args(text: str, start: int) -> tuple[str, ...] | None:
    depth, quote, current, args = 0, "", [], []
    for char in text[start:]:
        if quote:
            current.append(char)
            if char == quote and (len(current) < 2 or current[-2] != "\\"):
                quote = ""
            continue
        if char in "'\"`":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            if depth == 0:
                last = "".join(current).strip()
                if last:
                    args.append(last)
                return tuple(args)
            depth -= 1
        elif char == "," and depth == 0:
            args.append("".join(current).strip())
            current = []
            continue
        elif char == "\n" and depth == 0:
            return None
        current.append(char)
    return None
