from pathlib import Path

from testgen_go.plugin import Go

from gotestkit import EXAMPLE, definitions, source, write_module

GO = Go()

SHAPES = '''
package shapes

import (
	"errors"
	"fmt"
	"io"
)

// ErrEmpty is returned for empty input.
var ErrEmpty = errors.New("empty")

// Stack is a LIFO of T.
type Stack[T any] struct{ items []T }

// Push adds xs on top.
// It never fails.
func (s *Stack[T]) Push(xs ...T) { s.items = append(s.items, xs...) }

// Len is how many items there are.
func (s Stack[T]) Len() int { return len(s.items) }

// Max returns the largest value, or ErrEmpty.
func Max[N int | float64](xs []N) (N, error) {
	if len(xs) == 0 {
		return 0, ErrEmpty
	}
	best := xs[0]
	for _, x := range xs[1:] {
		if x > best && x == x || false {
			best = x
		}
	}
	return best, nil
}

func describe(w io.Writer, v any) error {
	switch v.(type) {
	case int:
		_, err := fmt.Fprintf(w, "int %d", v)
		return err
	default:
		return nil
	}
}

func init() {}
'''


def _by_name(defs):
    return {d.qualname: d for d in defs}


def test_functions_and_methods_use_go_doc_qualnames(tmp_path: Path):
    write_module(tmp_path, {"shapes.go": SHAPES})
    defs = _by_name(definitions(tmp_path, "shapes.go"))
    assert set(defs) == {"(*Stack).Push", "Stack.Len", "Max", "describe", "init"}
    push = defs["(*Stack).Push"]
    assert push.kind == "method" and push.parent == "Stack"
    assert push.details["receiver"] == {"name": "s", "type": "Stack", "pointer": True,
                                        "type_params": ["T"]}
    assert defs["Stack.Len"].details["receiver"]["pointer"] is False


def test_signature_parts_generics_variadics_and_errors(tmp_path: Path):
    write_module(tmp_path, {"shapes.go": SHAPES})
    defs = _by_name(definitions(tmp_path, "shapes.go"))
    push, maximum = defs["(*Stack).Push"], defs["Max"]
    assert [(p.name, p.annotation, p.kind) for p in push.parameters] == [
        ("s", "*Stack[T]", "receiver"), ("xs", "...T", "var_positional")]
    assert maximum.details["type_params"] == [["N", "int | float64"]]
    assert maximum.returns == "(N, error)"
    assert maximum.details["returns_error"] is True
    assert maximum.signature == "func Max[N int | float64](xs []N) (N, error)"


def test_doc_comments_exported_flags_and_interfaces(tmp_path: Path):
    write_module(tmp_path, {"shapes.go": SHAPES})
    defs = _by_name(definitions(tmp_path, "shapes.go"))
    assert defs["(*Stack).Push"].docstring == "Push adds xs on top.\nIt never fails."
    assert defs["Max"].is_public and not defs["describe"].is_public
    assert defs["describe"].details["interface_params"] == ["w", "v"]
    assert not defs["init"].testable and "init" in defs["init"].untestable_reason


def test_complexity_counts_branches_and_boolean_operators(tmp_path: Path):
    write_module(tmp_path, {"shapes.go": SHAPES})
    defs = _by_name(definitions(tmp_path, "shapes.go"))
    # if + for + if + && + || = 5 decision points
    assert defs["Max"].complexity == 6
    assert defs["describe"].complexity == 2  # one non-default case
    assert defs["Stack.Len"].complexity == 1


def test_content_hash_follows_code_not_position(tmp_path: Path):
    write_module(tmp_path / "a", {"shapes.go": SHAPES})
    write_module(tmp_path / "b", {"shapes.go": "// moved\n\n" + SHAPES.replace(
        "return best, nil", "return best + 0, nil")})
    a = _by_name(definitions(tmp_path / "a", "shapes.go"))
    b = _by_name(definitions(tmp_path / "b", "shapes.go"))
    assert a["Stack.Len"].content_hash == b["Stack.Len"].content_hash
    assert a["Max"].content_hash != b["Max"].content_hash
    assert len(a["Max"].content_hash) == 64


def test_imports_calls_and_literals_are_recorded(tmp_path: Path):
    write_module(tmp_path, {"shapes.go": SHAPES})
    defs = _by_name(definitions(tmp_path, "shapes.go"))
    assert defs["Max"].imports == ('"errors"', '"fmt"', '"io"')
    assert "fmt.Fprintf" in defs["describe"].calls
    assert defs["describe"].details["literals"]["string"] == ['"int %d"']


def test_literals_reach_the_helpers_and_constants_a_function_calls(tmp_path: Path):
    write_module(tmp_path, {
        "kv.go": """
            package kv

            import "strings"

            const sep = '='

            // Pair splits "key=value".
            func Pair(s string) (string, string, bool) { return cut(strings.TrimSpace(s)) }
            """,
        "cut.go": """
            package kv

            const comment = "#"

            func cut(s string) (string, string, bool) {
            	if strings.HasPrefix(s, comment) {
            		return "", "", false
            	}
            	for i, r := range s {
            		if r == sep {
            			return s[:i], s[i+1:], true
            		}
            	}
            	return s, "", false
            }
            """})
    (pair,) = definitions(tmp_path, "kv.go")
    literals = pair.details["literals"]
    # the helper in another file of the package, and the constants it compares with
    assert literals["rune"] == ["'='"]
    assert set(literals["string"]) == {'"#"', '""'}
    assert literals["int"] == ["1"]


def test_existing_tests_mark_definitions_as_tested():
    defs = _by_name(definitions(EXAMPLE, "money.go"))
    assert defs["ParsePrice"].details["tested"] is True
    assert defs["Percent"].details["tested"] is False
    assert "TestParsePrice" in defs["Percent"].details["existing_tests"]


def test_doc_examples_become_argument_lists():
    defs = _by_name(definitions(EXAMPLE, "money.go"))
    assert defs["ParsePrice"].details["doc_examples"] == [['"12.50"']]


def test_syntax_errors_have_line_and_column(tmp_path: Path):
    write_module(tmp_path, {"broken.go": "package b\n\nfunc F( int {\n\treturn 1\n}\n"})
    parsed = GO.parse(source=source(tmp_path, "broken.go"))
    assert parsed.errors
    first = parsed.errors[0]
    assert first.line == 3 and first.column >= 1
    assert "syntax error" in first.message


def test_files_excluded_by_build_constraints_are_untestable(tmp_path: Path):
    write_module(tmp_path, {"win.go": "//go:build windows\n\npackage w\n\nfunc W() int { "
                                      "return 1 }\n"})
    (d,) = definitions(tmp_path, "win.go")
    assert not d.testable
    assert "windows" in d.untestable_reason
