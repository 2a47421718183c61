"""Execute the definitions of one module on generated inputs and report what happens.

Launched inside the sandbox as ``python -m testgen_python._probe`` with a JSON request on stdin,
by the project's interpreter, so it imports only the standard library. It writes one JSON object
per line on its original stdout (the code under test gets a stdout of its own):

    {"type": "import", "ok": false, "kind": "syntax", "message": "..."}
    {"type": "probe", "definition": key, "args": [...], "outcome": "return", ...}
    {"type": "done"}

How it stays safe and useful:

* The module is imported once, with ``os._exit`` disarmed, an alarm against endless loops and
  every exception (``SystemExit`` included) turned into a reason.
* Each definition runs in a forked child, so a crash, a hang or a polluted global in one
  definition never touches the next. An audit hook in the child refuses network, subprocesses
  and file changes outside temp dirs; clock and randomness reads are flagged. Such calls become
  ``skipped`` probes with the reason.
* Inputs come from type hints, defaults, constants in the code, parameter names and how the
  body uses each parameter, doctest examples and per-type boundary values. A line tracer records
  which lines of the target file each call ran; the search keeps trying new inputs while lines
  of the definition stay uncovered, within a budget of calls and seconds.
* Values are reported as source literals that evaluate back to an equal value, with the imports
  they need; anything else is reported as not comparable.
"""

from __future__ import annotations

import ast
import builtins
import collections.abc
import contextlib
import datetime as _dt
import decimal
import dis
import doctest
import enum
import fractions
import inspect
import io
import json
import math
import os
import random
import re
import select
import signal
import sys
import tempfile
import time
import types
import typing

MAX_REPR = 600
MAX_ITEMS = 50
MAX_PROBES_PER_DEFINITION = 40
GENERATOR_LIMIT = 200

_real_exit = os._exit
_out_fd: int = -1


# ---------------------------------------------------------------------------- protocol


def emit(record: dict) -> None:
    data = (json.dumps(record, default=str) + "\n").encode("utf-8")
    while data:
        written = os.write(_out_fd, data)
        data = data[written:]


class Unsafe(BaseException):
    """Raised by the guards; a BaseException so ``except Exception`` in user code lets it by."""


class CallTimeout(BaseException):
    """The per-call alarm fired."""


class _Guards:
    armed = False
    violation = ""
    touched: set = set()
    temp_roots: tuple = ()
    protected: str = ""
    """The project copy: never writable, even though it lives under the temp directory."""


GUARDS = _Guards()

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
_FILE_EVENTS = {
    "os.remove": "deletes files", "os.rename": "renames files", "os.rmdir": "deletes files",
    "shutil.rmtree": "deletes files", "os.truncate": "changes files", "os.chmod": "changes files",
    "os.chown": "changes files", "os.mkdir": "creates directories", "os.link": "creates links",
    "os.symlink": "creates links", "os.utime": "changes files", "shutil.move": "moves files",
    "shutil.copyfile": "writes files", "os.chdir": "changes the working directory",
}
_PROCESS_EVENTS = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn",
                   "os.fork", "os.forkpty", "os.kill", "os.killpg", "pty.spawn", "os.startfile")
_NETWORK_EVENTS = ("socket.connect", "socket.bind", "socket.getaddrinfo", "socket.sendto",
                   "socket.gethostbyname", "socket.gethostbyaddr", "urllib.Request",
                   "webbrowser.open", "ftplib.connect", "smtplib.connect", "http.client.connect")


def _in_temp(path) -> bool:
    if isinstance(path, int):
        return True  # an already open descriptor
    try:
        full = os.path.realpath(os.fsdecode(path))
    except (TypeError, ValueError):
        return False
    if GUARDS.protected and (full == GUARDS.protected
                             or full.startswith(GUARDS.protected + os.sep)):
        return False
    return any(full == root or full.startswith(root + os.sep) for root in GUARDS.temp_roots)


def _audit(event: str, args: tuple) -> None:
    if not GUARDS.armed:
        return
    reason = ""
    if event == "open":
        path, mode, flags = (tuple(args) + (None, None, None))[:3]
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & _WRITE_FLAGS)
        if writing and not _in_temp(path):
            reason = f"writes the file {os.fsdecode(path) if not isinstance(path, int) else path}"
    elif event in _FILE_EVENTS:
        if not args or not _in_temp(args[0]):
            reason = _FILE_EVENTS[event]
    elif event.startswith(_PROCESS_EVENTS):
        reason = "starts or signals processes"
    elif event.startswith(_NETWORK_EVENTS):
        reason = "uses the network"
    if reason:
        GUARDS.violation = GUARDS.violation or reason
        raise Unsafe(reason)


def _flagging(kind: str, real, *, when_no_args: bool = False):
    def wrapper(*args, **kwargs):
        if GUARDS.armed and (not when_no_args or not args):
            GUARDS.touched.add(kind)
        return real(*args, **kwargs)
    wrapper.__wrapped__ = real
    wrapper.__name__ = getattr(real, "__name__", "wrapper")
    return wrapper


def _disarmed_exit(code=0):
    if GUARDS.armed or _Guards.importing:
        raise Unsafe(f"calls os._exit({code})")
    _real_exit(code)


_Guards.importing = False


def _disarmed_abort():
    raise Unsafe("calls os.abort()")


def install_flags() -> None:
    """Wrap clock and randomness sources so a call that reads them is noticed."""
    for name in ("time", "time_ns", "monotonic", "monotonic_ns", "perf_counter",
                 "perf_counter_ns", "process_time", "sleep"):
        if hasattr(time, name):
            setattr(time, name, _flagging("the clock" if name != "sleep" else "sleeps",
                                          getattr(time, name)))
    for name in ("localtime", "gmtime", "ctime", "asctime", "strftime"):
        real = getattr(time, name)
        setattr(time, name, _flagging("the clock", real, when_no_args=name != "strftime"))
    for name in ("random", "randint", "randrange", "choice", "choices", "shuffle", "sample",
                 "uniform", "gauss", "getrandbits", "normalvariate", "triangular", "randbytes"):
        if hasattr(random, name):
            setattr(random, name, _flagging("randomness", getattr(random, name)))
    os.urandom = _flagging("randomness", os.urandom)
    try:
        import uuid
        for name in ("uuid1", "uuid4"):
            setattr(uuid, name, _flagging("randomness", getattr(uuid, name)))
    except ImportError:
        pass
    os._exit = _disarmed_exit
    os.abort = _disarmed_abort
    sys.argv = _WatchedArgv(sys.argv)


class _WatchedArgv(list):
    """``sys.argv`` that notices being read: a call that reads it depends on how the test
    runner was started (pytest's own arguments), so it is skipped."""

    def _touch(self):
        if GUARDS.armed:
            GUARDS.touched.add("the command line (sys.argv)")

    def __getitem__(self, index):
        self._touch()
        return list.__getitem__(self, index)

    def __iter__(self):
        self._touch()
        return list.__iter__(self)

    def __len__(self):
        self._touch()
        return list.__len__(self)


class _ClockMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, cls.__bases__[0])

    def __subclasscheck__(cls, sub):
        return issubclass(sub, cls.__bases__[0])


def _clock_classes():
    """``date``/``datetime`` whose now()/today() are noticed, for the target's namespace."""

    class date(_dt.date, metaclass=_ClockMeta):
        @classmethod
        def today(cls):
            if GUARDS.armed:
                GUARDS.touched.add("the clock")
            return _dt.date.today()

        def __repr__(self):
            return repr(_dt.date(self.year, self.month, self.day))

    class datetime(_dt.datetime, metaclass=_ClockMeta):
        @classmethod
        def now(cls, tz=None):
            if GUARDS.armed:
                GUARDS.touched.add("the clock")
            return _dt.datetime.now(tz)

        @classmethod
        def utcnow(cls):
            if GUARDS.armed:
                GUARDS.touched.add("the clock")
            return _dt.datetime.utcnow()

        @classmethod
        def today(cls):
            if GUARDS.armed:
                GUARDS.touched.add("the clock")
            return _dt.datetime.today()

        def __repr__(self):
            return repr(_dt.datetime(self.year, self.month, self.day, self.hour, self.minute,
                                     self.second, self.microsecond, self.tzinfo,
                                     fold=self.fold))

    for cls, real in ((date, _dt.date), (datetime, _dt.datetime)):
        cls.__module__, cls.__qualname__ = "datetime", real.__name__
    return date, datetime


def watch_clock_in(module) -> None:
    date_cls, datetime_cls = _clock_classes()
    proxy = None
    for name, value in list(vars(module).items()):
        if value is _dt.date:
            setattr(module, name, date_cls)
        elif value is _dt.datetime:
            setattr(module, name, datetime_cls)
        elif value is _dt:
            if proxy is None:
                proxy = types.ModuleType("datetime")
                proxy.__dict__.update(vars(_dt))
                proxy.date, proxy.datetime = date_cls, datetime_cls
            setattr(module, name, proxy)


# ---------------------------------------------------------------------------- tracing


class Tracer:
    """Records the lines of one file that run, per call, with sys.settrace."""

    def __init__(self, filename: str):
        self.filename = filename
        self.lines: set = set()

    def _local(self, frame, event, arg):
        if event == "line":
            self.lines.add(frame.f_lineno)
        return self._local

    def _global(self, frame, event, arg):
        if frame.f_code.co_filename == self.filename:
            self.lines.add(frame.f_lineno)
            return self._local
        return None

    def start(self):
        self.lines = set()
        sys.settrace(self._global)

    def stop(self) -> set:
        sys.settrace(None)
        return self.lines


def code_lines(code) -> set:
    """Lines that can run in ``code`` and the code objects nested in it."""
    lines = set()
    stack = [code]
    while stack:
        current = stack.pop()
        for _, _, line in current.co_lines():
            if line is not None:
                lines.add(line)
        stack.extend(c for c in current.co_consts if isinstance(c, types.CodeType))
    first = code.co_firstlineno
    lines.discard(first)  # the ``def`` line runs at import, not in the call
    return lines


def code_constants(code) -> list:
    found = []
    stack = [code]
    while stack:
        current = stack.pop()
        for const in current.co_consts:
            if isinstance(const, types.CodeType):
                stack.append(const)
            elif isinstance(const, (int, float, str, bytes)) and not isinstance(const, bool):
                found.append(const)
            elif isinstance(const, (tuple, frozenset)):
                found.extend(c for c in const if isinstance(c, (int, float, str)) and
                             not isinstance(c, bool))
    docstring = code.co_consts[0] if code.co_consts and isinstance(code.co_consts[0], str) \
        else None
    return [c for c in found if c is not docstring]


_LOOKS_LIKE_REGEX = re.compile(r"\\[dwsDWS]|\(\?|\[[^\]]+\][*+?]|[*+]\)?\$")


def global_constants(fn, code) -> list:
    """Values of the module-level constants the function reads (``if code in CODES``)."""
    found = []
    namespace = getattr(fn, "__globals__", {})
    stack = [code]
    names = set()
    while stack:
        current = stack.pop()
        names.update(current.co_names)
        stack.extend(c for c in current.co_consts if isinstance(c, types.CodeType))
    for name in sorted(names):
        value = namespace.get(name)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            found.append(value)
        elif isinstance(value, re.Pattern):
            found.append(value)
        elif isinstance(value, (dict, list, tuple, set, frozenset)) and len(value) <= 200:
            for item in list(value)[:16]:
                parts = item if isinstance(item, tuple) else (item,)
                for part in parts[:3]:
                    if isinstance(part, (str, int, float)) and not isinstance(part, bool):
                        found.append(part)
                    elif isinstance(part, re.Pattern):
                        found.append(part)
    if "re" in names or any(isinstance(v, re.Pattern) for v in found):
        # Regex literals in the body (``re.match(r"...", s)``), recognised by their syntax.
        for const in code_constants(code):
            if isinstance(const, str) and _LOOKS_LIKE_REGEX.search(const):
                try:
                    found.append(re.compile(const))
                except re.error:
                    pass
    return found


# ---------------------------------------------------------------------------- regex samples


def regex_samples(pattern, rng: random.Random, count: int = 6) -> list:
    """Strings that match ``pattern`` (a parser's own regex is the best source of inputs)."""
    try:
        from re import _parser as sre_parse  # Python 3.11+
    except ImportError:  # pragma: no cover - 3.10
        import sre_parse  # type: ignore[no-redef]
    source = pattern.pattern if hasattr(pattern, "pattern") else pattern
    if isinstance(source, bytes):
        return []
    try:
        parsed = sre_parse.parse(source, getattr(pattern, "flags", 0))
    except Exception:
        return []
    compiled = pattern if hasattr(pattern, "search") else None
    out: list = []
    for attempt in range(count * 4):
        mode = ("short", "long", "random")[attempt % 3]
        try:
            text = _emit(parsed, rng, mode, {}, 0)
        except (_RegexTooHard, RecursionError):
            return out
        if len(text) > 80 or text in out:
            continue
        if compiled is None or compiled.search(text):
            out.append(text)
        if len(out) >= count:
            break
    return out


class _RegexTooHard(Exception):
    pass


_SAMPLE_CHARS = {"CATEGORY_DIGIT": "1234567890", "CATEGORY_WORD": "abcXyz_19",
                 "CATEGORY_SPACE": " ", "CATEGORY_NOT_DIGIT": "abX-", "CATEGORY_NOT_WORD": " -.",
                 "CATEGORY_NOT_SPACE": "aZ1"}


def _emit(parsed, rng, mode, groups, depth) -> str:
    if depth > 30:
        raise _RegexTooHard()
    out = []
    for op, arg in parsed:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "NOT_LITERAL":
            out.append("a" if chr(arg) != "a" else "b")
        elif name == "ANY":
            out.append(rng.choice("ax1"))
        elif name == "IN":
            out.append(_in_class(arg, rng))
        elif name == "BRANCH":
            options = arg[1]
            branch = options[0] if mode == "short" else rng.choice(options)
            out.append(_emit(branch, rng, mode, groups, depth + 1))
        elif name == "SUBPATTERN":
            group, _, _, sub = arg
            text = _emit(sub, rng, mode, groups, depth + 1)
            if group is not None:
                groups[group] = text
            out.append(text)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = arg
            high = min(high, low + 3)
            if mode == "short":
                times = low
            elif mode == "long":
                times = max(low, min(high, low + 2))
            else:
                times = rng.randint(low, high)
            out.append("".join(_emit(sub, rng, mode, groups, depth + 1) for _ in range(times)))
        elif name == "GROUPREF":
            out.append(groups.get(arg, ""))
        elif name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue
        elif name == "CATEGORY":
            out.append(rng.choice(_SAMPLE_CHARS.get(str(arg), "a")))
        else:
            raise _RegexTooHard()
    return "".join(out)


def _in_class(items, rng) -> str:
    negate = any(str(op) == "NEGATE" for op, _ in items)
    if negate:
        banned = set()
        for op, arg in items:
            if str(op) == "LITERAL":
                banned.add(chr(arg))
        for candidate in "aZ1 -.":
            if candidate not in banned:
                return candidate
        raise _RegexTooHard()
    choices = []
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            choices.append(chr(arg))
        elif name == "RANGE":
            low, high = arg
            choices.append(chr(rng.randint(low, min(high, low + 25))))
        elif name == "CATEGORY":
            choices.append(rng.choice(_SAMPLE_CHARS.get(str(arg), "a")))
    if not choices:
        raise _RegexTooHard()
    return rng.choice(choices)


# ---------------------------------------------------------------------------- literals


class Literals:
    """Turns values into source text that evaluates back to an equal value."""

    def __init__(self, module, module_name: str):
        self.module = module
        self.module_name = module_name
        self.namespace = {"Decimal": decimal.Decimal, "Fraction": fractions.Fraction,
                          "datetime": _dt, "inf": math.inf}

    def render(self, value, imports: set, depth: int = 0):
        text = self._render(value, imports, depth)
        if text is None or len(text) > MAX_REPR:
            return None
        return text

    def _render(self, value, imports: set, depth: int):
        if depth > 6:
            return None
        kind = type(value)
        if value is None or kind in (bool, int, str, bytes):
            return repr(value)
        if kind is float:
            if math.isnan(value):
                return None
            if math.isinf(value):
                return "float('inf')" if value > 0 else "float('-inf')"
            return repr(value)
        if kind is complex:
            return repr(value) if all(map(math.isfinite, (value.real, value.imag))) else None
        if kind in (list, tuple, set, frozenset):
            if len(value) > MAX_ITEMS:
                return None
            items = [self._render(v, imports, depth + 1) for v in value]
            if any(i is None for i in items):
                return None
            if kind is list:
                return "[" + ", ".join(items) + "]"
            if kind is tuple:
                return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
            try:
                items = [self._render(v, imports, depth + 1) for v in sorted(value)]
            except TypeError:
                pass
            if kind is set:
                return "{" + ", ".join(items) + "}" if items else "set()"
            return "frozenset({" + ", ".join(items) + "})" if items else "frozenset()"
        if kind is dict:
            if len(value) > MAX_ITEMS:
                return None
            parts = []
            for k, v in value.items():
                key, val = self._render(k, imports, depth + 1), self._render(v, imports, depth + 1)
                if key is None or val is None:
                    return None
                parts.append(f"{key}: {val}")
            return "{" + ", ".join(parts) + "}"
        if kind is bytearray:
            return repr(value)
        if isinstance(value, decimal.Decimal) and kind is decimal.Decimal:
            if not value.is_finite():
                return None
            imports.add("from decimal import Decimal")
            return f"Decimal({str(value)!r})"
        if kind is fractions.Fraction:
            imports.add("from fractions import Fraction")
            return f"Fraction({value.numerator}, {value.denominator})"
        if isinstance(value, (_dt.date, _dt.time, _dt.timedelta, _dt.timezone)) and \
                type(value).__module__ == "datetime":
            text = repr(value)
            if "datetime." in text and self._roundtrips(text, value, {"datetime": _dt}):
                imports.add("import datetime")
                return text
            return None
        if isinstance(value, enum.Enum):
            ref = self.class_ref(type(value), imports)
            return f"{ref}.{value.name}" if ref else None
        if kind is range:
            return repr(value)
        return self._by_repr(value, imports)

    def _by_repr(self, value, imports: set):
        """Objects whose repr is a constructor call of an importable class."""
        cls = type(value)
        try:
            text = repr(value)
        except Exception:
            return None
        if not text or text.startswith("<") or len(text) > MAX_REPR or \
                type(cls).__eq__ is None or cls.__eq__ is object.__eq__:
            return None
        local_imports: set = set()
        ref = self.class_ref(cls, local_imports)
        if ref is None or not text.startswith(cls.__name__ + "("):
            return None
        namespace = dict(self.namespace)
        namespace[cls.__name__] = cls
        for name, obj in vars(self.module).items():
            if isinstance(obj, type):
                namespace.setdefault(name, obj)
        if not self._roundtrips(text, value, namespace):
            return None
        for needed, line in (("Decimal(", "from decimal import Decimal"),
                             ("datetime.", "import datetime"),
                             ("Fraction(", "from fractions import Fraction")):
            if needed in text:
                local_imports.add(line)
        for name in re.findall(r"\b([A-Z]\w*)\(", text):
            if name != cls.__name__ and name not in ("Decimal", "Fraction"):
                other = getattr(self.module, name, None)
                if not isinstance(other, type) or self.class_ref(other, local_imports) is None:
                    return None
        imports.update(local_imports)
        return text

    def _roundtrips(self, text: str, value, namespace: dict) -> bool:
        try:
            again = eval(text, dict(namespace))  # noqa: S307 - our own rendering, in the sandbox
            return bool(again == value) and type(again) is type(value)
        except Exception:
            return False

    def class_ref(self, cls, imports: set):
        """How a test names ``cls``: imported from the target module, else from its own."""
        name = cls.__name__
        if "<locals>" in cls.__qualname__:
            return None
        if getattr(self.module, name, None) is cls:
            imports.add(f"from {self.module_name} import {name}")
            return name
        owner = sys.modules.get(cls.__module__)
        if owner is None or cls.__module__ in ("__main__", "builtins"):
            return None
        target = owner
        for part in cls.__qualname__.split("."):
            target = getattr(target, part, None)
        if target is not cls:
            return None
        top = cls.__qualname__.split(".")[0]
        imports.add(f"from {cls.__module__} import {top}")
        return cls.__qualname__


def exception_name(exc_type, literals: Literals, imports: set) -> str:
    if exc_type.__module__ == "builtins":
        return exc_type.__name__
    return literals.class_ref(exc_type, imports) or exc_type.__name__


# ---------------------------------------------------------------------------- inputs


class Value:
    """A candidate argument: source text, the category it stands for, imports it needs."""

    __slots__ = ("text", "category", "imports", "label")

    def __init__(self, text: str, category: str = "typical", imports=(), label: str = ""):
        self.text = text
        self.category = category
        self.imports = frozenset(imports)
        self.label = label

    def __repr__(self):
        return f"Value({self.text!r}, {self.category!r})"


V = Value
INT_VALUES = [V("1"), V("2"), V("10"), V("0", "boundary"), V("-1", "boundary"),
              V("7"), V("100"), V("3"), V("-7", "boundary"), V("2 ** 63", "boundary"),
              V("1000000", "boundary")]
FLOAT_VALUES = [V("1.5"), V("2.0"), V("0.0", "boundary"), V("-0.5", "boundary"), V("100.25"),
                V("1e-09", "boundary"), V("1e+300", "boundary"), V("float('inf')", "boundary"),
                V("float('-inf')", "boundary"), V("float('nan')", "boundary")]
SPECIAL_FLOATS = FLOAT_VALUES[-3:]
STR_VALUES = [V("'hello'"), V("'Hello World'"), V("''", "boundary"), V("' '", "boundary"),
              V("'héllo'", "boundary"), V("'a'"), V("'42'"), V("'hello_world'"),
              V("'HelloWorld'"), V("'hello-world'"), V("'  padded  '", "boundary"),
              V("'a b c'"), V("'war and peace'"), V("'3.14'"), V("'-5'"),
              V("'x' * 100", "boundary"),
              V("'line1\\nline2'", "boundary"), V("'ABC'"), V("'abc123'"), V("'a.b'"),
              V("'!@#'", "boundary")]
BOOL_VALUES = [V("True"), V("False")]
BYTES_VALUES = [V("b'abc'"), V("b''", "boundary"), V("b'\\x00\\xff'", "boundary")]
NONE_VALUE = V("None", "boundary")
ANY_VALUES = [V("1"), V("'abc'"), V("None", "boundary"), V("[1, 2, 3]"), V("0", "boundary"),
              V("''", "boundary"), V("-1", "boundary"), V("2.5"), V("{'a': 1}"),
              V("True"), V("[]", "boundary"), V("'Hello World'"), V("(1, 2)"), V("{}", "boundary"),
              V("10"), V("[3, 1, 2]"), V("'a'"), V("b'abc'")]
CALLABLE_VALUES = [V("str"), V("len"), V("abs"), V("lambda x: x"), V("lambda *args: None"),
                   V("bool"), V("lambda x: x * 2"), V("lambda x: x > 0")]
DECIMAL_VALUES = [V("Decimal('10.00')"), V("Decimal('0')", "boundary"),
                  V("Decimal('-1')", "boundary"), V("Decimal('19.99')"),
                  V("Decimal('0.005')", "boundary"), V("Decimal('1000000')", "boundary")]
DATE_VALUES = [V("datetime.date(2024, 1, 15)"), V("datetime.date(2000, 2, 29)", "boundary"),
               V("datetime.date(1970, 1, 1)", "boundary"), V("datetime.date(2024, 12, 31)")]
DATETIME_VALUES = [V("datetime.datetime(2024, 1, 15, 10, 30)"),
                   V("datetime.datetime(2000, 1, 1, 0, 0)", "boundary"),
                   V("datetime.datetime(2024, 12, 31, 23, 59, 59)")]
TIMEDELTA_VALUES = [V("datetime.timedelta(days=1)"), V("datetime.timedelta(0)", "boundary"),
                    V("datetime.timedelta(seconds=90)"), V("datetime.timedelta(days=-1)",
                                                           "boundary"),
                    V("datetime.timedelta(days=400)"), V("datetime.timedelta(seconds=3600)")]

STR_METHODS = {"lower", "upper", "strip", "lstrip", "rstrip", "split", "startswith", "endswith",
               "replace", "join", "encode", "format", "capitalize", "title", "isdigit",
               "isalpha", "isalnum", "isspace", "splitlines", "casefold", "zfill", "center",
               "ljust", "rjust", "partition", "rpartition", "swapcase", "isupper", "islower",
               "isdecimal", "isnumeric", "expandtabs", "removeprefix", "removesuffix", "find",
               "rfind", "translate", "isidentifier", "istitle"}
LIST_METHODS = {"append", "extend", "pop", "insert", "sort", "reverse", "remove", "clear"}
DICT_METHODS = {"items", "keys", "values", "get", "setdefault", "update", "popitem"}

NAME_HINTS = [
    (re.compile(r"^(s|st|text|string|word|words|name|title|label|line|msg|message|prefix|"
                r"suffix|sep|separator|char|chars|delimiter|pattern|value_str|slug|key|code|"
                r"fmt|format|template|sentence|phrase|input_str|src|query|url|email|"
                r"path|filename|tag|token|unit|currency|sku)$|_(str|text|name)$"), "str"),
    (re.compile(r"^(n|i|j|k|num|number|count|size|length|index|idx|width|height|depth|"
                r"limit|offset|start|stop|end|step|times|precision|digits|base|year|month|"
                r"day|hour|minute|second|seconds|port|level|quantity|qty|max_\w+|min_\w+|"
                r"\w+_count|\w+_size|value|amount|total|percent|rate|x|y|z)$"), "number"),
    (re.compile(r"^(items|values|seq|sequence|lst|list|elements|iterable|xs|data|args|rows|"
                r"numbers|nums|parts|words_list|\w+s_list)$"), "list"),
    (re.compile(r"^(d|dict|mapping|kwargs|options|config|params|headers|attrs|meta|"
                r"\w+_map|\w+_dict)$"), "dict"),
    (re.compile(r"^(func|fn|f|callback|key|pred|predicate|callable|handler|transform|"
                r"cmp|reducer|binop|op)$"), "callable"),
    (re.compile(r"^(is_\w+|has_\w+|flag|strict|verbose|enabled|force|reverse|inclusive|"
                r"allow_\w+|use_\w+|case_sensitive|ignore_case)$"), "bool"),
    (re.compile(r"^(t?duration|delta|td|timedelta|interval|elapsed|period)$|_(delta|duration)$"),
     "timedelta"),
    (re.compile(r"^(dt|date|when|datetime|timestamp|moment|day_date)$|_(date|datetime|at)$"),
     "date"),
]


def _usage(code, param: str) -> set:
    """Method and operator uses of ``param`` in the function's bytecode."""
    uses = set()
    try:
        instructions = list(dis.get_instructions(code))
    except Exception:
        return uses
    for i, ins in enumerate(instructions):
        if ins.opname not in ("LOAD_FAST", "LOAD_DEREF", "LOAD_FAST_CHECK") or ins.argval != param:
            continue
        nxt = instructions[i + 1] if i + 1 < len(instructions) else None
        if nxt is None:
            continue
        if nxt.opname in ("LOAD_ATTR", "LOAD_METHOD"):
            uses.add(("attr", nxt.argval))
        elif nxt.opname == "LOAD_CONST":
            after = instructions[i + 2] if i + 2 < len(instructions) else None
            if after is not None and after.opname in ("BINARY_OP", "COMPARE_OP", "BINARY_SUBSCR",
                                                      "CONTAINS_OP"):
                uses.add(("const-op", type(nxt.argval).__name__, after.opname))
        elif nxt.opname in ("GET_ITER", "FOR_ITER"):
            uses.add(("iter",))
    return uses


class InputFactory:
    """Candidate values for the parameters of one callable."""

    def __init__(self, module, literals: Literals, rng: random.Random):
        self.module = module
        self.literals = literals
        self.rng = rng
        self.depth = 0

    def pools(self, fn, skip_first: bool) -> tuple[list, dict]:
        """``(params, pools)``: parameters to fill and their candidate values."""
        try:
            sig = inspect.signature(fn)
        except (TypeError, ValueError):
            return [], {}
        hints = {}
        sources = [fn.__init__, fn] if isinstance(fn, type) else [fn]
        for source in sources:
            try:
                hints.update(typing.get_type_hints(source, vars(self.module)))
            except Exception:
                pass
        params = list(sig.parameters.values())
        if skip_first and params and params[0].kind in (params[0].POSITIONAL_ONLY,
                                                        params[0].POSITIONAL_OR_KEYWORD):
            params = params[1:]
        unwrapped = inspect.unwrap(fn.__init__ if isinstance(fn, type) else fn)
        code = getattr(unwrapped, "__code__", None)
        constants = code_constants(code) + global_constants(unwrapped, code) \
            if code is not None else []
        pools = {}
        for p in params:
            if p.kind is p.VAR_KEYWORD:
                continue
            hint = hints.get(p.name, p.annotation if p.annotation is not p.empty else None)
            if isinstance(hint, str):
                hint = self._eval_hint(hint)
            pools[p.name] = self.for_parameter(p, hint, code, constants)
        return [p for p in params if p.name in pools], pools

    def _eval_hint(self, text: str):
        try:
            return eval(text, vars(self.module))  # noqa: S307 - annotations of the target
        except Exception:
            return None

    def for_parameter(self, p, hint, code, constants) -> list:
        values: list = []
        if p.default is not p.empty:
            needed: set = set()
            rendered = self.literals.render(p.default, needed)
            if rendered is not None:
                values.append(V(rendered, "default", needed, label="default"))
        if hint is not None and hint is not typing.Any:
            typed = self.for_type(hint)
        else:
            typed = self._guess(p, code)
        if p.kind is p.VAR_POSITIONAL:
            typed = typed[:4]
        values.extend(self._literals_for(constants, hint, p, typed))
        values.extend(typed)
        if hint is not None and not _allows_none(hint):
            values.append(V("None", "invalid", label="none"))
        seen, unique = set(), []
        for v in values:
            if v.text not in seen:
                seen.add(v.text)
                unique.append(v)
        return unique

    def _literals_for(self, constants, hint, p, typed) -> list:
        kinds = set()
        for v in typed[:3]:
            if _cheap_eval(v.text):
                try:
                    kinds.add(type(eval(v.text, dict(vars(self.module)), {  # noqa: S307
                        "datetime": _dt, "Decimal": decimal.Decimal})))
                except Exception:
                    pass
        out = []
        samples = []
        for const in constants:
            if isinstance(const, re.Pattern):
                if not kinds or str in kinds:
                    samples.extend(V(repr(text), "literal", label="regex")
                                   for text in regex_samples(const, self.rng))
                continue
            if kinds and type(const) not in kinds and not (
                    type(const) is int and float in kinds):
                continue
            if isinstance(const, str) and (len(const) > 25 or const.count(" ") > 1 or
                                           "{" in const or "%" in const):
                continue  # an error message or a format string, not an input
            out.append(V(repr(const), "literal", label="literal"))
            if type(const) is int:
                out.append(V(repr(const + 1), "literal", label="literal"))
                out.append(V(repr(const - 1), "literal", label="literal"))
            if isinstance(const, str) and 1 < len(const) <= 6 and str in kinds:
                out.append(V(repr("x" + const), "literal", label="literal"))
        self.rng.shuffle(out)
        return samples[:18] + out[:24]

    def _guess(self, p, code) -> list:
        """No annotation: decide from the default, the name and how the body uses it."""
        if p.default is not p.empty and p.default is not None:
            by_default = self.for_type(type(p.default)) if not isinstance(
                p.default, (list, dict, tuple, set)) else self.for_type(type(p.default))
            if by_default:
                return by_default
        uses = _usage(code, p.name) if code is not None else set()
        attrs = {u[1] for u in uses if u[0] == "attr"}
        if attrs & STR_METHODS:
            return STR_VALUES + [NONE_VALUE]
        if attrs & DICT_METHODS:
            return self.for_type(dict)
        if attrs & LIST_METHODS:
            return self.for_type(list)
        const_ops = {u[1] for u in uses if u[0] == "const-op"}
        referenced = self._referenced_types(code) if code is not None else []
        for pattern, kind in NAME_HINTS:
            if pattern.search(p.name):
                if kind == "str":
                    return STR_VALUES + [NONE_VALUE, V("1", "invalid")]
                if kind == "number":
                    if "str" in const_ops and "int" not in const_ops:
                        return STR_VALUES + INT_VALUES[:4]
                    return INT_VALUES + FLOAT_VALUES[:3] + SPECIAL_FLOATS + \
                        [V("'10'", "invalid"), NONE_VALUE]
                if kind == "list":
                    return self.for_type(list) + [NONE_VALUE]
                if kind == "dict":
                    return self.for_type(dict) + [NONE_VALUE]
                if kind == "callable":
                    return CALLABLE_VALUES
                if kind == "bool":
                    return BOOL_VALUES + [NONE_VALUE]
                if kind == "timedelta":
                    return referenced + self.for_type(_dt.timedelta) + [V("'1h'", "invalid")]
                if kind == "date":
                    return referenced + self.for_type(_dt.date) + \
                        self.for_type(_dt.datetime)[:2] + [V("'2024-01-15'", "invalid")]
        if "str" in const_ops and not const_ops & {"int", "float"}:
            return STR_VALUES + [NONE_VALUE, V("1", "invalid")]
        if const_ops & {"int", "float"}:
            return INT_VALUES + FLOAT_VALUES[:3] + [V("'1'", "invalid"), NONE_VALUE]
        if referenced:  # ``isinstance(x, Duration)`` in the body: build Durations
            return referenced + list(ANY_VALUES)[:8]
        if ("iter",) in uses:
            return [V("[1, 2, 3]"), V("[]", "boundary"), V("'abc'"), V("[3, 1, 2]"),
                    V("[1]", "boundary"), V("['a', 'b']"), V("(1, 2)"), NONE_VALUE]
        return list(ANY_VALUES)

    def _referenced_types(self, code) -> list:
        """Values of the classes the body names (``isinstance(x, Duration)``, ``Version(…)``)."""
        names = set()
        stack = [code]
        while stack:
            current = stack.pop()
            names.update(current.co_names)
            stack.extend(c for c in current.co_consts if isinstance(c, types.CodeType))
        values: list = []
        for name in sorted(names):
            obj = getattr(self.module, name, None)
            if obj is None:
                obj = getattr(builtins, name, None)
            if not isinstance(obj, type) or issubclass(obj, BaseException) or obj in (
                    object, type, bool, super, property, staticmethod, classmethod):
                continue
            if obj.__module__ == "builtins" and obj not in (str, int, float, list, dict,
                                                             tuple, set, bytes):
                continue
            values.extend(self.for_type(obj)[:4])
        return values[:16]

    def for_type(self, hint) -> list:
        origin = typing.get_origin(hint)
        args = typing.get_args(hint)
        if hint in (int,):
            return list(INT_VALUES)
        if hint is float:
            return FLOAT_VALUES + [V("1"), V("0", "boundary")]
        if hint is str:
            return list(STR_VALUES)
        if hint is bool:
            return list(BOOL_VALUES)
        if hint in (bytes, bytearray):
            return list(BYTES_VALUES)
        if hint is type(None) or hint is None:
            return [NONE_VALUE]
        if hint is decimal.Decimal:
            return [V(v.text, v.category, {"from decimal import Decimal"}) for v in DECIMAL_VALUES]
        if hint is fractions.Fraction:
            return [V("Fraction(1, 3)", imports={"from fractions import Fraction"}),
                    V("Fraction(0)", "boundary", {"from fractions import Fraction"})]
        if hint is _dt.datetime:
            return [V(v.text, v.category, {"import datetime"}) for v in DATETIME_VALUES]
        if hint is _dt.date:
            return [V(v.text, v.category, {"import datetime"}) for v in DATE_VALUES]
        if hint is _dt.timedelta:
            return [V(v.text, v.category, {"import datetime"}) for v in TIMEDELTA_VALUES]
        if origin is typing.Union or (types.UnionType is not None and origin is types.UnionType):
            merged: list = []
            pools = [self.for_type(a) for a in args if a is not type(None)]
            for i in range(max((len(p) for p in pools), default=0)):
                merged.extend(p[i] for p in pools if i < len(p))
            if type(None) in args:
                merged.insert(1, NONE_VALUE)
            return merged
        if origin is typing.Literal:
            return [V(repr(a), "literal") for a in args] + [V(repr("__other__"), "invalid")]
        if hint in (list, typing.List) or origin in (list, collections.abc.Sequence,
                                                     collections.abc.Iterable,
                                                     collections.abc.MutableSequence,
                                                     collections.abc.Collection):
            inner = self.for_type(args[0]) if args else [V("1"), V("2"), V("3")]
            return self._containers("[{}]", inner)
        if hint in (tuple,) or origin is tuple:
            if args and args[-1] is not Ellipsis:
                parts = [self.for_type(a) for a in args]
                if all(parts):
                    first = "(" + ", ".join(p[0].text for p in parts) + ("," if len(parts) == 1
                                                                          else "") + ")"
                    second = "(" + ", ".join(p[min(1, len(p) - 1)].text for p in parts) + \
                        ("," if len(parts) == 1 else "") + ")"
                    imports = set().union(*(p[0].imports for p in parts))
                    return [V(first, imports=imports), V(second, imports=imports)]
            inner = self.for_type(args[0]) if args else [V("1"), V("2")]
            return self._containers("({},)", inner, empty="()")
        if hint in (set, frozenset) or origin in (set, frozenset, collections.abc.Set):
            inner = self.for_type(args[0]) if args else [V("1"), V("2")]
            return self._containers("{{{}}}", inner, empty="set()")
        if hint in (dict,) or origin in (dict, collections.abc.Mapping,
                                         collections.abc.MutableMapping):
            keys = self.for_type(args[0]) if args else [V("'a'"), V("'b'")]
            vals = self.for_type(args[1]) if len(args) > 1 else [V("1"), V("2")]
            if not keys or not vals:
                return [V("{}", "boundary")]
            imports = keys[0].imports | vals[0].imports
            pair = f"{keys[0].text}: {vals[0].text}"
            pair2 = f"{keys[min(1, len(keys) - 1)].text}: {vals[min(1, len(vals) - 1)].text}"
            return [V("{" + pair + "}", imports=imports),
                    V("{" + pair + ", " + pair2 + "}", imports=imports),
                    V("{}", "boundary")]
        if origin is collections.abc.Callable or hint is collections.abc.Callable or \
                hint is typing.Callable:
            return list(CALLABLE_VALUES)
        if isinstance(hint, type) and issubclass(hint, enum.Enum):
            imports: set = set()
            ref = self.literals.class_ref(hint, imports)
            if ref is None:
                return []
            return [V(f"{ref}.{m.name}", "typical", imports) for m in list(hint)[:8]]
        if isinstance(hint, type) and hint.__module__ not in ("builtins", "typing"):
            return self._instances(hint)
        if hint is typing.Any or hint is object:
            return list(ANY_VALUES)
        return []

    def _containers(self, fmt: str, inner: list, empty: str = "[]") -> list:
        if not inner:
            return [V(empty, "boundary")]
        imports = set().union(*(v.imports for v in inner[:3]))
        typical = [v for v in inner if v.category == "typical"] or inner
        first = typical[0].text
        second = typical[min(1, len(typical) - 1)].text
        third = typical[min(2, len(typical) - 1)].text
        return [V(fmt.format(f"{third}, {first}, {second}"), imports=imports),
                V(empty, "boundary"),
                V(fmt.format(first), "boundary", imports),
                V(fmt.format(f"{first}, {second}, {third}"), imports=imports)]

    def _instances(self, cls) -> list:
        """Ways to build a user class: its constructor filled from its own hints."""
        imports: set = set()
        ref = self.literals.class_ref(cls, imports)
        if ref is None or self.depth > 1 or inspect.isabstract(cls):
            return []
        self.depth += 1
        try:
            params, pools = self.pools(cls, skip_first=False)
        finally:
            self.depth -= 1
        required = [p for p in params if p.default is p.empty and
                    p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        options = []
        for choice in range(3):
            parts, needed = [], set(imports)
            for p in required:
                pool = [v for v in pools.get(p.name, []) if v.category in ("typical", "default",
                                                                             "literal")]
                if not pool:
                    break
                value = pool[min(choice, len(pool) - 1)]
                needed |= value.imports
                parts.append(value.text if p.kind is p.POSITIONAL_ONLY else
                             f"{p.name}={value.text}")
            else:
                options.append(V(f"{ref}({', '.join(parts)})", "typical", needed))
        unique = {o.text: o for o in options}
        return list(unique.values())


def _allows_none(hint) -> bool:
    if hint is None or hint is type(None) or hint is typing.Any or hint is object:
        return True
    origin = typing.get_origin(hint)
    if origin is typing.Union or (types.UnionType is not None and origin is types.UnionType):
        return type(None) in typing.get_args(hint)
    return False


def _cheap_eval(text: str) -> bool:
    return "(" not in text or text.startswith(("Decimal(", "datetime."))


# ---------------------------------------------------------------------------- calling


class Call:
    """One planned call: positional and keyword argument values."""

    def __init__(self, args: list, kwargs: list):
        self.args = args  # list[Value]
        self.kwargs = kwargs  # list[(name, Value)]

    def key(self) -> tuple:
        return (tuple(v.text for v in self.args), tuple((k, v.text) for k, v in self.kwargs))

    def category(self) -> str:
        cats = [v.category for v in self.args] + [v.category for _, v in self.kwargs]
        for c in ("invalid", "boundary", "literal", "default", "doc-example"):
            if c in cats:
                return c
        return "typical"

    def imports(self) -> set:
        out: set = set()
        for v in self.args:
            out |= v.imports
        for _, v in self.kwargs:
            out |= v.imports
        return out


class Explorer:
    """Calls one definition again and again, steered by the lines it has not run yet."""

    def __init__(self, ctx, definition: dict):
        self.ctx = ctx
        self.d = definition
        self.key = definition["key"]
        self.covered: set = set()
        self.records: list = []
        self.seen_calls: set = set()
        self.seen_outcomes: set = set()
        self.calls_made = 0
        self.stop_reason = ""
        self.reads_argv = False
        self.seen_effects: set = set()
        self.skips = 0
        budget = ctx.budget
        self.deadline = time.monotonic() + budget["seconds"]
        self.max_calls = budget["calls"]

    # ------------------------------------------------------------------ entry

    def explore(self) -> None:
        target, owner, how = self.ctx.resolve(self.d)
        if target is None:
            self.skip(how)
            return
        self.how = how
        self.owner = owner
        code = getattr(inspect.unwrap(target) if callable(target) else None, "__code__", None)
        if how == "property":
            code = getattr(getattr(target, "fget", None), "__code__", None)
        lines = code_lines(code) if code is not None else set()
        first, last = self.d["start_line"], self.d["end_line"]
        self.wanted = {ln for ln in lines if first <= ln <= last}
        self.doc_examples(target)
        if how == "class":
            self.explore_class(owner)
            return
        factory = self.ctx.inputs
        if how == "property":
            self.explore_property(owner)
            return
        fn = target
        params, pools = factory.pools(fn, skip_first=how in ("method", "classmethod"))
        self.params, self.pools = params, pools
        receivers = self.receivers(owner) if how == "method" else [None]
        if how == "method" and not receivers:
            self.skip(f"could not construct {owner.__name__}: " + self.ctx.construct_error)
            return
        systematic = 1 + sum(len(v) for v in pools.values())
        for index, call in enumerate(self.plan(params, pools)):
            if self.done():
                break
            if index == 0:  # the typical call on every kind of instance (empty, filled…)
                for receiver in receivers:
                    self.try_call(call, receiver)
                continue
            if index < systematic:  # a fresh instance first, then a changed one in turn
                self.try_call(call, receivers[0])
                if len(receivers) > 1 and not self.done():
                    self.try_call(call, receivers[1 + index % (len(receivers) - 1)])
            else:
                self.try_call(call, self.ctx.rng.choice(receivers))
        if self.reads_argv and how == "function" and not any(
                p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
                for p in params):
            self.explore_command_line()

    def explore_command_line(self) -> None:
        """An entry point that reads ``sys.argv``: run it with command lines of our own (the
        test sets them with monkeypatch)."""
        self.records = [r for r in self.records if "command line" not in r.get("reason", "")]
        self.stop_reason, self.skips = "", 0
        prog = self.ctx.module_name.split(".")[0]
        flags = self.ctx.command_line_flags()
        tokens = ["1", "42", "hello", "-1", "3.5", "XIV"]
        lines = [[], ["--help"]] + [[t] for t in tokens] + \
            [[t, f] for f in flags[:4] for t in tokens[:3]] + [[f] for f in flags[:4]]
        for args in lines:
            if self.done():
                break
            record = self.ctx.execute(self.d, f"{self.d['qualname']}()", set(), receiver=None,
                                      call=None, argv=[prog] + args)
            self.calls_made += 1
            if record is not None:
                record["category"] = "typical" if args and args[0] != "--help" else "default"
                self.keep(record)

    def done(self) -> bool:
        if self.calls_made >= self.max_calls or time.monotonic() > self.deadline:
            return True
        if self.stop_reason:  # it hangs or eats memory: more inputs only burn the budget
            return True
        return bool(self.wanted) and self.wanted <= self.covered and self.calls_made >= 12

    def skip(self, reason: str) -> None:
        self.records.append({"definition": self.key, "outcome": "skipped", "reason": reason})

    # ------------------------------------------------------------------ planning

    def plan(self, params, pools, keywords: bool = False):
        required = [p for p in params if p.default is p.empty and p.kind is not p.VAR_POSITIONAL]
        optional = [p for p in params if p not in required]

        def base_value(p):
            pool = pools.get(p.name) or [V("None")]
            for wanted in (("typical", "default"), ("literal", "doc-example", "boundary")):
                for value in pool:
                    if value.category in wanted:
                        return value
            return pool[0]

        def build(choice: dict) -> Call:
            args, kwargs = [], []
            for p in params:
                if p.name not in choice:
                    continue
                value = choice[p.name]
                if p.kind is p.VAR_POSITIONAL:
                    args.extend(value if isinstance(value, list) else [value])
                elif p.kind is p.KEYWORD_ONLY or (keywords and p.kind is not p.POSITIONAL_ONLY):
                    kwargs.append((p.name, value))
                elif any(q.name not in choice for q in params[:params.index(p)]
                         if q.kind is not q.VAR_POSITIONAL):
                    kwargs.append((p.name, value))
                else:
                    args.append(value)
            return Call(args, kwargs)

        base = {p.name: base_value(p) for p in required}
        yield build(base)
        # one parameter at a time over its whole pool, the others at their base value
        for p in required + optional:
            for value in pools.get(p.name, []):
                choice = dict(base)
                if p.kind is p.VAR_POSITIONAL:
                    choice[p.name] = [value]
                else:
                    choice[p.name] = value
                yield build(choice)
        # then random combinations, biased towards the values that reached new lines
        rng = self.ctx.rng
        for _ in range(2000):
            choice = {}
            for p in required:
                choice[p.name] = rng.choice(pools.get(p.name) or [V("None")])
            for p in optional:
                if rng.random() < 0.4 and pools.get(p.name):
                    value = rng.choice(pools[p.name])
                    choice[p.name] = [value] if p.kind is p.VAR_POSITIONAL else value
            yield build(choice)

    # ------------------------------------------------------------------ classes

    def receivers(self, cls) -> list:
        """Instances to call methods on: fresh ones, and ones changed by mutator methods."""
        return self.ctx.receivers(cls)

    def explore_class(self, cls) -> None:
        """A class as a whole: its constructor explored like a function (keyword arguments,
        steered by the lines of ``__init__``), then method sequences for integration tests."""
        init = getattr(cls, "__init__", None)
        code = getattr(init, "__code__", None)
        if code is not None:
            first, last = self.d["start_line"], self.d["end_line"]
            self.wanted = {ln for ln in code_lines(code) if first <= ln <= last}
        imports: set = set()
        self.ref = self.ctx.literals.class_ref(cls, imports)
        if self.ref is None:
            self.skip("the class cannot be imported by a test")
            return
        self.how = "constructor"
        params, pools = self.ctx.inputs.pools(cls, skip_first=False)
        for call in self.plan(params, pools, keywords=True):
            if self.done():
                break
            self.try_call(call, None)
        self.records.extend(self.ctx.sequences(cls, self.key))

    def explore_property(self, cls) -> None:
        for receiver in self.ctx.receivers(cls):
            self.try_call(None, receiver)

    # ------------------------------------------------------------------ running

    def expression(self, call: Call | None, receiver) -> tuple[str, set]:
        imports = set(call.imports()) if call is not None else set()
        name = self.d["name"]
        if receiver is not None:
            imports |= receiver[1]
        if self.how == "property":
            return f"obj.{name}", imports
        args = ", ".join([v.text for v in call.args] +
                         [f"{k}={v.text}" for k, v in call.kwargs])
        if self.how == "method":
            return f"obj.{name}({args})", imports
        if self.how == "constructor":
            imports |= {f"from {self.ctx.module_name} import {self.ref.split('.')[0]}"}
            return f"{self.ref}({args})", imports
        if self.how in ("staticmethod", "classmethod"):
            ref = self.ctx.literals.class_ref(self.owner, imports)
            return f"{ref}.{name}({args})", imports
        return f"{self.d['qualname']}({args})", imports

    def try_call(self, call: Call | None, receiver) -> None:
        key = (call.key() if call is not None else None, receiver[0] if receiver else None)
        if receiver is not None:
            key = (key[0], tuple(receiver[0]))
        if key in self.seen_calls:
            return
        self.seen_calls.add(key)
        self.run_call(call, receiver)

    def run_call(self, call, receiver, category=None) -> None:
        text, imports = self.expression(call, receiver)
        record = self.ctx.execute(self.d, text, imports, receiver=receiver, call=call)
        self.calls_made += 1
        if record is None:
            return
        record["category"] = category or (call.category() if call is not None else "typical")
        self.keep(record)

    def keep(self, record: dict) -> None:
        if "command line" in record.get("reason", ""):
            self.reads_argv = True
        if record["outcome"] == "timeout" or "memory" in record.get("reason", ""):
            self.stop_reason = record.get("reason", "timeout")
        elif record["outcome"] == "skipped":
            self.skips += 1
            if self.skips >= 5:
                self.stop_reason = record.get("reason", "")
        lines = set(record.get("covered_lines", ()))
        new = lines - self.covered
        outcome_key = (record["outcome"], record.get("exception"),
                       bool(record.get("value") in ("None", None)))
        details = record.get("details") or {}
        effect = (tuple(sorted((details.get("mutated") or {}).items())),
                  tuple(sorted((details.get("state") or {}).items())))
        if effect != ((), ()) and effect not in self.seen_effects:
            self.seen_effects.add(effect)
            new = new | {-1}  # a new side effect counts like a new line
        interesting = bool(new & self.wanted) or bool(new) and not self.wanted or \
            outcome_key not in self.seen_outcomes or record["category"] in (
                "doc-example",) or (record["category"] == "boundary" and
                                    sum(r.get("category") == "boundary" for r in self.records) < 6)
        if not interesting and record["outcome"] == "return" and record.get("value") and \
                record.get("deterministic", True):
            # A few more distinct results, for tables and regression pins.
            values = {r.get("value") for r in self.records if r["outcome"] == "return"}
            interesting = record["value"] not in values and len(values) < 10
        self.covered |= lines
        self.seen_outcomes.add(outcome_key)
        if record["outcome"] == "skipped":
            interesting = not any(r["outcome"] == "skipped" for r in self.records)
        if interesting and len(self.records) < MAX_PROBES_PER_DEFINITION:
            record["new_lines"] = sorted(n for n in new if n > 0)
            self.records.append(record)

    # ------------------------------------------------------------------ doctests

    def doc_examples(self, target) -> None:
        doc = inspect.getdoc(target) if target is not None else None
        if not doc or ">>>" not in doc:
            return
        try:
            examples = doctest.DocTestParser().get_examples(doc)
        except ValueError:
            return
        setup: list = []
        for example in examples[:12]:
            source = example.source.strip()
            try:
                compile(source, "<doctest>", "eval")
                is_expression = True
            except SyntaxError:
                is_expression = False
            if not is_expression:
                setup.append(source)
                continue
            if not example.want.strip() and not example.exc_msg:
                setup.append(source)
                continue
            if not isinstance(ast.parse(source, mode="eval").body, (
                    ast.Call, ast.Name, ast.Attribute, ast.Subscript, ast.Constant, ast.List,
                    ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)):
                source = f"({source})"  # ``assert a == b is True`` would chain the comparisons
            record = self.ctx.execute(self.d, source, self.ctx.names_imports(setup + [source]),
                                      receiver=None, call=None, setup=list(setup), doc=True)
            self.calls_made += 1
            if record is not None:
                record["category"] = "doc-example"
                record["details"]["doc_want"] = example.want.strip()
                self.keep(record)


def _names_the_host(result: dict, keys) -> bool:
    """Whether what was seen mentions this probe process (``python -m testgen_python._probe``,
    its boot directory): it differs under the user's own test command."""
    return any("testgen_python" in repr(result.get(k)) for k in keys)


class Context:
    """Everything shared by the explorers of one module."""

    def __init__(self, request: dict, module, module_name: str):
        self.request = request
        self.module = module
        self.module_name = module_name
        self.filename = os.path.realpath(module.__file__)
        self.literals = Literals(module, module_name)
        self.rng = random.Random(1729)
        self.inputs = InputFactory(module, self.literals, self.rng)
        self.tracer = Tracer(self.filename)
        self.budget = request["budget"]
        self.call_timeout = float(self.budget.get("call_timeout", 1.0))
        self.construct_error = ""
        self._constructions: dict = {}
        self.namespace = self._namespace()

    def _namespace(self) -> dict:
        namespace = dict(vars(self.module))
        namespace.update({"Decimal": decimal.Decimal, "Fraction": fractions.Fraction,
                          "datetime": _dt, "math": math})
        top = self.module_name.split(".")[0]
        if top not in namespace and top in sys.modules:
            namespace[top] = sys.modules[top]  # docstrings say ``semver.Version.parse(...)``
        return namespace

    def command_line_flags(self) -> list:
        """Option strings (``-r``, ``--reverse``) among the module's constants."""
        flags: list = []
        for value in vars(self.module).values():
            code = getattr(value, "__code__", None)
            if code is None or getattr(value, "__module__", None) != self.module_name:
                continue
            for const in code_constants(code):
                if isinstance(const, str) and re.fullmatch(r"--?[A-Za-z][\w-]*", const) and \
                        const not in flags and const not in ("-h", "--help"):
                    flags.append(const)
        return flags

    def names_imports(self, statements: list) -> set:
        """Imports a test needs for the module-level names these statements use."""
        imports: set = set()
        names: set = set()
        for statement in statements:
            try:
                code = compile(statement, "<doctest>", "exec")
            except SyntaxError:
                continue
            stack = [code]
            while stack:
                current = stack.pop()
                names.update(current.co_names)
                stack.extend(c for c in current.co_consts if isinstance(c, types.CodeType))
        for name in sorted(names):
            value = self.namespace.get(name)
            if value is None or hasattr(builtins, name):
                continue
            if isinstance(value, types.ModuleType):
                if value.__name__.rsplit(".", 1)[-1] == name:
                    imports.add(f"import {value.__name__}" if "." not in value.__name__
                                else f"from {value.__name__.rsplit('.', 1)[0]} import {name}")
            else:
                imports.add(f"from {self.module_name} import {name}")
        return imports

    def resolve(self, d: dict):
        """``(target, owner, how)`` for a definition; target None means skip with ``how``."""
        parts = d["qualname"].split(".")
        owner = None
        obj = self.module
        for part in parts:
            owner = obj
            try:
                obj = inspect.getattr_static(obj, part)
            except AttributeError:
                return None, None, (f"{d['qualname']} is not defined when the module is "
                                    "imported (conditional or deleted definition)")
        if isinstance(obj, type):
            if issubclass(obj, BaseException):
                return None, None, ("an exception class: tested through the code that "
                                    "raises it")
            return obj, obj, "class"
        if owner is self.module:
            if not callable(obj):
                return None, None, f"{d['qualname']} is not callable after import"
            return obj, None, "function"
        if isinstance(obj, staticmethod):
            return obj.__func__, owner, "staticmethod"
        if isinstance(obj, classmethod):
            return obj.__func__, owner, "classmethod"
        if isinstance(obj, property):
            return obj, owner, "property"
        if d["name"] in ("__init__", "__new__", "__init_subclass__", "__class_getitem__"):
            return None, None, "covered by the tests of the class itself"
        if callable(obj):
            if inspect.isabstract(owner):
                return None, None, f"{owner.__name__} is abstract"
            return obj, owner, "method"
        return None, None, f"{d['qualname']} is not a callable (a {type(obj).__name__})"

    def constructions(self, cls, limit: int = 3, with_failures: bool = False) -> list:
        """Constructor expressions for ``cls`` that build an instance without raising."""
        cache_key = (cls, with_failures)
        if cache_key in self._constructions:
            return self._constructions[cache_key][:limit]
        imports: set = set()
        ref = self.literals.class_ref(cls, imports)
        found = []
        if ref is None or inspect.isabstract(cls):
            self.construct_error = "the class cannot be imported by a test" if ref is None \
                else "the class is abstract"
            self._constructions[cache_key] = []
            return []
        params, pools = self.inputs.pools(cls, skip_first=False)
        required = [p for p in params if p.default is p.empty and
                    p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        candidates = []
        for choice in range(6):
            parts, needed = [], set(imports)
            for p in required:
                pool = pools.get(p.name) or [V("None")]
                good = [v for v in pool if v.category in ("typical", "default", "literal")] or pool
                value = good[choice % len(good)] if choice < 3 else pool[choice % len(pool)]
                needed |= value.imports
                parts.append(value.text if p.kind is p.POSITIONAL_ONLY else
                             f"{p.name}={value.text}")
            candidates.append((f"{ref}({', '.join(parts)})", needed))
        seen = set()
        for text, needed in candidates:
            if text in seen:
                continue
            seen.add(text)
            ok, error = self.quick_eval(text)
            if ok or with_failures:
                found.append((text, needed))
            else:
                self.construct_error = error
        self._constructions[cache_key] = found
        return found[:limit]

    def receivers(self, cls) -> list:
        """``(setup_lines, imports)`` per instance: fresh, and after each state-changing call."""
        key = ("receivers", cls)
        if key in self._constructions:
            return self._constructions[key]
        found = []
        for text, imports in self.constructions(cls, limit=2):
            found.append((["obj = " + text], set(imports)))
        if found:
            lines, imports = found[0]
            # Each prefix of a chain of state-changing calls: add, then add + remove, …
            chain, needed_all = list(lines), set(imports)
            for step, needed in self.mutators(cls, lines)[:4]:
                chain.append(step)
                needed_all |= needed
                found.append((list(chain), set(needed_all)))
        self._constructions[key] = found
        return found

    def mutators(self, cls, base: list) -> list:
        """A chain of public method calls, each succeeding after the previous ones and
        changing the instance's state."""
        steps = []
        base = list(base)
        for name, member in vars(cls).items():
            if name.startswith("_") or not inspect.isfunction(member):
                continue
            params, pools = self.inputs.pools(member, skip_first=True)
            required = [p for p in params if p.default is p.empty and
                        p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
            for attempt in range(3):
                parts, needed = [], set()
                for p in required:
                    good = [v for v in pools.get(p.name, []) if v.category in (
                        "typical", "default")] or pools.get(p.name) or [V("None")]
                    value = good[attempt % len(good)]
                    parts.append(value.text)
                    needed |= value.imports
                statement = f"obj.{name}({', '.join(parts)})"
                changed, ok = self.changes_state(base + [statement])
                if ok:
                    if changed:
                        steps.append((statement, needed))
                        base.append(statement)
                    break
        return steps

    def changes_state(self, program: list) -> tuple[bool, bool]:
        namespace = dict(self.namespace)
        try:
            with self.armed():
                for statement in program[:-1]:
                    exec(statement, namespace)  # noqa: S102
                before = self._state(namespace["obj"], set())
                exec(program[-1], namespace)  # noqa: S102
                after = self._state(namespace["obj"], set())
        except BaseException as exc:  # noqa: BLE001
            if isinstance(exc, KeyboardInterrupt):
                raise
            return False, False
        if GUARDS.violation or GUARDS.touched:
            return False, False
        return before != after, True

    def quick_eval(self, text: str):
        try:
            with self.armed():
                eval(text, dict(self.namespace))  # noqa: S307
            return True, ""
        except BaseException as exc:  # noqa: BLE001
            if isinstance(exc, (KeyboardInterrupt,)):
                raise
            return False, f"{type(exc).__name__}: {exc}"[:200]

    def sequences(self, cls, key: str) -> list:
        """For integration tests: build, change with mutators, then read every observer."""
        records: list = []
        observers = []
        for name, member in vars(cls).items():
            if name.startswith("_"):
                continue
            if isinstance(member, property):
                observers.append(f"obj.{name}")
            elif inspect.isfunction(member):
                try:
                    sig = inspect.signature(member)
                except (TypeError, ValueError):
                    continue
                required = [p for p in list(sig.parameters.values())[1:]
                            if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL,
                                                                       p.VAR_KEYWORD)]
                if not required:
                    observers.append(f"obj.{name}()")
        changed = [r for r in self.receivers(cls) if len(r[0]) > 1]
        for setup, imports in changed[-2:]:
            for call in observers[:10]:
                record = self.execute({"key": key, "name": call}, call, set(imports),
                                      receiver=None, call=None, setup=setup)
                if record is not None and record["outcome"] == "return" and \
                        record.get("value") not in (None, "None"):
                    record["category"] = "sequence"
                    records.append(record)
            state = self.execute({"key": key, "name": "state"}, "vars(obj)", set(imports),
                                 receiver=None, call=None, setup=setup)
            if state is not None and state["outcome"] == "return" and state.get("value"):
                state["category"] = "sequence"
                state["details"]["state_only"] = True
                records.append(state)
        return records

    def quick_exec(self, program: list):
        namespace = dict(self.namespace)
        try:
            with self.armed():
                for statement in program:
                    exec(statement, namespace)  # noqa: S102
            return True, ""
        except BaseException as exc:  # noqa: BLE001
            return False, f"{type(exc).__name__}: {exc}"

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
        return Context._Armed(self)

    def execute(self, d: dict, text: str, imports: set, *, receiver, call, setup=None,
                construct: bool = False, doc: bool = False, argv=None):
        """Run ``text`` twice (fresh arguments each time) and describe what happened."""
        emit({"type": "calling", "definition": d["key"], "call": text})
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
            names = set(code.co_names) if code is not None else set()
            cached = "hash" in names or "__hash__" in names
            self._constructions[("hash", d.get("key"))] = cached
        return cached

    def _record(self, d, text, imports, result, receiver, setup, call) -> dict:
        details = {"imports": sorted(set(imports) | result.pop("imports", set()))}
        for key in ("wrap", "state", "mutated", "attributes", "result_type", "value_kind",
                    "approx", "stdout", "argv"):
            if key in result:
                details[key] = result.pop(key)
        record = {"type": "probe", "definition": d["key"], "call": text,
                  "setup": list(setup or []) + (list(receiver[0]) if receiver else []),
                  "details": details}
        if call is not None:
            record["args"] = [v.text for v in call.args]
            record["kwargs"] = [[k, v.text] for k, v in call.kwargs]
            details["arg_categories"] = [v.category for v in call.args] + [
                v.category for _, v in call.kwargs]
        record.update(result)
        return record

    def _once(self, text: str, receiver, setup, call, argv=None) -> dict:
        namespace = dict(self.namespace)
        imports: set = set()
        result: dict = {"outcome": "return", "imports": imports, "covered_lines": []}
        arg_objects = None
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
            result["message"] = _safe_str(exc)[:500]
            result["exception_module"] = type(exc).__module__
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


class _TooLong(Exception):
    pass


class _SetupFailed(Exception):
    pass


def _safe_str(exc) -> str:
    try:
        return str(exc)
    except Exception:
        return ""


# ---------------------------------------------------------------------------- processes


def _on_alarm(signum, frame):
    raise CallTimeout()


def run_definition(ctx: Context, definition: dict) -> None:
    """In a forked child: explore one definition and stream its probes."""
    explorer = Explorer(ctx, definition)
    try:
        explorer.explore()
    except BaseException as exc:  # noqa: BLE001 - report, never crash the probe
        explorer.skip(f"the probe itself failed: {type(exc).__name__}: {exc}")
    for record in explorer.records:
        record.setdefault("type", "probe")
        record.setdefault("definition", definition["key"])
        emit(record)


def supervise(ctx: Context, definitions: list) -> None:
    """Fork one child per definition; a child that hangs or dies is reported, not fatal."""
    global _out_fd
    total_deadline = time.monotonic() + float(ctx.budget.get("total_seconds", 60))
    per_definition = float(ctx.budget["seconds"])
    for definition in definitions:
        remaining = total_deadline - time.monotonic()
        if remaining <= 0.5:
            emit({"type": "probe", "definition": definition["key"], "outcome": "skipped",
                  "reason": "probe time budget for this file used up"})
            continue
        read_fd, write_fd = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # child
            os.close(read_fd)
            _out_fd = write_fd
            try:
                signal.signal(signal.SIGALRM, _on_alarm)
                ctx.budget = dict(ctx.budget, seconds=min(per_definition, remaining - 0.3))
                run_definition(ctx, definition)
            finally:
                _real_exit(0)
        os.close(write_fd)
        limit = time.monotonic() + min(per_definition + 2 * ctx.call_timeout + 2, remaining)
        buffer = b""
        last_call = ""
        killed = False
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
                if record.get("type") == "calling":
                    last_call = record.get("call", "")
                    continue
                emit(record)
        os.close(read_fd)
        _, status = os.waitpid(pid, 0)
        if killed:
            emit({"type": "probe", "definition": definition["key"], "outcome": "timeout",
                  "call": last_call, "reason": "did not return in time (killed the probe after "
                  f"{per_definition:g}s)" + (f" while running {last_call}" if last_call else "")})
        elif os.WIFSIGNALED(status):
            emit({"type": "probe", "definition": definition["key"], "outcome": "crash",
                  "call": last_call, "reason": f"the process died with signal "
                  f"{signal.Signals(os.WTERMSIG(status)).name}" +
                  (f" while running {last_call}" if last_call else "")})
        elif os.WEXITSTATUS(status) != 0:
            emit({"type": "probe", "definition": definition["key"], "outcome": "crash",
                  "call": last_call, "reason": f"the process exited with status "
                  f"{os.WEXITSTATUS(status)}" + (f" while running {last_call}"
                                                 if last_call else "")})


def import_target(request: dict):
    """Import the module under test, turning every way it can fail into a reason."""
    module_name = request["module"]
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, float(request["budget"].get("import_timeout", 10)))
    _Guards.importing = True
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
                      f"{type(exc).__name__}: {_safe_str(exc)[:300]}"}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _Guards.importing = False


def main() -> int:
    global _out_fd
    request = json.loads(sys.stdin.read())
    # Our channel is the original stdout; the code under test writes to stderr instead.
    _out_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = io.TextIOWrapper(os.fdopen(1, "wb", closefd=False), write_through=True)
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
    sys.addaudithook(_audit)

    module, error = import_target(request)
    if error is not None:
        emit({"type": "import", "ok": False, **error})
        emit({"type": "done"})
        return 0
    target_file = os.path.realpath(getattr(module, "__file__", "") or "")
    if not target_file.endswith(".py"):
        emit({"type": "import", "ok": False, "kind": "extension",
              "message": f"{request['module']} resolves to {target_file or 'a built-in module'}"
                         ", not the Python source file (a compiled extension shadows it)"})
        emit({"type": "done"})
        return 0
    emit({"type": "import", "ok": True, "file": target_file})
    watch_clock_in(module)
    ctx = Context(request, module, request["module"])
    supervise(ctx, request["definitions"])
    emit({"type": "done"})
    return 0


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
    _real_exit(code)
