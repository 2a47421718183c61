"""``analyze --cost-estimate``: what generating tests for the untested code would cost."""

from __future__ import annotations

from typing import Any

from .analyze import AnalysisReport
from .engines import GenerationJob
from .errors import ConfigError
from .inventory import Inventory


def estimate_untested(report: AnalysisReport, inventory: Inventory, plugins: Any,
                      config: Any) -> dict[str, Any]:
    model = config.get("llm.model")
    if not model:
        raise ConfigError("--cost-estimate needs a model", code="TG105",
                          hint="pass --model (e.g. anthropic/claude-sonnet-4-5) or set llm.model")
    untested = {d.definition.key for d in report.all_definitions()
                if not d.tested and d.definition.testable and d.definition.kind != "class"}
    jobs = []
    test_types = config.get("generation.test_types") or ["unit"]
    for item in inventory.files:
        targets = [d for d in item.definitions if d.key in untested]
        if not targets:
            continue
        framework = inventory.frameworks[item.source.language]
        jobs += [GenerationJob.for_file(item.source, targets, item.definitions, framework,
                                        test_type) for test_type in test_types]
    from .cachedir import cache_dir

    engine = plugins.engines()["llm"](config.nested(), plugins, cache_dir=cache_dir(config),
                                      dry_run=True)
    estimate = dict(engine.estimate(jobs))
    estimate.setdefault("model", model)
    estimate["definitions"] = len(untested)
    return estimate
