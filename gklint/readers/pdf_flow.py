"""Pages of blocks to the document's flow: furniture removed, tables joined over page breaks, paragraphs rebuilt.

- Page furniture: among the two top-most and two bottom-most text lines of each page (in the top or bottom
  ``BAND`` of the page), a page number (``— 3 —``, ``- 3 -``, ``第 3 页``, ``第3页 共5页``, ``3/5``,
  ``Page 3 of 5``, a bare ``3``) and a running header or footer (the same text, digits aside, at the same
  height on at least two pages and at least half of the other pages) are dropped.
- Tables over a page break: a table that ends its page and one that starts the next one with the same width
  are one table; header rows the continuation repeats are dropped.
- Paragraphs: a PDF line break is layout. A line is continued by the next when it reaches the right edge of
  the page's text, the next starts at the left edge (no first-line indent), both have the same size, the
  next sits at the usual line distance (any distance over a page break), and the next does not begin a
  numbered item (``一、``, ``（二）``, ``3.``).
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from .pdf_layout import PageBlocks, TableBlock, TextLine

BAND = 0.14
_PAGE_NO = re.compile(
    r"^(?:[-—–－‐_~·•\s]*\d{1,4}[-—–－‐_~·•\s]*"
    r"|第\d{1,4}页(?:[,，/、]?共\d{1,4}页)?|共\d{1,4}页[,，]?第\d{1,4}页"
    r"|第?\d{1,4}页?/共?\d{1,4}页?"
    r"|(?:page|p\.?)\d{1,4}(?:(?:of|/)\d{1,4})?)$", re.I)
_ITEM_START = re.compile(
    r"^(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[、.．](?!\d)"
    r"|第[一二三四五六七八九十\d]{1,3}[章节条部分]|[①-⑳])")
_WORD = re.compile(r"[A-Za-z]")


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)))


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NO.match(re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))))


def drop_furniture(pages: list[PageBlocks]) -> int:
    """Remove page numbers and running headers/footers in place; how many lines were removed."""
    cands: list[tuple[PageBlocks, TextLine]] = []
    for p in pages:
        lines = [b for b in p.blocks if isinstance(b, TextLine)]
        picked = {id(b): b for b in lines[:2] + lines[-2:]}.values()
        for b in picked:
            mid = (b.y0 + b.y1) / 2
            if mid <= BAND * p.height or mid >= (1 - BAND) * p.height:
                cands.append((p, b))
    drop: set[int] = set()
    for p, b in cands:
        if is_page_number(b.text):
            drop.add(id(b))
    others = max(2, math.ceil(0.5 * (len(pages) - 1)))      # pages a running header/footer is on, at least
    by_key: dict[str, list[tuple[PageBlocks, TextLine]]] = {}
    for p, b in cands:
        if id(b) not in drop:
            by_key.setdefault(_key(b.text), []).append((p, b))
    for key, occ in by_key.items():
        if len(occ) < 2 or not key:
            continue
        ys = sorted((b.y0 + b.y1) / 2 for _, b in occ)
        med = ys[len(ys) // 2]
        near = [(p, b) for p, b in occ if abs((b.y0 + b.y1) / 2 - med) <= 12]
        if len({p.number for p, _ in near}) >= others:
            drop.update(id(b) for _, b in near)
    n = 0
    for p in pages:
        keep = [b for b in p.blocks if id(b) not in drop]
        n += len(p.blocks) - len(keep)
        p.blocks = keep
    return n


def _same_table(a: TableBlock, b: TableBlock) -> bool:
    if abs(a.x0 - b.x0) <= 6 and abs(a.x1 - b.x1) <= 6:
        return True
    shared = sum(1 for x in b.columns if any(abs(x - y) <= 3 for y in a.columns))
    return shared >= 0.6 * max(len(b.columns), 1)


def _filled(row: list[str]) -> list[str]:
    return [c for c in row if c]


def join_tables(pages: list[PageBlocks]) -> None:
    """A table continued on the next page: drop the header rows it repeats (in place)."""
    for prev, cur in zip(pages, pages[1:]):
        if not prev.blocks or not cur.blocks:
            continue
        a, b = prev.blocks[-1], cur.blocks[0]
        if not (isinstance(a, TableBlock) and isinstance(b, TableBlock) and _same_table(a, b)):
            continue
        k = 0
        while k < min(len(a.rows), len(b.rows) - 1, 6) and _filled(a.rows[k]) == _filled(b.rows[k]):
            k += 1
        if k:
            b.rows = b.rows[k:]
        b.continued = True


@dataclass
class Edges:
    left: float
    right: float
    pitch: float | None


def _edge(values: list[float], pick) -> float | None:
    """The outermost value (``pick`` = min/max) that at least two lines share (within 3 pt)."""
    vs = sorted(values)
    shared = [v for i, v in enumerate(vs) if (i and v - vs[i - 1] <= 3) or (i + 1 < len(vs) and vs[i + 1] - v <= 3)]
    return pick(shared) if shared else None


def page_edges(pages: list[PageBlocks]) -> dict[int, Edges]:
    out: dict[int, Edges] = {}
    by_width: dict[int, list[tuple[float | None, float | None]]] = {}
    raw: dict[int, tuple[float | None, float | None, float | None]] = {}
    for p in pages:
        lines = [b for b in p.blocks if isinstance(b, TextLine) and b.cells is None and len(b.text) >= 6]
        left = _edge([b.x0 for b in lines], min)
        right = _edge([b.x1 for b in lines], max)
        pitches = [b.y0 - a.y0 for a, b in zip(lines, lines[1:]) if 0 < b.y0 - a.y0 < 3 * a.height]
        pitch = sorted(pitches)[len(pitches) // 2] if pitches else None
        raw[p.number] = (left, right, pitch)
        by_width.setdefault(round(p.width), []).append((left, right))
    for p in pages:
        left, right, pitch = raw[p.number]
        same = by_width[round(p.width)]
        if left is None:
            ls = [v for v, _ in same if v is not None]
            left = Counter(round(v) for v in ls).most_common(1)[0][0] if ls else 0.0
        if right is None:
            rs = [v for _, v in same if v is not None]
            right = Counter(round(v) for v in rs).most_common(1)[0][0] if rs else p.width
        out[p.number] = Edges(left, right, pitch)
    return out


def continues(a: TextLine, b: TextLine, ea: Edges, eb: Edges, same_page: bool) -> bool:
    """Is ``b`` the next line of ``a``'s paragraph (``a`` wrapped at the right edge)?"""
    if a.cells is not None or b.cells is not None:
        return False
    ha, hb = a.height, b.height
    if ha <= 0 or hb <= 0 or abs(ha - hb) > 0.25 * max(ha, hb):
        return False
    if a.x1 < ea.right - 1.2 * ha:
        return False
    if b.x0 > eb.left + 0.6 * hb:
        # a wrapped centred line (a title): the first line spans the text width, the next one is centred
        # under it
        if a.x0 > ea.left + ha or abs((a.x0 + a.x1) / 2 - (b.x0 + b.x1) / 2) > ha:
            return False
    if same_page:
        d = b.y0 - a.y0
        if d <= 0.3 * ha or d > (1.35 * ea.pitch if ea.pitch else 3 * ha):
            return False
    return not _ITEM_START.match(b.text.lstrip())


def joined(a: str, b: str, space: bool = False) -> str:
    """``a`` ready for ``b`` to follow across a line break: no space, except where ``a``'s line ended with a
    space character or between two Latin words."""
    if a and b and (space or (_WORD.match(a[-1]) and _WORD.match(b[0]))) and not a.endswith(" "):
        return a + " "
    return a
