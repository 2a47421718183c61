"""The harness process: import the target once, then run the plan's calls (one per definition)
in order, each in a forked child with its share of the time budget (killed when it overruns),
relaying the children's records; a child that hangs or dies becomes a ``timeout`` or ``crash``
probe, never the end of the run.

The records follow :mod:`testgen.kit.probehost`: ``fatal`` when the module does not import,
``loaded`` once it did, then per call ``start``, its ``probe`` records (one per input tried)
and ``result`` once its child is gone; ``done`` at the end. Should the harness process itself
die in the middle of a call, the host knows which one from ``start`` and launches again
without it.
"""

from __future__ import annotations

import json
import os
import select
import signal
import sys
import tempfile
import time

from . import produced
from .context import Context
from .explorer import Explorer
from .guards import GUARDS, CallTimeout, Guards, Unsafe, audit, install_flags, real_exit, \
    watch_clock_in
from .protocol import emit, open_channel, safe_str, use_channel

LOADED = False
"""Set once the module under test imported: a failure after that is no longer ``fatal``."""


def _on_alarm(signum, frame):
    raise CallTimeout()


def run_definition(ctx: Context, definition: dict) -> None:
    """In a forked child: explore one definition and stream its probes, then what the first
    pass left (``explored``, for the harness process only)."""
    explorer = Explorer(ctx, definition)
    try:
        explorer.explore()
    except BaseException as exc:  # noqa: BLE001 - report, never crash the probe
        explorer.skip(f"the probe itself failed: {type(exc).__name__}: {exc}")
    for record in explorer.records:
        record.setdefault("definition", definition["key"])
        emit({"event": "probe", "id": definition["id"], **record})
    emit({"event": "explored", "id": definition["id"], **explorer.summary()})


def supervise(ctx: Context, calls: list) -> None:
    """Fork one child per call (definition); a child that hangs or dies is reported, not
    fatal. Then a second pass for the definitions that could take what the later ones
    returned (see :mod:`.produced`)."""
    total_deadline = time.monotonic() + float(ctx.budget.get("total_seconds", 60))
    per_definition = float(ctx.budget["seconds"])
    explored: dict = {}
    for definition in calls:
        call_id = definition["id"]
        remaining = total_deadline - time.monotonic()
        if remaining <= 0.5:
            emit({"event": "probe", "id": call_id, "definition": definition["key"],
                  "outcome": "skipped", "reason": "probe time budget for this file used up"})
            emit({"event": "result", "id": call_id, "probes": 1})
            continue
        emit({"event": "start", "id": call_id})
        relayed, summary = _child(ctx, definition, per_definition, remaining)
        if summary is not None:
            explored[call_id] = summary
        emit({"event": "result", "id": call_id, "probes": relayed})
    for definition in calls:
        summary = explored.get(definition["id"])
        remaining = total_deadline - time.monotonic()
        if summary is None or remaining <= 1.0 or not _worth_again(ctx, definition, summary):
            continue
        again = dict(definition, again=summary)
        _child(ctx, again, per_definition / 2, remaining)


def _worth_again(ctx: Context, definition: dict, summary: dict) -> bool:
    """More produced values for its parameters than it was given, and lines left to run or
    an inverse among the producers (a round trip to check)."""
    offered = [entry for kind in summary["kinds"]
               for entry in produced.for_parameter(ctx.produced.values, definition, kind)]
    return len(offered) > summary["offered"] and (
        summary["uncovered"] > 0 or any(entry["paired"] for entry in offered))


def _child(ctx: Context, definition: dict, seconds: float, remaining: float):
    """Run one definition in a forked child and relay its records: ``(records relayed, its
    ``explored`` summary or None)``."""
    call_id = definition["id"]
    read_fd, write_fd = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_fd)
        use_channel(write_fd)
        try:
            signal.signal(signal.SIGALRM, _on_alarm)
            ctx.budget = dict(ctx.budget, seconds=min(seconds, remaining - 0.3))
            run_definition(ctx, definition)
        finally:
            real_exit(0)
    os.close(write_fd)
    limit = time.monotonic() + min(seconds + 2 * ctx.call_timeout + 2, remaining)
    buffer = b""
    last_call = ""
    killed = False
    relayed = 0
    summary = None
    while True:
        timeout = limit - time.monotonic()
        if timeout <= 0:
            os.kill(pid, signal.SIGKILL)
            killed = True
            break
        ready, _, _ = select.select([read_fd], [], [], timeout)
        if not ready:
            continue
        chunk = os.read(read_fd, 65536)
        if not chunk:
            break
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        for line in lines:
            record = json.loads(line)
            event = record.get("event")
            if event == "calling":
                last_call = record.get("call", "")
                continue
            if event == "explored":
                summary = record
                continue
            ctx.produced.offer(record)
            emit(record)
            relayed += 1
    os.close(read_fd)
    _, status = os.waitpid(pid, 0)
    while_running = f" while running {last_call}" if last_call else ""
    if killed:
        ended = ("timeout", "did not return in time (killed the probe after "
                 f"{seconds:g}s)" + while_running)
    elif os.WIFSIGNALED(status):
        ended = ("crash", "the process died with signal "
                 f"{signal.Signals(os.WTERMSIG(status)).name}" + while_running)
    elif os.WEXITSTATUS(status) != 0:
        ended = ("crash", f"the process exited with status {os.WEXITSTATUS(status)}"
                 + while_running)
    else:
        ended = None
    if ended is not None:
        emit({"event": "probe", "id": call_id, "definition": definition["key"],
              "outcome": ended[0], "call": last_call, "reason": ended[1]})
        relayed += 1
    return relayed, summary


def import_target(request: dict):
    """Import the module under test, turning every way it can fail into a reason."""
    module_name = request["module"]
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, float(request["budget"].get("import_timeout", 10)))
    Guards.importing = True
    try:
        import importlib
        module = importlib.import_module(module_name)
        return module, None
    except CallTimeout:
        return None, {"kind": "timeout", "message": "importing the module did not finish "
                      f"within {request['budget'].get('import_timeout', 10)}s"}
    except SyntaxError as exc:
        return None, {"kind": "syntax", "message": f"syntax error at line {exc.lineno}: "
                      f"{exc.msg}"}
    except SystemExit as exc:
        return None, {"kind": "exit", "message": f"the module calls sys.exit({exc.code!r}) "
                      "when imported"}
    except Unsafe as exc:
        return None, {"kind": "unsafe", "message": f"the module {exc} when imported"}
    except MemoryError:
        return None, {"kind": "memory", "message": "importing the module ran out of memory"}
    except ImportError as exc:
        return None, {"kind": "import", "message": f"{type(exc).__name__}: {exc}"}
    except BaseException as exc:  # noqa: BLE001
        return None, {"kind": "error", "message": f"importing the module raised "
                      f"{type(exc).__name__}: {safe_str(exc)[:300]}"}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        Guards.importing = False


def main() -> int:
    global LOADED
    request = json.loads(sys.stdin.read())
    # Our channel is the original stdout; the code under test writes to stderr instead.
    open_channel()
    root = request["root"]
    import_root = os.path.join(root, request["import_root"]) if request["import_root"] else root
    sys.path[:] = [p for p in sys.path if p not in ("", ".", os.getcwd())]
    sys.path.insert(0, import_root)
    os.chdir(root)
    tmp = request.get("tmpdir") or tempfile.mkdtemp()
    os.makedirs(tmp, exist_ok=True)
    # Bytecode the interpreter caches while the code imports lazily is not the code's doing.
    bytecode = (os.path.realpath(sys.pycache_prefix),) if sys.pycache_prefix else ()
    GUARDS.temp_roots = tuple({os.path.realpath(tmp), os.path.realpath(tempfile.gettempdir()),
                               *bytecode})
    GUARDS.protected = os.path.realpath(root)
    install_flags()
    sys.addaudithook(audit)

    module, error = import_target(request)
    if error is not None:
        emit({"event": "fatal", "reason": f"importing {request['module']} failed: "
              f"{error['message']}", **error})
        emit({"event": "done"})
        return 0
    target_file = os.path.realpath(getattr(module, "__file__", "") or "")
    if not target_file.endswith(".py"):
        message = (f"{request['module']} resolves to {target_file or 'a built-in module'}, "
                   "not the Python source file (a compiled extension shadows it)")
        emit({"event": "fatal", "reason": message, "kind": "extension", "message": message})
        emit({"event": "done"})
        return 0
    LOADED = True
    emit({"event": "loaded", "file": target_file})
    watch_clock_in(module)
    ctx = Context(request, module, request["module"])
    supervise(ctx, request["calls"])
    emit({"event": "done"})
    return 0
