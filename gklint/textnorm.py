"""Folding text for matching, with a map back to the original columns.

Matching must not be disturbed by full-width/half-width forms, NBSP and other spaces, Markdown ``#`` and
``**``, or curly versus straight quotes; positions must still refer to the original text. ``fold`` returns the
folded string and, for every folded character, the index of the original character it came from.
"""
from __future__ import annotations

import re
import unicodedata
from array import array
from functools import lru_cache

_DROP = set(" \t\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff*#\"'“”‘’`")
# characters NFKC leaves alone that reports use interchangeably
_MAP = {"、": "、", "—": "-", "–": "-", "－": "-", "〔": "[", "〕": "]", "【": "[", "】": "]", "·": "."}

CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in _DROP or ch.isspace():
        return ""
    n = unicodedata.normalize("NFKC", ch)
    if len(n) == 1 and (n in _DROP or n.isspace()):
        return ""
    return "".join(_MAP.get(c, c) for c in n if not c.isspace() and c not in _DROP)


_FOLDED: dict[str, str] = {}      # character → its folded form (grows with the distinct characters seen)


def _fold_of(ch: str) -> str:
    f = _FOLDED.get(ch)
    if f is None:
        f = _FOLDED[ch] = ch if ("a" <= ch <= "z" or "0" <= ch <= "9" or "\u4e00" <= ch <= "\u9fff") else _fold_char(ch)
    return f


def _fold(text: str) -> tuple[str, list[int]]:
    table = {ch: _fold_of(ch) for ch in set(text)}
    out = text.translate(str.maketrans(table))
    if all(len(f) <= 1 for f in table.values()):       # the usual case: each character kept, replaced or dropped
        drop = {ch for ch, f in table.items() if not f}
        return out, [i for i, ch in enumerate(text) if ch not in drop] if drop else list(range(len(text)))
    idx: list[int] = []
    for i, ch in enumerate(text):                       # some character folds to several (NFKC of ㈠, ½ …)
        idx.extend([i] * len(table[ch]))
    return out, idx


# Long texts (sections, paragraphs) are folded by many rules of the same report: the last ones are remembered,
# bounded by their total length (then the memo starts afresh), so memory stays flat over any number of files.
_MEMO: dict[str, tuple[str, array]] = {}
_MEMO_CHARS = 1 << 20
_memo_used = 0


def fold(text: str) -> tuple[str, list[int]]:
    """Folded text and the original index of each folded character."""
    global _memo_used
    hit = _MEMO.get(text)
    if hit is not None:
        return hit[0], hit[1].tolist()
    out, idx = _fold(text)
    if len(text) > 200:
        if _memo_used + len(text) > _MEMO_CHARS:
            _MEMO.clear()
            _memo_used = 0
        if len(text) <= _MEMO_CHARS:
            _MEMO[text] = (out, array("l", idx))
            _memo_used += len(text)
    return out, idx


@lru_cache(maxsize=16384)
def _folded_cached(text: str) -> str:
    return _fold(text)[0]


def folded(text: str) -> str:
    """The folded text alone (cached: labels and cells repeat across rows and reports)."""
    if len(text) <= 200:
        return _folded_cached(text)
    hit = _MEMO.get(text)
    return hit[0] if hit is not None else fold(text)[0]


def cn_number(s: str) -> int | None:
    """一 → 1 ... 十九 → 19; None for anything else."""
    if not s:
        return None
    if all(c in CN_DIGITS for c in s):
        if len(s) == 1:
            return CN_DIGITS[s]
        if s[0] == "十" and len(s) == 2:
            return 10 + CN_DIGITS[s[1]]
        if len(s) == 2 and s[1] == "十":
            return CN_DIGITS[s[0]] * 10
        if len(s) == 3 and s[1] == "十":
            return CN_DIGITS[s[0]] * 10 + CN_DIGITS[s[2]]
    return None


_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[、.,]?|\([一二三四五六七八九十]+\)[、.]?|\d{1,2}[.、,)](?!\d))")


def strip_numbering(f: str) -> tuple[str, str]:
    """Split leading numbering off folded text: ('一、', '本年新收…')."""
    m = _NUMBERING.match(f)
    if not m:
        return "", f
    return m.group(0), f[m.end():]
