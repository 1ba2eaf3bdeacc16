"""The tokenizer's state table gives what the plain line-by-line state gave: every line's terminal, text, line
and column, over the seed and corpus reports and lines made to reach every state (very long lines cut at inline
headings, lines that fold to nothing, a title after a section, tab rows, runs of pipes and cells)."""
from __future__ import annotations

import random

import pytest

from gklint.parse import outline
from gklint.textnorm import folded

from conftest import CORPUS, SEEDS


def plain_tokenize(text: str) -> list[tuple[str, str, int, int]]:
    """The tokenizer as it was written before its state became a table (the oracle): (kind, text, line, column)."""
    out = []
    in_table = section_seen = prev_text = False
    for seg, n, column in [(seg, n, c) for n, raw in enumerate(text.split("\n"), 1)
                           for seg, _n, c in outline.logical_lines(raw)]:
        f = folded(seg)
        if not f:
            prev_text = False
            continue
        title, inside, outside = outline.line_shape(seg, f)
        kind = title if title is not None and not section_seen else inside if in_table else outside
        if kind == "TEXT":
            kind = "CONT" if prev_text else "PARA"
            prev_text, in_table = True, False
        else:
            prev_text = False
            if kind in ("TROW", "TSEP", "TCELL"):
                in_table = True
            elif kind in ("SECTION", "TITLE", "SUBHEAD", "TOPHEAD"):
                in_table = False
                if kind == "SECTION":
                    section_seen = True
        out.append((kind, seg, n, column))
    return out


MADE = [
    "某局2023年政府信息公开工作年度报告", "来源：某局 打印", "", "   ", "***", "一、总体情况", "正文第一行", "正文第二行",
    "| 项目 | 数量 |", "|---|---|", "| 规章 | 0 |", "0", "—", "本年新制作数量", "某局2024年政府信息公开工作年度报告",
    "（一）主动公开", "1. 一项", "二、主动公开政府信息情况", "\t本年处理决定数量\t12\t0", "a|b", "|", " | ",
    "这是一个很长的句子，用来试试不在表格里的文字。" * 3, "三、收到和处理政府信息公开申请情况",
    "前言" * 150 + "一、总体情况" + "内容。" * 100 + "二、主动公开政府信息情况" + "更多内容" * 80,
    "\t".join(["长行"] * 300), "　　", "十、其他",
]


def tokens(text: str) -> list[tuple[str, str, int, int]]:
    return [(k, line.text, line.line, line.column) for k, line in outline.tokenize(text)]


@pytest.mark.parametrize("path", [*SEEDS, *CORPUS], ids=lambda p: p.name)
def test_tokenize_gives_what_the_plain_state_gave(path):
    text = path.read_text(encoding="utf-8")
    assert tokens(text) == plain_tokenize(text)


def test_tokenize_gives_what_the_plain_state_gave_on_made_lines():
    rng = random.Random(6)
    texts = ["\n".join(MADE)]
    for _ in range(200):
        texts.append("\n".join(rng.choice(MADE) for _ in range(rng.randint(1, 30))))
    for text in texts:
        assert tokens(text) == plain_tokenize(text)
        assert tokens(text) == plain_tokenize(text)       # again, from the kept shapes


def test_every_state_step_is_the_plain_rule():
    for shape in [(None, "TCELL", "TEXT"), ("TITLE", "CHROME", "CHROME"), ("TITLE", "TCELL", "TCELL"),
                  (None, "TROW", "TSEP"), (None, "SECTION", "SECTION"), ("TITLE", "TCELL", "SUBHEAD"),
                  (None, "TEXT", "TEXT"), (None, "TCELL", "ITEMHEAD")]:
        for state, (kind, after) in enumerate(outline._steps(shape)):
            seen, in_table, above = bool(state & 1), bool(state & 2), bool(state & 4)
            want = shape[0] if shape[0] is not None and not seen else shape[1] if in_table else shape[2]
            if want == "TEXT":
                assert (kind, after) == ("CONT" if above else "PARA", seen | 4)
            else:
                leaves = want in ("SECTION", "TITLE", "SUBHEAD", "TOPHEAD")
                table = want in ("TROW", "TSEP", "TCELL")
                assert kind == want
                assert after == (seen or want == "SECTION") | (2 if table or in_table and not leaves else 0)


# ----------------------------------------------------------------------------------------------------------
# The Traditional-character table kept in the user cache (gklint/hant.py)
# ----------------------------------------------------------------------------------------------------------
@pytest.fixture()
def hant_cache(tmp_path, monkeypatch):
    from gklint import hant

    monkeypatch.setenv("GKLINT_CACHE_DIR", str(tmp_path))
    hant.table.cache_clear()
    yield tmp_path / "hant"
    hant.table.cache_clear()


def derived_fresh() -> dict[str, str]:
    from importlib import resources

    from gklint import hant

    folder = resources.files("opencc") / "dictionary"
    return hant._derive([(folder / name).read_text(encoding="utf-8") for name in hant.TABLES])


def test_the_kept_table_is_the_derived_one_in_its_order(hant_cache):
    from gklint import hant

    first = hant.table()
    [stored] = hant_cache.glob("opencc-chars-*.json")
    hant.table.cache_clear()
    again = hant.table()
    fresh = derived_fresh()
    assert len(fresh) > 3000 and fresh["開"] == "开" and fresh["體"] == "体"
    assert list(first.items()) == list(again.items()) == list(fresh.items())
    assert stored.exists()


def test_the_kept_table_is_read_not_derived(hant_cache, monkeypatch):
    from gklint import hant

    hant.table()
    hant.table.cache_clear()
    monkeypatch.setattr(hant, "_derive", lambda texts: pytest.fail("derived again"))
    assert hant.table()["況"] == "况"


@pytest.mark.parametrize("content", ['{"keys": "開體", "values": "开"}', '{"keys": 1, "values": 2}', "[]", "{not json",
                                     '{"source": "x", "keys": "開", "values": "X"}'])
def test_a_damaged_kept_table_is_derived_again(hant_cache, content):
    import json

    from gklint import hant

    hant.table()
    [stored] = hant_cache.glob("opencc-chars-*.json")
    if content.startswith('{"keys"'):   # the right source hash, the fields damaged
        content = json.dumps({"source": json.loads(stored.read_text(encoding="utf-8"))["source"],
                              **json.loads(content)}, ensure_ascii=False)
    stored.write_text(content, encoding="utf-8")
    hant.table.cache_clear()
    assert list(hant.table().items()) == list(derived_fresh().items())


def test_outside_gb2312_counts_the_common_low_characters_exactly():
    from gklint import hant

    def plain(text: str) -> set[str]:
        return {ch for ch in set(text) if ch >= "\u2e80" and hant._unwritable(ch)}

    assert hant._LOW_UNWRITABLE and all(ch < "\u2e80" and hant._unwritable(ch) for ch in hant._LOW_UNWRITABLE)
    low = "".join(hant._LOW_UNWRITABLE)
    samples = [low, low + "開", "\u00a0\u00a0 開", "—開", "?開\u00a0?", "？" + low * 30 + "〇", "•" * 500 + "主动公开",
               "\u00a0" * 3 + "©", "©開" + low, "\U0001F600" + low, "主动公开" + low + "?" * 5]
    rng = random.Random(9)
    alphabet = list(low + "?？总開體a \u3007©\U0001F600\u2e80\u2e7f")
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(3000)]
    for text in samples:
        assert hant._outside_gb2312(text) == plain(text), repr(text)
