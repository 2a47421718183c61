"""Where TestGen keeps its per-user cache (model responses, shared build directories)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def cache_dir(config: Any = None) -> Path:
    """``cache.dir`` from config, else ``TESTGEN_CACHE_DIR``, else the platform cache dir."""
    configured = config.get("cache.dir") if config is not None else None
    raw = configured or os.environ.get("TESTGEN_CACHE_DIR")
    if raw:
        path = Path(raw).expanduser()
    else:
        import platformdirs

        path = Path(platformdirs.user_cache_dir("testgen"))
    path.mkdir(parents=True, exist_ok=True)
    return path
