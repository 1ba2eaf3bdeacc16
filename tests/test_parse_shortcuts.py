"""The parser's shortcuts of the fourth round of speed work give what the plain ways give: the sum-first split
of a table-三 row, the fold map from runs of dropped characters, the GB2312 pre-check from the codec's
replacement, the label matcher's similarity bounds, the pipe-row shape, the per-label template signals and the
lexer's runs of paragraph and chrome lines."""
from __future__ import annotations

import difflib
import random

import pytest

from gklint import hant, textnorm
from gklint.model import flattened, tables
from gklint.model.template import load_template
from gklint.parse import outline
from gklint.textnorm import folded, strip_numbering


def _digits(rng: random.Random) -> str:
    alphabet = rng.choice(["0123456789", "0000000001", "01", "0", "123", "9"])
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 22)))


def test_sum_first_split_is_the_search_for_one_group():
    rng = random.Random(7)
    cases = [(_digits(rng), rng.randint(2, 7)) for _ in range(1500)]
    for _ in range(1000):                           # rows whose last value really is the sum of the others
        k = rng.randint(2, 7)
        vals = [rng.choice([0, rng.randint(0, 9), rng.randint(0, 999), rng.randint(0, 10 ** 6)]) for _ in range(k - 1)]
        cases.append(("".join(map(str, vals)) + str(sum(vals)), k))
    cases += [("640020470", 7), ("270020130", 7), ("0" * 7, 7), ("1" * 21, 7), ("9" * 49, 7), ("12a", 2), ("", 3)]
    for s, k in cases:
        assert flattened._one_sum_splits(s, k, 50) == flattened._Search(s, k, 1, True, 50, 10 ** 9).solutions(), (s, k)


def test_one_group_search_never_uses_up_the_nodes_the_shortcut_assumes():
    rng = random.Random(8)
    for _ in range(400):
        k = rng.randint(2, 7)
        s = "".join(rng.choice("123456789") for _ in range(rng.randint(k, 7 * k)))
        search = flattened._Search(s, k, 1, True, 50, 10 ** 9)
        search.solutions()
        assert 10 ** 9 - search.steps <= flattened._MOST_NODES[k], (s, k)
    # a smaller budget (GK018's test sets one) still goes through the bounded search
    with pytest.raises(flattened.TooAmbiguous):
        flattened.split_row("1" * 40, 7, 1, 50)


def _plain_fold(text: str) -> tuple[str, list[int]]:
    out = text.translate(textnorm._TABLE)
    idx: list[int] = []
    for i, ch in enumerate(text):
        idx.extend([i] * len(textnorm._TABLE[ord(ch)]))
    return out, idx


def test_fold_maps_from_runs_of_dropped_characters():
    rng = random.Random(3)
    base = list("ab 12\u3000\u00a0*#\"'“”`总体\t\u200b\ufeff]^\\-\n")
    for extra in ([], list("㈠½ﬁ")):
        alphabet = base + extra + [chr(rng.randint(32, 0x3000)) for _ in range(30)]
        for _ in range(5000):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 25)))
            want = _plain_fold(text)
            assert textnorm._fold(text) == want, repr(text)
            out, positions = textnorm.fold_positions(text)
            assert (out, list(positions)) == want, repr(text)


def _plain_outside_gb2312(text: str) -> set[str]:
    out = set()
    for ch in set(text):
        if ch >= "\u2e80":
            try:
                ch.encode("gb2312")
            except UnicodeEncodeError:
                out.add(ch)
    return out


def test_outside_gb2312_from_the_codec_replacement():
    rng = random.Random(1)
    alphabet = list("?？总體開a \u00a0•—\U0001F600臺灣㈠½\u2e80\u2e7f堃喆\ufffd\x00")
    alphabet += [c for c in (chr(rng.randint(0, 0x2FFFF)) for _ in range(200)) if not 0xD800 <= ord(c) < 0xE000]
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        assert hant._outside_gb2312(text) == _plain_outside_gb2312(text), repr(text)
    assert hant.to_simplified("一、總體情況 主動公開 開 開") == ("一、总体情况 主动公开 开 开", 7, True)


def _plain_row(labels: tables.Labels, f: str):
    """Labels._row with every similarity ratio computed (as it was written before the bounds)."""
    num, core = strip_numbering(f)
    core = tables._LEAD_PUNCT.sub("", core)
    if not core:
        return None
    generic = core in labels.header_words or core in labels.captions
    candidates = []
    for r in labels.table.rows:
        if core == r.core:
            candidates.append(tables.LabelMatch(r, "exact"))
        elif core in r.alias_cores or f in (folded(a) for a in r.aliases):
            candidates.append(tables.LabelMatch(r, "alias"))
    if candidates:
        if num:
            same = [c for c in candidates if tables._num_key(c.row.numbering) == tables._num_key(num)]
            if same:
                return same[0]
            if generic:
                return None
        elif generic:
            return None
        return candidates[0]
    if generic or len(core) < 4:
        return None
    best, best_ratio = None, 0.0
    for r in labels.table.rows:
        rc = r.core
        if rc.startswith(core) and len(core) >= 0.5 * len(rc) or core.startswith(rc) and len(rc) >= 4:
            ratio = 0.95
        else:
            ratio = difflib.SequenceMatcher(None, core, rc).ratio()
        if ratio > best_ratio:
            best, best_ratio = r, ratio
    if best is not None and best_ratio >= 0.8:
        if num and best.numbering and tables._num_key(num) != tables._num_key(best.numbering):
            return None
        return tables.LabelMatch(best, "fuzzy")
    return None


def _plain_header(labels: tables.Labels, f: str):
    if f in labels.header_words:
        return labels.header_words[f]
    if len(f) >= 4:
        for word, (cid, _q) in labels.header_words.items():
            if len(word) >= 4 and difflib.SequenceMatcher(None, f, word).ratio() >= 0.8:
                return cid, "fuzzy"
    return None


def test_label_similarity_bounds_answer_as_the_full_ratios():
    rng = random.Random(4)
    for version in ("2021", "2019"):
        for tdef in load_template(version).tables.values():
            labels = tables.Labels(tdef)
            words = [folded(r.label) for r in tdef.rows] + [folded(a) for r in tdef.rows for a in r.aliases]
            words += list(labels.header_words)
            chars = sorted(set("".join(words))) + list("的和及、.1二()")
            for _ in range(800):
                w = list(rng.choice(words))
                for _ in range(rng.randint(0, 4)):
                    i = rng.randrange(len(w) + 1)
                    op = rng.random()
                    if op < 0.4 and w:
                        del w[min(i, len(w) - 1)]
                    elif op < 0.7:
                        w.insert(i, rng.choice(chars))
                    elif w:
                        w[min(i, len(w) - 1)] = rng.choice(chars)
                if rng.random() < 0.3:
                    w = list(rng.choice(["1.", "(三)", "二、", "3、"])) + w
                f = "".join(w)
                assert labels._row(f) == _plain_row(labels, f), f
                assert labels._header(f) == _plain_header(labels, f), f


@pytest.mark.parametrize("raw", ["| a | b |", "|---|---|", "| :-- | --: |", "|", " | ", "0 |", "| 0", "a|b", "a | b | c",
                                 "-|-", ":|", "||", "| 规章 | 0 | 0 | 0 |", "\t| a |", "x|", "|x"])
def test_pipe_shape_is_line_shape(raw):
    shape = outline._pipe_shape(raw)
    if shape is not None:
        assert shape == outline.line_shape(raw, folded(raw))


def test_template_signals_count_per_label_as_over_the_joined_pieces():
    rows = ["| 本年制发件数 | 本年废止件数 | 现行有效件数 |", "| 本年新制作数量 | 本年新公开数量 | 对外公开总数量 |",
            "\t本年处理决定数量\t12\t0", "本年收费金额本年收费金额", "| 0 | 12 | — |", "采购项目数量"]
    lines = [("TROW" if ("\t" in r or "|" in r) else "TCELL", outline.Line(r, i + 1, 1)) for i, r in enumerate(rows)]
    pieces = tables.pieces_of(lines)
    text = "\n".join([p.f for p in map(tables.Piece._make, pieces) if len(p.f) > 1])     # (plain tuples: named)
    want = {"2021": len(tables._RE_2021.findall(text)), "2019": len(tables._RE_2019.findall(text))}
    assert tables.template_signals(pieces) == want and want["2021"] >= 4 and want["2019"] >= 3


def test_lexer_hands_over_paragraphs_and_chrome_runs_as_one_terminal_each():
    text = "来源：某局\n打印 关闭窗口\n某局2023年政府信息公开工作年度报告\n一、总体情况\n第一行\n第二行\n\n第三行。\n| a | b |\n|---|---|\n"
    toks = outline.tokenize(text)
    lexed = [(t.type, t.start_pos, t.end_pos) for t in outline.terminals(toks)]
    kinds = [k for k, _line in toks]
    assert kinds[:2] == ["CHROME", "CHROME"] and kinds[4:6] == ["PARA", "CONT"]
    assert lexed == [("CHROME", 0, 2), ("TITLE", 2, 3), ("SECTION", 3, 4), ("PARA", 4, 6), ("PARA", 6, 7),
                     ("TABLE", 7, 9)]
    tree = outline.outline_tree(toks)
    assert [part.data for part in tree.children] == ["front", "section"]
    assert [[t.type for t in part.children] for part in tree.children] == [
        ["CHROME", "TITLE"], ["SECTION", "PARA", "PARA", "TABLE"]]


def test_fast_constructors_of_dict_nodes_make_what_the_classes_make():
    from dataclasses import FrozenInstanceError

    from gklint.diagnostics import Span
    from gklint.model.nodes import HeaderLabel, Line, Paragraph, new_header, new_paragraph

    span = Span(2, 3, 2, 9)
    header = new_header("本年新收", "本年新收政府信息公开申请数量", "alias", span)
    want = HeaderLabel("本年新收", "本年新收政府信息公开申请数量", "alias", span)
    assert type(header) is HeaderLabel and header == want and hash(header) == hash(want) and repr(header) == repr(want)
    lines = (Line("甲乙", 1, 1), Line("丙", 2, 1))
    paragraph = new_paragraph(lines)
    assert type(paragraph) is Paragraph and paragraph == Paragraph(lines) and repr(paragraph) == repr(Paragraph(lines))
    assert paragraph.text == "甲乙丙" and paragraph.span == Paragraph(lines).span
    with pytest.raises(FrozenInstanceError):
        header.text = "x"                                        # still frozen
    with pytest.raises(FrozenInstanceError):
        paragraph.lines = ()
