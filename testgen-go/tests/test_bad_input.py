"""Code that does not compile, cgo, hangs, panics, exits, and no `go`: a status, never a hang."""

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from testgen.errors import TestgenError
from testgen.model import Framework

from testgen_go.plugin import Go

from gotestkit import definitions, generate, needs_go, write_module

GO = Go()

TESTING = Framework(name="testing", language="go")

BAD = {
    "bad.go": """
        package bad

        import "os"

        // Spin never returns for negative n.
        func Spin(n int) int {
        	for n != 0 {
        		n--
        		if n < -5 {
        			n = -3
        		}
        	}
        	return n
        }

        // At returns xs[i] and panics when i is out of range.
        func At(xs []int, i int) int {
        	return xs[i]
        }

        // Must panics on an empty name.
        func Must(name string) string {
        	if name == "" {
        		panic("empty name")
        	}
        	return name
        }

        // Bye ends the process for "bye".
        func Bye(s string) int {
        	if s == "bye" {
        		os.Exit(3)
        	}
        	return len(s)
        }

        // Feed reads a channel.
        func Feed(ch chan int) int { return len(ch) }

        func Double(n int) int { return n * 2 }
        """,
}


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    return write_module(tmp_path / "bad", BAD)


def _by_name(probes):
    out = {}
    for p in probes:
        out.setdefault(p.definition.split("::")[1], []).append(p)
    return out


@needs_go
def test_hangs_panics_and_exits_become_probe_outcomes(bad, workspace_of):
    ws = workspace_of(bad, timeout=60)
    start = time.monotonic()
    probes = GO.probe(definitions=definitions(bad, "bad.go"),
       workspace=ws, test_type="unit")
    assert time.monotonic() - start < 45
    by = _by_name(probes)
    assert any(p.outcome == "timeout" for p in by["Spin"])
    assert any(p.outcome == "return" and p.value == "0" for p in by["Spin"])
    panics = [p for p in by["At"] if p.exception == "panic"]
    assert panics and all("index out of range" in p.message for p in panics)
    assert any(p.exception == "panic" and p.message == "empty name" for p in by["Must"])
    assert any(p.outcome == "crash" and "status 3" in p.reason for p in by["Bye"])
    # the process was started again after the exit: later functions are still observed
    assert {p.value for p in by["Double"] if p.outcome == "return"} >= {"2", "84", "0"}
    (feed,) = by["Feed"]
    assert feed.outcome == "skipped" and "channel" in feed.reason


@needs_go
def test_recovered_panics_become_passing_panic_tests(bad, workspace_of):
    ws = workspace_of(bad)
    test_file, _ = generate(bad, "bad.go", ws, test_type="negative")
    assert "TestAt_Panics" in test_file.test_ids
    assert "TestMust_Panics" in test_file.test_ids
    assert 'wantPanic: "empty name"' in test_file.content
    assert GO.validate(test_file=test_file, workspace=ws).ok
    run = GO.run(framework=TESTING, test_files=[test_file],
  workspace=ws, coverage=True)
    assert run.ok, [t.message for t in run.tests]


@needs_go
def test_a_package_that_does_not_compile_gives_skipped_probes_with_the_error(tmp_path,
                                                                             workspace_of):
    root = write_module(tmp_path / "broken", {
        "ok.go": "package broken\n\nfunc Add(a, b int) int { return a + b }\n",
        "bad.go": "package broken\n\nfunc Broken() int { return undefinedThing }\n",
    })
    ws = workspace_of(root)
    probes = GO.probe(definitions=definitions(root, "ok.go"),
       workspace=ws, test_type="unit")
    assert probes and all(p.outcome == "skipped" for p in probes)
    assert "does not compile" in probes[0].reason
    assert "bad.go:3" in probes[0].reason and "undefinedThing" in probes[0].reason


@needs_go
def test_broken_existing_tests_do_not_stop_probing(tmp_path, workspace_of):
    root = write_module(tmp_path / "m", {
        "calc.go": "package calc\n\nfunc Neg(n int) int { return -n }\n",
        "calc_test.go": "package calc\n\nfunc TestBroken(t *testing.T) { nope() }\n",
    })
    ws = workspace_of(root)
    probes = GO.probe(definitions=definitions(root, "calc.go"),
       workspace=ws, test_type="unit")
    assert {p.value for p in probes} >= {"-1", "0", "1"}
    assert (ws.root / "calc_test.go").exists()


@needs_go
def test_a_cgo_package_is_probed_or_reported_never_raises(tmp_path, workspace_of):
    root = write_module(tmp_path / "cg", {
        "cg.go": """
            package cg

            // int twice(int x) { return 2 * x; }
            import "C"

            // Twice doubles n in C.
            func Twice(n int) int { return int(C.twice(C.int(n))) }
            """})
    (twice,) = definitions(root, "cg.go")
    assert twice.details["cgo"] is True
    ws = workspace_of(root)
    probes = GO.probe(definitions=[twice], workspace=ws,
       test_type="unit")
    assert probes
    if shutil.which("gcc") or shutil.which("cc"):
        assert any(p.outcome == "return" and p.value == "84" for p in probes)
    else:
        assert all(p.outcome == "skipped" and p.reason for p in probes)


@needs_go
def test_nondeterministic_results_are_checked_only_for_what_repeats(tmp_path, workspace_of):
    root = write_module(tmp_path / "nd", {
        "nd.go": """
            package nd

            import (
            	"fmt"
            	"math/rand"
            )

            // Token returns 16 random hex digits.
            func Token() string { return fmt.Sprintf("%016x", rand.Int63()) }
            """})
    ws = workspace_of(root)
    test_file, probes = generate(root, "nd.go", ws)
    (probe,) = probes
    assert not probe.deterministic
    # the value differs between calls, its length does not: only the length is checked
    assert "wantLen: 16" in test_file.content
    assert probe.value.strip('"') not in test_file.content


@needs_go
def test_a_result_in_map_order_is_not_pinned_as_it_came(tmp_path, workspace_of):
    """Two calls of a small map's range often give the same order; the probe calls again
    before it trusts that, so the written test checks only what repeats (the length)."""
    root = write_module(tmp_path / "mo", {
        "mo.go": """
            package mo

            // Letters returns each letter of s once, in no particular order.
            func Letters(s string) []string {
            	seen := map[string]bool{}
            	for _, r := range s {
            		seen[string(r)] = true
            	}
            	var out []string
            	for k := range seen {
            		out = append(out, k)
            	}
            	return out
            }
            """})
    ws = workspace_of(root)
    test_file, probes = generate(root, "mo.go", ws)
    several = [p for p in probes if p.outcome == "return" and p.value.count(",") >= 1]
    assert several and not any(p.deterministic for p in several)
    assert GO.validate(test_file=test_file, workspace=ws).ok
    done = subprocess.run(["go", "test", "-count=30", "."], cwd=ws.root, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def test_missing_go_is_a_TG205_error_naming_what_to_install(tmp_path, monkeypatch,
                                                            workspace_of):
    root = write_module(tmp_path / "m", {"a.go": "package a\n\nfunc A() int { return 1 }\n"})
    defs = definitions(root, "a.go")
    ws = workspace_of(root)
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(TestgenError) as err:
        GO.probe(definitions=defs, workspace=ws, test_type="unit")
    assert err.value.code == "TG205"
    assert "go is not installed" in err.value.message
    assert "go.dev/dl" in err.value.hint
    with pytest.raises(TestgenError) as err:
        GO.run(framework=TESTING, test_files=[], workspace=ws, coverage=True)
    assert err.value.code == "TG205"
