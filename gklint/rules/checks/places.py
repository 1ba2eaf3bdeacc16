"""Check kind ``foreign_place``: narrative copied from another jurisdiction's report.

A report that publishes "through 宝鸡审计网站" while its title says it is a 云南 county's 审计局 was copied from
宝鸡's report. The agency's own places come from its title (每个带“省/市/县/区/州/旗/镇/乡/街道”的地名); the
channels the report names as its own (``通过/在/依托/利用 … 网站/政府网/公众号``) are read for a place stem
(the name before 市/县/区…, or before a department word). A channel is foreign when its place is not one of
the agency's and it is the same kind of body as the agency (the same department word: a 审计局 naming
another place's 审计 site; or, for a 人民政府, another place's 政府 site): a county bureau publishing on its
city's government portal is normal and not reported.
"""
from __future__ import annotations

import re

from ...model import Report
from . import Finding, kind
from .content import prose_lines, quote

_ADMIN = r"(?:特别行政区|自治区|自治州|自治县|自治旗|地区|街道|省|市|州|盟|县|区|旗|镇|乡)"
_PLACE = re.compile(rf"([\u4e00-\u9fff]{{2,6}}?){_ADMIN}")
_CHANNEL = re.compile(r"(?:通过|在|依托|利用|登录|于)[“\"]?(?P<name>[\u4e00-\u9fff]{2,16}?)[”\"]?"
                      r"(?:门户网站|政府网站|官方网站|网站|政府网|政务网|微信公众号|公众号)")
_BODY_END = re.compile(r"(?:管理局|委员会|办公室|办公厅|服务中心|中心|局|委|办|厅|所|站)$")


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


@kind("foreign_place")
def check_foreign_place(rule, report: Report, ctx):
    """A channel of the agency's own kind named with another place than the title's."""
    agency = report.agency
    if not agency:
        return
    stems, dept = _own(agency)
    if not stems or not dept:
        return
    title = report.title.text if report.title else agency
    for _sec, line in prose_lines(report, front=False):
        for m in _CHANNEL.finditer(line.text):
            name = m.group("name")
            place = _channel_place(name, dept)
            if place is None or place in title or any(s in name or place in s for s in stems):
                continue
            a, b = m.start("name"), m.end()
            yield Finding(line.span(a, b), {"name": quote(line.text[a:b], 30), "place": place,
                                            "agency": agency, "own": "、".join(sorted(stems))})
