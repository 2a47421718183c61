"""Copied into the runner's boot directory as ``sitecustomize.py``.

Python imports it at start, after ``site`` processed the environment's ``.pth`` files: the
project's imports are moved to the shadow copy (``testgen_python._redirect``), then the
environment's own ``sitecustomize``, if it has one, runs as it would without TestGen.
"""

import os
import sys


def _run_own_sitecustomize() -> None:
    import importlib.machinery
    import importlib.util

    here = os.path.dirname(os.path.abspath(__file__))
    rest = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)


from testgen_python._redirect import install  # noqa: E402

install()
try:
    _run_own_sitecustomize()
except Exception as exc:  # the environment's hook failing must not stop the run
    sys.stderr.write(f"sitecustomize: {type(exc).__name__}: {exc}\n")
