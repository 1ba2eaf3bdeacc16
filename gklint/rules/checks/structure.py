"""Check kinds for the document structure: title, the six sections, their order, numbering and wording."""
from __future__ import annotations

from ... import fixes
from ...diagnostics import Severity, Span
from ...model import Heading, Report
from ...model.template import load_template
from ...textnorm import folded
from . import Finding, Opt, kind

NUMERALS = "一二三四五六七八九十"


def numeral(n: int | None) -> str:
    return NUMERALS[n - 1] if n and 1 <= n <= 10 else "?"


def canonical_heading(n: int) -> str:
    for s in load_template("2021").sections:
        if s.number == n:
            return f"{numeral(n)}、{s.heading}"
    return ""


def _first_line(report: Report) -> Span:
    for i, line in enumerate(report.lines, 1):
        if line.strip():
            return Span(i, 1, i, len(line) + 1)
    return Span.point(1, 1)


@kind("title", options={"check": Opt(str, "present", doc="present: a title exists; form: agency + year + 政府信息公开工作年度报告")})
def check_title(rule, report: Report, ctx):
    """The title: present, and of the form <机关><YYYY>年政府信息公开工作年度报告."""
    t = report.title
    if rule.opt("check") == "present":
        if t is None and (report.sections or any(x.found for x in report.tables.values())):
            yield Finding(_first_line(report))
        return
    if t is None or t.well_formed:
        return
    f = folded(t.text)
    problems = []
    if not t.agency:
        problems.append("没有写明机关名称")
    if not t.year:
        problems.append("没有写明年度")
    if "政府信息公开工作年度报告" not in f:
        problems.append("没有使用“政府信息公开工作年度报告”的标准名称")
    if not problems and t.year and t.agency:
        problems.append("写法与标准格式不一致")
    yield Finding(t.span, {"title": t.text, "problems": "、".join(problems)})


check_title.validate = lambda rule: None if rule.opt("check") in ("present", "form") else (_ for _ in ()).throw(
    ValueError("check 只能是 present 或 form"))


@kind("required_sections", options={"sections": Opt(list, [1, 2, 3, 4, 5, 6], doc="section numbers that must be present")})
def check_required_sections(rule, report: Report, ctx):
    """Each required section is present; trailing missing sections (a cut-off report) are reported once."""
    if not report.sections and report.title is None:
        return
    present = {s.number for s in report.sections}
    missing = [n for n in rule.opt("sections") if n not in present]
    if not missing:
        return
    last_present = max(present) if present else 0
    trailing = [n for n in missing if n > last_present]
    if report.truncated_at is not None:
        trailing = []  # a cut-off report: said once by GK012
    inner = [n for n in missing if n <= last_present]
    for n in inner:
        nxt = min((s for s in report.sections if (s.number or 0) > n), key=lambda s: s.span.line, default=None)
        span = nxt.span if nxt else _first_line(report)
        yield Finding(span, {"number": numeral(n), "heading": canonical_heading(n)})
    if trailing:
        end = len(report.lines)
        while end > 1 and not report.lines[end - 1].strip():
            end -= 1
        span = Span(end, 1, end, len(report.lines[end - 1]) + 1 if report.lines else 1)
        if len(trailing) == 1:
            yield Finding(span, {"number": numeral(trailing[0]), "heading": canonical_heading(trailing[0])})
        else:
            names = "、".join(canonical_heading(n) for n in trailing)
            yield Finding(span, {"numbers": "、".join(numeral(n) for n in trailing), "headings": names,
                                 "count": len(trailing)}, message="trailing")


@kind("section_order")
def check_section_order(rule, report: Report, ctx):
    """Sections appear in the order 一 → 六 (a repeated heading is a duplicate, not an order problem)."""
    highest = 0
    for s in report.sections:
        if s.number is None:
            continue
        if s.number < highest:
            yield Finding(s.span, {"heading": s.heading, "number": numeral(s.number), "after": numeral(highest)})
        highest = max(highest, s.number)


@kind("section_numbering")
def check_section_numbering(rule, report: Report, ctx):
    """A section heading's numeral matches its place in the template (四、… is the 复议/诉讼 part)."""
    for s in report.sections:
        if s.number is not None and s.numeral is None:
            yield Finding(s.span, {"heading": s.heading, "number": numeral(s.number),
                                   "canonical": canonical_heading(s.number)}, message="lost", severity=Severity.WARNING)
        elif s.number is not None and s.numeral is not None and s.numeral != s.number:
            yield Finding(s.span, {"heading": s.heading, "written": numeral(s.numeral), "number": numeral(s.number),
                                   "canonical": canonical_heading(s.number)})


@kind("heading_wording", options={"alias_severity": Opt(str, "info", doc="severity for a known alias")})
def check_heading_wording(rule, report: Report, ctx):
    """Section headings use the template's words; a known alias is noted at a lower severity."""
    for s in report.sections:
        if s.canonical or s.number is None:
            continue
        params = {"heading": s.heading, "canonical": canonical_heading(s.number)}
        # the template's heading may change what the section says: an unsafe fix
        fix = fixes.replace(report.lines, s.span, params["canonical"], f"改为“{params['canonical']}”",
                            fixes.UNSAFE, expect=s.heading)
        if s.alias:
            yield Finding(s.span, params, message="alias", severity=Severity.parse(rule.opt("alias_severity")),
                          fix=fix)
        else:
            yield Finding(s.span, params, fix=fix)


@kind("unique_heading")
def check_unique_heading(rule, report: Report, ctx):
    """Each of the six section headings appears once."""
    seen: dict[int, int] = {}
    for s in report.sections:
        if s.number is None:
            continue
        if s.number in seen:
            yield Finding(s.span, {"heading": s.heading, "first_line": seen[s.number]})
        else:
            seen[s.number] = s.span.line


_SUBTOPICS = ("主动公开", "依申请公开", "政府信息管理", "平台建设", "监督保障")


@kind("extra_numbering")
def check_extra_numbering(rule, report: Report, ctx):
    """A second 一、二、 numbering inside the report, or 总体情况 sub-topics promoted to top-level headings."""
    for s in report.sections:
        for b in s.blocks:
            if isinstance(b, Heading) and b.kind == "top":
                f = folded(b.text)
                topic = next((t for t in _SUBTOPICS if t in f), None)
                if topic and s.number == 1:
                    yield Finding(b.span, {"heading": b.text, "topic": topic}, message="subtopic")
                else:
                    yield Finding(b.span, {"heading": b.text, "section": s.heading})
