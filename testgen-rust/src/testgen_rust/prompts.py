"""Render LLM prompts from the plugin's Jinja2 template pack (overridable per project)."""

from __future__ import annotations

from testgen.kit.templates import environment, prompt_template
from testgen.model import Prompt, PromptRequest

from .context import declarations_used


MAX_PROBES = 12
USER_MARKER = "<<<USER>>>"
"""Separates the cacheable system part from the per-request part in every template."""


def _template_name(env, framework: str, test_type: str) -> str:
    import jinja2

    for name in (prompt_template(framework, test_type), prompt_template("cargo-test", test_type),
                 prompt_template("cargo-test", "unit")):
        try:
            env.get_template(name)
            return name
        except jinja2.TemplateNotFound:
            continue
    raise LookupError(f"no template for {framework}/{test_type}")


def render_prompt(request: PromptRequest) -> Prompt:
    env = environment("testgen_rust", request.template_dirs)
    name = _template_name(env, request.framework.name, request.test_type)
    template = env.get_template(name)
    first = request.definitions[0] if request.definitions else None
    details = first.details if first is not None else {}
    crate = details.get("crate") or "the_crate"
    test_file = details.get("test_file") or "tests/testgen_<module>.rs"
    dev_deps = ", ".join(details.get("dev_dependencies") or [])
    context = {
        "definitions": request.definitions, "framework": request.framework.name,
        "test_type": request.test_type, "probes": dict(request.probes),
        "callees": request.callees, "imports": request.imports,
        "style_examples": request.style_examples, "module_path": request.module_path,
        "repair": request.repair, "crate": crate, "edition": details.get("edition") or "2021",
        "test_path": test_file, "dev_dependencies": dev_deps, "max_probes": MAX_PROBES,
        "declarations": declarations_used(request.source_text, list(request.definitions)),
    }
    text = template.render(context)
    system, _, user = text.partition(USER_MARKER)
    return Prompt(system=system.strip() + "\n", user=user.strip() + "\n", template=name)
