"""What model requests cost, and the budget that stops them before the cap is passed.

Prices come from LiteLLM's local price map (``completion_cost`` for answers, ``cost_per_token``
for predictions). A model without a known price costs 0 and is named in one warning, so a
local model never blocks a run and an unpriced cloud model is visible.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_OUTPUT_TOKENS_PER_TEST_REQUEST = 700
"""Expected answer size of one request before any answer has been seen (a few tests)."""


class Pricing:
    """Prices per model, with the unknown ones reported once."""

    def __init__(self) -> None:
        self._unpriced: set[str] = set()
        self._lock = threading.Lock()

    def _unknown(self, model: str, why: str) -> None:
        with self._lock:
            if model in self._unpriced:
                return
            self._unpriced.add(model)
        log.warning("no price known for model %s (%s); its cost is counted as $0", model, why)

    @property
    def unpriced(self) -> frozenset[str]:
        return frozenset(self._unpriced)

    def of_response(self, response: Any, model: str) -> float:
        """Dollar cost of a LiteLLM response (0 with a warning when the model has no price)."""
        hidden = getattr(response, "_hidden_params", None) or {}
        if hidden.get("response_cost") is not None:  # LiteLLM priced it already
            return float(hidden["response_cost"])
        from .provider import import_litellm

        litellm = import_litellm()
        try:
            return float(litellm.completion_cost(completion_response=response) or 0.0)
        except Exception as exc:  # noqa: BLE001 - LiteLLM raises many types for "unknown"
            self._unknown(model, type(exc).__name__)
            return 0.0

    def of_tokens(self, model: str, tokens_in: int, tokens_out: int) -> float:
        """Predicted dollar cost of ``tokens_in`` prompt and ``tokens_out`` answer tokens."""
        from .provider import import_litellm

        litellm = import_litellm()
        try:
            cost_in, cost_out = litellm.cost_per_token(model=model, prompt_tokens=tokens_in,
                                                       completion_tokens=tokens_out)
        except Exception as exc:  # noqa: BLE001
            self._unknown(model, type(exc).__name__)
            return 0.0
        return float(cost_in) + float(cost_out)

    def is_priced(self, model: str) -> bool:
        return model not in self._unpriced


@dataclass
class Reservation:
    amount: float
    settled: bool = False


class Budget:
    """A dollar cap. A request goes out only if what was spent, plus what requests in flight
    may still cost, plus its own estimate stays within the cap."""

    def __init__(self, cap_usd: float | None, spent: float = 0.0) -> None:
        self.cap = cap_usd
        self.spent = spent
        self.reserved = 0.0
        self.exhausted = False
        self._lock = threading.Lock()

    def reserve(self, estimate: float) -> Reservation | None:
        """Hold ``estimate`` dollars for a request, or ``None`` when it would pass the cap."""
        with self._lock:
            if self.exhausted:
                return None  # once one request did not fit, the run stops asking
            if self.cap is not None and self.spent + self.reserved + estimate > self.cap:
                self.exhausted = True
                return None
            self.reserved += estimate
            return Reservation(estimate)

    def settle(self, reservation: Reservation, actual: float) -> None:
        """Replace a reservation by what the request really cost."""
        with self._lock:
            if reservation.settled:
                return
            reservation.settled = True
            self.reserved -= reservation.amount
            self.spent += actual

    @property
    def remaining(self) -> float | None:
        return None if self.cap is None else max(0.0, self.cap - self.spent)


class OutputSizeTracker:
    """Running mean of answer sizes, to predict the next answer's tokens."""

    def __init__(self, default: int = DEFAULT_OUTPUT_TOKENS_PER_TEST_REQUEST) -> None:
        self.default = default
        self.total = 0
        self.count = 0

    def observe(self, tokens_out: int) -> None:
        self.total += tokens_out
        self.count += 1

    def expected(self, cap: int | None = None) -> int:
        value = round(self.total / self.count) if self.count else self.default
        return min(value, cap) if cap else value
