"""The LLM engine: candidates come from a model, grounded in the probes, through LiteLLM.

Per run the engine plans requests before sending any: definitions whose content, name, test
type and framework are identical are asked for once; small definitions of one file share a
request (up to ``generation.batch_size``); simple ones go to ``llm.small_model``. Every prompt
is written by the language plugin's template pack from the definition's own code — never the
whole file. Requests then run concurrently through :class:`~testgen.llm.provider.Provider`
(cache, budget, rate limits, retries, fallbacks), and every answer is parsed into candidates.

Every definition of every job comes back with candidates: tests (``pending``), or one
placeholder saying why there are none (``error``: the provider failed or the answer was
unusable; ``skipped``: budget, no test written, not testable). Raw model text is only in the
debug log, never in a candidate.

Importing this module does not import LiteLLM; the first real request does.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping, Sequence

from ..errors import TestgenError
from ..model import Definition, Prompt, PromptRequest, TestCandidate
from ..llm import prompts
from ..llm.cache import ResponseCache
from ..llm.cost import Budget, Pricing
from ..llm.provider import (BudgetExhausted, Completion, ModelTarget, Provider, RequestFailed,
                            RequestParams, RetryPolicy, import_litellm)
from ..llm.ratelimit import Clock, RateLimiter
from ..language import Language
from ..llm.structured import (
    CodeReader, GeneratedTest, OutputError, ParsedOutput, one_line, parse_output,
)
from ..secrets import get_api_key, provider_of, redact
from . import Engine, EngineStats, GenerationJob, Progress, RepairRequest

log = logging.getLogger(__name__)

SIMPLE_COMPLEXITY = 2
SIMPLE_LINES = 15
"""At most this complexity and this many lines: a simple definition (``llm.small_model``)."""
BATCH_MAX_LINES = 40
BATCH_MAX_TOTAL_LINES = 160
"""Definitions up to 40 lines share a request, up to 160 lines of code per request."""
OUTPUT_TOKENS_PER_DEFINITION = 450
"""Answer size assumed by :meth:`LLMEngine.estimate` (three or four short tests)."""
FEEDBACK_CHARS = 4000
LARGE_ANSWER = 64_000
"""Answers longer than this (characters) are parsed in a worker thread."""


@dataclass
class _Duplicate:
    """A definition identical to one already asked for: it gets the same tests."""

    job: GenerationJob
    definition: Definition
    original: Definition


@dataclass
class _Request:
    id: str
    job: GenerationJob
    definitions: list[Definition]
    chain: tuple[str, ...]
    prompt: Prompt | None = None
    error: str = ""
    duplicates: list[_Duplicate] = field(default_factory=list)


class LLMEngine(Engine):
    """Generates and repairs candidates with a model (see the module docstring)."""

    name = "llm"
    coverage_rounds = True
    repairs = True
    errors_are_transient = True

    def __init__(self, settings: Mapping[str, Any], plugins: Any, *, cache_dir: Path,
                 parallel: int = 4, budget_usd: float | None = None, dry_run: bool = False,
                 clock: Clock | None = None, retry: RetryPolicy | None = None) -> None:
        self.settings = settings
        self.plugins = plugins
        self.dry_run = dry_run
        llm: Mapping[str, Any] = settings.get("llm") or {}
        generation: Mapping[str, Any] = settings.get("generation") or {}
        self.model: str | None = llm.get("model")
        self.small_model: str | None = llm.get("small_model")
        self.fallbacks: list[str] = [str(m) for m in llm.get("fallbacks") or []]
        self.api_base: str | None = llm.get("api_base")
        self.batch_size = max(1, int(generation.get("batch_size") or 4))
        if budget_usd is None:
            budget_usd = generation.get("budget_usd")
        self.stats = EngineStats()
        self.cache = ResponseCache(cache_dir)
        self.pricing = Pricing()
        self.budget = Budget(budget_usd)
        self.provider = Provider(
            params=RequestParams(
                temperature=llm.get("temperature", 0.2),
                max_tokens=llm.get("max_tokens", 4096),
                timeout=float(llm.get("timeout") or 120),
                options=dict(llm.get("options") or {}),
                tools=bool(llm.get("tools")),
                json_mode=str(llm.get("json_mode") or "auto")),
            cache=self.cache,
            limiter=RateLimiter(llm.get("requests_per_minute"), llm.get("tokens_per_minute"),
                                clock=clock),
            parallel=parallel, budget=self.budget, retry=retry, clock=clock,
            pricing=self.pricing, usage=self.stats)
        self.fatal_error: TestgenError | None = None
        """Set when no request of the run could be served by any model (authentication,
        unreachable provider): the CLI reports it and exits with status 3."""
        self.interrupted = False
        """Set when Ctrl-C stopped a run (the KeyboardInterrupt is re-raised)."""
        self._targets: dict[str, ModelTarget] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._answered = 0
        self._failures: list[RequestFailed] = []
        self._generic_languages: set[str] = set()

    # ================================================================= public API

    def prepare(self) -> None:
        """Import LiteLLM and load the tokenizers of the configured models now (a few
        seconds, once per process) rather than at the first request — call it while other
        work runs, or before timing the model phase."""
        litellm = import_litellm()
        warm = Prompt(system="", user="warm up")
        models = list(dict.fromkeys(m for m in (self.small_model, self.model, *self.fallbacks)
                                    if m))
        for model in models:
            self.provider.count_tokens(warm, self._target(model, with_key=not self.dry_run))
        if self.dry_run or not models:
            return

        async def rehearse() -> None:
            # A mocked answer runs LiteLLM's request path (and its lazy imports) offline.
            await litellm.acompletion(model=models[0], messages=[{"role": "user",
                                                                  "content": "warm up"}],
                                      mock_response='{"tests": []}')

        try:
            self._run(rehearse())
        except Exception as exc:  # noqa: BLE001 - only a warm-up; the real request will tell
            log.debug("warm-up of %s failed: %s", models[0], redact(str(exc)))

    def generate(self, jobs: list[GenerationJob],
                 progress: Progress | None = None) -> dict[str, list[TestCandidate]]:
        requests, skipped = self._plan(jobs)
        if self.dry_run:
            return self._collect(jobs, {}, skipped, default_reason="dry run")
        self.provider.progress = progress
        results: dict[str, list[TestCandidate]] = {}
        self._run(self._serve_all(requests, results))
        out = self._collect(jobs, results, skipped, default_reason="not answered")
        self._note_fatal()
        return out

    def repair(self, requests: list[RepairRequest],
               progress: Progress | None = None) -> dict[str, TestCandidate]:
        if self.dry_run or not requests:
            return {}
        self.provider.progress = progress
        repaired: dict[str, TestCandidate] = {}
        self._run(self._repair_all(requests, repaired))
        return repaired

    def estimate(self, jobs: list[GenerationJob]) -> dict[str, Any]:
        """Predicted requests, tokens and dollars for ``jobs`` (cached answers cost nothing)."""
        requests, _ = self._plan(jobs)
        tokens_in = tokens_out = count = cached = 0
        cost = 0.0
        models: set[str] = set()
        for request in requests:
            if request.prompt is None:
                continue
            target = self._target(request.chain[0], with_key=False)
            if self.provider.cached(request.prompt, target) is not None:
                cached += 1
                continue
            count += 1
            models.add(target.model)
            prompt_tokens = self.provider.count_tokens(request.prompt, target)
            answer_tokens = OUTPUT_TOKENS_PER_DEFINITION * len(request.definitions)
            if self.provider.params.max_tokens:
                answer_tokens = min(answer_tokens, self.provider.params.max_tokens)
            tokens_in += prompt_tokens
            tokens_out += answer_tokens
            cost += self.pricing.of_tokens(target.model, prompt_tokens, answer_tokens)
        definitions = sum(len(r.definitions) + len(r.duplicates) for r in requests)
        notes = []
        if cached:
            notes.append(f"{cached} request(s) answered from the cache for free")
        if models & self.pricing.unpriced:
            notes.append("no price known for " + ", ".join(sorted(models & self.pricing.unpriced))
                         + ": counted as $0")
        return {
            "model": self.model, "models": sorted(models), "requests": count,
            "cached_requests": cached, "definitions": definitions,
            "tokens_in": tokens_in, "tokens_out": tokens_out, "cost_usd": round(cost, 6),
            "priced": not (models & self.pricing.unpriced),
            "unpriced_models": sorted(models & self.pricing.unpriced),
            "budget_usd": self.budget.cap, **({"note": "; ".join(notes)} if notes else {}),
        }

    def render(self, jobs: list[GenerationJob]) -> list[tuple[str, Prompt]]:
        """The prompts :meth:`generate` would send, one per request, for ``--dry-run``."""
        requests, _ = self._plan(jobs)
        return [(r.job.id, r.prompt) for r in requests if r.prompt is not None]

    def close(self) -> None:
        """Close the HTTP sessions opened on this engine's event loop, the loop, the cache."""
        if self._loop is not None and not self._loop.is_closed():
            loop = self._loop
            try:
                pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
                for task in pending:
                    task.cancel()
                if pending:
                    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
                litellm = sys.modules.get("litellm")
                if litellm is not None and hasattr(litellm, "close_litellm_async_clients"):
                    try:
                        loop.run_until_complete(litellm.close_litellm_async_clients())
                    except Exception as exc:  # noqa: BLE001 - closing is best effort
                        log.debug("closing model clients failed: %s", exc)
                loop.run_until_complete(loop.shutdown_asyncgens())
            finally:
                loop.close()
        self._loop = None
        self.cache.close()

    # ================================================================= planning

    def _plan(self, jobs: list[GenerationJob]
              ) -> tuple[list[_Request], dict[tuple[str, str], TestCandidate]]:
        """Requests to send, and placeholders for definitions that get none."""
        requests: list[_Request] = []
        skipped: dict[tuple[str, str], TestCandidate] = {}
        originals: dict[tuple[str, ...], Definition] = {}
        duplicates: list[_Duplicate] = []
        owner: dict[int, _Request] = {}
        for job in jobs:
            fresh: list[Definition] = []
            for definition in job.definitions:
                if not definition.testable:
                    skipped[(job.id, definition.key)] = _placeholder(
                        definition.key, job.test_type, "skipped",
                        definition.untestable_reason or "not testable without editing the code")
                    continue
                original = originals.setdefault(_identity(definition, job), definition)
                if original is not definition and original.key != definition.key:
                    duplicates.append(_Duplicate(job, definition, original))
                else:
                    fresh.append(definition)
            for group in self._batches(fresh):
                request = _Request(id=f"{job.id}@{len(requests)}", job=job, definitions=group,
                                   chain=self._chain(group))
                self._render(request)
                requests.append(request)
                owner.update((id(d), request) for d in group)
        for duplicate in duplicates:
            owner[id(duplicate.original)].duplicates.append(duplicate)
        return requests, skipped

    def _batches(self, definitions: list[Definition]) -> list[list[Definition]]:
        groups: list[list[Definition]] = []
        open_batches: dict[tuple[str, ...], list[Definition]] = {}
        for definition in definitions:
            chain = self._chain([definition])
            lines = definition.end_line - definition.start_line + 1
            if lines > BATCH_MAX_LINES or self.batch_size == 1:
                groups.append([definition])
                continue
            batch = open_batches.get(chain)
            total = sum(d.end_line - d.start_line + 1 for d in batch) if batch else 0
            if batch is None or len(batch) >= self.batch_size or \
                    total + lines > BATCH_MAX_TOTAL_LINES:
                batch = []
                open_batches[chain] = batch
                groups.append(batch)
            batch.append(definition)
        return groups

    def _chain(self, definitions: Sequence[Definition]) -> tuple[str, ...]:
        models: list[str] = []
        if self.small_model and all(_is_simple(d) for d in definitions):
            models.append(self.small_model)
        if self.model:
            models.append(self.model)
        models.extend(self.fallbacks)
        return tuple(dict.fromkeys(models))

    def _render(self, request: _Request) -> None:
        job, definitions = request.job, request.definitions
        imports = tuple(dict.fromkeys(i for d in definitions for i in d.imports))
        prompt_request = PromptRequest(
            definitions=list(definitions), framework=job.framework, test_type=job.test_type,
            probes={d.key: list(job.probes.get(d.key, [])) for d in definitions},
            callees=callee_context(definitions, job), imports=imports,
            style_examples=tuple(job.style_examples),
            template_dirs=tuple(Path(p) for p in job.template_dirs),
            test_path=job.test_path, source_text=job.source.text)
        try:
            prompt = self._prompt(prompt_request)
        except TestgenError as exc:
            request.error = f"no prompt: {exc.message}"
            return
        prompt = prompts.with_notes(
            prompts.with_shared_rules(prompt), prompts.batch_note(definitions),
            prompts.uncovered_note(definitions, job.uncovered, job.uncovered_branches,
                                   round_no=job.round,
                                   passed_without_gain=job.passed_without_gain),
            prompts.output_note(prompt))
        comments = self.plugins.languages()[job.framework.language].line_comments
        request.prompt = replace(prompt, identity=request_identity(prompt, prompt_request, job,
                                                                   comments))

    def _prompt(self, request: PromptRequest) -> Prompt:
        """The language plugin's prompt; the generic one when no plugin renders prompts for
        the language (said once per language)."""
        language = request.framework.language
        prompt = self.plugins.render_prompt(request)
        if prompt is not None:
            return prompt
        if language not in self._generic_languages:
            self._generic_languages.add(language)
            log.warning("no prompt templates for %s; using the generic prompt", language)
        return prompts.generic_prompt(request)

    def _target(self, model: str, *, with_key: bool = True) -> ModelTarget:
        """Where ``model`` is reached; the key is looked up once, and only for requests."""
        if with_key and model in self._targets:
            return self._targets[model]
        provider = provider_of(model, self.settings)
        primary = provider_of(self.model, self.settings) if self.model else provider
        target = ModelTarget(model=model, provider=provider,
                             api_base=self.api_base if provider == primary else None,
                             api_key=get_api_key(provider, self.settings) if with_key else None)
        if with_key:
            self._targets[model] = target
        return target

    # ================================================================= running

    def _run(self, coroutine: Any) -> None:
        if self._loop is None or self._loop.is_closed():
            self._loop = asyncio.new_event_loop()
        loop = self._loop
        main = loop.create_task(coroutine)
        try:
            loop.run_until_complete(main)
        except KeyboardInterrupt:
            # No new request goes out; the answers already received are in the response
            # cache, so the rerun gets them for free. The caller reports the interruption.
            self.interrupted = True
            for task in asyncio.all_tasks(loop):
                task.cancel()
            loop.run_until_complete(asyncio.gather(*asyncio.all_tasks(loop),
                                                   return_exceptions=True))
            raise

    async def _serve_all(self, requests: list[_Request],
                         results: dict[str, list[TestCandidate]]) -> None:
        async def serve(request: _Request) -> None:
            made = await self._serve(request)
            for job_id, candidates in made.items():
                results.setdefault(job_id, []).extend(candidates)

        await asyncio.gather(*(serve(r) for r in requests))

    async def _serve(self, request: _Request) -> dict[str, list[TestCandidate]]:
        """Candidates by job id for the request's definitions and their duplicates."""
        job = request.job
        if request.prompt is None:
            failed = [_placeholder(d.key, job.test_type, "error", request.error)
                      for d in request.definitions]
            return self._with_duplicates(request, {job.id: failed})
        chain = [self._target(m) for m in request.chain]
        read: dict[str, ParsedOutput | OutputError] = {}
        reader = self.plugins.language(job.framework.language)

        def accept(text: str) -> bool:
            """Worth caching: the answer could be read (parsed once, here, and reused)."""
            if len(text) > LARGE_ANSWER:
                return _usable_answer(text, reader)
            try:
                read[text] = parse_output(text, reader=reader)
            except OutputError as exc:
                read[text] = exc
                return False
            return True

        try:
            completion = await self.provider.complete(
                request.prompt, chain, accept=accept,
                lookup=symbol_lookup(job) if self.provider.params.tools else None)
            if completion.finish_reason == "length" and len(request.definitions) > 1:
                return await self._split(request)
        except BudgetExhausted:
            self.stats.budget_exhausted = True
            made = [_placeholder(d.key, job.test_type, "skipped", "budget")
                    for d in request.definitions]
            return self._with_duplicates(request, {job.id: made})
        except RequestFailed as exc:
            self._failures.append(exc)
            reason = f"model request failed: {exc.reason}"
            made = [_placeholder(d.key, job.test_type, "error", reason)
                    for d in request.definitions]
            return self._with_duplicates(request, {job.id: made})
        self._answered += 1
        known = read.get(completion.text) if completion.finish_reason != "length" else None
        if known is None and len(completion.text) > LARGE_ANSWER:
            # A long answer is parsed off the event loop, so other requests keep flowing.
            made = await asyncio.to_thread(self._candidates, request, completion)
        else:
            made = self._candidates(request, completion, known)
        return await self._reuse(request, {job.id: made})

    async def _split(self, request: _Request) -> dict[str, list[TestCandidate]]:
        """The answer hit ``max_tokens``: ask for each half of the batch on its own."""
        half = len(request.definitions) // 2
        parts = []
        for index, group in enumerate((request.definitions[:half],
                                       request.definitions[half:])):
            part = _Request(id=f"{request.id}/{index}", job=request.job, definitions=group,
                            chain=request.chain)
            self._render(part)
            parts.append(part)
        parts[0].duplicates = [d for d in request.duplicates
                               if any(d.original is g for g in parts[0].definitions)]
        parts[1].duplicates = [d for d in request.duplicates if d not in parts[0].duplicates]
        log.info("answer to %s was cut at max_tokens: asking for %d + %d definitions",
                 request.id, half, len(request.definitions) - half)
        merged: dict[str, list[TestCandidate]] = {}
        for made in await asyncio.gather(*(self._serve(p) for p in parts)):
            for job_id, candidates in made.items():
                merged.setdefault(job_id, []).extend(candidates)
        return merged

    def _candidates(self, request: _Request, completion: Completion,
                    known: ParsedOutput | OutputError | None = None) -> list[TestCandidate]:
        job = request.job
        try:
            if isinstance(known, OutputError):
                raise known
            parsed = known or parse_output(
                completion.text, reader=self.plugins.language(job.framework.language),
                truncated=completion.finish_reason == "length")
        except OutputError as exc:
            self.stats.errors += 1
            reason = f"unusable model answer: {exc.reason}"
            if completion.finish_reason == "length":
                reason += " (the answer hit llm.max_tokens; raise it or lower batch_size)"
            log.debug("unusable answer from %s for %s:\n%s", completion.model, request.id,
                      redact(completion.text))
            return [_placeholder(d.key, job.test_type, "error", reason)
                    for d in request.definitions]
        made: list[TestCandidate] = []
        covered: set[str] = set()
        for test in parsed.tests:
            definition = _target_of(test, request.definitions)
            covered.add(definition.key)
            made.append(self._candidate(definition, job.test_type, test, completion, parsed))
        for definition in request.definitions:
            if definition.key not in covered:
                made.append(_placeholder(definition.key, job.test_type, "skipped",
                                         "the model wrote no test for it"))
        return made

    def _candidate(self, definition: Definition, test_type: str, test: GeneratedTest,
                   completion: Completion, parsed: ParsedOutput) -> TestCandidate:
        return TestCandidate(
            id=f"{definition.key}::{test.test_name}", definition=definition.key,
            test_name=test.test_name, code=test.test_code, test_type=test_type, engine="llm",
            imports=tuple(test.imports), model=completion.model,
            details={"edge_cases_covered": list(test.edge_cases_covered),
                     "mocked_dependencies": list(test.mocked_dependencies),
                     "coverage_lines": list(test.coverage_lines),
                     "cached": completion.cached, "output_format": parsed.method})

    # ----------------------------------------------------------------- duplicates

    def _with_duplicates(self, request: _Request, made: dict[str, list[TestCandidate]]
                         ) -> dict[str, list[TestCandidate]]:
        """Duplicates share the original's fate when it produced no tests."""
        by_key = {c.definition: c for c in made.get(request.job.id, [])}
        for dup in request.duplicates:
            original = by_key.get(dup.original.key)
            if original is not None:
                made.setdefault(dup.job.id, []).append(_placeholder(
                    dup.definition.key, dup.job.test_type, original.status, original.reason))
        return made

    async def _reuse(self, request: _Request, made: dict[str, list[TestCandidate]]
                     ) -> dict[str, list[TestCandidate]]:
        """Give each duplicate the original's tests, pointed at the duplicate's module; when
        the tests cannot be re-pointed safely, ask the model for the duplicate itself."""
        produced = made.get(request.job.id, [])
        for dup in request.duplicates:
            originals = [c for c in produced if c.definition == dup.original.key]
            if originals and all(c.status != "pending" for c in originals):
                made.setdefault(dup.job.id, []).extend(
                    _placeholder(dup.definition.key, dup.job.test_type, c.status, c.reason)
                    for c in originals[:1])
                continue
            copies = _repoint(originals, dup.original, dup.definition,
                              self.plugins.language(dup.definition.language))
            if copies is None:
                own = _Request(id=f"{request.id}+{dup.definition.key}", job=dup.job,
                               definitions=[dup.definition], chain=request.chain)
                self._render(own)
                extra = await self._serve(own)
                for job_id, candidates in extra.items():
                    made.setdefault(job_id, []).extend(candidates)
                continue
            made.setdefault(dup.job.id, []).extend(copies)
        return made

    # ================================================================= repair

    async def _repair_all(self, requests: list[RepairRequest],
                          repaired: dict[str, TestCandidate]) -> None:
        async def one(request: RepairRequest) -> None:
            result = await self._repair(request)
            if result is not None:
                repaired[request.candidate.id] = result

        await asyncio.gather(*(one(r) for r in requests))

    async def _repair(self, request: RepairRequest) -> TestCandidate | None:
        candidate, job = request.candidate, request.job
        definition = next((d for d in job.definitions if d.key == candidate.definition), None)
        if definition is None:
            return None
        test_code = "\n".join(candidate.imports) + ("\n\n" if candidate.imports else "") + \
            candidate.code
        prompt_request = PromptRequest(
            definitions=[definition], framework=job.framework, test_type=candidate.test_type,
            probes={definition.key: list(job.probes.get(definition.key, []))},
            callees=callee_context([definition], job), imports=tuple(definition.imports),
            style_examples=tuple(job.style_examples),
            repair={"test_code": test_code,
                    "error": redact(request.feedback or "")[-FEEDBACK_CHARS:]},
            template_dirs=tuple(Path(p) for p in job.template_dirs),
            test_path=job.test_path, source_text=job.source.text)
        try:
            prompt = self._prompt(prompt_request)
        except TestgenError as exc:
            return _unrepaired(candidate, f"no repair prompt: {exc.message}")
        prompt = prompts.with_notes(prompts.with_shared_rules(prompt), prompts.REPAIR_NOTE,
                                    prompts.output_note(prompt))
        first = candidate.model or self.model
        chain_models = tuple(dict.fromkeys([m for m in (first, self.model, *self.fallbacks)
                                            if m]))
        chain = [self._target(m) for m in chain_models]
        try:
            reader = self.plugins.language(job.framework.language)
            completion = await self.provider.complete(
                prompt, chain, accept=lambda text: _usable_answer(text, reader))
        except BudgetExhausted:
            self.stats.budget_exhausted = True
            return _unrepaired(candidate, "repair skipped: budget")
        except RequestFailed as exc:
            return _unrepaired(candidate, f"repair request failed: {exc.reason}")
        try:
            parsed = await asyncio.to_thread(parse_output, completion.text, reader=reader)
        except OutputError as exc:
            log.debug("unusable repair answer for %s:\n%s", candidate.id,
                      redact(completion.text))
            return _unrepaired(candidate, f"unusable repair answer: {exc.reason}")
        if parsed.possible_bug:
            return replace(candidate, status="possible-bug", reason=parsed.possible_bug,
                           model=completion.model,
                           details={**candidate.details,
                                    "possible_bug_evidence": parsed.possible_bug})
        if not parsed.tests:
            return _unrepaired(candidate, "unusable repair answer: no test in it")
        test = next((t for t in parsed.tests if t.test_name == candidate.test_name),
                    parsed.tests[0])
        if test.test_code.strip() == candidate.code.strip() and \
                tuple(test.imports) == tuple(candidate.imports):
            log.info("repair of %s returned the same test", candidate.id)
            return None  # nothing new to evaluate: the failure stands as it is
        fixed = self._candidate(definition, candidate.test_type, test, completion, parsed)
        fixed.repaired_from = candidate.id
        return fixed

    # ================================================================= results

    def _collect(self, jobs: list[GenerationJob], results: dict[str, list[TestCandidate]],
                 skipped: dict[tuple[str, str], TestCandidate], *, default_reason: str
                 ) -> dict[str, list[TestCandidate]]:
        """Candidates per job in definition order; every definition accounted for."""
        out: dict[str, list[TestCandidate]] = {}
        names_by_source: dict[str, set[str]] = {}
        for job in jobs:
            made = results.get(job.id, [])
            by_definition: dict[str, list[TestCandidate]] = {}
            for candidate in made:
                by_definition.setdefault(candidate.definition, []).append(candidate)
            ordered: list[TestCandidate] = []
            taken = names_by_source.setdefault(job.source.rel_path, set(job.taken_names))
            emitted: set[str] = set()
            for definition in job.definitions:
                if definition.key in emitted:  # e.g. a property's getter and setter
                    continue
                emitted.add(definition.key)
                found = by_definition.pop(definition.key, None)
                if found is None:
                    found = [skipped.get((job.id, definition.key)) or _placeholder(
                        definition.key, job.test_type, "skipped", default_reason)]
                for candidate in found:
                    _unique_name(candidate, taken)
                ordered.extend(found)
            out[job.id] = ordered
        return out

    def _note_fatal(self) -> None:
        """No answer at all and provider failures: the run could not reach any model."""
        if self._answered or not self._failures:
            return
        from ..errors import ProviderError

        kinds = {f.kind for f in self._failures}
        reason = self._failures[0].reason
        if kinds <= {"auth", "no-key"}:
            provider = provider_of(self.model or "", self.settings)
            self.fatal_error = ProviderError(
                reason, code="TG301",
                hint=f"store a key with `testgen config set-key {provider}` or set the "
                     f"provider's API key variable")
        elif kinds <= {"timeout", "connection", "server", "rate-limit"}:
            self.fatal_error = ProviderError(
                f"the model provider could not be reached: {reason}", code="TG302",
                hint="check llm.api_base and the network; raise llm.timeout for slow servers")


# --------------------------------------------------------------------------- helpers


def _identity(definition: Definition, job: GenerationJob) -> tuple[str, ...]:
    """Definitions with the same identity get the same tests (one request for all)."""
    content = definition.content_hash or definition.key  # no hash: never merged
    return (content, definition.qualname, job.test_type, job.framework.language,
            job.framework.name)


MAX_CALLEES = 12


def callee_context(definitions: Sequence[Definition], job: GenerationJob) -> tuple[str, ...]:
    """Signatures (with the first docstring line) of what ``definitions`` call and of the
    class that encloses a method, picked from the job's neighbours: the context of a request
    depends on what its definitions use, not on how large the file is."""
    if not job.neighbours:
        return tuple(job.callees)
    own = {d.key for d in definitions}
    called = {name for d in definitions for name in d.calls}
    parents = {d.parent for d in definitions if d.parent}
    home = {d.file for d in definitions}
    picked: dict[str, Definition] = {}
    for neighbour in job.neighbours:
        if neighbour.key in own:
            continue
        enclosing = neighbour.qualname in parents and neighbour.file in home
        if not enclosing and neighbour.name not in called:
            continue
        if not enclosing and neighbour.parent and neighbour.file not in home:
            continue  # a method elsewhere that merely shares the name
        picked.setdefault(neighbour.key, neighbour)
    ordered = sorted(picked.values(), key=lambda n: (n.file not in home, n.qualname not in
                                                     parents, n.file, n.start_line))
    return tuple(dict.fromkeys(_summary(n) for n in ordered[:MAX_CALLEES]))


def symbol_lookup(job: GenerationJob) -> Any:
    """``get_info(symbol)`` for the model: what the project defines under that name."""
    known = [*job.definitions, *job.neighbours]

    def lookup(symbol: str) -> str:
        wanted = symbol.strip().removesuffix("()")
        found = [d for d in known if wanted in (d.qualname, d.name, d.key)]
        if not found:
            return f"{symbol}: not defined in the project's own modules"
        definition = found[0]
        code = "\n".join(definition.code.splitlines()[:40])
        doc = f"\n{definition.docstring.strip()}" if definition.docstring else ""
        return f"{definition.signature} ({definition.file}:{definition.start_line}){doc}" \
            f"\n{code}"

    return lookup


def _summary(definition: Definition) -> str:
    doc = (definition.docstring or "").strip().split("\n", 1)[0].strip()
    where = f" [{definition.file}]" if definition.file else ""
    return f"{definition.signature.strip()}" + (f"  -- {doc}" if doc else "") + where


def request_identity(prompt: Prompt, request: PromptRequest, job: GenerationJob,
                     comments: tuple[str, ...] = ()) -> str:
    """The normalised content of a request, for the response-cache key: the definitions'
    code without line numbers, comment lines (starting with one of ``comments``) or layout;
    uncovered lines relative to the definition's first line; everything else as rendered."""
    import json

    def probe(p: Any) -> list[Any]:
        return [p.call, list(p.args), [list(kv) for kv in p.kwargs], p.outcome, p.value,
                p.exception, p.message, list(p.setup)]

    index = {d.key: _statement_index(d, comments) for d in request.definitions}

    def at(key: str, line: int) -> int:
        return index[key].get(line, -1)

    return json.dumps({
        "template": prompt.template, "system": prompt.system,
        "type": request.test_type, "framework": [request.framework.language,
                                                 request.framework.name],
        "code": [[d.file, d.qualname, d.kind, normalised_code(d.code, comments)]
                 for d in request.definitions],
        "probes": {k.split("::", 1)[-1]: [probe(p) for p in v]
                   for k, v in sorted(request.probes.items())},
        "callees": [re.sub(r" \[[^\]]*\]$", "", c) for c in request.callees],
        "imports": list(request.imports), "style": list(request.style_examples),
        "module": request.module_path, "repair": dict(request.repair or {}),
        "uncovered": {k.split("::", 1)[-1]: sorted(at(k, n) for n in v)
                      for k, v in sorted(job.uncovered.items()) if k in index},
        "branches": {k.split("::", 1)[-1]: sorted([at(k, a), at(k, b)] for a, b in v)
                     for k, v in sorted(job.uncovered_branches.items()) if k in index},
        "round": job.round,
        "no_gain": {k.split("::", 1)[-1]: list(v)
                    for k, v in sorted(job.passed_without_gain.items()) if k in index},
    }, sort_keys=True, default=str)


def _kept(line: str, comments: tuple[str, ...]) -> bool:
    text = line.strip()
    return bool(text) and not (comments and text.startswith(comments))


def _statement_index(definition: Definition, comments: tuple[str, ...]) -> dict[int, int]:
    """File line → its position among the lines :func:`normalised_code` keeps, so lines named
    in a request mean the same after comments or blank lines moved them."""
    index: dict[int, int] = {}
    for offset, line in enumerate(definition.code.splitlines()):
        if _kept(line, comments):
            index[definition.start_line + offset] = len(index)
    return index


def normalised_code(code: str, comments: tuple[str, ...] = ()) -> str:
    """Code without comment lines (starting with one of ``comments``), blank lines or
    indentation differences."""
    kept = []
    for line in code.splitlines():
        if not _kept(line, comments):
            continue
        kept.append(" ".join(line.split()))
    return "\n".join(kept)


def _is_simple(definition: Definition) -> bool:
    lines = definition.end_line - definition.start_line + 1
    return definition.complexity <= SIMPLE_COMPLEXITY and lines <= SIMPLE_LINES


def _usable_answer(text: str, reader: CodeReader) -> bool:
    """Worth caching: the answer could be read (an empty test list is a real answer too)."""
    try:
        parse_output(text, reader=reader)
    except OutputError:
        return False
    return True


def _placeholder(key: str, test_type: str, status: str, reason: str) -> TestCandidate:
    return TestCandidate(id=f"{key}::<none>:{test_type}", definition=key, test_name="", code="",
                         test_type=test_type, engine="llm", status=status,  # type: ignore[arg-type]
                         reason=one_line(redact(reason), 300))


def _unrepaired(candidate: TestCandidate, why: str) -> TestCandidate:
    """The failed candidate as it was, its reason saying why the repair did not happen."""
    if why in candidate.reason:
        reason = candidate.reason
    else:
        reason = f"{candidate.reason} ({why})" if candidate.reason else why
    status = candidate.status if candidate.status != "pending" else "failed"
    return replace(candidate, status=status, reason=one_line(redact(reason), 300),
                   details=dict(candidate.details))


def _target_of(test: GeneratedTest, definitions: list[Definition]) -> Definition:
    """Which definition of a batch a test is for: what the model said, else the one the
    test calls (most specific name first), else the one its name mentions."""
    if len(definitions) == 1:
        return definitions[0]
    if test.definition:
        wanted = test.definition.strip()
        for definition in definitions:
            if wanted in (definition.qualname, definition.name, definition.key):
                return definition
    best, best_score = None, 0
    for definition in definitions:
        calls = len(re.findall(rf"\b{re.escape(definition.name)}\b", test.test_code))
        if definition.parent and calls:
            calls += len(re.findall(rf"\b{re.escape(definition.parent)}\b", test.test_code))
        if calls > best_score:
            best, best_score = definition, calls
    if best is not None:
        return best
    lowered = test.test_name.lower()
    named = [d for d in definitions if d.name.lower() in lowered]
    if named:
        return max(named, key=lambda d: len(d.name))
    return definitions[0]


def _unique_name(candidate: TestCandidate, taken: set[str]) -> None:
    """Two tests of one generated file cannot share a name (different test types may pick
    the same): rename the later one in its code."""
    if not candidate.test_name or candidate.status != "pending":
        return
    name = candidate.test_name
    if name not in taken:
        taken.add(name)
        return
    number = 2
    while f"{name}_{number}" in taken:
        number += 1
    new = f"{name}_{number}"
    code, count = re.subn(rf"(?<![\w]){re.escape(name)}(?![\w])", new, candidate.code, count=1)
    if not count:
        taken.add(name)
        return
    taken.add(new)
    candidate.code, candidate.test_name = code, new
    candidate.id = f"{candidate.definition}::{new}"


def _repoint(originals: list[TestCandidate], original: Definition, duplicate: Definition,
             language: Language) -> list[TestCandidate] | None:
    """Copies of ``originals`` for ``duplicate``, with the original module's name replaced;
    ``None`` when no module reference could be found to replace."""
    if original.file == duplicate.file:
        return [replace(c, id=f"{duplicate.key}::{c.test_name}", definition=duplicate.key,
                        reused_from=original.key) for c in originals]
    # Names of equal length pair up: shortest first, then the longest pair is tried first.
    pairs = list(zip(reversed(language.module_names(original.file)),
                     reversed(language.module_names(duplicate.file))))[::-1]
    copies = []
    for candidate in originals:
        text = "\n".join(candidate.imports) + "\n\x00\n" + candidate.code
        hit = False
        for old, new in pairs:
            pattern = rf"(?<![\w.]){re.escape(old)}(?![\w])"
            if re.search(pattern, text):
                text, hit = re.sub(pattern, new, text), True
                break
        if not hit:
            return None
        imports, code = text.split("\n\x00\n", 1)
        copies.append(replace(
            candidate, id=f"{duplicate.key}::{candidate.test_name}", definition=duplicate.key,
            imports=tuple(line for line in imports.split("\n") if line), code=code,
            reused_from=original.key))
    return copies
