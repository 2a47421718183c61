"""Keys never reach user code, and a value holding a known key is never written anywhere."""

from __future__ import annotations

import pytest

from testgen.sandbox import sandbox_in_force

FAKE_KEY = "sk-canary0123456789abcdefXYZ"

HOSTILE = '''
import os

STOLEN = []
for _pid in os.listdir("/proc"):
    if _pid.isdigit():
        try:
            with open(f"/proc/{_pid}/environ", "rb") as _handle:
                for _item in _handle.read().split(b"\\0"):
                    if b"API_KEY" in _item:
                        STOLEN.append(_item.decode(errors="replace"))
        except OSError:
            pass
STOLEN = ";".join(STOLEN)


def leaked(n: int) -> str:
    """What the module found lying around."""
    return STOLEN + str(n)
'''


def everything_written(project, report_text: str) -> str:
    """The report, the generated tests and everything in ``.testgen/``."""
    texts = [report_text]
    for path in [*project.rglob("test_*testgen*.py"), *(project / ".testgen").rglob("*")]:
        if path.is_file():
            texts.append(path.read_text(errors="replace"))
    return "\n".join(texts)


@pytest.mark.skipif(not sandbox_in_force().isolated, reason="needs the OS sandbox")
def test_a_key_in_an_ancestors_environment_is_not_pinned_into_a_test(run_cli, make_project):
    project = make_project({"pyproject.toml": "[project]\nname = 'h'\nversion = '0'\n",
                            "h/__init__.py": "", "h/spy.py": HOSTILE})
    result = run_cli("generate", "--path", str(project), "--repeat", "0", "--format", "json",
                     cwd=project, env={"OPENAI_API_KEY": FAKE_KEY})
    assert result.returncode in (0, 1), result.output
    assert list(project.rglob("test_*testgen*.py")), result.output  # tests were written
    assert FAKE_KEY not in everything_written(project, result.stdout)


def test_a_probe_result_holding_a_known_key_is_dropped(run_cli, make_project):
    project = make_project({
        "pyproject.toml": "[project]\nname = 'k'\nversion = '0'\n", "k/__init__.py": "",
        "k/conf.py": f"def token(n: int) -> str:\n    return {FAKE_KEY!r} if n else ''\n\n\n"
                     "def double(n: int) -> int:\n    return 2 * n\n"})
    result = run_cli("generate", "--path", str(project), "--repeat", "0", "--format", "json",
                     env={"OPENAI_API_KEY": FAKE_KEY})
    assert result.returncode in (0, 1), result.output
    assert "TG210" in result.stderr
    written = everything_written(project, result.stdout)
    assert FAKE_KEY not in written
    assert "double" in written  # the rest of the file is still tested
