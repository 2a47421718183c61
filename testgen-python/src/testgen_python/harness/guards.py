"""What the code under test may not do, and what makes a call non-deterministic.

An audit hook refuses network, subprocesses and file changes outside temp dirs (the project's
copy included) while :data:`GUARDS` is armed; wrapped clock, randomness and ``sys.argv``
sources note that a call read them. ``os._exit`` and ``os.abort`` are disarmed.
"""

from __future__ import annotations

import datetime as _dt
import os
import random
import sys
import time
import types

real_exit = os._exit
"""The real ``os._exit``, before :func:`install_flags` disarms it."""


class Unsafe(BaseException):
    """Raised by the guards; a BaseException so ``except Exception`` in user code lets it by."""


class CallTimeout(BaseException):
    """The per-call alarm fired."""


class Guards:
    armed = False
    violation = ""
    touched: set = set()
    temp_roots: tuple = ()
    protected: str = ""
    """The project copy: never writable, even though it lives under the temp directory."""


GUARDS = Guards()

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


def _in_project(path) -> bool:
    if isinstance(path, int) or not GUARDS.protected:
        return False
    try:
        full = os.path.realpath(os.fsdecode(path))
    except (TypeError, ValueError):
        return False
    return full == GUARDS.protected or full.startswith(GUARDS.protected + os.sep)


def audit(event: str, args: tuple) -> None:
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
    elif event in ("os.listdir", "os.scandir"):
        if _in_project(args[0] if args and args[0] is not None else os.curdir):
            # TestGen's copy of the project holds other files than the user's tree
            GUARDS.touched.add("the project's directory listing")
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
    if GUARDS.armed or Guards.importing:
        raise Unsafe(f"calls os._exit({code})")
    real_exit(code)


Guards.importing = False


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

