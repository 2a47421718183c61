"""Projects as their developers have them: editable installs in a real venv, src and flat
layouts, packages without any project marker, environments outside the project.

Every venv is made here without the network: uv installs from its local cache (``--offline``)
and setuptools comes from the system interpreter (``--system-site-packages``); a test whose
toolchain is missing on the machine is skipped, naming what is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

UV = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
SYSTEM_PYTHON = "/usr/bin/python3"

CALC = '''
def clamp(value, low, high):
    if value < low:
        return low
    if value > high:
        return high
    return value


def sign(x):
    if x > 0:
        return 1
    if x < 0:
        return -1
    return 0
'''
CALC_TEST = '''
from {package}.calc import clamp


def test_clamp_inside():
    assert clamp(5, 0, 10) == 5


def test_clamp_low():
    assert clamp(-1, 0, 10) == 0
'''


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def sh(*argv, cwd: Path | None = None, env: dict | None = None, check: bool = True):
    done = subprocess.run([str(a) for a in argv], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={**os.environ, **(env or {})})
    if check and done.returncode != 0:
        raise AssertionError(f"{argv} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return done


@pytest.fixture(scope="module")
def testgen_home(tmp_path_factory):
    """Config and cache of TestGen in temp dirs, shared by this module's runs (the tools
    overlay is built once)."""
    home = tmp_path_factory.mktemp("testgen-home")
    return {"TESTGEN_CONFIG_DIR": str(home / "config"), "TESTGEN_CACHE_DIR": str(home / "cache")}


@pytest.fixture
def testgen(testgen_home):
    def run(*args, cwd: Path | None = None):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("TESTGEN_") and k != "VIRTUAL_ENV"}
        env.update(testgen_home, NO_COLOR="1")
        return subprocess.run([sys.executable, "-m", "testgen", *map(str, args)], cwd=cwd,
                              capture_output=True, text=True, env=env, timeout=600)
    return run


def validate_json(testgen, root: Path, *args) -> dict:
    done = testgen("validate", "--path", root, "--format", "json", *args)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def native_lines(root: Path, python: Path, tools: str | None = None) -> dict[str, float]:
    """``coverage run -m pytest`` + ``coverage json`` as the developer runs them."""
    env = {"COVERAGE_FILE": str(root.parent / ".coverage-native"),
           "PYTHONDONTWRITEBYTECODE": "1"}
    if tools:
        env["PYTHONPATH"] = tools
    sh(python, "-m", "coverage", "run", "--source", "src", "-m", "pytest", "-q", "-p",
       "no:cacheprovider", cwd=root, env=env)
    out = root.parent / "native.json"
    sh(python, "-m", "coverage", "json", "-q", "-o", out, cwd=root, env=env)
    files = json.loads(out.read_text())["files"]
    return {name: data["summary"]["percent_covered"] for name, data in files.items()}


def uv_venv(root: Path, *packages: str, editable: bool = True) -> Path:
    if UV is None:
        pytest.skip("uv is not installed")
    sh(UV, "venv", "--quiet", "--python", sys.executable, root / ".venv")
    python = root / ".venv" / "bin" / "python"
    args = [UV, "pip", "install", "--offline", "--quiet", "--python", python, *packages]
    if editable:
        args += ["-e", root]
    done = sh(*args, check=False)
    if done.returncode != 0:
        pytest.skip(f"uv cannot install {packages} and the build backend offline: "
                    f"{done.stderr.strip().splitlines()[-1:]}")
    return python


def src_project(root: Path, backend: str, extra: str = "") -> Path:
    build = {"hatchling": 'requires = ["hatchling"]\nbuild-backend = "hatchling.build"',
             "setuptools": 'requires = ["setuptools>=64"]\n'
                           'build-backend = "setuptools.build_meta"'}[backend]
    return write(root, {
        "pyproject.toml": f'[project]\nname = "calcpkg"\nversion = "0.1"\n\n'
                          f'[build-system]\n{build}\n{extra}',
        "src/calcpkg/__init__.py": "",
        "src/calcpkg/calc.py": CALC,
        "tests/test_calc.py": CALC_TEST.format(package="calcpkg"),
    })


def site_packages(python: Path) -> Path:
    return next((python.parent.parent / "lib").glob("python3*/site-packages"))


# --------------------------------------------------------------------------- editable installs


def test_validate_measures_a_hatchling_editable_src_layout_as_coverage_run_does(
        tmp_path, testgen):
    root = src_project(tmp_path / "proj", "hatchling")
    python = uv_venv(root, "pytest", "coverage")
    assert str(root / "src") in (site_packages(python) / "_editable_impl_calcpkg.pth").read_text()
    native = native_lines(root, python)

    data = validate_json(testgen, root)

    files = {f["path"]: f["percent"] for f in data["files"]}
    assert files == pytest.approx({"src/calcpkg/__init__.py": 100.0,
                                   "src/calcpkg/calc.py": native["src/calcpkg/calc.py"]},
                                  abs=0.5)
    assert 0 < data["summary"]["percent"] < 100
    assert str(root / ".venv/bin/python") in data["languages"]["python"]["environment"]


def test_an_import_hook_editable_install_is_measured_in_the_shadow_copy(tmp_path, testgen):
    # hatchling's dev-mode-exact installs a finder (editables) instead of a path entry
    root = src_project(tmp_path / "proj", "hatchling",
                       "\n[tool.hatch.build.targets.wheel]\ndev-mode-exact = true\n")
    python = uv_venv(root, "pytest", "coverage", "editables")
    pth = (site_packages(python) / "_editable_impl_calcpkg.pth").read_text()
    assert pth.startswith("import _editable_impl_calcpkg"), pth

    data = validate_json(testgen, root)

    calc = next(f for f in data["files"] if f["path"] == "src/calcpkg/calc.py")
    assert calc["covered"] > 0 and data["summary"]["tests"]["passed"] == 2


def test_a_setuptools_finder_editable_install_without_pytest_or_coverage_is_measured(
        tmp_path, testgen):
    """A flat layout installed by setuptools gets an ``__editable__`` finder mapping the
    package to the original tree; the system interpreter has neither pytest nor coverage."""
    if UV is None or sh(SYSTEM_PYTHON, "-c", "import setuptools, wheel",
                        check=False).returncode:
        pytest.skip(f"{SYSTEM_PYTHON} with setuptools and wheel is not installed")
    if sh(SYSTEM_PYTHON, "-c", "import coverage", check=False).returncode == 0:
        pytest.skip(f"{SYSTEM_PYTHON} has coverage: the overlay would not be used")
    root = write(tmp_path / "proj", {
        "pyproject.toml": '[project]\nname = "flatcalc"\nversion = "0.1"\n\n[build-system]\n'
                          'requires = ["setuptools>=64"]\nbuild-backend = '
                          '"setuptools.build_meta"\n\n[tool.setuptools]\n'
                          'packages = ["flatcalc"]\n',
        "flatcalc/__init__.py": "",
        "flatcalc/calc.py": CALC,
        "tests/test_calc.py": CALC_TEST.format(package="flatcalc"),
        "helper_script.py": "print('not part of the package')\n",
    })
    sh(SYSTEM_PYTHON, "-m", "venv", "--without-pip", "--system-site-packages", root / ".venv")
    python = root / ".venv/bin/python"
    sh(UV, "pip", "install", "--offline", "--quiet", "--python", python,
       "--no-build-isolation", "--no-deps", "-e", root)
    assert list(site_packages(python).glob("__editable___flatcalc*finder.py"))

    data = validate_json(testgen, root)

    calc = next(f for f in data["files"] if f["path"] == "flatcalc/calc.py")
    assert (calc["statements"], calc["covered"]) == (12, 6)
    environment = data["languages"]["python"]["environment"]
    assert "pytest and coverage from TestGen's private overlay" in environment


def test_generate_keeps_tests_for_an_editable_src_layout(tmp_path, testgen):
    root = src_project(tmp_path / "proj", "hatchling")
    uv_venv(root, "pytest", "coverage")

    done = testgen("generate", "--path", root / "src/calcpkg/calc.py", "--format", "json")

    data = json.loads(done.stdout)
    assert done.returncode == 0, done.stderr
    assert data["summary"]["kept"] >= 1
    entry = data["files"][0]
    assert entry["coverage"]["before"] < entry["coverage"]["after"] == 100.0
    assert not list(root.rglob("__pycache__")), "bytecode written into the project"


# --------------------------------------------------------------------------- environments


def test_the_project_environment_never_sees_testgens_site_packages(tmp_path, testgen):
    """The project ships its own ``yaml`` module and its venv has no coverage: TestGen's
    PyYAML must not replace it (only pytest, coverage and their dependencies are lent)."""
    root = write(tmp_path / "proj", {
        "pyproject.toml": '[project]\nname = "proj"\nversion = "0"\n',
        "yamlish.py": "import yaml\n\ndef which():\n    return yaml.ORIGIN\n",
        "tests/test_which.py": "from yamlish import which\n\n"
                               "def test_project_yaml():\n    assert which() == 'project'\n",
    })
    python = uv_venv(root, "pytest", editable=False)
    (site_packages(python) / "yaml.py").write_text("ORIGIN = 'project'\n")

    data = validate_json(testgen, root)

    assert data["summary"]["tests"] == {"passed": 1, "failed": 0, "error": 0, "skipped": 0}
    assert "coverage from TestGen's private overlay" in data["languages"]["python"][
        "environment"]
    assert data["summary"]["percent"] == 100.0


def test_python_option_names_an_environment_outside_the_project(tmp_path, testgen):
    root = write(tmp_path / "proj", {
        "pyproject.toml": '[project]\nname = "proj"\nversion = "0"\n',
        "app.py": "import optional_dep\n\ndef answer():\n    return optional_dep.VALUE\n",
        "tests/test_app.py": "from app import answer\n\n"
                             "def test_answer():\n    assert answer() == 42\n",
    })
    outside = tmp_path / "envs" / "work"
    python = uv_venv(outside, "pytest", "coverage", editable=False)
    (site_packages(python) / "optional_dep.py").write_text("VALUE = 42\n")

    without = validate_json(testgen, root)
    named = validate_json(testgen, root, "--python", outside / ".venv")

    assert without["summary"]["tests"]["passed"] == 0
    assert named["summary"]["tests"]["passed"] == 1
    assert str(python) in named["languages"]["python"]["environment"]
    assert "--python" in named["languages"]["python"]["environment"]


def test_the_interpreter_can_be_configured_relative_to_the_project(tmp_path, testgen):
    root = write(tmp_path / "proj", {
        "pyproject.toml": '[project]\nname = "proj"\nversion = "0"\n',
        ".testgen.yaml": "languages:\n  python:\n    interpreter: ../elsewhere/.venv\n",
        "app.py": "def answer():\n    return 42\n",
        "tests/test_app.py": "from app import answer\n\n"
                             "def test_answer():\n    assert answer() == 42\n",
    })
    python = uv_venv(tmp_path / "elsewhere", "pytest", "coverage", editable=False)

    data = validate_json(testgen, root)

    assert str(python) in data["languages"]["python"]["environment"]
    assert data["summary"]["tests"]["passed"] == 1


def test_a_python_option_that_does_not_run_is_an_input_error(tmp_path, testgen):
    root = write(tmp_path / "proj", {"app.py": "def f():\n    return 1\n"})

    done = testgen("validate", "--path", root, "--python", tmp_path / "no-such-python")

    assert done.returncode == 2
    assert "TG205" in done.stderr and "cannot be run" in done.stderr
    assert "Traceback" not in done.stderr


# --------------------------------------------------------------------------- project root


def test_a_package_without_any_project_marker_imports_by_its_dotted_name(tmp_path, testgen):
    base = write(tmp_path / "download", {
        "shapes/__init__.py": "",
        "shapes/_units.py": "SCALE = 2\n",
        "shapes/area.py": "from ._units import SCALE\n\n\n"
                          "def square(side: int) -> int:\n    return side * side * SCALE\n",
    })

    done = testgen("generate", "--path", base / "shapes/area.py", "--format", "json")

    data = json.loads(done.stdout)
    assert done.returncode == 0, done.stderr
    assert data["project_root"] == str(base)
    assert data["summary"]["kept"] >= 1
    written = (base / data["written"][0]).read_text()
    assert "from shapes.area import square" in written


# --------------------------------------------------------------------------- coverage settings


def configured_project(root: Path, coveragerc: str) -> Path:
    return write(root, {
        "pyproject.toml": '[project]\nname = "calcpkg"\nversion = "0.1"\n\n'
                          '[tool.pytest.ini_options]\npythonpath = ["src"]\n',
        ".coveragerc": coveragerc,
        "src/calcpkg/__init__.py": "",
        "src/calcpkg/calc.py": CALC + "\n\ndef debug_dump():  # pragma: no cover\n"
                                      "    print('state')\n",
        "tests/test_calc.py": CALC_TEST.format(package="calcpkg"),
    })


def test_validate_uses_the_projects_coverage_configuration(tmp_path, testgen):
    root = configured_project(tmp_path / "proj", "[run]\nsource = src\n\n[report]\n"
                              "exclude_lines =\n    pragma: no cover\n    return -1\n")
    env = {"COVERAGE_FILE": str(tmp_path / ".coverage"), "PYTHONDONTWRITEBYTECODE": "1"}
    sh(sys.executable, "-m", "coverage", "run", "-m", "pytest", "-q", "-p", "no:cacheprovider",
       cwd=root, env=env)
    sh(sys.executable, "-m", "coverage", "json", "-q", "-o", tmp_path / "native.json",
       cwd=root, env=env)
    native = json.loads((tmp_path / "native.json").read_text())["files"]["src/calcpkg/calc.py"]

    data = validate_json(testgen, root)

    calc = next(f for f in data["files"] if f["path"] == "src/calcpkg/calc.py")
    assert (calc["statements"], calc["covered"]) == (native["summary"]["num_statements"],
                                                     native["summary"]["covered_lines"])
    assert calc["statements"] == 11  # the excluded lines are not counted


def test_generate_measures_its_target_when_the_projects_include_leaves_it_out(tmp_path,
                                                                              testgen):
    # written before the move to src/: the pattern no longer matches the package
    root = configured_project(tmp_path / "proj", "[run]\ninclude =\n    calcpkg/*\n"
                                                 "    tests/*\n")

    done = testgen("generate", "--path", root / "src/calcpkg/calc.py", "--format", "json")

    data = json.loads(done.stdout)
    assert data["summary"]["kept"] >= 1, data["files"][0]["candidates"]
    assert data["files"][0]["coverage"]["after"] == 100.0


def test_namespace_packages_on_a_path_entry_import_from_the_copy(tmp_path):
    """A path entry into the original tree (as an editable .pth adds) is moved to the copy,
    namespace portions included."""
    from testgen_python._redirect import ENV

    original = write(tmp_path / "orig", {"src/nsp/part/mod.py": "VALUE = 1\n"})
    copy = tmp_path / "copy"
    shutil.copytree(original, copy)
    boot = tmp_path / "boot" / "testgen_python"
    boot.mkdir(parents=True)
    here = Path(__file__).resolve().parents[1] / "src" / "testgen_python"
    shutil.copyfile(here / "_redirect.py", boot / "_redirect.py")
    (boot / "__init__.py").write_text("")
    shutil.copyfile(here / "_sitecustomize.py", boot.parent / "sitecustomize.py")

    done = sh(sys.executable, "-c", "import nsp.part.mod as m, nsp; "
              "print(m.__file__); print(list(nsp.__path__))",
              env={"PYTHONPATH": f"{boot.parent}{os.pathsep}{original / 'src'}",
                   ENV: f"{original}{os.pathsep}{copy}"})

    module_file, package_path = done.stdout.splitlines()
    assert module_file == str(copy / "src/nsp/part/mod.py")
    assert str(original) not in package_path
