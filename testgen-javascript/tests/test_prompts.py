"""Prompt templates: six test types for each of the four frameworks, overridable."""

from __future__ import annotations

import pytest

from testgen.model import Framework, Probe, PromptRequest
from testgen_javascript.plugin import JavaScript

javascript = JavaScript()

TYPES = ("unit", "edge-cases", "negative", "table-driven", "integration", "regression")
FRAMEWORKS = ("jest", "vitest", "mocha", "node:test")


@pytest.fixture(scope="module")
def cart_total(kit):
    source = kit.source_file(kit.example, "src/cart.ts")
    return next(d for d in kit.definitions_of(source) if d.qualname == "Cart.totals")


@pytest.mark.parametrize("framework", FRAMEWORKS)
@pytest.mark.parametrize("test_type", TYPES)
def test_every_framework_and_type_renders(cart_total, framework, test_type):
    prompt = javascript.render_prompt(request=PromptRequest(
        definitions=[cart_total], framework=Framework(framework, "javascript"),
        test_type=test_type))
    assert prompt.template == f"prompts/{framework.replace(':', '-')}/{test_type}.j2"
    assert '"tests"' in prompt.system and "test_code" in prompt.system
    assert cart_total.numbered_code() in prompt.user
    assert "import { Cart } from './cart.js';" in prompt.user


@pytest.mark.parametrize("framework, mock", [("jest", "jest.fn()"), ("vitest", "vi.fn()"),
                                             ("mocha", "sinon"), ("node:test", "mock.fn()")])
def test_mocks_use_the_framework_facility(cart_total, framework, mock):
    prompt = javascript.render_prompt(request=PromptRequest(
        definitions=[cart_total], framework=Framework(framework, "javascript"),
        test_type="integration"))
    assert mock in prompt.system


def test_probes_are_given_as_ground_truth(cart_total):
    probe = Probe(definition=cart_total.key, setup=("const cart = new Cart();",),
                  call="cart.totals()", value="{ subtotal: 0 }")
    prompt = javascript.render_prompt(request=PromptRequest(
        definitions=[cart_total], framework=Framework("vitest", "javascript"),
        test_type="regression", probes={cart_total.key: [probe]}))
    assert "`cart.totals()` → returns `{ subtotal: 0 }`" in prompt.user


def test_a_project_template_overrides_the_packaged_one(cart_total, tmp_path):
    (tmp_path / "prompts" / "jest").mkdir(parents=True)
    (tmp_path / "prompts" / "jest" / "unit.j2").write_text(
        "{% if part == 'system' %}house rules{% else %}{{ definitions[0].qualname }}{% endif %}")
    prompt = javascript.render_prompt(request=PromptRequest(
        definitions=[cart_total], framework=Framework("jest", "javascript"), test_type="unit",
        template_dirs=(tmp_path,)))
    assert prompt.system.strip() == "house rules"
    assert prompt.user.strip() == "Cart.totals"


def test_repair_rounds_include_the_failure(cart_total):
    prompt = javascript.render_prompt(request=PromptRequest(
        definitions=[cart_total], framework=Framework("mocha", "javascript"), test_type="unit",
        repair={"test_code": "it('x', () => {})", "error": "AssertionError: 1 !== 2"}))
    assert "AssertionError: 1 !== 2" in prompt.user
