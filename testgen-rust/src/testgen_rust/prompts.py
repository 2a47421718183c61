"""Render LLM prompts from the plugin's Jinja2 template pack (overridable per project)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from testgen.model import Prompt, PromptRequest

from .context import declarations_used


MAX_PROBES = 12
USER_MARKER = "<<<USER>>>"
"""Separates the cacheable system part from the per-request part in every template."""


def _environment(template_dirs: tuple[Path, ...]):
    import jinja2

    class PackageLoader(jinja2.BaseLoader):
        """Templates shipped inside this package, read through importlib.resources."""

        def get_source(self, environment, template):
            path = resources.files("testgen_rust").joinpath("templates", *template.split("/"))
            if not path.is_file():
                raise jinja2.TemplateNotFound(template)
            return path.read_text(encoding="utf-8"), None, lambda: True

    loaders = [jinja2.FileSystemLoader([str(p) for p in template_dirs])] if template_dirs \
        else []
    loaders.append(PackageLoader())
    return jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), autoescape=False,
                              keep_trailing_newline=True, trim_blocks=False,
                              undefined=jinja2.ChainableUndefined)


def _template_name(env, framework: str, test_type: str) -> str:
    import jinja2

    for name in (f"{framework}/{test_type}.j2", f"cargo-test/{test_type}.j2",
                 "cargo-test/unit.j2"):
        try:
            env.get_template(name)
            return name
        except jinja2.TemplateNotFound:
            continue
    raise LookupError(f"no template for {framework}/{test_type}")


def render_prompt(request: PromptRequest) -> Prompt:
    env = _environment(tuple(request.template_dirs))
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
