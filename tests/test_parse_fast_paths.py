"""The parser's fast paths give what the plain ones give: the kept line shapes, the fast node constructors, the
split chrome pattern, the Traditional-character pre-check and the split search's step budget."""
from __future__ import annotations

import random
import re

import pytest

from gklint import hant
from gklint.diagnostics import Span
from gklint.model import flattened
from gklint.model.nodes import Cell, Line, Row, new_cell, new_line, new_row
from gklint.parse import outline

from conftest import CORPUS, SEEDS

# the chrome pattern as one alternation, as it was written before it was split in two (the oracle)
ONE_CHROME = re.compile(
    r"(来源[:：]|发布时间[:：]|发布日期[:：]|浏览次数|访问次数|点击数|字体[:：]|打印|关闭窗口|扫一扫|分享到|"
    r"当前位置[:：]|【\s*字号|责任编辑|信息来源[:：]|索引号|原文链接|本地目录|页面链接|^\s*标题\s*[:：]|"
    r"发布机构\s*[:：]|栏目\s*[:：]|^\s*文号\s*[:：]|^=+\s*正文\s*=+$|^\s*时间\s*[:：]\s*\d{4}|"
    r"当前所在位置|访问量[:：]|关怀版|无障碍|^\s*登录\s*注册\s*$|"
    r"(?:我要|加入|点击|一键)(?:收藏|打印|纠错|分享|评论)|(?:文章|内容|页面|微信|微博|朋友圈)分享|收藏本页|"
    r"返回顶部|^\s*(?:上|下)一篇\s*[:：]|【\s*(?:打印|关闭|收藏|分享)[^】]{0,4}】)")


def report_lines() -> list[str]:
    lines: list[str] = []
    for path in [*SEEDS, *CORPUS]:
        lines.extend(path.read_text(encoding="utf-8").split("\n"))
    return lines


def test_chrome_hits_count_as_the_single_alternation_did():
    extra = ["标题：某局2023年度报告 来源：某局 打印", "  文号：无 分享到", "==== 正文 ====", "时间：2024-01-02 点击数",
             "登录 注册", "上一篇：某某 下一篇：某某", "【打印本页】【关闭】", "文章分享 微信分享 我要纠错", "点击收藏点击数"]
    for line in [*report_lines(), *extra]:
        assert outline._chrome_hits(line) == len(ONE_CHROME.findall(line)), line
        assert bool(outline._CHROME_START.match(line) or outline._CHROME_ANY.search(line)) == bool(
            ONE_CHROME.search(line)), line


def test_kept_shapes_classify_as_fresh_ones(monkeypatch):
    text = "\n".join(report_lines()[:4000])
    outline._SHAPES.clear()
    first = outline.tokenize(text)
    assert outline._SHAPES                                      # short lines were kept …
    assert all(len(raw) <= outline.SHAPE_CACHE_CHARS for raw in outline._SHAPES)
    again = outline.tokenize(text)                              # … and served: the same terminals
    monkeypatch.setattr(outline, "SHAPE_CACHE_CHARS", -1)       # nothing kept: every shape computed
    outline._SHAPES.clear()
    fresh = outline.tokenize(text)
    assert not outline._SHAPES
    key = [(k, l.text, l.line, l.column) for k, l in first]
    assert key == [(k, l.text, l.line, l.column) for k, l in again] == [(k, l.text, l.line, l.column) for k, l in fresh]


def test_kept_shapes_are_bounded(monkeypatch):
    monkeypatch.setattr(outline, "_SHAPES_MAX", 10)
    outline._SHAPES.clear()
    outline.tokenize("\n".join(f"第{i}行" for i in range(100)))
    assert 0 < len(outline._SHAPES) <= 10


def test_fast_constructors_make_what_the_classes_make():
    span = Span(1, 2, 1, 5)
    assert new_line("一、总体情况", 3, 1) == Line("一、总体情况", 3, 1)
    assert type(new_line("x", 1, 1)) is Line
    args = ("t3", "1", "natural", "12", 12, "number", span)
    cell = new_cell(*args)
    assert cell == Cell(*args) and hash(cell) == hash(Cell(*args)) and repr(cell) == repr(Cell(*args))
    with pytest.raises(AttributeError):
        cell.value = 3                                          # still frozen
    row_args = ("t3", "1", "本年新收", "本年新收政府信息公开申请数量", span, "exact", (cell,), 1, 7)
    assert new_row(*row_args) == Row(*row_args) and new_row(*row_args).cell("natural") is cell


def test_outside_gb2312_is_the_characters_the_codec_cannot_write_from_cjk_on():
    def plain(text: str) -> set[str]:
        return {ch for ch in set(text) if ch >= "\u2e80" and not _encodes(ch)}

    samples = ["", "abc", "一、总体情况", "一、總體情況 開", "•\u00a0" * 500 + "主动公开", "•政府信息公開", "\U0001F600臺灣",
               "\u2e7f\u2e80⺀", "堃喆 某局"]
    for text in samples + report_lines()[:2000]:
        assert hant._outside_gb2312(text) == plain(text), text


def _encodes(ch: str) -> bool:
    try:
        ch.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


def _nodes(s: str, k: int, groups: int, constrained: bool) -> int:
    """How many steps the search takes, with a budget it cannot use up."""
    search = flattened._Search(s, k, groups, constrained, 50, 10 ** 9)
    search.solutions()
    return 10 ** 9 - search.steps


def _reference_nodes(s: str, k: int, groups: int, constrained: bool) -> int:
    """The same count from a plain transcription of the search (a node per call, no shortcuts)."""
    D = 7
    count = 0
    memo: dict = {}

    def fits(pos, left):
        return left <= len(s) - pos <= left * D

    def group(pos, after_groups):
        nonlocal count
        after, found = after_groups * k, []

        def dfs(q, vals, acc):
            nonlocal count
            count += 1
            if len(vals) == k - 1 and constrained:
                t = str(acc)
                if s.startswith(t, q) and fits(q + len(t), after):
                    found.append((q + len(t), vals + (acc,)))
                return
            if len(vals) == k:
                if fits(q, after):
                    found.append((q, vals))
                return
            need = k - len(vals) - 1 + after
            lo, hi = max(1, len(s) - q - need * D), min(D, len(s) - q - need)
            if hi >= lo and s[q] == "0":
                hi = 1
            for n in range(lo, hi + 1):
                v = int(s[q:q + n])
                dfs(q + n, vals + (v,), acc + v)

        dfs(pos, (), 0)
        return found

    def tails(g, pos):
        if g == groups:
            return [()] if pos == len(s) else []
        if (g, pos) in memo:
            return memo[(g, pos)]
        out = []
        for end, vals in group(pos, groups - g - 1):
            for tail in tails(g + 1, end):
                out.append(vals + tail)
                if len(out) > 50:
                    break
            if len(out) > 50:
                break
        memo[(g, pos)] = out
        return out

    if s.isdigit() and fits(0, k * groups):
        tails(0, 0)
    return count


def test_split_search_spends_one_step_per_node_of_the_plain_search():
    rng = random.Random(5)
    for _ in range(300):
        s = "".join(rng.choice("0123456789" if rng.random() < 0.6 else "001") for _ in range(rng.randint(1, 24)))
        k, groups, constrained = rng.randint(1, 7), rng.randint(1, 3), rng.random() < 0.7
        nodes = _reference_nodes(s, k, groups, constrained)
        assert _nodes(s, k, groups, constrained) == nodes, (s, k, groups, constrained)
        if nodes:
            # the budget that just suffices finds the answer; one step less is too ambiguous
            flattened._Search(s, k, groups, constrained, 50, nodes).solutions()
            with pytest.raises(flattened.TooAmbiguous):
                flattened._Search(s, k, groups, constrained, 50, nodes - 1).solutions()


@pytest.mark.parametrize("text", ["", "一、总体情况", "本年 新收\u00a0申请 **12** 件", "㈠主动公开½", "ａｂｃ１２３" * 100,
                                  "\u3000" * 300 + "x"])
def test_fold_positions_is_fold_with_a_lighter_map(text):
    from gklint.textnorm import fold, fold_positions

    folded_text, positions = fold_positions(text)
    assert (folded_text, list(positions)) == fold(text)
    assert (folded_text, list(fold_positions(text)[1])) == fold(text)    # also once fold() has kept it


def test_flattened_text_places_characters_as_the_full_map_did():
    from gklint.model.nodes import Paragraph
    from gklint.textnorm import fold

    lines = (Line("表三 本年新收\u00a0申请 12", 7, 1), Line("", 8, 1), Line("㈠ 总计 **34**", 9, 5))
    text = flattened._Text(Paragraph(lines))
    full = [(li, j) for li, line in enumerate(lines) for j in fold(line.text)[1]]
    assert text.f == "".join(fold(line.text)[0] for line in lines)
    for a in range(-len(full), len(full)):
        for b in range(a + 1 if a >= 0 else len(full) + a + 1, len(full) + 1):
            (la, ja), (lb, jb) = full[a], full[b - 1]
            want = Span(lines[la].line, lines[la].column + ja, lines[lb].line, lines[lb].column + jb + 1)
            assert text.span(a, b) == want
    with pytest.raises(IndexError):
        text.span(len(full), len(full) + 1)


def test_line_lexer_tokens_are_what_token_makes():
    from gklint.parse.lalr_driver import Token

    toks = outline.tokenize((SEEDS[0]).read_text(encoding="utf-8"))
    for tok in outline.terminals(toks):
        line, last = toks[tok.start_pos][1], toks[tok.end_pos - 1][1]
        want = Token(tok.type, line.text, tok.start_pos, tok.end_pos, line.line, line.column, last.line,
                     last.column + len(last.text))
        assert tok == want and repr(tok) == repr(want)
        assert all(getattr(tok, name) == getattr(want, name) for name in Token.__slots__)


def test_flattened_text_of_one_line_places_characters_as_the_full_map_did():
    from gklint.model.nodes import Paragraph
    from gklint.textnorm import fold

    line = Line("表三 本年新收\u00a0申请 12 ㈠ **34**", 7, 3)
    text = flattened._Text(Paragraph((line,)))
    full = fold(line.text)[1]
    for a in range(-len(full), len(full)):
        for b in range(1, len(full) + 1):
            want = Span(7, 3 + full[a], 7, 3 + full[b - 1] + 1)
            assert text.span(a, b) == want
    with pytest.raises(IndexError):
        text.span(len(full), len(full) + 1)


def test_label_memo_is_bounded_and_answers_as_fresh(monkeypatch):
    from gklint.model import tables
    from gklint.model.template import load_template

    labels = tables.Labels(load_template("2021").tables["t3"])
    fresh = tables.Labels(load_template("2021").tables["t3"])
    monkeypatch.setattr(tables, "LABELS_KEPT", 5)
    words = ["本年新收政府信息公开申请数量", "自然人", "总计", "本年新收政府信息公开申请数", "某某", *map(str, range(20))]
    for f in words * 2:
        assert labels.row(f) == fresh._row(f) and labels.header(f) == fresh._header(f)
        assert len(labels._row_cache) <= 5 and len(labels._header_cache) <= 5


def _table_lines() -> list[tuple[str, Line]]:
    rows = ["\t本年新收政府信息公开申请数量\t 12 \t0\t\t/\t3", "| 自然人 | 5 | — | 1,200 |", "0 |", " |",
            "（一）予以公开\t\u30004\t减4\t103.3879万元", "总计", " 7 ", "\t\t\t"]
    return [("TROW" if ("\t" in r or "|" in r) else "TCELL", Line(r, i + 1, 3)) for i, r in enumerate(rows * 3)]


def test_kept_fields_give_the_pieces_fresh_fields_give(monkeypatch):
    from gklint.model import tables

    lines = _table_lines()
    tables._FIELDS.clear()
    first = tables.pieces_of(lines, frozenset({5}))
    assert tables._FIELDS                                        # fields were kept …
    again = tables.pieces_of(lines, frozenset({5}))              # … and served: the same pieces
    monkeypatch.setattr(tables, "FIELDS_KEPT", 0)                # the memo emptied before every field
    tables._FIELDS.clear()
    fresh = tables.pieces_of(lines, frozenset({5}))
    assert first == again == fresh
    assert len(tables._FIELDS) <= 1
    monkeypatch.setattr(tables, "FIELDS_KEPT", 4)
    tables.pieces_of([("TCELL", Line(str(i), 1, 1)) for i in range(50)])
    assert 0 < len(tables._FIELDS) <= 4


def test_node_properties_are_computed_once_and_kept():
    from gklint.model.nodes import Paragraph, Table, cached_property

    p = Paragraph((Line("甲乙", 1, 1), Line("丙", 2, 1)))
    assert "text" not in p.__dict__
    assert p.text == "甲乙丙" and p.__dict__["text"] == "甲乙丙"     # kept in the instance …
    p.__dict__["text"] = "kept"
    assert p.text == "kept"                                         # … and read from there, not computed again
    assert isinstance(Paragraph.__dict__["text"], cached_property) and Paragraph.text.__doc__
    t = Table("t3", "2021", (), None, None)
    assert t.found is False and t.cell_index == {} and t.col_ids == []
