"""The instance a method is called on, built the ways the module's API offers one.

Recipes, in this order (only the public API: never an object with the instance's fields
written in):

1. ``new C(...)`` where a parameter the constructor keeps in a field is given the paths the
   method reads through that field (``this.request = request``, and ``charsets`` reads
   ``this.request.headers['accept-charset']``: ``new Negotiator({ headers:
   { 'accept-charset': 'utf-8, iso-8859-1;q=0.8, *;q=0.1' } })``), then each such leaf at
   its other samples, and left out;
2. ``new C(...)`` on the inputs planned for the constructor itself (``new IPv4([1, 2, 3,
   4])``: the length it checks);
3. the statics that return ``new this(...)`` or ``new C(...)``, on their planned inputs
   (``IPv4.parse('192.168.1.1')``), taking turns.

The harness keeps the recipes that give an instance of ``C``, in order: the method's own
inputs are tried on the first, and its typical call on each of the next few (a method
without parameters has nothing else to vary: ``range()`` of ``192.168.1.1`` and of
``127.0.0.1`` differ).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from testgen.model import Definition

from . import inputs

PER_CATEGORY = 12
"""Recipes of one way (the constructor, the factories) and one category of input tried per
method; most of a constructor's planned inputs throw in it."""
VARIED = 6
"""Working receivers, after the first, that each get the method's typical call."""
LEAF_SAMPLES = 3
RECEIVER_CATEGORIES = ("doc-example", "typical", "default", "literal")
"""Inputs of the constructor or a factory worth building a receiver from (a boundary or
invalid one is refused by it, or makes an instance no test would start from)."""


@dataclass(frozen=True)
class Recipe:
    """One way to get an instance: the constructor, or a static factory, on arguments."""

    args: tuple[str, ...]
    category: str
    factory: str | None = None
    """The static method that returns the instance; ``None``: ``new C(...)``."""

    def expression(self, local: str) -> str:
        args = ", ".join(self.args)
        return f"{local}.{self.factory}({args})" if self.factory else f"new {local}({args})"

    def spec(self) -> dict[str, Any]:
        """The recipe as the harness reads it."""
        return {"factory": self.factory, "args": ", ".join(self.args)}


def recipes(method: Definition, file_definitions: list[Definition]) -> tuple[Recipe, ...]:
    """The recipes for ``method``'s receiver, in the order the harness tries them.
    ``file_definitions``: every definition of the method's file (its class, its statics)."""
    details = method.details or {}
    params = [inputs.parameter(p) for p in details.get("constructor") or []]
    found = [Recipe(args, "typical") for args in _through_fields(method, params)]
    found.append(Recipe(tuple(inputs.typical_args(method, params)), "typical"))
    for definition in file_definitions:
        if definition.kind == "class" and definition.qualname == method.parent:
            found += _each_category(Recipe(c.args, c.category) for c in _calls(definition))
    factories = [[Recipe(call.args, call.category, d.name) for call in _calls(d)]
                 for d in file_definitions if d.parent == method.parent and _builds(d)]
    taking_turns = [calls[turn] for turn in range(max(map(len, factories), default=0))
                    for calls in factories if turn < len(calls)]
    found += _each_category(taking_turns)
    # A factory on a typical input before the constructor on one made for its length check:
    # `IPv6.parse('::1')` reads better than `new IPv6('abcdefghijabcdef')`.
    unique = list(dict.fromkeys(found))
    return tuple(sorted(unique, key=lambda r: RECEIVER_CATEGORIES.index(r.category)))


def _each_category(recipes: Iterable[Recipe]) -> list[Recipe]:
    """The first :data:`PER_CATEGORY` recipes of each category: a constructor's many typical
    inputs that it refuses leave room for the literal one it takes."""
    taken: dict[str, int] = {}
    kept = []
    for recipe in recipes:
        if taken.get(recipe.category, 0) < PER_CATEGORY:
            taken[recipe.category] = taken.get(recipe.category, 0) + 1
            kept.append(recipe)
    return kept


def _builds(definition: Definition) -> bool:
    """A static that returns a new instance of its class (``return new this(parts)``)."""
    details = definition.details or {}
    return bool(details.get("static") and details.get("builds"))


def _calls(definition: Definition) -> list[inputs.Call]:
    return [c for c in inputs.plan_calls(definition) if c.category in RECEIVER_CATEGORIES]


def _through_fields(method: Definition, params: list[Any]) -> list[tuple[str, ...]]:
    """Constructor arguments holding what the method reads through the fields they are kept
    in: the first sample of every leaf, then one leaf at a time at another sample or left
    out. ``[]`` when the method reads no path through a field."""
    details = method.details or {}
    reads = details.get("this_reads") or {}
    paths: dict[str, list[list[str]]] = {}
    for field_name, param in (details.get("fields") or {}).items():
        paths.setdefault(param, []).extend(reads.get(field_name) or [])
    if not any(paths.values()):
        return []
    base = inputs.typical_args(method, params)
    samples = {tuple(path): _leaf_samples(path[-1], method)
               for param_paths in paths.values() for path in param_paths}

    def args_with(changed: tuple[str, ...] = (), value: str | None = None
                  ) -> tuple[str, ...]:
        args = list(base)
        for index, param in enumerate(params):
            if paths.get(param.name):
                args += ["undefined"] * (index + 1 - len(args))
                args[index] = _object({tuple(p): value if tuple(p) == changed
                                       else samples[tuple(p)][0] for p in paths[param.name]})
        return tuple(args)

    found = [args_with()]
    for path, values in samples.items():
        found += [args_with(path, value) for value in [*values[1:], None]]
    return found


def _leaf_samples(key: str, method: Definition) -> list[str]:
    """Values for a key read at the end of a path: strings of the shape its name (or the
    method's, or the file's) says, else typical values of the kind the name says."""
    shaped = [inputs.js_string(s) for s in inputs.shaped_strings(key, method)]
    if shaped:
        return shaped[:LEAF_SAMPLES]
    kind = inputs.classify(None, key)
    return inputs.TYPICAL.get(kind, inputs.TYPICAL["any"])[:2]


def _object(leaves: dict[tuple[str, ...], str | None]) -> str:
    """The object literal holding each value at its path (``{ headers: { accept: 'x' } }``);
    a leaf of ``None`` is left out, the objects on its way are not."""
    tree: dict[str, Any] = {}
    for path, value in sorted(leaves.items(), key=lambda item: -len(item[0])):
        node = tree
        for key in path[:-1]:
            node = node.setdefault(key, {})
            if not isinstance(node, dict):
                break
        else:
            if value is not None:
                node.setdefault(path[-1], value)
    return _render(tree)


def _render(tree: dict[str, Any]) -> str:
    if not tree:
        return "{}"
    parts = [f"{inputs.js_key(k)}: {_render(v) if isinstance(v, dict) else v}"
             for k, v in tree.items()]
    return f"{{ {', '.join(parts)} }}"
