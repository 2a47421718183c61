"""Values as source text that evaluates back to an equal value, with the imports it needs."""

from __future__ import annotations

import datetime as _dt
import decimal
import enum
import fractions
import math
import re
import sys

MAX_REPR = 600
MAX_ITEMS = 50


class Literals:
    """Turns values into source text that evaluates back to an equal value."""

    def __init__(self, module, module_name: str):
        self.module = module
        self.module_name = module_name
        self.namespace = {"Decimal": decimal.Decimal, "Fraction": fractions.Fraction,
                          "datetime": _dt, "inf": math.inf}

    def render(self, value, imports: set, depth: int = 0):
        text = self._render(value, imports, depth)
        if text is None or len(text) > MAX_REPR:
            return None
        return text

    def _render(self, value, imports: set, depth: int):
        if depth > 6:
            return None
        kind = type(value)
        if value is None or kind in (bool, int, str, bytes):
            return repr(value)
        if kind is float:
            if math.isnan(value):
                return None
            if math.isinf(value):
                return "float('inf')" if value > 0 else "float('-inf')"
            return repr(value)
        if kind is complex:
            return repr(value) if all(map(math.isfinite, (value.real, value.imag))) else None
        if kind in (list, tuple, set, frozenset):
            if len(value) > MAX_ITEMS:
                return None
            items = [self._render(v, imports, depth + 1) for v in value]
            if any(i is None for i in items):
                return None
            if kind is list:
                return "[" + ", ".join(items) + "]"
            if kind is tuple:
                return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
            try:
                items = [self._render(v, imports, depth + 1) for v in sorted(value)]
            except TypeError:
                pass
            if kind is set:
                return "{" + ", ".join(items) + "}" if items else "set()"
            return "frozenset({" + ", ".join(items) + "})" if items else "frozenset()"
        if kind is dict:
            if len(value) > MAX_ITEMS:
                return None
            parts = []
            for k, v in value.items():
                key, val = self._render(k, imports, depth + 1), self._render(v, imports, depth + 1)
                if key is None or val is None:
                    return None
                parts.append(f"{key}: {val}")
            return "{" + ", ".join(parts) + "}"
        if kind is bytearray:
            return repr(value)
        if isinstance(value, decimal.Decimal) and kind is decimal.Decimal:
            if not value.is_finite():
                return None
            imports.add("from decimal import Decimal")
            return f"Decimal({str(value)!r})"
        if kind is fractions.Fraction:
            imports.add("from fractions import Fraction")
            return f"Fraction({value.numerator}, {value.denominator})"
        if isinstance(value, (_dt.date, _dt.time, _dt.timedelta, _dt.timezone)) and \
                type(value).__module__ == "datetime":
            text = repr(value)
            if "datetime." in text and self._roundtrips(text, value, {"datetime": _dt}):
                imports.add("import datetime")
                return text
            return None
        if isinstance(value, enum.Enum):
            ref = self.class_ref(type(value), imports)
            return f"{ref}.{value.name}" if ref else None
        if kind is range:
            return repr(value)
        return self._by_repr(value, imports)

    def _by_repr(self, value, imports: set):
        """Objects whose repr is a constructor call of an importable class."""
        cls = type(value)
        try:
            text = repr(value)
        except Exception:
            return None
        if not text or text.startswith("<") or len(text) > MAX_REPR or \
                type(cls).__eq__ is None or cls.__eq__ is object.__eq__:
            return None
        local_imports: set = set()
        ref = self.class_ref(cls, local_imports)
        if ref is None or not text.startswith(cls.__name__ + "("):
            return None
        namespace = dict(self.namespace)
        namespace[cls.__name__] = cls
        for name, obj in vars(self.module).items():
            if isinstance(obj, type):
                namespace.setdefault(name, obj)
        if not self._roundtrips(text, value, namespace):
            return None
        for needed, line in (("Decimal(", "from decimal import Decimal"),
                             ("datetime.", "import datetime"),
                             ("Fraction(", "from fractions import Fraction")):
            if needed in text:
                local_imports.add(line)
        for name in re.findall(r"\b([A-Z]\w*)\(", text):
            if name != cls.__name__ and name not in ("Decimal", "Fraction"):
                other = getattr(self.module, name, None)
                if not isinstance(other, type) or self.class_ref(other, local_imports) is None:
                    return None
        imports.update(local_imports)
        return text

    def _roundtrips(self, text: str, value, namespace: dict) -> bool:
        try:
            again = eval(text, dict(namespace))  # noqa: S307 - our own rendering, in the sandbox
            return bool(again == value) and type(again) is type(value)
        except Exception:
            return False

    def class_ref(self, cls, imports: set):
        """How a test names ``cls``: imported from the target module, else from its own."""
        name = cls.__name__
        if "<locals>" in cls.__qualname__:
            return None
        if getattr(self.module, name, None) is cls:
            imports.add(f"from {self.module_name} import {name}")
            return name
        owner = sys.modules.get(cls.__module__)
        if owner is None or cls.__module__ in ("__main__", "builtins"):
            return None
        target = owner
        for part in cls.__qualname__.split("."):
            target = getattr(target, part, None)
        if target is not cls:
            return None
        top = cls.__qualname__.split(".")[0]
        imports.add(f"from {cls.__module__} import {top}")
        return cls.__qualname__


def exception_name(exc_type, literals: Literals, imports: set) -> str:
    if exc_type.__module__ == "builtins":
        return exc_type.__name__
    return literals.class_ref(exc_type, imports) or exc_type.__name__
