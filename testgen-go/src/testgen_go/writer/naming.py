"""Names of tests and of table rows.

``TestParsePrice`` (unit), ``TestCart_Add`` for methods, ``Test_parse`` for unexported
functions, with a suffix per test type (``_EdgeCases``, ``_Errors``, ``_Table``,
``_Regression``, ``_Integration``) and ``_Panics`` (``_EdgeCasePanics``, ``_TablePanics``...)
for recovered panics. A name the package already has gets ``_Generated``.
"""

from __future__ import annotations

import re

from ..payload import recorded
from .rows import Row
from .target import Target

TYPE_SUFFIX = {"unit": "", "edge-cases": "_EdgeCases", "negative": "_Errors",
               "table-driven": "_Table", "regression": "_Regression",
               "integration": "_Integration"}
PANIC_SUFFIX = {"negative": "_Panics", "edge-cases": "_EdgeCasePanics",
                "table-driven": "_TablePanics", "regression": "_RegressionPanics"}
"""Panic tests are named per type so two types asked for in one run never collide; unit
tests are about typical use and leave panics to the negative type."""


def base_name(target: Target) -> str:
    name = target.name
    if target.receiver:
        rtype = target.receiver["type"]
        return f"Test{rtype[:1].upper()}{rtype[1:]}_{name}"
    if name[:1].isupper():
        return f"Test{name}"
    return f"Test_{name}"


def test_name(target: Target, suffix: str) -> str:
    name = base_name(target) + suffix
    while name in target.existing:
        name += "_Generated" if not name.endswith("_Generated") else "2"
    return name


def camel(text: str) -> str:
    """``new cart`` → ``NewCart``."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", text)
                   if part)


def name_rows(rows: list[Row], with_receiver: bool) -> None:
    """Name each row for its input (``"empty string"``, ``"doc example"``), ``fails`` for an
    error, ``#2`` for a repeat."""
    used: dict[str, int] = {}
    for i, row in enumerate(rows):
        p = row.probe
        label = recorded(p).label
        if p is not None and p.category == "doc-example":
            label = "doc example"
        receiver_label = recorded(p).receiver_label
        if with_receiver and receiver_label and label != receiver_label:
            label = f"{receiver_label}, {label}" if label else receiver_label
        if not label:
            label = "no arguments" if p is not None and not p.args else f"case {i + 1}"
        if p is not None and p.outcome == "raise" and "error" not in label and \
                "invalid" not in label:
            label = f"{label} fails"
        label = re.sub(r"\s+", " ", label).strip()[:48]
        count = used.get(label, 0) + 1
        used[label] = count
        row.name = label if count == 1 else f"{label} #{count}"
