"""Who and when: a report's agency (normalised, so that 平潭综合实验区管委会办公室 and 平潭综合实验区 are one
agency) and its report year, each resolved once per report and said with where it came from.

Sources, in order: the title (``Report.title``), the page metadata (来源：… on a web page), the signature at
the end (a short last line naming an agency). The year: the title, then the preamble (统计期限自 2023 年 1 月
1 日 / 2023 年度), then the publication date (a report published in the first half of year Y reports on Y−1).
A report repository may give a mapping file for agencies that cannot be told apart by name
(``--agencies FILE``): YAML or TOML, ``canonical name: [other name, …]``.
"""
from __future__ import annotations

import re
from pathlib import Path


_AGENCY_END = r"(?:人民政府|政府|管委会|管理委员会|委员会|局|办公室|办事处|中心|厅|委|院|署|街道|镇|乡)"
_SOURCE = re.compile(r"(?:来源|发布机构|发布单位)\s*[:：]\s*([^\s:：|]{2,40}?" + _AGENCY_END + r")(?=$|[\s|])")
_SIGNATURE = re.compile(r"^\s*([\u4e00-\u9fff（）()]{2,40}" + _AGENCY_END + r")\s*$")
_PERIOD = re.compile(r"(?:统计期限|统计时限|统计期)[^。\n]{0,12}?(20\d\d)\s*年\s*1\s*月\s*1\s*日")
_YEAR_WORD = re.compile(r"(20\d\d)\s*年度")
_PUNCT = re.compile(r"[\s\u3000·•()（）\[\]【】\"“”'‘’《》]")
_ZONE_OFFICE = re.compile(r"(?<=[区园岛])管委会(?:办公室)?$")
_GOV = re.compile(r"(?<=[省市县区州旗盟])政府$")


def normalise(name: str | None) -> str | None:
    """One spelling per agency: spaces and brackets dropped, 管理委员会 → 管委会, a zone's 管委会(办公室) → the
    zone (平潭综合实验区管委会办公室 → 平潭综合实验区), X县政府 → X县人民政府."""
    if not name:
        return None
    s = _PUNCT.sub("", name).replace("管理委员会", "管委会")
    s = _ZONE_OFFICE.sub("", s)
    s = _GOV.sub("人民政府", s)
    return s or None


def resolve_agency(report) -> tuple[str | None, str | None]:
    """(agency as written, where: 标题 | 来源 | 署名) for a parsed ``Report``."""
    if report.agency:
        return report.agency, "标题"
    head = list(report.lines[:15]) + [c.text for c in report.chrome]
    for line in head:
        m = _SOURCE.search(line)
        if m:
            return m.group(1), "来源"
    tail = [l for l in report.lines[-8:] if l.strip()]
    for line in reversed(tail):
        m = _SIGNATURE.match(line)
        if m:
            return m.group(1), "署名"
    return None, None


def resolve_year(report) -> tuple[int | None, str | None]:
    """(report year, where: 标题 | 统计期限 | 导语 | 发布日期)."""
    if report.year:
        return report.year, "标题"
    pre = "\n".join(getattr(b, "text", "") for b in report.preamble) or "\n".join(report.lines[:10])
    if m := _PERIOD.search(pre):
        return int(m.group(1)), "统计期限"
    if m := _YEAR_WORD.search(pre):
        return int(m.group(1)), "导语"
    if report.publication_date:
        y, mo, _ = report.publication_date
        return (y - 1 if mo <= 6 else y), "发布日期"
    return None, None


class AgencyMap:
    """Names that cannot be told apart by normalisation: other name → canonical name (both normalised)."""

    def __init__(self, mapping: dict[str, str] | None = None):
        self._map = {normalise(k): normalise(v) for k, v in (mapping or {}).items()}

    @classmethod
    def load(cls, path: str | Path) -> "AgencyMap":
        """``canonical: [alias, …]`` (or ``canonical: alias``) from a .yaml/.yml/.toml file; ValueError if bad."""
        p = Path(path)
        text = p.read_text(encoding="utf-8")
        import tomllib

        import yaml

        data = tomllib.loads(text) if p.suffix == ".toml" else yaml.safe_load(text)
        if not isinstance(data, dict):
            raise ValueError(f"{p}: 机关对照表应为“规范名称: [其他名称, …]”")
        mapping: dict[str, str] = {}
        for canonical, aliases in data.items():
            aliases = [aliases] if isinstance(aliases, str) else aliases
            if not isinstance(canonical, str) or not isinstance(aliases, list) \
                    or not all(isinstance(a, str) for a in aliases):
                raise ValueError(f"{p}: “{canonical}”的其他名称应为字符串列表")
            mapping.update({a: canonical for a in aliases})
        return cls(mapping)

    def pairs(self) -> list[tuple[str, str]]:
        """(other name, canonical name), sorted: what the map is (a key for results that depend on it)."""
        return sorted(self._map.items())

    def __call__(self, name: str | None) -> str | None:
        n = normalise(name)
        return self._map.get(n, n) if n else None
