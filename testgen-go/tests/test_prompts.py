from pathlib import Path

import pytest

from testgen.model import Framework, Probe, PromptRequest

from testgen_go.plugin import Go

from gotestkit import EXAMPLE, definitions

GO = Go()

TYPES = ["unit", "edge-cases", "negative", "table-driven", "integration", "regression"]


def _request(framework: str, test_type: str, **extra) -> PromptRequest:
    defs = [d for d in definitions(EXAMPLE, "money.go") if d.name == "ParsePrice"]
    probes = {defs[0].key: [
        Probe(definition=defs[0].key, args=('"12.50"',), call='ParsePrice("12.50")',
              value="Cents(1250)"),
        Probe(definition=defs[0].key, args=('""',), call='ParsePrice("")', outcome="raise",
              exception="ErrInvalidPrice", message="invalid price: empty")]}
    return PromptRequest(definitions=defs, framework=Framework(name=framework, language="go"),
                         test_type=test_type, probes=probes,
                         callees=("func strings.TrimSpace(s string) string",), **extra)


@pytest.mark.parametrize("framework", ["testing", "testify"])
@pytest.mark.parametrize("test_type", TYPES)
def test_every_framework_and_type_has_a_template(framework, test_type):
    prompt = GO.render_prompt(request=_request(framework, test_type))
    assert prompt.template == f"prompts/{framework}/{test_type}.j2"
    assert "package inventory" in prompt.user and "inventory" not in prompt.system
    assert '"tests"' in prompt.system and "test_code" in prompt.system
    assert "func ParsePrice(s string) (Cents, error)" in prompt.user
    assert 'ParsePrice("12.50")` → returns Cents(1250), nil error' in prompt.user
    assert 'error ErrInvalidPrice "invalid price: empty"' in prompt.user
    assert "strings.TrimSpace" in prompt.user
    assert ("require.ErrorIs" in prompt.system) == (framework == "testify")


def test_a_project_template_overrides_the_packaged_one(tmp_path: Path):
    (tmp_path / "prompts" / "testing").mkdir(parents=True)
    (tmp_path / "prompts" / "testing" / "unit.j2").write_text(
        "{% block system %}custom system for {{ package }}{% endblock %}"
        "{% block user %}custom user: {{ definitions[0].name }}{% endblock %}")
    prompt = GO.render_prompt(request=_request("testing", "unit",
                                               template_dirs=(tmp_path,)))
    assert prompt.system.strip() == "custom system for inventory"
    assert prompt.user.strip() == "custom user: ParsePrice"
    other = GO.render_prompt(request=_request("testing", "negative",
                                              template_dirs=(tmp_path,)))
    assert "Negative tests" in other.system


def test_repair_rounds_show_the_failed_code_and_the_error():
    prompt = GO.render_prompt(request=_request(
        "testing", "unit", repair={"test_code": "func TestX(t *testing.T) {}",
                                   "error": "undefined: Foo"}))
    assert "func TestX(t *testing.T) {}" in prompt.user
    assert "undefined: Foo" in prompt.user
