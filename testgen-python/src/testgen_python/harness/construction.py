"""Building instances to call methods on: constructor calls that succeed, instances changed
by a chain of state-changing calls, and method sequences for integration tests."""

from __future__ import annotations

import inspect

from .guards import GUARDS
from .inputs import V


class Construction:
    """The instance-building part of :class:`~.context.Context`."""

    def constructions(self, cls, limit: int = 3, with_failures: bool = False) -> list:
        """Constructor expressions for ``cls`` that build an instance without raising."""
        cache_key = (cls, with_failures)
        if cache_key in self._constructions:
            return self._constructions[cache_key][:limit]
        imports: set = set()
        ref = self.literals.class_ref(cls, imports)
        found = []
        if ref is None or inspect.isabstract(cls):
            self.construct_error = "the class cannot be imported by a test" if ref is None \
                else "the class is abstract"
            self._constructions[cache_key] = []
            return []
        params, pools = self.inputs.pools(cls, skip_first=False)
        required = [p for p in params if p.default is p.empty and
                    p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        candidates = []
        for choice in range(6):
            parts, needed = [], set(imports)
            for p in required:
                pool = pools.get(p.name) or [V("None")]
                good = [v for v in pool if v.category in ("typical", "default", "literal")] or pool
                value = good[choice % len(good)] if choice < 3 else pool[choice % len(pool)]
                needed |= value.imports
                parts.append(value.text if p.kind is p.POSITIONAL_ONLY else
                             f"{p.name}={value.text}")
            candidates.append((f"{ref}({', '.join(parts)})", needed))
        seen = set()
        for text, needed in candidates:
            if text in seen:
                continue
            seen.add(text)
            ok, error = self.quick_eval(text)
            if ok or with_failures:
                found.append((text, needed))
            else:
                self.construct_error = error
        self._constructions[cache_key] = found
        return found[:limit]

    def receivers(self, cls) -> list:
        """``(setup_lines, imports)`` per instance: fresh, and after each state-changing call."""
        key = ("receivers", cls)
        if key in self._constructions:
            return self._constructions[key]
        found = []
        for text, imports in self.constructions(cls, limit=2):
            found.append((["obj = " + text], set(imports)))
        if found:
            lines, imports = found[0]
            # Each prefix of a chain of state-changing calls: add, then add + remove, …
            chain, needed_all = list(lines), set(imports)
            for step, needed in self.mutators(cls, lines)[:4]:
                chain.append(step)
                needed_all |= needed
                found.append((list(chain), set(needed_all)))
        self._constructions[key] = found
        return found

    def mutators(self, cls, base: list) -> list:
        """A chain of public method calls, each succeeding after the previous ones and
        changing the instance's state."""
        steps = []
        base = list(base)
        for name, member in vars(cls).items():
            if name.startswith("_") or not inspect.isfunction(member):
                continue
            params, pools = self.inputs.pools(member, skip_first=True)
            required = [p for p in params if p.default is p.empty and
                        p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
            for attempt in range(3):
                parts, needed = [], set()
                for p in required:
                    good = [v for v in pools.get(p.name, []) if v.category in (
                        "typical", "default")] or pools.get(p.name) or [V("None")]
                    value = good[attempt % len(good)]
                    parts.append(value.text)
                    needed |= value.imports
                statement = f"obj.{name}({', '.join(parts)})"
                changed, ok = self.changes_state(base + [statement])
                if ok:
                    if changed:
                        steps.append((statement, needed))
                        base.append(statement)
                    break
        return steps

    def changes_state(self, program: list) -> tuple[bool, bool]:
        namespace = dict(self.namespace)
        try:
            with self.armed():
                for statement in program[:-1]:
                    exec(statement, namespace)  # noqa: S102
                before = self._state(namespace["obj"], set())
                exec(program[-1], namespace)  # noqa: S102
                after = self._state(namespace["obj"], set())
        except BaseException as exc:  # noqa: BLE001
            if isinstance(exc, KeyboardInterrupt):
                raise
            return False, False
        if GUARDS.violation or GUARDS.touched:
            return False, False
        return before != after, True

    def quick_eval(self, text: str):
        try:
            with self.armed():
                eval(text, dict(self.namespace))  # noqa: S307
            return True, ""
        except BaseException as exc:  # noqa: BLE001
            if isinstance(exc, (KeyboardInterrupt,)):
                raise
            return False, f"{type(exc).__name__}: {exc}"[:200]

    def sequences(self, cls, key: str) -> list:
        """For integration tests: build, change with mutators, then read every observer."""
        records: list = []
        observers = []
        for name, member in vars(cls).items():
            if name.startswith("_"):
                continue
            if isinstance(member, property):
                observers.append(f"obj.{name}")
            elif inspect.isfunction(member):
                try:
                    sig = inspect.signature(member)
                except (TypeError, ValueError):
                    continue
                required = [p for p in list(sig.parameters.values())[1:]
                            if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL,
                                                                       p.VAR_KEYWORD)]
                if not required:
                    observers.append(f"obj.{name}()")
        changed = [r for r in self.receivers(cls) if len(r[0]) > 1]
        for setup, imports in changed[-2:]:
            for call in observers[:10]:
                record = self.execute({"key": key, "name": call}, call, set(imports),
                                      receiver=None, call=None, setup=setup)
                if record is not None and record["outcome"] == "return" and \
                        record.get("value") not in (None, "None"):
                    record["category"] = "sequence"
                    records.append(record)
            state = self.execute({"key": key, "name": "state"}, "vars(obj)", set(imports),
                                 receiver=None, call=None, setup=setup)
            if state is not None and state["outcome"] == "return" and state.get("value"):
                state["category"] = "sequence"
                state["details"]["state_only"] = True
                records.append(state)
        return records

    def quick_exec(self, program: list):
        namespace = dict(self.namespace)
        try:
            with self.armed():
                for statement in program:
                    exec(statement, namespace)  # noqa: S102
            return True, ""
        except BaseException as exc:  # noqa: BLE001
            return False, f"{type(exc).__name__}: {exc}"
