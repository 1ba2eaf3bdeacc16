"""Check kinds for the front of a report: a cover letter instead of the report, and what the preamble claims.

``cover_letter``: the text opens with a salutation to a supervising office (``市政府办公厅：``), the form of a
呈报函 sent upwards, not of the report published to the public (report-format.md §4 E7).
``preamble``: the preamble's own statements, one ``check`` per rule: ``period`` (a statistical period whose
dates lost 年/月: ``自202011日起,至20201231日止``), ``report-year`` (it names 《…2020年…年度报告》 in a 2021
report: last year's preamble kept), ``parts`` (it says 六部分 and lists fewer of the six parts).
``subheading_start``: the sub-headings of a section start at （二） or later (（一） lost or never written).
"""
from __future__ import annotations

import re
from functools import lru_cache

from ...diagnostics import Span
from ...model import Heading, Paragraph, Report
from ...textnorm import cn_number, folded
from . import Finding, Opt, kind, lazy_re
from .content import prose_lines, quote, report_year

_SALUTATION = lazy_re(r"^\s*(?P<to>[\u4e00-\u9fff]{1,20}?(?:办公厅|办公室|人民政府|政府|委员会|管委会|领导小组|局|厅|部|处))"
                         r"\s*[:：]\s*$")


def _front_lines(report: Report):
    """The title and preamble lines, in order (a crawled one-line report: its first line, up to section 一)."""
    for sec, line in prose_lines(report):
        if sec is not None:
            return
        yield line


@kind("cover_letter")
def check_cover_letter(rule, report: Report, ctx):
    """The report opens with a salutation (``市政府办公厅：``): a letter to a supervising office was published."""
    for n, text in enumerate(report.lines, 1):
        if not text.strip():
            continue
        m = _SALUTATION.match(text)
        if m and (not report.sections or report.sections[0].span.line > n):
            col = m.start("to") + 1
            yield Finding(Span(n, col, n, m.end() + 1), {"to": m.group("to"), "line": text.strip()})
        return


_PERIOD_CONTEXT = lazy_re(r"统计(?:期限|时限|时间|区间|数据|周期)|数据(?:统计|的统计)")
_BAD_DATE = lazy_re(r"(?<![\d年月])((?:19|20)\d{2})\s*(\d{1,4})\s*日")
_REPORT_NAME = lazy_re(r"《([^》\n]{0,60}?((?:19|20)\d{2})\s*年度?[^》\n]{0,20}?政府信息公开(?:工作)?年度报告)》")
_PARTS_CLAIM = lazy_re(r"(?:六|6)\s*(?:个)?\s*部分")
PARTS = (  # the six parts as preambles name them (corpus and seeds): one test per part
    ("总体情况", lazy_re(r"总体情况|概述|总体")),
    ("主动公开政府信息情况", lazy_re(r"主动公开")),
    ("收到和处理政府信息公开申请情况", lazy_re(r"收到和处理|依申请|公开申请(?:的)?(?:办理)?情况")),
    ("政府信息公开行政复议、行政诉讼情况", lazy_re(r"复议|诉讼")),
    ("存在的主要问题及改进情况", lazy_re(r"问题|改进")),
    ("其他需要报告的事项", lazy_re(r"其他(?:需要)?(?:报告的)?事项|其他")),
)


# a word each check's pattern needs (_PERIOD_CONTEXT, _REPORT_NAME, _PARTS_CLAIM): lines and sentences without it
# are skipped
_CHECK_WORDS = {"period": ("统计", "数据"), "report-year": ("《",), "parts": ("部分",)}


_SENTENCE_END = lazy_re(r"[。；;]|$")


@lru_cache(maxsize=16)
def _sentences(text: str) -> tuple[tuple[int, str], ...]:
    """(start, sentence) of a line, each up to and with its 。；; (made once per line: the three preamble checks
    read the same few lines; a few kept, so memory stays flat)."""
    out = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        out.append((start, text[start:m.end()]))
        start = m.end()
        if m.end() >= len(text):
            break
    return tuple(out)


@kind("preamble", options={"check": Opt(str, required=True, doc="period | report-year | parts")})
def check_preamble(rule, report: Report, ctx):
    """What the preamble says about the report: its statistical period, the report it names, its parts."""
    what = rule.opt("check")
    year = report_year(report)
    words = _CHECK_WORDS.get(what, ())
    for line in _front_lines(report):
        text = line.text
        if not any(w in text for w in words):
            continue                         # the check's pattern cannot match anywhere in this line
        for start, sentence in _sentences(text):
            if not any(w in sentence for w in words):
                continue                     # nor in this sentence
            if what == "period" and _PERIOD_CONTEXT.search(sentence):
                bad = list(_BAD_DATE.finditer(sentence))
                if bad:
                    a, b = start + bad[0].start(), start + bad[0].end()
                    yield Finding(line.span(a, b), {"written": "、".join(f"“{m.group(0)}”" for m in bad),
                                                    "context": quote(sentence, 40)})
            elif what == "report-year" and year is not None:
                for m in _REPORT_NAME.finditer(sentence):
                    named = int(m.group(2))
                    if named != year and not re.search(r"上一?年|去年|往年|上年度", sentence[:m.start()]):
                        a = start + m.start()
                        yield Finding(line.span(a, start + m.end()), {"name": quote(m.group(1), 50),
                                                                      "named": named, "year": year})
            elif what == "parts":
                claim = _PARTS_CLAIM.search(sentence)
                if not claim:
                    continue
                listed = [name for name, rx in PARTS if rx.search(sentence)]
                missing = [name for name, rx in PARTS if not rx.search(sentence)]
                if 4 <= len(listed) < 6:
                    a = start + claim.start()
                    yield Finding(line.span(a, start + claim.end()), {
                        "claim": claim.group(0), "count": len(listed), "missing": "、".join(f"“{m}”" for m in missing)})


check_preamble.validate = lambda rule: None if rule.opt("check") in ("period", "report-year", "parts") else \
    (_ for _ in ()).throw(ValueError("check 只能是 period、report-year 或 parts"))


_SUB_NUMBER = lazy_re(r"^\(([一二三四五六七八九十]{1,3})\)")
TABLE_SECTIONS = (2, 3, 4)   # their （一）（二）… are table labels, read by the aligner


def _numbered_blocks(sec):
    """(numeral, span, text) of every sub-heading or paragraph of the section that starts with （一）（二）…"""
    for b in sec.blocks:
        items = ((b.text, None),) if isinstance(b, Heading) else \
            ((line.text, line) for line in b.lines) if isinstance(b, Paragraph) else ()
        for text, line in items:
            m = _SUB_NUMBER.match(folded(text))
            n = cn_number(m.group(1)) if m else None
            if n is not None:
                yield n, b.span if line is None else line.span(), text    # a span only for what is yielded


@kind("subheading_start")
def check_subheading_start(rule, report: Report, ctx):
    """A section's （一）（二）… (sub-headings, or paragraphs that start with them) start at （一）."""
    for sec in report.sections:
        if sec.number in TABLE_SECTIONS:
            continue
        first = next(_numbered_blocks(sec), None)     # only the first one is looked at
        if first is not None and first[0] > 1:
            n, span, text = first
            yield Finding(Span(span.line, span.column, span.line, span.column + 3),
                          {"heading": quote(text, 30), "section": sec.heading,
                           "written": "一二三四五六七八九十"[n - 1] if n <= 10 else str(n)})
