"""What the offline writer keeps from a crash inside the code, and from arguments a call
changes in place: real files, the real harness and node."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")

MODULE = """/**
 * The second word, in capitals.
 * @param {string} name
 * @returns {string}
 */
export function surname(name) {
  return name.split(' ')[1].toUpperCase();
}

export function shout(text) {
  return text.toUpperCase() + '!';
}

export function collect(path, keys) {
  keys.push(path.length);
  return path.toLowerCase();
}
"""


@pytest.fixture(scope="module")
def generated(tmp_path_factory, kit):
    root = tmp_path_factory.mktemp("findings")
    (root / "package.json").write_text(json.dumps({"name": "m", "type": "module"}))
    (root / "m.js").write_text(MODULE)
    report = kit.generate_offline(root)
    return root, report, (root / "m.testgen.test.js").read_text()


def test_a_wrong_typed_input_that_crashes_inside_is_not_pinned(generated):
    _, _, written = generated
    # shout(42) fails in `text.toUpperCase()`: nothing the code means to do.
    assert "is not a function" not in written, written
    assert "Cannot read properties" not in written, written
    assert "assert.equal(shout('" in written


def test_a_crash_on_an_input_of_the_declared_type_is_a_possible_bug(generated):
    _, report, written = generated
    findings = [c for f in report["files"] for c in f["candidates"]
                if c["status"] == "possible-bug"]
    assert [c["definition"] for c in findings] == ["m.js::surname"], findings
    assert "TypeError" in findings[0]["reason"] and "declared types" in findings[0]["reason"]
    assert "assert.equal(surname(" in written  # a call that works is still a test


def test_an_argument_the_call_fills_is_checked_after_it(generated):
    # (A definition named `collect` is not mistaken for the async-iterable helper.)
    root, _, written = generated
    assert "const keys = [1, 2, 3];" in written, written
    call = re.search(r"collect\('([^']*)', keys\)", written)
    assert call, written
    assert f"assert.deepEqual(keys, [1, 2, 3, {len(call[1])}]);" in written, written
    run = subprocess.run(["node", "--test", "m.testgen.test.js"], cwd=root,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:]
