"""Check kinds for the required content of the narrative sections (GK4xx), and the generic ``pattern`` kind.

The content kinds read the text of one section (paragraphs and sub-headings, never table lines or page chrome)
and look for what report-format.md §1.4 says the section must say: the information-processing fee in 六, the
problems and improvements in 五, the five aspects of 一. They are deliberately conservative: a keyword that is
present anywhere in the section satisfies them, because a false alarm on a correct report costs more than a
missed weak one. A missing section is GK103's business, so these kinds say nothing about it.

``pattern`` lets a rule pack require or forbid a regular expression in a section or in the whole report
without writing Python.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate, repeat
from operator import add
from dataclasses import replace
from typing import Iterable, Iterator

from .. import saferegex
from ...memo import remember

from ...diagnostics import Span
from ...model import Heading, Line, Paragraph, Report, Section, TableRegion
from ...model.nodes import new_line
from ...textnorm import fold, folded, folded_join
from . import Finding, Opt, kind, lazy_re, per_object
from .structure import numeral
from .table_shape import statistical_year

# ----------------------------------------------------------------------------------------------------------
# Shared helpers (also used by typography.py)
# ----------------------------------------------------------------------------------------------------------


def heading_line(report: Report, span: Span) -> Line:
    """The logical line of a heading (its span covers the whole logical line)."""
    raw = report.lines[span.line - 1] if 0 < span.line <= len(report.lines) else ""
    end = span.end_column - 1 if span.end_line == span.line else len(raw)
    return new_line(raw[span.column - 1:end], span.line, span.column)    # = Line(...), made faster


def block_lines(report: Report, block) -> tuple[Line, ...]:
    """The text lines of a paragraph or sub-heading; a table region has none (tables are not prose)."""
    if isinstance(block, Paragraph):
        return block.lines
    if isinstance(block, Heading):
        return (heading_line(report, block.span),)
    return ()


def trimmed_span(line: Line) -> Span:
    """The span of a line without its leading/trailing blanks and Markdown marks."""
    text = line.text
    start = len(text) - len(text.lstrip(" \t\u3000\u00a0#*>"))
    end = len(text.rstrip(" \t\u3000\u00a0*"))
    return line.span(start, max(end, start + 1))


def first_content_span(report: Report, sec: Section) -> Span:
    """The first content line of a section, or its heading when the section is empty."""
    for b in sec.blocks:
        lines = b.lines if isinstance(b, TableRegion) else block_lines(report, b)
        for line in lines:
            if line.text.strip():
                return trimmed_span(line)
    return sec.span


_SPACES = lazy_re(r"[\s\u3000]+")


def quote(text: str, limit: int = 30) -> str:
    """Text for a message: whitespace folded, cut at ``limit`` characters with an ellipsis."""
    t = _SPACES.sub(" ", text).strip(" #*")
    return t if len(t) <= limit else t[:limit] + "…"


def whole_section(report: Report, number: int | None) -> Section | None:
    """Section ``number`` with the blocks of any repeated heading of it (seed 001 has 一、总体情况 twice, the
    first one empty): the content under both headings is the section's content."""
    secs = [s for s in report.sections if number is not None and s.number == number]
    if len(secs) <= 1:
        return secs[0] if secs else None
    first = secs[0]
    return replace(first, blocks=tuple(b for s in secs for b in s.blocks), end_line=secs[-1].end_line)


@per_object
def section_text(sec: Section) -> str:
    """Folded prose of a section (paragraphs and sub-headings): ``folded(sec.text)``, line by line (the newlines
    between blocks fold away). Once per section: several content rules read the same section."""
    return folded_join(t for b in sec.blocks for t in (
        (l.text for l in b.lines) if isinstance(b, Paragraph) else (b.text,) if isinstance(b, Heading) else ()))


def report_year(report: Report) -> int | None:
    return report.year or statistical_year(report)


def is_legacy(report: Report) -> bool:
    """A report for 2018 or earlier follows the 2008 条例's free-form layout: the content rules do not apply."""
    y = report_year(report)
    return y is not None and y <= 2018


_TITLE_LABEL = lazy_re(r"\s*标题\s*[:：]\s*")


def title_lines(report: Report) -> list[Line]:
    """The line(s) of the title (it may be split over two lines, or sit at the start of a crawled line)."""
    if report.title is None:
        return []
    t = report.title.span
    out = []
    for n in range(t.line, min(t.end_line, len(report.lines)) + 1):
        raw = report.lines[n - 1]
        a = t.column - 1 if n == t.line else 0
        b = t.end_column - 1 if n == t.end_line else len(raw)
        label = _TITLE_LABEL.match(raw[a:b]) if n == t.line else None  # a crawler's "标题:" label
        if label:
            a += label.end()
        if raw[a:b].strip():
            out.append(new_line(raw[a:b], n, a + 1))
    return out


def prose_lines(report: Report, sections: list[int] | None = None, front: bool = True) -> Iterable[tuple[Section | None, Line]]:
    """Every prose line (title, preamble, section headings, paragraphs, sub-headings) in file order.

    ``sections``: only these section numbers (``None``: all sections; the title and preamble only if ``front``).
    """
    if sections is None:             # what most rules read: made once per report
        return _all_prose_lines(report) if front else _section_prose_lines(report)
    return _prose_lines(report, sections, front)


@per_object
def prose_text(report: Report) -> tuple[str, tuple[int, ...]]:
    """The text of ``prose_lines(report)`` joined by "\n", and where each line starts in it (once per report): a
    pattern that cannot match a line break is scanned over it once instead of line by line."""
    texts = [line.text for _sec, line in _all_prose_lines(report)]
    return "\n".join(texts), line_starts(texts)


def line_starts(texts: list[str]) -> tuple[int, ...]:
    """Where each of ``texts`` starts in ``"\n".join(texts)`` (summed in C: no Python step a line)."""
    return tuple(accumulate(map(add, map(len, texts), repeat(1)), initial=0))[:-1]


def lines_with(text: str, starts: tuple[int, ...], rx) -> list[int]:
    """The lines (indexes into ``starts``, the line starts of ``text``, joined by "\n") where ``rx`` finds
    something, in order. ``rx`` must not match a line break or look around: a line then has a match in ``text``
    exactly when it has one alone, and after the first one the search jumps to the next line."""
    out: list[int] = []
    search, n = rx.search, len(starts)
    m = search(text)
    while m is not None:
        k = bisect_right(starts, m.start()) - 1
        out.append(k)
        if k + 1 >= n:
            break
        m = search(text, starts[k + 1])
    return out


def literal_lines(text: str, starts: tuple[int, ...], words: tuple[str, ...]) -> set[int]:
    """``set(lines_with(text, starts, rx))`` for ``rx`` an alternation of plain ``words`` (none with a line
    break): each word's occurrences found by ``str.find`` (a C scan: memchr for one character), a line at a
    time, where sre's scan for the alternation tries every position (~60 machine instructions a character)."""
    out: set[int] = set()
    n, find = len(starts), text.find
    for word in words:
        i = find(word)
        while i >= 0:
            k = bisect_right(starts, i) - 1
            out.add(k)
            if k + 1 >= n:
                break
            i = find(word, starts[k + 1])
    return out


def ascii_lines_with(data: bytes, rx) -> list[int]:
    """``lines_with(text, starts, rx)`` for a pattern ``rx`` (compiled from bytes) that matches ASCII characters
    only, one at a time (a class of them, as ``[A-Za-z]``): ``data`` is ``text.encode("ascii", "ignore")``, the
    text's ASCII characters in order, its "\n"s among them, so a line has a match in ``text`` exactly when its
    piece of ``data`` (between the same "\n"s) has one. For speed: Chinese prose is mostly not ASCII, so ``data``
    is a tenth of the text, and the encoding costs ~6 machine instructions a character where sre's scan for a
    class costs ~45-60."""
    out: list[int] = []
    search, find, count = rx.search, data.find, data.count
    pos = line = 0                           # where the search goes on, and the line it is in
    m = search(data)
    while m is not None:
        at = m.start()
        line += count(b"\n", pos, at)
        out.append(line)
        pos = find(b"\n", at) + 1
        if pos == 0:
            break
        line += 1
        m = search(data, pos)
    return out


@per_object
def prose_units(report: Report) -> tuple[tuple[Line, ...], ...]:
    """Paragraphs (several lines) and single heading / title lines, in file order (made once per report)."""
    return tuple(unit for _sec, unit in _sectioned_units(report))


@per_object
def _sectioned_units(report: Report) -> tuple[tuple[Section | None, tuple[Line, ...]], ...]:
    """(section or None, unit) for the prose units: the title's lines, the preamble's blocks without the lines
    the title is on, then per section its heading, paragraphs and sub-headings."""
    out: list[tuple[Section | None, tuple[Line, ...]]] = []
    seen: set[int] = set()
    for line in title_lines(report):
        seen.add(line.line)
        out.append((None, (line,)))
    for b in report.preamble:
        lines = tuple(l for l in block_lines(report, b) if l.line not in seen)
        if lines:
            out.append((None, lines))
    for sec in report.sections:
        out.append((sec, (heading_line(report, sec.span),)))
        for b in sec.blocks:
            if isinstance(b, Paragraph):
                if b.lines:                  # a section's paragraph is its own unit: its lines as they are
                    out.append((sec, tuple(b.lines)))
            elif isinstance(b, Heading):
                out.append((sec, (heading_line(report, b.span),)))
    return tuple(out)


@per_object
def units_are_lines(report: Report) -> bool:
    """Whether the prose units' lines are the prose lines: they differ only in which preamble lines the title
    takes (the units: those on a line of the title's text; the lines: those in the title's span), so only when
    a preamble line is on a line of the span that holds none of the title's text."""
    t = report.title
    if t is None:
        return True
    seen = {line.line for line in title_lines(report)}
    first, last = t.span.line, t.span.end_line
    return all((line.line in seen) == (first <= line.line <= last)
               for b in report.preamble for line in block_lines(report, b))


@per_object
def _all_prose_lines(report: Report) -> tuple[tuple[Section | None, Line], ...]:
    if units_are_lines(report):          # (nearly always) the units' lines, made once for both
        return tuple((sec, line) for sec, unit in _sectioned_units(report) for line in unit)
    return tuple(_prose_lines(report, None, True))


@per_object
def _section_prose_lines(report: Report) -> tuple[tuple[Section | None, Line], ...]:
    return tuple((sec, line) for sec, unit in _sectioned_units(report) if sec is not None for line in unit)


def _prose_lines(report: Report, sections: list[int] | None, front: bool) -> Iterator[tuple[Section | None, Line]]:
    if front and sections is None:
        for line in title_lines(report):
            yield None, line
        for b in report.preamble:
            for line in block_lines(report, b):
                if report.title is None or not (report.title.span.line <= line.line <= report.title.span.end_line):
                    yield None, line
    for sec in report.sections:
        if sections is not None and sec.number not in sections:
            continue
        yield sec, heading_line(report, sec.span)
        for b in sec.blocks:
            for line in block_lines(report, b):
                yield sec, line


# ----------------------------------------------------------------------------------------------------------
# GK401 / GK402: the information-processing fee in 六
# ----------------------------------------------------------------------------------------------------------

# the term of 国办函〔2020〕109号 (信息处理费, also written 信息公开处理费 / 处理费用)
_FEE_TERM = lazy_re(r"处理费")
# any other statement about charging for disclosure: 收费 / 费用 / 收取…费
_FEE_OTHER = lazy_re(r"收费|(?:收取|收缴|缴纳|交纳|产生|免收|减免)[^。；;，,]{0,10}费|费用|免费")
_SENTENCE_END = "。；;！!？?"


def _sentence_at(text: str, start: int, end: int) -> tuple[int, int]:
    a = start
    while a > 0 and text[a - 1] not in _SENTENCE_END:
        a -= 1
    b = end
    while b < len(text) and text[b] not in _SENTENCE_END:
        b += 1
    if b < len(text):
        b += 1
    while a < b and text[a] in " \t\u3000\u00a0#*":
        a += 1
    return a, b


@kind("fee_statement", options={
    "section": Opt(int, 6, doc="the section that must state the fee (六)"),
    "check": Opt(str, "present", doc="present: a fee statement exists; terminology: it uses the term 信息处理费"),
    "since": Opt(int, 2021, doc="terminology: first report year of 国办函〔2020〕109号's term"),
})
def check_fee_statement(rule, report: Report, ctx):
    """Section 六 states the 信息处理费 situation ("未收取信息处理费" counts; "无" does not), in the term of 109号."""
    if is_legacy(report):
        return
    sec = whole_section(report, rule.opt("section"))
    if sec is None:
        return
    f = section_text(sec)
    if _FEE_TERM.search(f):
        return
    other = _FEE_OTHER.search(f)
    if rule.opt("check") == "present":
        if other:
            return
        content = " ".join(line.text for b in sec.blocks for line in block_lines(report, b)).strip()
        params = {"heading": sec.heading, "number": numeral(sec.number), "quote": quote(content)}
        yield Finding(first_content_span(report, sec), params, message=None if content else "empty")
        return
    # terminology: a fee statement exists, but not in the standard term
    year = report_year(report)
    if not other or (year is not None and year < rule.opt("since")):
        return
    # the statement itself, in a paragraph; a sub-heading such as （二）收费情况 only if nothing else says it
    ordered = [b for b in sec.blocks if isinstance(b, Paragraph)] + [b for b in sec.blocks if isinstance(b, Heading)]
    for b in ordered:
        for line in block_lines(report, b):
            m = _FEE_OTHER.search(line.text)
            if m:
                a, z = _sentence_at(line.text, m.start(), m.end())
                yield Finding(line.span(a, z), {"quote": quote(line.text[a:z], 40), "words": _fee_words(line.text, m)})
                return
    # the statement runs across lines: point at the section's first line
    yield Finding(first_content_span(report, sec), {"quote": quote(sec.text, 40), "words": _fee_words(f, other)})


def _fee_words(text: str, m) -> str:
    """The fee noun of a match: 收取任何服务费用 → 服务费用."""
    s = text[m.start():m.end() + (1 if text[m.end():m.end() + 1] == "用" else 0)]
    noun = re.sub(r"^(?:收取|收缴|缴纳|交纳|产生|免收|减免)(?:任何|相关|有关|了|过|的)*", "", s)
    return noun if len(noun) >= 2 else s


check_fee_statement.validate = lambda rule: None if rule.opt("check") in ("present", "terminology") else \
    (_ for _ in ()).throw(ValueError("check 只能是 present 或 terminology"))


# ----------------------------------------------------------------------------------------------------------
# GK403 / GK404 / GK405: the problems and improvements of 五
# ----------------------------------------------------------------------------------------------------------

_PUNCT = lazy_re(r"[\W_]+")
_NOTHING = {"无", "暂无", "没有", "无此项", "无相关情况", "略", "空"}


def _substance(sec: Section) -> str:
    """The section's folded prose without punctuation and numbering marks."""
    return _PUNCT.sub("", section_text(sec))


def _too_thin(sec: Section, min_chars: int) -> bool:
    # the substance of the text's start is the start of its substance: when that alone is long enough (and so
    # longer than any word of _NOTHING), the section is not thin, and the rest of it need not be scanned
    need = max(min_chars, 6)
    if len(_PUNCT.sub("", section_text(sec)[:need * 4])) >= need:
        return False
    s = _substance(sec)
    return s in _NOTHING or len(s) < min_chars


@kind("section_content", options={
    "section": Opt(int, 5, doc="section number (1-6)"),
    "min_chars": Opt(int, 20, doc="fewer characters (punctuation not counted) is an empty section"),
})
def check_section_content(rule, report: Report, ctx):
    """A section that must have content is not empty, not just "无", and not a few words."""
    if is_legacy(report):
        return
    sec = whole_section(report, rule.opt("section"))
    if sec is None or not _too_thin(sec, rule.opt("min_chars")):
        return
    content = " ".join(line.text for b in sec.blocks for line in block_lines(report, b)).strip()
    params = {"heading": sec.heading, "number": numeral(sec.number), "quote": quote(content),
              "count": len(_substance(sec)), "min_chars": rule.opt("min_chars")}
    yield Finding(first_content_span(report, sec), params, message=None if content else "empty")


@kind("section_keywords", options={
    "section": Opt(int, 5, doc="section number (1-6)"),
    "groups": Opt(dict, {}, required=True,
                  doc="message key → regular expression; a group none of whose words appear gives one finding",
                  regex=True),
    "min_chars": Opt(int, 20, doc="skip a section this thin (the emptiness rule reports it)"),
})
def check_section_keywords(rule, report: Report, ctx):
    """Each group of words (e.g. problems: 问题|不足…, measures: 改进|措施…) appears somewhere in the section."""
    if is_legacy(report):
        return
    sec = whole_section(report, rule.opt("section"))
    if sec is None or _too_thin(sec, rule.opt("min_chars")):
        return
    f = section_text(sec)
    budget = saferegex.Budget()
    for key, pattern in rule.opt("groups").items():
        if not budget.found(pattern, f):
            yield Finding(sec.span, {"heading": sec.heading, "number": numeral(sec.number),
                                     "words": pattern.replace("|", "、")}, message=str(key))


def _validate_groups(rule):
    groups = rule.opt("groups")
    if not groups:
        raise ValueError("groups 不能为空")
    for key, pattern in groups.items():
        if not isinstance(pattern, str):
            raise ValueError(f"groups.{key} 应为正则表达式字符串")
        if key not in rule.messages:
            raise ValueError(f"groups.{key} 在 messages 中没有对应的消息")
        try:
            saferegex.check(pattern)
        except ValueError as exc:
            raise ValueError(f"groups.{key} {exc}") from None


check_section_keywords.validate = _validate_groups


@kind("prior_year_followup", options={
    "section": Opt(int, 5, doc="section number (五)"),
    "words": Opt(str, r"上一?年度?|去年|往年|前一?年度|上次年报|上一?期|以往年度",
                 doc="regular expression for a reference to last year", regex=True),
    "min_chars": Opt(int, 20, doc="skip a section this thin (the emptiness rule reports it)"),
    "since": Opt(int, 2021, doc="first report year the requirement applies to (the 2021 format)"),
})
def check_prior_year_followup(rule, report: Report, ctx):
    """Section 五 refers to last year's problems and their rectification (上年 / 去年 / (Y-1)年 …)."""
    if is_legacy(report) or (report_year(report) or 9999) < rule.opt("since"):
        return
    sec = whole_section(report, rule.opt("section"))
    if sec is None or _too_thin(sec, rule.opt("min_chars")):
        return
    f = section_text(sec)
    if saferegex.Budget().found(rule.opt("words"), f):
        return
    year = report_year(report)
    if year and re.search(rf"{year - 1}年", f):
        return
    yield Finding(sec.span, {"heading": sec.heading, "number": numeral(sec.number),
                             "last_year": f"{year - 1} 年" if year else "上一年度"})


# ----------------------------------------------------------------------------------------------------------
# GK406: the five aspects of 总体情况
# ----------------------------------------------------------------------------------------------------------

# Each aspect's words, from how the real reports in tests/reports say it (seeds, corpus, published samples):
# publishing is 发布、刊发、公开、推送、更新 …; an article count (“共刊发文稿、通知、公告等44篇”) is 主动公开 too
ASPECTS = {
    "主动公开": r"主动公开|发布|公布|刊发|刊登|推送|更新|转载|公开内容|公开(?:政府|政务)?信息|公开.{0,6}\d+[条件项篇]"
                r"|\d+\s*[条篇期](?:信息|文稿|稿件|政策|通知|公告)?",
    "依申请公开": r"申请",
    "政府信息管理": r"管理|审查|审核|属性|规范性文件|清理|目录|保密|归档|台账|三审三校|规范.{0,4}(?:信息|内容|流程|程序)",
    "政府信息公开平台建设": r"平台|网站|政府网|门户|公众号|新媒体|微信|微博|抖音|专区|专栏|栏目|公报|公示栏|公开栏|公告栏|宣传栏"
                      r"|电子屏|显示屏|APP|客户端|渠道|载体|大厅|服务中心|公开点|查阅点|阅览",
    "监督保障": r"监督|保障|保证|考核|培训|督查|督促|督导|问责|责任追究|评议|领导小组|组织领导|责任制|经费|专人"
                r"|检查|巡查|通报|测评|第三方评估",
}
GOVERNMENT_ITEMS = r"考核|评议|责任追究|问责"


def is_people_government(agency: str | None) -> bool:
    """A 各级人民政府 itself (not its 办公室/办公厅 or a 部门)."""
    return bool(agency) and folded(agency).endswith("人民政府")


@kind("overall_aspects", options={
    "section": Opt(int, 1, doc="section number (一、总体情况)"),
    "aspects": Opt(dict, dict(ASPECTS), doc="aspect name → regular expression of words that cover it", regex=True),
    "government": Opt(str, GOVERNMENT_ITEMS,
                      doc="words a 人民政府's report must also use (工作考核、社会评议和责任追究); empty to skip",
                      regex=True),
    "since": Opt(int, 2021, doc="first report year the five aspects apply to (the 2021 format)"),
})
def check_overall_aspects(rule, report: Report, ctx):
    """总体情况 covers 主动公开, 依申请公开, 政府信息管理, 平台建设 and 监督保障 (and, for a 人民政府, 考核/评议/责任追究)."""
    if is_legacy(report) or (report_year(report) or 9999) < rule.opt("since"):
        return
    if report_year(report) is None and report.template == "2019":
        return  # no year to go by: the 2019 tables say which format the report follows
    sec = whole_section(report, rule.opt("section"))
    if sec is None:
        return
    if report.truncated_at is not None and report.truncated_at.line <= sec.end_line:
        return  # the section is cut off (GK012): what is missing may be in the part that was lost
    f = section_text(sec)
    if not f:
        return  # an empty 总体情况 is another rule's business
    budget = saferegex.Budget()
    for name, pattern in rule.opt("aspects").items():
        if not budget.found(pattern, f):
            yield Finding(sec.span, {"aspect": name, "heading": sec.heading})
    gov = rule.opt("government")
    if gov and is_people_government(report.agency):
        # Art. 50(四) puts these beside the problems of 五, the template under 监督保障 of 一: either will do
        five = whole_section(report, 5)
        if not budget.found(gov, f) and not (five is not None and budget.found(gov, section_text(five))):
            yield Finding(sec.span, {"agency": report.agency, "heading": sec.heading}, message="government")


def _validate_aspects(rule):
    for key, pattern in {**rule.opt("aspects"), "government": rule.opt("government") or ""}.items():
        try:
            saferegex.check(str(pattern))
        except ValueError as exc:
            raise ValueError(f"{key} {exc}") from None
    if "government" not in rule.messages:
        raise ValueError("messages 需要 government（人民政府的考核、评议、责任追究）")


check_overall_aspects.validate = _validate_aspects


# ----------------------------------------------------------------------------------------------------------
# GK407: template instructions and placeholders left in the text
# ----------------------------------------------------------------------------------------------------------

_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
# The look-behinds make every match start at the beginning of its run: without them a long run of word characters
# with no @ was rescanned from every position (quadratic: one line of 20,000 一 took 15 s, issue 8)
URL_RE = lazy_re(r"(?:https?://|www\.)[^\s\u3000，。；、“”（）《》]+"
                    r"|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.I)


# URL_RE's first branch alone: where there is no @ the second (an e-mail address) cannot match, and its leading
# look-behind made the scan try every position
_WEB_RE = lazy_re(r"(?:https?://|www\.)[^\s\u3000，。；、“”（）《》]+", re.I)


def _blank_out(m) -> str:
    return " " * len(m.group(0))


def mask_urls(text: str) -> str:
    """``text`` with web addresses and e-mail addresses blanked out (same length)."""
    if "@" in text:
        rx = URL_RE
    # what a web address starts with (any case: only w and W lower to w, tests/test_rules_shortcuts.py checks
    # it, so a text with neither needs no lower-case copy, which costs ~10 ns a character of a CJK text)
    elif "://" in text or ("." in text and ("w" in text or "W" in text) and "www." in text.lower()):
        rx = _WEB_RE
    else:
        return text                          # no address can be there: skip the scan (most lines)
    # the lines with an address are the long crawled ones, and three kinds mask the same lines (GK407, GK601 and
    # GK605 look at the lines with a hint, a mark, a letter: an address has letters, often marks and xx): masked
    # once, kept among the last few
    hit = _MASKED.get(text)
    if hit is None:
        hit = remember(_MASKED, text, rx.sub(_blank_out, text), 32)
    return hit


_MASKED: dict[str, str] = {}     # text with an address → masked (at most 32 kept)


PLACEHOLDERS = (
    ("instruction", lazy_re(r"[（(]\s*文字描述[^）)\n]{0,80}[）)]?")),
    ("instruction", lazy_re(r"[（(]\s*(?:请|此处|在此处)?(?:填写|填报|填入)[^）)\n]{0,30}[）)]")),
    ("year", lazy_re(r"(?:19|20)\s*[XＸ×xｘ]{2}\s*年")),
    ("x", lazy_re(r"(?<![A-Za-z0-9ＸｘX×x])(?:[XＸ×]{2,}|[xｘ]{2,})(?![A-Za-z0-9ＸｘX×x])")),
    ("someone", lazy_re(rf"(?<![{_CJK}])某某")),
    ("braces", lazy_re(rf"[{{｛]\s*[A-Za-z_{_CJK}][\w{_CJK}]{{0,15}}\s*[}}｝]")),
    ("brackets", lazy_re(r"[【\[［][^】\]］\n]{0,10}(?:名称|填写|填报|此处|XX|××|某某)[^】\]］\n]{0,10}[】\]］]")),
    ("blank", lazy_re(r"[_＿]{3,}")),
)
# characters one of which each pattern above cannot match without (in the same order): a pattern is tried only
# on a line that has one (most hint lines have one or two kinds of placeholder at most)
_PLACEHOLDER_NEEDS = ("文", "填", "XＸ×xｘ", "XＸ×xｘ", "某", "{｛", "【[［", "_＿")
# what every placeholder above contains: a line without any of it has none. The hint is the definition;
# _HINT_SCAN is the form scanned (tests/test_prefilters.py compares them)
_PLACEHOLDER_CHARS = lazy_re(r"[文填XＸ×xｘ某{｛【\[［_＿]")
_PLACEHOLDER_HINT = lazy_re(r"文字描述|填[写报入]|[XＸ×xｘ]{2}|某某|[{｛【\[［]|[_＿]{3}")
# _PLACEHOLDER_HINT with one character set first (the set of its branches' first characters, _PLACEHOLDER_CHARS)
# and each branch's rest behind a look-behind at that character: the scan jumps from one of those characters to
# the next (an alternation whose branches start with a repeat or a class is tried at every position), ~2x
# faster on a line, and over the whole prose it finds the lines with a hint in one scan, not the lines with one
# of the characters (文 of 文件 is in every report, xx of zfxxgk in every crawled address) asked again one by one
_HINT_SCAN = lazy_re(r"[文填某XＸ×xｘ{｛【\[［_＿](?:(?<=文)字描述|(?<=填)[写报入]|(?<=某)某|(?<=[XＸ×xｘ])[XＸ×xｘ]"
                     r"|(?<=[{｛【\[［])|(?<=[_＿])[_＿]{2})")


def _placeholder_hint(text: str) -> bool:
    """``_PLACEHOLDER_HINT.search(text)`` as a truth value, computed faster."""
    return _HINT_SCAN.search(text) is not None


def _near_cjk(text: str, start: int, end: int) -> bool:
    """A placeholder in running Chinese text: a CJK character or a digit right before or after it."""
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    return bool(re.match(rf"[{_CJK}0-9０-９]", before) or re.match(rf"[{_CJK}0-9０-９]", after))


def find_placeholders(text: str) -> Iterator[tuple[int, int, str]]:
    if not _placeholder_hint(text):
        return
    masked = mask_urls(text)
    taken: list[tuple[int, int]] = []
    for (what, rx), needs in zip(PLACEHOLDERS, _PLACEHOLDER_NEEDS):
        if not any(ch in masked for ch in needs):
            continue
        for m in rx.finditer(masked):
            a, b = m.start(), m.end()
            if any(a < y and x < b for x, y in taken):
                continue
            if what in ("x", "blank", "someone") and not _near_cjk(masked, a, b):
                continue
            taken.append((a, b))
            yield a, b, what


@kind("placeholders")
def check_placeholders(rule, report: Report, ctx):
    """Template instructions （文字描述…）, XX/××/某某 placeholders, {单位}, 【单位名称】 or ____ left in the text."""
    text, starts = prose_text(report)
    # a line without a hint has no placeholder (_HINT_SCAN matches no line break, and its look-behinds only look
    # at the character it has just matched: a line has a match in the text exactly when it has one alone)
    lines = prose_lines(report)
    for k in lines_with(text, starts, _HINT_SCAN):
        line = lines[k][1]
        for a, b, what in sorted(find_placeholders(line.text)):
            text = line.text[a:b].strip()
            yield Finding(line.span(a, b), {"text": quote(text, 40), "context": quote(line.text[max(0, a - 8):b + 8], 40)},
                          message="instruction" if what == "instruction" else None)


# ----------------------------------------------------------------------------------------------------------
# pattern: a regular expression required in, or forbidden from, a section or the whole report
# ----------------------------------------------------------------------------------------------------------

MAX_PATTERN = saferegex.MAX_PATTERN


def _compile(pattern: str):
    return saferegex.compile_pattern(pattern)


@kind("pattern", options={
    "pattern": Opt(str, required=True, doc="regular expression (the `regex` module's syntax, at most 500 characters)",
                   regex=True),
    "mode": Opt(str, "forbidden", doc="forbidden: every match is a finding; required: no match is a finding"),
    "section": Opt(int, 0, doc="section number 1-6; 0 for the whole report (title, preamble and all sections)"),
    "exceptions": Opt(list, [], doc="regular expressions; a forbidden match inside a match of one of them is allowed",
                      regex=True),
    "fold": Opt(bool, False, doc="match on folded text (spaces removed, full-width forms NFKC-normalised)"),
    "timeout": Opt((int, float), 1.0, doc="seconds of matching allowed per report; over it the rule stops (GK903)"),
    "subsection": Opt(str, "", doc="regular expression for a sub-heading （一）…/1. …: only the text under the "
                                   "sub-headings it matches (up to the next sub-heading) is searched", regex=True),
    "unit": Opt(str, "scope", doc="required mode: `scope` (once in the whole scope) or `paragraph` (in each "
                                  "paragraph of the scope)"),
})
def check_pattern(rule, report: Report, ctx):
    """A regular expression that must (mode: required) or must not (mode: forbidden) occur in the prose.

    Tables and page chrome are not searched. A required pattern in a section that is missing is not reported
    (the required-section rule does that). Matching is line by line; for ``required``, the section's prose is
    also searched as one text, so a phrase broken across lines still counts.
    """
    rx = _compile(rule.opt("pattern"))
    exc = [_compile(p) for p in rule.opt("exceptions") or []]
    budget = saferegex.Budget(float(rule.opt("timeout")))
    number = rule.opt("section") or None
    if number is not None and report.section(number) is None:
        return
    units = _pattern_units(report, rule, number, budget)
    lines = [line for _span, _where, unit in units for line in unit]

    def view(text: str) -> tuple[str, list[int] | None]:
        return fold(text) if rule.opt("fold") else (text, None)

    if rule.opt("mode") == "required":
        for span, where, unit in units:
            if any(budget.finditer(rx, view(line.text)[0]) for line in unit):
                continue
            if budget.finditer(rx, view("".join(line.text for line in unit))[0]):
                continue
            yield Finding(span, {"pattern": rule.opt("pattern"), "where": where})
        return
    for line in lines:
        t, idx = view(line.text)
        allowed = [(m.start(), m.end()) for e in exc for m in budget.finditer(e, t)]
        for m in budget.finditer(rx, t):
            if m.end() == m.start() or any(x <= m.start() and m.end() <= y for x, y in allowed):
                continue
            a, b = (idx[m.start()], idx[m.end() - 1] + 1) if idx is not None else (m.start(), m.end())
            yield Finding(line.span(a, b), {"match": line.text[a:b],
                                            "context": quote(line.text[max(0, a - 10):b + 10], 40)})


def _pattern_units(report: Report, rule, number: int | None, budget) -> list[tuple[Span, str, list[Line]]]:
    """The places a pattern rule searches: (where to point, how to name it, its prose lines).

    The scope is the report or one section; ``subsection`` narrows it to the text under matching
    sub-headings; ``unit: paragraph`` makes each paragraph of the scope a place of its own.
    """
    sec = report.section(number) if number else None
    sub = _compile(rule.opt("subsection")) if rule.opt("subsection") else None
    if sub is None and rule.opt("unit") != "paragraph":
        lines = [line for _sec, line in prose_lines(report, [number] if number else None)]
        span = sec.span if sec else (trimmed_span(lines[0]) if lines else Span.point(1, 1))
        where = f"第{numeral(number)}部分“{sec.heading}”" if sec else "报告"
        return [(span, where, lines)] if lines or sec else []
    sections = [sec] if sec else list(report.sections)
    scopes: list[tuple[Span, str, list]] = []
    for s in sections:
        if sub is None:
            scopes.append((s.span, f"第{numeral(s.number)}部分“{s.heading}”", list(s.blocks)))
            continue
        current = None
        for b in s.blocks:
            if isinstance(b, Heading) and b.kind in ("sub", "top"):
                current = None
                if budget.search(sub, b.text):
                    current = (b.span, f"“{b.text}”", [b])
                    scopes.append(current)
            elif current is not None:
                current[2].append(b)
    units = []
    for span, where, blocks in scopes:
        if rule.opt("unit") == "paragraph":
            units += [(p.span, f"{where}下的段落", list(p.lines)) for p in blocks if isinstance(p, Paragraph)]
        else:
            units.append((span, where, [line for b in blocks for line in block_lines(report, b)]))
    return units


def _validate_pattern(rule):
    pats = [("pattern", rule.opt("pattern"))] + [(f"exceptions[{i}]", p) for i, p in enumerate(rule.opt("exceptions") or [])]
    for name, p in pats:
        if not isinstance(p, str):
            raise ValueError(f"{name} 应为字符串")
        try:
            saferegex.check(p)
        except ValueError as exc:
            raise ValueError(f"{name} {exc}") from None
    if rule.opt("mode") not in ("required", "forbidden"):
        raise ValueError("mode 只能是 required 或 forbidden")
    if not 0 <= rule.opt("section") <= 6:
        raise ValueError("section 只能是 1 到 6，或 0 表示整个报告")
    if rule.opt("unit") not in ("scope", "paragraph"):
        raise ValueError("unit 只能是 scope 或 paragraph")
    if rule.opt("subsection"):
        try:
            saferegex.check(rule.opt("subsection"))
        except ValueError as exc:
            raise ValueError(f"subsection {exc}") from None
    if not 0 < rule.opt("timeout") <= 30:
        raise ValueError("timeout 应在 0 到 30 秒之间")


check_pattern.validate = _validate_pattern
