"""Detection, framework selection, test paths and prompts."""

from __future__ import annotations

import pytest

from testgen.errors import TestgenError
from testgen.model import TEST_TYPES, Project, PromptRequest


def test_a_makefile_without_c_sources_is_not_a_c_project(plugins, tmp_path):
    (tmp_path / "Makefile").write_text("all:\n\tgo build ./...\n")
    assert [d for d in plugins.detect(Project(root=tmp_path)) if d.language == "c"] == []


def test_build_files_are_reported_as_evidence(plugins, sample):
    [found] = [d for d in plugins.detect(Project(root=sample)) if d.language == "c"]
    assert "Makefile: build file" in found.evidence


def test_an_unknown_framework_is_a_tg504_error(plugins, sample):
    with pytest.raises(TestgenError) as raised:
        plugins.select_framework(Project(root=sample), "c", "unity")
    assert raised.value.code == "TG504"


@pytest.mark.parametrize(("rel", "expected"), [
    ("src/mathx.c", "tests/testgen_mathx_test.c"),
    ("mathx.c", "tests/testgen_mathx_test.c"),
    ("src/net/http.c", "tests/testgen_net_http_test.c"),
])
def test_test_path_is_derived_from_the_source_path(plugins, framework, source_file, tmp_path,
                                                   rel, expected):
    source = source_file(tmp_path, rel, "int f(void) { return 1; }\n")
    assert plugins.test_path(source, framework) == expected


@pytest.mark.parametrize("test_type", TEST_TYPES)
def test_prompts_show_the_code_the_probes_and_the_harness(plugins, sample, framework,
                                                         source_file, test_type):
    source = source_file(sample, "src/mathx.c")
    clamp = next(d for d in plugins.extract(plugins.parse(source)) if d.name == "clamp")
    prompt = plugins.render_prompt(PromptRequest(definitions=[clamp], framework=framework,
                                                 test_type=test_type))
    assert "CHECK_EQ_INT" in prompt.system
    assert '"tests"' in prompt.system
    assert clamp.code in prompt.user
    assert prompt.template == f"prompts/testgen-harness/{test_type}.j2"


def test_a_project_template_overrides_the_packaged_prompt(plugins, sample, framework,
                                                         source_file, tmp_path):
    override = tmp_path / "templates" / "prompts" / "testgen-harness" / "unit.j2"
    override.parent.mkdir(parents=True)
    override.write_text('{% extends "prompts/testgen-harness/_base.j2" %}\n'
                        "{% block task %}Only the project's own task.{% endblock %}\n")
    source = source_file(sample, "src/mathx.c")
    clamp = next(d for d in plugins.extract(plugins.parse(source)) if d.name == "clamp")
    prompt = plugins.render_prompt(PromptRequest(definitions=[clamp], framework=framework,
                                                 test_type="unit",
                                                 template_dirs=(tmp_path / "templates",)))
    assert "Only the project's own task." in prompt.system + prompt.user
    assert "CHECK_EQ_INT" in prompt.system
