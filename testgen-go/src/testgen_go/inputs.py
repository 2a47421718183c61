"""Invent Go values for parameters: zero values, boundaries per type, literals from the body
and from the helpers and constants it reaches.

Every value is Go source that is assignable to the parameter's type, so the harness and the
generated tests can paste it verbatim. A type we cannot build a value for gives an
:class:`Unsupported` with the reason the probe reports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .gotypes import COMPLEX_TYPES, FLOAT_TYPES, INT_TYPES, UINT_TYPES, GoType
from .pkgindex import PackageIndex


@dataclass(frozen=True)
class Value:
    literal: str
    category: str = "typical"
    """``typical``, ``boundary``, ``invalid``, ``literal``, ``default``, ``doc-example``."""
    label: str = ""
    """Short words for test names (``"empty"``, ``"negative"``)."""
    imports: frozenset[str] = frozenset()
    """Package qualifiers the literal uses (``math``, ``time``)."""


@dataclass(frozen=True)
class Unsupported:
    reason: str


INT_BOUNDS = {
    "int": ("math.MaxInt", "math.MinInt"), "int64": ("math.MaxInt64", "math.MinInt64"),
    "int32": ("math.MaxInt32", "math.MinInt32"), "rune": ("math.MaxInt32", "math.MinInt32"),
    "int16": ("math.MaxInt16", "math.MinInt16"), "int8": ("math.MaxInt8", "math.MinInt8"),
}
UINT_MAX = {"uint": "math.MaxUint", "uint64": "math.MaxUint64", "uint32": "math.MaxUint32",
            "uint16": "math.MaxUint16", "uint8": "math.MaxUint8", "byte": "math.MaxUint8",
            "uintptr": ""}

NAME_HINTS: list[tuple[str, list[str]]] = [
    (r"semver|version|^ver$|^v$", ['"1.2.3"', '"v1.2"', '"1.2.3-beta.1+build.5"',
                                   '"1.2.beta"']),
    (r"constraint|range|requirement", ['">= 1.2.3"', '"^1.2, < 2.0"', '"~1.3 || 2.x"',
                                       '">>1"']),
    (r"e?mail", ['"user@example.com"', '"not-an-email"']),
    (r"url|uri|link|href|endpoint", ['"https://example.com/a/b?q=1"', '"://bad"']),
    (r"path|file|dir|folder", ['"dir/sub/file.txt"', '"/abs/path"']),
    (r"json", ['`{"a": 1, "b": [true, null]}`', '`{"a":`']),
    (r"date|day", ['"2024-01-15"', '"2024-13-45"']),
    (r"duration|timeout|interval", ['"1h30m"', '"5s"']),
    (r"time", ['"10:30"', '"25:61"']),
    (r"ip|addr|host", ['"127.0.0.1"', '"example.com:8080"']),
    (r"version|semver", ['"1.2.3"', '"v2.0.0-rc.1"']),
    (r"hex|hash|digest", ['"ff00a1"', '"zz"']),
    (r"sep|delim", ['","', '"|"']),
    (r"name|title|label", ['"Jane Doe"', '"x"']),
    (r"word|text|sentence|msg|message|line|body|content|str|^s$|in(put)?", [
        '"The quick brown fox jumps over the lazy dog"', '"a, b;  c"']),
    (r"num|number|amount|price|qty|count|digits|val", ['"42"', '"-3.75"']),
    (r"size|bytes", ['"10MB"', '"1.5 KiB"']),
    (r"color|colour", ['"#ff8800"', '"red"']),
    (r"uuid|id$|guid", ['"6ba7b810-9dad-11d1-80b4-00c04fd430c8"', '"1234"']),
]

# Standard-library types we know how to build, by qualified name.
KNOWN_QUALIFIED: dict[str, list[Value]] = {
    "time.Duration": [
        Value("time.Second", "typical", "1s", frozenset({"time"})),
        Value("0", "boundary", "zero", frozenset()),
        Value("1500 * time.Millisecond", "typical", "1.5s", frozenset({"time"})),
        Value("-time.Minute", "boundary", "negative", frozenset({"time"})),
        Value("90 * time.Minute", "typical", "90m", frozenset({"time"})),
    ],
    "time.Time": [
        Value("time.Date(2024, time.March, 15, 10, 30, 0, 0, time.UTC)", "typical",
              "2024-03-15", frozenset({"time"})),
        Value("time.Time{}", "boundary", "zero time", frozenset({"time"})),
        Value("time.Date(2000, time.February, 29, 23, 59, 59, 0, time.UTC)", "boundary",
              "leap day", frozenset({"time"})),
    ],
    "time.Month": [Value("time.March", "typical", "March", frozenset({"time"})),
                   Value("time.December", "boundary", "December", frozenset({"time"}))],
    "time.Weekday": [Value("time.Monday", "typical", "Monday", frozenset({"time"})),
                     Value("time.Sunday", "boundary", "Sunday", frozenset({"time"}))],
    "time.Location": [],
    "context.Context": [Value("context.Background()", "typical", "background",
                              frozenset({"context"}))],
    "io.Reader": [Value('strings.NewReader("hello\\nworld\\n")', "typical", "two lines",
                        frozenset({"strings"})),
                  Value('strings.NewReader("")', "boundary", "empty reader",
                        frozenset({"strings"}))],
    "io.Writer": [Value("io.Discard", "typical", "discard", frozenset({"io"}))],
    "fmt.Stringer": [],
}
KNOWN_POINTERS: dict[str, list[Value]] = {
    "big.Int": [Value("big.NewInt(42)", "typical", "42", frozenset({"big"})),
                Value("big.NewInt(0)", "boundary", "zero", frozenset({"big"})),
                Value("big.NewInt(-7)", "boundary", "negative", frozenset({"big"}))],
    "bytes.Buffer": [Value('bytes.NewBufferString("hello")', "typical", "buffer",
                           frozenset({"bytes"})),
                     Value("new(bytes.Buffer)", "boundary", "empty buffer",
                           frozenset({"bytes"}))],
    "strings.Builder": [Value("new(strings.Builder)", "typical", "builder",
                              frozenset({"strings"}))],
    "strings.Reader": [Value('strings.NewReader("hello")', "typical", "reader",
                             frozenset({"strings"}))],
    "regexp.Regexp": [Value("regexp.MustCompile(`a+b`)", "typical", "a+b",
                            frozenset({"regexp"}))],
    "time.Location": [Value("time.UTC", "typical", "UTC", frozenset({"time"}))],
    "rand.Rand": [Value("rand.New(rand.NewSource(1))", "typical", "seeded rand",
                        frozenset({"rand"}))],
    "url.URL": [Value('&url.URL{Scheme: "https", Host: "example.com", Path: "/a"}',
                      "typical", "url", frozenset({"url"}))],
}


@dataclass
class InputContext:
    """What value generation may draw on."""

    index: PackageIndex
    literals: dict[str, list[str]] = field(default_factory=dict)
    type_args: dict[str, GoType] = field(default_factory=dict)
    file_imports: dict[str, str] = field(default_factory=dict)
    """Qualifier → import path of the target file (what ``time.`` means there)."""
    max_values: int = 8
    go_version: str = ""
    """The module's ``go`` directive: newer standard-library names are avoided below it."""
    function: str = ""
    """Name of the function the values are for (a hint, like the parameter's name)."""
    doc_strings: list[str] = field(default_factory=list)
    """Quoted strings from the function's doc comment (``"1.2.3"``), as Go literals."""

    def go_at_least(self, minor: int) -> bool:
        match = re.match(r"1\.(\d+)", self.go_version or "")
        # no directive means Go 1.16 semantics
        return int(match.group(1)) >= minor if match else minor <= 16


def values_for(gt: GoType, ctx: InputContext, name: str = "",
               depth: int = 0) -> list[Value] | Unsupported:
    """Candidate values for one parameter, typical first, then boundaries and literals."""
    gt = gt.substitute(ctx.type_args)
    if depth > 3:
        return Unsupported(f"type {gt.render()} nests too deeply to build a value")
    k = gt.kind
    if k == "name":
        return _named(gt, ctx, name, depth)
    if k == "slice":
        return _slice(gt, ctx, name, depth)
    if k == "array":
        return _array(gt, ctx, name, depth)
    if k == "map":
        return _map(gt, ctx, name, depth)
    if k == "pointer":
        return _pointer(gt, ctx, name, depth)
    if k == "func":
        return _func(gt, ctx)
    if k == "chan":
        return Unsupported(f"channel parameter {name or ''} ({gt.render()}) needs a "
                           "concurrent test".replace("  ", " "))
    if k == "interface":
        return _interface(gt, gt.methods, ctx, name, depth)
    if k == "struct":
        return [Value(gt.render() + "{}", "default", "zero")]
    return Unsupported(f"cannot build a value of type {gt.render()}")


def _named(gt: GoType, ctx: InputContext, name: str, depth: int) -> list[Value] | Unsupported:
    if gt.package:
        qualified = f"{gt.package}.{gt.name}"
        real = ctx.file_imports.get(gt.package, gt.package)
        canonical = f"{real.rsplit('/', 1)[-1]}.{gt.name}"
        for key in (qualified, canonical):
            if key in KNOWN_QUALIFIED and KNOWN_QUALIFIED[key]:
                return list(KNOWN_QUALIFIED[key])
        return Unsupported(f"no known way to build a {qualified} (from package {real})")
    n = gt.name
    if n == "string":
        return _strings(ctx, name)
    if n in INT_TYPES:
        return _ints(n, ctx)
    if n in UINT_TYPES:
        return _uints(n, ctx)
    if n in FLOAT_TYPES:
        return _floats(ctx)
    if n in COMPLEX_TYPES:
        return [Value("complex(1, 2)", "typical", "1+2i"), Value("0", "boundary", "zero")]
    if n == "bool":
        return [Value("true", "typical", "true"), Value("false", "boundary", "false")]
    if n == "error":
        return [Value("nil", "typical", "nil error"),
                Value('errors.New("boom")', "invalid", "error", frozenset({"errors"}))]
    if n in ("any",):
        return [Value("42", "typical", "int"), Value('"hello"', "typical", "string"),
                Value("nil", "boundary", "nil"), Value("[]int{1, 2}", "typical", "slice")]
    decl = ctx.index.types.get(n)
    if decl is None:
        return Unsupported(f"unknown type {n}")
    type_text = gt.render()
    if decl.type_params and not gt.args:
        return Unsupported(f"generic type {n} needs type arguments")
    underlying = decl.underlying
    if decl.type_params:
        mapping = {p: a for (p, _c), a in zip(decl.type_params, gt.args)}
        underlying = underlying.substitute(mapping)
    consts = [Value(c, "literal", c) for c in ctx.index.constants_of(n)][:ctx.max_values]
    if underlying.kind == "name" and underlying.is_builtin and not underlying.is_error:
        base = values_for(underlying, ctx, name, depth + 1)
        if isinstance(base, Unsupported):
            return base
        if consts:
            return consts + [v for v in base if v.category == "boundary"][:2]
        return base
    if underlying.kind == "struct":
        return _struct(type_text, underlying, ctx, depth) if depth < 3 else [
            Value(type_text + "{}", "default", f"zero {n}")]
    if underlying.kind == "interface":
        return _interface(gt, underlying.methods, ctx, name, depth)
    if underlying.kind in ("slice", "map", "array"):
        inner = values_for(underlying, ctx, name, depth + 1)
        if isinstance(inner, Unsupported):
            return inner
        return [Value(_retype(v.literal, underlying.render(), type_text), v.category, v.label,
                      v.imports) for v in inner]
    if underlying.kind == "name":  # a named type defined over another named type
        return values_for(underlying, ctx, name, depth + 1)
    if underlying.kind == "func":
        return _func(underlying, ctx)
    if underlying.kind == "pointer":
        return values_for(underlying, ctx, name, depth + 1)
    return Unsupported(f"cannot build a value of type {n}")


def _retype(literal: str, unnamed: str, named: str) -> str:
    if literal.startswith(unnamed + "{"):
        return named + literal[len(unnamed):]
    return literal


def _strings(ctx: InputContext, name: str) -> list[Value]:
    values: list[Value] = []
    seen: set[str] = set()

    def add(lit: str, category: str, label: str = "") -> None:
        if lit not in seen:
            seen.add(lit)
            values.append(Value(lit, category, label or _label_of_string(lit)))

    # the parameter's name says most; the function's and the package's names come next
    for hint_source in (name.lower(), ctx.function.lower(), ctx.index.name.lower()):
        matched = next((examples for pattern, examples in NAME_HINTS
                        if hint_source and re.search(pattern, hint_source)), None)
        if matched:
            for example in matched[:-1]:
                add(example, "typical")
            add(matched[-1], "invalid")
            break
    for lit in ctx.doc_strings[:4]:
        add(lit, "doc-example")
    add('"hello"', "typical")
    for lit in ctx.literals.get("string", [])[:10]:
        body = _unquote(lit)
        if body is None or "%" in body:
            continue
        add(lit, "literal")
        if 0 < len(body) <= 2 and not body.isalnum():
            # a separator or prefix the code looks for: put it where parsers expect it
            for variant in (body + "42", "ab" + body + "12", "12" + body + "5", "ab" + body):
                add(_quote(variant), "literal")
        elif 2 < len(body) <= 12 and body.isalpha():
            add(_quote(body.upper()), "literal")
    for lit in ctx.literals.get("rune", [])[:6]:
        char = _rune(lit)
        if char is not None and char.isprintable() and not char.isalnum() and char != " ":
            # a rune the code compares with: a separator, a quote, a comment sign
            for variant in ("ab" + char + "12", char + "42"):
                add(_quote(variant), "literal")
    add('""', "boundary", "empty")
    add('"héllo, 世界"', "boundary", "unicode")
    add('"  padded  "', "boundary", "padded")
    add('"42"', "typical")
    add('"abc"', "invalid")
    add('"first line\\nsecond  line\\n"', "typical", "two lines")
    return values[:ctx.max_values + 14]


def _unquote(lit: str) -> str | None:
    if lit.startswith("`") and lit.endswith("`"):
        return lit[1:-1]
    if lit.startswith('"') and lit.endswith('"'):
        try:
            import json

            return json.loads(lit)
        except ValueError:
            return None
    return None


def _rune(lit: str) -> str | None:
    """The character of a Go rune literal (``'='``, ``'\\t'``), or ``None``."""
    if len(lit) < 3 or lit[0] != "'" or lit[-1] != "'":
        return None
    inner = lit[1:-1]
    if len(inner) == 1:
        return inner
    simple = {"\\n": "\n", "\\t": "\t", "\\r": "\r", "\\\\": "\\", "\\'": "'"}
    return simple.get(inner)


def _quote(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


def _label_of_string(lit: str) -> str:
    body = _unquote(lit)
    if body is None:
        return "string"
    if body == "":
        return "empty"
    if not body.strip():
        return "blank"
    clean = re.sub(r"\s+", " ", body.strip())
    return clean[:24]


def _literal_numbers(ctx: InputContext, kinds: tuple[str, ...]) -> list[str]:
    out = []
    for kind in kinds:
        for lit in ctx.literals.get(kind, []):
            if lit not in out:
                out.append(lit)
    return out


def _ints(type_name: str, ctx: InputContext) -> list[Value]:
    values = [Value("1", "typical", "one"), Value("42", "typical", "42"),
              Value("10", "typical", "10"),
              Value("0", "boundary", "zero"), Value("-1", "boundary", "negative")]
    seen = {"0", "1", "-1", "42", "10"}
    for lit in _literal_numbers(ctx, ("int",))[:5]:
        try:
            n = int(lit, 0)
        except ValueError:
            continue
        if abs(n) > 1 << 31:
            continue
        for m in (n, n + 1, n - 1):
            if str(m) not in seen:
                seen.add(str(m))
                values.append(Value(str(m), "literal", str(m)))
    if type_name == "rune":
        values.insert(1, Value("'a'", "typical", "letter a"))
        values.append(Value("'é'", "boundary", "accented rune"))
    hi, lo = INT_BOUNDS.get(type_name, ("", ""))
    if type_name == "int" and not ctx.go_at_least(17):
        hi, lo = "math.MaxInt32", "math.MinInt32"  # math.MaxInt is Go 1.17
    if hi:
        values.append(Value(hi, "boundary", "max", frozenset({"math"})))
        values.append(Value(lo, "boundary", "min", frozenset({"math"})))
    return values


def _uints(type_name: str, ctx: InputContext) -> list[Value]:
    values = [Value("1", "typical", "one"), Value("42", "typical", "42"),
              Value("10", "typical", "10"), Value("0", "boundary", "zero")]
    seen = {"0", "1", "42", "10"}
    for lit in _literal_numbers(ctx, ("int",))[:5]:
        try:
            n = int(lit, 0)
        except ValueError:
            continue
        for m in (n, n + 1, n - 1):
            if m >= 0 and str(m) not in seen and m < 1 << 31:
                seen.add(str(m))
                values.append(Value(str(m), "literal", str(m)))
    if type_name in ("byte", "uint8"):
        values.append(Value("'a'", "typical", "letter a"))
    top = UINT_MAX.get(type_name)
    if type_name == "uint" and not ctx.go_at_least(17):
        top = "math.MaxUint32"
    if top:
        values.append(Value(top, "boundary", "max", frozenset({"math"})))
    return values


def _floats(ctx: InputContext) -> list[Value]:
    values = [Value("1.5", "typical", "1.5"), Value("100", "typical", "100"),
              Value("0", "boundary", "zero"), Value("-2.25", "boundary", "negative")]
    seen = {"1.5", "100", "0", "-2.25"}
    for lit in _literal_numbers(ctx, ("float", "int"))[:4]:
        if lit not in seen and not lit.startswith("0x"):
            seen.add(lit)
            values.append(Value(lit, "literal", lit))
    values.append(Value("math.MaxFloat64", "boundary", "max", frozenset({"math"})))
    values.append(Value("math.Inf(1)", "boundary", "infinity", frozenset({"math"})))
    return values


def _imports_of(values: list[Value]) -> frozenset[str]:
    out: frozenset[str] = frozenset()
    for v in values:
        out |= v.imports
    return out


def _slice(gt: GoType, ctx: InputContext, name: str, depth: int) -> list[Value] | Unsupported:
    text = gt.render()
    elem = gt.elem
    if elem.kind == "name" and not elem.package and elem.name in ("byte", "uint8"):
        return [Value('[]byte("hello")', "typical", "bytes"),
                Value("nil", "boundary", "nil"), Value("[]byte{}", "boundary", "empty"),
                Value('[]byte("héllo")', "boundary", "unicode bytes")]
    elems = values_for(elem, ctx, _singular(name), depth + 1)
    if isinstance(elems, Unsupported):
        return Unsupported(f"{elems.reason} (elements of {text})")
    picks = _distinct(elems, 3)
    values = []
    if picks:
        three = picks[:3]
        values.append(Value(f"{text}{{{', '.join(v.literal for v in three)}}}", "typical",
                            f"{len(three)} elements", _imports_of(three)))
        values.append(Value(f"{text}{{{picks[0].literal}}}", "typical", "one element",
                            picks[0].imports))
    values.append(Value("nil", "boundary", "nil"))
    values.append(Value(f"{text}{{}}", "boundary", "empty"))
    boundaries = [v for v in elems if v.category == "boundary"][:2]
    if boundaries and picks:
        mixed = [picks[0]] + boundaries
        values.append(Value(f"{text}{{{', '.join(v.literal for v in mixed)}}}", "boundary",
                            "with edge values", _imports_of(mixed)))
    if picks and len(picks) >= 2:
        rev = list(reversed(picks[:3]))
        values.append(Value(f"{text}{{{', '.join(v.literal for v in rev)}}}", "typical",
                            "reversed", _imports_of(rev)))
    return values


def _array(gt: GoType, ctx: InputContext, name: str, depth: int) -> list[Value] | Unsupported:
    text = gt.render()
    values = [Value(f"{text}{{}}", "default", "zero")]
    try:
        length = int(gt.length, 0)
    except ValueError:
        return values
    elems = values_for(gt.elem, ctx, name, depth + 1)
    if isinstance(elems, Unsupported) or not elems or length > 16:
        return values
    picks = _distinct(elems, length) or elems[:1]
    filled = [picks[i % len(picks)] for i in range(length)]
    values.insert(0, Value(f"{text}{{{', '.join(v.literal for v in filled)}}}", "typical",
                           "filled", _imports_of(filled)))
    return values


def _map(gt: GoType, ctx: InputContext, name: str, depth: int) -> list[Value] | Unsupported:
    text = gt.render()
    keys = values_for(gt.key, ctx, "key", depth + 1)
    vals = values_for(gt.elem, ctx, "value", depth + 1)
    if isinstance(keys, Unsupported):
        return Unsupported(f"{keys.reason} (keys of {text})")
    if isinstance(vals, Unsupported):
        return Unsupported(f"{vals.reason} (values of {text})")
    kpicks = [k for k in _distinct(keys, 3) if k.literal != "nil"]
    vpicks = _distinct(vals, 3) or vals[:1]
    values = []
    if kpicks and vpicks:
        pairs = [(kpicks[i], vpicks[i % len(vpicks)]) for i in range(min(2, len(kpicks)))]
        body = ", ".join(f"{k.literal}: {v.literal}" for k, v in pairs)
        values.append(Value(f"{text}{{{body}}}", "typical", f"{len(pairs)} entries",
                            _imports_of([p for pair in pairs for p in pair])))
    values.append(Value("nil", "boundary", "nil map"))
    values.append(Value(f"{text}{{}}", "boundary", "empty map"))
    return values


def _pointer(gt: GoType, ctx: InputContext, name: str, depth: int) -> list[Value] | Unsupported:
    elem = gt.elem
    if elem.kind == "name" and elem.package:
        real = ctx.file_imports.get(elem.package, elem.package).rsplit("/", 1)[-1]
        for key in (f"{elem.package}.{elem.name}", f"{real}.{elem.name}"):
            if key in KNOWN_POINTERS:
                return list(KNOWN_POINTERS[key]) + [Value("nil", "boundary", "nil")]
        return Unsupported(f"no known way to build a *{elem.package}.{elem.name}")
    if elem.kind == "name" and not elem.package and elem.name in ctx.index.types:
        decl = ctx.index.types[elem.name]
        if decl.underlying.kind == "struct":
            inner = values_for(elem, ctx, name, depth + 1)
            if isinstance(inner, Unsupported):
                return inner
            values = [Value("&" + v.literal, v.category, v.label, v.imports)
                      for v in inner if v.literal.startswith(elem.render() + "{")]
            for ctor in ctx.index.constructors(elem.name)[:3]:
                if len(ctor.results) != 1 or ctor.results[0].kind != "pointer" or \
                        depth > 1:
                    continue
                args = []
                imports: frozenset[str] = frozenset()
                for pname, ptype in ctor.params:
                    options = values_for(ptype, ctx, pname, depth + 1)
                    if isinstance(options, Unsupported) or not options:
                        break
                    args.append(options[0].literal + ("..." if ptype.variadic else ""))
                    imports |= options[0].imports
                else:
                    call = f"{ctor.name}({', '.join(args)})"
                    values.insert(0, Value(call, "typical", call if not args else ctor.name,
                                           imports))
                    break
            values.append(Value("nil", "boundary", "nil"))
            return values
    inner = values_for(elem, ctx, name, depth + 1)
    if isinstance(inner, Unsupported):
        return inner
    elem_text = elem.render()
    values = []
    for v in _distinct(inner, 2):
        values.append(Value(f"func() *{elem_text} {{ v := {elem_text}({v.literal}); "
                            f"return &v }}()", v.category, f"pointer to {v.label}", v.imports))
    values.append(Value("nil", "boundary", "nil"))
    return values


def _func(gt: GoType, ctx: InputContext) -> list[Value] | Unsupported:
    params = []
    for i, p in enumerate(gt.params):
        ptext = p.render()
        if gt.variadic and i == len(gt.params) - 1:
            ptext = "..." + p.elem.render()
        params.append(f"{'x' if i == 0 else '_'} {ptext}")
    sig = f"func({', '.join(params)})"
    if not gt.results:
        return [Value(sig + " {}", "typical", "no-op func")]
    if len(gt.results) == 1:
        r = gt.results[0]
        rtext = r.render()
        first = gt.params[0] if gt.params else None
        values = []
        if first is not None and first.render() == rtext and not (
                gt.variadic and len(gt.params) == 1):
            values.append(Value(f"{sig} {rtext} {{ return x }}", "typical", "identity func"))
        if r.is_error:
            values.append(Value(f"{sig} error {{ return nil }}", "typical", "succeeding func"))
            values.append(Value(f'{sig} error {{ return errors.New("boom") }}', "invalid",
                                "failing func", frozenset({"errors"})))
        elif r.kind == "name" and r.name == "bool" and not r.package:
            values.append(Value(f"{sig} bool {{ return true }}", "typical", "always true"))
            values.append(Value(f"{sig} bool {{ return false }}", "boundary", "always false"))
        else:
            values.append(Value(f"{sig} {rtext} {{ var zero {rtext}; return zero }}",
                                "default", "zero func"))
        return values
    rtext = "(" + ", ".join(r.render() for r in gt.results) + ")"
    zeros = "; ".join(f"var z{i} {r.render()}" for i, r in enumerate(gt.results))
    rets = ", ".join(f"z{i}" for i in range(len(gt.results)))
    return [Value(f"{sig} {rtext} {{ {zeros}; return {rets} }}", "default", "zero func")]


def _interface(gt: GoType, methods: tuple[str, ...], ctx: InputContext, name: str,
               depth: int) -> list[Value] | Unsupported:
    if gt.kind == "name" and not gt.package and gt.name in ctx.index.types:
        decl = ctx.index.types[gt.name]
        methods = decl.underlying.methods or methods
        if not methods and "|" in decl.underlying.text:
            return Unsupported(f"{gt.name} is a type constraint, not a value type")
    if not methods:
        return values_for(GoType("name", name="any"), ctx, name, depth)
    values: list[Value] = []
    for type_name, pointer in ctx.index.implementations(methods)[:3]:
        decl = ctx.index.types.get(type_name)
        if decl is None:
            continue
        ctors = [c for c in ctx.index.constructors(type_name) if not c.params
                 and len(c.results) == 1]
        if ctors:
            values.append(Value(f"{ctors[0].name}()", "typical", f"{ctors[0].name}()"))
        elif decl.underlying.kind == "struct":
            values.append(Value(("&" if pointer else "") + type_name + "{}", "typical",
                                f"{type_name} value"))
        else:
            inner = values_for(GoType("name", name=type_name, text=type_name), ctx, name,
                               depth + 1)
            if not isinstance(inner, Unsupported) and inner:
                v = inner[0]
                lit = v.literal
                if not lit.startswith(type_name):
                    lit = f"{type_name}({lit})"
                values.append(Value(("&" if pointer else "") + lit if not pointer else
                                    f"func() *{type_name} {{ v := {type_name}({v.literal}); "
                                    f"return &v }}()", "typical", f"{type_name} value",
                                    v.imports))
    if values:
        values.append(Value("nil", "boundary", "nil"))
        return values
    return Unsupported(f"interface parameter {name} ({gt.render()}) has no known "
                       "implementation in the package")


def _struct(type_text: str, st: GoType, ctx: InputContext, depth: int) -> list[Value]:
    values = [Value(type_text + "{}", "default", f"zero {type_text}")]
    fields = []
    imports: frozenset[str] = frozenset()
    boundary_variants = []
    for fname, ftype in st.fields:
        if fname == "_" or fname == ftype.name and not st.fields:
            continue
        options = values_for(ftype, ctx, fname, depth + 1)
        if isinstance(options, Unsupported) or not options:
            continue
        typical = next((v for v in options if v.category in ("typical", "literal")),
                       options[0])
        if typical.literal in ("nil",):
            continue
        fields.append((fname, typical))
        imports |= typical.imports
        boundary = next((v for v in options if v.category == "boundary"), None)
        if boundary is not None and len(boundary_variants) < 3:
            boundary_variants.append((fname, boundary))
    if fields:
        body = ", ".join(f"{n}: {v.literal}" for n, v in fields)
        values.insert(0, Value(f"{type_text}{{{body}}}", "typical", type_text, imports))
        for fname, boundary in boundary_variants:
            body = ", ".join(f"{n}: {boundary.literal if n == fname else v.literal}"
                             for n, v in fields)
            values.append(Value(f"{type_text}{{{body}}}", "boundary",
                                f"{fname} {boundary.label}", imports | boundary.imports))
    return values


def _distinct(values: list[Value], n: int) -> list[Value]:
    """Up to ``n`` different non-nil values, typical ones first."""
    out: list[Value] = []
    ordered = [v for v in values if v.category in ("typical", "literal")] + \
        [v for v in values if v.category not in ("typical", "literal")]
    for v in ordered:
        if v.literal in ("nil", '""', "0") or v.literal.endswith("{}") or \
                any(o.literal == v.literal for o in out):
            continue
        out.append(v)
        if len(out) == n:
            break
    return out


def _singular(name: str) -> str:
    return name[:-1] if name.endswith("s") and len(name) > 2 else name


def instantiate(type_params: list[tuple[str, GoType]], index: PackageIndex) -> \
        dict[str, GoType] | Unsupported:
    """Pick a concrete type for each type parameter from its constraint."""
    mapping: dict[str, GoType] = {}
    for name, constraint in type_params:
        choice = choose_type_argument(constraint, index)
        if choice is None:
            return Unsupported(f"no concrete type satisfies the constraint "
                               f"{constraint.text or constraint.render()} of {name}")
        mapping[name] = GoType("name", name=choice, text=choice)
    return mapping


def choose_type_argument(constraint: GoType, index: PackageIndex, depth: int = 0) -> str | None:
    text = (constraint.text or constraint.render()).replace(" ", "")
    if constraint.kind == "name" and constraint.name in ("any", "comparable") \
            and not constraint.package:
        return "int"
    if text in ("interface{}", "any", "comparable"):
        return "int"
    if constraint.kind == "name" and constraint.package in ("cmp", "constraints"):
        return {"Ordered": "int", "Integer": "int", "Signed": "int", "Unsigned": "uint",
                "Float": "float64", "Complex": "complex128"}.get(constraint.name)
    if constraint.kind == "name" and not constraint.package and \
            constraint.name in index.types and depth < 3:
        decl = index.types[constraint.name]
        return choose_type_argument(decl.underlying, index, depth + 1)
    terms = re.findall(r"~?([\w.]+)", text.replace("interface{", "").replace("}", ""))
    for preferred in ("int", "int64", "float64", "string", "int32", "uint", "uint64",
                      "float32", "byte", "rune", "uint8", "uint32", "int8", "int16"):
        if preferred in terms:
            return preferred
    for term in terms:
        if term in index.types and depth < 3:
            found = choose_type_argument(index.types[term].underlying, index, depth + 1)
            if found:
                return found
    return None
