"""Incremental state in ``.testgen/state.json``: what was generated, for which code, and kept.

Entries are keyed by definition, test type, engine and model, and remember the definition's
content hash. An unchanged definition is skipped on the next run (zero probes, zero test runs,
zero model requests); its kept tests are carried into the regenerated file when a neighbour
changes. Written files are remembered by content hash, so a file edited by hand is never
overwritten without ``--force``.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Protocol

from .model import Definition, SourceFile, TestCandidate

if TYPE_CHECKING:
    from .inventory import FileInventory


class RunFile(Protocol):
    """What :meth:`State.record_run` reads of one file's run (the pipeline's ``FileWork``)."""

    inventory: "FileInventory"
    pending: list[Definition]
    candidates: list[TestCandidate]
    written: str

    @property
    def source(self) -> SourceFile: ...

    def kept(self) -> list[TestCandidate]: ...

STATE_FILE = Path(".testgen") / "state.json"
LOCK_FILE = Path(".testgen") / "lock"
VERSION = 1


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def entry_key(definition_key: str, test_type: str, engine: str, model: str | None) -> str:
    return f"{definition_key}|{test_type}|{engine}|{model or '-'}"


@dataclass
class KeptTest:
    """A kept candidate as stored between runs."""

    id: str
    test_name: str
    code: str
    test_type: str
    engine: str
    imports: list[str] = field(default_factory=list)
    helpers: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, candidate: TestCandidate) -> "KeptTest":
        return cls(candidate.id, candidate.test_name, candidate.code, candidate.test_type,
                   candidate.engine, list(candidate.imports), list(candidate.helpers))

    def candidate(self, definition: str) -> TestCandidate:
        return TestCandidate(id=self.id, definition=definition, test_name=self.test_name,
                             code=self.code, test_type=self.test_type, engine=self.engine,
                             imports=tuple(self.imports), helpers=tuple(self.helpers),
                             carried_over=True)


@dataclass
class Entry:
    definition: str
    file: str
    hash: str
    test_type: str
    engine: str
    model: str | None
    outcome: str
    """Summary of the last attempt: ``kept``, ``none-kept``, ``error``."""
    kept: list[KeptTest] = field(default_factory=list)


class State:
    """The state of one project; load, query, update, save (atomically)."""

    def __init__(self, root: Path, entries: dict[str, Entry] | None = None,
                 written: dict[str, str] | None = None) -> None:
        self.root = root
        self.entries = entries or {}
        self.written = written or {}
        """Project-relative path → sha256 of the content TestGen last wrote there."""
        self._by_file: dict[str, set[str]] = {}
        for key, entry in self.entries.items():
            self._by_file.setdefault(entry.file, set()).add(key)

    @classmethod
    def load(cls, root: Path) -> "State":
        path = root / STATE_FILE
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(root)  # missing or corrupt: start afresh, never crash
        if not isinstance(raw, dict) or raw.get("version") != VERSION:
            return cls(root)  # null, a list, another version: start afresh too
        entries = {}
        raw_entries = raw.get("entries")
        for key, item in (raw_entries.items() if isinstance(raw_entries, dict) else ()):
            try:
                kept = [KeptTest(**k) for k in item.pop("kept", None) or []]
                entries[key] = Entry(**item, kept=kept)
            except (TypeError, AttributeError):
                continue
        written = raw.get("written")
        written = {k: v for k, v in written.items() if isinstance(k, str) and isinstance(v, str)
                   } if isinstance(written, dict) else {}
        return cls(root, entries, written)

    def save(self) -> None:
        path = self.root / STATE_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        from .secrets import contains_secret

        for entry in self.entries.values():  # a secret value is never stored
            entry.kept = [k for k in entry.kept if not contains_secret(k.code)]
        data = {"version": VERSION,
                "entries": {k: asdict(v) for k, v in sorted(self.entries.items())},
                "written": dict(sorted(self.written.items()))}
        tmp = path.with_name(f".state.json.tmp{os.getpid()}")
        tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
        os.replace(tmp, path)

    # ----------------------------------------------------------------- queries

    def is_current(self, definition_key: str, hash_: str, test_type: str, engine: str,
                   model: str | None) -> bool:
        entry = self.entries.get(entry_key(definition_key, test_type, engine, model))
        return entry is not None and entry.hash == hash_

    def carried_tests(self, file: str, current_hashes: dict[str, str],
                      exclude: Iterable[str] = ()) -> list[TestCandidate]:
        """Kept tests of ``file``'s definitions whose code has not changed since."""
        skip = set(exclude)
        out: list[TestCandidate] = []
        for key in sorted(self._by_file.get(file, ())):
            entry = self.entries[key]
            if key in skip:
                continue
            if current_hashes.get(entry.definition) != entry.hash:
                continue
            out.extend(k.candidate(entry.definition) for k in entry.kept)
        return out

    # ----------------------------------------------------------------- updates

    def record(self, definition_key: str, file: str, hash_: str, test_type: str, engine: str,
               model: str | None, kept: list[TestCandidate], outcome: str) -> None:
        key = entry_key(definition_key, test_type, engine, model)
        previous = self.entries.get(key)
        if previous is not None:
            self._by_file.get(previous.file, set()).discard(key)
        self.entries[key] = Entry(definition_key, file, hash_, test_type, engine, model, outcome,
                                  [KeptTest.of(c) for c in kept])
        self._by_file.setdefault(file, set()).add(key)

    def record_run(self, files: Iterable["RunFile"], test_types: Iterable[str], engine: str,
                   model: str | None, *, retry_errors: bool) -> None:
        """Remember how each finished file of a run ended: per pending definition and test
        type, what was kept (or that nothing was); for unchanged definitions, only the carried
        tests that survived their re-run. ``retry_errors``: an ``error`` outcome (provider
        trouble) is not remembered, so the next run tries again."""
        entries_of: dict[str, list[Entry]] = {}  # one pass over the state, not one per definition
        for entry in self.entries.values():
            entries_of.setdefault(entry.definition, []).append(entry)
        for work in files:
            kept_of: dict[str, list[TestCandidate]] = {}
            if not work.written.startswith("refused"):
                for c in work.kept():
                    kept_of.setdefault(c.definition, []).append(c)
            pending = {d.key for d in work.pending}
            for definition in work.inventory.definitions:
                if definition.key in pending:
                    continue
                for entry in entries_of.get(definition.key, []):
                    if entry.hash == definition.content_hash:
                        survivors = {c.id for c in kept_of.get(definition.key, [])
                                     if c.test_type == entry.test_type
                                     and c.engine == entry.engine}
                        entry.kept = [k for k in entry.kept if k.id in survivors]
            for definition in work.pending:
                mine = kept_of.get(definition.key, [])
                for test_type in test_types:
                    kept = [c for c in mine if c.test_type == test_type]
                    statuses = {c.status for c in work.candidates
                                if c.definition == definition.key and c.test_type == test_type}
                    outcome = "kept" if kept else ("error" if statuses <= {"error"}
                                                   else "none-kept")
                    if outcome == "error" and retry_errors:
                        continue
                    self.record(definition.key, work.source.rel_path, definition.content_hash,
                                test_type, engine, model, kept, outcome)

    def forget_missing(self, file: str, present: set[str]) -> None:
        """Drop entries of definitions that no longer exist in ``file``."""
        for key in [k for k in self._by_file.get(file, ())
                    if self.entries[k].definition not in present]:
            del self.entries[key]
            self._by_file[file].discard(key)

    def remember_write(self, rel_path: str, content: str) -> None:
        self.written[rel_path] = content_hash(content)

    def written_by_us(self, rel_path: str, content: str) -> bool:
        return self.written.get(rel_path) == content_hash(content)


class ProjectLock:
    """One ``generate`` at a time per project: an exclusive lock on ``.testgen/lock``.

    The kernel releases the lock when the holder dies, however it dies (``SIGKILL`` too), so
    a lock never outlives its run. A second run waits up to ``wait`` seconds, saying so once,
    then fails with TG212. Taking the lock is also the early check that the project can be
    written to (TG209), before any work is done.
    """

    def __init__(self, root: Path, *, wait: float = 600.0, notify=None) -> None:
        self.path = root / LOCK_FILE
        self.wait = wait
        self.notify = notify
        self._handle = None

    def __enter__(self) -> "ProjectLock":
        from .errors import InputError

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(self.path, "a+", encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write to {self.path.parent}: {exc.strerror or exc}",
                             code="TG209", hint="generate writes tests and .testgen/ into the "
                             "project: make it writable, or work on a writable copy") from None
        deadline = time.monotonic() + self.wait
        told = False
        while not self._try(handle):
            if time.monotonic() >= deadline:
                holder = self._holder(handle)
                handle.close()
                raise InputError(f"another testgen run{holder} is working on this project",
                                 code="TG212", hint="wait for it to finish (or stop it), then "
                                 "run again")
            if not told and self.notify is not None:
                self.notify(f"waiting for another testgen run{self._holder(handle)} "
                            "on this project to finish…")
                told = True
            time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._handle = handle
        try:  # the tests go beside the code: the project itself must take new files
            probe = self.path.parent.parent / f".testgen-write-check-{os.getpid()}"
            probe.touch()
            probe.unlink()
        except OSError as exc:
            self.__exit__()
            raise InputError(f"cannot write to {self.path.parent.parent}: "
                             f"{exc.strerror or exc}", code="TG209",
                             hint="make the project writable, or work on a writable copy"
                             ) from None
        return self

    def __exit__(self, *exc: object) -> None:
        if self._handle is not None:
            self._handle.close()  # closing releases the lock
            self._handle = None

    @staticmethod
    def _try(handle) -> bool:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: no lock, as before
            return True
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    @staticmethod
    def _holder(handle) -> str:
        try:
            handle.seek(0)
            pid = handle.read().strip()
        except OSError:
            return ""
        return f" (pid {pid})" if pid.isdigit() else ""
