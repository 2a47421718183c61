"""Parsing and extracting C functions."""

from __future__ import annotations


def definitions(plugins, source_file, root, rel, text=None):
    return {d.name: d for d in plugins.extract(plugins.parse(source_file(root, rel, text)))}


def test_functions_have_signature_parameters_and_return_type(plugins, source_file, sample):
    found = definitions(plugins, source_file, sample, "src/strutil.c")
    count_char = found["count_char"]
    assert count_char.signature == "size_t count_char(const char *s, char c)"
    assert [(p.name, p.annotation) for p in count_char.parameters] == [
        ("s", "const char *"), ("c", "char")]
    assert count_char.returns == "size_t"
    assert count_char.docstring == "How many times c occurs in s."
    assert found["day_name"].returns == "const char *"
    assert found["to_upper"].returns is None


def test_static_functions_are_testable_but_not_public(plugins, source_file, sample):
    sign = definitions(plugins, source_file, sample, "src/mathx.c")["sign"]
    assert sign.testable and not sign.is_public


def test_main_is_not_a_test_target(plugins, source_file, sample):
    main = definitions(plugins, source_file, sample, "src/main.c")["main"]
    assert not main.testable
    assert "entry point" in main.untestable_reason


def test_complexity_counts_branches_and_loops(plugins, source_file, sample):
    found = definitions(plugins, source_file, sample, "src/mathx.c")
    assert found["average"].complexity == 1
    assert found["clamp"].complexity == 3


def test_prototypes_are_not_definitions(plugins, source_file, tmp_path):
    found = definitions(plugins, source_file, tmp_path, "x.c", "int f(int a);\nint g(void) { return 1; }\n")
    assert list(found) == ["g"]


def test_functions_inside_preprocessor_conditionals_are_found(plugins, source_file, tmp_path):
    text = "#ifdef FAST\nint fast(int a) { return a; }\n#endif\n"
    assert list(definitions(plugins, source_file, tmp_path, "x.c", text)) == ["fast"]
