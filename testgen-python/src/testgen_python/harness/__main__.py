"""``python -m testgen_python.harness``: run the harness; if it fails, tell the host why."""

import sys

from .guards import real_exit
from .process import main
from .protocol import emit

if __name__ == "__main__":
    try:
        code = main()
    except BaseException as exc:  # noqa: BLE001 - the host reads this line
        try:
            emit({"type": "import", "ok": False, "kind": "error",
                  "message": f"probe failed: {type(exc).__name__}: {exc}"})
        except Exception:
            pass
        code = 1
    sys.stdout.flush()
    real_exit(code)
