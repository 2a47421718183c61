"""Which probes a test uses, and which of their rows a table keeps.

A table keeps the rows that added coverage first, then one row per new kind of outcome (an
error, a zero result, a negative one...), then a few more up to :data:`FILL`; never more than
:data:`MAX_ROWS` for the test type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from testgen.model import Probe

from ..payload import Failure, recorded
from .target import Target

MAX_ROWS = {"unit": 8, "edge-cases": 10, "negative": 10, "table-driven": 14,
            "regression": 20, "integration": 6}
FILL = {"regression": 20, "table-driven": 8}
"""Rows kept beyond the ones that add coverage or show a new kind of outcome."""
CATEGORIES = {
    "unit": {"typical", "literal", "doc-example", "default"},
    "edge-cases": {"boundary", "default", "invalid"},
    "negative": None,
    "table-driven": None,
    "regression": None,
    "integration": {"typical", "doc-example", "literal"},
}
"""The input categories each test type draws on (``None``: every category)."""


@dataclass
class Row:
    """One row of a table: its name and the Go expression of each column."""

    name: str
    values: dict[str, str] = field(default_factory=dict)
    probe: Probe | None = None


@dataclass
class Written:
    """One test function: its name, its Go code and the rows it pins."""

    name: str
    code: str
    rows: list[Row]


def usable(target: Target, probes: list[Probe]) -> list[Probe]:
    """The probes of the test type's categories that returned or failed."""
    allowed = CATEGORIES[target.test_type]
    chosen = [p for p in probes if p.outcome in ("return", "raise")
              and (allowed is None or p.category in allowed or
                   # a unit test is about typical use, but not at the price of
                   # leaving a branch that another input reached untested
                   (target.test_type == "unit" and recorded(p).gain))]
    if target.receiver and target.test_type != "integration":
        chosen = [p for p in chosen if p.category != "sequence"]
    return chosen


def stable(p: Probe, part: str, key=None) -> bool:
    """Whether ``part`` of the probe's result was the same in both calls."""
    if p.deterministic:
        return True
    observed = recorded(p).stable
    if observed is None:
        return False
    value = getattr(observed, part)
    if key is None:
        return bool(value)
    if isinstance(value, tuple):
        return key < len(value) and bool(value[key])
    return bool((value or {}).get(key))


def select(rows: list[Row], limit: int, test_type: str) -> list[Row]:
    """Rows that added coverage first, then ones with a new kind of outcome."""
    chosen: list[Row] = []
    shapes: set[str] = set()

    def shape(row: Row) -> str:
        p = row.probe
        err = recorded(p).error or Failure()
        message = re.sub(r'"[^"]*"|\'[^\']*\'|\d+', "", err.msg)
        return f"{p.outcome if p else ''}|{err.sentinel or message}|" \
               + "|".join(value_shape(v) for k, v in sorted(row.values.items())
                          if k.startswith("want"))

    for row in rows:
        if row.probe is not None and recorded(row.probe).gain and len(chosen) < limit:
            chosen.append(row)
            shapes.add(shape(row))
    for row in rows:
        if len(chosen) >= limit:
            break
        if row in chosen:
            continue
        s = shape(row)
        if s not in shapes:
            chosen.append(row)
            shapes.add(s)
    fill = FILL.get(test_type, 4)
    for row in rows:
        if len(chosen) >= min(limit, fill):
            break
        if row not in chosen:
            chosen.append(row)
    order = {id(r): i for i, r in enumerate(rows)}
    return sorted(chosen, key=lambda r: order[id(r)])


def value_shape(literal: str) -> str:
    """Coarse class of an expected value, so a table shows different kinds of outcome."""
    text = literal.strip()
    inner = text[text.find("(") + 1:-1] if text.endswith(")") and "(" in text else text
    if inner in ("0", "0.0", '""', "nil", "false", "") or text.endswith("{}"):
        return "zero"
    if inner.startswith("-"):
        return "negative"
    if inner == "true":
        return "true"
    return "value"


def dedupe(rows: list[Row]) -> list[Row]:
    """One row per distinct input (arguments and receiver setup)."""
    seen: set[tuple] = set()
    out = []
    for row in rows:
        key = tuple(sorted((k, v) for k, v in row.values.items() if not k.startswith("want")))
        key += (row.probe.setup if row.probe else (),)
        if key in seen:
            continue
        seen.add(key)
        out.append(row)
    return out
