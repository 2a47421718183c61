"""The response cache: a model answer is paid for once.

One sqlite file (WAL mode, so several processes — parallel CI shards on a shared path — can
read and write at once) maps ``sha256(model, messages, params)`` to the completion text and
its token usage. Only answers that were usable are stored; API keys and endpoints are never
part of the key or the value, so the file can be shared between checkouts and machines.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

CACHE_FILE = "llm-responses.sqlite3"
CACHE_DIR_ENV = "TESTGEN_CACHE_DIR"
SCHEMA_VERSION = 1

# Parameters that change the answer; transport settings (api_base, timeout, key) do not.
KEY_PARAMS: tuple[str, ...] = ("temperature", "max_tokens", "top_p", "seed", "response_format")


def default_cache_dir() -> Path:
    """``$TESTGEN_CACHE_DIR`` when set (a shared path), else the per-user cache directory."""
    configured = os.environ.get(CACHE_DIR_ENV)
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("testgen"))


def cache_key(model: str, messages: Sequence[Mapping[str, Any]],
              params: Mapping[str, Any]) -> str:
    """sha256 of the model, the messages and the answer-shaping parameters."""
    shaping = {k: params[k] for k in KEY_PARAMS if params.get(k) is not None}
    payload = json.dumps({"v": SCHEMA_VERSION, "model": model, "messages": list(messages),
                          "params": shaping}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class CachedResponse:
    text: str
    model: str
    tokens_in: int
    tokens_out: int
    finish_reason: str = "stop"


class ResponseCache:
    """The sqlite cache file in ``directory`` (created on first use)."""

    def __init__(self, directory: Path) -> None:
        self.path = Path(directory) / CACHE_FILE
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False,
                                   isolation_level=None)
            conn.execute("PRAGMA busy_timeout = 30000")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS responses ("
                " key TEXT PRIMARY KEY, model TEXT NOT NULL, text TEXT NOT NULL,"
                " tokens_in INTEGER NOT NULL, tokens_out INTEGER NOT NULL,"
                " finish_reason TEXT NOT NULL, created REAL NOT NULL,"
                " last_used REAL NOT NULL, hits INTEGER NOT NULL DEFAULT 0)")
            self._conn = conn
        return self._conn

    def get(self, key: str) -> CachedResponse | None:
        with self._lock:
            db = self._db()
            row = db.execute("SELECT text, model, tokens_in, tokens_out, finish_reason "
                             "FROM responses WHERE key = ?", (key,)).fetchone()
            if row is None:
                return None
            db.execute("UPDATE responses SET hits = hits + 1, last_used = ? WHERE key = ?",
                       (time.time(), key))
        return CachedResponse(*row)

    def put(self, key: str, response: CachedResponse) -> None:
        now = time.time()
        with self._lock:
            self._db().execute(
                "INSERT OR REPLACE INTO responses (key, model, text, tokens_in, tokens_out,"
                " finish_reason, created, last_used, hits) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)",
                (key, response.model, response.text, response.tokens_in, response.tokens_out,
                 response.finish_reason, now, now))

    def stats(self) -> dict[str, Any]:
        """Entries, hits, size on disk and age range, for ``testgen cache stats``."""
        if not self.path.exists():
            return {"path": str(self.path), "entries": 0, "hits": 0, "size_bytes": 0,
                    "models": {}, "oldest": None, "newest": None}
        with self._lock:
            db = self._db()
            entries, hits, oldest, newest = db.execute(
                "SELECT COUNT(*), COALESCE(SUM(hits), 0), MIN(created), MAX(created) "
                "FROM responses").fetchone()
            models = dict(db.execute(
                "SELECT model, COUNT(*) FROM responses GROUP BY model ORDER BY model"))
        size = sum(p.stat().st_size for p in self.path.parent.glob(CACHE_FILE + "*")
                   if p.is_file())
        return {"path": str(self.path), "entries": entries, "hits": hits, "size_bytes": size,
                "models": models, "oldest": _iso(oldest), "newest": _iso(newest)}

    def clear(self) -> int:
        """Delete every entry; returns how many there were."""
        if not self.path.exists():
            return 0
        with self._lock:
            db = self._db()
            count = db.execute("SELECT COUNT(*) FROM responses").fetchone()[0]
            db.execute("DELETE FROM responses")
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            db.execute("VACUUM")
        return count

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def _iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))
