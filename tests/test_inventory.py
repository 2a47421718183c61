"""The inventory: every source parsed and extracted, on all cores for a large tree."""

from __future__ import annotations

import os

import pytest

from testgen import inventory
from testgen.config import load as load_config
from testgen.plugins import Plugins


def large_tree(root, files: int) -> None:
    (root / "pyproject.toml").write_text("[project]\nname = 'big'\n")
    package = root / "big"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for n in range(files):
        # Sizes vary a lot, as in real trees: every tenth module is long.
        body = "".join(f"def f{n}_{k}(x):\n    return x + {k}\n\n" for k in range(
            40 if n % 10 == 0 else 1))
        (package / f"mod{n}.py").write_text(body)
    tests = root / "tests"
    tests.mkdir()
    (tests / "test_mod3.py").write_text("from big.mod3 import f3_0\n\n"
                                        "def test_f():\n    assert f3_0(1) == 1\n")


def summary(found: inventory.Inventory) -> list[tuple[str, list[str], list[str]]]:
    identifiers = found.test_identifiers.get("python", set())
    return sorted((f.source.rel_path, [d.key for d in f.definitions],
                   [d.key for d in f.definitions if inventory.is_referenced(d, identifiers)])
                  for f in found.files)


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: the tree is read serially")
def test_a_large_tree_read_on_all_cores_gives_what_one_process_gives(tmp_path, monkeypatch):
    modules = inventory.PARALLEL_MIN_FILES + 40
    large_tree(tmp_path, modules)
    plugins = Plugins.load()
    config = load_config(tmp_path)

    parallel = summary(inventory.collect(tmp_path, plugins, config, light=True))
    monkeypatch.setattr(inventory, "PARALLEL_MIN_FILES", 10**9)
    serial = summary(inventory.collect(tmp_path, plugins, config, light=True))

    assert parallel == serial
    assert len(parallel) == modules  # the empty __init__.py is no source
    tested = [keys for path, _, keys in parallel if path == "big/mod3.py"]
    assert tested == [["big/mod3.py::f3_0"]]


def test_chunks_hold_every_file_once_and_similar_amounts_of_text(tmp_path):
    large_tree(tmp_path, 60)
    plugins = Plugins.load()
    found = inventory.collect(tmp_path, plugins, load_config(tmp_path))
    sources = [f.source for f in found.files]
    chunks = inventory._chunks(sources, [], 4)
    indices = sorted(i for chunk, _ in chunks for i in chunk)
    assert indices == list(range(len(sources)))
    sizes = [sum(len(sources[i].text) for i in chunk) for chunk, _ in chunks]
    assert max(sizes) - min(sizes) <= max(len(s.text) for s in sources)


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: the tree is read serially")
def test_an_error_while_the_workers_parse_stops_them(tmp_path):
    import multiprocessing

    from testgen.errors import PluginError

    large_tree(tmp_path, inventory.PARALLEL_MIN_FILES + 10)
    plugins = Plugins.load()

    with pytest.raises(PluginError, match="not available for python"):
        inventory.collect(tmp_path, plugins, load_config(tmp_path), framework="vitest")
    assert multiprocessing.active_children() == []
    assert inventory._shared is None  # nothing of the tree stays behind in this process
