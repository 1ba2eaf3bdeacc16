"""Stage 2: classify the report's lines and parse them into the outline with the Lark grammar.

``grammars/report.lark`` is an LALR grammar over line terminals; ``tokenize`` here decides which terminal each
logical line is and ``terminals`` hands runs of lines over as one. The grammar's tables, built by Lark once and
kept, are walked by ``gklint.parse.lalr_driver`` (Lark itself parses only where they cannot be had:
``gklint.parse.lark_outline``).
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import repeat

from ..memo import KEPT, remember
from ..model.nodes import LINE_DRAFT, Line
from ..model.template import load_template
from ..records import frozen
from ..textnorm import cn_number, folded, strip_numbering
from .lalr_driver import Token, Tree, tables

# ----------------------------------------------------------------------------------------------------------
# Section headings
# ----------------------------------------------------------------------------------------------------------
_LOST_NUMERAL = re.compile(r"^[、.,](.+)$")
_HEAD_NUM = re.compile(r"^(?:第([一二三四五六七八九十]+)部分|([一二三四五六七八九十]+))[、.,:]?(.+)$")
_KEYWORDS = (
    (1, lambda r: "总体情况" in r and len(r) <= 16),
    (2, lambda r: "主动公开政府信息" in r and "情况" in r and len(r) <= 16),
    (3, lambda r: "收到和处理" in r and "申请" in r),
    (4, lambda r: "复议" in r and "诉讼" in r and len(r) <= 40),
    (5, lambda r: ("问题" in r and "改进" in r) and len(r) <= 30),
    (6, lambda r: ("其他需要报告" in r or r in ("其他事项", "其他需报告的事项")) and len(r) <= 16),
)


@frozen
class HeadingMatch:
    """Which template section a heading's words name, and how it was numbered."""

    number: int            # template section by its words
    numeral: int | None    # as numbered
    canonical: bool
    alias: bool

    def __init__(self, number: int, numeral: int | None, canonical: bool, alias: bool) -> None:
        _set = object.__setattr__       # (a frozen dataclass: gklint.records)
        _set(self, "number", number)
        _set(self, "numeral", numeral)
        _set(self, "canonical", canonical)
        _set(self, "alias", alias)


@lru_cache(maxsize=None)
def _section_keys() -> dict[str, tuple[int, bool]]:
    keys: dict[str, tuple[int, bool]] = {}
    for s in load_template("2021").sections:
        keys[folded(s.heading)] = (s.number, True)
        for a in s.aliases:
            keys.setdefault(folded(a), (s.number, False))
    return keys


_HEAD_FIRST = frozenset("第一二三四五六七八九十、.,")    # how a heading (or one that lost its numeral) starts


def match_section_heading(f: str) -> HeadingMatch | None:
    """Is this folded line one of the six template headings? By its words, whatever its numeral."""
    if len(f) > 48 or not f or f[0] not in _HEAD_FIRST or "。" in f[:-1]:
        return None
    return _heading(f)


@lru_cache(maxsize=KEPT)
def _heading(f: str) -> HeadingMatch | None:
    """``match_section_heading`` of a short line that starts like a heading (headings recur in every report)."""
    m = _HEAD_NUM.match(f)
    if not m:
        lost = _LOST_NUMERAL.match(f)   # "、主动公开政府信息情况": the template's words, the numeral lost (GK105)
        key = _section_keys().get(lost.group(1).rstrip("。.:：;；")) if lost else None
        return HeadingMatch(key[0], None, key[1], not key[1]) if key else None
    numeral = cn_number(m.group(1) or m.group(2))
    rest = m.group(3).rstrip("。.:：;；")
    keys = _section_keys()
    if rest in keys:
        number, canonical = keys[rest]
        return HeadingMatch(number, numeral, canonical, not canonical)
    for number, test in _KEYWORDS:
        if test(rest):
            return HeadingMatch(number, numeral, False, False)
    return None


# Inline headings inside very long crawled lines (a whole report on one line).
_INLINE_HEAD = re.compile(
    r"[一二三四五六]\s*[、.．]\s*(?:政府信息公开(?:工作)?总体情况|总体情况|主动公开政府信息(?:的)?情况|"
    r"(?:行政机关)?收到和处理政府信息公开申请(?:的)?情况|"
    r"(?:因)?政府信息公开(?:工作)?(?:被申请|申请)?行政复议[、和]?(?:提起)?行政诉讼(?:的)?情况|"
    r"(?:政府信息公开工作)?存在的主要问题(?:及|和)改进(?:情况|措施)|其他需要报告的事项)")
LONG_LINE = 400


def logical_lines(text: str) -> list[tuple[str, int, int]]:
    """Physical lines as (text, line, column); a very long line is cut before and after each inline section
    heading. Plain tuples: only the non-blank ones become ``Line`` objects (``tokenize``)."""
    out: list[tuple[str, int, int]] = []
    for n, raw in enumerate(text.split("\n"), 1):
        if len(raw) <= LONG_LINE or "\t" in raw:
            out.append((raw, n, 1))
            continue
        cuts = {0, len(raw)}
        for m in _INLINE_HEAD.finditer(raw):
            cuts.update((m.start(), m.end()))
        pts = sorted(cuts)
        for a, b in zip(pts, pts[1:]):
            if raw[a:b].strip():
                out.append((raw[a:b], n, a + 1))
    return out


# ----------------------------------------------------------------------------------------------------------
# Line classification
# ----------------------------------------------------------------------------------------------------------
# Web-page furniture. Two patterns, so that the regex engine can skip to a possible start: every alternative of
# _CHROME_ANY begins with a literal character (then ``re`` scans for the set of those characters in C instead
# of trying forty alternatives at every position: ~10x on a long line); _CHROME_START holds the alternatives
# anchored at the start of the line. No alternative of one can match where one of the other does at the start,
# so ``_chrome_hits`` counts exactly the non-overlapping matches of the two as one alternation.
_CHROME_ANY = re.compile(
    r"来源[:：]|发布时间[:：]|发布日期[:：]|浏览次数|访问次数|点击数|字体[:：]|打印|关闭窗口|扫一扫|分享到|"
    r"当前位置[:：]|【\s*字号|责任编辑|信息来源[:：]|索引号|原文链接|本地目录|页面链接|发布机构\s*[:：]|栏目\s*[:：]|"
    r"当前所在位置|访问量[:：]|关怀版|无障碍|"
    # the family of a page's action buttons: 我要收藏 / 加入收藏 / 文章分享 / 微信分享 / 我要纠错 / 返回顶部 …
    r"我要(?:收藏|打印|纠错|分享|评论)|加入(?:收藏|打印|纠错|分享|评论)|点击(?:收藏|打印|纠错|分享|评论)|"
    r"一键(?:收藏|打印|纠错|分享|评论)|文章分享|内容分享|页面分享|微信分享|微博分享|朋友圈分享|收藏本页|"
    r"返回顶部|【\s*(?:打印|关闭|收藏|分享)[^】]{0,4}】")
_CHROME_START = re.compile(
    r"\s*标题\s*[:：]|\s*文号\s*[:：]|=+\s*正文\s*=+$|\s*时间\s*[:：]\s*\d{4}|\s*登录\s*注册\s*$|\s*(?:上|下)一篇\s*[:：]")
_TITLE = re.compile(r"信息公开.*(年度报告|年报|工作报告)")
_TITLE_LABELS = ("标题:", "标题：")
_CLAUSE_END = ("。", "；", ";", "，", ",", "：", ":")
_YEAR = re.compile(r"(?:19|20)\d{2}")
_TOP = re.compile(r"^[一二三四五六七八九十]+[、.,]")
_SUB = re.compile(r"^\([一二三四五六七八九十]+\)")
_ITEM = re.compile(r"^\d{1,2}[.、](?!\d)")
_NUMERIC_CELL = re.compile(r"^[-+]?[\d,]+(?:\.\d+)?(?:万元|元|件|条|个)?$")
PLACEHOLDERS = frozenset({"/", "-", "--", "---", "无", "空", "null", "NULL", "—", "——", "\\", "／", "－", "×", "x", "X"})


@lru_cache(maxsize=None)
def _table_words() -> frozenset[str]:
    """Folded table labels (rows with and without numbering) and header/caption words of both templates."""
    labels: set[str] = set()
    headers: set[str] = set()
    for v in ("2021", "2019"):
        for t in load_template(v).tables.values():
            for r in t.rows:
                for lab in (r.label, *r.aliases):
                    f = folded(lab)
                    labels.add(f)
                    labels.add(strip_numbering(f)[1])
            for c in t.columns.values():
                headers.update(c.keys)
            headers.update(folded(x) for x in t.captions)
    headers.update({"结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "结果", "维持", "纠正", "尚未", "审结",
                    "其他", "自然人", "法人或其他组织", "信息内容", "数量", "类别", "项目"})
    return frozenset(labels | headers)


def _chrome_hits(raw: str) -> int:
    m = _CHROME_START.match(raw)
    return 1 + len(_CHROME_ANY.findall(raw, m.end())) if m else len(_CHROME_ANY.findall(raw))


def is_chrome(raw: str, f: str) -> bool:
    """Web-page furniture, not a sentence of the report: short, or several chrome items on one line."""
    if f.endswith(("。", "；", ";")):
        return False
    hits = _chrome_hits(raw)
    return hits >= 2 or (hits == 1 and len(f) <= 60)


def is_table_word(f: str) -> bool:
    return f in _table_words() or f.startswith("第二十条第") or f.startswith("(本列数据的勾稽关系")


def is_pipe_row(s: str) -> bool:
    t = s.strip()
    return t.count("|") >= 2 or (t.startswith("|") or t.endswith("|")) and len(t) > 1


def is_sep_row(s: str) -> bool:
    t = s.strip()
    # only "|-: " characters (strip, not a set of every character: long lines are common)
    return bool(t) and not t.strip("|-: ") and ("-" in t or "|" in t)


# What a line is, before the state of the lines above it is known: (kind if it can be the title, kind inside a
# table, kind outside one); _TEXT is PARA or CONT by the line above. Resolved per line by ``tokenize`` (``_steps``).
_TEXT = "TEXT"
_FIXED = {k: (None, k, k) for k in ("SECTION", "TROW", "TSEP")}
_BAR = (None, "TROW", "TSEP")       # a lone "|": a blank cell inside a table, else a rule
_NUMBER = (None, "TCELL", _TEXT)    # a number or placeholder: a cell inside a table, else text


def line_shape(raw: str, f: str) -> tuple[str | None, str, str]:
    """The terminals one logical line can be (``f``: its folded text, not empty); see ``tokenize``."""
    if "\t" in raw and ("\t" in raw.strip(" \u00a0\u3000") or raw.count("\t") > 1):
        if match_section_heading(f) and not any(    # f: folding drops the tabs
                _NUMERIC_CELL.match(folded(c)) for c in raw.split("\t")):
            return _FIXED["SECTION"]
        return _FIXED["TROW"]
    t = raw.strip()                                 # not empty: f is not
    if t == "|":
        return _BAR     # a blank cell among one-cell-per-line "0 |" lines (the model reads it as blank)
    if t[0] in "|-:" and is_sep_row(t):
        return _FIXED["TSEP"]
    if "|" in t and is_pipe_row(t):
        return _FIXED["TROW"]
    if _NUMERIC_CELL.match(f) or f in PLACEHOLDERS:
        # decided here, before the heading, title and chrome tests: a number or placeholder is none of them
        return _NUMBER
    if match_section_heading(f):
        return _FIXED["SECTION"]
    title = None                                    # only before the first section (``tokenize``)
    if "信息公开" in f:
        tf = f[3:] if f.startswith(_TITLE_LABELS) else f      # (the label "标题：" off; no pattern, no copy)
        # the cheap tests first (the title pattern scans a long line once per 信息公开 in it)
        if len(tf) <= 80 and "。" not in tf and _TITLE.search(tf) and (
                tf != f or not (_CHROME_START.match(raw) or _CHROME_ANY.search(raw))) and (
                _YEAR.search(tf) or "政府信息公开工作年度报告" in tf):
            title = "TITLE"
    if len(raw) <= 200 and is_chrome(raw, f):
        return (title, "CHROME", "CHROME")
    if is_table_word(f):
        return (title, "TCELL", "TCELL")
    kind = _TEXT
    if len(f) <= 40 and "。" not in f[:-1]:
        if _SUB.match(f):
            kind = "SUBHEAD"
        elif _ITEM.match(f) and len(f) <= 30:
            kind = "ITEMHEAD"
        elif _TOP.match(f) and len(f) <= 30 and not f.endswith(("，", ",")):
            kind = "TOPHEAD"
    short = len(f) <= 24 and not f.endswith(_CLAUSE_END) and "。" not in f   # a cell, inside a table
    return (title, "TCELL" if short else kind, kind)


TABLE_LINES = ("TROW", "TSEP", "TCELL")
_TABLE_KINDS = frozenset(TABLE_LINES)
_LEAVES_TABLE = frozenset(("SECTION", "TITLE", "SUBHEAD", "TOPHEAD"))    # the kinds after which a table has ended


def terminals(data: list):
    """The terminals of the classified line list: a run of table lines is one TABLE token, a paragraph's first
    line and its CONT lines one PARA token, a run of chrome lines one CHROME token; ``start_pos``/``end_pos`` of a
    token are indices into the list, so the builder gets the lines back."""
    i, n = 0, len(data)
    while i < n:
        kind, line = data[i]
        j = i + 1
        if kind in _TABLE_KINDS:
            while j < n and data[j][0] in _TABLE_KINDS:
                j += 1
            kind = "TABLE"
        elif kind == "PARA" or kind == "CONT":     # (CONT comes only after PARA from ``tokenize``)
            while j < n and data[j][0] == "CONT":
                j += 1
            kind = "PARA"
        elif kind == "CHROME":
            while j < n and data[j][0] == "CHROME":
                j += 1
        last = data[j - 1][1]
        tok = _new(Token)       # (``Token(...)`` with its fields set here: a call less per terminal)
        tok.type, tok.value, tok.start_pos, tok.end_pos = kind, line.text, i, j
        tok.line, tok.column, tok.end_line, tok.end_column = line.line, line.column, last.line, \
            last.column + len(last.text)
        yield tok
        i = j


_new = object.__new__


def outline_tree(toks: list) -> Tree:
    """The outline of the classified lines (``tokenize``): the tree ``Lark.parse`` gives, from the kept tables."""
    made = tables()
    if made is not None:
        try:
            return made.parse(terminals(toks))
        except (KeyError, ValueError, IndexError, TypeError):   # (none for this grammar's terminals and kept
            pass                                                  # tables: Lark says what is wrong, if anything)
    from .lark_outline import parser

    return parser().parse(toks)


# The state ``tokenize`` carries from line to line, as bits: a section heading seen (a TITLE line is then read by
# its other kinds), inside a table, a text line just above (a text line is then a paragraph's CONT line).
_SECTION_SEEN, _IN_TABLE, _TEXT_ABOVE = 1, 2, 4
_STATES = range(8)


def _steps(shape: tuple[str | None, str, str]) -> tuple[tuple[str, int], ...]:
    """A shape as what ``tokenize`` does with it in each state: (the line's terminal, the state after it)."""
    title, inside, outside = shape
    out = []
    for state in _STATES:
        kind = title if title is not None and not state & _SECTION_SEEN else inside if state & _IN_TABLE \
            else outside
        if kind is _TEXT:
            out.append(("CONT" if state & _TEXT_ABOVE else "PARA", state & _SECTION_SEEN | _TEXT_ABOVE))
        elif kind in _TABLE_KINDS:
            out.append((kind, state & _SECTION_SEEN | _IN_TABLE))
        elif kind in _LEAVES_TABLE:
            out.append((kind, _SECTION_SEEN if kind == "SECTION" else state & _SECTION_SEEN))
        else:
            out.append((kind, state & (_SECTION_SEEN | _IN_TABLE)))
    return tuple(out)


# The few distinct shapes (a few dozen triples of terminals), each with its steps, made once per process.
_STEPS: dict[tuple[str | None, str, str], tuple[tuple[str, int], ...]] = {}

# The steps of short lines (labels, headings, cells, page furniture: the same words in every report), at most
# _SHAPES_MAX kept; a line's shape is a pure function of its text.
_SHAPES: dict[str, tuple[tuple[str, int], ...]] = {}
_SHAPES_MAX = KEPT
SHAPE_CACHE_CHARS = 48


def _line_steps(raw: str) -> tuple[tuple[str, int], ...] | None:
    """The steps of a line not kept in _SHAPES (kept now when short), or None for a line that folds to nothing."""
    shape = _pipe_shape(raw) if "|" in raw else None
    if shape is None:
        f = folded(raw)
        if not f:
            return None
        shape = line_shape(raw, f)
    steps = _STEPS.get(shape)
    if steps is None:
        steps = _STEPS[shape] = _steps(shape)
    if len(raw) <= SHAPE_CACHE_CHARS:
        remember(_SHAPES, raw, steps, _SHAPES_MAX)
    return steps


def _pipe_shape(raw: str) -> tuple[str | None, str, str] | None:
    """``line_shape`` of a line with a pipe and no tab when it is a table row, a rule or a lone pipe (decided
    before the line's folded text is looked at, so such a line is not folded), else None."""
    if "\t" in raw:
        return None
    t = raw.strip()
    if t == "|":
        return _BAR
    # is_sep_row(t) and is_pipe_row(t), written out for a stripped text holding a pipe
    if t[0] in "|-:" and not t.strip("|-: "):
        return _TSEP
    if t.count("|") >= 2 or (t[0] == "|" or t[-1] == "|") and len(t) > 1:
        return _TROW
    return None


_TSEP, _TROW = _FIXED["TSEP"], _FIXED["TROW"]


def _numbered(text: str, physical: list[str] | None):
    """(logical line, line number, column) of every physical line, a very long one cut (``logical_lines``)."""
    lines = text.split("\n") if physical is None else physical
    if max(map(len, lines), default=0) <= LONG_LINE:       # the usual report: each line is one logical line
        return zip(lines, range(1, len(lines) + 1), repeat(1))
    return [(seg, n, column) for n, raw in enumerate(lines, 1)
            for seg, _n, column in (((raw, n, 1),) if len(raw) <= LONG_LINE else logical_lines(raw))]


def tokenize(text: str, physical: list[str] | None = None) -> list[tuple[str, Line]]:
    """Every non-blank logical line with its terminal: the line's shape, decided by a little state (a section
    seen, inside a table, a text line just above: ``_steps``). ``physical``: ``text.split("\\n")`` when the
    caller has it."""
    toks: list[tuple[str, Line]] = []
    append = toks.append
    state = 0
    for seg, n, column in _numbered(text, physical):
        steps = _SHAPES.get(seg)            # ("" is never kept)
        if steps is None:
            steps = _line_steps(seg) if seg else None
            if steps is None:                   # a blank line (or one that folds to nothing)
                state &= _SECTION_SEEN | _IN_TABLE
                continue
        kind, state = steps[state]
        line = LINE_DRAFT()             # (``new_line``, inlined: a call less per line)
        line.text, line.line, line.column = seg, n, column
        line.__class__ = Line
        append((kind, line))
    return toks


def parse_outline(text: str, physical: list[str] | None = None) -> tuple[list[tuple[str, Line]], Tree]:
    """The classified lines and the outline tree (``physical``: ``text.split("\\n")`` when the caller has it)."""
    toks = tokenize(text, physical)
    return toks, outline_tree(toks)
