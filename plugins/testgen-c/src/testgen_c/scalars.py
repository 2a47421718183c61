"""The C types the offline engine can feed and check, their inputs and their literals.

A type is classified into a *kind*: ``int``, ``uint``, ``double``, ``char``, ``bool``,
``string`` (``const char *``; a returned ``char *`` is read as a string too) or ``None`` for
anything the plugin cannot generate or compare (other pointers, structs, arrays, ``void``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_SIGNED = {
    "int": ("INT_MIN", "INT_MAX"), "signed": ("INT_MIN", "INT_MAX"),
    "signed int": ("INT_MIN", "INT_MAX"), "short": ("SHRT_MIN", "SHRT_MAX"),
    "short int": ("SHRT_MIN", "SHRT_MAX"), "signed short": ("SHRT_MIN", "SHRT_MAX"),
    "long": ("LONG_MIN", "LONG_MAX"), "long int": ("LONG_MIN", "LONG_MAX"),
    "signed long": ("LONG_MIN", "LONG_MAX"), "long long": ("LLONG_MIN", "LLONG_MAX"),
    "long long int": ("LLONG_MIN", "LLONG_MAX"), "ssize_t": ("-1", "SSIZE_MAX"),
    "ptrdiff_t": ("PTRDIFF_MIN", "PTRDIFF_MAX"), "intptr_t": ("INTPTR_MIN", "INTPTR_MAX"),
    "int8_t": ("INT8_MIN", "INT8_MAX"), "int16_t": ("INT16_MIN", "INT16_MAX"),
    "int32_t": ("INT32_MIN", "INT32_MAX"), "int64_t": ("INT64_MIN", "INT64_MAX"),
}
_UNSIGNED = {
    "unsigned": "UINT_MAX", "unsigned int": "UINT_MAX", "unsigned short": "USHRT_MAX",
    "unsigned short int": "USHRT_MAX", "unsigned long": "ULONG_MAX",
    "unsigned long int": "ULONG_MAX", "unsigned long long": "ULLONG_MAX",
    "unsigned long long int": "ULLONG_MAX", "size_t": "SIZE_MAX", "uintptr_t": "UINTPTR_MAX",
    "uint8_t": "UINT8_MAX", "uint16_t": "UINT16_MAX", "uint32_t": "UINT32_MAX",
    "uint64_t": "UINT64_MAX",
}
_DOUBLE = {"double", "float", "long double"}
_CHAR = {"char", "signed char", "unsigned char"}
_BOOL = {"bool", "_Bool"}

# Values of the limit macros, so an observed INT_MAX is written as INT_MAX in a test.
_LIMITS = {
    "INT_MAX": 2**31 - 1, "INT_MIN": -2**31, "LONG_MAX": 2**63 - 1, "LONG_MIN": -2**63,
    "UINT_MAX": 2**32 - 1, "ULONG_MAX": 2**64 - 1,
}


@dataclass(frozen=True)
class CType:
    """A parameter or return type: its text and its kind (``None``: not supported)."""

    text: str
    kind: str | None
    low: str | None = None
    """Macro of the smallest value (``INT_MIN``) for integer kinds."""
    high: str | None = None


def normalize(text: str) -> str:
    """``const  char*`` → ``const char *``."""
    text = re.sub(r"\s*\*\s*", " * ", text)
    return re.sub(r"\s+", " ", text).strip().replace("* *", "**")


def classify(text: str, *, returned: bool = False) -> CType:
    norm = normalize(text)
    bare = re.sub(r"\b(const|volatile|register|restrict)\b", "", norm)
    bare = re.sub(r"\s+", " ", bare).strip()
    if bare in _SIGNED:
        low, high = _SIGNED[bare]
        return CType(norm, "int", low, high)
    if bare in _UNSIGNED:
        return CType(norm, "uint", "0", _UNSIGNED[bare])
    if bare in _DOUBLE:
        return CType(norm, "double")
    if bare in _CHAR:
        return CType(norm, "char")
    if bare in _BOOL:
        return CType(norm, "bool")
    if bare == "char *" and (returned or re.search(r"\bconst\b", norm.split("*")[0])):
        return CType(norm, "string")
    return CType(norm, None)


# --------------------------------------------------------------------------- inputs


def inputs(ctype: CType, literals: tuple[str, ...] = (), position: int = 0
           ) -> list[tuple[str, str]]:
    """(literal, category) inputs for the parameter at ``position``, typical ones first.

    Typical numbers grow with the position (2, 5, 8…), so ``clamp(value, low, high)`` gets an
    ordered range and a call reaches more than one branch.
    """
    kind = ctype.kind
    first, second = str(2 + 3 * position), str(10 + 5 * position)
    if kind == "int":
        out = [(first, "typical"), (second, "typical")]
        out += [(v, "literal") for v in literals if _is_int(v)]
        out += [("0", "boundary"), ("1", "boundary"), ("-1", "boundary"),
                (ctype.high or "INT_MAX", "boundary"), (ctype.low or "INT_MIN", "boundary")]
    elif kind == "uint":
        out = [(first, "typical"), (second, "typical")]
        out += [(v, "literal") for v in literals if _is_int(v) and not v.startswith("-")]
        out += [("0", "boundary"), ("1", "boundary"), (ctype.high or "UINT_MAX", "boundary")]
    elif kind == "double":
        out = [(f"{2.5 + position}", "typical"), (f"{4.0 + 2 * position}", "typical")]
        out += [(v, "literal") for v in literals if _is_number(v)]
        out += [("0.0", "boundary"), ("-1.0", "boundary"), ("1e300", "boundary")]
    elif kind == "char":
        out = [("'a'", "typical"), ("'7'", "typical")]
        out += [(v, "literal") for v in literals if v.startswith("'")]
        out += [("' '", "boundary"), ("'\\0'", "boundary")]
    elif kind == "bool":
        out = [("true", "typical"), ("false", "typical")]
    elif kind == "string":
        out = [('"abc"', "typical"), ('"hello world"', "typical")]
        out += [(v, "literal") for v in literals if v.startswith('"')]
        out += [('""', "boundary"), ('" "', "boundary"), ("NULL", "invalid")]
    else:
        return []
    seen: set[str] = set()
    unique = []
    for value, category in out:
        if value not in seen:
            seen.add(value)
            unique.append((value, category))
    return unique


def _is_int(text: str) -> bool:
    return re.fullmatch(r"-?(0x[0-9a-fA-F]+|\d+)", text) is not None


def _is_number(text: str) -> bool:
    return re.fullmatch(r"-?\d+(\.\d*)?([eE][-+]?\d+)?", text) is not None


# --------------------------------------------------------------------------- observed values


def value_literal(kind: str, raw: str | None) -> str:
    """Turn what the probe printed into a C literal a test can compare against."""
    if kind == "string":
        return "NULL" if raw is None else c_string(bytes.fromhex(raw))
    assert raw is not None
    if kind == "bool":
        return "true" if raw != "0" else "false"
    if kind == "double":
        value = float(raw)
        if math.isnan(value):
            return "NAN"
        if math.isinf(value):
            return "INFINITY" if value > 0 else "-INFINITY"
        text = repr(value)
        return text if any(c in text for c in ".en") else text + ".0"
    if kind == "char":
        code = int(raw)
        return c_char(code)
    number = int(raw)
    for name, limit in _LIMITS.items():
        if number == limit and (kind == "uint") == name.startswith("U"):
            return name
    if number > 2**63 - 1:
        return f"{number}ULL"
    if number < -2**31 or number > 2**31 - 1:
        return f"{number}LL"
    return str(number)


def c_string(data: bytes) -> str:
    out = []
    for byte in data:
        ch = chr(byte)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif 32 <= byte < 127:
            out.append(ch)
        else:
            out.append(f"\\{byte:03o}")
    return '"' + "".join(out) + '"'


def c_char(code: int) -> str:
    code &= 0xFF
    ch = chr(code)
    if ch in "'\\":
        return f"'\\{ch}'"
    if 32 <= code < 127:
        return f"'{ch}'"
    return {0: "'\\0'", 10: "'\\n'", 9: "'\\t'"}.get(code, f"'\\{code:03o}'")


def check_macro(kind: str) -> str:
    """The harness macro that compares a value of ``kind``."""
    return {"int": "CHECK_EQ_INT", "char": "CHECK_EQ_INT", "uint": "CHECK_EQ_UINT",
            "double": "CHECK_EQ_DOUBLE", "string": "CHECK_EQ_STR"}.get(kind, "CHECK_EQ_INT")


def identifier_part(literal: str) -> str:
    """A test-name fragment for a literal: ``-1`` → ``minus_1``, ``""`` → ``empty_string``."""
    named = {'""': "empty_string", "NULL": "null", "' '": "space", "'\\0'": "nul_char",
             '" "': "space_string", "true": "true", "false": "false"}
    if literal in named:
        return named[literal]
    text = literal.strip("'\"").lower()
    text = text.replace("-", "minus_").replace(".", "_").replace("+", "plus_")
    text = re.sub(r"[^a-z0-9_]+", "_", text).strip("_")
    return text or "value"
