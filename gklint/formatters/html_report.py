"""``html``: one self-contained review report (no network, no CDN, no web fonts): an overview (agencies ×
years coloured by the worst severity, findings per rule as an inline SVG chart, the score ranking), then per
report its findings with the source excerpt and position (line, or page for PDF), filterable in the page by
severity, rule and agency, each linked to its rule's ``gklint explain`` text at the end of the file.

Chinese text uses the reader's own CJK fonts (a font-family list of the common system fonts: Noto/Source Han,
WenQuanYi, Microsoft YaHei, PingFang, SimSun), never a downloaded one.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from html import escape
from typing import Any, TextIO

from ..diagnostics import Diagnostic
from .lines import is_empty, line_at

SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
_CSS = """
:root{--err:#c62828;--warn:#ef6c00;--info:#1565c0;--ok:#2e7d32}
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Zen Hei","WenQuanYi Micro Hei",
"Microsoft YaHei","PingFang SC","Hiragino Sans GB","SimSun",sans-serif;margin:1.5em;color:#222;line-height:1.5}
h1{font-size:1.5em}h2{border-bottom:2px solid #ddd;margin-top:1.6em}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:.2em .5em;vertical-align:top}th{background:#f4f4f4}
.grid td{text-align:center;min-width:4.5em}.sev-error{background:#ffcdd2}.sev-warning{background:#ffe0b2}
.sev-info{background:#bbdefb}.sev-none{background:#c8e6c9}.absent{background:#fafafa;color:#bbb}
.badge{display:inline-block;padding:0 .4em;border-radius:3px;color:#fff;font-size:.85em}
.b-error{background:var(--err)}.b-warning{background:var(--warn)}.b-info{background:var(--info)}
.excerpt{font-family:"Noto Sans Mono CJK SC","WenQuanYi Zen Hei Mono",monospace;white-space:pre-wrap;
background:#f8f8f8;padding:.2em .4em;display:block}mark{background:#fff176}
.filters{position:sticky;top:0;background:#fff;padding:.5em 0;border-bottom:1px solid #ddd;z-index:1}
.report{margin-bottom:1.5em}.meta{color:#666}.hidden{display:none}pre.explain{white-space:pre-wrap;background:#f8f8f8;padding:.5em}
"""
_JS = """
(function(){
  var sev=document.getElementById('f-severity'),rule=document.getElementById('f-rule'),ag=document.getElementById('f-agency');
  function apply(){
    var shown=0;
    document.querySelectorAll('section.report').forEach(function(sec){
      var okAgency=!ag.value||sec.dataset.agency===ag.value,visible=0;
      sec.querySelectorAll('tr.finding').forEach(function(tr){
        var ok=okAgency&&(!sev.value||tr.dataset.severity===sev.value)&&(!rule.value||tr.dataset.code===rule.value);
        tr.classList.toggle('hidden',!ok);if(ok){visible++;}
      });
      var filtering=sev.value||rule.value;
      sec.classList.toggle('hidden',!okAgency||(filtering&&visible===0));
      shown+=visible;
    });
    document.getElementById('f-count').textContent='显示 '+shown+' 条';
  }
  [sev,rule,ag].forEach(function(el){el.addEventListener('change',apply);});
  function openRule(){var d=location.hash&&document.getElementById(location.hash.slice(1));if(d&&d.tagName==='DETAILS'){d.open=true;}}
  window.addEventListener('hashchange',openRule);openRule();
  apply();
})();
"""


def _worst(sevs) -> str:
    for s in ("error", "warning", "info"):
        if s in sevs:
            return s
    return "none"


def _counts(ds) -> str:
    c = Counter(d.severity.value for d in ds)
    return f"{c['error']}/{c['warning']}/{c['info']}"


def _excerpt(source, d: Diagnostic) -> str:
    """The finding's line around its span (``source``: the file's text or its kept lines)."""
    line = None if is_empty(source) else line_at(source, d.line)
    if line is None:
        return ""
    a = max(0, d.column - 1)
    b = min(len(line), d.end_column - 1) if d.end_line == d.line else min(len(line), a + 40)
    b = max(b, min(len(line), a + 1))
    lo, hi = max(0, a - 60), min(len(line), b + 60)
    return (("…" if lo else "") + escape(line[lo:a]) + "<mark>" + escape(line[a:b]) + "</mark>" + escape(line[b:hi])
            + ("…" if hi < len(line) else ""))


def _chart(counts: Counter, severities: dict[str, str]) -> str:
    top = counts.most_common(25)
    if not top:
        return "<p>没有问题。</p>"
    width, bar_h = 640, 18
    most = top[0][1]
    out = [f'<svg id="rule-chart" xmlns="http://www.w3.org/2000/svg" width="{width + 160}" height="{bar_h * len(top) + 10}"'
           ' role="img" aria-label="各规则问题数">']
    colour = {"error": "#c62828", "warning": "#ef6c00", "info": "#1565c0"}
    for i, (code, n) in enumerate(top):
        w = max(2, round(width * n / most))
        y = i * bar_h + 4
        out.append(f'<a href="#rule-{code}"><text x="0" y="{y + 13}" font-size="12">{code}</text></a>'
                   f'<rect x="70" y="{y}" width="{w}" height="{bar_h - 4}" fill="{colour.get(severities.get(code), "#777")}">'
                   f'<title>{code}: {n}</title></rect><text x="{76 + w}" y="{y + 13}" font-size="12">{n}</text>')
    out.append("</svg>")
    return "".join(out)


def write(diagnostics: list[Diagnostic], stream: TextIO, *, sources: dict | None = None,
          review: dict[str, Any] | None = None, **_options: Any) -> None:
    """``review``: {"reports": path → {agency, year, format…}, "files": [paths], "ranking": [AgencyRow],
    "explain": code → text, "scored": bool} (built by ``gklint check``); without it, paths only."""
    review = review or {}
    reports: dict[str, dict] = review.get("reports") or {}
    files: list[str] = list(review.get("files") or dict.fromkeys(d.path for d in diagnostics))
    explain: dict[str, str] = review.get("explain") or {}
    sources = sources or {}
    by_path: dict[str, list[Diagnostic]] = defaultdict(list)
    for d in diagnostics:
        by_path[d.path].append(d)
        if d.path not in files:
            files.append(d.path)
    index = {f: i for i, f in enumerate(files)}
    agency = {f: (reports.get(f) or {}).get("agency") or "（未识别机关）" for f in files}
    year = {f: (reports.get(f) or {}).get("year") for f in files}
    sev_of = {d.code: d.severity.value for d in diagnostics}
    totals = Counter(d.severity.value for d in diagnostics)
    w = stream.write
    w('<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
      '<meta name="viewport" content="width=device-width, initial-scale=1">'
      f"<title>政府信息公开工作年度报告审查结果</title><style>{_CSS}</style></head><body>\n")
    w(f'<h1>政府信息公开工作年度报告审查结果</h1><p class="meta" id="totals">{len(files)} 份报告，'
      f'{len({agency[f] for f in files})} 个机关；错误 {totals["error"]} 条，警告 {totals["warning"]} 条，'
      f'提示 {totals["info"]} 条</p>\n')
    # overview grid
    years = sorted({y for y in year.values() if y})
    w('<h2 id="overview">总览：机关 × 年度</h2><table class="grid" id="grid"><tr><th>机关</th>'
      + "".join(f"<th>{y}</th>" for y in years) + "<th>年度未识别</th></tr>\n")
    by_cell: dict[tuple, list[str]] = defaultdict(list)   # (agency, year) → its files: one pass, not one per cell
    for f in files:
        by_cell[(agency[f], year[f])].append(f)
    for a in sorted(set(agency.values())):
        cells = []
        for y in [*years, None]:
            fs = by_cell.get((a, y), [])
            if not fs:
                cells.append('<td class="absent">—</td>')
                continue
            ds = [d for f in fs for d in by_path.get(f, [])]
            worst = _worst({d.severity.value for d in ds})
            links = " ".join(f'<a href="#r{index[f]}" title="{escape(f, True)}">{_counts(by_path.get(f, []))}</a>'
                             for f in fs)
            cells.append(f'<td class="sev-{worst}" title="错误/警告/提示">{links}</td>')
        w(f"<tr><th>{escape(a)}</th>{''.join(cells)}</tr>\n")
    w("</table><p class=\"meta\">格中数字：错误/警告/提示；颜色为最严重的级别。</p>\n")
    w('<h2 id="rules">各规则问题数</h2>' + _chart(Counter(d.code for d in diagnostics), sev_of) + "\n")
    ranking = review.get("ranking") or []
    if ranking:
        scored = review.get("scored")
        w('<h2 id="ranking">机关排名</h2><table id="ranking-table"><tr><th>排名</th><th>机关</th><th>年度</th>'
          "<th>错误</th><th>警告</th><th>提示</th>" + ("<th>得分</th><th>扣分</th>" if scored else "") + "<th>主要问题</th></tr>\n")
        for r in ranking:
            lost = "；".join(f"{g} −{v:g}" for g, v in sorted(r.lost.items()))
            w(f"<tr><td>{r.rank}</td><td>{escape(r.agency)}</td><td>{'、'.join(map(str, r.years))}</td>"
              f"<td>{r.counts['error']}</td><td>{r.counts['warning']}</td><td>{r.counts['info']}</td>"
              + (f"<td>{r.score:.1f}</td><td>{escape(lost)}</td>" if scored else "")
              + f"<td>{' '.join(f'{c}×{n}' for c, n in r.top)}</td></tr>\n")
        w("</table>\n")
    # filters
    codes = sorted({d.code for d in diagnostics})
    w('<div class="filters" id="filters">级别 <select id="f-severity"><option value="">全部</option>'
      + "".join(f'<option value="{s}">{SEVERITY_ZH[s]}</option>' for s in ("error", "warning", "info"))
      + '</select> 规则 <select id="f-rule"><option value="">全部</option>'
      + "".join(f'<option value="{c}">{c}</option>' for c in codes)
      + '</select> 机关 <select id="f-agency"><option value="">全部</option>'
      + "".join(f'<option value="{escape(a, True)}">{escape(a)}</option>' for a in sorted(set(agency.values())))
      + '</select> <span id="f-count"></span></div>\n')
    w('<h2 id="reports">各报告的问题</h2>\n')
    for i, f in enumerate(files):
        meta = reports.get(f) or {}
        ds = by_path.get(f, [])
        where = [f"机关：{escape(agency[f])}" + (f"（据{escape(meta['agency_source'])}）" if meta.get("agency_source") else ""),
                 f"年度：{year[f] or '未识别'}" + (f"（据{escape(meta['year_source'])}）" if meta.get("year_source") else "")]
        w(f'<section class="report" id="r{i}" data-agency="{escape(agency[f], True)}" data-year="{year[f] or ""}">'
          f'<h3>{escape(f)}</h3><p class="meta">{"；".join(where)}；{len(ds)} 条问题</p>\n')
        if not ds:
            w("<p>没有问题。</p></section>\n")
            continue
        w("<table class=\"findings\"><tr><th>级别</th><th>位置</th><th>规则</th><th>说明与原文</th></tr>\n")
        for d in ds:
            pos = f"第 {d.line} 行第 {d.column} 列"
            if d.where:
                pos = f"{escape(d.where)}<br><span class=\"meta\">文本视图 {d.line}:{d.column}</span>"
            ex = _excerpt(sources.get(f), d)
            w(f'<tr class="finding" data-severity="{d.severity.value}" data-code="{d.code}">'
              f'<td><span class="badge b-{d.severity.value}">{SEVERITY_ZH[d.severity.value]}</span></td>'
              f'<td>{pos}</td><td><a href="#rule-{d.code}">{d.code}</a><br><span class="meta">{escape(d.name)}</span></td>'
              f'<td>{escape(d.message)}' + (f'<span class="excerpt">{ex}</span>' if ex else "") + "</td></tr>\n")
        w("</table></section>\n")
    w('<h2 id="explain">规则说明（gklint explain）</h2>\n')
    for code in codes:
        w(f'<details id="rule-{code}"><summary>{code}</summary><pre class="explain">'
          f"{escape(explain.get(code, ''))}</pre></details>\n")
    w(f"<script>{_JS}</script>\n</body></html>\n")
