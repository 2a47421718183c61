"""testify output, on a module that really requires testify (fetched through the Go proxy)."""

import shutil
import subprocess
from pathlib import Path

import pytest

from testgen.model import Framework, Project

from testgen_go.plugin import Go

from gotestkit import EXAMPLE, generate, needs_go

GO = Go()

pytestmark = needs_go
TESTIFY = Framework(name="testify", language="go")


@pytest.fixture(scope="module")
def testify_module(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("testify") / "inventory"
    shutil.copytree(EXAMPLE, root)
    (root / "uses_testify_test.go").write_text(
        'package inventory\n\nimport (\n\t"testing"\n\n\t"github.com/stretchr/testify/assert"'
        '\n)\n\nfunc TestPercentHalf(t *testing.T) {\n\tassert.Equal(t, 50.0, Percent(1, 2))'
        '\n}\n')
    try:
        subprocess.run(["go", "get", "github.com/stretchr/testify@v1.11.1"], cwd=root,
                       check=True, capture_output=True, timeout=180)
        subprocess.run(["go", "mod", "tidy"], cwd=root, check=True, capture_output=True,
                       timeout=180)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"testify could not be fetched from the Go module proxy: {exc}")
    return root


def test_testify_is_chosen_for_a_module_that_requires_it(testify_module):
    framework = GO.select_framework(project=Project(root=testify_module),
                                    requested=None)
    assert framework.name == "testify"


def test_testify_tests_use_assert_and_require_and_pass(testify_module, workspace_of):
    ws = workspace_of(testify_module)
    files = []
    for rel, test_type in (("money.go", "table-driven"), ("cart.go", "unit"),
                           ("sku.go", "negative")):
        test_file, _ = generate(testify_module, rel, ws, test_type=test_type,
                                framework="testify")
        assert GO.validate(test_file=test_file, workspace=ws).ok
        files.append(test_file)
    content = "\n".join(f.content for f in files)
    assert '"github.com/stretchr/testify/assert"' in content
    assert "require.ErrorIs(t, err, tt.wantErr)" in content
    assert "assert.Equal(t, tt.want" in content
    assert "reflect.DeepEqual" not in content
    run = GO.run(framework=TESTIFY, test_files=files, workspace=ws,
  coverage=True)
    assert run.ok, run.error or [t.message for t in run.tests if t.outcome != "passed"]
