"""Page assembly for the HTML reader: which rendered lines are the report, plus the metadata lines.

Input: every rendered line of the page (``html_layout.VLine``, chrome marked, each with the pre-order number
of its block element). Output: the view lines and, per line, its segments (start, line, column, linear).

- The report's region is the lowest common ancestor of its section headings (at least three of the six
  found); without one the whole page minus furniture is the view (index pages, fragments).
- Furniture (``VLine.chrome``) is dropped unless the furniture element wraps most of the page's text (a
  ``<div id="right">`` around the article is layout, not furniture) or wraps the region itself.
- Link-dominated short lines (menus, lists of other reports) are dropped outside the region.
- Metadata the parser reads from chrome-like lines is added when the kept lines lack it: ``发布时间：…``,
  ``来源：…`` (visible text first, then ``<meta>``), and the title from ``<meta name=ArticleTitle>``/
  ``<title>`` when the page shows none. Each maps to its source text.
"""
from __future__ import annotations

import re

from .html_pieces import MARK, TAB, TEXT, VLine
from .html_source import SourceText

_HEADING = re.compile(r"^(?:第)?([一二三四五六七八九十])(?:部分)?\s*[、.．,，:：]?\s*(.{2,40})$")
_SECTION_WORDS = ((1, ("总体情况", "概述", "基本情况")), (2, ("主动公开",)), (3, ("收到和处理", "依申请", "申请情况")),
                  (4, ("复议", "诉讼")), (5, ("问题", "改进")), (6, ("其他需要报告", "其他事项", "其他需报告")))
_TITLE = re.compile(r"信息公开.{0,30}(?:年度报告|年报|工作报告)")
_YEAR = re.compile(r"(?:19|20)\d{2}")
_DATE = re.compile(r"(?:发布时间|发布日期|成文日期|时间|日期)\s*[:：]\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_VISIBLE_DATE = re.compile(r"(?:发布时间|发布日期)\s*[:：]\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}日?"
                           r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?")
_SOURCE = re.compile(r"(?:信息来源|来源|发布机构)\s*[:：]")
# a short line with one of these is the page's info bar / tool bar: dropped, its date and publisher kept
_INFO = re.compile(r"来源\s*[:：]|发布时间\s*[:：]|发布日期\s*[:：]|浏览次数|访问次数|阅读次数|点击数|点击量|访问量|字体\s*[:：]|"
                   r"字号\s*[:：]|【\s*字号|【\s*打印|打印本页|关闭窗口|扫一扫|分享到|当前位置|责任编辑\s*[:：]|索引号\s*[:：]|"
                   r"发布机构\s*[:：]|原文链接")
_VISIBLE_SOURCE = re.compile(r"(?:信息来源|来源|发布机构)\s*[:：]\s*[^\s|｜:：]{2,40}")
_DATE_META = ("pubdate", "publishdate", "firstpublishedtime", "article:published_time", "og:release_date",
              "datepublished", "publish_date", "publishtime", "dc.date", "dc.date.issued", "dc.date.created")
_SOURCE_META = ("contentsource", "source")
_TITLE_META = ("articletitle", "og:title")
_SITE_SEP = re.compile(r"\s*(?:[_|｜]|\s[-—–]\s|--)\s*")
WRAPPER_SHARE = 0.4


def section_of(text: str) -> int | None:
    t = re.sub(r"\s+", "", text)
    if len(t) > 48 or "。" in t[:-1]:
        return None
    m = _HEADING.match(t)
    if not m:
        return None
    rest = m.group(2)
    for number, words in _SECTION_WORDS:
        if any(w in rest for w in words):
            return number
    return None


def is_title(text: str) -> bool:
    t = re.sub(r"\s+", "", text)
    return bool(_TITLE.search(t)) and len(t) <= 80 and "。" not in t and bool(
        _YEAR.search(t) or "政府信息公开工作年度报告" in t)


def _linky(line: VLine) -> bool:
    n = len(line.text)
    return line.kind == "p" and n <= 80 and line.links > 0.5 * n


def _lca(nodes: list[int], parent: list[int], post: list[int]) -> int:
    a = nodes[0]
    while a >= 0 and not all(a <= x <= post[a] for x in nodes):
        a = parent[a]
    return a


def _slice(frags: list, a: int, b: int) -> list:
    """The pieces of a line's text between characters a and b."""
    out, pos = [], 0
    for text, src, linear, kind in frags:
        end = pos + len(text)
        lo, hi = max(a, pos), min(b, end)
        if lo < hi:
            at = src + (lo - pos) if (src >= 0 and linear) else src
            out.append((text[lo - pos:hi - pos], at, linear, kind))
        pos = end
    return out


def _meta(src: SourceText) -> dict[str, tuple[str, int, bool]]:
    """<meta> name/property → (content, source offset of the content, content is entity-free)."""
    out: dict[str, tuple[str, int, bool]] = {}
    for tg in src.tags:
        if tg.name != "meta":
            continue
        at = tg.attrs()
        key = (at.get("name") or at.get("property") or at.get("itemprop") or ("", 0))[0].strip().lower()
        if key and "content" in at and key not in out:
            value, off = at["content"]
            import html as _html
            dec = _html.unescape(value)
            out[key] = (dec.strip(), off + (len(value) - len(value.lstrip())), dec == value)
    return out


def _synthetic(label: str, value: str, off: int, linear: bool) -> VLine:
    frags = [(label, off, False, TEXT), (value, off, linear, TEXT)]
    return VLine(frags, "meta", -1, (), 0, True)


def _site_title(text: str) -> str:
    parts = [p for p in _SITE_SEP.split(text.strip()) if p]
    for p in parts:
        if is_title(p):
            return p
    return parts[0] if parts else ""


def assemble(lines: list[VLine], walker, src: SourceText) -> tuple[list[str], list[list[tuple]], set[int], set[int]]:
    parent, post = walker.parent, walker.post
    sections: dict[int, int] = {}
    for i, ln in enumerate(lines):
        if ln.kind == "p":
            n = section_of(ln.text)
            if n is not None and n not in sections:
                sections[n] = i
    region = -1
    if len(sections) >= 3:
        region = _lca([lines[i].block for i in sections.values()], parent, post)
        if region >= 0 and walker.tags[region] in ("html", "body", ""):
            region = -1
    total = sum(len(ln.text) for ln in lines) or 1
    share: dict[int, int] = {}
    for ln in lines:
        for pre, _lvl in ln.chrome:
            share[pre] = share.get(pre, 0) + len(ln.text)
    wrappers = {pre for pre, n in share.items() if n > WRAPPER_SHARE * total}

    def furniture(ln: VLine, inside: bool) -> bool:
        for pre, lvl in ln.chrome:
            if pre in wrappers or (region >= 0 and pre <= region <= post[pre]):
                continue                       # wraps the report: layout, not furniture
            if inside and lvl < 2:
                continue                       # a 'header'/'bottom' inside the article is the article's
            return True
        return False

    def in_region(ln: VLine) -> bool:
        return region >= 0 and region <= ln.block <= post[region]

    kept: list[tuple[int, VLine]] = []
    if region >= 0:
        first = next(i for i, ln in enumerate(lines) if in_region(ln))
        first_head = min(sections.values())
        own_title = any(lines[i].kind == "p" and is_title(lines[i].text) for i in range(first, first_head))
        title_at = None
        for i in range(first - 1 if not own_title else -1, -1, -1):
            ln = lines[i]
            if ln.kind == "p" and is_title(ln.text) and not _linky(ln) and all(lvl < 2 for _p, lvl in ln.chrome):
                title_at = i
                break
        if title_at is not None:
            kept.append((title_at, lines[title_at]))
            kept.extend((i, lines[i]) for i in range(title_at + 1, first)
                        if not furniture(lines[i], False) and not _linky(lines[i]))
        kept.extend((i, ln) for i, ln in enumerate(lines) if in_region(ln) and not furniture(ln, True))
    else:
        kept = [(i, ln) for i, ln in enumerate(lines) if not furniture(ln, False) and not _linky(ln)]

    kept = [(i, ln) for i, ln in kept if not _info(ln)]
    report_like = region >= 0 or len(sections) >= 2 or sum(1 for _i, ln in kept if ln.kind == "row") >= 5
    first_section = next((k for k, (_i, ln) in enumerate(kept) if ln.kind == "p" and section_of(ln.text)), len(kept))
    title_k = next((k for k in range(first_section) if kept[k][1].kind == "p" and is_title(kept[k][1].text)), None)
    meta = _meta(src)
    add: list[VLine] = []
    if report_like and title_k is None:
        t = next((meta[k] for k in _TITLE_META if k in meta and is_title(meta[k][0])), None)
        if t is not None:
            add.append(VLine([(t[0], t[1], t[2], TEXT)], "meta", -1, (), 0, True))
        else:
            tt = src.title_text()
            if tt is not None:
                text, frags = tt
                core = _site_title(text)
                a = text.find(core) if core else -1
                if a >= 0 and is_title(core):
                    pieces = [(s, o, lin, TEXT) for s, o, lin in frags]
                    add.append(VLine(_slice(pieces, a, a + len(core)), "meta", -1, (), 0, True))
    kept_text = [ln.text for _i, ln in kept if ln.kind == "p" and len(ln.text) <= 80]
    if not any(_DATE.search(t) for t in kept_text):
        line = _visible(lines, _VISIBLE_DATE)
        if line is not None:
            add.append(line)
        else:
            v = next((meta[k] for k in _DATE_META if k in meta and re.search(r"\d{4}", meta[k][0])), None)
            if v is not None:
                add.append(_synthetic("发布时间：", v[0], v[1], v[2]))
    if not any(_SOURCE.search(t) for t in kept_text):
        line = _visible(lines, _VISIBLE_SOURCE)
        if line is not None:
            add.append(line)
        else:
            v = next((meta[k] for k in _SOURCE_META if k in meta and meta[k][0]), None)
            if v is not None:
                add.append(_synthetic("来源：", v[0], v[1], v[2]))
    # the date and the publisher on one info line, as pages show them (one chrome line for the parser, not two)
    info = [ln for ln in add if ln.frags and ln.frags[0][0].startswith(("发布时间", "发布日期", "来源", "信息来源", "发布机构"))]
    if len(info) == 2:
        add = [ln for ln in add if ln not in info]
        add.append(VLine([*info[0].frags, ("\u3000", -1, False, TEXT), *info[1].frags], "meta", -1, (), 0, True))
    at = title_k + 1 if title_k is not None else 0
    final: list[tuple[int, VLine]] = kept[:at] + [(-1, ln) for ln in add] + kept[at:]
    return _render(final, src)


def _info(ln: VLine) -> bool:
    t = ln.text
    return len(t) <= 150 and "。" not in t and bool(_INFO.search(t))


def _visible(lines: list[VLine], pattern: re.Pattern) -> VLine | None:
    """The first visible ``发布时间：…``/``来源：…`` (a cell of a metadata table too), as a line of its own."""
    for ln in lines:
        m = pattern.search(ln.text)
        if m:
            frags = [(" ", f[1], False, TEXT) if f[3] == TAB else f for f in _slice(ln.frags, m.start(), m.end())]
            return VLine(frags, "meta", -1, (), 0, True)
    return None


def _render(final: list[tuple[int, VLine]], src: SourceText) -> tuple[list[str], list[list[tuple]], set[int], set[int]]:
    """View lines, their segments (start, line, column, linear), the numbers of the table-row lines and of the
    lines made from the page's metadata (title, 发布时间/来源)."""
    view: list[str] = []
    rows: set[int] = set()
    meta: set[int] = set()
    segments: list[list[tuple]] = []
    prev, prev_kind = None, None
    for idx, ln in final:
        gap = ln.gap or ln.kind == "meta" or prev_kind == "meta" or (
            prev is not None and idx >= 0 and prev >= 0 and idx != prev + 1)
        if view and gap:
            view.append("")
            segments.append([])
        prev, prev_kind = idx, ln.kind
        parts: list[str] = []
        segs: list[tuple] = []
        pos = 0
        last = None      # (start, line, col, linear) of the last segment
        for text, off, linear, kind in ln.frags:
            if off >= 0 and kind != TAB:
                line, col = src.line_col(off)
                if not (last is not None and linear and last[3] and last[1] == line
                        and last[2] + (pos - last[0]) == col):
                    last = (pos, line, col, linear and kind != MARK)
                    segs.append(last)
            parts.append(text)
            pos += len(text)
        view.append("".join(parts))
        segments.append(segs)
        if ln.kind == "row":
            rows.add(len(view))
        elif ln.kind == "meta":
            meta.add(len(view))
    return view, segments, rows, meta
