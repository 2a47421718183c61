"""Python.parse and Python.extract: definitions, signatures, complexity, errors."""

from testgen_python.plugin import Python

PYTHON = Python()

SAMPLE = '''
"""Module doc."""
import os
from typing import Optional
try:
    import json
except ImportError:
    json = None


def total(a, b: int = 1, *args: str, c, d: Optional[str] = "x", **kw) -> int:
    """Add things.

    >>> total(1, c=2)
    2
    """
    if a and b or c:
        return [x for x in args if x]
    elif a:
        return 1 if b else 2
    for i in range(3):
        while False:
            pass
    try:
        os.path.join(a)
    except ValueError:
        pass
    return helper(a)


@cache(maxsize=2)
async def fetch(x, /, y, *, z=2):
    def inner():
        return 1
    return inner()


class Cart(Base):
    "A cart."

    def __init__(self, items: list[str] | None = None):
        self.items = items or []

    @property
    def size(self) -> int:
        return len(self.items)

    @size.setter
    def size(self, value):
        pass

    @staticmethod
    def make(n):
        return Cart()

    def _private(self):
        pass


if __name__ == "__main__":
    def main():
        pass
'''


def extract(project, text=SAMPLE):
    project.write("mod.py", text)
    return {d.qualname: d for d in project.definitions("mod.py")}


def test_functions_methods_classes_and_nested_definitions_are_found(project):
    defs = extract(project)
    assert set(defs) == {"total", "fetch", "fetch.inner", "Cart", "Cart.__init__", "Cart.size",
                         "Cart.size.setter", "Cart.make", "Cart._private", "main"}
    assert defs["Cart.make"].kind == "method"
    assert defs["Cart"].kind == "class"
    assert defs["Cart.make"].parent == "Cart"


def test_parameters_carry_annotations_defaults_and_kinds(project):
    params = [(p.name, p.annotation, p.default, p.kind)
              for p in extract(project)["total"].parameters]
    assert params == [
        ("a", None, None, "positional"), ("b", "int", "1", "positional"),
        ("args", "str", None, "var_positional"), ("c", None, None, "keyword"),
        ("d", "Optional[str]", '"x"', "keyword"), ("kw", None, None, "var_keyword"),
    ]


def test_positional_only_and_keyword_only_markers_are_handled(project):
    params = [(p.name, p.kind) for p in extract(project)["fetch"].parameters]
    assert params == [("x", "positional"), ("y", "positional"), ("z", "keyword")]


def test_methods_have_a_receiver_and_static_methods_do_not(project):
    defs = extract(project)
    assert defs["Cart.__init__"].parameters[0].kind == "receiver"
    assert defs["Cart.make"].parameters[0].kind == "positional"


def test_signature_return_type_docstring_and_lines(project):
    d = extract(project)["total"]
    assert d.signature.startswith("def total(a, b: int = 1")
    assert d.signature.endswith("-> int")
    assert d.returns == "int"
    assert d.docstring.startswith("Add things.")
    assert ">>> total(1, c=2)" in d.docstring
    assert (d.start_line, d.end_line) == (10, 27)
    assert d.code.startswith("def total(")


def test_cyclomatic_complexity_counts_every_decision_point(project):
    # if, `and`, `or`, comprehension if, elif, conditional expression, for, while, except
    assert extract(project)["total"].complexity == 10


def test_async_and_decorators_are_recorded(project):
    d = extract(project)["fetch"]
    assert d.is_async
    assert d.decorators == ("cache(maxsize=2)",)
    assert d.start_line == 30  # the decorator line belongs to the definition


def test_nested_functions_are_not_testable_and_say_why(project):
    d = extract(project)["fetch.inner"]
    assert not d.testable
    assert "nested inside fetch()" in d.untestable_reason


def test_private_names_are_testable_but_not_public(project):
    d = extract(project)["Cart._private"]
    assert d.testable and not d.is_public


def test_definitions_under_the_main_guard_are_not_testable(project):
    d = extract(project)["main"]
    assert not d.testable
    assert "script" in d.untestable_reason


def test_property_setter_gets_its_own_key(project):
    defs = extract(project)
    assert defs["Cart.size"].testable
    assert not defs["Cart.size.setter"].testable


def test_imports_and_calls_are_collected(project):
    d = extract(project)["total"]
    assert d.imports == ("import os", "from typing import Optional", "import json")
    assert d.calls == ("helper", "join", "range")


def test_content_hash_changes_with_the_body_only(project):
    before = extract(project)["total"].content_hash
    moved = extract(project, "\n\n# a comment above\n" + SAMPLE)["total"].content_hash
    changed = extract(project, SAMPLE.replace("return helper(a)", "return helper(b)"))
    assert before == moved
    assert changed["total"].content_hash != before


def test_syntax_errors_are_reported_with_line_and_column(project):
    project.write("bad.py", "def f(:\n    return (1\nx = = 2\n")
    parsed = PYTHON.parse(source=project.source("bad.py"))
    assert parsed.errors
    first = parsed.errors[0]
    assert (first.line, first.column) == (1, 7)
    assert first.message


def test_clean_files_have_no_errors(project):
    project.write("ok.py", "def f(x):\n    return x\n")
    assert PYTHON.parse(source=project.source("ok.py")).errors == []



def test_the_outline_finds_what_extract_finds_without_what_only_prompts_read(project):
    project.write("mod.py", SAMPLE)
    parsed = PYTHON.parse(source=project.source("mod.py"))
    full = PYTHON.extract(parsed=parsed)
    outline = PYTHON.outline(parsed=parsed)

    def identity(d):
        return (d.key, d.kind, d.start_line, d.end_line, d.signature, d.complexity,
                d.parent, d.is_async, d.is_public, d.testable, d.untestable_reason)

    assert [identity(d) for d in outline] == [identity(d) for d in full]
    assert full[0].calls and full[0].code and full[0].docstring  # `total`, in full
    assert all(not d.code and not d.calls and not d.parameters and d.docstring is None
               and not d.imports and not d.decorators and not d.content_hash
               for d in outline)


def test_a_name_mangled_method_is_left_to_the_methods_that_call_it(project):
    defs = extract(project, '''
class Vault:
    def __check(self, guess):
        return guess == "s"

    def open(self, guess):
        return self.__check(guess)

    def __eq__(self, other):
        return True
''')
    assert not defs["Vault.__check"].testable
    assert "stored as _Vault__check" in defs["Vault.__check"].untestable_reason
    assert defs["Vault.open"].testable and defs["Vault.__eq__"].testable
