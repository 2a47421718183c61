"""Mutation sites from a tree-sitter tree: one operator set for every language.

A language declares a :class:`MutationGrammar` — the node types of its functions, binary
operators, literals, returns, raises and call statements, and how it spells "do nothing" and
"no value" — and :func:`mutants` walks a parsed file and yields one :class:`Mutant` per small
change a test suite should notice::

    from testgen.kit.mutation import MutationGrammar, mutants, sample

    GRAMMAR = MutationGrammar(functions=frozenset({"function_definition"}), ...)
    found = mutants(parsed.tree, source_bytes, GRAMMAR, "pkg/mod.py")
    chosen = sample(found, 30, seed=0)

The operators (:data:`OPERATORS`):

* ``comparison`` — ``<`` ↔ ``<=``, ``>`` ↔ ``>=``, ``==`` ↔ ``!=`` (``===`` ↔ ``!==``);
* ``arithmetic`` — ``+`` ↔ ``-``, ``*`` ↔ ``/``, ``%`` → ``*``, ``//`` → ``/``, ``**`` → ``*``,
  ``<<`` ↔ ``>>``;
* ``boolean`` — ``and`` ↔ ``or``, ``&&`` ↔ ``||``;
* ``negation`` — ``not x`` / ``!x`` → ``x``;
* ``integer`` — a decimal integer ``n`` → ``n + 1`` (so ``0`` → ``1``), its type suffix kept;
* ``boolean-literal`` — ``true`` ↔ ``false`` in the language's spelling;
* ``string`` — a non-empty string literal → the empty string with the same quotes and prefix;
* ``return`` — the returned expression → the language's null value, where it has one that
  compiles for any return type (:attr:`MutationGrammar.null_value`; empty: no such mutant);
* ``call`` — an expression statement that is only a call → the language's empty statement;
* ``raise`` — a raise/throw statement → the empty statement.

Only code inside function bodies is mutated (never signatures, defaults, decorators, module
constants), and never a string that is a statement of its own (docstrings). Everything here is
plain data and tree walking: nothing imports a grammar.

A compiled language can declare :class:`Schemata` too: :func:`schemata` then writes one version
of a file that holds many mutants at once — each function body gets a copy per mutant, run only
when an environment variable names that mutant's number — so a mutant costs a run of the
already built tests, not a build.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping

__all__ = ["OPERATORS", "SWAPS", "SCHEMATA_VARIABLE", "Mutant", "MutationGrammar", "Schema",
           "Schemata", "apply", "mutants", "sample", "schemata"]

OPERATORS = ("comparison", "arithmetic", "boolean", "negation", "integer", "boolean-literal",
             "string", "return", "call", "raise")
"""Every operator name a :class:`Mutant` may carry, in report order."""

SWAPS: Mapping[str, tuple[str, str]] = {
    "<": ("<=", "comparison"), "<=": ("<", "comparison"),
    ">": (">=", "comparison"), ">=": (">", "comparison"),
    "==": ("!=", "comparison"), "!=": ("==", "comparison"),
    "===": ("!==", "comparison"), "!==": ("===", "comparison"),
    "+": ("-", "arithmetic"), "-": ("+", "arithmetic"),
    "*": ("/", "arithmetic"), "/": ("*", "arithmetic"),
    "%": ("*", "arithmetic"), "//": ("/", "arithmetic"), "**": ("*", "arithmetic"),
    "<<": (">>", "arithmetic"), ">>": ("<<", "arithmetic"),
    "and": ("or", "boolean"), "or": ("and", "boolean"),
    "&&": ("||", "boolean"), "||": ("&&", "boolean"),
}
"""Binary operator token → (replacement, operator name), shared by every language."""

_INTEGER = re.compile(r"^(0|[1-9][0-9_]*)((?:[iu](?:8|16|32|64|128|size))|[uUlL]{1,3}|n)?$")


SCHEMATA_VARIABLE = "TESTGEN_MUTANT"
"""The environment variable that switches one mutant of a :class:`Schema` on (its number);
unset or ``0``: the code as written."""


@dataclass(frozen=True)
class Schemata:
    """How a language holds many mutants in one build (mutant schemata).

    The body of each function (of :attr:`functions`, outermost only) that has mutants gets,
    right after its opening brace, one :attr:`branch` per mutant: the whole body again with
    that mutant applied, run when the switch reads the mutant's number. The templates are
    ``str.format`` strings with ``{switch}`` (the switch's name, unique per file),
    ``{number}`` and ``{body}`` (the mutated body, braces included).
    """

    functions: frozenset[str]
    """Function nodes whose ``body`` field is a braced block the branches go into."""
    branch: str
    """A branch of a function that returns a value."""
    switch: str
    """The switch's definition, appended to the file (``{switch}``, ``{variable}``)."""
    branch_void: str = ""
    """A branch of a function without :attr:`result_field` (default: :attr:`branch`)."""
    result_field: str = ""
    """The field of a function node that holds its result type."""
    prelude: str = ""
    """Text inserted right after the first :attr:`prelude_after` node, on its line (imports
    the switch needs; ``{switch}``); line numbers below it do not move."""
    prelude_after: str = ""
    """The node type the prelude follows; empty: the prelude opens the file."""
    unfit_nodes: frozenset[str] = frozenset()
    """Node types that keep a function out when its body holds one (labels, which a copy of
    the body would define twice)."""
    unfit_signature: str = ""
    """A regular expression: a function whose text before its body matches stays out (a
    ``const fn``, which cannot read the environment)."""


@dataclass(frozen=True)
class MutationGrammar:
    """What a language's tree-sitter grammar calls the things the operators change.

    Every field is a set of node types (or a spelling); an empty set switches that operator
    off for the language.
    """

    functions: frozenset[str]
    """Function-like nodes whose ``body`` field holds the code to mutate (functions, methods,
    closures, lambdas)."""
    binary: frozenset[str] = frozenset()
    """Nodes whose anonymous operator children are swapped by :data:`SWAPS`
    (``binary_expression``; Python's ``comparison_operator``, ``boolean_operator``)."""
    skip_operators: frozenset[str] = frozenset()
    """Tokens of :data:`SWAPS` the language leaves alone (an operator whose swap would rarely
    compile)."""
    negations: frozenset[str] = frozenset()
    """Unary nodes that become their operand when their operator is ``!`` or ``not``."""
    integers: frozenset[str] = frozenset()
    """Integer literal nodes (only decimal ones are changed)."""
    skip_integers_under: frozenset[str] = frozenset()
    """Parents whose integer children are no value (Rust's tuple index ``self.0`` in a
    ``field_expression``: ``self.1`` would rarely compile)."""
    booleans: Mapping[str, str] = field(default_factory=dict)
    """Boolean literal spelling → its opposite (``{"true": "false", "false": "true"}``)."""
    boolean_nodes: frozenset[str] = frozenset()
    """Node types of boolean literals."""
    strings: frozenset[str] = frozenset()
    """String literal nodes; one becomes its first and last child (the quotes with any prefix)
    when it has content between them."""
    skip_strings_under: frozenset[str] = frozenset()
    """Ancestors under which strings are left alone (a macro's token tree, where an emptied
    format string would not compile)."""
    skip_strings_matching: str = ""
    """A regular expression: strings in which it finds a match are left alone (format strings
    whose emptied form a checker rejects, such as Go's vet on ``fmt.Errorf("%w", err)``)."""
    expression_statement: str = "expression_statement"
    """The statement made of one expression: removed when that expression is a call, and a
    string that is the whole statement (a docstring) is never mutated."""
    calls: frozenset[str] = frozenset()
    """Call nodes (calls, method calls, macro invocations) whose statement may be removed."""
    returns: frozenset[str] = frozenset()
    """Return statements whose expression becomes :attr:`null_value`."""
    null_value: str = ""
    """The value of any type (``None``, ``undefined``); empty: no ``return`` mutants."""
    raises: frozenset[str] = frozenset()
    """Raise/throw statements that become :attr:`empty_statement`."""
    empty_statement: str = ""
    """A statement that does nothing (``pass``, ``;``, ``{}``); also replaces removed calls.
    Empty here means "remove the text" (a language where an empty line is a statement)."""
    remove_calls: bool = True
    """Whether call statements are removed (``call`` mutants)."""
    schemata: Schemata | None = None
    """How to build many mutants at once; ``None``: one build (or none) per mutant."""


@dataclass(frozen=True)
class Mutant:
    """One small change of one source file: the bytes ``start_byte:end_byte`` of the file
    (which read ``original``) become ``replacement``."""

    file: str
    """Project-relative path."""
    line: int
    """1-based line of the change."""
    column: int
    """1-based column (in bytes) of the change."""
    start_byte: int
    end_byte: int
    original: str
    replacement: str
    operator: str
    """One of :data:`OPERATORS`."""
    id: str
    """Stable across runs on unchanged code: derived from the file, place and change."""

    @property
    def description(self) -> str:
        """``'<' → '<='``, short and on one line, for reports."""
        return f"{_short(self.original)!r} → {_short(self.replacement)!r}"


def apply(source: bytes, mutant: Mutant) -> bytes:
    """``source`` with ``mutant`` applied (a byte splice)."""
    return source[:mutant.start_byte] + mutant.replacement.encode("utf-8") + \
        source[mutant.end_byte:]


def mutants(tree: Any, source: bytes, grammar: MutationGrammar, file: str) -> list[Mutant]:
    """Every mutant of ``source`` (parsed as ``tree``) inside function bodies, in file order."""
    found = [m for m in _walk(tree.root_node, source, grammar, file)]
    found.sort(key=lambda m: (m.start_byte, m.end_byte, m.operator, m.replacement))
    unique: dict[str, Mutant] = {}
    for mutant in found:
        unique.setdefault(mutant.id, mutant)
    return list(unique.values())


def sample(found: Iterable[Mutant], n: int | None, seed: int = 0) -> list[Mutant]:
    """At most ``n`` of ``found`` (all when ``n`` is ``None``), chosen by a hash of the seed,
    file and mutant id — the same choice on every run — and returned in file order."""
    every = list(found)
    if n is None or len(every) <= n:
        return every
    def rank(m: Mutant) -> str:
        return hashlib.sha256(f"{seed}:{m.file}:{m.id}".encode()).hexdigest()
    chosen = {m.id for m in sorted(every, key=rank)[:max(0, n)]}
    return [m for m in every if m.id in chosen]


@dataclass(frozen=True)
class Schema:
    """One version of a file holding many mutants, each switched on by its number."""

    content: bytes
    numbers: Mapping[str, int]
    """Mutant id → the value of :data:`SCHEMATA_VARIABLE` that switches it on."""
    lines: Mapping[str, tuple[int, int]]
    """Mutant id → the first and last line (1-based) of its branch in :attr:`content`, to
    tell which mutants a compiler's error is about."""

    def at_lines(self, lines: Iterable[int]) -> set[str]:
        """The ids of the mutants whose branch holds one of ``lines``."""
        wanted = set(lines)
        return {mid for mid, (first, last) in self.lines.items()
                if any(first <= n <= last for n in wanted)}


def schemata(tree: Any, source: bytes, grammar: MutationGrammar, chosen: Iterable[Mutant],
             switch: str) -> Schema | None:
    """``source`` with every mutant of ``chosen`` that lies in a fit function built in,
    switched by ``switch`` (a name unique in the file's scope); ``None`` when the language
    declares no :class:`Schemata` or no mutant fits. Mutants left out run one at a time."""
    plan = grammar.schemata
    if plan is None:
        return None
    hosts = _hosts(tree.root_node, source, plan)
    inserts: list[tuple[int, bytes, list[tuple[Mutant, int, int]]]] = []
    numbers: dict[str, int] = {}
    by_host: dict[int, list[Mutant]] = {}
    for mutant in chosen:
        host = next((i for i, (_fn, body) in enumerate(hosts)
                     if body.start_byte < mutant.start_byte and mutant.end_byte < body.end_byte),
                    None)
        if host is not None:
            by_host.setdefault(host, []).append(mutant)
    for index, found in sorted(by_host.items()):
        function, body = hosts[index]
        text = source[body.start_byte:body.end_byte]
        template = plan.branch if plan.branch_void == "" or (
            plan.result_field and function.child_by_field_name(plan.result_field) is not None) \
            else plan.branch_void
        pieces, spans, below = [b"\n"], [], 1  # below: lines of the pieces so far
        for mutant in found:
            numbers[mutant.id] = len(numbers) + 1
            offset = mutant.start_byte - body.start_byte
            mutated = (text[:offset] + mutant.replacement.encode("utf-8") +
                       text[offset + mutant.end_byte - mutant.start_byte:]).decode("utf-8")
            branch = template.format(switch=switch, number=numbers[mutant.id], body=mutated)
            spans.append((mutant, below, branch.count("\n")))
            pieces.append(branch.encode("utf-8") + b"\n")
            below += branch.count("\n") + 1
        inserts.append((body.start_byte + 1, b"".join(pieces), spans))
    if not inserts:
        return None
    out, lines, last, shift = bytearray(), {}, 0, 0
    prelude_at = _prelude_at(tree.root_node, plan)
    for at, text, spans in sorted(inserts, key=lambda i: i[0]):
        out += source[last:at]
        base = source[:at].count(b"\n") + 1 + shift  # the line of the opening brace
        for mutant, first, height in spans:
            lines[mutant.id] = (base + first, base + first + height)
        out += text
        shift += text.count(b"\n")
        last = at
    out += source[last:]
    if prelude_at is not None:
        out[prelude_at:prelude_at] = plan.prelude.format(switch=switch).encode("utf-8")
    out += ("\n" + plan.switch.format(switch=switch, variable=SCHEMATA_VARIABLE) +
            "\n").encode("utf-8")
    return Schema(bytes(out), numbers, lines)


def _hosts(root: Any, source: bytes, plan: Schemata) -> list[tuple[Any, Any]]:
    """The outermost functions of ``plan.functions`` fit to hold branches, with their
    bodies."""
    found, stack = [], [root]
    while stack:
        node = stack.pop()
        if node.type in plan.functions:
            body = node.child_by_field_name("body")
            if body is not None and source[body.start_byte:body.start_byte + 1] == b"{" \
                    and not _holds(body, plan.unfit_nodes) and not (
                        plan.unfit_signature and re.search(
                            plan.unfit_signature,
                            source[node.start_byte:body.start_byte].decode("utf-8", "replace"))):
                found.append((node, body))
            continue  # nested functions are copied with their host
        stack.extend(node.children)
    return found


def _holds(node: Any, types: frozenset[str]) -> bool:
    if not types:
        return False
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in types:
            return True
        stack.extend(current.children)
    return False


def _prelude_at(root: Any, plan: Schemata) -> int | None:
    if not plan.prelude:
        return None
    if not plan.prelude_after:
        return 0
    return next((c.end_byte for c in root.children if c.type == plan.prelude_after), None)


# --------------------------------------------------------------------------- walking


def _walk(root: Any, source: bytes, grammar: MutationGrammar, file: str) -> Iterator[Mutant]:
    # Depth-first with an explicit stack (deep trees would overflow recursion); ``inside``
    # says whether the node is part of a function body.
    stack: list[tuple[Any, bool, bool]] = [(root, False, False)]
    while stack:
        node, inside, skip_strings = stack.pop()
        if inside:
            yield from _at(node, source, grammar, file, skip_strings)
        if node.type in grammar.functions:
            body = node.child_by_field_name("body")
            body_id = (body.start_byte, body.end_byte) if body is not None else None
        else:
            body_id = None
        under = skip_strings or node.type in grammar.skip_strings_under
        for child in reversed(node.children):
            child_inside = inside or (body_id is not None
                                      and (child.start_byte, child.end_byte) == body_id)
            stack.append((child, child_inside, under))


def _at(node: Any, source: bytes, grammar: MutationGrammar, file: str,
        skip_strings: bool) -> Iterator[Mutant]:
    kind = node.type
    if kind in grammar.binary:
        for child in node.children:
            if child.is_named:
                continue
            token = _text(source, child)
            swap = SWAPS.get(token)
            if swap and token not in grammar.skip_operators:
                yield _mutant(file, child, token, swap[0], swap[1])
    if kind in grammar.negations:
        operator = next((c for c in node.children if not c.is_named), None)
        operand = next((c for c in reversed(node.children) if c.is_named), None)
        if operator is not None and operand is not None \
                and _text(source, operator) in ("!", "not"):
            yield _mutant(file, node, _text(source, node), _text(source, operand), "negation")
    if kind in grammar.integers and not (node.parent is not None
                                         and node.parent.type in grammar.skip_integers_under):
        text = _text(source, node)
        match = _INTEGER.match(text)
        if match:
            value = int(match.group(1).replace("_", ""))
            yield _mutant(file, node, text, f"{value + 1}{match.group(2) or ''}", "integer")
    if kind in grammar.boolean_nodes:
        text = _text(source, node)
        if text in grammar.booleans:
            yield _mutant(file, node, text, grammar.booleans[text], "boolean-literal")
    if kind in grammar.strings and not skip_strings and not _is_statement(node, grammar) \
            and not (grammar.skip_strings_matching
                     and re.search(grammar.skip_strings_matching, _text(source, node))):
        children = node.children
        if len(children) >= 3:
            emptied = _text(source, children[0]) + _text(source, children[-1])
            if emptied != _text(source, node):
                yield _mutant(file, node, _text(source, node), emptied, "string")
    if kind in grammar.returns and grammar.null_value:
        value = next((c for c in node.named_children if c.type != "comment"), None)
        if value is not None and _text(source, value) != grammar.null_value:
            yield _mutant(file, value, _text(source, value), grammar.null_value, "return")
    if kind in grammar.raises:
        yield _mutant(file, node, _text(source, node), grammar.empty_statement, "raise")
    if kind == grammar.expression_statement and grammar.remove_calls:
        named = [c for c in node.named_children if c.type != "comment"]
        if len(named) == 1 and named[0].type in grammar.calls:
            yield _mutant(file, node, _text(source, node), grammar.empty_statement, "call")


def _is_statement(node: Any, grammar: MutationGrammar) -> bool:
    """A string that is a statement of its own: a docstring or a directive."""
    parent = node.parent
    return parent is not None and parent.type == grammar.expression_statement and \
        len([c for c in parent.named_children if c.type != "comment"]) == 1


def _mutant(file: str, node: Any, original: str, replacement: str, operator: str) -> Mutant:
    row, column = node.start_point
    digest = hashlib.sha256(f"{file}\0{node.start_byte}\0{node.end_byte}\0{operator}\0"
                            f"{replacement}".encode()).hexdigest()[:12]
    return Mutant(file=file, line=row + 1, column=column + 1, start_byte=node.start_byte,
                  end_byte=node.end_byte, original=original, replacement=replacement,
                  operator=operator, id=digest)


def _text(source: bytes, node: Any) -> str:
    return source[node.start_byte:node.end_byte].decode("utf-8", "replace")


def _short(text: str, limit: int = 40) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= limit else one_line[:limit - 1] + "…"
