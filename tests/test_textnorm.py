"""Folding (gklint/textnorm.py): one folded form per character, positions mapped back, the same result however
the text is cut or cached; and what the check kinds share per report is made once and never outlives it."""
from __future__ import annotations

import gc
import weakref
from pathlib import Path

from gklint.api import parse_file
from gklint.hant import _outside_gb2312
from gklint.rules.checks import per_object
from gklint.textnorm import fold, folded, folded_join

SEED = Path(__file__).parent / "reports" / "seeds" / "002_def60ea53eab62a5.txt"
MIXED = "一、 总体情况（１）“本年”　新收 *12* 件\u00a0；㈠ ½ ＃标题 www.example.gov.cn"


def test_fold_drops_spaces_marks_and_quotes_and_normalises_full_width():
    f, idx = fold(MIXED)
    assert f.startswith("一、总体情况(1)本年新收12件;(一)1⁄2标题")
    assert len(idx) == len(f) and idx == sorted(idx)
    assert MIXED[idx[f.index("12件")]] == "1"          # every folded character points at its original
    assert all(MIXED[idx[i]] == "㈠" for i in range(f.index("(一)"), f.index("(一)") + 3))   # one → three


def test_folded_is_fold_without_positions_for_short_and_long_texts():
    for text in (MIXED, MIXED * 20, "", " \t\u3000"):
        assert folded(text) == fold(text)[0]
        assert folded(text) == folded(text)             # a cached answer is the same answer


def test_folding_is_character_by_character():
    # a paragraph folded from its lines (as the rules do, the parser having folded the lines) is the paragraph
    # folded whole
    lines = SEED.read_text(encoding="utf-8").split("\n")
    assert folded_join(lines) == folded("".join(lines))
    assert folded_join(lines) == folded("\n".join(lines))    # a newline folds away


def test_characters_outside_gb2312():
    assert _outside_gb2312("总体情况") == set()
    assert _outside_gb2312("總體情況 ABC —") == {"總", "體", "況"}


def test_per_object_memo_is_made_once_and_lets_the_object_go():
    calls = []

    @per_object
    def words(report):
        calls.append(report)
        return len(report.sections)

    report = parse_file(SEED).report
    assert words(report) == words(report) and len(calls) == 1
    gone = weakref.ref(report)
    del report, calls[:]
    gc.collect()
    assert gone() is None                              # the memo kept no report alive (memory stays flat)


def test_the_fast_fold_is_translate():
    # ``_translate`` keeps a text whose characters all fold to themselves by checks in C (printable, NFKC, none
    # of a few listed characters) instead of looking each up: the same as str.translate for every character of
    # the BMP and for texts mixing the common ones with others; and the positions of a text whose dropped
    # characters only ever took the fast path are still right (run apart: the fold tables only grow)
    texts = ["", "规章", "（一）规章，0 | 5 ；“本年”：\t#*\u3000\xa0'\"\n", "全角ＡＢ１２ ㈠", "〔2024〕—．", MIXED,
             "e\u0301 \u1100\u1161 \U0001d400 \u200b\ufeff", "‘引号’ `代码` 【标题】·"]
    code = ("from gklint.textnorm import fold, _TABLE, _translate\n"
            "t = ' \\u3000a“b”#c*\\xa0d，e'; f, idx = fold(t)\n"
            "assert f == 'abcd,e', f; assert [t[i] for i in idx] == list('abcd，e'), idx\n"
            f"for text in {texts!r}: assert _translate(text) == text.translate(_TABLE), text\n"
            "for o in range(0x10000):\n"
            "    if not 0xD800 <= o <= 0xDFFF: assert _translate(chr(o)) == chr(o).translate(_TABLE), hex(o)\n"
            "print('ok')")
    _fresh_process_says_ok(code)


def test_the_rare_folded_characters_are_replaced_in_place():
    # the printable characters NFKC keeps that fold otherwise (quotes, dashes, brackets: ``_RARE``) are replaced
    # as the common ones are, not by translating the whole text: a text with one of them (〔2023〕 in a long
    # crawled line) folds as str.translate folds it, and the positions of one whose dropped quotes only ever
    # took that path are still right (run apart: the fold tables only grow)
    code = ("from gklint.textnorm import fold, folded, _TABLE, _translate, _RARE\n"
            "t = '文号〔2023〕‘1’号【标题】——·`x`'\n"
            "assert sorted(ch for ch, _f in _RARE) == sorted('`·–—‘’【】〔〕'), _RARE\n"
            "assert _translate(t) == t.translate(_TABLE) == '文号[2023]1号[标题]--.x', _translate(t)\n"
            "f, idx = fold(t); assert f == folded(t) and [t[i] for i in idx] == list('文号〔2023〕1号【标题】——·x'), idx\n"
            "long = '本年度，' * 100 + '〔2023〕' + '“依申请公开”。' * 50\n"
            "assert folded(long) == long.translate(_TABLE)\n"
            "print('ok')")
    _fresh_process_says_ok(code)


def _fresh_process_says_ok(code: str) -> None:
    """Run ``code`` in a fresh Python (the fold tables only grow in a process: a fresh one starts them empty)."""
    import subprocess
    import sys
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).parent.parent)
    assert out.stdout.strip() == "ok", out.stderr
