"""Coverage-guided rounds: coverage of the kept tests after 1, 2 and 3 rounds.

``testgen generate`` on a small Python project (one function, five branches, no tests) with
the stub as the model. The stub reaches a line only when the request names it as uncovered
(:class:`testgen.llm.stub.LineSeeker`), one branch per answer, so every round can only add
what its follow-up named. Expected: coverage rises with each round; the requests are one
per round.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from testgen.llm.stub import StubLLM, grade_seeker, named_uncovered_lines, write_grade_project

SEEKER = grade_seeker()


def run(root: Path, stub: StubLLM, rounds: int) -> dict:
    project = write_grade_project(root / f"rounds-{rounds}")
    report = root / f"report-{rounds}.json"
    env = {**os.environ, "TESTGEN_LLM_API_BASE": stub.api_base, "TESTGEN_CACHE_DIR": str(root / f"cache-{rounds}"),
           "OPENAI_API_KEY": "sk-stub", "TESTGEN_CONFIG_DIR": str(root / "cfg"), "NO_COLOR": "1"}
    subprocess.run([sys.executable, "-m", "testgen", "generate", "--path", str(project),
                    "--model", "openai/gpt-4o-mini", "--max-rounds", str(rounds), "--repeat", "1",
                    "--format", "json", "--report", str(report)],
                   capture_output=True, text=True, env=env, timeout=1200)
    return json.loads(report.read_text())


def main() -> None:
    print(f"{'rounds':>6} {'requests':>8} {'kept':>4} {'coverage after':>14}  lines named per request")
    with tempfile.TemporaryDirectory() as tmp, StubLLM(responder=SEEKER) as stub:
        for rounds in (1, 2, 3):
            stub.reset()
            data = run(Path(tmp), stub, rounds)
            entry = next(f for f in data["files"] if f["source"] == "grades/grade.py")
            kept = sum(c["status"] == "kept" for c in entry["candidates"])
            named = [len(named_uncovered_lines(r.body)) for r in stub.requests]
            print(f"{rounds:6d} {stub.request_count:8d} {kept:4d} "
                  f"{entry['coverage']['after']:13.1f}%  {named}")


if __name__ == "__main__":
    main()
