"""Where the generated test file of a source goes."""

from __future__ import annotations

import re

from testgen.model import Framework, SourceFile


def test_path(source: SourceFile, framework: Framework) -> str:
    """``src/net/http.c`` → ``tests/testgen_net_http_test.c``; ``mathx.c`` →
    ``tests/testgen_mathx_test.c`` (one layout for every framework)."""
    parts = source.rel_path.split("/")
    if len(parts) > 1 and parts[0] in ("src", "lib", "source"):
        parts = parts[1:]
    stem = "_".join(parts)[: -len(".c")] if parts[-1].endswith(".c") else "_".join(parts)
    stem = re.sub(r"[^A-Za-z0-9_]", "_", stem)
    return f"tests/testgen_{stem}_test.c"
