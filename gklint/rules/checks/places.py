"""Check kind ``foreign_place``: narrative copied from another jurisdiction's report.

A report that publishes "through 宝鸡审计网站" while its title says it is a 云南 county's 审计局 was copied from
宝鸡's report. The agency's own places come from its title: the division names in it (gklint.model.divisions:
云南省, 昭通市, 彝良县 …), or, for a place the gazetteer does not know (a township, a development zone), every
name with 省/市/县/区/州/旗/镇/乡/街道. Two things are read as the report speaking of itself:

* the channels it publishes through (``通过/在/依托/利用 … 网站/政府网/公众号``);
* an agency named as the subject of a sentence (``2023年，宝鸡市审计局坚持……``), as the contact for questions
  (``请与宝鸡市审计局办公室联系``) or anywhere in the preamble.

Either is reported when it names a body of the same kind as the agency (the same department word: a 审计局
naming another place's 审计 site; for a 人民政府, another place's 政府) with a place that is not the agency's:
not one of its places, and — when the gazetteer knows both — not a place that contains it or lies in it. A
county bureau publishing on its city's portal, or citing its province's department, is normal and not reported.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ...model import Report
from ...model.divisions import ending, places_in, related
from . import Finding, kind, lazy_re
from .content import lines_with, literal_lines, prose_lines, prose_text, quote

_ADMIN = r"(?:特别行政区|自治区|自治州|自治县|自治旗|地区|街道|省|市|州|盟|县|区|旗|镇|乡)"
_PLACE = lazy_re(rf"([\u4e00-\u9fff]{{2,6}}?){_ADMIN}")
_CHANNEL = lazy_re(r"(?:通过|在|依托|利用|登录|于)[“\"]?(?P<name>[\u4e00-\u9fff]{2,16}?)[”\"]?"
                      r"(?:门户网站|政府网站|官方网站|网站|政府网|政务网|微信公众号|公众号)")
_BODY_END = lazy_re(r"(?:管理局|委员会|办公室|办公厅|服务中心|中心|局|委|办|厅|所|站)$")
# before a sentence's subject: a time phrase (2023年，今年以来，), after the line's start or a full stop
_TIME = lazy_re(r"(?:[12]\d{3}\s*年度?(?:以来)?|今年以来|本年度|一年来)$")
_GENERIC = {"城区", "郊区", "矿区"}    # division names that are ordinary words too (县城区商务局)
_NET = ("网", "公众号")        # what every channel word of _CHANNEL has


def _own(agency: str) -> tuple[set[str], str | None]:
    """The agency's place stems and its department word (审计 for 某县审计局; 政府 for a 人民政府)."""
    stems: set[str] = set()
    pos = 0
    while (m := _PLACE.match(agency, pos)) is not None:
        stems.add(m.group(1))
        pos = m.end()
    rest = agency[pos:]
    if not stems or not rest:
        return stems, None
    if rest.endswith("政府"):
        return stems, "政府"
    core = _BODY_END.sub("", rest)
    return stems, core if len(core) >= 2 else None


def _channel_place(name: str, dept: str) -> str | None:
    """The place stem of a channel name of the same kind of body as the agency (``宝鸡审计`` → 宝鸡)."""
    i = name.find(dept)
    if i < 2:
        return None
    head = name[:i]
    m = _PLACE.fullmatch(head) or re.fullmatch(rf"([\u4e00-\u9fff]{{2,6}}?){_ADMIN}?(?:人民)?", head)
    return m.group(1) if m else None


@lru_cache(maxsize=64)
def _body(dept: str) -> re.Pattern:
    """A body of the department ``dept`` (审计局, 审计委员会 …; 人民政府), not its website."""
    body = r"(?:人民)?政府" if dept == "政府" else re.escape(dept) + r"(?:管理局|委员会|办公室|局|委|办|厅)"
    return re.compile(body + r"(?!网|门户|公众号|微信|与|和|同|及|联合|来|到|赴)")


def _named_before(text: str, end: int):
    """The division names written just before ``end`` (陕西省宝鸡市审计局 → 陕西省宝鸡市): (start, (the nearest
    name, its places)), or None."""
    i, nearest = end, None
    while i > 0:
        hit = ending(text[max(0, i - 12):i])
        if hit is None or hit[0] in _GENERIC:
            break
        nearest = nearest or hit
        i -= len(hit[0])
    return (i, nearest) if nearest else None


def _contact(text: str, a: int, b: int) -> bool:
    """``请与<机关>办公室联系``: the report's own contact (读者 are sent to another place's agency)."""
    return a > 0 and text[a - 1] in "与向" and re.match(r"[\u4e00-\u9fff]{0,8}?(?:联系|咨询)", text[b:b + 12]) is not None


def _sentence_start(text: str, i: int) -> bool:
    """Whether a sentence's subject starts at ``i``: only a time phrase and a comma between it and the line's
    start or the last full stop."""
    head = re.sub(r"[，,、\s\u3000]+$", "", text[max(0, i - 30):i])
    head = _TIME.sub("", head).rstrip(" \u3000")
    return (not head and i <= 30) or head.endswith(("。", "；", "！", "？"))


@kind("foreign_place")
def check_foreign_place(rule, report: Report, ctx):
    """A channel, or a sentence's subject, of the agency's own kind named with another place than the title's."""
    agency = report.agency
    if not agency:
        return
    stems, dept = _own(agency)
    if not dept:
        return                           # (half the agencies named: before the gazetteer's look at the name)
    own = tuple(d for _a, _b, ds in places_in(agency) for d in ds)
    if not (stems or own):
        return
    title = report.title.text if report.title else agency
    span = report.title.span if report.title else None
    # only a line with 网 or 公众号 (a channel) or a match of _body (a subject) can have a finding: scans of the
    # prose text find them (content.literal_lines, content.lines_with; _body matches no line break, and its
    # look-ahead after a line's end sees the "\n" there, which starts none of its words, as the line alone sees
    # its end), and only those lines are looked at, in order (most reports: a few of a hundred)
    text, starts = prose_text(report)
    look = literal_lines(text, starts, _NET)
    if own:
        look.update(lines_with(text, starts, _body(dept)))
    lines = prose_lines(report)
    for k in sorted(look):
        sec, line = lines[k]
        if sec is None and span is not None and span.line <= line.line <= span.end_line:
            continue                     # the title is what the rest is compared with
        # every channel word of _CHANNEL has 网 or 公众号: a line with neither names no channel
        if sec is not None and ("网" in line.text or "公众号" in line.text):
            for m in _CHANNEL.finditer(line.text):
                name = m.group("name")
                place = _channel_place(name, dept)
                if place is None or place in title or any(s in name or place in s for s in stems):
                    continue
                head = name[:name.find(dept)].removesuffix("人民")
                known = _named_before(head, len(head)) if own else None
                if known is not None and related(known[1][1], own):
                    continue             # the gazetteer knows it: a place that contains the agency, or in it
                a, b = m.start("name"), m.end()
                yield _finding(line, a, b, place, agency, stems, own)
        if not own:
            continue                     # an agency named as the subject needs the gazetteer to be sure
        for m in _body(dept).finditer(line.text):
            named = _named_before(line.text, m.start())
            if named is None:
                continue
            a, (place, places) = named
            if (sec is not None and not _sentence_start(line.text, a) and not _contact(line.text, a, m.end())) \
                    or related(places, own) or line.text[a:m.end()] in title:
                continue
            yield _finding(line, a, m.end(), place, agency, stems, own)


def _finding(line, a: int, b: int, place: str, agency: str, stems, own) -> Finding:
    names = list(dict.fromkeys(d.name for d in own)) or sorted(stems)
    return Finding(line.span(a, b), {"name": quote(line.text[a:b], 30), "place": place, "agency": agency,
                                     "own": "、".join(names)})
