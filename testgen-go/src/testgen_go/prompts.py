"""Render LLM prompts from the Jinja2 template pack ``templates/prompts/<framework>/<type>.j2``.

Each template has two blocks, ``system`` (stable for a file, so providers can cache it) and
``user``. Project or user directories in ``request.template_dirs`` are searched first, so one
template can be overridden without copying the rest; an override without blocks replaces only
the user part.
"""

from __future__ import annotations

import re

from testgen.kit.templates import TEST_TYPES, environment, prompt_template
from testgen.model import Definition, Probe, Prompt, PromptRequest

from .context import declarations_used
from .layout import test_path_of
from .payload import recorded


def render_prompt(request: PromptRequest) -> Prompt:
    framework = request.framework.name if request.framework.name in ("testing", "testify") \
        else "testing"
    test_type = request.test_type if request.test_type in TEST_TYPES else "unit"
    name = prompt_template(framework, test_type)
    env = environment("testgen_go", request.template_dirs)
    template = env.get_template(name)
    first = request.definitions[0] if request.definitions else None
    source_file = first.file if first else ""
    test_path = test_path_of(source_file) if source_file else ""
    details = first.details if first else {}
    existing = sorted({n for d in request.definitions
                       for n in (d.details.get("existing_tests") or [])})
    context = {
        "framework": framework, "test_type": test_type, "definitions": request.definitions,
        "probes": dict(request.probes), "callees": list(request.callees),
        "imports": list(request.imports) or list(first.imports if first else ()),
        "style_examples": list(request.style_examples), "existing_tests": existing,
        "repair": dict(request.repair) if request.repair else None,
        "module_path": request.module_path or details.get("import_path", ""),
        "package": details.get("package", "main"), "source_file": source_file,
        "test_path": test_path,
        "declarations": declarations_used(request.source_text, list(request.definitions)),
        "observed_lines": {d.key: [describe(p, d) for p in request.probes.get(d.key, [])
                                   if p.outcome != "skipped"]
                           for d in request.definitions},
    }
    system, user = _render_parts(template, context)
    if system is None:
        # an override without blocks replaces the user part; the packaged system part stays
        packaged = environment("testgen_go").get_template(name)
        system, _ = _render_parts(packaged, context)
    return Prompt(system=_squeeze(system or ""), user=_squeeze(user), template=name)


def describe(probe: Probe, definition: Definition | None = None) -> str:
    """One observation as a line of the prompt, with every result the call returned
    (a nil error included) written as Go."""
    import json

    setup = f"setup `{'; '.join(probe.setup)}` then " if probe.setup else ""
    text = f"{setup}`{probe.call}` → "
    observed = recorded(probe)
    returns_error = bool(definition and re.search(r"\berror\)?\s*$", definition.returns or ""))
    if probe.outcome == "return":
        results = [v.lit if v.ok else f"a {v.type or 'value'} with no Go literal"
                   for v in observed.results]
        if not results and probe.value is not None:
            results = [probe.value]
        if returns_error and len(results) < _result_count(definition):
            results.append("nil error")
        text += "returns " + ", ".join(results) if results else "returns"
    elif probe.outcome == "raise" and probe.exception == "panic":
        text += f"panics with {json.dumps(probe.message or '')}"
    elif probe.outcome == "raise":
        kind = f" {probe.exception}" if probe.exception and probe.exception != "error" else ""
        text += f"error{kind} {json.dumps(probe.message or '')}"
        if probe.value:
            text += f" (other results: {probe.value})"
    elif probe.outcome == "timeout":
        text += "does not return (timeout)"
    else:
        text += probe.outcome + (f" ({probe.reason})" if probe.reason else "")
    if not probe.deterministic:
        text += " (differs between calls)"
    return text


def _result_count(definition: Definition | None) -> int:
    """How many results the Go signature declares (``(int, error)`` → 2)."""
    returns = (definition.returns or "").strip() if definition else ""
    if not returns:
        return 0
    if returns.startswith("(") and returns.endswith(")"):
        depth, count = 0, 1
        for char in returns[1:-1]:
            depth += char in "([{"
            depth -= char in ")]}"
            count += char == "," and depth == 0
        return count
    return 1


def _render_parts(template, context: dict) -> tuple[str | None, str]:
    """(system, user) from the template's blocks; a template without them is all user."""
    if "system" not in template.blocks or "user" not in template.blocks:
        return None, template.render(context)
    ctx = template.new_context(context)
    return ("".join(template.blocks["system"](ctx)),
            "".join(template.blocks["user"](ctx)))


def _squeeze(text: str) -> str:
    """Collapse runs of blank lines left by template control blocks."""
    out: list[str] = []
    blank = 0
    for line in text.splitlines():
        if line.strip():
            blank = 0
            out.append(line.rstrip())
        else:
            blank += 1
            if blank == 1:
                out.append("")
    return "\n".join(out).strip() + "\n"
