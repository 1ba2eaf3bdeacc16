"""Walking a Word document body in reading order: paragraphs and table rows, with a stable place for each.

Shared by the reader (``docx.py``: text view + position map) and the annotator
(``gklint/formatters/annotate_docx.py``: finds the paragraph or cell a diagnostic's ``location`` names), so
both count paragraphs, tables, rows and cells the same way.

What is read:

- the body's block content in order: ``w:p``, ``w:tbl``, and the same inside block-level content controls
  (``w:sdt``/``w:sdtContent``) and custom-XML wrappers;
- run text ``w:t``, tabs, breaks, non-breaking hyphens; field *results* (``w:instrText`` is not text);
  inserted text (``w:ins``, ``w:moveTo``) is kept, deleted text (``w:del``, ``w:moveFrom``, deleted rows) is not,
  nor hidden text (``w:vanish``);
- automatic list numbers (``docx_numbering.Numbering``) before each numbered paragraph;
- not read: text boxes and shapes (``w:txbxContent`` in ``w:drawing``/``w:pict``; ``mc:AlternateContent``
  takes its first choice only, so the VML fallback copy is never read twice), ruby annotations, footnotes,
  comments, headers and footers (other parts).

Places (``location``):

- ``第 N 段``: the N-th paragraph of the body (1-based, empty ones included). Without content controls this is
  python-docx's ``Document.paragraphs[N - 1]``; paragraphs inside a body-level content control are counted
  too (Word shows them as ordinary paragraphs; python-docx skips them).
- ``表格 T 第 R 行第 C 格``: table T (1-based, body order), row R (rows shown; tracked-deleted rows are not),
  cell C counted as Word counts cells in a row (its ``Cell(R, C)``): one per ``w:tc``, a horizontally merged
  cell counts once, whatever the number of grid columns it spans. A vertically merged cell's continuation
  rows point at the cell where the merge starts.
- a one-column table (a frame or layout box around text) is not a data table: its paragraphs and the tables
  inside it are read as body content, placed ``表格 T 第 R 行第 1 格第 K 段``.

View rows are laid out on the table grid (``w:tblGrid``, ``w:gridSpan``, ``w:gridBefore``): a cell spanning k
grid columns gives its text then k-1 empty cells; a vertical merge's continuation gives empty cells; rows are
padded to the table's width, so every row of a table has the same number of cells.
"""
from __future__ import annotations

from dataclasses import dataclass, field

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W_STRICT_NS = "http://purl.oclc.org/ooxml/wordprocessingml/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_MC_ALT = "{%s}AlternateContent" % MC_NS
_MC_CHOICE = "{%s}Choice" % MC_NS
_MC_FALLBACK = "{%s}Fallback" % MC_NS
_OFF = ("0", "false", "off")


@dataclass
class CellOut:
    """One grid position of a table row: its text (one line, no tabs) and where it comes from."""

    text: str
    location: str | None          # None: a grid position outside any cell (w:gridBefore/gridAfter, padding)
    element: object = None        # the w:tc that owns this position (the merge's first cell for continuations)
    first: bool = True            # the first grid column of its cell (its text is here)
    continuation: bool = False    # a vertical merge continuation (text is in an earlier row)


@dataclass
class Block:
    """A paragraph (``lines``: one or more, split at line breaks) or a table row (``cells`` on the grid)."""

    kind: str                     # "p" | "row"
    location: str
    element: object               # w:p or w:tr
    lines: list[str] = field(default_factory=list)
    cells: list[CellOut] = field(default_factory=list)
    table: int = 0                # rows: 1-based table number


class Walker:
    """Turns a ``w:body`` into ``Block``s; ``numbering`` (optional) supplies list numbers."""

    def __init__(self, ns: str = W_NS, numbering=None):
        w = "{%s}" % ns
        self.w = w
        self.numbering = numbering
        self.T = {name: w + name for name in (
            "p", "r", "t", "tab", "ptab", "br", "cr", "noBreakHyphen", "softHyphen", "sym", "tbl", "tr", "tc",
            "sdt", "sdtContent", "customXml", "del", "moveFrom", "ins", "moveTo", "pPr", "rPr", "vanish",
            "tcPr", "trPr", "gridSpan", "vMerge", "hMerge", "gridBefore", "gridAfter", "tblGrid", "gridCol",
            "ruby", "rubyBase", "rt", "drawing", "pict", "object", "txbxContent", "instrText", "delText",
            "delInstrText", "fldSimple", "hyperlink", "smartTag", "sectPr", "tblPr", "cellDel", "val")}
        t = self.T
        # subtrees holding no body text, or text that is not read (see the module docstring)
        self._skip = {t["del"], t["moveFrom"], t["pPr"], t["rPr"], t["drawing"], t["pict"], t["object"],
                      t["txbxContent"], t["rt"], t["instrText"], t["delText"], t["delInstrText"],
                      w + "sdtPr", w + "sdtEndPr", w + "customXmlPr", w + "smartTagPr", w + "fldData",
                      w + "footnoteReference", w + "endnoteReference", w + "commentReference",
                      w + "annotationRef", w + "footnoteRef", w + "endnoteRef"}
        self.paragraphs = 0
        self.tables = 0

    # -- text of one paragraph ------------------------------------------------------------------------------

    def _hidden(self, r) -> bool:
        rpr = r.find(self.T["rPr"])
        if rpr is None:
            return False
        v = rpr.find(self.T["vanish"])
        return v is not None and v.get(self.T["val"], "1").lower() not in _OFF

    def _collect(self, el, parts: list) -> None:
        T = self.T
        for ch in el:
            tag = ch.tag
            if not isinstance(tag, str) or tag in self._skip:
                continue
            if tag == T["t"]:
                if ch.text:
                    parts.append(ch.text)
            elif tag == T["r"]:
                if not self._hidden(ch):
                    self._collect(ch, parts)
            elif tag in (T["tab"], T["ptab"]):
                parts.append("\t")
            elif tag in (T["br"], T["cr"]):
                parts.append("\n")
            elif tag == T["noBreakHyphen"]:
                parts.append("-")
            elif tag == T["sym"]:
                code = ch.get(self.w + "char", "")
                try:
                    c = int(code, 16)
                except ValueError:
                    continue
                if c >= 0xF000:          # symbol-font private use area: a glyph, not a character
                    continue
                parts.append(chr(c))
            elif tag == _MC_ALT:
                choice = ch.find(_MC_CHOICE)
                if choice is None:
                    choice = ch.find(_MC_FALLBACK)
                if choice is not None:
                    self._collect(choice, parts)
            elif tag == T["ruby"]:
                base = ch.find(T["rubyBase"])
                if base is not None:
                    self._collect(base, parts)
            elif len(ch):
                # hyperlink, ins, moveTo, smartTag, fldSimple, run-level sdt/sdtContent, customXml, dir, bdo …
                self._collect(ch, parts)

    def paragraph_text(self, p) -> str:
        """The paragraph's text with its list number; ``\\n`` where it has line breaks, ``\\t`` for tabs."""
        parts: list[str] = []
        self._collect(p, parts)
        text = "".join(parts)
        if self.numbering is not None:
            lab = self.numbering.label(p)
            if lab is not None:
                number, suffix = lab
                sep = ""
                if suffix == "space" or (suffix == "tab" and number[-1:].isascii() and number[-1:].isalnum()):
                    sep = " "
                text = number + sep + text
        return text

    # -- blocks ---------------------------------------------------------------------------------------------

    def block_elements(self, container):
        """Block-level children, looking through content controls and custom XML wrappers."""
        T = self.T
        for ch in container:
            tag = ch.tag
            if tag in (T["p"], T["tbl"]):
                yield ch
            elif tag == T["sdt"]:
                content = ch.find(T["sdtContent"])
                if content is not None:
                    yield from self.block_elements(content)
            elif tag in (T["customXml"], T["ins"], T["moveTo"]):
                yield from self.block_elements(ch)
            elif tag == _MC_ALT:
                choice = ch.find(_MC_CHOICE)
                if choice is None:
                    choice = ch.find(_MC_FALLBACK)
                if choice is not None:
                    yield from self.block_elements(choice)

    def walk(self, body):
        """``Block``s of the body in reading order."""
        for el in self.block_elements(body):
            if el.tag == self.T["p"]:
                self.paragraphs += 1
                loc = f"第 {self.paragraphs} 段"
                yield Block("p", loc, el, lines=_lines(self.paragraph_text(el)))
            else:
                yield from self._table(el)

    # -- tables ---------------------------------------------------------------------------------------------

    def _rows(self, tbl):
        T = self.T
        for ch in tbl:
            if ch.tag == T["tr"]:
                trpr = ch.find(T["trPr"])
                if trpr is not None and trpr.find(T["del"]) is not None:
                    continue   # a tracked deletion of the whole row
                yield ch
            elif ch.tag in (T["sdt"], T["customXml"]):
                inner = ch.find(T["sdtContent"]) if ch.tag == T["sdt"] else ch
                if inner is not None:
                    yield from self._rows(inner)

    def _cells(self, tr):
        T = self.T
        for ch in tr:
            if ch.tag == T["tc"]:
                pr = ch.find(T["tcPr"])
                if pr is not None and pr.find(T["cellDel"]) is not None:
                    continue
                yield ch
            elif ch.tag in (T["sdt"], T["customXml"]):
                inner = ch.find(T["sdtContent"]) if ch.tag == T["sdt"] else ch
                if inner is not None:
                    yield from self._cells(inner)

    def _int_val(self, el, name: str, default: int) -> int:
        if el is None:
            return default
        child = el.find(self.T[name])
        if child is None:
            return default
        try:
            return max(0, int(child.get(self.T["val"], default)))
        except (TypeError, ValueError):
            return default

    def _merge(self, tcpr, name: str) -> str | None:
        """``restart``/``continue`` for a w:vMerge or w:hMerge, None when the cell has none."""
        if tcpr is None:
            return None
        m = tcpr.find(self.T[name])
        if m is None:
            return None
        return "restart" if m.get(self.T["val"]) == "restart" else "continue"

    def cell_text(self, tc) -> str:
        """A cell's paragraphs (and nested tables) joined into one line of text."""
        pieces: list[str] = []
        for el in self.block_elements(tc):
            if el.tag == self.T["p"]:
                pieces.append(self.paragraph_text(el))
            else:
                for row in self._rows(el):
                    for inner in self._cells(row):
                        pieces.append(self.cell_text(inner))
        return _join(pieces)

    def _is_frame(self, rows) -> bool:
        """A one-column table: a box or layout frame around content, not a table of data."""
        for tr in rows:
            n = 0
            for _ in self._cells(tr):
                n += 1
                if n > 1:
                    return False
        return any(next(self._cells(tr), None) is not None for tr in rows)

    def _table(self, tbl):
        T = self.T
        self.tables += 1
        number = self.tables
        rows = list(self._rows(tbl))
        if self._is_frame(rows):
            yield from self._frame(number, rows)
            return
        grid = tbl.find(T["tblGrid"])
        width = len(grid.findall(T["gridCol"])) if grid is not None else 0
        laid: list[tuple[object, list[CellOut]]] = []
        above: dict[int, CellOut] = {}   # grid column → the cell covering it in the previous row
        for r, tr in enumerate(rows, 1):
            trpr = tr.find(T["trPr"])
            cells: list[CellOut] = [CellOut("", None) for _ in range(self._int_val(trpr, "gridBefore", 0))]
            col_no = 0
            row_loc = f"表格 {number} 第 {r} 行"
            for tc in self._cells(tr):
                col_no += 1
                tcpr = tc.find(T["tcPr"])
                span = max(1, self._int_val(tcpr, "gridSpan", 1))
                if self._merge(tcpr, "hMerge") == "continue" and cells:
                    # legacy horizontal merge: this cell continues the one on its left
                    owner = next((c for c in reversed(cells) if c.first and c.location), None)
                    cells.append(CellOut("", owner.location if owner else None, owner.element if owner else tc,
                                         first=False))
                    continue
                start = len(cells)
                top = above.get(start)
                if self._merge(tcpr, "vMerge") == "continue" and top is not None:
                    # a vertical merge: the text is in the cell above; here only empty grid positions
                    for k in range(span):
                        cells.append(CellOut("", top.location, top.element, first=False, continuation=True))
                    continue
                loc = f"{row_loc}第 {col_no} 格"
                cells.append(CellOut(self.cell_text(tc), loc, tc))
                cells.extend(CellOut("", loc, tc, first=False) for _ in range(span - 1))
            laid.append((tr, cells))
            above = {i: c for i, c in enumerate(cells) if c.location}
            width = max(width, len(cells))
        for r, (tr, cells) in enumerate(laid, 1):
            cells.extend(CellOut("", None) for _ in range(width - len(cells)))
            yield Block("row", f"表格 {number} 第 {r} 行", tr, cells=cells, table=number)

    def _frame(self, number: int, rows):
        """The content of a one-column table, read as body content placed in its cells."""
        T = self.T
        for r, tr in enumerate(rows, 1):
            for tc in self._cells(tr):
                k = 0
                for el in self.block_elements(tc):
                    if el.tag == T["p"]:
                        k += 1
                        yield Block("p", f"表格 {number} 第 {r} 行第 1 格第 {k} 段", el,
                                    lines=_lines(self.paragraph_text(el)))
                    else:
                        yield from self._table(el)


def _lines(text: str) -> list[str]:
    """A paragraph's view lines: split at line breaks; tabs kept between text, not at the ends."""
    out = []
    for part in text.split("\n"):
        out.append(part.strip("\t").rstrip())
    # a paragraph is at least one line (an empty one for an empty paragraph); break-only pieces are dropped
    kept = [x for x in out if x.strip()]
    return kept or [""]


def _cjk(ch: str) -> bool:
    return ord(ch) >= 0x2E80


def _join(pieces: list[str]) -> str:
    """Cell pieces into one line: no tabs or newlines; no space between Chinese text, one between others."""
    out = ""
    for piece in pieces:
        for part in piece.replace("\t", " ").split("\n"):
            part = " ".join(part.split()) if not any(_cjk(c) for c in part) else part.strip()
            if not part:
                continue
            if out and not (_cjk(out[-1]) or _cjk(part[0])):
                out += " "
            out += part
    return out.replace("\t", " ")
