"""The sqlite response cache: keys, stats, clearing, and several processes at once."""

from __future__ import annotations

import multiprocessing
import sqlite3

from testgen.llm.cache import CACHE_FILE, CachedResponse, ResponseCache, cache_key, \
    default_cache_dir

MESSAGES = [{"role": "system", "content": "be brief"}, {"role": "user", "content": "def f(): ..."}]
PARAMS = {"temperature": 0.2, "max_tokens": 100}


def answer(text: str = '{"tests": []}') -> CachedResponse:
    return CachedResponse(text=text, model="openai/gpt-4o-mini", tokens_in=10, tokens_out=5)


def test_a_stored_answer_is_found_again(tmp_path):
    cache = ResponseCache(tmp_path)
    key = cache_key("openai/gpt-4o-mini", MESSAGES, PARAMS)

    cache.put(key, answer("hello"))

    assert cache.get(key) == answer("hello")
    assert cache.get(cache_key("openai/gpt-4o-mini", MESSAGES[:1], PARAMS)) is None


def test_the_key_depends_on_model_messages_and_answer_shaping_params():
    base = cache_key("m", MESSAGES, PARAMS)

    assert cache_key("other", MESSAGES, PARAMS) != base
    assert cache_key("m", MESSAGES + [{"role": "user", "content": "x"}], PARAMS) != base
    assert cache_key("m", MESSAGES, {**PARAMS, "temperature": 0.7}) != base
    assert cache_key("m", MESSAGES, {**PARAMS, "max_tokens": 200}) != base


def test_the_key_ignores_endpoint_key_and_timeout_so_checkouts_can_share_it():
    base = cache_key("m", MESSAGES, PARAMS)

    assert cache_key("m", MESSAGES, {**PARAMS, "api_base": "http://x", "api_key": "sk-1",
                                     "timeout": 3}) == base


def test_stats_count_entries_hits_and_models(tmp_path):
    cache = ResponseCache(tmp_path)
    cache.put("k1", answer())
    cache.put("k2", answer())
    cache.get("k1")
    cache.get("k1")

    stats = cache.stats()

    assert stats["entries"] == 2
    assert stats["hits"] == 2
    assert stats["models"] == {"openai/gpt-4o-mini": 2}
    assert stats["size_bytes"] > 0
    assert stats["path"].endswith(CACHE_FILE)


def test_stats_of_a_cache_never_written_are_zero_and_create_nothing(tmp_path):
    stats = ResponseCache(tmp_path / "nothing").stats()

    assert stats["entries"] == 0
    assert not (tmp_path / "nothing").exists()


def test_clear_removes_every_entry(tmp_path):
    cache = ResponseCache(tmp_path)
    cache.put("k1", answer())
    cache.put("k2", answer())

    assert cache.clear() == 2
    assert cache.get("k1") is None
    assert cache.stats()["entries"] == 0


def test_the_database_uses_write_ahead_logging(tmp_path):
    cache = ResponseCache(tmp_path)
    cache.put("k", answer())

    mode = sqlite3.connect(tmp_path / CACHE_FILE).execute("PRAGMA journal_mode").fetchone()[0]

    assert mode == "wal"


def _writer(directory: str, worker: int) -> None:
    cache = ResponseCache(directory)
    for n in range(40):
        cache.put(f"{worker}-{n}", answer(f"{worker}-{n}"))
        cache.get(f"{worker}-{max(0, n - 1)}")
    cache.close()


def test_several_processes_write_the_same_cache_without_losing_entries(tmp_path):
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(str(tmp_path), w)) for w in range(4)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(60)

    assert [p.exitcode for p in workers] == [0, 0, 0, 0]
    assert ResponseCache(tmp_path).stats()["entries"] == 160


def test_the_default_directory_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TESTGEN_CACHE_DIR", str(tmp_path / "shared"))

    assert default_cache_dir() == tmp_path / "shared"


def test_an_edit_that_only_shifts_lines_asks_nothing_again(make_engine, stub_llm, toy):
    from dataclasses import replace

    stub_llm.responder = toy.answer
    definition = toy.definition("f", lines=4)
    job = toy.job([definition])
    job.uncovered = {definition.key: frozenset({2, 3})}
    make_engine().generate([job])
    assert stub_llm.request_count == 1

    # A comment line added above the function, and one inside it: every line moves down.
    shifted = replace(definition, start_line=2, end_line=6,
                      code=definition.code.replace("\n", "\n    # why this step\n", 1))
    moved = toy.job([shifted])
    moved.uncovered = {shifted.key: frozenset({4, 5})}
    make_engine().generate([moved])

    assert stub_llm.request_count == 1


def test_a_change_in_the_code_asks_again(make_engine, stub_llm, toy):
    from dataclasses import replace

    stub_llm.responder = toy.answer
    definition = toy.definition("f", lines=4)
    make_engine().generate([toy.job([definition])])
    changed = replace(definition, code=definition.code.replace("x * 2", "x * 3"))
    make_engine().generate([toy.job([changed])])

    assert stub_llm.request_count == 2
