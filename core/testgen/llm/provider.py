"""A thin async client around ``litellm.acompletion``: one answer per prompt, whatever happens.

For each prompt the client walks the model chain (primary, then ``llm.fallbacks``). Per model:
the response cache first; then the budget (the request goes out only if its worst-case cost
fits), the concurrency limit (``--parallel``), the rate limiter, and the request itself with a
timeout; 429/5xx/timeouts/dropped connections are retried with exponential backoff and jitter,
waiting at least what ``Retry-After`` says. What cannot be answered ends as a
:class:`RequestFailed` with a one-line reason — never a hang, never an endless retry.

LiteLLM is imported on the first request (it costs seconds), with its price map read from the
installed package rather than the network.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import os
import random
import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from ..model import Prompt
from ..secrets import RedactSecrets, redact
from .cache import CachedResponse, ResponseCache, cache_key
from .cost import Budget, OutputSizeTracker, Pricing
from .ratelimit import Clock, RateLimiter, SystemClock
from .structured import one_line

log = logging.getLogger(__name__)

_LITELLM_LOGGERS = ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy")
_configured = False


def import_litellm() -> Any:
    """Import LiteLLM without network access at import, quiet and with secrets masked."""
    global _configured
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    if not _configured and not os.environ.get("LITELLM_LOG"):
        # LiteLLM logs to its own stdout/stderr handler, even while importing: keep it to
        # warnings unless its own LITELLM_LOG asks for more.
        for name in _LITELLM_LOGGERS:
            logger = logging.getLogger(name)
            if logger.level in (logging.NOTSET, logging.DEBUG):
                logger.setLevel(logging.WARNING)
    import litellm

    if not _configured:
        _configured = True
        litellm.suppress_debug_info = True  # no "Give Feedback / Get Help" on stdout
        litellm.drop_params = True  # e.g. a model that only accepts its default temperature
        litellm.disable_hf_tokenizer_download = True  # token counts never touch the network
        redaction = RedactSecrets()
        for name in _LITELLM_LOGGERS:
            for handler in logging.getLogger(name).handlers:
                handler.addFilter(redaction)
    return litellm


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class ModelTarget:
    """One model of the chain, with where and how to reach it."""

    model: str
    provider: str
    api_base: str | None = None
    api_key: str | None = field(default=None, repr=False)

    @property
    def supports_prompt_caching_blocks(self) -> bool:
        return self.provider == "anthropic" or self.model.startswith("anthropic/")


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry one model before moving to the next."""

    max_retries: int = 4
    base_delay: float = 1.0
    max_delay: float = 30.0
    max_retry_after: float = 120.0
    """A ``Retry-After`` longer than this gives up on the model (try the fallback)."""

    def delay(self, attempt: int, retry_after: float | None, rng: random.Random) -> float:
        """Exponential backoff with full jitter in [½, 1] of the step, at least Retry-After."""
        step = min(self.max_delay, self.base_delay * (2 ** attempt))
        backoff = step * (0.5 + rng.random() / 2)
        if retry_after is not None:
            return max(retry_after, 0.0) + rng.random() * min(1.0, self.base_delay) * 0.1
        return backoff


@dataclass(frozen=True)
class RequestParams:
    temperature: float | None = 0.2
    max_tokens: int | None = 4096
    timeout: float = 120.0
    options: Mapping[str, Any] = field(default_factory=dict)
    """``llm.options``: provider parameters passed through as they are (``num_ctx``,
    ``extra_body``, ``top_p``...)."""
    tools: bool = False
    """Offer the model the ``get_info(symbol)`` tool (models that take tool calls)."""
    json_mode: str = "auto"
    """``auto`` (structured output where LiteLLM knows the model supports it), ``schema``,
    ``object`` or ``off``."""

    def shaping(self) -> dict[str, Any]:
        return {"temperature": self.temperature, "max_tokens": self.max_tokens,
                **{k: v for k, v in self.options.items() if k in _SHAPING_OPTIONS}}


_SHAPING_OPTIONS = ("top_p", "seed", "top_k", "num_ctx", "repeat_penalty", "min_p")
# Providers whose JSON mode LiteLLM passes on natively (Anthropic's is emulated with a forced
# tool call, which some proxies do not accept: asked for only with json_mode: schema).
_NATIVE_JSON = frozenset({"openai", "azure", "ollama", "ollama_chat", "lm_studio", "hosted_vllm",
                          "gemini", "vertex_ai", "mistral", "groq", "deepseek", "openrouter",
                          "together_ai", "fireworks_ai", "openai_like"})


# --------------------------------------------------------------------------- results


@dataclass
class Completion:
    text: str
    model: str
    tokens_in: int = 0
    tokens_out: int = 0
    tokens_cached: int = 0
    cost_usd: float = 0.0
    latency: float = 0.0
    cached: bool = False
    finish_reason: str = "stop"
    retries: int = 0
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    """Tool calls the model made instead of answering (``get_info``)."""


class RequestFailed(Exception):
    """No model of the chain answered; ``reason`` is one line, safe to show."""

    def __init__(self, reason: str, kind: str = "error", *, retryable: bool = False,
                 retry_after: float | None = None, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind
        """``auth``, ``rate-limit``, ``server``, ``timeout``, ``connection``, ``bad-request``,
        ``context``, ``no-key``, ``budget``, ``error``."""
        self.retryable = retryable
        self.retry_after = retry_after
        self.status = status


class BudgetExhausted(RequestFailed):
    def __init__(self) -> None:
        super().__init__("budget", "budget")


@dataclass
class Usage:
    """Running totals, shared with the engine's :class:`EngineStats`."""

    requests: int = 0
    cached_requests: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    tokens_cached: int = 0
    cost_usd: float = 0.0
    latencies: list[float] = field(default_factory=list)
    retries: int = 0
    errors: int = 0


Progress = Callable[[str, int], None]


class Provider:
    """Sends prompts through the model chain with cache, budget, limits and retries."""

    def __init__(self, *, params: RequestParams, cache: ResponseCache | None = None,
                 limiter: RateLimiter | None = None, parallel: int = 4,
                 budget: Budget | None = None, retry: RetryPolicy | None = None,
                 clock: Clock | None = None, pricing: Pricing | None = None,
                 usage: Any | None = None, seed: int | None = None) -> None:
        self.params = params
        self.cache = cache
        self.clock = clock or SystemClock()
        self.limiter = limiter or RateLimiter(clock=self.clock)
        self.parallel = max(1, parallel)
        self.budget = budget or Budget(None)
        self.retry = retry or RetryPolicy()
        self.pricing = pricing or Pricing()
        self.usage = usage if usage is not None else Usage()
        self.output_sizes = OutputSizeTracker()
        self.progress: Progress | None = None
        self._rng = random.Random(seed)
        self._semaphore: asyncio.Semaphore | None = None
        self._last_start = float("-inf")
        self._json_support: dict[str, str] = {}
        self._dead: dict[str, RequestFailed] = {}
        """Models that refused authentication: not asked again in this run."""

    # ----------------------------------------------------------------- messages

    @staticmethod
    def messages(prompt: Prompt, target: ModelTarget) -> list[dict[str, Any]]:
        """Chat messages for ``prompt``; the stable system part is marked cacheable for
        providers that take ``cache_control`` blocks."""
        if target.supports_prompt_caching_blocks:
            system: Any = [{"type": "text", "text": prompt.system,
                            "cache_control": {"type": "ephemeral"}}]
        else:
            system = prompt.system
        messages = [{"role": "system", "content": system}] if prompt.system else []
        messages.append({"role": "user", "content": prompt.user})
        return messages

    def key(self, prompt: Prompt, target: ModelTarget) -> str:
        """The response-cache key: the prompt's normalised identity when it has one (line
        shifts and comments do not change it), else the messages."""
        if prompt.identity:
            return cache_key(target.model, [{"identity": prompt.identity}],
                             self.params.shaping())
        return cache_key(target.model, self.messages(prompt, target), self.params.shaping())

    def cached(self, prompt: Prompt, target: ModelTarget) -> CachedResponse | None:
        return self.cache.get(self.key(prompt, target)) if self.cache is not None else None

    # ----------------------------------------------------------------- completing

    async def complete(self, prompt: Prompt, chain: Sequence[ModelTarget], *,
                       accept: Callable[[str], bool] = lambda text: True,
                       lookup: Callable[[str], str] | None = None) -> Completion:
        """The first usable answer along ``chain``. Answers ``accept`` rejects are returned
        but not cached (so a rerun asks again). Raises :class:`BudgetExhausted` or
        :class:`RequestFailed` naming what each model did."""
        failures: list[RequestFailed] = []
        for target in chain:
            messages = self.messages(prompt, target)
            key = self.key(prompt, target)
            hit = self.cache.get(key) if self.cache is not None else None
            if hit is not None:
                self.usage.cached_requests += 1
                return Completion(hit.text, hit.model, hit.tokens_in, hit.tokens_out,
                                  cached=True, finish_reason=hit.finish_reason)
            if target.model in self._dead:
                failures.append(_named(target, self._dead[target.model]))
                continue
            try:
                completion = await self._request(target, messages, lookup)
            except BudgetExhausted:
                raise
            except RequestFailed as exc:
                if exc.kind in ("auth", "no-key"):
                    self._dead[target.model] = exc
                failures.append(_named(target, exc))
                log.info("model %s: %s", target.model, exc.reason)
                continue
            # The slot this request held is free: let the request waiting for it go out
            # before this answer is cached and read, so that work overlaps its wait.
            await asyncio.sleep(0)
            if self.cache is not None and completion.finish_reason != "length" and accept(
                    completion.text):
                self.cache.put(key, CachedResponse(completion.text, completion.model,
                                                   completion.tokens_in, completion.tokens_out,
                                                   completion.finish_reason))
            self._report(completion)  # after caching: an interruption here loses nothing
            return completion
        if not failures:
            raise RequestFailed("no model configured", "error")
        kinds = {f.kind for f in failures}
        raise RequestFailed("; ".join(f.reason for f in failures),
                            kinds.pop() if len(kinds) == 1 else "error")

    async def _request(self, target: ModelTarget, messages: list[dict[str, Any]],
                       lookup: Callable[[str], str] | None = None) -> Completion:
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self.parallel)
        litellm = import_litellm()
        if not target.api_key and _needs_key(target):
            from ..secrets import missing_key_message

            raise RequestFailed(missing_key_message(target.provider), "no-key")
        if self.budget.cap is not None or self.limiter.tokens is not None:
            tokens_in = _count_tokens(litellm, target.model, messages)
        else:  # nothing depends on the exact figure: skip the tokenizer
            tokens_in = sum(len(str(m.get("content", ""))) for m in messages) // 4 + 1
        estimate = 0.0
        if self.budget.cap is not None:
            worst_out = self.params.max_tokens or 2 * self.output_sizes.expected()
            estimate = self.pricing.of_tokens(target.model, tokens_in, worst_out)
        async with self._semaphore:
            if target.model in self._dead:  # refused while this request waited for a slot
                dead = self._dead[target.model]
                raise RequestFailed(dead.reason, dead.kind)
            reservation = self.budget.reserve(estimate)
            if reservation is None:
                raise BudgetExhausted()
            spent = 0.0
            try:
                completion = await self._attempts(litellm, target, messages, tokens_in)
                tools = self._tools(litellm, target) if lookup is not None else None
                rounds = 0
                while tools and completion.tool_calls and rounds < MAX_TOOL_ROUNDS:
                    # The model asked about symbols: answer, and let it continue.
                    rounds += 1
                    messages = [*messages, {"role": "assistant", "content": completion.text
                                            or None, "tool_calls": completion.tool_calls}]
                    for call in completion.tool_calls:
                        messages.append({"role": "tool", "tool_call_id": call["id"],
                                         "content": lookup(_tool_symbol(call))})
                    more = await self._attempts(litellm, target, messages, tokens_in)
                    more.tokens_in += completion.tokens_in
                    more.tokens_out += completion.tokens_out
                    more.cost_usd += completion.cost_usd
                    completion = more
                spent = completion.cost_usd
                return completion
            finally:
                self.budget.settle(reservation, spent)

    async def _attempts(self, litellm: Any, target: ModelTarget, messages: list[dict[str, Any]],
                        tokens_in: int) -> Completion:
        expected_tokens = tokens_in + self.output_sizes.expected(self.params.max_tokens)
        retries = 0
        while True:
            await self.limiter.acquire(expected_tokens)
            await self._paced()
            started = time.perf_counter()
            try:
                response = await asyncio.wait_for(
                    litellm.acompletion(**self._call_args(target, messages)),
                    timeout=self.params.timeout + 15)
            except Exception as exc:  # noqa: BLE001 - classified below, never leaked raw
                failure = classify(exc, self.params.timeout)
                self.usage.errors += 1
                if not failure.retryable or retries >= self.retry.max_retries:
                    if failure.retryable:
                        failure.reason = f"{failure.reason} (gave up after {retries + 1} tries)"
                    raise failure from None
                if (failure.retry_after is not None
                        and failure.retry_after > self.retry.max_retry_after):
                    failure.reason = (f"{failure.reason} (asked to wait "
                                      f"{failure.retry_after:.0f}s)")
                    raise failure from None
                delay = self.retry.delay(retries, failure.retry_after, self._rng)
                if failure.kind == "rate-limit":
                    self.limiter.defer(delay)
                log.info("%s: %s; retry %d in %.1fs", target.model, failure.reason,
                         retries + 1, delay)
                retries += 1
                self.usage.retries += 1
                await self.clock.sleep(delay)
                continue
            latency = time.perf_counter() - started
            completion = self._completion(response, target, latency, retries)
            self.limiter.correct(expected_tokens, completion.tokens_in + completion.tokens_out)
            return completion

    async def _paced(self) -> None:
        """Requests set off at least :data:`START_SPACING` apart. Released together (the
        first ``parallel`` of a run), they would come back together and each answer would
        wait for the others' bookkeeping on this one thread, wave after wave; spaced, each
        answer is read while the rest are still out."""
        now = self.clock.now()
        start = max(now, self._last_start + START_SPACING)
        self._last_start = start
        if start > now:
            await self.clock.sleep(start - now)

    def _tools(self, litellm: Any, target: ModelTarget) -> list[dict[str, Any]] | None:
        """The ``get_info`` tool, when ``llm.tools`` is on and the model takes tool calls."""
        if not self.params.tools:
            return None
        try:
            if not litellm.supports_function_calling(model=target.model):
                return None
        except Exception:  # noqa: BLE001 - unknown model: no tools
            return None
        return [GET_INFO_TOOL]

    def _call_args(self, target: ModelTarget, messages: list[dict[str, Any]]) -> dict[str, Any]:
        args: dict[str, Any] = {
            "model": target.model, "messages": messages, "timeout": self.params.timeout,
            "num_retries": 0, "max_retries": 0,  # retries are ours, bounded and logged
        }
        if self.params.temperature is not None:
            args["temperature"] = self.params.temperature
        if self.params.max_tokens:
            args["max_tokens"] = self.params.max_tokens
        if target.api_base:
            args["api_base"] = target.api_base
        if target.api_key:
            args["api_key"] = target.api_key
        elif target.api_base and target.provider in _OPENAI_COMPATIBLE:
            args["api_key"] = "not-needed"  # the SDK insists on a key; local servers ignore it
        response_format = self.response_format(target)
        if response_format is not None:
            args["response_format"] = response_format
        if self.params.tools and self._tools(import_litellm(), target):
            args["tools"] = [GET_INFO_TOOL]
        for name, value in self.params.options.items():
            if name not in ("model", "messages", "api_key"):
                args[name] = value
        return args

    def response_format(self, target: ModelTarget) -> dict[str, Any] | None:
        """JSON mode for ``target``: the test schema where the model takes one, plain JSON
        objects where it takes only that, nothing where LiteLLM knows of neither."""
        mode = self.params.json_mode
        if mode == "off" or "response_format" in self.params.options or \
                "format" in self.params.options:
            return None
        if mode == "auto":
            mode = self._json_support.get(target.model) or ""
            if not mode:
                mode = _json_support(target)
                self._json_support[target.model] = mode
        if mode == "schema":
            from .structured import TEST_SCHEMA

            return {"type": "json_schema",
                    "json_schema": {"name": "tests", "schema": TEST_SCHEMA}}
        if mode == "object":
            return {"type": "json_object"}
        return None

    def _completion(self, response: Any, target: ModelTarget, latency: float,
                    retries: int) -> Completion:
        choice = response.choices[0] if getattr(response, "choices", None) else None
        message = getattr(choice, "message", None)
        text = (getattr(message, "content", None) or "") if message is not None else ""
        usage = getattr(response, "usage", None)
        tokens_in = int(getattr(usage, "prompt_tokens", 0) or 0)
        tokens_out = int(getattr(usage, "completion_tokens", 0) or 0)
        cost = self.pricing.of_response(response, target.model)
        calls = []
        for call in (getattr(message, "tool_calls", None) or []) if message is not None else []:
            function = getattr(call, "function", None)
            calls.append({"id": getattr(call, "id", "") or "call", "type": "function",
                          "function": {"name": getattr(function, "name", "") or "",
                                       "arguments": getattr(function, "arguments", "") or "{}"}})
        completion = Completion(
            text=text, model=target.model, tokens_in=tokens_in, tokens_out=tokens_out,
            tokens_cached=_cached_tokens(usage), cost_usd=cost, latency=latency,
            finish_reason=str(getattr(choice, "finish_reason", "") or "stop"), retries=retries,
            tool_calls=calls)
        self.output_sizes.observe(tokens_out)
        u = self.usage
        u.requests += 1
        u.tokens_in += tokens_in
        u.tokens_out += tokens_out
        u.tokens_cached += completion.tokens_cached
        u.cost_usd += cost
        u.latencies.append(latency)
        return completion

    def _report(self, completion: Completion) -> None:
        if self.progress is not None:
            self.progress("request", 1)
            self.progress("tokens", completion.tokens_in + completion.tokens_out)
            self.progress("cost", completion.cost_usd)

    def count_tokens(self, prompt: Prompt, target: ModelTarget) -> int:
        return _count_tokens(import_litellm(), target.model, self.messages(prompt, target))


# --------------------------------------------------------------------------- helpers


MAX_TOOL_ROUNDS = 3
START_SPACING = 0.01
"""Seconds between the starts of two requests: about the time this process spends on one
request and its answer (LiteLLM's own work is most of it, 5-10 ms). A real model answers in
seconds, so the spacing costs a run nothing but the first ``parallel`` x 10 ms."""
GET_INFO_TOOL: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "get_info",
        "description": "The signature, documentation and code of a function, method, class "
                       "or type of the project under test, by name (e.g. `Cart.add_item`).",
        "parameters": {"type": "object", "required": ["symbol"],
                       "properties": {"symbol": {"type": "string"}}},
    },
}


def _tool_symbol(call: Mapping[str, Any]) -> str:
    import json

    try:
        arguments = json.loads(call.get("function", {}).get("arguments") or "{}")
    except ValueError:
        return ""
    return str(arguments.get("symbol", "")) if isinstance(arguments, dict) else ""


def _json_support(target: ModelTarget) -> str:
    """``schema``, ``object`` or ``off``, from LiteLLM's model table."""
    if target.provider not in _NATIVE_JSON:
        return "off"
    litellm = import_litellm()
    try:
        if litellm.supports_response_schema(model=target.model):
            return "schema"
    except Exception:  # noqa: BLE001 - unknown model: fall through to the parameter list
        pass
    try:
        params = litellm.get_supported_openai_params(model=target.model) or []
    except Exception:  # noqa: BLE001
        params = []
    if "response_format" in params or target.provider in ("ollama", "ollama_chat",
                                                          "lm_studio", "hosted_vllm"):
        return "object"
    return "off"


def _named(target: ModelTarget, failure: RequestFailed) -> RequestFailed:
    return RequestFailed(f"{target.model}: {failure.reason}", failure.kind,
                         status=failure.status)


def classify(exc: BaseException, timeout: float | None = None) -> RequestFailed:
    """A provider exception as a :class:`RequestFailed` with a safe one-line reason."""
    if isinstance(exc, RequestFailed):
        return exc
    if isinstance(exc, (asyncio.TimeoutError, TimeoutError)):
        return RequestFailed(f"timed out after {timeout:.0f}s" if timeout else "timed out",
                             "timeout", retryable=True)
    name = type(exc).__name__
    status = getattr(exc, "status_code", None)
    status = status if isinstance(status, int) else None
    message = one_line(redact(_exception_message(exc)), 160)
    if name in ("AuthenticationError", "PermissionDeniedError") or status in (401, 403):
        return RequestFailed(f"authentication failed: {message}", "auth", status=status)
    if name == "RateLimitError" or status == 429:
        return RequestFailed("rate limited (429)", "rate-limit", retryable=True,
                             retry_after=retry_after_of(exc), status=429)
    if name in ("Timeout", "APITimeoutError") or status == 408:
        return RequestFailed(f"timed out after {timeout:.0f}s" if timeout else "timed out",
                             "timeout", retryable=True, status=status)
    if name == "ContextWindowExceededError":
        return RequestFailed(f"prompt too long for the model: {message}", "context",
                             status=status)
    if "Connection error" in message or name == "APIConnectionError":
        return RequestFailed("connection failed (dropped or refused)", "connection",
                             retryable=True, status=status)
    if name in ("InternalServerError", "ServiceUnavailableError", "BadGatewayError") or (
            status is not None and status >= 500):
        return RequestFailed(f"server error {status or ''}".strip() + f": {message}", "server",
                             retryable=True, retry_after=retry_after_of(exc), status=status)
    if name in ("BadRequestError", "NotFoundError", "UnprocessableEntityError",
                "ContentPolicyViolationError") or (status is not None and 400 <= status < 500):
        return RequestFailed(f"request refused ({status or name}): {message}", "bad-request",
                             status=status)
    return RequestFailed(f"{name}: {message}", "error", status=status)


def _exception_message(exc: BaseException) -> str:
    """The provider's words without LiteLLM's repeated ``litellm.XError: XError:`` prefixes."""
    text = str(getattr(exc, "message", "") or exc)
    for noise in ("litellm.", "OpenAIException - ", "AnthropicException - "):
        text = text.replace(noise, "")
    prefix = re.compile(r"^\s*(?:[A-Z]\w*(?:Error|Exception|Timeout)|APIError)\s*[:-]\s*")
    while prefix.match(text):
        text = prefix.sub("", text, count=1)
    return text or type(exc).__name__


def retry_after_of(exc: BaseException) -> float | None:
    """Seconds from ``Retry-After``/``retry-after-ms`` on the error's response, if any."""
    headers: Mapping[str, str] | None = getattr(exc, "litellm_response_headers", None)
    if headers is None:
        response = getattr(exc, "response", None)
        headers = getattr(response, "headers", None)
    if not headers:
        return None
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return float(millis) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_tz(value)
        return max(0.0, email.utils.mktime_tz(parsed) - time.time()) if parsed else None


def _count_tokens(litellm: Any, model: str, messages: list[dict[str, Any]]) -> int:
    try:
        return int(litellm.token_counter(model=model, messages=messages))
    except Exception:  # noqa: BLE001 - a tokenizer problem must not stop the request
        text = "".join(str(m.get("content")) for m in messages)
        return len(text) // 4 + 1


def _cached_tokens(usage: Any) -> int:
    if usage is None:
        return 0
    details = getattr(usage, "prompt_tokens_details", None)
    cached = getattr(details, "cached_tokens", None) if details is not None else None
    if not cached:
        cached = getattr(usage, "cache_read_input_tokens", None)
    return int(cached or 0)


_OPENAI_COMPATIBLE = frozenset({"openai", "openai_like", "text-completion-openai",
                                 "hosted_vllm", "lm_studio", "llamafile"})
# Providers that authenticate without one key (application default credentials, AWS).
_KEYLESS_CLOUD = frozenset({"vertex_ai", "vertex_ai_beta", "bedrock", "sagemaker"})


def _needs_key(target: ModelTarget) -> bool:
    """Whether a request without a key is pointless (a cloud provider at its own endpoint)."""
    from ..secrets import LOCAL_PROVIDERS

    if target.api_base or target.provider in LOCAL_PROVIDERS:
        return False  # the user's own server decides
    return target.provider not in _KEYLESS_CLOUD
