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
from typing import Iterable, Sequence

from .memo import KEPT, remember

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


class _Table(dict):
    """ord(character) → its folded form, for ``str.translate``: each character is folded the first time it is
    seen (the table grows with the distinct characters seen, as the cache of ``_fold_char`` would)."""

    def __missing__(self, o: int) -> str:
        ch = chr(o)
        f = ch if ("a" <= ch <= "z" or "0" <= ch <= "9" or "\u4e00" <= ch <= "\u9fff") else _fold_char(ch)
        if len(f) != 1:
            (_SPLIT if f else _DROPPED).add(ch)     # (before the table has it: a map never misses it)
        self[o] = f
        return f


_TABLE = _Table()


class _Seen:
    """Characters seen of one kind, and a pattern of a run of them (compiled again when a new one has been
    seen: a text is scanned once, in C, whatever the number of characters)."""

    def __init__(self) -> None:
        self.chars: set[str] = set()
        self._compiled: tuple[re.Pattern, int] | None = None     # the pattern and how many characters it has

    def add(self, ch: str) -> None:
        self.chars.add(ch)

    def runs(self) -> re.Pattern:
        hit = self._compiled
        if hit is None or hit[1] != len(self.chars):
            chars = tuple(self.chars)       # (one snapshot: the pattern and its count agree, whatever other threads add)
            hit = self._compiled = (re.compile("[" + "".join(sorted(re.escape(ch) for ch in chars)) + "]+"), len(chars))
        return hit[0]

    def within(self, text: str) -> bool:
        return bool(self.chars) and self.runs().search(text) is not None


# the characters seen whose folded form is not exactly one character: dropped (spaces, Markdown marks, quotes …)
# or split (NFKC of ㈠, ½ …); they only grow, with the distinct characters seen
_DROPPED = _Seen()
_SPLIT = _Seen()

# ``text.translate(_TABLE)`` looks every character up in a Python mapping: ~700 machine instructions a character,
# most of the cost of folding a report. Most characters of a report fold to themselves (Han, ASCII, 。、《》), and
# most others are a few common ones (spaces, ，（）：；, quotes, Markdown marks). So ``_translate`` replaces the
# common ones (``str.replace``, in C) and keeps the result when every character left folds to itself, which three
# checks in C tell (no regular expression: a class of the Han range takes ~3 ms to compile): it is printable
# (no space, control or zero-width character is: " " was replaced), it is in NFKC (a character NFKC changes
# is never in NFKC, whatever stands around it), and it holds none of the printable characters that fold
# otherwise although NFKC keeps them (quotes, dashes, brackets: ``_FOLDED_ALTHOUGH_NFKC``, replaced in turn). ~10x
# cheaper; any other text is translated. (The common and rare ones are looked up in _TABLE here, so the dropped
# ones are in _DROPPED, which ``_fold`` maps positions with.)
_COMMON = tuple((ch, _TABLE[ord(ch)]) for ch in " \t\n\xa0\u3000，（）：；“”#*\"'")
_FOLDED_ALTHOUGH_NFKC = tuple(sorted(ch for ch in (*_DROP, *_MAP) if ch.isprintable() and ch not in dict(_COMMON)
                                     and (ch in _DROP or _MAP[ch] != ch) and unicodedata.is_normalized("NFKC", ch)))
# ... and what they fold to (none or one character, itself folding to itself: each is replaced in place, as the
# common ones are). A text with one of them (〔2023〕, 【】, an em dash: a long crawled line often has one) was
# translated a character at a time
_RARE = tuple((ch, _TABLE[ord(ch)]) for ch in _FOLDED_ALTHOUGH_NFKC)
assert all(len(f) <= 1 and _TABLE[ord(f)] == f for _ch, f in _COMMON + _RARE if f)


def _translate(text: str) -> str:
    """``text.translate(_TABLE)`` (every character of the text that does not fold to itself in _TABLE after)."""
    out = text
    for ch, f in _COMMON:
        if ch in out:
            out = out.replace(ch, f)
    if out.isprintable() and unicodedata.is_normalized("NFKC", out):
        # every character left folds to itself but those of _RARE (printable, in NFKC), replaced by their folds
        for ch, f in _RARE:
            if ch in out:
                out = out.replace(ch, f)
        return out
    return text.translate(_TABLE)


def _fold(text: str, out: str | None = None) -> tuple[str, list[int]]:
    """``fold`` itself (``out``: the folded text when the caller has it)."""
    if out is None:
        out = _translate(text)              # (every character of the text that does not fold to itself in _TABLE)
    if not _SPLIT.within(text):
        if len(out) == len(text):                       # every character kept or replaced one for one
            return out, list(range(len(text)))
        # the usual case: some characters dropped. The kept stretches between them, each a range (in C), not a
        # test per character
        kept: list[int] = []
        at = 0
        for m in _DROPPED.runs().finditer(text):
            kept.extend(range(at, m.start()))
            at = m.end()
        kept.extend(range(at, len(text)))
        return out, kept
    idx: list[int] = []
    for i, ch in enumerate(text):                       # some character folds to several (NFKC of ㈠, ½ …)
        idx.extend([i] * len(_TABLE[ord(ch)]))
    return out, idx


# Long texts (sections, paragraphs) are folded by many rules of the same report: the last ones are remembered,
# bounded by their total length (then the memo starts afresh), so memory stays flat over any number of files.
# An entry's map is made only when some caller asks for positions (most only match on the folded text).
_MEMO: dict[str, tuple[str, array | None]] = {}
_MEMO_CHARS = 1 << 18
_memo_used = 0


def _remember(text: str, out: str, idx: array | None) -> None:
    global _memo_used
    if text not in _MEMO:
        if _memo_used + len(text) > _MEMO_CHARS:
            _MEMO.clear()
            _memo_used = 0
        if len(text) > _MEMO_CHARS:
            return
        _memo_used += len(text)
    _MEMO[text] = (out, idx)


def fold(text: str) -> tuple[str, list[int]]:
    """Folded text and the original index of each folded character."""
    hit = _MEMO.get(text)
    if hit is not None and hit[1] is not None:
        return hit[0], hit[1].tolist()
    out, idx = _fold(text)
    if len(text) > 200:
        _remember(text, out, array("l", idx))
    return out, idx


def fold_positions(text: str) -> tuple[str, Sequence[int]]:
    """``fold(text)``, its map a ``range`` where it is the identity (the usual case): for a caller that needs
    the positions of a few characters of a long text, not a list of one index per character."""
    hit = _MEMO.get(text)
    if hit is not None and hit[1] is not None:
        return hit
    out = hit[0] if hit is not None else _translate(text)     # folded already (``folded``), the map not
    if len(out) == len(text) and not _SPLIT.within(text):
        return out, range(len(text))
    return _fold(text, out)


class _Folded(dict):
    """text → folded text for short texts (labels and cells repeat across rows and reports; at most ``memo.KEPT`` kept):
    a hit is one dictionary look-up, as the parser asks for tens of thousands per report."""

    def __missing__(self, text: str) -> str:
        if len(text) > 200:
            hit = _MEMO.get(text)
            if hit is not None:
                return hit[0]
            out = _translate(text)
            _remember(text, out, None)
            return out
        out = remember(self, text, _translate(text), KEPT)
        return out


#: folded(text) → the folded text alone (cached; no positions: see ``fold``)
folded = _Folded().__getitem__


def folded_join(parts: Iterable[str]) -> str:
    """``folded("".join(parts))`` made from the folds of the parts (folding is character by character): the
    parser has folded a report's lines already, so a paragraph made of them costs one look-up per line."""
    return "".join(map(folded, parts))


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
