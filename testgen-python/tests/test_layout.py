"""Python.test_path and how generated tests import the code under test."""

from testgen_python.layout import module_location, needs_bootstrap
from testgen_python.plugin import Python

PYTHON = Python()


def generated_path(project, rel):
    source = project.source(rel)
    return PYTHON.test_path(source=source, framework=project.framework())


def test_tests_dir_gets_the_generated_file(project):
    project.write("tests/test_other.py", "def test_x():\n    assert True\n")
    project.write("shop/__init__.py", "")
    project.write("shop/cart.py", "def f():\n    return 1\n")
    assert generated_path(project, "shop/cart.py") == "tests/test_cart_testgen.py"


def test_pytest_testpaths_name_the_tests_dir(project):
    project.write("pyproject.toml", '[tool.pytest.ini_options]\ntestpaths = ["testing"]\n')
    project.write("testing/test_existing.py", "def test_x():\n    pass\n")
    project.write("src/pkg/__init__.py", "")
    project.write("src/pkg/mod.py", "def f():\n    return 1\n")
    assert generated_path(project, "src/pkg/mod.py") == "testing/test_mod_testgen.py"


def test_without_tests_dir_the_file_goes_beside_the_source(project):
    project.write("tool.py", "def f():\n    return 1\n")
    project.write("pkg/util.py", "def g():\n    return 1\n")
    assert generated_path(project, "tool.py") == "test_tool_testgen.py"
    assert generated_path(project, "pkg/util.py") == "pkg/test_util_testgen.py"


def test_ambiguous_module_names_use_the_dotted_path(project):
    project.write("tests/test_x.py", "")
    for package in ("a", "b"):
        project.write(f"{package}/__init__.py", "")
        project.write(f"{package}/utils.py", "def f():\n    return 1\n")
    assert generated_path(project, "a/utils.py") == "tests/test_a_utils_testgen.py"


def test_src_layout_imports_from_below_src(project):
    project.write("src/shop/__init__.py", "")
    project.write("src/shop/cart.py", "")
    location = module_location(project.root, "src/shop/cart.py")
    assert (location.module, location.import_root) == ("shop.cart", "src")


def test_package_init_is_imported_as_the_package(project):
    project.write("shop/__init__.py", "X = 1\n")
    location = module_location(project.root, "shop/__init__.py")
    assert (location.module, location.import_root) == ("shop", "")


def test_pythonpath_setting_makes_the_bootstrap_unnecessary(project):
    project.write("pyproject.toml", '[tool.pytest.ini_options]\npythonpath = ["src"]\n')
    project.write("src/shop/__init__.py", "")
    location = module_location(project.root, "src/shop/cart.py")
    assert not needs_bootstrap(project.root, "tests/test_cart_testgen.py", location)


def test_src_layout_without_configuration_needs_the_bootstrap(project):
    project.write("src/shop/__init__.py", "")
    location = module_location(project.root, "src/shop/cart.py")
    assert needs_bootstrap(project.root, "tests/test_cart_testgen.py", location)


def test_a_test_beside_a_top_level_module_needs_no_bootstrap(project):
    location = module_location(project.root, "tool.py")
    assert not needs_bootstrap(project.root, "test_tool_testgen.py", location)


def test_root_conftest_puts_the_root_on_sys_path(project):
    project.write("conftest.py", "")
    project.write("shop/__init__.py", "")
    location = module_location(project.root, "shop/cart.py")
    assert not needs_bootstrap(project.root, "tests/test_cart_testgen.py", location)


def test_generated_src_layout_tests_pass_under_plain_pytest(project, chain):
    """No configuration at all: the bootstrap is what makes the import work."""
    project.write("src/calc/__init__.py", "")
    project.write("src/calc/ops.py", """
        def double(x: int) -> int:
            return 2 * x
    """)
    project.write("tests/test_existing.py", "def test_nothing():\n    assert True\n")
    generated = chain(project, "src/calc/ops.py", write_back=True)
    assert "sys.path.insert(0, str(Path(__file__).resolve().parents[1] / \"src\"))" in \
        generated.test_file.content
    done = project.pytest("tests")
    assert done.returncode == 0, done.stdout + done.stderr
