"""Markdown for a pull-request comment or ``$GITHUB_STEP_SUMMARY``: short, tables, no HTML."""

from __future__ import annotations

from typing import Any

LIMIT = 50
"""Rows per table; a PR comment is read, not scrolled."""


def render(data: dict[str, Any], *, kind: str = "", **_: Any) -> str:
    lines = {"generate": _generate, "validate": _validate}.get(kind, _analyze)(data)
    return "\n".join(lines).rstrip() + "\n"


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    """A code span that holds backticks too (a template string)."""
    text = " ".join(text.split())
    if not text:
        return "*(nothing)*"
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows[:LIMIT]]
    if len(rows) > LIMIT:
        out.append(f"\n…and {len(rows) - LIMIT} more")
    return out + [""]


def _changed(data: dict[str, Any], key: str) -> str:
    changes = data.get(key)
    return f" (changed since `{changes['ref']}`)" if changes else ""


def _validate(data: dict[str, Any]) -> list[str]:
    s = data["summary"]
    passed = s.get("passed", not data.get("failures"))
    mark = "✅" if passed else "❌"
    out = [f"## {mark} TestGen validate{_changed(data, 'changes')}", ""]
    tests = s.get("tests")
    out.append(f"**Coverage** {s['covered']}/{s['statements']} lines, "
               f"**{s.get('percent', 100.0):.2f}%**"
               + (f" · tests {tests['passed']} passed, {tests['failed']} failed" if tests else ""))
    changes = data.get("changes")
    if changes is not None:
        goal = f" (required {changes['min_percent']:g}%)" if changes["min_percent"] is not None \
            else ""
        out.append(f"\n**Changed lines** {changes['covered']}/{changes['statements']} covered, "
                   f"**{changes['percent']:.2f}%**{goal}")
        rows = [[f"`{f['path']}`", f["statements"], f["covered"],
                 ", ".join(f["uncovered"]) or "—"] for f in changes["files"]]
        if rows:
            out += ["", *_table(["file", "changed lines", "covered", "uncovered"], rows)]
    else:
        out += ["", *_table(["file", "lines", "cover", "uncovered"],
                            [[f"`{f['path']}`", f["statements"], f"{f['percent']:.1f}%",
                              ", ".join(f["uncovered"]) or "—"] for f in data["files"]])]
    mutation = data.get("mutation")
    if mutation is not None:
        m = mutation["summary"]
        score = "–" if m["score"] is None else f"{m['score']:.2f}%"
        out.append(f"**Mutation** ({mutation['mode']}) **{score}** of "
                   f"{m['mutants'] - m['error']} viable mutants detected · {m['survived']} "
                   f"survive on lines the tests run, {m['no_coverage']} on lines they do not")
        rows = [[f"`{r['file']}:{r['line']}`",
                 f"{_code(r['original'][:40])} → {_code(r['replacement'][:40])}", r["operator"]]
                for r in mutation["survivors"] if r["status"] == "survived"][:LIMIT]
        if rows:
            out += ["", *_table(["where", "surviving mutant", "operator"], rows)]
        out.append("")
    if data.get("missing_tests"):
        out.append("**No test executes:** " + ", ".join(f"`{m}`"
                                                       for m in data["missing_tests"][:LIMIT]))
        out.append("")
    out += [f"- ❌ {reason}" for reason in data.get("failures", [])]
    return out


def _generate(data: dict[str, Any]) -> list[str]:
    s = {k: data["summary"].get(k, 0) for k in ("kept", "failed", "flaky", "no-gain", "error",
                                                  "possible-bug")}
    title = "TestGen generate (dry run)" if data.get("dry_run") else "TestGen generate"
    out = [f"## {title}{_changed(data, 'changed_since')}", "",
           f"**{s['kept']} kept** · {s['failed']} failed · {s['flaky']} flaky · "
           f"{s['no-gain']} no gain · {s['error']} errors · {s['possible-bug']} possible bugs · "
           f"engine `{data.get('engine')}`", ""]
    rows = []
    for f in data["files"]:
        kept = sum(1 for c in f["candidates"] if c["status"] == "kept")
        cov = f.get("coverage")
        rows.append([f"`{f['source']}`", ", ".join(f"`{d}`" for d in f["definitions"]) or "—",
                     kept, f"{cov['before']:.1f}% → {cov['after']:.1f}%" if cov else "—",
                     f"`{f['test_file']}`" if f["written"] else (f["skipped"] or f["write"]
                                                                  or "—")])
    if rows:
        out += _table(["source", "definitions", "kept", "coverage", "test file"], rows)
    bugs = [(f["source"], c) for f in data["files"] for c in f["candidates"]
            if c["status"] == "possible-bug"]
    if bugs:
        out += ["### Possible bugs", ""]
        out += [f"- `{c['definition']}`: {_cell(c['reason'])}" for _, c in bugs]
        out.append("")
    return out


def _analyze(data: dict[str, Any]) -> list[str]:
    s = data["summary"]
    out = [f"## TestGen analyze{_changed(data, 'changed_since')}", "",
           f"{s['definitions']} definitions in {s['files']} files, **{s['tested']} tested** "
           f"({s['tested_percent']:.1f}%), {s['untested']} untested", ""]
    if data.get("priorities"):
        out += ["### Generate first", ""]
        out += _table(["definition", "file", "line", "priority"],
                      [[f"`{p['name']}`", f"`{p['file']}`", p["line"], p["priority"]]
                       for p in data["priorities"]])
    return out
