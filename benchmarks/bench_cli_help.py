"""`testgen --help`: how long it takes next to `python -c "import click"`, and what it imports.

Target (DESIGN.md §8): no litellm, jinja2 or grammar import; at most 2x the time of importing
click alone. Prints the median of several runs of each, measured in this one run.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

RUNS = 15
HEAVY = ("litellm", "jinja2", "tree_sitter", "rich", "yaml", "keyring")


def timed(argv: list[str]) -> float:
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    click_time = timed([sys.executable, "-c", "import click"])
    help_time = timed([sys.executable, "-m", "testgen", "--help"])
    probe = ("import sys; from testgen.cli import cli\n"
             "try: cli.main(['--help'], standalone_mode=False)\nexcept SystemExit: pass\n"
             f"print('HEAVY=' + ','.join(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout
    imported = [line[len("HEAVY="):] for line in out.splitlines() if line.startswith("HEAVY=")]
    print(f"python -c 'import click'   {click_time * 1000:7.1f} ms (median of {RUNS})")
    print(f"testgen --help             {help_time * 1000:7.1f} ms (median of {RUNS})")
    print(f"ratio                      {help_time / click_time:7.2f}x   (target <= 2.0x)")
    print(f"heavy modules imported     {(imported or [''])[0] or 'none'}")


if __name__ == "__main__":
    main()
