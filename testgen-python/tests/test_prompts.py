"""Python.render_prompt: the LLM template packs."""

import pytest

from testgen.model import Framework, Probe, PromptRequest
from testgen_python.plugin import Python

PYTHON = Python()

TYPES = ("unit", "edge-cases", "negative", "table-driven", "integration", "regression")


@pytest.fixture
def request_for(project):
    project.write("shop/__init__.py", "")
    project.write("shop/pricing.py", '''
        def parse_price(text: str) -> float:
            """Parse a price."""
            if not text:
                raise ValueError("empty price")
            return float(text)
    ''')
    d = project.definitions("shop/pricing.py")[0]

    def build(framework="pytest", test_type="unit", **extra):
        probes = {d.key: [Probe(definition=d.key, args=("''",), outcome="raise",
                                exception="ValueError", message="empty price",
                                call="parse_price('')")]}
        return PromptRequest(definitions=[d], framework=Framework(framework, "python"),
                             test_type=test_type, probes=probes, module_path="shop.pricing",
                             callees=("def helper(x: int) -> int",),
                             imports=("import math",), **extra)
    return build


@pytest.mark.parametrize("framework", ["pytest", "unittest"])
@pytest.mark.parametrize("test_type", TYPES)
def test_every_type_and_framework_has_a_prompt(request_for, framework, test_type):
    prompt = PYTHON.render_prompt(request=request_for(framework, test_type))
    assert prompt.template == f"prompts/{framework}/{test_type}.j2"
    assert framework in prompt.system
    assert '"tests": [{"test_name"' in prompt.system
    assert "def parse_price(text: str) -> float:" in prompt.user
    assert "`parse_price('')` raised `ValueError` with message 'empty price'" in prompt.user
    assert "from shop.pricing import parse_price" in prompt.system


def test_the_system_part_does_not_depend_on_the_definition(request_for, project):
    first = PYTHON.render_prompt(request=request_for())
    project.write("shop/pricing.py", "def other(x):\n    return x\n")
    assert "def other" not in first.system


def test_types_ask_for_different_things(request_for):
    unit = PYTHON.render_prompt(request=request_for(test_type="unit"))
    table = PYTHON.render_prompt(request=request_for(test_type="table-driven"))
    assert "parametrize" in table.system and unit.system != table.system


def test_repair_prompts_carry_the_failing_code_and_error(request_for):
    prompt = PYTHON.render_prompt(request=request_for(
        repair={"test_code": "def test_x():\n    assert 1 == 2", "error": "AssertionError"}))
    assert "This test failed." in prompt.user
    assert "AssertionError" in prompt.user


def test_a_project_override_replaces_one_template(request_for, tmp_path):
    folder = tmp_path / "prompts" / "pytest"
    folder.mkdir(parents=True)
    (folder / "unit.j2").write_text("{% if part == 'system' %}HOUSE RULES{% else %}"
                                    "{{ definitions[0].name }}{% endif %}")
    prompt = PYTHON.render_prompt(request=request_for(template_dirs=(tmp_path,)))
    assert (prompt.system.strip(), prompt.user.strip()) == ("HOUSE RULES", "parse_price")
