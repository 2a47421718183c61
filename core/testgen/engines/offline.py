"""The offline engine: no model, no network. Tests pin behaviour observed by the probes.

The probes (run by the pipeline in the sandbox) record what each definition really does on
generated inputs; the language plugin turns them into readable tests of the requested type.
"""

from __future__ import annotations

from typing import Any

from ..model import OfflineRequest, TestCandidate
from . import Engine, EngineStats, GenerationJob, Progress


class OfflineEngine(Engine):
    """Pins the behaviour the probes observed; deterministic, so no repairs or rounds."""

    name = "offline"

    def __init__(self, settings: Any = None, plugins: Any = None, **_: Any) -> None:
        self.plugins = plugins
        self.stats = EngineStats()

    def generate(self, jobs: list[GenerationJob],
                 progress: Progress | None = None) -> dict[str, list[TestCandidate]]:
        out: dict[str, list[TestCandidate]] = {}
        for job in jobs:
            candidates: list[TestCandidate] = []
            for definition in job.definitions:
                probes = job.probes.get(definition.key, [])
                usable = [p for p in probes if p.outcome in ("return", "raise")]
                if not usable:
                    candidates.append(_skipped(definition.key, job.test_type, probes))
                    continue
                request = OfflineRequest(definition=definition, framework=job.framework,
                                         test_type=job.test_type, probes=probes,
                                         template_dirs=tuple(job.template_dirs))
                made = self.plugins.offline_candidates(request)
                if not made:
                    made = [_skipped(definition.key, job.test_type, probes,
                                     "no test of this type fits the observed behaviour")]
                candidates.extend(made)
            out[job.id] = candidates
            if progress:
                progress("job", 1)
        return out


def _skipped(definition: str, test_type: str, probes: list, reason: str = "") -> TestCandidate:
    if not reason:
        reasons = sorted({p.reason for p in probes if p.reason})
        if probes and all(p.outcome == "timeout" for p in probes):
            reason = "every call timed out (possible infinite loop)"
        elif reasons:
            reason = "; ".join(reasons)[:300]
        else:
            reason = "no input could be generated for its parameters"
    return TestCandidate(id=f"{definition}::<none>:{test_type}", definition=definition,
                         test_name="", code="", test_type=test_type, engine="offline",
                         status="skipped", reason=reason)
