"""One page's geometry to blocks: tables from the ruling lines, text lines outside them, top to bottom.

Everything here works on reading coordinates (``pdf_page``), never on the text layer's order: WPS, for
example, writes a row's vertically centred numbers *before* its label.

Tables: ruling segments are merged (collinear pieces closer than ``TOL``, also double lines a point apart),
grouped into connected grids (a horizontal and a vertical rule that touch are connected), and each grid
with at least two columns becomes a table. Grid lines are all distinct rule positions, plus a closing line
where rules run past the last one (a table cut by a page break, or drawn without an outer border). Two
neighbouring grid cells belong to one (merged) cell when no rule separates them over at least half of their
common edge. A character belongs to the cell that holds its centre. Each grid row is one table row: the
merged cell's text sits in its top-left grid cell, the cells it covers are empty; a label wrapped inside
its cell is one text (``pdf_text.cell_text``). Grids of one column (a frame around text, a page border)
are not tables: their text stays running text.

Tables drawn without rules: a text line whose pieces are separated by wide gaps (at least ``CELL_GAP`` em)
and that holds a number is a table row, its pieces the cells; gap-split lines next to such rows (their
header rows) are rows too. (A row whose label wraps over two lines is then two rows: only ruled tables
know a cell's box.)
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from .pdf_page import Glyph, PageContent, Rule
from .pdf_text import cell_text, group_lines, line_pieces, upright

TOL = 2.0            # pt: rule positions closer than this are one grid line; gaps this small are closed
CELL_GAP = 2.0       # em: a gap this wide inside a line outside tables separates cells
_NUM = re.compile(r"^[-+]?[\d,，]+(\.\d+)?%?$")


@dataclass
class TextLine:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    page: int
    cells: list[str] | None = None     # a rule-less table row: its cells
    space_after: bool = False          # the line ends with a space character (a word space at a wrap)
    space_before: bool = False         # the line starts with one
    pieces: list[str] | None = None    # the line's pieces, where wide gaps split it

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass
class TableBlock:
    rows: list[list[str]]
    x0: float
    y0: float
    x1: float
    y1: float
    page: int
    columns: list[float] = field(default_factory=list)   # x of the grid lines
    continued: bool = False                                # continues the table that ended the page before


@dataclass
class PageBlocks:
    number: int
    width: float
    height: float
    blocks: list                        # TextLine | TableBlock, top to bottom


# ---------------------------------------------------------------------------------------------------------
# Rules to grids
# ---------------------------------------------------------------------------------------------------------
def _merge(segs: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """(position, start, end) segments on the same line and touching → one."""
    segs.sort()
    lines: list[list[tuple[float, float, float]]] = []     # segments of nearly the same position
    for s in segs:
        if lines and s[0] - lines[-1][-1][0] <= TOL / 2:
            lines[-1].append(s)
        else:
            lines.append([s])
    out: list[tuple[float, float, float]] = []
    for group in lines:
        pos = sum(s[0] for s in group) / len(group)
        group.sort(key=lambda s: s[1])
        a, b = group[0][1], group[0][2]
        for _, s, e in group[1:]:
            if s <= b + TOL:
                b = max(b, e)
            else:
                out.append((pos, a, b))
                a, b = s, e
        out.append((pos, a, b))
    return out


def _clusters(values: list[float]) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= TOL:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(c) / len(c) for c in out]


def _at(segs: list[tuple[float, float, float]], lines: list[float]) -> list[list[tuple[float, float]]]:
    """For each grid line position, the (start, end) of the segments lying on it."""
    out: list[list[tuple[float, float]]] = [[] for _ in lines]
    for p, s, e in segs:
        k = bisect.bisect_left(lines, p - TOL)
        while k < len(lines) and lines[k] <= p + TOL:
            out[k].append((s, e))
            k += 1
    return out


def _covered(on: list[tuple[float, float]], a: float, b: float) -> bool:
    """Do these segments cover at least half of [a, b]?"""
    got = 0.0
    for s, e in on:
        if e > a and s < b:
            got += min(e, b) - max(s, a)
    return got >= (b - a) * 0.5


@dataclass
class Grid:
    xs: list[float]
    ys: list[float]
    owner: list[list[int]]             # grid cell (r, c) → merged cell id
    cells: dict[int, tuple[int, int, int, int]]   # id → (r0, c0, r1, c1), inclusive


def grids(rules: list[Rule]) -> list[Grid]:
    hs = _merge([(r.y0, r.x0, r.x1) for r in rules if r.horizontal and r.x1 - r.x0 > TOL])
    vs = _merge([(r.x0, r.y0, r.y1) for r in rules if not r.horizontal and r.y1 - r.y0 > TOL])
    if len(hs) < 2 or len(vs) < 2 or len(hs) * len(vs) > 250000:
        return []
    parent = list(range(len(hs) + len(vs)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (y, hx0, hx1) in enumerate(hs):
        for j, (x, vy0, vy1) in enumerate(vs):
            if hx0 - TOL <= x <= hx1 + TOL and vy0 - TOL <= y <= vy1 + TOL:
                a, b = find(i), find(len(hs) + j)
                if a != b:
                    parent[a] = b
    groups: dict[int, tuple[list, list]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(find(len(hs) + j), ([], []))[1].append(v)
    out = []
    for gh, gv in groups.values():
        if len(gh) < 2 or len(gv) < 2:
            continue
        g = _grid(gh, gv)
        if g is not None:
            out.append(g)
    return out


def _grid(hs, vs) -> Grid | None:
    xs = _clusters([v[0] for v in vs])
    ys = _clusters([h[0] for h in hs])
    # An open side (a table cut by a page break, a producer that draws no outer border): the rules that
    # run past the last grid line close it.
    left, right = min(h[1] for h in hs), max(h[2] for h in hs)
    top, bottom = min(v[1] for v in vs), max(v[2] for v in vs)
    if left < xs[0] - 3 * TOL:
        xs.insert(0, left)
    if right > xs[-1] + 3 * TOL:
        xs.append(right)
    if top < ys[0] - 3 * TOL:
        ys.insert(0, top)
    if bottom > ys[-1] + 3 * TOL:
        ys.append(bottom)
    if len(xs) < 3 or len(ys) < 2:          # one column: a frame, not a table
        return None
    nr, nc = len(ys) - 1, len(xs) - 1
    parent = list(range(nr * nc))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    von, hon = _at(vs, xs), _at(hs, ys)
    for r in range(nr):
        for c in range(nc):
            if c + 1 < nc and not _covered(von[c + 1], ys[r], ys[r + 1]):
                parent[find(r * nc + c + 1)] = find(r * nc + c)
            if r + 1 < nr and not _covered(hon[r + 1], xs[c], xs[c + 1]):
                parent[find((r + 1) * nc + c)] = find(r * nc + c)
    owner = [[find(r * nc + c) for c in range(nc)] for r in range(nr)]
    cells: dict[int, tuple[int, int, int, int]] = {}
    for r in range(nr):
        for c in range(nc):
            k = owner[r][c]
            if k in cells:
                r0, c0, r1, c1 = cells[k]
                cells[k] = (min(r0, r), min(c0, c), max(r1, r), max(c1, c))
            else:
                cells[k] = (r, c, r, c)
    return Grid(xs, ys, owner, cells)


def _table(grid: Grid, glyphs: list[Glyph], page: int) -> TableBlock:
    xs, ys = grid.xs, grid.ys
    inside: dict[int, list[Glyph]] = {}
    for g in glyphs:
        c = bisect.bisect_right(xs, g.cx) - 1
        r = bisect.bisect_right(ys, g.cy) - 1
        c = min(max(c, 0), len(xs) - 2)
        r = min(max(r, 0), len(ys) - 2)
        inside.setdefault(grid.owner[r][c], []).append(g)
    texts = {k: cell_text(v) for k, v in inside.items()}
    rows: list[list[str]] = []
    for r in range(len(ys) - 1):
        row = []
        for c in range(len(xs) - 1):
            k = grid.owner[r][c]
            r0, c0, _, _ = grid.cells[k]
            row.append(texts.get(k, "") if (r0, c0) == (r, c) else "")
        if any(row):
            rows.append(row)
    return TableBlock(rows, xs[0], ys[0], xs[-1], ys[-1], page, list(xs))


# ---------------------------------------------------------------------------------------------------------
# A page
# ---------------------------------------------------------------------------------------------------------
def page_blocks(pc: PageContent) -> PageBlocks:
    tables: list[tuple[Grid, list[Glyph]]] = [(g, []) for g in grids(pc.rules)]
    tables.sort(key=lambda t: (t[0].xs[-1] - t[0].xs[0]) * (t[0].ys[-1] - t[0].ys[0]))   # innermost first
    free: list[Glyph] = []
    turned: list[Glyph] = []
    for g in pc.glyphs:
        cx, cy = g.cx, g.cy
        for grid, bucket in tables:
            if grid.xs[0] - 0.5 <= cx <= grid.xs[-1] + 0.5 and grid.ys[0] - 0.5 <= cy <= grid.ys[-1] + 0.5:
                bucket.append(g)
                break
        else:
            (turned if g.turn else free).append(g)
    blocks: list = []
    for grid, bucket in tables:
        t = _table(grid, bucket, pc.number)
        if t.rows:
            blocks.append(t)
    for ln in group_lines(free):
        t = _text_line(ln, pc.number)
        if t is not None:
            blocks.append(t)
    if turned:                                   # sideways text outside tables: read in its own direction
        for turn in sorted({g.turn for g in turned}):
            for ln in group_lines([upright(g, turn) for g in turned if g.turn == turn]):
                t = _text_line(ln, pc.number)
                if t is not None:
                    t.y0 = t.y1 = pc.height       # after the page's upright content
                    blocks.append(t)
    blocks.sort(key=lambda b: b.y0)
    rows_without_rules(blocks)
    return PageBlocks(pc.number, pc.width, pc.height, blocks)


def _text_line(ln: list[Glyph], page: int) -> TextLine | None:
    pieces = line_pieces(ln, CELL_GAP)
    if not pieces:
        return None                                  # only spaces
    text = "  ".join(p[0] for p in pieces) if len(pieces) > 1 else pieces[0][0]
    marks = [g for g in ln if g.ch != " "]
    t = TextLine(text, marks[0].x0, min(g.y0 for g in marks), max(g.x1 for g in marks),
                 max(g.y1 for g in marks), page, space_after=ln[-1].ch == " ", space_before=ln[0].ch == " ")
    if len(pieces) > 1:
        t.pieces = [p[0] for p in pieces]
        if any(_NUM.match(p) for p in t.pieces[1:]):
            t.cells = t.pieces
    return t


def rows_without_rules(blocks: list) -> None:
    """Lines split by wide gaps next to such rows of numbers are rows of the same rule-less table (its
    header rows): they become rows too (in place)."""
    lines = [b for b in blocks if isinstance(b, TextLine)]
    changed = True
    while changed:
        changed = False
        for a, b in zip(lines, lines[1:]):
            for x, y in ((a, b), (b, a)):
                if x.cells is None and x.pieces and y.cells is not None:
                    x.cells = x.pieces
                    changed = True
