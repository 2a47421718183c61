"""Render LLM prompts from the template pack ``templates/prompts/<framework>/<test_type>.j2``.

Every template extends ``prompts/<framework>/_base.j2`` and is rendered twice: once with
``part="system"`` (the stable, cacheable part: role, harness conventions, examples, output
schema) and once with ``part="user"`` (the definitions, their probes, the task). The kit's
environment searches ``request.template_dirs`` first, so a project overrides one template by
writing ``.testgen/templates/prompts/testgen-harness/unit.j2``.
"""

from __future__ import annotations

from testgen.kit.templates import environment, prompt_template
from testgen.model import Prompt, PromptRequest

from .assemble import harness


def render_prompt(request: PromptRequest) -> Prompt:
    name = prompt_template(request.framework.name, request.test_type)
    template = environment("testgen_c", request.template_dirs).get_template(name)
    context = {
        "request": request, "definitions": request.definitions, "probes": request.probes,
        "framework": request.framework.name, "test_type": request.test_type,
        "callees": request.callees, "imports": request.imports,
        "style_examples": request.style_examples, "repair": request.repair,
        "target": request.definitions[0].file if request.definitions else "",
        "checks": _check_macros(),
    }
    system = template.render(part="system", **context).strip()
    user = template.render(part="user", **context).strip()
    return Prompt(system=system, user=user, template=name)


def _check_macros() -> list[str]:
    """The ``#define CHECK...`` names of the harness, so the prompt lists exactly those."""
    return [line.split()[1] for line in harness().splitlines()
            if line.startswith("#define CHECK")]
