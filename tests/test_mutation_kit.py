"""The kit's mutation sites (testgen.kit.mutation) on each language's real grammar and table."""

from __future__ import annotations

import pytest

from testgen import grammars
from testgen.kit.mutation import Mutant, MutationGrammar, apply, mutants, sample
from testgen.plugins import Plugins


@pytest.fixture(scope="module")
def plugins() -> Plugins:
    return Plugins.load()


def sites(plugins: Plugins, language: str, source: str, grammar: tuple[str, ...] = ()
          ) -> list[Mutant]:
    table = plugins.language(language).mutation
    assert table is not None
    data = source.encode()
    tree = grammars.parser(*(grammar or (language,))).parse(data)
    return mutants(tree, data, table, "src/file")


def changes(found: list[Mutant]) -> set[tuple[int, str, str, str]]:
    return {(m.line, m.operator, m.original, m.replacement) for m in found}


PYTHON = '''\
LIMIT = 10


def clamp(value, low=0, high=LIMIT):
    """Keep value between low and high."""
    if value < low and not quiet:
        log("low")
        raise ValueError("too low")
    return min(value, high) + 1 if True else None
'''


def test_python_sites_cover_every_operator_inside_the_body_only(plugins):
    found = changes(sites(plugins, "python", PYTHON))
    assert found == {
        (6, "comparison", "<", "<="), (6, "boolean", "and", "or"),
        (6, "negation", "not quiet", "quiet"),
        (7, "call", 'log("low")', "pass"), (7, "string", '"low"', '""'),
        (8, "raise", 'raise ValueError("too low")', "pass"),
        (8, "string", '"too low"', '""'),
        (9, "return", "min(value, high) + 1 if True else None", "None"),
        (9, "arithmetic", "+", "-"), (9, "integer", "1", "2"),
        (9, "boolean-literal", "True", "False"),
    }  # not LIMIT = 10, not the defaults, not the docstring


def test_a_mutant_applied_is_a_byte_splice_that_still_parses(plugins):
    data = PYTHON.encode()
    for mutant in sites(plugins, "python", PYTHON):
        mutated = apply(data, mutant)
        assert data[:mutant.start_byte] == mutated[:mutant.start_byte]
        tree = grammars.parser("python").parse(mutated)
        assert not tree.root_node.has_error, mutant


def test_ids_are_stable_and_distinct(plugins):
    first = sites(plugins, "python", PYTHON)
    again = sites(plugins, "python", PYTHON)
    assert [m.id for m in first] == [m.id for m in again]
    assert len({m.id for m in first}) == len(first)


def test_sample_takes_the_same_mutants_on_every_run_in_file_order(plugins):
    found = sites(plugins, "python", PYTHON)
    chosen = sample(found, 4, seed=1)
    assert len(chosen) == 4
    assert chosen == sample(found, 4, seed=1)
    assert {m.id for m in sample(list(reversed(found)), 4, seed=1)} == {m.id for m in chosen}
    assert [m.start_byte for m in chosen] == sorted(m.start_byte for m in chosen)
    assert sample(found, None) == found
    assert sample(found, 100) == found


def test_javascript_and_typescript_sites(plugins):
    js = ("const k = 3;\nfunction f(a, b) {\n  if (a <= b || !a) { g(a); throw new Error('x'); }\n"
          "  return a === b ? `t` : 0;\n}\nconst h = (x) => x * 2;\n")
    assert changes(sites(plugins, "javascript", js, ("javascript",))) == {
        (3, "comparison", "<=", "<"), (3, "boolean", "||", "&&"), (3, "negation", "!a", "a"),
        (3, "call", "g(a);", ";"), (3, "raise", "throw new Error('x');", ";"),
        (3, "string", "'x'", "''"),
        (4, "return", "a === b ? `t` : 0", "undefined"), (4, "comparison", "===", "!=="),
        (4, "string", "`t`", "``"), (4, "integer", "0", "1"),
        (6, "arithmetic", "*", "/"), (6, "integer", "2", "3"),
    }
    ts = "export function f(a: number): boolean { return a % 2 == 1; }\n"
    assert changes(sites(plugins, "javascript", ts, ("typescript", "typescript"))) == {
        (1, "return", "a % 2 == 1", "undefined"), (1, "arithmetic", "%", "*"),
        (1, "integer", "2", "3"), (1, "comparison", "==", "!="), (1, "integer", "1", "2"),
    }


def test_go_sites_have_no_return_mutants_and_keep_format_strings(plugins):
    go = ('package p\n\nconst n = 1\n\nfunc F(a int) (int, error) {\n'
          '\tif a >= 0 && !done {\n\t\tlog("x")\n\t\treturn 0, errors.New("neg")\n\t}\n'
          '\treturn a - 1, fmt.Errorf("%w: %d", err, a)\n}\n')
    assert changes(sites(plugins, "go", go)) == {
        (6, "comparison", ">=", ">"), (6, "integer", "0", "1"), (6, "boolean", "&&", "||"),
        (6, "negation", "!done", "done"), (7, "call", 'log("x")', ""),
        (7, "string", '"x"', '""'), (8, "integer", "0", "1"), (8, "string", '"neg"', '""'),
        (10, "arithmetic", "-", "+"), (10, "integer", "1", "2"),
    }


def test_rust_sites_keep_macro_strings_and_integer_suffixes(plugins):
    rust = ('fn f(a: u8) -> u8 {\n    if a > 2u8 || false { println!("{}", a); }\n'
            '    let s = "x";\n    a * 2\n}\n')
    assert changes(sites(plugins, "rust", rust)) == {
        (2, "comparison", ">", ">="), (2, "integer", "2u8", "3u8"), (2, "boolean", "||", "&&"),
        (2, "boolean-literal", "false", "true"), (2, "call", 'println!("{}", a);', "{}"),
        (3, "string", '"x"', '""'), (4, "arithmetic", "*", "/"), (4, "integer", "2", "3"),
    }


def test_rust_tuple_indices_are_no_integers_to_change(plugins):
    rust = "fn f(p: (u8, u8)) -> u8 {\n    p.0 + p.1 * 3\n}\n"
    assert changes(sites(plugins, "rust", rust)) == {
        (2, "arithmetic", "+", "-"), (2, "arithmetic", "*", "/"), (2, "integer", "3", "4"),
    }


def test_c_sites(plugins):
    c = "static int k = 4;\nint f(int a) { if (a != 0) { g(a); } return a << 1; }\n"
    assert changes(sites(plugins, "c", c)) == {
        (2, "comparison", "!=", "=="), (2, "integer", "0", "1"), (2, "call", "g(a);", ";"),
        (2, "arithmetic", "<<", ">>"), (2, "integer", "1", "2"),
    }


def test_an_operator_left_out_of_the_table_makes_no_mutant():
    table = MutationGrammar(functions=frozenset({"function_definition"}),
                            binary=frozenset({"comparison_operator"}),
                            skip_operators=frozenset({"<"}))
    data = b"def f(a):\n    return a < 1 or a > 2\n"
    tree = grammars.parser("python").parse(data)
    assert changes(mutants(tree, data, table, "f.py")) == {(2, "comparison", ">", ">=")}


def test_hex_and_float_literals_are_left_alone(plugins):
    found = changes(sites(plugins, "python", "def f():\n    return 0x10 + 1.5 + 1_000\n"))
    assert {(o, r) for _, op, o, r in found if op == "integer"} == {("1_000", "1001")}
