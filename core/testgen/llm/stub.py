"""An OpenAI-compatible chat server on 127.0.0.1 that serves scripted completions and faults.

Tests and benchmarks point LiteLLM at it (``model="openai/gpt-4o-mini"``,
``api_base=stub.api_base``, any key), so the whole client stack — LiteLLM, the OpenAI SDK,
HTTP, retries — runs exactly as against a real provider, without the network::

    with StubLLM(latency=0.3) as stub:
        stub.script(Fault.rate_limit(2),
                    json_answer([{"test_name": "test_add", "test_code": "..."}]))
        ...
        assert stub.request_count == 2

The same server speaks Anthropic's Messages API on ``/v1/messages`` (``model=
"anthropic/claude-sonnet-4-5"``), with prompt caching as Anthropic does it: the prefix up to
the last ``cache_control`` block is written to the cache when it holds at least
``cache_minimum`` tokens, and read from it by later requests with the same prefix
(``usage.cache_read_input_tokens``).

Each request takes the next scripted item; when the script is empty the ``responder``
(a callable receiving the request body) answers. An item is the completion text, a
:class:`Fault`, or a callable returning either.
"""

from __future__ import annotations

import json
import math
import re
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterable, Union

Reply = Union[str, "Fault"]
Script = Union[str, "Fault", Callable[[dict], Reply]]


@dataclass(frozen=True)
class Fault:
    """Something a provider does besides answering well."""

    kind: str
    """``status`` (an HTTP error), ``slow`` (answer after ``delay``), ``drop`` (close the
    connection without answering), ``truncated`` (cut the answer, finish_reason ``length``)."""
    status: int = 200
    retry_after: float | None = None
    delay: float = 0.0
    text: str = ""
    message: str = ""

    @classmethod
    def rate_limit(cls, retry_after: float | None = 1) -> "Fault":
        """429 Too Many Requests, with a ``Retry-After`` header when given."""
        return cls("status", status=429, retry_after=retry_after, message="Rate limit reached")

    @classmethod
    def server_error(cls, status: int = 500) -> "Fault":
        return cls("status", status=status, message="The server had an error")

    @classmethod
    def auth_error(cls, message: str = "Incorrect API key provided") -> "Fault":
        return cls("status", status=401, message=message)

    @classmethod
    def slow(cls, delay: float, text: str = '{"tests": []}') -> "Fault":
        """Answer only after ``delay`` seconds (beyond the client's timeout: a timeout)."""
        return cls("slow", delay=delay, text=text)

    @classmethod
    def drop(cls) -> "Fault":
        """Close the connection without an answer."""
        return cls("drop")

    @classmethod
    def tool_call(cls, name: str, **arguments: Any) -> "Fault":
        """A tool call instead of an answer (``finish_reason`` ``tool_calls``)."""
        return cls("tool_call", text=json.dumps(arguments), message=name)

    @classmethod
    def truncated(cls, text: str, keep: float = 0.5) -> "Fault":
        """The first ``keep`` share of ``text``, as when the model hits ``max_tokens``."""
        return cls("truncated", text=text[: max(1, int(len(text) * keep))])


def json_answer(tests: Iterable[dict[str, Any]], **extra: Any) -> str:
    """A completion in the structured-output schema; missing fields get empty defaults."""
    full = [{"test_name": t["test_name"], "test_code": t["test_code"],
             "imports": t.get("imports", []), "coverage_lines": t.get("coverage_lines", []),
             "edge_cases_covered": t.get("edge_cases_covered", []),
             "mocked_dependencies": t.get("mocked_dependencies", []),
             **{k: v for k, v in t.items() if k not in {
                 "test_name", "test_code", "imports", "coverage_lines", "edge_cases_covered",
                 "mocked_dependencies"}}}
            for t in tests]
    return json.dumps({"tests": full, **extra})


def approx_tokens(text: str) -> int:
    """Rough token count (4 characters per token), enough to price stub answers."""
    return max(1, math.ceil(len(text) / 4))


@dataclass
class RecordedRequest:
    path: str
    body: dict[str, Any]
    headers: dict[str, str]
    """Lower-case header names."""
    answered_with: str = ""
    usage: dict[str, Any] = field(default_factory=dict)
    """Anthropic format: the usage the answer reported (cache reads and writes)."""

    @property
    def messages(self) -> list[dict[str, Any]]:
        return self.body.get("messages", [])

    @property
    def text(self) -> str:
        """All message text of the request, joined (content blocks flattened)."""
        return "\n".join(_content_text(m.get("content")) for m in self.messages)


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(part.get("text", "") for part in content if isinstance(part, dict))
    return ""


@dataclass
class StubLLM:
    """The server. Use as a context manager, or call :meth:`start` and :meth:`stop`."""

    latency: float = 0.0
    """Seconds every answer waits (applied concurrently, as a real provider's latency)."""
    responder: Callable[[dict], Reply] | None = None
    """Answers requests once the script is used up; default: an empty test list."""
    model_name: str = ""
    requests: list[RecordedRequest] = field(default_factory=list)
    cache_minimum: int = 1024
    """Anthropic format: prefixes shorter than this many tokens are not cached."""

    def __post_init__(self) -> None:
        self._script: deque[Script] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._active = 0
        self._cached_prefixes: set[str] = set()
        self.max_concurrent = 0
        """Most requests in progress at the same time (to check client concurrency)."""

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> "StubLLM":
        handler = _make_handler(self)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "StubLLM":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "the stub is not running"
        return self._server.server_address[1]

    @property
    def api_base(self) -> str:
        """What LiteLLM's ``api_base`` should be."""
        return f"http://127.0.0.1:{self.port}/v1"

    # ----------------------------------------------------------------- scripting

    def script(self, *items: Script) -> None:
        """Queue answers for the next requests, in order."""
        with self._lock:
            self._script.extend(items)

    def reset(self) -> None:
        """Forget the script and the recorded requests (keep latency and responder)."""
        with self._lock:
            self._script.clear()
            self.requests.clear()
            self.max_concurrent = 0

    @property
    def request_count(self) -> int:
        with self._lock:
            return len(self.requests)

    @property
    def pending(self) -> int:
        """Scripted items not used yet."""
        with self._lock:
            return len(self._script)

    def _next_reply(self, body: dict) -> Reply:
        with self._lock:
            item = self._script.popleft() if self._script else None
        if item is None:
            item = self.responder or (lambda _body: '{"tests": []}')
        if callable(item) and not isinstance(item, Fault):
            item = item(body)
        return item

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _enter(self) -> None:
        with self._lock:
            self._active += 1
            self.max_concurrent = max(self.max_concurrent, self._active)

    def _leave(self) -> None:
        with self._lock:
            self._active -= 1

    def _wait(self, seconds: float) -> bool:
        """Sleep unless the server stops; False when it stopped."""
        return not self._stopping.wait(seconds)


def _make_handler(stub: StubLLM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes: without TCP_NODELAY the body waits for the
        # client's delayed ACK (40 ms on Linux), a latency no real provider adds.
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet server
            pass

        def do_GET(self) -> None:
            if self.path == "/stub/stats":
                self._send_json(200, {"requests": stub.request_count,
                                      "max_concurrent": stub.max_concurrent})
            elif self.path.rstrip("/").endswith("/models"):
                self._send_json(200, {"object": "list", "data": [
                    {"id": stub.model_name or "gpt-4o-mini", "object": "model"}]})
            else:
                self._send_json(404, _error("not found", "invalid_request_error"))

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if self.path == "/stub/reset":
                stub.reset()
                self._send_json(200, {"ok": True})
                return
            anthropic = self.path.rstrip("/").endswith("/messages")
            if not anthropic and not self.path.rstrip("/").endswith("/chat/completions"):
                self._send_json(404, _error(f"no route {self.path}", "invalid_request_error"))
                return
            try:
                body = json.loads(raw or b"{}")
            except json.JSONDecodeError:
                self._send_json(400, _error("body is not JSON", "invalid_request_error"))
                return
            recorded = RecordedRequest(self.path, body,
                                       {k.lower(): v for k, v in self.headers.items()})
            stub._record(recorded)
            reply = stub._next_reply(body)
            stub._enter()
            try:
                if stub.latency and not stub._wait(stub.latency):
                    return
                self._answer(body, reply, recorded, anthropic)
            finally:
                stub._leave()

        def _answer(self, body: dict, reply: Reply, recorded: RecordedRequest,
                    anthropic: bool = False) -> None:
            if anthropic and isinstance(reply, str) or anthropic and isinstance(
                    reply, Fault) and reply.kind == "truncated":
                truncated = isinstance(reply, Fault)
                text = reply.text if isinstance(reply, Fault) else reply
                recorded.answered_with = "truncated" if truncated else "completion"
                message = _anthropic_message(stub, body, text, truncated)
                recorded.usage = message["usage"]
                self._send_json(200, message)
                return
            if isinstance(reply, str):
                recorded.answered_with = "completion"
                self._send_json(200, _completion(body, reply, stub.model_name))
                return
            recorded.answered_with = reply.kind if reply.kind != "status" else str(reply.status)
            if reply.kind == "status":
                headers = {}
                if reply.retry_after is not None:
                    headers["Retry-After"] = _retry_after_value(reply.retry_after)
                kind = "rate_limit_error" if reply.status == 429 else "server_error"
                if reply.status == 401:
                    kind = "invalid_request_error"
                self._send_json(reply.status, _error(reply.message, kind), headers)
            elif reply.kind == "slow":
                if stub._wait(reply.delay):
                    self._send_json(200, _completion(body, reply.text, stub.model_name))
            elif reply.kind == "drop":
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            elif reply.kind == "truncated":
                self._send_json(200, _completion(body, reply.text, stub.model_name,
                                                 finish_reason="length"))
            elif reply.kind == "tool_call":
                answer = _completion(body, "", stub.model_name, finish_reason="tool_calls")
                answer["choices"][0]["message"] = {
                    "role": "assistant", "content": None,
                    "tool_calls": [{"id": f"call_{time.monotonic_ns()}", "type": "function",
                                    "function": {"name": reply.message,
                                                 "arguments": reply.text}}]}
                self._send_json(200, answer)

        def _send_json(self, status: int, payload: dict, headers: dict[str, str] | None = None
                       ) -> None:
            data = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up (its timeout)

    return Handler


def _retry_after_value(seconds: float) -> str:
    return str(int(seconds)) if float(seconds).is_integer() else str(seconds)


def _error(message: str, kind: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": None}}


def _completion(body: dict, text: str, model_name: str, finish_reason: str = "stop"
                ) -> dict[str, Any]:
    prompt_text = "\n".join(_content_text(m.get("content")) for m in body.get("messages", []))
    prompt_tokens, completion_tokens = approx_tokens(prompt_text), approx_tokens(text)
    return {
        "id": f"chatcmpl-stub-{time.monotonic_ns()}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model_name or body.get("model", "gpt-4o-mini"),
        "choices": [{"index": 0, "finish_reason": finish_reason,
                     "message": {"role": "assistant", "content": text}}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }


def _anthropic_message(stub: StubLLM, body: dict, text: str, truncated: bool) -> dict[str, Any]:
    """A Messages API answer, with Anthropic's prompt-cache accounting."""
    system = body.get("system") or []
    if isinstance(system, str):
        system = [{"type": "text", "text": system}]
    blocks = [*system, *[part for m in body.get("messages", [])
                         for part in (m.get("content") if isinstance(m.get("content"), list)
                                      else [{"type": "text", "text": m.get("content", "")}])]]
    marked = [i for i, b in enumerate(blocks) if isinstance(b, dict) and b.get("cache_control")]
    total = approx_tokens("\n".join(b.get("text", "") for b in blocks if isinstance(b, dict)))
    written = read = 0
    if marked:
        prefix = "\n".join(b.get("text", "") for b in blocks[: marked[-1] + 1])
        tokens = approx_tokens(prefix)
        if tokens >= stub.cache_minimum:
            with stub._lock:
                seen = prefix in stub._cached_prefixes
                stub._cached_prefixes.add(prefix)
            if seen:
                read = tokens
            else:
                written = tokens
    return {
        "id": f"msg_stub_{time.monotonic_ns()}", "type": "message", "role": "assistant",
        "model": stub.model_name or body.get("model", "claude-sonnet-4-5"),
        "content": [{"type": "text", "text": text}],
        "stop_reason": "max_tokens" if truncated else "end_turn", "stop_sequence": None,
        "usage": {"input_tokens": total - written - read, "output_tokens": approx_tokens(text),
                  "cache_creation_input_tokens": written, "cache_read_input_tokens": read},
    }


class StubProcess:
    """The stub in a process of its own, so its work does not compete with the client for
    the interpreter (as a remote provider would not). For benchmarks::

        with StubProcess(latency=0.3, responder=answer) as stub:  # responder: importable
            ... api_base=stub.api_base ...
            stub.stats()["requests"]
    """

    def __init__(self, latency: float = 0.0, responder: Callable[[dict], Reply] | None = None
                 ) -> None:
        self.latency = latency
        self.responder = responder
        self.port = 0
        self._process: Any = None
        self._conn: Any = None

    def __enter__(self) -> "StubProcess":
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve_in_child,
                                        args=(child, self.latency, self.responder),
                                        daemon=True)
        self._process.start()
        self.port = self._conn.recv()
        return self

    def __exit__(self, *exc: Any) -> None:
        try:
            self._conn.send("stop")
        except OSError:
            pass
        self._process.join(10)
        if self._process.is_alive():
            self._process.terminate()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def _call(self, method: str, path: str) -> dict[str, Any]:
        import urllib.request

        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method,
                                         data=b"{}" if method == "POST" else None)
        with opener.open(request, timeout=10) as response:
            return json.loads(response.read())

    def stats(self) -> dict[str, int]:
        """``{"requests": n, "max_concurrent": m}`` since the last reset."""
        return self._call("GET", "/stub/stats")

    def reset(self) -> None:
        self._call("POST", "/stub/reset")


def _serve_in_child(conn: Any, latency: float, responder: Callable[[dict], Reply] | None
                    ) -> None:
    with StubLLM(latency=latency, responder=responder) as stub:
        conn.send(stub.port)
        try:
            conn.recv()
        except EOFError:
            pass


# --------------------------------------------------------------------------- coverage-seeking


_NOTE_LINE = re.compile(r"^- (?P<name>[\w.:()*<>\[\]-]+): lines (?P<lines>[\d, -]+)", re.M)


def named_uncovered_lines(body: dict) -> list[int]:
    """The line numbers a request names as still uncovered (its coverage note), in order."""
    text = _content_text(body.get("messages", [{}])[-1].get("content"))
    lines: list[int] = []
    for match in _NOTE_LINE.finditer(text):
        for part in match["lines"].split(","):
            part = part.strip()
            if not part:
                continue
            first, _, last = part.partition("-")
            lines.extend(range(int(first), int(last or first) + 1))
    return lines


def numbered_code_lines(body: dict) -> dict[int, str]:
    """``number → code`` for every numbered code line shown in the request."""
    text = _content_text(body.get("messages", [{}])[-1].get("content"))
    return {int(m[1]): m[2] for m in re.finditer(r"^\s*(\d+)  (.*)$", text, re.M)}


@dataclass
class LineSeeker:
    """A responder that reaches only lines it is told are uncovered: for the first named
    line whose code contains a key of ``tests``, it answers with that test; when no line is
    named, with ``default``. Importable, so a :class:`StubProcess` can use it."""

    tests: dict[str, dict[str, Any]]
    default: dict[str, Any]

    def __call__(self, body: dict) -> str:
        code = numbered_code_lines(body)
        for number in named_uncovered_lines(body):
            text = code.get(number, "")
            for marker, test in self.tests.items():
                if marker in text:
                    return json_answer([test])
        if "Follow-up" in _content_text(body.get("messages", [{}])[-1].get("content")):
            return json_answer([])
        return json_answer([self.default])


# --------------------------------------------------------------------------- a small project

GRADE_MODULE = '''\
"""Letter grades."""


def grade(score):
    if score < 0:
        raise ValueError("negative score")
    if score >= 90:
        return "A"
    if score >= 80:
        return "B"
    if score >= 70:
        return "C"
    return "F"
'''
"""``grades/grade.py``: one function whose branches a test reaches one at a time."""


def write_grade_project(root: Path) -> Path:
    """A Python project with one module, ``grades/grade.py`` (:data:`GRADE_MODULE`)."""
    (root / "grades").mkdir(parents=True)
    (root / "grades" / "__init__.py").write_text("")
    (root / "grades" / "grade.py").write_text(GRADE_MODULE)
    (root / "pyproject.toml").write_text('[project]\nname = "grades"\nversion = "0.1"\n')
    return root


def grade_seeker() -> LineSeeker:
    """A :class:`LineSeeker` for :data:`GRADE_MODULE`: one test per branch, each written only
    when a request names that branch's line as uncovered."""
    def test(name: str, body: str, *imports: str) -> dict[str, Any]:
        return {"test_name": name, "test_code": f"def {name}():\n{body}",
                "imports": [*imports, "from grades.grade import grade"]}

    return LineSeeker(
        tests={
            "raise ValueError": test("test_grade_rejects_a_negative_score",
                                     "    with pytest.raises(ValueError):\n        grade(-1)\n",
                                     "import pytest"),
            'return "A"': test("test_grade_gives_a_from_90", "    assert grade(95) == 'A'\n"),
            'return "B"': test("test_grade_gives_b_from_80", "    assert grade(85) == 'B'\n"),
            'return "C"': test("test_grade_gives_c_from_70", "    assert grade(75) == 'C'\n"),
        },
        default=test("test_grade_fails_low_scores", "    assert grade(10) == 'F'\n"))
