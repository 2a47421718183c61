"""``python -m testgen_python.harness``: run the harness; if it fails, tell the host why.

Before the module under test loaded, a failure is the protocol's ``fatal`` (nothing can run);
after, the call that was running is the one the host leaves out when it launches again, so
the harness only says why (``uncaught``, and on stderr) and exits non-zero.
"""

import os
import sys

from . import process
from .guards import real_exit
from .protocol import emit

if __name__ == "__main__":
    try:
        code = process.main()
    except BaseException as exc:  # noqa: BLE001 - the host reads this line
        message = f"probe failed: {type(exc).__name__}: {exc}"
        try:
            if process.LOADED:
                emit({"event": "uncaught", "reason": message})
                os.write(2, (message + "\n").encode("utf-8", "replace"))
            else:
                emit({"event": "fatal", "reason": message, "kind": "error",
                      "message": message})
        except Exception:
            pass
        code = 1
    sys.stdout.flush()
    real_exit(code)
