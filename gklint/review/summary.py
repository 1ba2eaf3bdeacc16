"""The review summary: per agency, its findings by severity, top rules, years present, and an optional
score (扣分 per rule or code prefix, capped per group) by which agencies are ranked.

Score file (``--score FILE``, YAML or TOML)::

    base: 100                # the score before deductions
    deductions:              # code or code prefix → points per finding; the longest matching key wins
      GK3: 2                 # every 勾稽关系 finding costs 2 …
      GK520: 5
      GK6: 0.5
    caps:                    # group (a key of deductions) → most points it can cost one agency
      GK3: 20
      GK6: 5
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Scoring:
    base: float = 100.0
    deductions: dict[str, float] = field(default_factory=dict)
    caps: dict[str, float] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path) -> "Scoring":
        p = Path(path)
        text = p.read_text(encoding="utf-8")
        import tomllib

        import yaml

        data = tomllib.loads(text) if p.suffix == ".toml" else yaml.safe_load(text)
        if not isinstance(data, dict) or set(data) - {"base", "deductions", "caps"}:
            raise ValueError(f"{p}: 评分文件只能有 base、deductions、caps")
        try:
            return cls(float(data.get("base", 100)), {str(k): float(v) for k, v in (data.get("deductions") or {}).items()},
                       {str(k): float(v) for k, v in (data.get("caps") or {}).items()})
        except (TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"{p}: deductions/caps 应为“代码: 分值”（{exc}）") from None

    def group(self, code: str) -> str | None:
        keys = [k for k in self.deductions if code.startswith(k)]
        return max(keys, key=len) if keys else None

    def deduct(self, codes) -> tuple[float, dict[str, float]]:
        """(score, points lost per group) for the findings' codes."""
        lost: dict[str, float] = defaultdict(float)
        for code in codes:
            g = self.group(code)
            if g is not None:
                lost[g] += self.deductions[g]
        capped = {g: min(v, self.caps.get(g, v)) for g, v in lost.items()}
        return self.base - sum(capped.values()), capped


@dataclass
class AgencyRow:
    agency: str
    files: list[str]
    years: list[int]
    counts: Counter
    top: list[tuple[str, int]]
    score: float | None = None
    lost: dict[str, float] = field(default_factory=dict)
    rank: int | None = None


UNKNOWN = "（未识别机关）"


def summarise(diagnostics, reports: dict[str, dict], files: list[str], scoring: Scoring | None = None) -> list[AgencyRow]:
    """One row per agency (files whose agency is unknown under 未识别机关), ranked by score when scored,
    else by errors, warnings."""
    by_agency: dict[str, list[str]] = defaultdict(list)
    for f in files:
        by_agency[(reports.get(f) or {}).get("agency") or UNKNOWN].append(f)
    agency_of = {f: a for a, fs in by_agency.items() for f in fs}
    diags: dict[str, list] = defaultdict(list)
    for d in diagnostics:
        diags[agency_of.get(d.path, UNKNOWN)].append(d)
    rows = []
    for a, fs in by_agency.items():
        ds = diags.get(a, [])
        counts = Counter(d.severity.value for d in ds)
        row = AgencyRow(a, fs, sorted({y for f in fs if (y := (reports.get(f) or {}).get("year"))}), counts,
                        Counter(d.code for d in ds).most_common(3))
        if scoring:
            row.score, row.lost = scoring.deduct(d.code for d in ds)
        rows.append(row)
    if scoring:
        rows.sort(key=lambda r: (-r.score, r.agency == UNKNOWN, r.agency))
    else:
        rows.sort(key=lambda r: (-r.counts["error"], -r.counts["warning"], r.agency == UNKNOWN, r.agency))
    for i, r in enumerate(rows, 1):
        r.rank = i
    return rows


def agency_table(rows: list[AgencyRow]) -> str:
    """The per-agency table printed by ``check --statistics``."""
    scored = any(r.score is not None for r in rows)
    head = f"{'排名':>4}  {'机关':<24} {'年度':<20} {'文件':>4} {'错误':>4} {'警告':>4} {'提示':>4}"
    head += f" {'得分':>6}" if scored else ""
    out = ["", head + "  主要问题"]
    for r in rows:
        line = (f"{r.rank:>4}  {r.agency:<24} {'、'.join(map(str, r.years)) or '—':<20} {len(r.files):>4} "
                f"{r.counts['error']:>4} {r.counts['warning']:>4} {r.counts['info']:>4}")
        if scored:
            line += f" {r.score:>6.1f}"
        out.append(line + "  " + " ".join(f"{c}×{n}" for c, n in r.top))
    return "\n".join(out) + "\n"
