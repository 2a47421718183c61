"""One call of the code under test, under the guards and the per-call alarm, described as a
probe record: the value as a literal, the exception, printed output, changed arguments and
attributes, determinism (every call runs twice)."""

from __future__ import annotations

import collections.abc
import contextlib
import dis
import enum
import inspect
import io
import linecache
import signal
import sys
import sysconfig
import time
import types
import typing

from .guards import GUARDS, CallTimeout, Unsafe
from .literals import exception_name
from .protocol import emit, safe_str

GENERATOR_LIMIT = 200


def _names_the_host(result: dict, keys) -> bool:
    """Whether what was seen mentions this probe process (``python -m testgen_python.harness``,
    its boot directory) or TestGen's copy of the project: both differ under the user's own
    test command."""
    marks = ["testgen_python"] + ([GUARDS.protected] if GUARDS.protected else [])
    return any(mark in repr(result.get(k)) for k in keys for mark in marks)



_LIBRARY_DIRS = tuple({sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib",
                                                            "platlib")})


def raised_by(exc: BaseException) -> str:
    """``"raise"`` when the project's own code raised ``exc`` with a ``raise`` statement (a
    check that refused the input); ``"operation"`` when an operation failed inside it (a
    division by zero, an attribute of ``None``, a library or the interpreter refusing)."""
    tb = exc.__traceback__
    if tb is None:
        return "operation"
    while tb.tb_next is not None:
        tb = tb.tb_next
    filename = tb.tb_frame.f_code.co_filename
    if filename.startswith(_LIBRARY_DIRS) or filename.startswith("<"):
        return "operation"
    line = linecache.getline(filename, tb.tb_lineno).strip()
    return "raise" if line.startswith("raise") else "operation"


def well_typed(callee, args: list, kwargs: dict) -> bool:
    """Whether every argument is an instance of its parameter's annotation (an unannotated
    parameter, or an annotation this cannot check, counts as not)."""
    head, namespace = callee
    try:
        function = eval(head, namespace)  # noqa: S307 - the call the probe just made
        hints = typing.get_type_hints(function)
        bound = inspect.signature(function).bind(*args, **kwargs)
    except Exception:  # noqa: BLE001 - no hints to read: cannot tell
        return False
    for name, value in bound.arguments.items():
        if name not in hints or not _is_instance(value, hints[name]):
            return False
    return True


def _is_instance(value, hint) -> bool:
    if hint is typing.Any:
        return True
    origin = typing.get_origin(hint)
    if origin is typing.Union or type(hint).__name__ == "UnionType":
        return any(_is_instance(value, h) for h in typing.get_args(hint))
    if origin is typing.Literal:
        return value in typing.get_args(hint)
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    target = origin or hint
    return isinstance(target, type) and isinstance(value, target)


class Execution:
    """The running part of :class:`~.context.Context`."""

    # ------------------------------------------------------------------ one execution

    class _Armed:
        def __init__(self, ctx):
            self.ctx = ctx

        def __enter__(self):
            GUARDS.violation = ""
            GUARDS.touched = set()
            GUARDS.armed = True
            signal.setitimer(signal.ITIMER_REAL, self.ctx.call_timeout)

        def __exit__(self, *exc):
            signal.setitimer(signal.ITIMER_REAL, 0)
            GUARDS.armed = False
            return False

    def armed(self):
        return Execution._Armed(self)

    def execute(self, d: dict, text: str, imports: set, *, receiver, call, setup=None,
                construct: bool = False, doc: bool = False, argv=None):
        """Run ``text`` twice (fresh arguments each time) and describe what happened."""
        emit({"event": "calling", "definition": d["key"], "call": text})
        first = self._once(text, receiver, setup, call, argv)
        if argv is not None:
            first["argv"] = list(argv)
        if first["outcome"] == "skipped":
            return self._record(d, text, imports, first, receiver, setup, call)
        second = self._once(text, receiver, setup, call, argv)
        if self.uses_hash(d):
            first["deterministic"] = False  # hash() of str/bytes changes with PYTHONHASHSEED
            return self._record(d, text, imports, first, receiver, setup, call)
        keys = ("value", "exception", "message", "state", "mutated", "stdout")
        first["deterministic"] = all(first.get(k) == second.get(k) for k in keys) and \
            second["outcome"] == first["outcome"] and not first.get("stdout_too_long") \
            and not _names_the_host(first, keys)
        return self._record(d, text, imports, first, receiver, setup, call)

    def uses_hash(self, d: dict) -> bool:
        if d.get("name") == "__hash__":
            return True
        cached = self._constructions.get(("hash", d.get("key")))
        if cached is None:
            target = None
            try:
                target, _, _ = self.resolve(d) if "qualname" in d else (None, None, None)
            except Exception:
                target = None
            code = getattr(getattr(target, "fget", target), "__code__", None)
            cached = code is not None and _calls_hash(code)
            self._constructions[("hash", d.get("key"))] = cached
        return cached

    def _record(self, d, text, imports, result, receiver, setup, call) -> dict:
        details = {"imports": sorted(set(imports) | result.pop("imports", set()))}
        for key in ("wrap", "state", "mutated", "attributes", "result_type", "value_kind",
                    "approx", "stdout", "argv", "raised_by", "well_typed"):
            if key in result:
                details[key] = result.pop(key)
        record = {"definition": d["key"], "call": text,
                  "setup": list(setup or []) + (list(receiver[0]) if receiver else []),
                  "details": details}
        if call is not None:
            record["args"] = [v.text for v in call.args]
            record["kwargs"] = [[k, v.text] for k, v in call.kwargs]
            details["arg_names"] = list(call.names)
            details["arg_categories"] = [v.category for v in call.args] + [
                v.category for _, v in call.kwargs]
        record.update(result)
        return record

    def _once(self, text: str, receiver, setup, call, argv=None) -> dict:
        namespace = dict(self.namespace)
        imports: set = set()
        result: dict = {"outcome": "return", "imports": imports, "covered_lines": []}
        arg_objects = None
        callee = None
        printed = io.StringIO()
        watched_argv = sys.argv
        try:
            with self.armed():
                for statement in setup or []:
                    try:
                        exec(statement, namespace)  # noqa: S102
                    except Exception as exc:
                        raise _SetupFailed(f"{statement!r} raised {type(exc).__name__}") from exc
                if receiver is not None:
                    for statement in receiver[0]:
                        exec(statement, namespace)  # noqa: S102
                    before_state = self._state(namespace["obj"], set())
                if call is not None and call.args:
                    arg_objects = [eval(v.text, namespace) for v in call.args]  # noqa: S307
                    namespace["__args"] = arg_objects
                    namespace["__kwargs"] = {k: eval(v.text, namespace)  # noqa: S307
                                             for k, v in call.kwargs}
                    head = text[:text.index("(")] if "(" in text else text
                    run_text = f"{head}(*__args, **__kwargs)"
                    callee = (head, namespace)
                else:
                    run_text = text
                if argv is not None:
                    sys.argv = list(argv)
                self.tracer.start()
                try:
                    with contextlib.redirect_stdout(printed):
                        value = eval(run_text, namespace)  # noqa: S307
                    if inspect.iscoroutine(value):
                        value = _run_coroutine(value)
                        result["wrap"] = "await"
                    elif isinstance(value, collections.abc.Iterator) and not isinstance(
                            value, (str, bytes, io.IOBase)):
                        items = []
                        for item in value:
                            items.append(item)
                            if len(items) > GENERATOR_LIMIT:
                                raise _TooLong()
                        value = items
                        result["wrap"] = "list"
                finally:
                    result["covered_lines"] = sorted(self.tracer.stop())
                    sys.argv = watched_argv
                    output = printed.getvalue()
                    if output and len(output) <= 800:
                        result["stdout"] = output
                    elif output:
                        result["stdout_too_long"] = True
        except _SetupFailed as exc:
            return {"outcome": "skipped", "reason": f"setup failed: {exc}",
                    "covered_lines": result["covered_lines"]}
        except _TooLong:
            return {"outcome": "skipped", "reason": "the generator does not stop (more than "
                    f"{GENERATOR_LIMIT} items)", "covered_lines": result["covered_lines"]}
        except CallTimeout:
            return {"outcome": "timeout", "reason": f"did not return within "
                    f"{self.call_timeout:g}s", "covered_lines": result["covered_lines"]}
        except Unsafe as exc:
            return {"outcome": "skipped", "reason": f"unsafe to run in a test: {exc}",
                    "covered_lines": result["covered_lines"]}
        except RecursionError:
            return {"outcome": "skipped", "reason": "unbounded recursion",
                    "covered_lines": result["covered_lines"]}
        except MemoryError:
            return {"outcome": "skipped", "reason": "ran out of memory (memory limit)",
                    "covered_lines": result["covered_lines"]}
        except BaseException as exc:  # noqa: BLE001 - the behaviour we record
            if isinstance(exc, KeyboardInterrupt):
                raise
            if GUARDS.violation:
                return {"outcome": "skipped", "reason": f"unsafe to run in a test: "
                        f"{GUARDS.violation}", "covered_lines": result["covered_lines"]}
            if GUARDS.touched:
                return self._touched(result)
            result["outcome"] = "raise"
            result["exception"] = exception_name(type(exc), self.literals, imports)
            result["message"] = safe_str(exc)[:500]
            result["exception_module"] = type(exc).__module__
            result["raised_by"] = raised_by(exc)
            if callee is not None:
                result["well_typed"] = well_typed(callee, arg_objects or [],
                                                  callee[1].get("__kwargs") or {})
            return result
        if GUARDS.violation:
            return {"outcome": "skipped", "reason": f"unsafe to run in a test: "
                    f"{GUARDS.violation}", "covered_lines": result["covered_lines"]}
        if GUARDS.touched:
            return self._touched(result)
        rendered = self.literals.render(value, imports)
        if type(value).__module__ == self.module_name and not isinstance(value, enum.Enum):
            attributes = self._state(value, imports)
            if attributes:
                result["attributes"] = attributes
        if rendered is not None:
            result["value"] = rendered
            if isinstance(value, float) or (isinstance(value, (list, tuple)) and value and all(
                    isinstance(v, float) for v in value)):
                result["approx"] = True
        else:
            result["value"] = None
            result["value_kind"] = "opaque"
            result["result_type"] = type(value).__name__
            attributes = self._state(value, imports)
            if attributes:
                result["attributes"] = attributes
            ref = self.literals.class_ref(type(value), imports) if \
                type(value).__module__ not in ("builtins",) else None
            if ref:
                result["result_type"] = ref
        if receiver is not None:
            after_state = self._state(namespace["obj"], imports)
            changed = {k: v for k, v in after_state.items() if before_state.get(k) != v}
            if changed:
                result["state"] = changed
        if arg_objects is not None:
            mutated = {}
            for index, (value_spec, obj) in enumerate(zip(call.args, arg_objects)):
                again = self.literals.render(obj, imports)
                try:
                    original = eval(value_spec.text, dict(self.namespace))  # noqa: S307
                except Exception:
                    continue
                if again is not None and self.literals.render(original, set()) != again:
                    mutated[str(index)] = again
            if mutated:
                result["mutated"] = mutated
        return result

    def _touched(self, result: dict) -> dict:
        what = " and ".join(sorted(GUARDS.touched))
        kind = "depends on how the tests are started" if "command line" in what else \
            "non-deterministic"
        return {"outcome": "skipped", "reason": f"{kind}: reads {what}",
                "covered_lines": result["covered_lines"]}

    def _state(self, obj, imports: set) -> dict:
        try:
            attributes = vars(obj)
        except TypeError:
            return {}
        state = {}
        for name, value in list(attributes.items())[:12]:
            if name.startswith("_"):
                continue
            rendered = self.literals.render(value, imports)
            if rendered is not None:
                state[name] = rendered
        return state


def _run_coroutine(coroutine):
    """``asyncio.run`` with the loop's own clock unflagged (the loop reads it, not the code)."""
    import asyncio

    loop = asyncio.new_event_loop()
    loop.time = getattr(time.monotonic, "__wrapped__", time.monotonic)
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.close()


def _calls_hash(code) -> bool:
    """Whether the code (or a function nested in it) reads the builtin ``hash`` or a
    ``__hash__``: not an attribute that happens to be called ``hash`` (``url.hash``, the
    fragment of a URL), nor a local of that name."""
    stack = [code]
    while stack:
        current = stack.pop()
        stack.extend(c for c in current.co_consts if isinstance(c, types.CodeType))
        for ins in dis.get_instructions(current):
            if ins.argval == "__hash__" or (ins.argval == "hash" and ins.opname in (
                    "LOAD_GLOBAL", "LOAD_NAME")):
                return True
    return False


class _TooLong(Exception):
    pass


class _SetupFailed(Exception):
    pass
