"""Reports in three formats: text (rich), JSON (stable, with a ``schema`` field) and HTML.

Each command builds one report object with ``to_dict()``; the renderers registered through
``testgen_reporters`` turn it into text. JSON is the source of truth: the text and HTML
renderers show the same data.
"""

from __future__ import annotations

import json
from typing import Any


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, sort_keys=False, default=str) + "\n"
