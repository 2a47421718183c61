"""Every language x framework x test type renders a prompt a model can read line by line:
one observation per line, the code numbered as in the file, a nil Go error written as such, the
JavaScript import relative to the test file, and a system part that is the same for every
file (so providers can cache it)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from testgen.config import TEST_TYPES
from testgen.engines import GenerationJob
from testgen.model import Framework, Probe, PromptRequest, SourceFile
from testgen.plugins import Plugins

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = {"python": ("python", "src/shop/pricing.py", "src/shop/cart.py"),
            "go": ("go", "money.go", "cart.go"),
            "javascript": ("javascript", "src/money.js", "src/cart.ts"),
            "rust": ("rust", "src/money.rs", "src/parse.rs")}


def _plugins() -> Plugins:
    return Plugins.load()


PLUGINS = _plugins()
CASES = [(language, framework, test_type)
         for language, info in sorted(PLUGINS.languages().items()) if language in EXAMPLES
         for framework in info.frameworks for test_type in TEST_TYPES]


def _definitions(language: str, rel: str):
    folder = ROOT / "examples" / EXAMPLES[language][0]
    path = folder / rel
    if not path.is_file():
        pytest.skip(f"{path} is missing")
    source = SourceFile(path, rel, language, path.read_text(encoding="utf-8"), folder)
    found = [d for d in PLUGINS.extract(PLUGINS.parse(source))
             if d.testable and d.kind != "class"]
    return source, found


def _probes(definition) -> list[Probe]:
    name = definition.name
    return [
        Probe(definition=definition.key, args=("1",), call=f"{name}(1)", value="11"),
        Probe(definition=definition.key, args=("2",), call=f"{name}(2)", outcome="raise",
              exception="ValueError", message="bad input: 2"),
        Probe(definition=definition.key, args=("3",), call=f"{name}(3)", value="33",
              setup=("x = 3",)),
    ]


def _render(language: str, framework: str, test_type: str, rel: str, test_path: str = ""):
    source, definitions = _definitions(language, rel)
    definition = definitions[0]
    request = PromptRequest(definitions=[definition],
                            framework=Framework(framework, language), test_type=test_type,
                            probes={definition.key: _probes(definition)},
                            imports=tuple(definition.imports), test_path=test_path,
                            source_text=source.text)
    return definition, PLUGINS.render_prompt(request)


@pytest.mark.parametrize("language,framework,test_type", CASES)
def test_every_observation_is_a_line_of_its_own(language, framework, test_type):
    definition, prompt = _render(language, framework, test_type, EXAMPLES[language][1])
    lines = prompt.user.splitlines()
    for number in (1, 2, 3):
        call = f"{definition.name}({number})"
        holding = [line for line in lines if call in line]
        assert len(holding) == 1, (call, holding)
        line = holding[0]
        assert line.lstrip().startswith("- "), line
        others = [f"{definition.name}({n})" for n in (1, 2, 3) if n != number]
        assert not any(other in line for other in others), line
    raised = next(line for line in lines if f"{definition.name}(2)" in line)
    assert "bad input: 2" in raised


@pytest.mark.parametrize("language,framework,test_type", CASES)
def test_the_code_is_numbered_as_in_the_file(language, framework, test_type):
    definition, prompt = _render(language, framework, test_type, EXAMPLES[language][1])
    code_lines = definition.code.rstrip("\n").split("\n")
    first = next(i for i, line in enumerate(code_lines) if line.strip())
    wanted = f"{definition.start_line + first}  {code_lines[first]}".rstrip()
    assert wanted in prompt.user.splitlines()


@pytest.mark.parametrize("language,framework,test_type", CASES)
def test_the_system_part_is_the_same_for_every_file(language, framework, test_type):
    _, one = _render(language, framework, test_type, EXAMPLES[language][1])
    _, other = _render(language, framework, test_type, EXAMPLES[language][2])
    assert one.system == other.system


def test_a_go_nil_error_is_written_as_nil():
    if "go" not in PLUGINS.languages():
        pytest.skip("testgen-go is not installed")
    from testgen_go.payload import Observed, Value

    source, definitions = _definitions("go", "money.go")
    parse = next(d for d in definitions if d.name == "ParsePrice")
    probe = Probe(definition=parse.key, args=('"1.50"',), call='ParsePrice("1.50")',
                  value="Cents(150)",
                  payload=Observed(results=(Value(ok=True, lit="Cents(150)"),)))
    prompt = PLUGINS.render_prompt(PromptRequest(
        definitions=[parse], framework=Framework("testing", "go"), test_type="unit",
        probes={parse.key: [probe]}))
    line = next(line for line in prompt.user.splitlines() if 'ParsePrice("1.50")' in line)
    assert line == '- `ParsePrice("1.50")` → returns Cents(150), nil error'
    assert "no Go literal" not in prompt.user


def test_the_javascript_import_is_relative_to_the_test_file():
    if "javascript" not in PLUGINS.languages():
        pytest.skip("testgen-javascript is not installed")
    _, prompt = _render("javascript", "node:test", "unit", "src/money.js",
                        test_path="test/money.testgen.test.js")
    hint = prompt.user.split("Import it with:", 1)[1]
    assert "'../src/money.js'" in hint and "'./money.js'" not in hint


def test_the_engine_shows_only_what_a_definition_calls(toy):
    from testgen.engines.llm import callee_context

    helpers = [toy.definition(f"helper_{n}") for n in range(40)]
    target = toy.definition("target")
    target.calls = ("helper_3",)
    job = GenerationJob.for_file(toy.job([target]).source, [target], [target, *helpers],
                                 Framework("toytest", "toy"), "unit")
    assert callee_context([target], job) == ("def helper_3(x) [toy/mod.toy]",)


def test_numbered_lines_start_at_the_definition(toy):
    definition = toy.definition("f", lines=3)
    definition.start_line, definition.end_line = 9, 11
    assert re.findall(r"^\s*(\d+)  ", definition.numbered_code(), re.M) == ["9", "10", "11"]


REFERENCED = [("python", "src/shop/pricing.py", "parse_price", "CENT = Decimal"),
              ("go", "cart.go", "Add", 'ErrOutOfStock = errors.New('),
              ("go", "cart.go", "Add", "type Item struct {"),
              ("javascript", "src/money.js", "formatMoney", "SYMBOLS = {"),
              ("rust", "src/budget.rs", "spend", "pub enum BudgetError {"),
              ("python", "src/shop/pricing.py", "bulk_discount", "class PricingError(ValueError):")]


@pytest.mark.parametrize("language,rel,name,wanted", REFERENCED)
def test_the_declarations_a_definition_uses_are_shown(language, rel, name, wanted):
    if language not in PLUGINS.languages():
        pytest.skip(f"testgen-{language} is not installed")
    source, definitions = _definitions(language, rel)
    definition = next(d for d in definitions if d.name == name)
    info = PLUGINS.languages()[language]
    prompt = PLUGINS.render_prompt(PromptRequest(
        definitions=[definition], framework=Framework(info.default_framework, language),
        test_type="unit", source_text=source.text))
    assert wanted in prompt.user
