"""One PDF page's content in *reading coordinates*, read with pypdfium2 (no pdfplumber, no rendering).

Reading coordinates: x grows along the page's text (left to right as read), y grows down the page (next line),
origin at the page's top-left corner as read. The page's reading direction is the dominant direction of its
characters (pdfium's char angle), not the page's ``/Rotate``: a landscape table page is landscape either
because its media box is wider than high (Word/LibreOffice landscape sections: nothing to do), or because
its text is drawn rotated on a portrait page (with or without ``/Rotate 90`` to show it upright). Reading by
the text's own direction handles all of them the same way. Characters at a multiple of 90° from the
dominant direction (a rotated cell label, a sideways note) are kept and marked ``turn``; characters at
other angles (diagonal watermarks) are dropped.

What is read:
- glyphs: every character with its *loose* box (font ascent/descent, so all characters of a line share one
  top and bottom, unlike tight glyph boxes); a space is kept only where the file has one (pdfium's
  generated spaces are dropped: layout rebuilds spacing from the gaps).
- rules: axis-aligned ruling segments from path objects (FPDF_PAGEOBJ_PATH, also inside form XObjects):
  stroked line segments and rectangle edges, and thin filled rectangles (how many producers draw table
  borders). Large filled rectangles (cell shading, white backgrounds) are not rules.
- images: how many image objects the page has (a page with images and no characters is a scan).

Bounds: at most ``MAX_CHARS`` characters and ``MAX_SEGMENTS`` path segments per page (beyond them the page
is read partly and ``truncated`` says so), so one pathological page cannot stall a run.
"""
from __future__ import annotations

import ctypes
import math
import sys
from dataclasses import dataclass, field

MAX_CHARS = 60000
MAX_OBJECTS = 20000
MAX_SEGMENTS = 40000
THIN = 3.0           # a filled rectangle thinner than this (pt) is a ruling line
_BLANKS = {9, 10, 13, 0xFEFF, 0x200B, 0xFFFE, 0xFFFF, 0}
_SPACES = {32, 0xA0, 0x2002, 0x2003, 0x3000}


@dataclass(slots=True)
class Glyph:
    ch: str
    x0: float
    y0: float
    x1: float
    y1: float
    turn: int = 0          # extra rotation (0/90/180/270, counter-clockwise) against the page's direction

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass(slots=True)
class Rule:
    """An axis-aligned ruling segment: horizontal (y0 == y1) or vertical (x0 == x1)."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def horizontal(self) -> bool:
        return (self.x1 - self.x0) >= (self.y1 - self.y0)


@dataclass
class PageContent:
    number: int                      # 1-based
    width: float                     # in reading coordinates
    height: float
    glyphs: list[Glyph] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    images: int = 0
    angle: int = 0                   # the page's text direction in PDF user space (counter-clockwise degrees)
    truncated: bool = False


def to_reading(theta: int):
    """A function mapping PDF user-space (x, y) to reading coordinates for text direction ``theta``."""
    if theta == 90:
        return lambda x, y: (y, x)
    if theta == 180:
        return lambda x, y: (-x, y)
    if theta == 270:
        return lambda x, y: (-y, -x)
    return lambda x, y: (x, -y)


def _box(f, l, b, r, t):
    ax, ay = f(l, b)
    bx, by = f(r, t)
    return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


def read_page(pdf, index: int) -> PageContent:
    """The content of page ``index`` (0-based) of an open ``pypdfium2.PdfDocument``."""
    import pypdfium2.raw as raw

    page = pdf[index]
    try:
        textpage = page.get_textpage()
        try:
            return _read(raw, page, textpage, index + 1)
        finally:
            textpage.close()
    finally:
        page.close()


def _read(raw, page, textpage, number: int) -> PageContent:
    tp = textpage.raw
    n = raw.FPDFText_CountChars(tp)
    truncated = n > MAX_CHARS
    n = min(max(n, 0), MAX_CHARS)
    text = _text(raw, tp, n)
    rect = raw.FS_RECTF()
    get_u, get_box, get_angle = raw.FPDFText_GetUnicode, raw.FPDFText_GetLooseCharBox, raw.FPDFText_GetCharAngle
    chars: list[list] = []
    blanks, spaces, is_generated = _BLANKS, _SPACES, raw.FPDFText_IsGenerated
    for i in range(n):
        u = ord(text[i]) if text is not None else get_u(tp, i)
        if u in blanks or 0xD800 <= u <= 0xDFFF:
            continue
        if u in spaces:
            if is_generated(tp, i):        # pdfium's guess from a gap: the gap itself is used instead
                continue
            u = 32
        if not get_box(tp, i, rect):
            continue
        chars.append([chr(u), rect.left, rect.bottom, rect.right, rect.top, 0, i])
    # Angles: a sample first (every 4th character); only a page where one is not upright gets them all.
    # A watermark or a rotated label is a run of characters, so a sample finds it.
    sample = chars[::4]
    if any(get_angle(tp, c[6]) > 0.0 for c in sample):
        for c in chars:
            c[5] = _quadrant(get_angle(tp, c[6]))
    votes = [0, 0, 0, 0]
    for c in chars:
        if c[5] >= 0 and c[0] != " ":
            votes[c[5]] += 1
    _fix_loose_boxes(raw, tp, chars)
    q0 = max(range(4), key=lambda k: votes[k]) if any(votes) else 0
    theta = 90 * q0
    f = to_reading(theta)
    l, b, r, t = page.get_cropbox()
    px0, py0, px1, py1 = _box(f, l, b, r, t)
    if theta == 0:       # the usual case, inlined: (x, y) -> (x - px0, -y - py0)
        glyphs = [Glyph(ch, cl - px0, -ct - py0, cr - px0, -cb - py0, 90 * ((q - q0) % 4))
                  for ch, cl, cb, cr, ct, q, _ in chars if q >= 0]
    else:
        glyphs = []
        for ch, cl, cb, cr, ct, q, _ in chars:
            if q >= 0:
                x0, y0, x1, y1 = _box(f, cl, cb, cr, ct)
                glyphs.append(Glyph(ch, x0 - px0, y0 - py0, x1 - px0, y1 - py0, 90 * ((q - q0) % 4)))
    rules, images, cut = _paths(raw, page, f, px0, py0)
    return PageContent(number, px1 - px0, py1 - py0, glyphs, rules, images, theta, truncated or cut)


def _quadrant(a: float) -> int:
    """pdfium's char angle (radians, clockwise) as a counter-clockwise quadrant 0-3, -1 if diagonal."""
    if a <= 0.0:
        return 0
    deg = (-math.degrees(a)) % 360
    k = round(deg / 90.0)
    return k % 4 if abs(deg - 90 * k) <= 3 else -1     # -1: diagonal, a watermark, not content


def _fix_loose_boxes(raw, tp, chars: list) -> None:
    """Replace implausible loose boxes by the glyph's tight box (in place).

    pdfium sizes a loose box from the font size and the font's ascent/descent; for glyphs drawn with an odd
    text matrix (WPS's stacked one-character-per-line labels: font size 199 scaled down) it gets boxes
    twenty times too large, which would put the glyph in the wrong cell. Only boxes far larger than the
    page's usual one are checked, so the extra pdfium call is rare.
    """
    if not chars:
        return
    heights = [c[4] - c[2] for c in chars]
    usual = sorted(heights)[len(heights) // 2]
    l, b, r, t = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    for k, h0 in enumerate(heights):
        if h0 <= 2.5 * usual:
            continue
        c = chars[k]
        size = max(c[3] - c[1], h0)
        if not raw.FPDFText_GetCharBox(tp, c[6], ctypes.byref(l), ctypes.byref(r), ctypes.byref(b), ctypes.byref(t)):
            continue
        w, h = r.value - l.value, t.value - b.value
        if max(w, h) < 0.5 or max(w, h) * 2.5 > size:
            continue
        half = max(h, 0.8 * w, 0.8 * usual) / 2
        mid = (t.value + b.value) / 2
        c[1], c[2], c[3], c[4] = l.value, mid - half, r.value, mid + half


def _text(raw, tp, n: int) -> str | None:
    """All ``n`` characters in one call (one UTF-16 unit per char index), or None to read them one by one."""
    if n <= 0:
        return ""
    buf = ctypes.create_string_buffer((n + 1) * 2)
    got = raw.FPDFText_GetText(tp, 0, n, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
    if got <= 0:
        return None
    units = buf.raw[: 2 * (got - 1)]
    if len(units) != 2 * n or sys.byteorder != "little":
        return None
    return "".join(map(chr, memoryview(units).cast("H")))


def _mul(m, n):
    """Matrix product: apply ``m`` then ``n`` (PDF matrices (a, b, c, d, e, f))."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _paths(raw, page, f, px0: float, py0: float) -> tuple[list[Rule], int, bool]:
    """Ruling segments (reading coordinates), the number of images, and whether the bounds cut reading."""
    rules: list[Rule] = []
    images = 0
    budget = [MAX_OBJECTS, MAX_SEGMENTS]
    fs = raw.FS_MATRIX()
    x, y = ctypes.c_float(), ctypes.c_float()
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    bl, bb, br, bt = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()

    def add(ax, ay, bx, by):
        (ax, ay), (bx, by) = f(ax, ay), f(bx, by)
        ax, ay, bx, by = ax - px0, ay - py0, bx - px0, by - py0
        if abs(ay - by) <= 0.5 and abs(ax - bx) > 0.5:
            yy = (ay + by) / 2
            rules.append(Rule(min(ax, bx), yy, max(ax, bx), yy))
        elif abs(ax - bx) <= 0.5 and abs(ay - by) > 0.5:
            xx = (ax + bx) / 2
            rules.append(Rule(xx, min(ay, by), xx, max(ay, by)))

    def walk(count, get, parent, ctm):
        nonlocal images
        for i in range(count(parent)):
            if budget[0] <= 0 or budget[1] <= 0:
                return
            budget[0] -= 1
            obj = get(parent, i)
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == raw.FPDF_PAGEOBJ_IMAGE:
                images += 1
            elif kind == raw.FPDF_PAGEOBJ_FORM:
                m = (fs.a, fs.b, fs.c, fs.d, fs.e, fs.f) if raw.FPDFPageObj_GetMatrix(obj, fs) else (1, 0, 0, 1, 0, 0)
                walk(raw.FPDFFormObj_CountObjects, raw.FPDFFormObj_GetObject, obj, _mul(m, ctm))
            elif kind == raw.FPDF_PAGEOBJ_PATH:
                _path(obj, ctm)

    def _path(obj, ctm):
        nseg = raw.FPDFPath_CountSegments(obj)
        if nseg < 2:
            return
        budget[1] -= nseg
        if budget[1] < 0:
            return
        raw.FPDFPath_GetDrawMode(obj, fill, stroke)
        if not stroke.value:
            if not fill.value:
                return
            if (nseg <= 6 and raw.FPDFPageObj_GetBounds(obj, bl, bb, br, bt)
                    and min(br.value - bl.value, bt.value - bb.value) > THIN):
                return                       # one filled rectangle (shading, a background): not a rule
        m = (fs.a, fs.b, fs.c, fs.d, fs.e, fs.f) if raw.FPDFPageObj_GetMatrix(obj, fs) else (1, 0, 0, 1, 0, 0)
        a, b, c, d, e, g = _mul(m, ctm)
        subpaths: list[list[tuple[float, float]]] = []
        cur: list[tuple[float, float]] = []
        for k in range(nseg):
            seg = raw.FPDFPath_GetPathSegment(obj, k)
            raw.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y))
            pt = (a * x.value + c * y.value + e, b * x.value + d * y.value + g)
            typ = raw.FPDFPathSegment_GetType(seg)
            if typ == raw.FPDF_SEGMENT_MOVETO:
                if len(cur) > 1:
                    subpaths.append(cur)
                cur = [pt]
            elif typ == raw.FPDF_SEGMENT_BEZIERTO:
                if len(cur) > 1:
                    subpaths.append(cur)
                cur = [pt]                   # curves are not rules
            else:
                cur.append(pt)
            if raw.FPDFPathSegment_GetClose(seg) and cur:
                cur.append(cur[0])
        if len(cur) > 1:
            subpaths.append(cur)
        for pts in subpaths:
            if stroke.value:
                for p, q in zip(pts, pts[1:]):
                    add(p[0], p[1], q[0], q[1])
            else:                                  # filled only: a thin rectangle is a line
                xs = [p[0] for p in pts]
                ys = [p[1] for p in pts]
                w, h = max(xs) - min(xs), max(ys) - min(ys)
                if w <= THIN and h > THIN:
                    mx = (max(xs) + min(xs)) / 2
                    add(mx, min(ys), mx, max(ys))
                elif h <= THIN and w > THIN:
                    my = (max(ys) + min(ys)) / 2
                    add(min(xs), my, max(xs), my)

    walk(raw.FPDFPage_CountObjects, raw.FPDFPage_GetObject, page.raw, (1, 0, 0, 1, 0, 0))
    return rules, images, budget[0] <= 0 or budget[1] < 0
