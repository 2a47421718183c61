"""``Python.render_prompt``: the LLM prompt from the template pack.

Templates live in ``templates/prompts/<framework>/<test_type>.j2`` and extend
``templates/prompts/<framework>/_framework.j2``, which extends ``templates/prompts/_base.j2``.
Any of them can be overridden from ``request.template_dirs`` (same relative path). The base is
rendered twice: the ``system`` part depends only on framework and test type (cacheable), the
``user`` part carries the definition, its observed behaviour and the project's context.
"""

from __future__ import annotations

from testgen.kit.templates import environment, prompt_template
from testgen.model import Probe, Prompt, PromptRequest

from .context import declarations_used
from .offline import module_of
from .payload import payload_of

MAX_PROBES_IN_PROMPT = 12


def render_prompt(request: PromptRequest) -> Prompt:
    framework = request.framework.name
    name = prompt_template(framework, request.test_type)
    template = environment("testgen_python", request.template_dirs).get_template(name)
    first = request.definitions[0] if request.definitions else None
    # The probes imported the module, so they know its dotted name when the caller does not.
    module = request.module_path or module_of(p for probes in request.probes.values()
                                               for p in probes)
    names = sorted({d.qualname.split(".")[0] for d in request.definitions})
    import_hint = (f"from {module} import {', '.join(names)}" if module and names
                   else "as the project does")
    context = {
        "framework": framework, "framework_template": f"prompts/{framework}/_framework.j2",
        "test_type": request.test_type, "definitions": request.definitions,
        "module_path": module or (first.file if first else ""),
        "import_hint": import_hint, "callees": request.callees, "imports": request.imports,
        "style_examples": request.style_examples, "repair": request.repair,
        "declarations": declarations_used(request.source_text, list(request.definitions)),
        "probes": {key: [describe(p) for p in _ordered(probes)[:MAX_PROBES_IN_PROMPT]]
                   for key, probes in request.probes.items()},
    }
    system = template.render(part="system", **context).strip() + "\n"
    user = template.render(part="user", **context).strip() + "\n"
    return Prompt(system=system, user=user, template=name)


def _ordered(probes: list[Probe]) -> list[Probe]:
    useful = [p for p in probes if p.outcome in ("return", "raise")]
    return useful + [p for p in probes if p not in useful]


def describe(p: Probe) -> str:
    """One observation as a line of the prompt: ``parse_price('') raised PricingError(...)``."""
    setup = "; ".join(p.setup)
    call = f"{setup}; {p.call}" if setup else p.call
    if p.outcome == "return":
        value = p.value if p.value is not None else "an object that cannot be written as a " \
            "literal"
        text = f"`{call}` returned `{value}`"
        state = payload_of(p).state
        if state:
            text += " and set " + ", ".join(f"`{k} = {v}`" for k, v in sorted(state.items()))
    elif p.outcome == "raise":
        text = f"`{call}` raised `{p.exception}`" + (f" with message {p.message!r}"
                                                    if p.message else "")
    else:
        text = f"`{call or p.definition}`: {p.outcome}" + (f" ({p.reason})" if p.reason else "")
    if not p.deterministic:
        text += " (varies between runs: do not assert the exact value)"
    return text
