"""The grammars' LALR tables kept as JSON in the user cache (gklint/parse/lark_tables.py): a second process
loads them instead of building them, parses exactly as a freshly built parser does, and a damaged or foreign
file is rebuilt, never trusted and never a crash."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from lark import Lark

from gklint.parse import lark_tables
from gklint.parse.lark_outline import LineLexer
from gklint.parse.outline import tokenize
from gklint.resources import grammar_path

ROOT = Path(__file__).resolve().parent.parent
REPORTS = sorted(p for p in (ROOT / "tests" / "reports").rglob("*") if p.suffix in (".txt", ".md")
                 and p.name != "README.md")
EXPRESSIONS = ["t3[1][$c] + t3[2][$c] == t3[3.7][$c] + t3[4][$c]", "sum(t3[1.1, natural..other][total]) >= 0",
               "t4[1][total] > 0 -> not all(t3[3.3.*][natural] == 0) or abs(-2.5) < 3"]
REPORT_OPTIONS = {"lexer": LineLexer, "propagate_positions": True, "maybe_placeholders": False}
EXPR_OPTIONS = {"propagate_positions": True, "maybe_placeholders": False}


@pytest.fixture()
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("GKLINT_CACHE_DIR", str(tmp_path))
    return tmp_path / "grammars"


def stored(cache: Path, stem: str) -> Path:
    [path] = cache.glob(f"{stem}-*.json")
    return path


def test_the_second_load_reads_the_stored_tables_and_parses_like_a_fresh_build(cache):
    first = lark_tables.lalr("report.lark", **REPORT_OPTIONS)
    assert first.source_path != "<deserialized>"             # built: nothing was stored yet
    json.loads(stored(cache, "report").read_text(encoding="utf-8"))   # plain JSON
    second = lark_tables.lalr("report.lark", **REPORT_OPTIONS)
    assert second.source_path == "<deserialized>"
    fresh = Lark(grammar_path("report.lark").read_text(encoding="utf-8"), parser="lalr", **REPORT_OPTIONS)
    for report in REPORTS:
        tokens = tokenize(report.read_text(encoding="utf-8"))
        assert second.parse(tokens) == fresh.parse(tokens), report.name

    lark_tables.lalr("expr.lark", **EXPR_OPTIONS)
    loaded = lark_tables.lalr("expr.lark", **EXPR_OPTIONS)
    assert loaded.source_path == "<deserialized>"
    fresh = Lark(grammar_path("expr.lark").read_text(encoding="utf-8"), parser="lalr", **EXPR_OPTIONS)
    for text in EXPRESSIONS:
        assert loaded.parse(text) == fresh.parse(text)


@pytest.mark.parametrize("content", [b"", b"{not json", b"[1, 2, 3]", b'{"data": {}, "memo": {}}',
                                     json.dumps({"data": {"options": {"lexer": "\u0000custom-lexer"}}}).encode(),
                                     b"\x80\x81 binary", b" " * (lark_tables.MAX_TABLES + 10)])
def test_a_damaged_or_foreign_file_is_rebuilt(cache, content):
    lark_tables.lalr("expr.lark", **EXPR_OPTIONS)
    path = stored(cache, "expr")
    path.write_bytes(content)
    parser = lark_tables.lalr("expr.lark", **EXPR_OPTIONS)
    assert parser.source_path != "<deserialized>"            # not trusted: built again …
    assert parser.parse(EXPRESSIONS[0])
    assert lark_tables.lalr("expr.lark", **EXPR_OPTIONS).source_path == "<deserialized>"   # … and stored again


def test_an_unwritable_cache_only_costs_the_build(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setenv("GKLINT_CACHE_DIR", str(blocker))
    assert lark_tables.lalr("expr.lark", **EXPR_OPTIONS).parse(EXPRESSIONS[1])


def test_other_options_or_another_grammar_text_get_their_own_file(cache):
    lark_tables.lalr("expr.lark", **EXPR_OPTIONS)
    lark_tables.lalr("expr.lark", propagate_positions=False, maybe_placeholders=False)
    assert len(list(cache.glob("expr-*.json"))) == 2
