"""`testgen generate` on examples/go, then a plain `go test ./...` three times."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

from gotestkit import needs_go

pytestmark = needs_go


def _testgen() -> str:
    return shutil.which("testgen") or str(Path(sys.executable).with_name("testgen"))


def test_generate_writes_go_tests_that_keep_passing(example, tmp_path):
    report = tmp_path / "report.json"
    done = subprocess.run([_testgen(), "generate", "--path", str(example), "--engine",
                           "offline", "--type", "table-driven", "--format", "json",
                           "--report", str(report)], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    data = json.loads(report.read_text())
    assert data["schema"] == "testgen.generate/1"
    assert data["summary"]["kept"] >= 6
    written = {f["test_file"] for f in data["files"] if f["written"]}
    assert written == {"money_testgen_test.go", "cart_testgen_test.go", "sku_testgen_test.go"}
    assert (example / "money_test.go").read_text().startswith("package inventory")
    for _ in range(3):
        run = subprocess.run(["go", "test", "-count=1", "-cover", "./..."], cwd=example,
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stdout + run.stderr
    coverage = float(run.stdout.split("coverage: ")[1].split("%")[0])
    assert coverage > 90
