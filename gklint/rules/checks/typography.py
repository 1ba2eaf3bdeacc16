"""Check kinds for typography and extraction artefacts (GK6xx): what copying a report out of a web page or a PDF
leaves behind, and typing slips.

All of them read prose only (title, preamble, headings, paragraphs); table lines and page chrome are skipped,
except by ``page_chrome``, whose subject the chrome is. They are notes (info) by default: the text is still
readable, but it should be cleaned before publishing.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate, chain
from typing import Iterator

from ... import fixes
from ...diagnostics import Severity
from ...model import Paragraph, Report
from . import Finding, Opt, kind, lazy_re, per_object
from .. import saferegex
from .content import (ascii_lines_with, line_starts, lines_with, literal_lines, mask_urls, prose_lines, prose_text,
                      prose_units, quote, trimmed_span, units_are_lines)

_CJK_RANGE = "\u3400-\u4dbf\u4e00-\u9fff"
FULLWIDTH = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "?": "？", "!": "！"}
_CJK_PUNCT = "，。、；：？！“”‘’《》〈〉「」『』【】（）〔〕…—·"


def is_cjk(ch: str) -> bool:
    return bool(ch) and ("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf")


def is_cjk_text(ch: str) -> bool:
    """A CJK ideograph or a full-width Chinese punctuation mark."""
    return is_cjk(ch) or (bool(ch) and ch in _CJK_PUNCT)


def _neighbour(text: str, i: int, step: int) -> str:
    """The nearest character that is not a space, from index ``i`` in direction ``step``."""
    j = i + step
    while 0 <= j < len(text) and text[j] in " \t\u3000\u00a0":
        j += step
    return text[j] if 0 <= j < len(text) else ""


@per_object
def _units_text(report: Report) -> tuple[str, tuple[int, ...]]:
    """The prose units' lines joined by "\n", and where each line starts in it (made once per report): one scan of
    this text tells which lines a pattern that cannot match a line break (or across one) finds something in, so
    the per-line work runs only on those lines (most lines have nothing)."""
    if units_are_lines(report):
        return prose_text(report)            # the same lines: the same text
    texts = [line.text for unit in prose_units(report) for line in unit]
    return "\n".join(texts), line_starts(texts)


def _lines_with(report: Report, rx) -> set[int]:
    """Indexes (into the prose units' lines, in order) of the lines where ``rx`` finds something (``rx``: as for
    content.lines_with; compiled from bytes: a class of ASCII characters, as ascii_lines_with asks)."""
    if isinstance(rx.pattern, bytes):
        return set(ascii_lines_with(_units_ascii(report), rx))
    return set(lines_with(*_units_text(report), rx))


@per_object
def _units_ascii(report: Report) -> bytes:
    """The ASCII characters of the prose units' text (``_units_text``), "\n"s included, in order (once per report:
    content.ascii_lines_with scans it for a class of ASCII characters instead of the whole text)."""
    return _units_text(report)[0].encode("ascii", "ignore")


# ----------------------------------------------------------------------------------------------------------
# GK601: half-width punctuation between Chinese characters
# ----------------------------------------------------------------------------------------------------------

_LEADING_ENUM = lazy_re(r"^[\s\u3000#*>]*[(（]\s*(?:[一二三四五六七八九十]{1,3}|\d{1,2})\s*[)）]")


@lru_cache(maxsize=64)
def _any_of(marks: str) -> tuple[re.Pattern, bool]:
    """A pattern for any of ``marks``, and whether a line without one can still have one after masking (a
    space among the marks: masking adds spaces)."""
    rx = re.compile("[" + re.escape(marks) + "]") if marks else re.compile("(?!)")
    return rx, any(ch.isspace() for ch in marks)


@lru_cache(maxsize=64)
def _lines_rx(marks: str) -> re.Pattern:
    """``_any_of(marks)``'s pattern as _lines_with scans the units with it: of bytes when every mark is ASCII (the
    usual marks: the scan is then over the units' ASCII characters alone, see content.ascii_lines_with)."""
    if marks and marks.isascii():
        return re.compile(("[" + re.escape(marks) + "]").encode("ascii"))
    return _any_of(marks)[0]


_GAPS = " \t\u3000\u00a0"                # what _neighbour steps over
_CJK_TEXT = f"[{_CJK_RANGE}{re.escape(_CJK_PUNCT)}]"     # what is_cjk_text says yes to


@lru_cache(maxsize=64)
def _between(marks: str) -> re.Pattern | None:
    """A pattern for each of ``marks`` whose nearest non-space neighbour on the right is Chinese text and whose
    character on the left is Chinese text or a space (then the caller walks left past the spaces): it starts
    with the marks, so the scan jumps from mark to mark, and the look-behind (two characters: the one before and
    the mark) is tried only there. None when a mark is a space or is empty (it would be stepped over as one)."""
    if not marks or any(ch.isspace() or ch in _GAPS for ch in marks):
        return None
    m = re.escape(marks)
    return re.compile(f"[{m}](?<=[{_CJK_RANGE}{re.escape(_CJK_PUNCT + _GAPS)}][{m}])(?=[{_GAPS}]*{_CJK_TEXT})")


def halfwidth_marks(text: str, marks: str) -> list[int]:
    """Indexes of half-width marks whose nearest non-space neighbours on both sides are Chinese text."""
    rx, spaces = _any_of(marks)
    if not spaces and not rx.search(text):
        return []                            # no mark at all: most lines
    masked = mask_urls(text)
    start = end = 0
    m = _LEADING_ENUM.match(masked)
    if m:
        start, end = m.start(), m.end()      # a leading （一）: its parentheses are not reported
    between = _between(marks)
    if between is not None:
        return [i for m in between.finditer(masked) if not start <= (i := m.start()) < end
                and (masked[i - 1] not in _GAPS or is_cjk_text(_neighbour(masked, i, -1)))]
    out = []
    for hit in rx.finditer(masked):          # the marks only, not every character
        i = hit.start()
        if not start <= i < end and is_cjk_text(_neighbour(masked, i, -1)) and is_cjk_text(_neighbour(masked, i, 1)):
            out.append(i)
    return out


@per_object
def _unit_ends(report: Report) -> tuple[int, ...]:
    """For each prose unit, the index (into the units' lines, in order) just past its last line."""
    return tuple(accumulate(map(len, prose_units(report))))


@kind("halfwidth_punctuation", options={
    "marks": Opt(str, ",;:()?!", doc="the half-width marks to look for"),
})
def check_halfwidth_punctuation(rule, report: Report, ctx):
    """Half-width , ; : ( ) ? ! between Chinese characters; one finding per paragraph, at the first one."""
    marks = rule.opt("marks")
    rx, spaces = _any_of(marks)
    units = prose_units(report)
    if spaces:
        look = range(len(units))             # a mark is a space: masking adds spaces, every unit is looked at
    else:
        # a line without a mark has no finding: only the units of the lines one scan finds a mark in
        ends = _unit_ends(report)
        look = sorted({bisect_right(ends, k) for k in _lines_with(report, _lines_rx(marks))})
    lines = report.lines
    for u in look:
        # per line of the paragraph, where its marks are (most lines of a paragraph that has one have none)
        found = [(line, js) for line in units[u] if (js := halfwidth_marks(line.text, marks))]
        if not found:
            continue
        line, js = found[0]
        i = js[0]
        chars = "".join(dict.fromkeys(chain.from_iterable(map(l.text.__getitem__, js) for l, js in found)))
        edits = []
        for l, js in found:                  # one edit per mark: made a line at a time (fixes.char_edits)
            more = fixes.char_edits(lines, l.line, l.column, l.text, js, FULLWIDTH)
            if more is None:
                edits = None                 # a fix is applied whole or not at all
                break
            edits += more
        yield Finding(line.span(i, i + 1), {
            "count": sum(map(len, (js for _l, js in found))), "chars": "、".join(f"“{c}”" for c in chars),
            "context": quote(line.text[max(0, i - 8):i + 8], 20)},
            fix=fixes.make(edits, "改为全角标点") if edits else None)


# ----------------------------------------------------------------------------------------------------------
# GK602: web-page chrome
# ----------------------------------------------------------------------------------------------------------


_COMMAS = lazy_re(r"[，；]")


def _is_prose(text: str) -> bool:
    return "。" in text or len(_COMMAS.findall(text)) >= 2


FRONT_CHROME = [r"当前所在位置|您的位置|当前位置", r"^访问量\s*[:：]", r"^(?:关怀版|无障碍|长者模式|繁体|简体)(?:\s|$)",
                r"^首页\s*(?:>|＞|\s)", r"^(?:登录|注册)(?:\s|$)",
                r"^(?:【\s*)?(?:打印|关闭|收藏|分享)(?:本页|窗口)?(?:\s*】)?(?:\s|$)"]


# the family of what mirror sites inject: gambling and lottery advertising (never in a government report)
SPAM = r"博彩|赌场|赌博网|百家乐|娱乐城|真人(?:娱乐|视讯)|棋牌(?:游戏|平台)|时时彩|六合彩|老虎机|体育投注|在线投注|" \
       r"(?:首存|充值|开户|注册)(?:即)?送\d*|葡京|威尼斯人|太阳城|皇冠(?:体育|网址|娱乐)|彩票(?:平台|官网|网址)"


# every alternative of SPAM contains one of these literally (送 only after 首存/充值/开户/注册): a text with
# none of them cannot match it (tests/test_prefilters.py checks the list against the pattern)
SPAM_LITERALS = ("博彩", "赌场", "赌博网", "百家乐", "娱乐城", "真人", "棋牌", "时时彩", "六合彩", "老虎机", "体育投注",
                 "在线投注", "首存", "充值", "开户", "注册", "葡京", "威尼斯人", "太阳城", "皇冠", "彩票")


# what each of SPAM_LITERALS contains (tests/test_prefilters.py checks it): a text with none of these has none of
# them. Characters no government report has (none of the 86 real reports gklint was tried on has one) where a
# literal has one, else the literal itself: a substring test is a C scan (memchr for one character, ~1 machine
# instruction a character), where an alternation of the literals costs sre ~90 a character
SPAM_NEEDLES = ("彩", "赌", "娱", "棋", "虎", "值", "葡", "尼", "皇", "百家乐", "真人", "投注", "首存", "开户", "注册", "太阳城")


def _spam_in(text: str, budget: saferegex.Budget) -> bool:
    return any(needle in text for needle in SPAM_NEEDLES) and budget.search(SPAM, text) is not None


@kind("page_chrome", options={
    "front": Opt(list, list(FRONT_CHROME),
                 doc="more chrome patterns, looked for in short lines before the first section only", regex=True),
    "spam": Opt(str, SPAM, doc="advertising injected by mirror sites, looked for in every prose line "
                               "(message key `spam`); empty to skip", regex=True),
})
def check_page_chrome(rule, report: Report, ctx):
    """Lines of web-page furniture (来源 / 浏览次数 / 打印 / 扫一扫在手机打开当前页 …) copied with the report.

    The parser's chrome lines, plus short front-matter lines matching ``front`` (breadcrumbs, 访问量, 关怀版 …).
    """
    # a sentence that merely mentions 打印 or 扫一扫 is prose the line classifier took for chrome: not reported
    lines = {(l.line, l.column): l for l in report.chrome if not _is_prose(l.text)}
    pats = tuple(rule.opt("front") or [])
    budget = saferegex.Budget()
    for b in report.preamble:
        if isinstance(b, Paragraph) and len(b.lines) == 1:
            line = b.lines[0]
            t = line.text.strip(" \t\u3000\u00a0#*")
            if len(t) <= 60 and "。" not in t and budget.found_any(pats, t):
                lines.setdefault((line.line, line.column), line)
    spam = rule.opt("spam")
    # the built-in SPAM has no anchor, no look-around and nothing that matches a line break: it matches in some
    # line only if it matches in the lines joined by "\n", so when none of the literals it cannot match without
    # is in that text (nearly every report: a substring test is far cheaper than the alternation's scan), no line
    # needs searching; another pattern is searched line by line
    if spam and (spam != SPAM or _spam_in(prose_text(report)[0], budget)):
        for _sec, line in prose_lines(report):
            m = budget.search(spam, line.text)
            if m and (line.line, line.column) not in lines:
                yield Finding(line.span(m.start(), m.end()), {"text": quote(line.text, 40), "word": m.group(0)},
                              message="spam", severity=Severity.WARNING)
    for _k, line in sorted(lines.items()):
        whole = 1 <= line.line <= len(report.lines) and report.lines[line.line - 1].strip() == line.text.strip()
        yield Finding(trimmed_span(line), {"text": quote(line.text, 40)},
                      fix=fixes.delete_lines(report.lines, line.line, line.line, "删除这一行") if whole else None)


# ----------------------------------------------------------------------------------------------------------
# GK603: a sentence broken across lines
# ----------------------------------------------------------------------------------------------------------

# a line that ends like this cannot end a paragraph
_OPEN_END = lazy_re(rf"[{_CJK_RANGE}，、（《“‘]$")
# a line that starts like this begins a new item, not the rest of a sentence
_NEW_ITEM = lazy_re(
    r"^(?:[一二三四五六七八九十]+是|[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|"
    r"\d{1,2}[.、．)）](?!\d)|[①-⑳]|第[一二三四五六七八九十]+[，,、是条]|首先|其次|再次|最后|此外|另外|同时|附件|附：)")
_HEADING_LIKE = lazy_re(r"^(?:[(（]?[一二三四五六七八九十\d]+[)）、.．]|[一二三四五六七八九十]+是)")


def _clean(text: str) -> str:
    return text.strip(" \t\u3000\u00a0#*>")


def _broken(a: str, b: str, min_chars: int) -> bool:
    """Does line ``a`` stop in the middle of a sentence that line ``b`` continues?"""
    a, b = _clean(a), _clean(b)
    # a match of _OPEN_END is the last character (or the one before a final newline): the last two decide it
    if len(a) < min_chars or not b or not _OPEN_END.search(a[-2:]):
        return False
    if not re.search(r"[，。；：、！？,;:]", a + b):
        return False  # no punctuation in either half: a title or heading laid out on two lines, not prose
    if not is_cjk(b[0]) or _NEW_ITEM.match(b):
        return False
    # an unrecognised short heading ("（一）存在的问题", "一是…") ends without punctuation on purpose
    if _HEADING_LIKE.match(a) and len(a) <= 40 and not re.search(r"[。；;，,]", a):
        return False
    return True


@kind("broken_lines", options={
    "max_blank": Opt(int, 3, doc="blank lines allowed between the two halves"),
    "min_chars": Opt(int, 15, doc="the broken line has at least this many characters (short lines are headings)"),
})
def check_broken_lines(rule, report: Report, ctx):
    """A sentence cut in two by PDF or web extraction: a line stops mid-sentence and the next one continues it."""
    max_blank, min_chars = rule.opt("max_blank"), rule.opt("min_chars")
    groups = [list(report.preamble)] + [list(s.blocks) for s in report.sections]
    for blocks in groups:
        for i, blk in enumerate(blocks):
            if not isinstance(blk, Paragraph):
                continue
            pairs = list(zip(blk.lines, blk.lines[1:]))
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            if isinstance(nxt, Paragraph):
                pairs.append((blk.lines[-1], nxt.lines[0]))
            for a, b in pairs:
                head = _clean(a.text)
                if len(head) < min_chars or not _OPEN_END.search(head[-2:]):
                    continue                 # what _broken asks of the first line first (most lines end with 。)
                gap = range(a.line + 1, b.line)
                if b.line <= a.line or len(gap) > max_blank or any(report.lines[n - 1].strip() for n in gap):
                    continue
                if a.column + len(a.text) <= len(report.lines[a.line - 1].rstrip()) or b.column != 1:
                    continue  # a segment of a long crawled line, not a physical line end
                if _broken(a.text, b.text, min_chars):
                    end = len(a.text.rstrip(" \t\u3000\u00a0*"))
                    yield Finding(a.span(end - 1, end), {"tail": quote(_clean(a.text)[-12:], 12),
                                                         "head": quote(_clean(b.text)[:12], 12),
                                                         "next_line": b.line})


# ----------------------------------------------------------------------------------------------------------
# GK604: a word typed twice
# ----------------------------------------------------------------------------------------------------------

_DUP = lazy_re(rf"([{_CJK_RANGE}]{{2,4}})\1")
_NUMERALS = set("零〇一二三四五六七八九十百千万亿两")
ALLOWED_DOUBLES = ["研究研究", "讨论讨论", "学习学习", "商量商量", "考虑考虑", "了解了解", "交流交流", "休息休息",
                   "检查检查", "整理整理", "打扫打扫", "比划比划", "琢磨琢磨", "活动活动", "锻炼锻炼"]
# single characters whose doubling is a slip ("的的"), except in these words
SINGLE_EXCEPT = {"的": lazy_re(r"(?:[目有端靶标真似别])的的|的的确确")}


def duplicated_words(text: str, allow: set[str], singles: list[str]) -> Iterator[tuple[int, int, str]]:
    for m in _DUP.finditer(text):
        unit = m.group(1)
        word = m.group(0)
        if len(set(unit)) == 1 or set(unit) <= _NUMERALS or word in allow:
            continue
        if len(unit) == 2 and unit[0] == "一":
            continue  # 一步一步, 一件一件
        yield m.start(), m.end(), unit
    for ch in singles:
        if ch * 2 not in text:
            continue                         # the usual case: no doubled character to look at
        for m in re.finditer(re.escape(ch) * 2, text):
            exc = SINGLE_EXCEPT.get(ch)
            window_start = max(0, m.start() - 1)
            window = text[window_start:m.end() + 2]
            if exc and any(e.start() + window_start <= m.start() and m.end() <= e.end() + window_start
                           for e in exc.finditer(window)):
                continue
            if m.start() > 0 and text[m.start() - 1] == ch:
                continue  # part of a longer run
            yield m.start(), m.end(), ch


_TWO_EQUAL = bytes(2)       # two zero bytes: in a difference, two characters' low bytes equal in a row
_MAX_PLACES = 256           # steps over places beyond which _DUP's own scan is used (a report has a handful)


def _repeat_starts(text: str) -> set[int] | None:
    """Every ``i`` where the two characters at ``i`` equal the two at ``i + k``, for some k of 2, 3 or 4: where a
    match of _DUP (a unit of 2–4 characters, then the same again) can start, and more. The text is taken as one
    big integer of bytes, the low byte of each character's UTF-16 code unit, and compared with itself shifted by
    k bytes in one XOR (C loops over bytes): a zero pair of bytes is where two characters' low bytes equal those
    k later, and where the characters themselves do too (asked of the text) is such an ``i``. _DUP's scan tries
    up to three lengths and a back-reference at every position (most of this kind's cost); this is several
    times cheaper, and the few places it gives are then asked of _DUP itself. (One byte per character, not the
    code unit's two: half the bytes for the integer's conversions, most of this function's cost; pairs whose
    low bytes are equal while the characters are not are rare.) None for a text with a character outside the
    BMP (two code units for one character: the offsets would not be indexes), or when the places take more than
    _MAX_PLACES steps (long runs of one character, of spaces …: each costs a step here, where the scan is
    quick)."""
    data = text.encode("utf-16-le", "surrogatepass")
    if len(data) != 2 * len(text):
        return None
    low = data[::2]
    whole = int.from_bytes(low, "little")
    out: set[int] = set()
    steps = 0
    for k in (2, 3, 4):
        diff = (whole ^ (whole >> (8 * k))).to_bytes(len(low), "little")
        p = diff.find(_TWO_EQUAL)
        while p >= 0:
            steps += 1
            if steps > _MAX_PLACES:
                return None
            if text[p:p + 2] == text[p + k:p + k + 2]:
                out.add(p)
            p = diff.find(_TWO_EQUAL, p + 1)
    return out


def _dup_lines(text: str, starts: tuple[int, ...]) -> set[int]:
    """``set(lines_with(text, starts, _DUP))``: the lines (indexes into ``starts``) with a match of _DUP, found
    from the places :func:`_repeat_starts` gives (a match starts at one of them: its unit's first two
    characters come again ``len(unit)`` later), each asked whether a match starts there."""
    places = _repeat_starts(text)
    if places is None:
        return set(lines_with(text, starts, _DUP))
    match = _DUP.match
    return {bisect_right(starts, i) - 1 for i in places if match(text, i) is not None}


@kind("duplicated_words", options={
    "allow": Opt(list, list(ALLOWED_DOUBLES), doc="repetitions that are correct Chinese (ABAB verbs)"),
    "single": Opt(list, ["的"], doc="single characters whose doubling is reported (的的)"),
})
def check_duplicated_words(rule, report: Report, ctx):
    """A run of 2–4 Chinese characters typed twice (资金资金), or 的的; reduplications such as 常常, 层层,
    切切实实 (single characters and AABB forms) and 研究研究 are correct Chinese and not reported."""
    allow = set(rule.opt("allow") or [])
    singles = [s for s in rule.opt("single") or [] if len(s) == 1]
    text, starts = _units_text(report)
    # only a line with a match of _DUP (which no line break can be part of) or a doubled single can have a
    # finding: the rest are not looked at (nor walked over: the lines are taken by index)
    look = _dup_lines(text, starts) | literal_lines(text, starts, tuple(ch * 2 for ch in singles))
    if not look:
        return
    lines = list(chain.from_iterable(prose_units(report)))     # the units' lines, in the order of ``starts``
    for n in sorted(look):
        line = lines[n]
        for a, b, w in duplicated_words(line.text, allow, singles):
            yield Finding(line.span(a, b), {"word": line.text[a:b], "unit": w,
                                            "context": quote(line.text[max(0, a - 6):b + 6], 24)})


# ----------------------------------------------------------------------------------------------------------
# GK605: stray English words
# ----------------------------------------------------------------------------------------------------------

ACRONYMS = ["app", "apps", "pdf", "doc", "docx", "xls", "xlsx", "ofd", "wps", "ppt", "txt", "html", "htm", "qq",
            "oa", "ai", "gdp", "h5", "wifi", "email", "www", "com", "cn", "gov", "net", "org", "ip", "id", "gps",
            "led", "vr", "ar", "tv", "km", "kg", "cm", "mm", "ml", "mb", "gb", "kb", "kw", "kwh", "mhz", "ghz",
            "excel", "word", "ok", "vs"]
# a run of letters with none of [A-Za-z0-9_.@/\\-] on either side; the look-behind sits after the first letter
# (it asks of the character before it), so the pattern starts with a letter and the scan jumps from letter to
# letter instead of trying the look-behind at every position (~3x faster on the lines that have letters)
_WORD = lazy_re(r"[A-Za-z](?<![A-Za-z0-9_.@/\\-][A-Za-z])[A-Za-z]*(?![A-Za-z0-9_.@/\\-])")


_LATIN = lazy_re(r"[A-Za-z]")
_LATIN_BYTES = lazy_re(rb"[A-Za-z]")      # the same, over the units' ASCII characters (_lines_with)


def stray_words(text: str, allow: set[str]) -> Iterator[tuple[int, int]]:
    if not _LATIN.search(text):
        return                               # no word to find (masking adds no letter)
    masked = mask_urls(text)
    for m in _WORD.finditer(masked):
        w = m.group(0)
        if w.lower() in allow or len(w) < 2:
            continue
        # an acronym or a proper name (AB岗, QQ, iPhone) is not a stray word: only lower-case or Title-case words
        if not (w.islower() or (w[0].isupper() and w[1:].islower() and len(w) >= 3)):
            continue
        if is_cjk_text(_neighbour(masked, m.start(), -1)) and is_cjk_text(_neighbour(masked, m.end() - 1, 1)):
            yield m.start(), m.end()


@kind("stray_english", options={
    "allow": Opt(list, list(ACRONYMS), doc="words that are fine in Chinese text (case-insensitive)"),
})
def check_stray_english(rule, report: Report, ctx):
    """An English word between Chinese characters (“思想 and 党的”), usually a translation or conversion slip."""
    # only a line with a Latin letter can have a word (masking adds none): one scan of the units' ASCII characters
    # finds them (no line in most reports), and only those lines are looked at, in order
    marked = ascii_lines_with(_units_ascii(report), _LATIN_BYTES)
    if not marked:
        return
    allow = {w.lower() for w in rule.opt("allow") or []}
    units, ends = prose_units(report), _unit_ends(report)
    for k in marked:
        u = bisect_right(ends, k)
        line = units[u][k - ends[u - 1] if u else k]
        for a, b in stray_words(line.text, allow):
            yield Finding(line.span(a, b), {"word": line.text[a:b],
                                            "context": quote(line.text[max(0, a - 8):b + 8], 30)})


# ----------------------------------------------------------------------------------------------------------
# GK606: spaces around a section heading's numeral
# ----------------------------------------------------------------------------------------------------------
_SPACE = "[ \u3000\u00a0\t]"
_HEAD_PREFIX = lazy_re(rf"^(第?[一二三四五六七八九十]+(?:部分)?)({_SPACE}*)([、.．,，]?)({_SPACE}*)(?=\S)")


@kind("heading_spacing")
def check_heading_spacing(rule, report: Report, ctx):
    """Spaces between a section heading's numeral, its 、 and its words (``五、 存在…``, ``六 、其他…``), with a
    safe fix that removes them; the heading's words themselves are GK106's business."""
    for s in report.sections:
        sp = s.span
        if sp is None or sp.line != sp.end_line or not 1 <= sp.line <= len(report.lines):
            continue
        text = report.lines[sp.line - 1][sp.column - 1:sp.end_column - 1]
        m = _HEAD_PREFIX.match(text)
        if not m or not (m.group(2) or m.group(4)):
            continue
        old, new = m.group(0), m.group(1) + (m.group(3) or "、")
        span = type(sp)(sp.line, sp.column, sp.line, sp.column + len(old))
        yield Finding(span, {"heading": text.strip(), "written": old, "fixed": new},
                      fix=fixes.make([fixes.edit(report.lines, span, new, old)], f"改为“{new}”"))
