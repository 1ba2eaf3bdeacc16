"""Data tables for the HTML reader: a ``<table>`` expanded onto its grid, one tab-separated view line per row.

The grid follows the HTML table model: a cell takes the first free slot of its row (slots taken by a rowspan
from above are skipped), ``colspan``/``rowspan`` are clamped to the row group (``<thead>``/``<tbody>``/
``<tfoot>``, ``rowspan=0`` to its end) and to ``MAX_COLUMNS``; rows libxml2 closed for missing ``</td>``/
``</tr>`` are rows all the same. A slot covered by a merged cell is an empty field whose position is the merged
cell's; the merged cell's text is in its first slot only, as the text layouts have it. A cell's paragraphs and
``<br>`` lines are joined into one field (``商业<p>企业`` → ``商业企业``). An empty or ``&nbsp;``-only cell is an
empty field placed at its ``&nbsp;`` (or right after its start tag): the parser reads a BLANK cell there.
Caption and stray text of the table come as paragraphs above it.
"""
from __future__ import annotations

import re

from .html_pieces import _HIDDEN, BLOCK, MARK, SKIP, SPACE, TAB, Builder, VLine
from .html_source import RAWTEXT

MAX_COLSPAN, MAX_ROWSPAN, MAX_COLUMNS = 1000, 65534, 2000
LONG_CELL = 160         # a cell with more text than this is prose: its table is page layout


def _span_attr(el, name: str, limit: int) -> int:
    m = re.match(r"\s*(\d+)", el.get(name) or "")
    if not m:
        return 1
    return min(int(m.group(1)), limit)


def _cell_text_len(cell) -> int:
    return sum(len(t.strip()) for t in cell.itertext())


def is_layout_table(table) -> bool:
    """A table holding another table, or long prose, is page layout."""
    for el in table.iter("table", "td", "th"):
        if el is table:
            continue
        if el.tag == "table":
            return True
        if _cell_text_len(el) > LONG_CELL:
            return True
    return False


def render_table(walker, tel, out: Builder, tpre: int, chrome: tuple) -> None:
    """Expand a data table onto its grid and emit one tab-separated line per row."""
    from lxml import etree

    groups: list[list[list]] = []     # row groups → rows → cells (frags, origin, colspan, rowspan)
    before = Builder()                # caption and stray text, shown above the table
    row: list | None = None
    cell = None                       # (builder, element, pre, tag start)
    hidden = 0
    stack: list[tuple] = []
    events = etree.iterwalk(tel, events=("start", "end", "comment", "pi"))
    for ev, el in events:
        if ev in ("comment", "pi"):
            _into(walker, el.tail, cell, before, hidden, tpre)
            continue
        if ev == "start":
            tag = el.tag if isinstance(el.tag, str) else ""
            pre = tpre if el is tel else walker._enter(el, stack[-1][0] if stack else tpre)
            h = tag in SKIP or bool(_HIDDEN.search(el.get("style") or ""))
            stack.append((pre, h))
            if h:
                hidden += 1
            if tag in ("thead", "tbody", "tfoot") or (tag == "tr" and not groups):
                groups.append([])
            if tag == "tr":
                row = []
                groups[-1].append(row)
            elif tag in ("td", "th") and cell is None:
                tg = walker.src.tag_for(tag, el.sourceline)
                if row is None:
                    if not groups:
                        groups.append([])
                    row = []
                    groups[-1].append(row)
                cell = (Builder(), el, pre, tg)
            elif cell is not None:
                if tag in BLOCK and not hidden:
                    cell[0].gap()
                elif tag == "br" and not hidden:
                    cell[0].br()
            if tag not in RAWTEXT:
                _into(walker, el.text, cell, before, hidden, tpre)
            continue
        pre, h = stack.pop()
        if pre != tpre:
            walker._leave(pre)
        if h:
            hidden -= 1
        if cell is not None and el is cell[1]:
            b, cel, _p, tg = cell
            frags = _join(b.close())
            origin = b.first_src if b.first_src >= 0 else (tg.end if tg is not None else -1)
            if row is not None:
                row.append((frags, origin, _span_attr(cel, "colspan", MAX_COLSPAN),
                            _span_attr(cel, "rowspan", MAX_ROWSPAN)))
            cell = None
        elif cell is not None and el.tag in BLOCK and not hidden:
            cell[0].gap()
        elif el.tag == "tr":
            row = None
        if el is not tel:
            _into(walker, el.tail, cell, before, hidden, tpre)
    out._finish()
    for line in before.close():
        line.chrome = chrome
        line.gap = bool(out.lines)
        out.lines.append(line)
    for line_frags in _grid(groups):
        out.row(line_frags, tpre, chrome)
    out.gap()   # the table's own tail belongs to the caller's flow: handled at its end event

def _into(walker, s: str | None, cell, before: Builder, hidden: int, block: int) -> None:
    t = walker.text(s)
    if not t or hidden:
        return
    if cell is not None:
        cell[0].add(t, block, (), False)
    else:
        before.add(t, block, (), False)


def _join(lines: list[VLine]) -> list:
    """A cell's lines as one field: joined with nothing, or a space between two Latin letters/digits."""
    out: list = []
    for line in lines:
        fr = line.frags
        if out and fr:
            a, b = out[-1][0][-1:], fr[0][0][:1]
            if a.isascii() and a.isalnum() and b.isascii() and b.isalnum():
                out.append((" ", -1, False, SPACE))
        out.extend(fr)
    return out


def _grid(groups: list[list[list]]) -> list[list]:
    """Rows of cells with spans → rows of view pieces (TAB-separated; covered slots are empty fields)."""
    taken: dict[tuple[int, int], tuple] = {}
    own: list[set[int]] = []
    r0 = 0
    width = 0
    for rows in groups:
        end = r0 + len(rows)
        for i, cells in enumerate(rows):
            r = r0 + i
            c = 0
            mine = set()
            for frags, origin, colspan, rowspan in cells:
                while (r, c) in taken:
                    c += 1
                if c >= MAX_COLUMNS:
                    break
                rs = end - r if rowspan == 0 else max(1, min(rowspan, end - r))
                cs = max(1, min(colspan, MAX_COLUMNS - c))
                entry = (frags, origin)
                for dr in range(rs):
                    for dc in range(cs):
                        taken[(r + dr, c + dc)] = entry if (dr == 0 and dc == 0) else (None, origin)
                mine.add(c)
                c += cs
                width = max(width, c)
            own.append(mine)
        r0 = end
    out = []
    for r in range(r0):
        if not own[r]:
            continue
        last = max(c for c in range(width) if (r, c) in taken)
        frags: list = []
        for c in range(last + 1):
            if c:
                frags.append(("\t", -1, False, TAB))
            slot = taken.get((r, c))
            if slot is None:
                continue
            fr, origin = slot
            if fr:
                frags.extend(fr)
            else:
                frags.append(("", origin, False, MARK))
        out.append(frags)
    return out
