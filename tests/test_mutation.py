"""`testgen validate --mutation`: the existing suite against mutants, on real temp projects
with real toolchains."""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from testgen import grammars
from testgen.config import load as load_config
from testgen.inventory import collect
from testgen.kit.mutation import apply
from testgen.mutation import run_mutation, sites
from testgen.plugins import Plugins
from testgen.suite import run_existing

CALC = {
    "pyproject.toml": """
        [project]
        name = "calc"
        version = "0.1.0"

        [tool.pytest.ini_options]
        pythonpath = ["."]
    """,
    "calc.py": '''
        def grade(score):
            """'pass' from 50 points up."""
            if score >= 50:
                return "pass"
            return "fail"


        def add(a, b):
            return a + b


        def unused(x):
            return x * 2
    ''',
    "tests/test_calc.py": """
        from calc import add, grade


        def test_grade():
            assert grade(80) == "pass"
            assert grade(10) == "fail"


        def test_add():
            assert add(2, 3) == 5
    """,
}


def by_change(data: dict, *statuses: str) -> set[tuple[int, str, str]]:
    rows = data["mutation"]["survivors"] + data["mutation"]["errors"]
    return {(r["line"], r["original"], r["replacement"]) for r in rows
            if r["status"] in statuses}


@pytest.fixture
def calc(make_project):
    return make_project(CALC, name="calc")


def test_python_suite_kills_mutants_and_misses_the_boundary(run_cli, calc):
    result = run_cli("validate", "--path", str(calc), "--mutation", "full", "--format", "json")
    assert result.returncode == 0, result.output
    data = json.loads(result.stdout)
    m = data["mutation"]
    assert by_change(data, "survived") == {(3, ">=", ">"), (3, "50", "51")}
    assert by_change(data, "no-coverage") == {(13, "x * 2", "None"), (13, "*", "/"),
                                              (13, "2", "3")}
    s = m["summary"]
    # killed: "pass"/"fail" emptied, three returns → None, + → -
    assert (s["killed"], s["survived"], s["no_coverage"], s["error"]) == (6, 2, 3, 0)
    assert s["score"] == pytest.approx(54.55) and s["covered_score"] == 75.0
    grade = next(d for d in m["definitions"] if d["name"] == "grade")
    assert (grade["mutants"], grade["killed"], grade["survived"]) == (6, 4, 2)
    assert m["files"] == [{"path": "calc.py", **s}]
    assert "mutation:" in result.stderr  # progress


def test_survivors_are_sarif_warnings_junit_failures_html_and_markdown_rows(run_cli, calc):
    import jsonschema
    import xmlschema

    from testgen.report import html, junit, markdown, sarif

    schemas = Path(__file__).parent / "schemas"
    result = run_cli("validate", "--path", str(calc), "--mutation", "full", "--format", "json")
    data = json.loads(result.stdout)

    log = json.loads(sarif.render(data, kind="validate"))
    jsonschema.Draft4Validator(json.loads(
        (schemas / "sarif-schema-2.1.0.json").read_text())).validate(log)
    found = [(r["locations"][0]["physicalLocation"]["region"]["startLine"], r["message"]["text"])
             for r in log["runs"][0]["results"] if r["ruleId"] == "surviving-mutant"]
    assert found == [(3, "'>=' → '>' survives: no test fails (grade)"),
                     (3, "'50' → '51' survives: no test fails (grade)")]

    xml = junit.render(data, kind="validate")
    xmlschema.XMLSchema(str(schemas / "junit-10.xsd")).validate(xml)
    suite = ET.fromstring(xml).find("testsuite[@name='mutation']")
    outcomes = {c.get("name"): c.find("failure") is not None for c in suite}
    assert outcomes == {"mutation: grade": True, "mutation: add": False,
                        "mutation: unused": False}

    page = html.render(data, kind="validate")
    assert "Surviving mutant" in page and "calc.py:3" in page
    summary = markdown.render(data, kind="validate")
    assert "| `calc.py:3` | `>=` → `>` | comparison |" in summary


def test_shard_reports_merge_their_mutation_blocks(run_cli, calc, tmp_path):
    data = json.loads(run_cli("validate", "--path", str(calc), "--mutation", "full",
                              "--format", "json").stdout)
    halves = []
    for name, keep in (("a", {"grade"}), ("b", {"add", "unused"})):
        part = json.loads(json.dumps(data))
        m = part["mutation"]
        m["definitions"] = [d for d in m["definitions"] if d["name"] in keep]
        m["survivors"] = [r for r in m["survivors"] if r["definition"] in keep]
        m["summary"] = {k: sum(d[k] for d in m["definitions"])
                        for k in ("mutants", "killed", "survived", "timeout", "error",
                                  "no_coverage")}
        m["files"], m["operators"] = [], {}
        part["files"] = [] if name == "b" else part["files"]
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(part))
        halves.append(path)
    merged = json.loads(run_cli("report", "merge", *map(str, halves), "--format",
                                "json").stdout)
    m = merged["mutation"]
    assert {k: m["summary"][k] for k in ("mutants", "killed", "survived", "no_coverage",
                                         "score", "covered_score")} == \
        {k: data["mutation"]["summary"][k] for k in ("mutants", "killed", "survived",
                                                      "no_coverage", "score",
                                                      "covered_score")}
    assert [r["line"] for r in m["survivors"]] == [3, 3, 13, 13, 13]


def test_python_survivors_are_listed_as_gaps_in_the_text_report(run_cli, calc):
    result = run_cli("validate", "--path", str(calc), "--mutation", "full")
    assert result.returncode == 0, result.output
    assert "calc.py:3: '>=' → '>' survives" in result.stdout
    assert "calc.py:3: '50' → '51' survives" in result.stdout
    assert "and 3 on lines no test runs" in result.stdout
    assert "definitions with survivors: calc.py::grade 67%" in result.stdout


def test_min_mutation_score_makes_validate_exit_1(run_cli, calc):
    result = run_cli("validate", "--path", str(calc), "--min-mutation-score", "80",
                     "--format", "json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["mutation"]["mode"] == "sample"
    assert any(f.startswith("TG404") for f in data["failures"])
    assert run_cli("validate", "--path", str(calc), "--min-mutation-score", "40").returncode == 0


def test_a_mutant_that_loops_forever_is_a_timeout_and_counts_as_detected(run_cli,
                                                                          make_project):
    project = make_project({
        "pyproject.toml": CALC["pyproject.toml"],
        "count.py": """
            def countdown(n):
                steps = 0
                while n > 0:
                    n = n - 1
                    steps = steps + 1
                return steps
        """,
        "tests/test_count.py": """
            from count import countdown


            def test_countdown():
                assert countdown(3) == 3
        """,
    }, name="count")
    result = run_cli("validate", "--path", str(project), "--mutation", "full",
                     "--format", "json")
    data = json.loads(result.stdout)
    statuses = {(r["line"], r["original"], r["replacement"]): r["status"]
                for r in data["mutation"]["survivors"] + data["mutation"]["errors"]}
    assert statuses == {}
    s = data["mutation"]["summary"]
    assert s["timeout"] == 1  # n - 1 → n + 1 never ends
    assert (s["mutants"], s["killed"], s["score"]) == (8, 7, 100.0)


def test_changed_since_mutates_only_the_changed_definitions(run_cli, calc):
    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=calc,
                       check=True, capture_output=True)
    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "calc")
    source = calc / "calc.py"
    source.write_text(source.read_text().replace("return a + b", "return b + a"))
    result = run_cli("validate", "--path", str(calc), "--changed-since", "HEAD",
                     "--mutation", "full", "--format", "json")
    m = json.loads(result.stdout)["mutation"]
    assert [(d["name"], d["mutants"], d["killed"]) for d in m["definitions"]] == [("add", 2, 2)]


def test_without_a_passing_test_every_mutant_survives_unrun(run_cli, make_project):
    project = make_project({"pyproject.toml": CALC["pyproject.toml"],
                            "calc.py": CALC["calc.py"]}, name="untested")
    result = run_cli("validate", "--path", str(project), "--mutation", "full",
                     "--format", "json")
    m = json.loads(result.stdout)["mutation"]
    assert (m["summary"]["mutants"], m["summary"]["no_coverage"], m["summary"]["score"]) == \
        (11, 11, 0.0)
    assert m["notes"] == {"python": "the existing suite has no passing test to kill mutants"}


def test_validate_without_mutation_has_no_mutation_section(run_cli, calc):
    data = json.loads(run_cli("validate", "--path", str(calc), "--format", "json").stdout)
    assert "mutation" not in data


def test_mutation_leaves_the_users_tree_unchanged(run_cli, calc):
    def tree() -> dict:  # TestGen's own .testgen/metrics aside
        return {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in calc.rglob("*")
                if p.is_file() and ".testgen" not in p.parts}
    before = tree()
    run_cli("validate", "--path", str(calc), "--mutation", "full")
    assert tree() == before


# --------------------------------------------------------------------------- go

GO = {
    "go.mod": "module example.com/shop\n\ngo 1.21\n",
    "shop.go": """
        package shop

        // Free reports whether an order ships for free (from 100 up).
        func Free(total int) bool {
        \treturn total >= 100
        }

        // Double is twice n.
        func Double(n int) int {
        \treturn n * 2
        }
    """,
    "shop_test.go": """
        package shop

        import "testing"

        func TestFree(t *testing.T) {
        \tif !Free(150) || Free(20) {
        \t\tt.Fatal("free shipping")
        \t}
        }

        func TestDouble(t *testing.T) {
        \tif Double(4) != 8 {
        \t\tt.Fatal("double")
        \t}
        }
    """,
}


@pytest.mark.skipif(shutil.which("go") is None, reason="go is not installed")
def test_go_suite_kills_mutants_and_misses_the_boundary(run_cli, make_project):
    project = make_project(GO, name="goshop")
    result = run_cli("validate", "--path", str(project), "--mutation", "full",
                     "--format", "json")
    assert result.returncode == 0, result.output
    data = json.loads(result.stdout)
    assert by_change(data, "survived") == {(5, ">=", ">"), (5, "100", "101")}
    s = data["mutation"]["summary"]
    assert (s["killed"], s["survived"], s["error"]) == (2, 2, 0)  # * → /, 2 → 3


# --------------------------------------------------------------------------- listing


def listed(tmp_path, files: dict[str, str]) -> dict[str, list]:
    root = tmp_path / "proj"
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    plugins = Plugins.load()
    inventory = collect(root, plugins, load_config(root), light=True)
    return {lang: [(f.rel_path, m) for f, found in files_ for m in found]
            for lang, files_ in sites(inventory, plugins, mode="full").items()}


JS = {
    "package.json": '{"name": "p", "version": "1.0.0", "type": "module"}\n',
    "src/range.js": ("export const LIMIT = 3;\n"
                     "export function inRange(x, low, high) {\n"
                     "  if (x < low || x > high) { return false; }\n"
                     "  return true;\n}\n"),
    "test/range.test.js": "import { inRange } from '../src/range.js';\n",
}


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_javascript_mutants_are_listed_from_the_source_and_still_run(tmp_path):
    found = listed(tmp_path, JS)["javascript"]
    assert {(m.line, m.original, m.replacement) for _, m in found} == {
        (3, "<", "<="), (3, "||", "&&"), (3, ">", ">="), (3, "false", "undefined"),
        (3, "false", "true"), (4, "true", "undefined"), (4, "true", "false"),
    }
    source = (tmp_path / "proj" / "src" / "range.js").read_bytes()
    for _, mutant in found:
        mutated = tmp_path / "mutated.mjs"
        mutated.write_bytes(apply(source, mutant))
        check = subprocess.run(["node", "--check", str(mutated)], capture_output=True,
                               text=True)
        assert check.returncode == 0, (mutant, check.stderr)


RUST = {
    "Cargo.toml": '[package]\nname = "lim"\nversion = "0.1.0"\nedition = "2021"\n',
    "src/lib.rs": ("pub fn over(x: u32, limit: u32) -> bool {\n"
                   "    if x > limit && limit != 0 { return true; }\n"
                   "    x * 2 > limit + 1\n}\n\n"
                   "#[cfg(test)]\nmod tests {\n    #[test]\n"
                   "    fn over_two() {\n        assert!(super::over(3, 2));\n    }\n}\n"),
}


@pytest.mark.skipif(shutil.which("cargo") is None, reason="cargo is not installed")
def test_rust_mutants_are_listed_and_compile(tmp_path):
    found = listed(tmp_path, RUST)["rust"]
    assert {(m.line, m.original, m.replacement) for _, m in found} == {
        (2, ">", ">="), (2, "&&", "||"), (2, "!=", "=="), (2, "0", "1"),
        (2, "true", "false"), (3, "*", "/"), (3, "2", "3"), (3, ">", ">="), (3, "+", "-"),
        (3, "1", "2"),
    }
    # Every mutant in one crate, each in its own copy of the function: one build. (The test
    # module is no definition: nothing in it is mutated.)
    source = (tmp_path / "proj" / "src" / "lib.rs").read_bytes()
    function = source[:source.index(b"#[cfg(test)]")]
    bodies = [apply(function, m).decode().replace("pub fn over", f"pub fn over_{i}")
              for i, (_, m) in enumerate(found)]
    crate = tmp_path / "all"
    (crate / "src").mkdir(parents=True)
    (crate / "Cargo.toml").write_text(RUST["Cargo.toml"])
    (crate / "src" / "lib.rs").write_text("\n".join(bodies))
    build = subprocess.run(["cargo", "build", "--offline", "--quiet"], cwd=crate,
                           capture_output=True, text=True,
                           env={**__import__("os").environ,
                                "CARGO_TARGET_DIR": str(tmp_path / "target")})
    assert build.returncode == 0, build.stderr


def test_the_grammar_of_every_language_with_a_table_is_installed():
    plugins = Plugins.load()
    for name, info in plugins.languages().items():
        if plugins.language(name).mutation is not None:
            grammars.load(info.grammar.split(",")[0].strip())


# --------------------------------------------------------------------------- mutant schemata


def verdicts(project: Path, *, schemata: bool, said: list[str] | None = None
             ) -> dict[tuple[int, str, str], str]:
    """Every mutant's status from ``run_mutation`` (full), with the language's schemata or
    with each mutant spliced into the file and built alone (``said``: its progress lines)."""
    plugins = Plugins.load()
    inventory = collect(project, plugins, load_config(project), light=True)
    runs = run_existing(inventory, plugins, timeout=600.0)
    if not schemata:
        for language in runs:
            table = plugins.language(language)
            table.mutation = replace(table.mutation, schemata=None)
    report = run_mutation(inventory, plugins, runs, mode="full",
                          progress=(said if said is not None else []).append)
    assert not report.notes, report.notes
    return {(r.mutant.line, r.mutant.original, r.mutant.replacement): r.status
            for r in report.results}


def both_ways(project: Path) -> tuple[dict[tuple[int, str, str], str], list[str]]:
    """The verdicts with schemata, checked equal to those of one build per mutant, and the
    progress lines of the run with schemata."""
    said: list[str] = []
    at_once = verdicts(project, schemata=True, said=said)
    assert at_once == verdicts(project, schemata=False)
    return at_once, said


GO_SCHEMATA = {
    "go.mod": "module example.com/lim\n\ngo 1.21\n",
    "lim.go": """\
        package lim

        import "strings"

        // Clamp keeps x within [low, high].
        func Clamp(x, low, high int) int {
            if x < low {
                return low
            }
            if x > high {
                return high
            }
            return x
        }

        type Counter struct{ n int }

        // Add counts up by k, at most to 10.
        func (c *Counter) Add(k int) {
            c.n += k
            if c.n > 10 {
                c.n = 10
            }
        }

        // Shout upper-cases words; the variable is used only in the call a mutant removes,
        // so that mutant does not compile (and is no verdict of the schema's).
        func Shout(words []string) string {
            joined := strings.Join(words, " ")
            out := ""
            appendTo(&out, joined)
            return strings.ToUpper(out)
        }

        func appendTo(dst *string, s string) { *dst += s }

        // First finds the first negative number; its label keeps it out of the schema.
        func First(xs []int) int {
        loop:
            for i, x := range xs {
                if x < 0 {
                    return i
                }
                if i > 100 {
                    break loop
                }
            }
            return -1
        }
    """,
    "lim_test.go": """\
        package lim

        import "testing"

        func TestClamp(t *testing.T) {
            if Clamp(5, 0, 3) != 3 || Clamp(-1, 0, 3) != 0 || Clamp(2, 0, 3) != 2 {
                t.Fatal("clamp")
            }
        }

        func TestAdd(t *testing.T) {
            c := &Counter{}
            c.Add(4)
            c.Add(9)
            if c.n != 10 {
                t.Fatal(c.n)
            }
        }

        func TestShout(t *testing.T) {
            if Shout([]string{"a", "b"}) != "A B" {
                t.Fatal("shout")
            }
        }

        func TestFirst(t *testing.T) {
            if First([]int{1, -2}) != 1 {
                t.Fatal("first")
            }
        }
    """,
}


@pytest.mark.skipif(shutil.which("go") is None, reason="go is not installed")
def test_go_mutants_built_in_at_once_get_the_verdict_of_their_own_build(make_project):
    at_once, said = both_ways(make_project(GO_SCHEMATA, name="golim"))
    assert {"killed", "survived", "error"} <= set(at_once.values())
    # All but the mutant that does not compile and the labelled function's: one build.
    built = {change for change, status in at_once.items()
             if status in ("killed", "survived") and change[0] < 36}
    assert f"mutation: lim.go: {len(built)} mutant(s) built in at once" in said, said


RUST_SCHEMATA = {
    "Cargo.toml": '[package]\nname = "lim"\nversion = "0.1.0"\nedition = "2021"\n',
    "src/lib.rs": """\
        //! Limits.
        #![deny(warnings)]

        pub const fn double(x: u32) -> u32 {
            x * 2
        }

        pub fn clamp(x: i64, low: i64, high: i64) -> i64 {
            if x < low {
                return low;
            }
            if x > high { high } else { x }
        }

        pub struct Counter {
            pub n: u32,
        }

        impl Counter {
            pub fn add(&mut self, k: u32) {
                self.n += k;
                if self.n > 10 {
                    self.n = 10;
                }
            }
        }

        pub fn tiny() -> u8 {
            let x: u8 = 255;
            x / 2
        }

        #[cfg(test)]
        mod tests {
            use super::*;

            #[test]
            fn clamps() {
                assert_eq!(clamp(5, 0, 3), 3);
                assert_eq!(clamp(-1, 0, 3), 0);
            }

            #[test]
            fn adds() {
                let mut c = Counter { n: 0 };
                c.add(4);
                c.add(9);
                assert_eq!(c.n, 10);
                assert_eq!(double(2), 4);
                assert_eq!(tiny(), 127);
            }
        }
    """,
}


@pytest.mark.skipif(shutil.which("cargo") is None, reason="cargo is not installed")
def test_rust_mutants_built_in_at_once_get_the_verdict_of_their_own_build(make_project):
    at_once, said = both_ways(make_project(RUST_SCHEMATA, name="rustlim"))
    assert at_once[(29, "255", "256")] == "error"  # out of range for u8: no build
    assert {"killed", "survived"} <= set(at_once.values())
    # The const fn stays out, the mutants that do not compile are dropped (the copies of
    # the others still build in a crate that denies warnings): one build for the rest.
    built = {change for change, status in at_once.items()
             if status in ("killed", "survived") and change[0] != 5}
    assert f"mutation: src/lib.rs: {len(built)} mutant(s) built in at once" in said, said
