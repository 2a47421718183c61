"""The definition under test, and how a test names its receiver and calls it."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from testgen.model import Definition, Probe

from ..gotypes import GoType, parse_type
from ..harness import FORMAT_SIGNATURE, Signature, signature_of
from ..payload import recorded

RESERVED = {"name", "tt", "tests", "t", "got", "err", "want", "wantErr", "r", "ok"}
"""Names the test body declares itself; a parameter or receiver named so is renamed."""


@dataclass(frozen=True)
class Target:
    """One definition, for one framework and test type."""

    definition: Definition
    framework: str
    """``testing`` or ``testify``."""
    test_type: str
    sig: Signature
    receiver: dict[str, Any] | None
    """``{"type", "name", "pointer", "type_params"}`` of a method's receiver."""
    existing: frozenset[str]
    """Test names the package already has."""
    call_style: str = ""
    """``sprintf`` when the method is reached through ``fmt.Sprintf`` (a ``Format`` method)."""

    @classmethod
    def of(cls, definition: Definition, framework: str, test_type: str) -> Target:
        return cls(definition=definition,
                   framework=framework if framework in ("testing", "testify") else "testing",
                   test_type=test_type, sig=signature_of(definition),
                   receiver=definition.details.get("receiver"),
                   existing=frozenset(definition.details.get("existing_tests") or ()))

    def through_sprintf(self) -> Target:
        """A Format method is tested the way it is used: through ``fmt.Sprintf``."""
        return replace(self, sig=FORMAT_SIGNATURE, call_style="sprintf")

    @property
    def testify(self) -> bool:
        return self.framework == "testify"

    @property
    def name(self) -> str:
        return self.definition.name

    def recv_var(self) -> str:
        """The receiver's variable in the test: its own name unless a parameter or the test
        body takes it."""
        name = (self.receiver or {}).get("name") or ""
        if not name or name == "_":
            rtype = (self.receiver or {}).get("type", "v")
            name = rtype[:1].lower() if rtype[:1].isupper() else "recv"
        param_names = {n for n, _ in self.sig.params}
        return "recv" if name in param_names or name in RESERVED else name

    def recv_type(self, type_args: dict[str, GoType]) -> str:
        """The receiver's type with its type arguments (``Stack[int]``)."""
        rtype = self.receiver["type"]
        params = self.receiver.get("type_params") or []
        if params:
            rtype += "[" + ", ".join(type_args.get(p, GoType("name", name=p)).render()
                                     for p in params) + "]"
        return rtype

    def callee(self, recv_var: str, type_args: dict[str, GoType]) -> str:
        """What the test calls: ``fmt.Sprintf``, ``c.Add`` or ``Max[int]``."""
        if self.call_style == "sprintf":
            return "fmt.Sprintf"
        if self.receiver:
            return f"{recv_var}.{self.definition.name}"
        explicit = ""
        if self.sig.type_params:
            explicit = "[" + ", ".join(type_args[n].render() for n, _ in self.sig.type_params
                                       if n in type_args) + "]"
        return self.definition.name + explicit

    def parallel_safe(self) -> bool:
        """Whether rows can run with ``t.Parallel()``: no receiver, no shared package state,
        no argument that could be shared between rows."""
        if self.receiver or self.definition.details.get("uses_package_state"):
            return False
        return all(gt.kind not in ("pointer", "func", "chan", "map", "slice", "interface")
                   and not (gt.kind == "name" and gt.package) for _, gt in self.sig.params)

    def loopvar_per_iteration(self) -> bool:
        """Go 1.22 and later give each loop iteration its own ``tt`` (no ``tt := tt``)."""
        version = self.definition.details.get("go_version") or ""
        match = re.match(r"1\.(\d+)", version)
        return bool(match) and int(match.group(1)) >= 22


def type_arguments(probes: list[Probe]) -> dict[str, GoType]:
    """The type arguments a generic definition was probed with (the first probe that has
    them)."""
    for p in probes:
        args = recorded(p).type_args
        if args:
            return {k: parse_type(v) for k, v in args.items()}
    return {}
