"""Characters to text: glyphs grouped into lines by position, spacing rebuilt from gaps, a cell's lines joined.

Lines: glyphs sorted top to bottom; a glyph joins the line its vertical middle falls into (a slightly
taller glyph widens the line a little, never by a whole line), each line ordered by x. Nothing here uses
the text layer's order.

Spaces: a space is written where the file has a space character (several collapse), or where the gap
between two characters is clearly wider than the line's own letter spacing — justified Chinese text
stretches every gap, so the line's median gap is the norm. The gap that Word and LibreOffice put between
a Chinese character and a Latin letter or digit (about 1/4 em, as wide as a real space) is no space.

A cell's text: its lines joined without a space (a label wrapped inside its box), except between two
Latin words. Text rotated in a cell (Word's vertical text direction) is read in its own direction.
"""
from __future__ import annotations

import re

from .pdf_page import Glyph

_WORD = re.compile(r"[A-Za-z]")


def group_lines(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Glyphs into lines: sorted top to bottom, a glyph joins the line its vertical middle falls into."""
    out: list[list[Glyph]] = []
    bands: list[list[float]] = []
    for g in sorted(glyphs, key=lambda g: (g.y0 + g.y1)):
        cy = (g.y0 + g.y1) / 2
        k = len(out) - 1
        stop = k - 3 if k > 3 else -1                  # the last few lines suffice
        while k > stop:
            band = bands[k]
            if band[0] <= cy <= band[1]:
                out[k].append(g)
                h = g.y1 - g.y0
                if h > band[1] - band[0] and h < 1.6 * (band[1] - band[0]):
                    # a taller glyph widens the band a little, never by a whole line
                    band[0], band[1] = min(band[0], g.y0), max(band[1], g.y1)
                break
            k -= 1
        else:
            out.append([g])
            bands.append([g.y0, g.y1])
    for line in out:
        line.sort(key=lambda g: g.x0)
    out.sort(key=lambda ln: min(g.y0 for g in ln))
    return out


def _dedupe(line: list[Glyph]) -> list[Glyph]:
    """Drop a glyph drawn twice at (almost) the same place (simulated bold, shadows)."""
    out: list[Glyph] = []
    p = None
    for g in line:
        if p is not None and g.ch == p.ch:
            w = p.x1 - p.x0
            w = w if w > 0.1 else 0.1
            if abs(g.x0 - p.x0) < 0.3 * w and abs(g.y0 - p.y0) < 0.3 * w:
                continue
        out.append(g)
        p = g
    return out


def line_pieces(line: list[Glyph], split_em: float | None = None) -> list[tuple[str, float, float]]:
    """The text of one line of glyphs: (text, x0, x1) pieces.

    A space is written where the file has one (several collapse), or where the gap between two characters
    is clearly wider than the line's own letter spacing (justified Chinese text stretches every gap). The
    gap Word and LibreOffice put between a Chinese character and a Latin letter or digit (about 1/4 em,
    as wide as a real space) is no space: there only a wide gap or a space character counts. With
    ``split_em``, gaps that many em wider than the line's letter spacing (spaces or not) split it into pieces.
    """
    line = _dedupe(line)
    marks = [g for g in line if g.ch != " "]
    if not marks:
        return []
    em = sorted(g.y1 - g.y0 for g in marks)[len(marks) // 2] or 1.0
    gaps = [b.x0 - a.x1 for a, b in zip(marks, marks[1:])]
    normal = sorted(gaps)[len(gaps) // 2] if gaps else 0.0
    normal = max(0.0, min(normal, 1.5 * em))          # letter-spaced text (a spread-out title): its own norm
    spaced: set[int] = set()          # index k: a space glyph stands between marks[k] and marks[k + 1]
    k = -1
    for g in line:
        if g.ch == " ":
            if k >= 0:
                spaced.add(k)
        else:
            k += 1
    pieces: list[tuple[str, float, float]] = []
    buf = [marks[0].ch]
    x0 = marks[0].x0
    for i, (a, b, gap) in enumerate(zip(marks, marks[1:], gaps)):
        if split_em is not None and gap >= normal + split_em * em:
            pieces.append(("".join(buf), x0, a.x1))
            buf, x0 = [b.ch], b.x0
            continue
        la, lb = a.ch.isascii() and a.ch.isalnum(), b.ch.isascii() and b.ch.isalnum()
        if i in spaced or gap > normal + (0.15 if la and lb else 0.5 if la != lb else 0.2) * em:
            buf.append(" ")
        buf.append(b.ch)
    pieces.append(("".join(buf), x0, marks[-1].x1))
    return pieces


def _join_wrapped(parts: list[str]) -> str:
    """Lines of one cell (a wrapped label) as one text: no space, except between two Latin words."""
    out = ""
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if out and _WORD.match(out[-1]) and _WORD.match(p[0]):
            out += " "
        out += p
    return out


def cell_text(glyphs: list[Glyph]) -> str:
    if not glyphs:
        return ""
    turns = [g.turn for g in glyphs]
    turn = max(set(turns), key=turns.count)
    if turn:                                   # rotated text in a cell: read it in its own direction
        glyphs = [upright(g, turn) for g in glyphs if g.turn == turn]
    return _join_wrapped(["".join(p[0] for p in line_pieces(ln)) for ln in group_lines(glyphs)])


def upright(g: Glyph, turn: int) -> Glyph:
    """A glyph turned by ``turn`` (counter-clockwise) as seen in the page's frame, put back upright."""
    if turn == 90:       # runs up the page: reading x = -y, next line = +x
        return Glyph(g.ch, -g.y1, g.x0, -g.y0, g.x1)
    if turn == 270:      # runs down the page
        return Glyph(g.ch, g.y0, -g.x1, g.y1, -g.x0)
    return Glyph(g.ch, -g.x1, -g.y1, -g.x0, -g.y0)      # upside down
