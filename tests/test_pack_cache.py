"""Loaded rule packs kept as JSON (gklint/rules/pack_cache.py): a hit gives exactly what loading the files gives,
without reading them as YAML again; any change to a pack's files, to gklint's code or to the check kinds is a
miss; a damaged entry is a miss, never a crash."""
from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from gklint.rules import pack_cache
from gklint.rules.checks import Opt
from gklint.rules.engine import load_ruleset
from gklint.resources import rules_dir

NATIONAL = rules_dir() / "national"


@pytest.fixture()
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("GKLINT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "packs"


@pytest.fixture()
def kinds():
    return load_ruleset().kinds


@pytest.fixture()
def pack(tmp_path) -> Path:
    """A copy of three national rules as a pack of its own."""
    d = tmp_path / "pack"
    d.mkdir()
    for code in ("GK001", "GK301", "GK401"):
        shutil.copy(NATIONAL / f"{code}.yaml", d / f"{code}.yaml")
    return d


def plain(got):
    pack, rules, errors = got
    return pack, pack.meta, rules, [str(e) for e in errors]


def files_not_read(monkeypatch):
    def refuse(*_a, **_k):
        raise AssertionError("the pack was loaded from its files")

    monkeypatch.setattr(pack_cache, "load_pack", refuse)


def test_a_hit_is_exactly_the_loaded_pack_and_reads_no_yaml(cache, kinds, monkeypatch):
    first = pack_cache.load_pack_cached(NATIONAL, kinds)
    assert len(list(cache.glob("*.json"))) == 1           # the national pack's entry (the kinds fixture stored it)
    files_not_read(monkeypatch)
    second = pack_cache.load_pack_cached(NATIONAL, kinds)
    assert plain(second) == plain(first)
    assert len(second[1]) > 80 and second[1][0].examples and isinstance(second[1][0].templates, tuple)


def test_an_edited_added_or_removed_rule_file_is_a_miss(cache, kinds, pack):
    pack_cache.load_pack_cached(pack, kinds)
    f = pack / "GK301.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("message:", "message: 已改 ", 1), encoding="utf-8")
    rules = {r.code: r for r in pack_cache.load_pack_cached(pack, kinds)[1]}
    assert rules["GK301"].message.startswith("已改")
    (pack / "GK401.yaml").unlink()
    assert {r.code for r in pack_cache.load_pack_cached(pack, kinds)[1]} == {"GK001", "GK301"}
    shutil.copy(NATIONAL / "GK202.yaml", pack / "GK202.yaml")
    assert {r.code for r in pack_cache.load_pack_cached(pack, kinds)[1]} == {"GK001", "GK202", "GK301"}


def test_a_broken_rule_file_keeps_its_error_from_the_cache(cache, kinds, pack, monkeypatch):
    (pack / "GK999.yaml").write_text("code: GK999\nname: [unclosed\n", encoding="utf-8")
    first = pack_cache.load_pack_cached(pack, kinds)
    assert first[2] and "GK999.yaml" in str(first[2][0])
    files_not_read(monkeypatch)
    assert plain(pack_cache.load_pack_cached(pack, kinds)) == plain(first)


def test_changed_gklint_code_or_kinds_is_a_miss(cache, kinds, pack, monkeypatch):
    pack_cache.load_pack_cached(pack, kinds)
    before = len(list(cache.glob("*.json")))
    monkeypatch.setattr(pack_cache, "code_fingerprint", lambda: "another gklint")
    pack_cache.load_pack_cached(pack, kinds)
    assert len(list(cache.glob("*.json"))) == before + 1
    k = kinds["equation"]
    changed = {**kinds, "equation": replace(k, options={**k.options, "new": Opt(str, None)})}
    pack_cache.load_pack_cached(pack, changed)
    assert len(list(cache.glob("*.json"))) == before + 2


@pytest.mark.parametrize("content", [b"", b"{", b"[]", b'{"pack": {}, "rules": [], "errors": []}', b"\xff\xfe"])
def test_a_damaged_entry_is_a_miss(cache, kinds, pack, content):
    old = set(cache.glob("*.json"))
    first = pack_cache.load_pack_cached(pack, kinds)
    [entry] = set(cache.glob("*.json")) - old
    entry.write_bytes(content)
    assert plain(pack_cache.load_pack_cached(pack, kinds)) == plain(first)
    assert entry.read_bytes() != content                    # stored again


def test_the_whole_rule_set_is_the_same_from_the_cache(cache):
    first = load_ruleset()
    second = load_ruleset()
    assert [r.code for r in second.rules] == [r.code for r in first.rules]
    assert second.rules == first.rules and [str(e) for e in second.errors] == [str(e) for e in first.errors]


def test_a_hit_gives_the_rules_expressions_without_building_the_expression_parser(cache, kinds, monkeypatch):
    from gklint.rules import expr
    from gklint.rules.expr_ast import to_data

    rules = pack_cache.load_pack_cached(NATIONAL, kinds)[1]     # stored, with the ASTs its validation made
    texts = {v for r in rules if r.kind in ("equation", "conditional")
             for k, v in r.options.items() if k in ("expr", "when", "then", "focus") and v}
    expr.compile_expr.cache_clear()
    expr._STORED.clear()
    want = {t: to_data(expr.compile_expr(t).root) for t in texts}        # parsed
    assert len(want) >= 8
    expr.compile_expr.cache_clear()
    expr._STORED.clear()

    def refuse():
        raise AssertionError("the expression parser was built")

    from gklint.rules import expr_parse

    monkeypatch.setattr(expr_parse, "_parser", refuse)
    try:
        pack_cache.load_pack_cached(NATIONAL, kinds)
        assert {t: to_data(expr.compile_expr(t).root) for t in texts} == want
    finally:
        expr.compile_expr.cache_clear()
        expr._STORED.clear()


def test_an_edited_expression_grammar_is_a_miss(cache, kinds, pack, tmp_path, monkeypatch):
    before = pack_cache._key(pack, kinds)
    edited = tmp_path / "expr.lark"
    edited.write_text(pack_cache.grammar_path("expr.lark").read_text(encoding="utf-8") + "\n// edited\n",
                      encoding="utf-8")
    monkeypatch.setattr(pack_cache, "grammar_path", lambda _name: edited)
    assert pack_cache._key(pack, kinds) != before


@pytest.mark.parametrize("exprs", ['"exprs": []', '"exprs": {"a": 1}', '"exprs": null', '"other": {}'])
def test_an_entry_with_damaged_expressions_is_a_miss(cache, kinds, pack, exprs):
    import json

    old = set(cache.glob("*.json"))
    first = pack_cache.load_pack_cached(pack, kinds)
    [entry] = set(cache.glob("*.json")) - old
    stored = json.loads(entry.read_bytes())
    assert isinstance(stored.pop("exprs"), dict)
    entry.write_text(json.dumps(stored, ensure_ascii=False)[:-1] + ", " + exprs + "}", encoding="utf-8")
    assert pack_cache._read(entry, pack) is None
    assert plain(pack_cache.load_pack_cached(pack, kinds)) == plain(first)


def test_old_entries_are_pruned_and_the_newest_kept(cache, kinds, pack, monkeypatch):
    """Each edit of a pack (or of gklint) stores another entry: the folder keeps only the newest few."""
    import os
    import time

    monkeypatch.setattr(pack_cache, "KEEP_ENTRIES", 3)
    made = list(cache.glob("*.json"))          # the national pack's entry (stored by the kinds fixture)
    rule = pack / "GK401.yaml"
    an_hour_ago = time.time_ns() - 3600 * 10**9
    for k in range(5):                          # the pack, then four edits of it: five more entries
        if k:
            rule.write_text(rule.read_text(encoding="utf-8") + f"\n# edit {k}\n", encoding="utf-8")
        pack_cache.load_pack_cached(pack, kinds)
        made += [p for p in cache.glob("*.json") if p not in made]
        for j, p in enumerate(made):           # stored in this order, whatever the clock's tick
            if p.exists():
                os.utime(p, ns=(an_hour_ago + j, an_hour_ago + j))
    assert len(made) == 6
    assert sorted(cache.glob("*.json")) == sorted(made[-3:])
    files_not_read(monkeypatch)                 # the last version's entry is there: a hit
    assert pack_cache.load_pack_cached(pack, kinds)[1]
