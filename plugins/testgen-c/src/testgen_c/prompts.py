"""Render LLM prompts from the template pack ``templates/<framework>/<test_type>.j2``.

Every template extends ``<framework>/_base.j2`` and is rendered twice: once with
``part="system"`` (the stable, cacheable part: role, harness conventions, examples, output
schema) and once with ``part="user"`` (the definitions, their probes, the task). Directories in
``request.template_dirs`` come first in the loader, so a project can override one template
by writing ``.testgen/templates/testgen-harness/unit.j2``.
"""

from __future__ import annotations

from testgen.model import Prompt, PromptRequest

from .assemble import harness


def render_prompt(request: PromptRequest) -> Prompt:
    import jinja2  # lazily: the CLI's --help must not import it

    loader = jinja2.ChoiceLoader([
        *(jinja2.FileSystemLoader(str(d)) for d in request.template_dirs),
        jinja2.PackageLoader("testgen_c", "templates"),
    ])
    env = jinja2.Environment(loader=loader, keep_trailing_newline=True,
                             trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    name = f"{request.framework.name}/{request.test_type}.j2"
    template = env.get_template(name)
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
    names = []
    for line in harness().splitlines():
        if line.startswith("#define CHECK"):
            names.append(line.split()[1])
    return names
