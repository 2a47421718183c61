"""`testgen generate/validate` on the layouts real Go projects have: no go.mod, go.work with
several modules, a go.work above the project, relative `replace`, and per-test coverage."""

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from testgen.model import Framework, TestCandidate

from testgen_go.plugin import Go

from gotestkit import needs_go, source, write_module

GO = Go()

pytestmark = needs_go
TESTING = Framework(name="testing", language="go")

CLAMP = """
    package a

    // Clamp limits n to [lo, hi].
    func Clamp(n, lo, hi int) int {
    	if n < lo {
    		return lo
    	}
    	if n > hi {
    		return hi
    	}
    	return n
    }
    """


def run_testgen(*args: str, cwd: Path, report: Path | None = None,
                env: dict[str, str] | None = None) -> tuple[int, str, dict]:
    exe = shutil.which("testgen") or str(Path(sys.executable).with_name("testgen"))
    argv = [exe, *args, "--engine", "offline"] if args[0] == "generate" else [exe, *args]
    if report is not None:
        argv += ["--format", "json", "--report", str(report)]
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=600,
                          env={**os.environ, **(env or {})})
    data = json.loads(report.read_text()) if report is not None and report.is_file() else {}
    return done.returncode, done.stdout + done.stderr, data


def go_test(directory: Path, *args: str,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["go", "test", "-count=1", *args, "./..."], cwd=directory,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and ".testgen" not in p.relative_to(root).parts}


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())


def test_no_go_mod_is_an_input_error_naming_go_mod_init(tmp_path):
    write(tmp_path, {"calc/calc.go": "package calc\n\nfunc Add(a, b int) int { return a + b }\n"})
    (tmp_path / ".git").mkdir()
    code, out, _ = run_testgen("generate", "--path", ".", cwd=tmp_path)
    assert code == 2, out
    assert "TG206" in out and "go mod init" in out
    assert "Traceback" not in out
    assert not (tmp_path / "calc" / "calc_testgen_test.go").exists()


def test_validate_without_go_mod_is_the_same_input_error(tmp_path):
    write(tmp_path, {"calc.go": "package calc\n\nfunc Add(a, b int) int { return a + b }\n"})
    (tmp_path / ".git").mkdir()
    code, out, _ = run_testgen("validate", "--path", ".", cwd=tmp_path)
    assert code == 2, out
    assert "TG206" in out and "go mod init" in out


def go_work_repo(root: Path) -> Path:
    """Two modules tied only by go.work: b imports a without a replace in its go.mod."""
    write_module(root / "a", {"a.go": CLAMP}, module="example.com/a")
    write_module(root / "b", {"b.go": """
        package b

        import "example.com/a"

        // Percent clamps p to [0, 100].
        func Percent(p int) int { return a.Clamp(p, 0, 100) }
        """}, module="example.com/b")
    with (root / "b" / "go.mod").open("a") as handle:
        handle.write("\nrequire example.com/a v0.0.0\n")
    (root / "go.work").write_text("go 1.22\n\nuse (\n\t./a\n\t./b\n)\n")
    return root


def test_go_work_with_two_modules_gets_tests_for_both(tmp_path):
    root = go_work_repo(tmp_path / "repo")
    (root / ".git").mkdir()
    before = tree(root)
    code, out, data = run_testgen("generate", "--path", ".", cwd=root, report=tmp_path / "r.json")
    assert code == 0, out
    written = {f["test_file"] for f in data["files"] if f["written"]}
    assert written == {"a/a_testgen_test.go", "b/b_testgen_test.go"}
    for module in ("a", "b"):
        done = go_test(root / module, "-cover")
        assert done.returncode == 0, done.stdout + done.stderr
        assert "coverage: 100.0% of statements" in done.stdout
    after = tree(root)
    assert {k: v for k, v in after.items() if k not in written} == before


def test_validate_covers_every_module_of_a_go_work(tmp_path):
    root = go_work_repo(tmp_path / "repo")
    (root / ".git").mkdir()
    write(root, {"a/a_test.go": """
        package a

        import "testing"

        func TestClampLow(t *testing.T) {
        	if Clamp(-1, 0, 5) != 0 {
        		t.Fatal("low")
        	}
        }
        """})
    code, out, data = run_testgen("validate", "--path", ".", cwd=root, report=tmp_path / "v.json")
    assert code == 0, out
    files = {f["path"]: f for f in data["files"]}
    assert set(files) == {"a/a.go", "b/b.go"}
    assert files["b/b.go"]["covered"] == 0
    assert data["summary"]["statement_count"] == 6  # 5 in Clamp, 1 in Percent
    assert data["summary"]["statements_covered"] == 2


def test_a_go_work_above_the_project_is_honoured(tmp_path):
    root = go_work_repo(tmp_path / "repo")
    # No VCS root: the project is module b, and only go.work (above it) finds module a.
    code, out, data = run_testgen("generate", "--path", "b/b.go", cwd=root,
                              report=tmp_path / "r.json")
    assert code == 0, out
    assert data["summary"]["kept"] >= 1
    assert (root / "b" / "b_testgen_test.go").is_file()
    assert go_test(root / "b").returncode == 0


def test_relative_replace_outside_the_project_resolves_to_the_original(tmp_path):
    write_module(tmp_path / "lib", {"lib.go": """
        package lib

        // Twice doubles n.
        func Twice(n int) int { return 2 * n }
        """}, module="example.com/lib")
    app = write_module(tmp_path / "app", {"app.go": """
        package app

        import "example.com/lib"

        // Quad multiplies by four; negative numbers keep their sign.
        func Quad(n int) int {
        	if n < 0 {
        		return -lib.Twice(lib.Twice(-n))
        	}
        	return lib.Twice(lib.Twice(n))
        }
        """}, module="example.com/app")
    with (app / "go.mod").open("a") as handle:
        handle.write("\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ../lib\n")
    (app / ".git").mkdir()
    go_mod = (app / "go.mod").read_text()
    code, out, data = run_testgen("generate", "--path", ".", cwd=app, report=tmp_path / "r.json")
    assert code == 0, out
    assert data["summary"]["kept"] >= 1
    assert (app / "go.mod").read_text() == go_mod
    done = go_test(app, "-cover")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "coverage: 100.0% of statements" in done.stdout


def test_two_candidates_covering_the_same_lines_keep_only_one(tmp_path):
    root = write_module(tmp_path / "keep", {"add.go": """
        package keep

        // Add sums two numbers.
        func Add(a, b int) int {
        	return a + b
        }
        """}, module="example.com/keep")
    (root / ".git").mkdir()
    code, out, data = run_testgen("generate", "--path", ".", "--type", "unit", "--type",
                              "edge-cases", cwd=root, report=tmp_path / "r.json")
    assert code == 0, out
    statuses = sorted(c["status"] for f in data["files"] for c in f["candidates"])
    assert statuses == ["kept", "no-gain"]


def test_each_candidate_is_credited_with_the_lines_it_alone_covers(tmp_path, workspace_of):
    root = write_module(tmp_path / "a", {"a.go": CLAMP}, module="example.com/a")
    low = TestCandidate(id="a.go::Clamp::low", definition="a.go::Clamp", test_name="TestLow",
                        code="func TestLow(t *testing.T) {\n\tif Clamp(-1, 0, 5) != 0 {\n"
                             "\t\tt.Fatal()\n\t}\n}\n")
    high = TestCandidate(id="a.go::Clamp::high", definition="a.go::Clamp",
                         test_name="TestHigh",
                         code="func TestHigh(t *testing.T) {\n\tif Clamp(9, 0, 5) != 5 {\n"
                              "\t\tt.Fatal()\n\t}\n}\n")
    ws = workspace_of(root)
    test_file = GO.assemble(candidates=[low, high], framework=TESTING,
                            source=source(root, "a.go"), path="a_testgen_test.go")
    ws.write(test_file.path, test_file.content)
    launches = ws.launches
    run = GO.run(framework=TESTING, test_files=[test_file],
  workspace=ws, coverage=True)
    assert run.ok, run.error or run.output
    assert ws.launches == launches + 1
    covered = {t.test_id: t.covered["a.go"] for t in run.tests}
    assert 6 in covered["TestLow"] and 6 not in covered["TestHigh"]
    assert 9 in covered["TestHigh"] and 9 not in covered["TestLow"]
    assert 11 not in covered["TestLow"] | covered["TestHigh"]
    assert run.coverage["a.go"].covered == covered["TestLow"] | covered["TestHigh"]


def test_statements_and_lines_match_go_tool_cover(tmp_path):
    root = write_module(tmp_path / "m", {"m.go": """
        package m

        // Sign is -1, 0 or 1.
        func Sign(n int) int {
        	if n < 0 { return -1 }
        	if n == 0 {
        		return 0
        	}
        	x := 1; y := x; return y
        }
        """, "m_test.go": """
        package m

        import "testing"

        func TestNegative(t *testing.T) {
        	if Sign(-3) != -1 {
        		t.Fatal()
        	}
        }
        """}, module="example.com/m")
    profile = tmp_path / "c.out"
    assert go_test(root, f"-coverprofile={profile}").returncode == 0
    func = subprocess.run(["go", "tool", "cover", f"-func={profile}"], cwd=root,
                          capture_output=True, text=True).stdout
    native = float(func.strip().splitlines()[-1].split()[-1].rstrip("%"))
    (root / ".git").mkdir()
    code, out, data = run_testgen("validate", "--path", ".", cwd=root, report=tmp_path / "v.json")
    assert code == 0, out
    assert abs(data["summary"]["statements_percent"] - native) < 0.051  # -func prints 1 decimal
    assert data["summary"]["lines_percent"] == data["summary"]["percent"]
    assert data["summary"]["percent"] != data["summary"]["statements_percent"]


def test_a_file_behind_a_custom_build_tag_gets_tests_behind_the_same_tag(tmp_path):
    root = write_module(tmp_path / "tags", {"fast.go": """
        //go:build fast

        package tags

        // Speed names the build.
        func Speed(n int) string {
        	if n > 10 {
        		return "fast-high"
        	}
        	return "fast"
        }
        """, "plain.go": """
        package tags

        // Half halves n.
        func Half(n int) int { return n / 2 }
        """}, module="example.com/tags")
    (root / ".git").mkdir()
    code, out, data = run_testgen("generate", "--path", ".", cwd=root,
                                  report=tmp_path / "r.json")
    assert code == 0, out
    assert data["summary"]["kept"] >= 1
    test_file = (root / "fast_testgen_test.go").read_text()
    assert "//go:build fast" in test_file
    tagged = go_test(root, "-tags", "fast", "-cover")
    assert tagged.returncode == 0, tagged.stdout + tagged.stderr
    assert "coverage: 100.0% of statements" in tagged.stdout
    assert go_test(root).returncode == 0


def test_kept_tests_do_not_depend_on_the_machines_time_zone(tmp_path):
    root = write_module(tmp_path / "tz", {"tz.go": """
        package tz

        import "time"

        // Stamp formats t as a date and hour.
        func Stamp(t time.Time) string { return t.Format("2006-01-02 15h") }

        // Local renders seconds since the epoch in the machine's zone.
        func Local(sec int64) string { return time.Unix(sec, 0).Format(time.RFC3339) }
        """}, module="example.com/tz")
    (root / ".git").mkdir()
    code, out, data = run_testgen("generate", "--path", ".", cwd=root,
                                  report=tmp_path / "r.json", env={"TZ": "Asia/Tokyo"})
    assert code == 0, out
    assert data["summary"]["kept"] >= 1
    for zone in ("UTC", "America/New_York", "Asia/Tokyo"):
        done = go_test(root, env={"TZ": zone})
        assert done.returncode == 0, zone + "\n" + done.stdout + done.stderr
