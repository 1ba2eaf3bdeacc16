"""甘肃武威 rule pack (武政办发〔2025〕54号): YAML rules with the prefix WW and two check kinds YAML cannot say.

* ``counted_items``: each named item (a platform, a key area, 制发/废止/现行有效 …) is given *with a number* in a
  section or under a sub-heading — one finding per missing item, so the message names what is missing;
* ``section_length``: a section's prose is at most N characters (the notice's “原则上不超过1000字”).

Installed with pip, the pack is found through the ``gklint`` entry-point group; ``pack.yaml`` says where it
applies (武威's agencies, reports from 2025 on) and what it changes in the national pack for those reports.
"""
from __future__ import annotations

import re
from pathlib import Path

from gklint.model import Heading, Paragraph
from gklint.plugins import hookimpl
from gklint.rules import saferegex
from gklint.rules.checks import Finding, Opt, kind

NUMBER = r"[\d０-９零〇一二三四五六七八九十百千万两]+\s*(?:余|多)?\s*(?:条|篇|件|期|个|次|项|份|场|批|家|处)"
_CLAUSE = re.compile(r"[^。；;！？!?\n]+")
_SEGMENT = re.compile(r"[，,：:]")


def _scope(report, number: int, subsection: str):
    """(where to point, how to name it, its text): the text under the first sub-heading matching
    ``subsection`` (up to the next sub-heading), else the whole section (headings written inline)."""
    sec = report.section(number)
    if sec is None:
        return None
    if subsection:
        rx, budget = saferegex.compile_pattern(subsection), saferegex.Budget(1.0)
        blocks, head = [], None
        for b in sec.blocks:
            if isinstance(b, Heading) and b.kind in ("sub", "top"):
                if head is not None:
                    break
                if budget.search(rx, b.text):
                    head = b
            elif head is not None and isinstance(b, Paragraph):
                blocks.append(b.text)
        if head is not None:
            return head.span, f"“{head.text.strip()}”", "\n".join(blocks)
    return sec.span, f"第{'一二三四五六'[number - 1]}部分“{sec.heading.strip()}”", sec.text


@kind("counted_items", options={
    "section": Opt(int, 1, doc="section number 1-6"),
    "subsection": Opt(str, "", doc="regular expression of the sub-heading （一）… whose text is read; when no "
                                   "sub-heading matches, the whole section is read", regex=True),
    "items": Opt(dict, required=True, doc="item name → regular expression of its words; the words and a number "
                                          "(“126 条”) must stand in one clause", regex=True),
    "number": Opt(str, NUMBER, doc="regular expression of a count", regex=True),
})
def counted_items(rule, report, ctx):
    """Each item is written with its count: one finding per item whose words never stand beside a number."""
    scope = _scope(report, rule.opt("section"), rule.opt("subsection"))
    if scope is None:
        return
    span, where, text = scope
    budget = saferegex.Budget(1.0)
    num = saferegex.compile_pattern(rule.opt("number"))
    items = {name: saferegex.compile_pattern(words) for name, words in rule.opt("items").items()}
    clauses = [[s for s in _SEGMENT.split(m.group(0))] for m in _CLAUSE.finditer(text)]
    for item, rx in items.items():
        if not any(_counted(rx, segs, num, items.values(), budget) for segs in clauses):
            yield Finding(span, {"item": item, "where": where})


def _counted(rx, segs: list[str], num, all_items, budget) -> bool:
    """The item's words and a count in one comma-segment of a clause, or the count in the next segment when
    that names no other item (“通过政府网站发布信息，共 126 条”)."""
    for i, seg in enumerate(segs):
        if not budget.search(rx, seg):
            continue
        if budget.search(num, seg):
            return True
        nxt = segs[i + 1] if i + 1 < len(segs) else ""
        if nxt and budget.search(num, nxt) and not any(budget.search(o, nxt) for o in all_items):
            return True
    return False


@kind("section_length", options={
    "section": Opt(int, 1, doc="section number 1-6"),
    "max_chars": Opt(int, 1000, doc="most characters of prose (spaces not counted; sub-headings counted)"),
})
def section_length(rule, report, ctx):
    """The section's prose is at most ``max_chars`` characters long (finding at its heading)."""
    sec = report.section(rule.opt("section"))
    if sec is None:
        return
    n = len(re.sub(r"\s+", "", sec.text))
    if n > rule.opt("max_chars"):
        yield Finding(sec.span, {"n": n, "max": rule.opt("max_chars"), "heading": sec.heading.strip()})


def _validate(rule):
    if not 1 <= rule.opt("section") <= 6:
        raise ValueError("section 只能是 1 到 6")
    if rule.kind == "section_length" and rule.opt("max_chars") <= 0:
        raise ValueError("max_chars 应为正整数")


counted_items.validate = _validate
section_length.validate = _validate


@hookimpl
def gklint_rule_dirs():
    return [Path(__file__).parent / "rules"]


@hookimpl
def gklint_check_kinds():
    from gklint.rules.checks import KINDS

    return {name: KINDS[name] for name in ("counted_items", "section_length")}
