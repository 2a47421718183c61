"""`testgen generate` on small packages laid out the way published npm packages are.

Each test builds a temp project in one of the module shapes real packages have (a UMD
wrapper, compiled CommonJS with ``module.exports = exports.default``, an ESM package with an
``exports`` map, a dependency that was never installed, vitest + TypeScript without the
coverage provider) and checks what a user sees: the definitions found through the module the
package exports, tests kept and written, the exit status, and nothing else in the tree.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")

UMD = """(function (root, factory) {
  'use strict'
  if (typeof module === 'object' && typeof module.exports === 'object') {
    module.exports = factory()
  } else if (typeof define === 'function' && define.amd) {
    define([], factory)
  } else {
    root.clamp = factory()
  }
})(this, function () {
  'use strict'

  function isNumber (value) {
    return typeof value === 'number' && !Number.isNaN(value)
  }

  function make (options) {
    options = options || {}
    var api = {}
    api.clamp = function (value, low, high) {
      if (!isNumber(value)) {
        throw new TypeError('value must be a number')
      }
      if (value < low) {
        return low
      }
      if (value > high) {
        return high
      }
      return value
    }
    api.sign = function (value) {
      if (value > 0) {
        return 1
      }
      if (value < 0) {
        return -1
      }
      return 0
    }
    return api
  }

  var mod = make()
  mod.create = make
  return mod
})
"""

COMPILED_DEFAULT = """"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.default = void 0;
function slugify(text, separator) {
  if (typeof text !== "string") {
    throw new TypeError("text must be a string");
  }
  return text.trim().toLowerCase().split(/\\s+/).join(separator || "-");
}
var _default = slugify;
exports.default = _default;
module.exports = exports.default;
"""


def run_testgen(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).parent / "testgen"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TESTGEN_")}
    return subprocess.run([str(exe), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env=env)


def generate(root: Path, *paths: str, types: tuple[str, ...] = (), mutation: str = "sample"
             ) -> tuple[subprocess.CompletedProcess, dict]:
    report = root.parent / f"{root.name}-report.json"
    args = ["generate", "--engine", "offline", "--report", str(report), "--repeat", "1",
            "--mutation", mutation]
    for kind in types:
        args += ["--type", kind]
    for path in paths:
        args += ["--path", path]
    done = run_testgen(*args, cwd=root)
    data = json.loads(report.read_text()) if report.is_file() else {}
    return done, data


def tree(root: Path) -> set[str]:
    """Every file under root except node_modules's own content and TestGen's state."""
    found = set()
    for directory, dirs, files in os.walk(root):
        rel = Path(directory).relative_to(root)
        dirs[:] = [d for d in dirs if d != ".testgen"]
        for name in files:
            found.add((rel / name).as_posix())
    return found


def project(tmp_path: Path, name: str, manifest: dict, files: dict[str, str]) -> Path:
    root = tmp_path / name
    root.mkdir()
    (root / ".git").mkdir()  # a repository root: the project stops here
    (root / "package.json").write_text(json.dumps(manifest, indent=2))
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def kept(data: dict) -> list[dict]:
    return [c for f in data["files"] for c in f["candidates"] if c["status"] == "kept"]


def kept_names(data: dict) -> set[str]:
    return {c["definition"].rpartition("::")[2] for c in kept(data)}


def test_a_umd_wrapper_exposes_the_members_of_the_object_its_factory_returns(tmp_path):
    root = project(tmp_path, "umd", {"name": "clamp", "main": "index.js"},
                   {"index.js": UMD})
    before = tree(root)
    done, data = generate(root, "index.js")
    assert done.returncode == 0, done.stdout + done.stderr
    assert {"clamp", "sign"} <= kept_names(data)
    written = root / "index.testgen.test.js"
    assert "require('./index.js')" in written.read_text()
    assert tree(root) - before == {"index.testgen.test.js"}
    ran = subprocess.run(["node", "--test", "index.testgen.test.js"], cwd=root,
                         capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stdout[-2000:]


# CoffeeScript's output: the file is `(function () { ... }).call(this)`, and the API object is
# handed to module.exports inside a guard, then filled in member by member.
COFFEE = """(function() {
  var addr, root;

  addr = {};

  root = this;

  if ((typeof module !== "undefined" && module !== null) && module.exports) {
    module.exports = addr;
  } else {
    root['addr'] = addr;
  }

  addr.isValid = function(string) {
    var parts = String(string).split('.');
    return parts.length === 4 && parts.every(function(part) {
      return part !== '' && String(Number(part)) === part && Number(part) < 256;
    });
  };

  addr.octets = function(string) {
    if (!addr.isValid(string)) {
      throw new Error('addr: invalid address');
    }
    return string.split('.').map(Number);
  };

}).call(this);
"""


def test_a_coffeescript_wrapper_exposes_the_members_of_the_object_it_exports(tmp_path):
    root = project(tmp_path, "coffee", {"name": "addr", "main": "lib/addr.js"},
                   {"lib/addr.js": COFFEE})
    done, data = generate(root, "lib/addr.js")
    assert done.returncode == 0, done.stdout + done.stderr
    found = {c["definition"].rpartition("::")[2] for f in data["files"] for c in f["candidates"]}
    assert {"isValid", "octets"} <= found, found
    assert "octets" in kept_names(data)
    text = (root / "lib" / "addr.testgen.test.js").read_text()
    # The address-shaped input (the module is named for addresses) reaches past the check.
    assert "octets('192.168.1.1')" in text, text
    ran = subprocess.run(["node", "--test", "lib/addr.testgen.test.js"], cwd=root,
                         capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stdout[-2000:]


def test_compiled_commonjs_default_export_is_tested_as_what_require_returns(tmp_path):
    root = project(tmp_path, "compiled", {"name": "slug", "main": "lib/index.js"},
                   {"lib/index.js": COMPILED_DEFAULT})
    done, data = generate(root, "lib/index.js")
    assert done.returncode == 0, done.stdout + done.stderr
    assert kept_names(data) == {"slugify"}
    text = (root / "lib" / "index.testgen.test.js").read_text()
    assert "const slugify = require('./index.js');" in text


def test_an_esm_only_package_with_an_exports_map_is_probed_through_its_source(tmp_path):
    root = project(tmp_path, "esm", {
        "name": "esm-only", "type": "module",
        "exports": {".": {"import": "./src/index.js"}, "./package.json": "./package.json"},
    }, {"src/index.js": "export function double(x) {\n  if (typeof x !== 'number') {\n"
                        "    throw new TypeError('x');\n  }\n  return x * 2;\n}\n"})
    done, data = generate(root, "src/index.js")
    assert done.returncode == 0, done.stdout + done.stderr
    assert kept_names(data) == {"double"}
    assert "from './index.js'" in (root / "src" / "index.testgen.test.js").read_text()


def test_a_dependency_missing_from_node_modules_is_an_error_naming_npm_install(tmp_path):
    root = project(tmp_path, "missing", {
        "name": "needs-dep", "type": "module", "dependencies": {"left-pad-absent": "1.3.0"},
    }, {"index.js": "import pad from 'left-pad-absent';\n"
                    "export function padded(x) {\n  return pad(x, 4);\n}\n"})
    before = tree(root)
    done, _ = generate(root, "index.js")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "TG211" in done.stderr
    assert "left-pad-absent" in done.stderr and "npm install" in done.stderr
    assert "Traceback" not in done.stderr
    assert tree(root) == before


def test_the_summary_says_how_to_run_tests_when_there_is_no_test_script(tmp_path):
    root = project(tmp_path, "noscript", {"name": "noscript", "type": "module"},
                   {"m.js": "export function inc(x) {\n  return x + 1;\n}\n"})
    done = run_testgen("generate", "--engine", "offline", "--path", "m.js", "--repeat", "1",
                   cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "run the written tests with: node --test" in done.stdout
    assert "no test script" in done.stdout


def vitest_without_coverage_provider(tmp_path: Path, deps: Path) -> Path:
    """node_modules holding the vitest fixture's packages except @vitest/coverage-v8."""
    modules = tmp_path / "node_modules"
    modules.mkdir()
    for entry in deps.iterdir():
        if entry.name == "@vitest":
            scoped = modules / "@vitest"
            scoped.mkdir()
            for inner in entry.iterdir():
                if inner.name != "coverage-v8":
                    (scoped / inner.name).symlink_to(inner, target_is_directory=True)
        elif entry.name != ".vite":
            (modules / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    return modules


def test_vitest_without_coverage_provider_still_measures_coverage_and_judges_gain(tmp_path, kit):
    deps = kit.deps_for("vitest")
    root = project(tmp_path, "vt", {"name": "vt", "type": "module",
                                    "scripts": {"test": "vitest run"},
                                    "devDependencies": {"vitest": "3.2.4"}},
                   {"src/grade.ts": "export function grade(score: number): string {\n"
                                    "  if (score >= 90) {\n    return 'A';\n  }\n"
                                    "  return 'B';\n}\n",
                    "src/grade.test.ts": "import { expect, test } from 'vitest';\n"
                                         "import { grade } from './grade.js';\n"
                                         "test('top', () => expect(grade(95)).toBe('A'));\n"})
    vitest_without_coverage_provider(root, deps)
    before = tree(root)
    done, data = generate(root, "src/grade.ts")
    assert done.returncode == 0, done.stdout + done.stderr
    entry = data["files"][0]
    assert "coverage_note" not in entry
    assert entry["coverage"]["before"] == pytest.approx(200 / 3, abs=0.01)  # lines 2, 3 of 5
    assert entry["coverage"]["after"] == 100.0
    assert kept(data) and all("new line(s)" in c["reason"] for c in kept(data))
    assert len(kept(data)) == 1  # the 'A' path ran already: one test of 'B' is enough
    assert not (root / "node_modules" / ".vite").exists()
    assert tree(root) - before == {"src/grade.testgen.test.ts"}


def summary_text(root: Path, data: dict) -> str:
    """The text summary of a report, as `testgen generate` prints it."""
    from io import StringIO

    from rich.console import Console

    from testgen.report import text

    buffer = StringIO()
    text.generate(data, Console(file=buffer, width=200, no_color=True))
    return buffer.getvalue()


COUNTER = {"src/counter.js": "export function inc(x) {\n  if (x > 100) {\n    return 100;\n  }\n"
                             "  return x + 1;\n}\n\nexport function dec(x) {\n  if (x < 0) {\n"
                             "    return 0;\n  }\n  return x - 1;\n}\n"}


@pytest.mark.parametrize("framework", ["node:test", "mocha"])
def test_the_keep_rule_is_per_test_tests_of_covered_code_add_nothing(tmp_path, kit, framework):
    files = dict(COUNTER)
    if framework == "mocha":
        files["test/inc.test.js"] = (
            "import assert from 'node:assert/strict';\nimport { inc } from '../src/counter.js';\n"
            "describe('inc', () => {\n  it('counts', () => assert.equal(inc(1), 2));\n"
            "  it('caps', () => assert.equal(inc(500), 100));\n});\n")
        scripts = {"test": "mocha"}
    else:
        files["test/inc.test.js"] = (
            "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\n"
            "import { inc } from '../src/counter.js';\n"
            "test('counts', () => assert.equal(inc(1), 2));\n"
            "test('caps', () => assert.equal(inc(500), 100));\n")
        scripts = {"test": "node --test test/"}
    root = project(tmp_path, "counter", {"name": "counter", "type": "module",
                                         "scripts": scripts}, files)
    if framework == "mocha":
        (root / "node_modules").symlink_to(kit.deps_for("mocha"), target_is_directory=True)
    done, data = generate(root, "src/counter.js", mutation="off")  # the coverage rule alone
    assert done.returncode == 0, done.stdout + done.stderr
    statuses = {}
    for c in data["files"][0]["candidates"]:
        statuses.setdefault(c["definition"].rpartition("::")[2], set()).add(c["status"])
    assert statuses["inc"] == {"no-gain"}  # the suite already runs every line of inc
    assert "kept" in statuses["dec"]
    assert all("new line(s)" in c["reason"] for c in kept(data))


SCALE = ("const ZERO = 0;\n\nexport function scale(x: number, by: number): number {\n"
         "  const product = x * by + ZERO;\n  return product;\n}\n")


@pytest.mark.parametrize("framework", ["vitest", "jest"])
def test_the_keep_rule_is_per_test_under_jest_and_vitest(tmp_path, kit, framework):
    typescript = framework == "vitest"
    ext = "ts" if typescript else "js"
    counter = COUNTER["src/counter.js"]
    files = {f"src/counter.{ext}": counter.replace("(x)", "(x: number)") if typescript
             else counter,
             f"src/scale.{ext}": SCALE if typescript else SCALE.replace(": number", ""),
             f"test/inc.test.{ext}": (
                 f"import {{ describe, expect, test }} from "
                 f"'{'vitest' if typescript else '@jest/globals'}';\n"
                 "import { inc } from '../src/counter';\n"
                 "describe('inc', () => {\n  test('counts', () => expect(inc(1)).toBe(2));\n"
                 "  test('caps', () => expect(inc(500)).toBe(100));\n});\n")}
    manifest = {"name": "counter", "scripts": {"test": "vitest run" if typescript else "jest"}}
    if typescript:  # a TypeScript config, worker threads and a setup file of the project's
        manifest["type"] = "module"
        files["vitest.config.ts"] = (
            "import { defineConfig } from 'vitest/config';\n\nexport default defineConfig("
            "{ test: { pool: 'threads', setupFiles: ['./test/setup.ts'] } });\n")
        files["test/setup.ts"] = "(globalThis as any).ready = true;\n"
        files["test/inc.test.ts"] += "test('setup ran', () => expect((globalThis as any)" \
                                     ".ready).toBe(true));\n"
    else:
        files["babel.config.cjs"] = ("module.exports = { presets: [['@babel/preset-env', "
                                     "{ targets: { node: 'current' } }]] };\n")
    root = project(tmp_path, "counter", manifest, files)
    (root / "node_modules").symlink_to(kit.deps_for(framework), target_is_directory=True)
    before = tree(root)
    # unit and edge-case tests of scale() run the same two lines: the second adds nothing
    done, data = generate(root, f"src/counter.{ext}", f"src/scale.{ext}",
                          types=("unit", "edge-cases"), mutation="off")  # coverage alone
    assert done.returncode == 0, done.stdout + done.stderr
    statuses: dict[str, list[str]] = {}
    for entry in data["files"]:
        for c in entry["candidates"]:
            statuses.setdefault(c["definition"].rpartition("::")[2], []).append(c["status"])
    assert set(statuses["inc"]) == {"no-gain"}  # the suite already runs every line of inc
    assert "kept" in statuses["dec"]
    assert len(statuses["scale"]) >= 2 and statuses["scale"].count("kept") == 1, statuses
    coverage = {f["source"]: f["coverage"] for f in data["files"]}
    assert coverage[f"src/scale.{ext}"]["after"] == 100.0  # its import ran `const ZERO` too
    assert tree(root) - before == {f"test/counter.testgen.test.{ext}",
                                   f"test/scale.testgen.test.{ext}"}
    assert all("new line(s)" in c["reason"] for c in kept(data))


def test_typescript_path_aliases_from_tsconfig_resolve_when_probing_and_running(tmp_path):
    root = project(tmp_path, "aliases", {"name": "aliases", "type": "module"}, {
        "tsconfig.json": '{\n  // paths as a project sets them\n  "compilerOptions": {\n'
                         '    "baseUrl": ".",\n    "paths": { "@/*": ["src/*"] },\n  },\n}\n',
        "src/lib/math.ts": "export function twice(x: number): number {\n  return x * 2;\n}\n",
        "src/quad.ts": "import { twice } from '@/lib/math';\n\n"
                       "export function quad(x: number): number {\n  return twice(twice(x));\n}\n",
    })
    done, data = generate(root, "src/quad.ts")
    assert done.returncode == 0, done.stdout + done.stderr
    assert kept_names(data) == {"quad"}
    assert "TG211" not in done.stderr


def test_a_package_shipping_only_dist_gets_tests_whose_coverage_is_measured(tmp_path):
    root = project(tmp_path, "distonly", {"name": "slug", "main": "dist/index.js"},
                   {"dist/index.js": COMPILED_DEFAULT,
                    "test/slug.test.js": "const { test } = require('node:test');\n"
                                         "const assert = require('node:assert/strict');\n"
                                         "const slugify = require('../dist/index.js');\n"
                                         "test('refuses numbers', () => "
                                         "assert.throws(() => slugify(42), TypeError));\n"})
    done, data = generate(root, ".")  # dist/ is scanned: nothing else holds the code
    assert done.returncode == 0, done.stdout + done.stderr
    entry = data["files"][0]
    assert entry["coverage"]["before"] > 0  # the project's own test ran dist/ in the copy
    assert entry["coverage"]["after"] > entry["coverage"]["before"]
    assert kept_names(data) == {"slugify"}


def test_validate_measures_coverage_without_the_vitest_provider(tmp_path, kit):
    root = project(tmp_path, "vtv", {"name": "vtv", "type": "module",
                                     "scripts": {"test": "vitest run"}},
                   {"src/a.ts": "export const one = (): number => 1;\n"
                                "export function two(): number {\n  return 2;\n}\n",
                    "src/doc.ts": "export class Doc {\n  args!: string[];\n  indent = 0;\n}\n",
                    "src/a.test.ts": "import { expect, test } from 'vitest';\n"
                                     "import { one } from './a.js';\n"
                                     "import { Doc } from './doc.js';\n"
                                     "test('one', () => expect(one()).toBe(1));\n"
                                     "test('doc', () => expect(new Doc().indent).toBe(0));\n"})
    vitest_without_coverage_provider(root, kit.deps_for("vitest"))
    done = run_testgen("validate", "--path", ".", "--format", "json", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    files = {f["path"]: f for f in json.loads(done.stdout)["files"]}
    assert (files["src/a.ts"]["statements"], files["src/a.ts"]["covered"]) == (2, 1)
    assert files["src/a.ts"]["uncovered"] == ["3"]  # two() never ran
    assert files["src/doc.ts"]["percent"] == 100.0  # `args!: string[]` is a type, not code


# A class written before ES classes: a constructor the module exports, methods on its
# prototype that read what the constructor kept, and a static parser that returns `new this`.
PROTOTYPES = """'use strict';

module.exports = Negotiator;
module.exports.Range = Range;

function Negotiator(request) {
  if (!(this instanceof Negotiator)) {
    return new Negotiator(request);
  }
  this.request = request;
}

Negotiator.prototype.languages = function languages() {
  var header = this.request.headers['accept-language'];
  if (!header) {
    return ['*'];
  }
  return header.split(',').map(function (part) {
    return part.split(';')[0].trim();
  });
};

Negotiator.prototype.language = function language() {
  return this.languages()[0];
};

function Range(low, high) {
  if (typeof low !== 'number' || typeof high !== 'number' || low > high) {
    throw new RangeError('low must be a number not above high');
  }
  this.low = low;
  this.high = high;
}

Range.prototype.contains = function contains(value) {
  return value >= this.low && value <= this.high;
};

Range.prototype.width = function width() {
  return this.high - this.low;
};

Range.parse = function parse(text) {
  var parts = String(text).split('-').map(Number);
  return new this(parts[0], parts[1]);
};
"""


@pytest.mark.parametrize("framework", ["node:test", "jest", "vitest"])
def test_prototype_methods_of_an_exported_constructor_get_kept_tests(tmp_path, kit, framework):
    manifest = {"name": "negotiate", "main": "index.js"}
    if framework != "node:test":
        manifest["scripts"] = {"test": "jest" if framework == "jest" else "vitest run"}
    root = project(tmp_path, "proto", manifest, {"index.js": PROTOTYPES})
    if framework != "node:test":
        (root / "node_modules").symlink_to(kit.deps_for(framework), target_is_directory=True)
    done, data = generate(root, "index.js")
    assert done.returncode == 0, done.stdout + done.stderr
    # `languages` runs inside `language`: its own tests add nothing the keep rule wants.
    assert {"Negotiator.language", "Range.contains", "Range.width"} <= kept_names(data)
    text = next(root.glob("**/index.testgen.test.*")).read_text().replace('"', "'")
    # The request holds the header the method reads, and the parser builds a Range: the
    # receivers come from the public API, never from fields written in.
    assert re.search(r"new Negotiator\(\{\s*headers: \{ 'accept-language': 'en-US' \}", text), \
        text  # prettier, where the project has it, may wrap the line
    assert "const range = Range.parse(" in text, text
    assert "__proto__" not in text and "Object.create" not in text
