"""Template-driven table alignment: table lines of any layout → the template's cells.

Tables arrive as tab-separated rows, rows whose leading empty cells were lost, one cell per line, Markdown
pipes, and labels broken by PDF extraction. All become one *cell stream* (text pieces with their positions,
and a mark where a physical row starts); rows are then found by their **labels** (folded, numbering-aware,
alias- and typo-tolerant), and the values that follow a label are the row's cells, left to right. A row with
fewer values than the template keeps what it has and marks the rest missing: values are never shifted into
another column by guesswork and never invented.
"""
from __future__ import annotations

import difflib
import re
from functools import lru_cache
from typing import NamedTuple
from decimal import Decimal, InvalidOperation

from ..diagnostics import Span
from ..memo import KEPT, remember
from ..records import frozen
from .nodes import (BLANK, CELL_DRAFT, MISSING, NUMBER, PLACEHOLDER, TEXT, Cell, HeaderLabel, Line, Row,
                    Table, new_header, new_row, new_table)
from ..parse.outline import PLACEHOLDERS
from .template import RowDef, TableDef, Template, load_template
from ..textnorm import folded, strip_numbering

_INT = re.compile(r"^[-+]?\d+$")
_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+$")
_DEC = re.compile(r"^[-+]?\d+\.\d+$")
# a number followed by its unit ("103.3879万元", "5件"): a number; which unit fits which column is GK208's business
_UNIT = re.compile(r"^([-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(万元|元|件|条|个|项|次|人次)$")


MAX_NUMBER_CHARS = 20


@lru_cache(maxsize=KEPT)
def parse_value(raw: str) -> tuple[str, int | Decimal | None]:
    """The kind and value of a cell's text: number, blank, placeholder or text."""
    f = folded(raw)
    if not f:
        return BLANK, None
    if f in PLACEHOLDERS:
        return PLACEHOLDER, None
    if len(f) > MAX_NUMBER_CHARS:
        return TEXT, None   # no count has 20 digits; int() of thousands of digits even raises (fuzzing, issue 8)
    if _INT.match(f):
        return NUMBER, int(f)
    if _THOUSANDS.match(f):
        return NUMBER, int(f.replace(",", ""))
    if _DEC.match(f):
        try:
            return NUMBER, Decimal(f)
        except InvalidOperation:
            return TEXT, None
    m = _UNIT.match(f)
    if m:
        return parse_value(m.group(1).replace(",", ""))
    return TEXT, None


class Piece(NamedTuple):
    """One text piece of a table's cell stream, with its position and what it holds.

    The cell stream itself holds *plain tuples* of these fields in this order (``pieces_of``; ``Piece(*p)`` is a
    named view of one): a report has a hundred pieces or more, and a tuple costs a fifth of an object with its
    fields stored one by one, or of a named tuple (made through ``tuple.__new__``); the aligners unpack them.
    Its position is kept as numbers, its ``Span`` made only for the pieces that become a cell, a row's label
    or a header (``piece_span``): a piece is then the fields its line's text gives, kept for the text
    (``_ROWS``, ``_FIELDS``) with the line's number and column added on: one tuple concatenation a piece, not
    its fields unpacked and packed again with a new Span (~45 K machine instructions a report less)."""

    text: str            # stripped text as written
    f: str               # folded
    start: int           # where it starts and ends, from the column of its line
    end: int
    row_start: bool      # first piece of a physical table row (TROW)
    layout: str          # "tab", "pipe", "line"; "grid": a tab row a reader knows is complete (HTML, Word);
                         # "cell": a blank " |" line among one-cell-per-line "0 |" lines
    kind: str            # parse_value(text), read once here: the aligners ask it of every piece several times
    number: int | Decimal | None
    value: bool          # a cell value: a number, a placeholder, or a blank field of a row (not of a line)
    line: int            # its line's number and column
    column: int

    @property
    def span(self) -> Span:
        return piece_span(self)


def piece_span(p: tuple) -> Span:
    """The span of a piece (a plain tuple of a ``Piece``'s fields)."""
    line, column = p[9], p[10]
    return _span(Span, (line, column + p[2], line, column + p[3]))


_WS = " \u00a0\u3000\t"
_span = tuple.__new__      # Span(...) without the named tuple's Python-level __new__
_new = object.__new__


def pieces_of(lines: list[tuple[str, Line]], exact: frozenset[int] = frozenset()) -> list[Piece]:
    """The cell stream of some table lines (terminal, line): plain tuples of a ``Piece``'s fields, in its order;
    ``exact``: view lines that are complete rows."""
    out: list[Piece] = []
    append, kept, rows_kept = out.append, _FIELDS.get, _ROWS.get
    prev_row = None  # the text of the line before when that was a row (TROW): a cell closed by a pipe ("0 |")?
    for kind, line in lines:
        text = line.text
        if kind != "TROW":
            prev_row = None
            if kind == "TSEP":
                continue
            # a line that is no row: its one field read as a line's (what the row path below makes of a line with
            # one field, without its layout checks and loop: a table written a cell a line has a line a piece)
            d = kept(text) or _field(text)
            append(d[9] + (line.line, line.column))
            continue
        before, prev_row = prev_row, text
        specs = rows_kept(text)
        if specs is None or line.line in exact:
            specs = _row_specs(text, line.line in exact, before)
        elif specs.__class__ is _Lone:
            specs = specs[0] if _closes_cell(before) else specs[1]
        where = line.line, line.column
        for spec in specs:
            append(spec + where)    # (a Piece: the fields the row's text gives, its line's number and column)
    return out


# A field's text → what its pieces take from it, the same wherever it stands (fields such as "0", "" and the
# template's labels recur in every report): one dictionary look-up per piece instead of a strip, a fold and a
# parse. At most FIELDS_KEPT short fields kept (then the memo starts afresh), so memory stays flat over any number of files.
FIELDS_KEPT = KEPT
_FIELDS: dict[str, tuple] = {}


def _field(part: str) -> tuple:
    """(stripped text, folded, kind, number, leading blanks, value as a line's field, value as a row's field,
    end of its span, start of the next field, its piece as a line's without its line's number and column): the
    offsets from the field's start"""
    stripped = part.strip(_WS)
    lead = len(part) - len(part.lstrip(_WS)) if stripped != part else 0
    ckind, number = parse_value(stripped)
    kept = ckind in _VALUE_KINDS
    f, end = folded(stripped), lead + (len(stripped) or 1)
    d = (stripped, f, ckind, number, lead, kept, kept or ckind == BLANK, end, len(part) + 1,
         (stripped, f, lead, end, False, "line", ckind, number, kept))
    if len(part) <= 200:      # a long field (a run-together row) is seldom seen twice
        remember(_FIELDS, part, d, FIELDS_KEPT)
    return d


_VALUE_KINDS = (NUMBER, PLACEHOLDER)


# A table row's text → what its pieces take from it: (text, folded, start and end of the span from the line's
# column, first of the row, layout, kind, number, value) per piece. Rows recur from report to report (a template
# label and its zeros, a header row): one dictionary look-up a row instead of a split, a strip per field and a
# look-up per field. Not kept for a view's complete row (``exact``: read afresh); a lone " |" (a blank cell or
# nothing, by the line above) is kept as both (``_Lone``). At most ROWS_KEPT rows of at most ROW_KEPT_CHARS
# characters (then the memo starts afresh), so memory stays flat over any number of files.
ROWS_KEPT = KEPT
ROW_KEPT_CHARS = 400
_ROWS: dict[str, tuple] = {}


class _Lone(tuple):
    """The pieces of a lone " |" row: (after a row closed by a pipe, after anything else)."""

    __slots__ = ()


def _closes_cell(before: str | None) -> bool:
    """Is the line before a lone " |" a cell closed by a pipe ("0 |": one cell per line, each closed by a pipe)?
    Then the " |" is a blank cell, not nothing; a "|" between bare "0" lines is only their separator."""
    return before is not None and before.rstrip().endswith("|") and bool(before.strip(" \u00a0\u3000\t|"))


def _row_specs(text: str, grid: bool, before: str | None) -> tuple[tuple, ...]:
    """The pieces of a table row (TROW) as ``_ROWS`` keeps them; ``grid``: a view's complete row (``exact``),
    ``before``: the text of the line before when that was a row."""
    kept = _FIELDS.get
    only_filled = False      # skip the blank fields (a row that is really one cell)
    # the fields of the row, and the offset of the first one
    off = 0
    if "\t" in text:
        layout = "grid" if grid else "tab"
        fields = text.split("\t")
    else:
        layout = "pipe"
        fields = text.split("|")
        if not fields[0].strip():
            off = len(fields[0]) + 1
            del fields[0]
        if fields and not fields[-1].strip():
            del fields[-1]
    filled = 0          # fields with text: none, one, or more (counting stops at two)
    for t in fields:
        if t.strip(_WS):
            filled += 1
            if filled > 1:
                break
    if not filled and layout == "pipe" and text.count("|") == 1:
        # a lone " |": a blank cell after a cell closed by a pipe, else nothing (its one field is blank)
        d = kept("") or _field("")
        lone = _Lone(((("", "", text.index("|") + d[4], text.index("|") + d[7], False, "cell", d[2], d[3], d[6]),),
                      ()))
        if len(text) <= ROW_KEPT_CHARS:
            remember(_ROWS, text, lone, ROWS_KEPT)
        return lone[0] if _closes_cell(before) else lone[1]
    if filled <= 1 and layout != "grid":
        # "0 |" one cell per line with a stray pipe: a cell line, not a row
        layout, only_filled = "line", True
    first = layout != "line"
    as_line = layout == "line"                # a field read as a line's (its value flag), or as a row's
    at = off                                  # at: where the field starts, from the line's column
    out = []
    for part in fields:
        d = kept(part)
        if d is None:
            d = _field(part)
        raw, f, ckind, number, lead, line_value, row_value, end, step, _line = d   # (one unpacking, not indexings)
        if only_filled and not raw:
            at += step
            continue
        out.append((raw, f, at + lead, at + end, first, layout, ckind, number, line_value if as_line else row_value))
        at += step
        first = False
    specs = tuple(out)
    if not grid and len(text) <= ROW_KEPT_CHARS:
        remember(_ROWS, text, specs, ROWS_KEPT)
    return specs


# ----------------------------------------------------------------------------------------------------------
# Label matching
# ----------------------------------------------------------------------------------------------------------
_LEAD_PUNCT = re.compile(r"^[、.,:;]+")


@frozen
class LabelMatch:
    """A template row a label matched, and how well."""

    row: RowDef
    quality: str   # exact, alias, fuzzy; group: a group label carrying its last sub-row's values (2019 shape)

    def __init__(self, row: RowDef, quality: str) -> None:
        _set = object.__setattr__       # (a frozen dataclass: gklint.records)
        _set(self, "row", row)
        _set(self, "quality", quality)


# How many looked-up texts each table's Labels keeps (the template's labels recur in every report; the other texts
# of table cells do not, so the memo starts afresh when full: memory stays flat over any number of reports).
LABELS_KEPT = KEPT
FUZZY = 0.8           # the least similarity ratio (difflib) of a label read as a template label
_UNSEEN = object()


class Labels:
    """Row and header label lookup for one table of one template version (built once: ``Labels.of``)."""

    @staticmethod
    def of(table: TableDef) -> "Labels":
        hit = _LABELS_OF.get(id(table))      # (the aligners ask once a table a report: one look-up, not two searches)
        if hit is None or hit[0] is not table:
            hit = _LABELS_OF[id(table)] = (table, _labels(table.id, _version_of(table)))
        return hit[1]

    def __init__(self, table: TableDef) -> None:
        self.table = table
        self.header_words: dict[str, tuple[str, str]] = {}   # folded → (column id, exact|alias)
        for c in table.columns.values():
            self.header_words.setdefault(folded(c.label), (c.id, "exact"))
            for a in c.aliases:
                self.header_words.setdefault(folded(a), (c.id, "alias"))
        self.captions = {folded(c) for c in table.captions}
        self._row_cache: dict[str, LabelMatch | None] = {}
        self._header_cache: dict[str, tuple[str, str] | None] = {}
        # each row core's and header word's characters counted once (``_shared``: difflib's quick_ratio, which
        # counts both texts' characters again in every comparison)
        self._row_counts = [(r, r.core, _counts(r.core)) for r in table.rows]
        # each row's core, its aliases' cores and its folded aliases, read once
        self._row_words = [(r, r.core, r.alias_cores, tuple(folded(a) for a in r.aliases)) for r in table.rows]
        self._header_counts = [(word, cid, _counts(word)) for word, (cid, _q) in self.header_words.items()]

    def row(self, f: str) -> LabelMatch | None:
        hit = self._row_cache.get(f, _UNSEEN)
        if hit is _UNSEEN:
            hit = remember(self._row_cache, f, self._row(f), LABELS_KEPT)
        return hit

    def _row(self, f: str) -> LabelMatch | None:
        num, core = strip_numbering(f)
        core = _LEAD_PUNCT.sub("", core)
        if not core:
            return None
        generic = core in self.header_words or core in self.captions
        candidates = []
        for r, rc, alias_cores, aliases in self._row_words:
            if core == rc:
                candidates.append(LabelMatch(r, "exact"))
            elif core in alias_cores or f in aliases:
                candidates.append(LabelMatch(r, "alias"))
        if candidates:
            if num:
                same = [c for c in candidates if _num_key(c.row.numbering) == _num_key(num)]
                if same:
                    return same[0]
                if generic:
                    return None
            elif generic:
                return None
            return candidates[0]
        if generic or len(core) < 4:
            return None
        best, best_ratio = None, 0.0
        counts = None
        n = len(core)                       # (4 or more here)
        for r, rc, rc_counts in self._row_counts:
            m = len(rc)
            if rc.startswith(core) and n >= 0.5 * m or core.startswith(rc) and m >= 4:
                ratio = 0.95
            else:
                # only a ratio above the best so far and reaching FUZZY can change the answer: skip the full
                # comparison where an upper bound of it (by the lengths, then by the characters) cannot
                bound = 2.0 * min(n, m) / (n + m)     # (real_quick_ratio)
                if bound < FUZZY or bound <= best_ratio:
                    continue
                if counts is None:
                    counts = _counts(core)
                bound = 2.0 * _shared(counts, rc_counts) / (n + m)   # (quick_ratio)
                if bound < FUZZY or bound <= best_ratio:
                    continue
                ratio = difflib.SequenceMatcher(None, core, rc).ratio()
            if ratio > best_ratio:
                best, best_ratio = r, ratio
        if best is not None and best_ratio >= FUZZY:
            if num and best.numbering and _num_key(num) != _num_key(best.numbering):
                return None
            return LabelMatch(best, "fuzzy")
        return None

    def header(self, f: str) -> tuple[str, str] | None:
        hit = self._header_cache.get(f, _UNSEEN)
        if hit is _UNSEEN:
            hit = remember(self._header_cache, f, self._header(f), LABELS_KEPT)
        return hit

    def _header(self, f: str) -> tuple[str, str] | None:
        if f in self.header_words:
            return self.header_words[f]
        if len(f) >= 4:
            counts = None
            for word, cid, word_counts in self._header_counts:
                # (the bounds of ``ratio`` first, as in ``_row``, real_quick_ratio by the lengths: most words are
                # far off; then quick_ratio by the characters)
                if len(word) >= 4 and 2.0 * min(len(f), len(word)) / (len(f) + len(word)) >= FUZZY:
                    if counts is None:
                        counts = _counts(f)
                    if 2.0 * _shared(counts, word_counts) / (len(f) + len(word)) >= FUZZY and \
                            difflib.SequenceMatcher(None, f, word).ratio() >= FUZZY:
                        return cid, "fuzzy"
        return None


def _counts(text: str) -> dict[str, int]:
    """How many times each character stands in ``text``."""
    out: dict[str, int] = {}
    for ch in text:
        out[ch] = out.get(ch, 0) + 1
    return out


def _shared(a: dict[str, int], b: dict[str, int]) -> int:
    """The characters two texts have in common, counted with repeats (the matches of difflib's quick_ratio)."""
    n = 0
    for ch, k in a.items():
        m = b.get(ch)
        if m:
            n += k if k < m else m
    return n


# a table definition's Labels, kept by the definition's identity (as ``_DATA_ROWS``: a table definition does not hash)
_LABELS_OF: dict[int, tuple[TableDef, Labels]] = {}


@lru_cache(maxsize=None)
def _labels(table_id: str, version: str) -> Labels:
    return Labels(load_template(version).tables[table_id])


def _version_of(table: TableDef) -> str:
    for v in ("2021", "2019"):
        if load_template(v).tables.get(table.id) is table:
            return v
    raise KeyError(table.id)


def _num_key(num: str) -> str:
    return num.strip("、.,()")


# ----------------------------------------------------------------------------------------------------------
# Row assembly
# ----------------------------------------------------------------------------------------------------------
class _RowAcc:
    """A row being gathered: its label piece and the value pieces after it (a plain class: made and read here only)."""

    __slots__ = ("match", "label", "values", "layout")

    def __init__(self, match: LabelMatch, label: Piece, values: list[Piece], layout: str) -> None:
        self.match, self.label, self.values, self.layout = match, label, values, layout


def _trim(v: list[Piece], layout: str, expected: int) -> list[Piece]:
    """``v`` without its blank ends where the layout makes them no cells (in place: the callers' own lists)."""
    if layout == "tab":
        while v and not v[-1][1]:        # (a piece's folded text: blank)
            v.pop()
        while v and not v[0][1]:
            v.pop(0)
    elif layout in ("pipe", "grid"):   # only merged cells' extra slots; a blank cell stays
        while len(v) > expected and not v[0][1]:
            v.pop(0)
        while len(v) > expected and not v[-1][1]:
            v.pop()
    return v


_SPACES = re.compile(r"\s+")
_MISTYPED_NUMBER = re.compile(r"^(?:[-+]{2,}|[增减][-+]?|[-+][增减])\d[\d,]*(?:\.\d+)?$")


def _mistyped_number(p: Piece) -> bool:
    """A number with a doubled or worded sign (``--253``, ``减4``): a cell written wrongly (GK206), not a label."""
    return bool(_MISTYPED_NUMBER.match(p[1]))


def _cells(table: TableDef, rowdef: RowDef, values: list[Piece]) -> tuple[Cell, ...]:
    tid, rid = table.id, rowdef.id
    cells = []
    for cid, (text, _f, a, b, _first, _layout, kind, number, _value, n, at) in zip(rowdef.cols, values):
        c = CELL_DRAFT()                        # (``new_cell`` inlined; ``piece_span`` too)
        c.table = tid; c.row = rid; c.col = cid; c.raw = text; c.value = number; c.kind = kind
        c.span = _span(Span, (n, at + a, n, at + b))
        c.__class__ = Cell
        cells.append(c)
    if len(cells) < len(rowdef.cols):
        cells.extend(missing_cells(tid, rowdef)[len(cells):])
    return tuple(cells)


# Cells and rows the report does not have are the same in every report (immutable): made once, then shared.
# Kept by the row definition's identity (the templates are loaded once per process and kept): hashing a RowDef
# hashes all its fields, and a report asks for a few dozen.
_MISSING: dict[tuple[str, int], tuple[RowDef, tuple[Cell, ...]]] = {}
_ABSENT: dict[tuple[str, int], tuple[RowDef, Row]] = {}


def missing_cells(table_id: str, r: RowDef) -> tuple[Cell, ...]:
    hit = _MISSING.get((table_id, id(r)))
    if hit is None or hit[0] is not r:
        hit = _MISSING[(table_id, id(r))] = (r, tuple(Cell(table_id, r.id, c, "", None, MISSING, None) for c in r.cols))
    return hit[1]


def absent_row(table_id: str, r: RowDef) -> Row:
    hit = _ABSENT.get((table_id, id(r)))
    if hit is None or hit[0] is not r:
        hit = _ABSENT[(table_id, id(r))] = (r, Row(table_id, r.id, "", r.label, None, "absent",
                                                   missing_cells(table_id, r), 0, len(r.cols)))
    return hit[1]


_DATA_ROWS: dict[int, tuple[TableDef, tuple]] = {}


def _data_rows(table: TableDef) -> tuple[tuple[RowDef, str, int, Row], ...]:
    """The table's data rows, each with its id, number of cells and absent row: the same in every report, made
    once (kept by the table definition's identity, as ``_ABSENT``; a table definition does not hash)."""
    hit = _DATA_ROWS.get(id(table))
    if hit is None or hit[0] is not table:
        hit = _DATA_ROWS[id(table)] = (table, tuple((r, r.id, len(r.cols), absent_row(table.id, r))
                                                    for r in table.rows if not r.group))
    return hit[1]


def align_rows(table: TableDef, pieces: list[Piece], section: int | None, version: str = "") -> Table:
    """Tables 二 and 三: rows found by label, values after the label (``version``: the template's)."""
    labels = Labels.of(table)
    found: dict[str, _RowAcc] = {}
    headers: list[HeaderLabel] = []
    notes: list[str] = []
    cur: _RowAcc | None = None
    group: tuple[RowDef, Piece] | None = None   # a group label (（六）其他处理) just seen in this tab row
    row_of, header_of = labels.row, labels.header
    row_cache, header_cache = labels._row_cache, labels._header_cache     # (the memos, their hits looked up here)
    for p in pieces:
        text, f, _start, _end, row_start, layout, _kind, _number, value, _line, _column = p
        if row_start:
            cur = group = None
        if group is not None and f and value:
            # the 2019 shape in a 2021 table: values straight after the group label, no sub-row labels. They
            # are the group's last sub-row (（六）… → 3. 其他); the other sub-rows are then missing (GK202)
            last = [r for r in table.rows if r.id.startswith(group[0].id + ".") and not r.group][-1:]
            if last and last[0].id not in found:
                cur = _RowAcc(LabelMatch(last[0], "group"), group[1], [], group[1][5])
                found[last[0].id] = cur
            group = None
        if not f:
            if cur is not None and layout != "line" and (
                    layout != "cell" or len(cur.values) < len(cur.match.row.cols)):
                cur.values.append(p)
            continue
        if value:
            if cur is not None:
                cur.values.append(p)
            continue
        m = row_cache.get(f, _UNSEEN)
        if m is _UNSEEN:
            m = row_of(f)
        if m is not None:
            if m.row.group:
                cur = None
                group = (m.row, p) if layout == "tab" else None
                continue
            group = None
            prev = found.get(m.row.id)
            if prev is not None and any(v[1] for v in prev.values):
                notes.append(f"duplicate row {m.row.id} at line {p[9]}")
                cur = None
                continue
            cur = _new(_RowAcc)             # (_RowAcc(m, p, [], layout), without the dataclass's __init__ call)
            cur.match = m; cur.label = p; cur.values = []; cur.layout = layout
            found[m.row.id] = cur
            continue
        h = header_cache.get(f, _UNSEEN)
        if h is _UNSEEN:
            h = header_of(f)
        if h is not None:
            cid, quality = h
            col = table.columns[cid]
            headers.append(new_header(text, col.label, quality, piece_span(p)))
            continue
        if cur is None:
            continue
        if layout != "line" or _mistyped_number(p) or (
                len(cur.values) < len(cur.match.row.cols) and any(v[1] for v in cur.values)):
            cur.values.append(p)
    rows = []
    tid = table.id
    for r, rid, k, absent in _data_rows(table):
        acc = found.get(rid)
        if acc is None:
            rows.append(absent)
            continue
        values = _trim(acc.values, acc.layout, k)
        written = len(values)   # (a row's values hold no blank piece of a line: the loop above takes none)
        text = acc.label[0]
        label_text = _LABEL_TEXTS.get(text)
        if label_text is None:
            label_text = remember(_LABEL_TEXTS, text, _SPACES.sub(" ", text), LABELS_KEPT)
        rows.append(new_row(tid, rid, label_text, r.label, piece_span(acc.label), acc.match.quality,
                            _cells(table, r, values[:k] if written > k else values), written, k))
        if written > k:
            notes.append(f"row {r.id}: {written} values for {k} columns")
    span = piece_span(pieces[0]) if pieces else None
    return new_table(tid, version, tuple(rows), span, section, tuple(headers), tuple(notes))


# a row label as written → with its runs of whitespace made one space (labels are the template's words, in every
# report; at most LABELS_KEPT kept)
_LABEL_TEXTS: dict[str, str] = {}


def align_sequence(table: TableDef, pieces: list[Piece], section: int | None, version: str = "") -> Table:
    """Table 四: one data row of 15 values under three group headers, read in order (``version``: the
    template's)."""
    if not pieces:
        # no table lines for it (often so: the table run together in a paragraph, or not written): every row
        # absent, no headers, no notes, without the reading below
        return new_table(table.id, version, tuple([absent_row(table.id, r) for r in table.rows]), None, section)
    labels = Labels.of(table)
    values: list[Piece] = []
    headers: list[HeaderLabel] = []
    group_spans: dict[str, Span] = {}
    row_pieces: list[Piece] = []

    def flush() -> None:
        if any(p[8] and p[1] for p in row_pieces):        # (a value that is not blank)
            layout = row_pieces[0][5]
            vs = [p for p in row_pieces if p[8]]
            values.extend(_trim(vs, layout, 0) if layout == "tab" else
                          _trim(vs, layout, sum(len(r.cols) for r in table.rows)) if layout == "grid" else vs)
        row_pieces.clear()

    for p in pieces:
        text, f, _start, _end, row_start, layout, _kind, _number, value, _line, _column = p
        if row_start:
            flush()
        if f and not value:
            for r in table.rows:
                if r.core and r.core in f and r.id not in group_spans:
                    group_spans[r.id] = piece_span(p)
            h = labels.header(f)
            if h:
                headers.append(new_header(text, table.columns[h[0]].label, h[1], piece_span(p)))
            continue
        if layout in ("line", "cell"):
            if value:
                values.append(p)
        else:
            row_pieces.append(p)
    flush()
    rows = []
    k = 0
    for r in table.rows:
        vals = values[k:k + len(r.cols)]
        k += len(r.cols)
        if not vals and r.id not in group_spans:
            rows.append(absent_row(table.id, r))
            continue
        span = group_spans.get(r.id) or (piece_span(vals[0]) if vals else None)
        rows.append(new_row(table.id, r.id, r.label if r.id in group_spans else "", r.label, span,
                        "exact" if r.id in group_spans else "absent" if not vals else "exact",
                        _cells(table, r, vals), len(vals), len(r.cols)))
    notes = [f"{len(values)} values for {table.cell_count} cells"] if len(values) > table.cell_count else []
    return new_table(table.id, version, tuple(rows), piece_span(pieces[0]), section, tuple(headers), tuple(notes))


# ----------------------------------------------------------------------------------------------------------
# Template version detection (report-format.md §3.7)
# ----------------------------------------------------------------------------------------------------------
_SIGNS_2021 = ("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额",
               "申请人无正当理由逾期不补正", "申请人逾期未按收费通知要求缴纳费用")
_SIGNS_2019 = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减",
               "其他对外管理服务事项", "第二十条第(九)项", "政府集中采购", "采购项目数量", "采购总金额")


_RE_2021 = re.compile("|".join(re.escape(w) for w in _SIGNS_2021))
_RE_2019 = re.compile("|".join(re.escape(w) for w in _SIGNS_2019))


def template_signals(pieces: list[Piece]) -> dict[str, int]:
    """How many 2021-only and 2019-only label words the table pieces carry (a value piece, a number or a
    placeholder, carries none)."""
    return _signal_counts((pieces,))


def _signal_counts(groups) -> dict[str, int]:
    """``template_signals`` of some lists of pieces taken together (each read in place, not joined first)."""
    n2021 = n2019 = 0
    for pieces in groups:
        for p in pieces:
            if p[8]:                        # (a value: no label words)
                continue
            f = p[1]
            hit = _SIGNALS.get(f)
            if hit is None:
                hit = remember(_SIGNALS, f, _signals_in(f), LABELS_KEPT)
            if hit is not _NO_SIGNALS:
                n2021 += hit[0]
                n2019 += hit[1]
    return {"2021": n2021, "2019": n2019}


# a piece's folded text → how many 2021-only and 2019-only words it holds (labels and headers: template wording);
# most hold none: one shared pair, skipped by identity
_SIGNALS: dict[str, tuple[int, int]] = {}
_NO_SIGNALS = (0, 0)


def _signals_in(f: str) -> tuple[int, int]:
    counts = (len(_RE_2021.findall(f)), len(_RE_2019.findall(f)))
    return _NO_SIGNALS if counts == _NO_SIGNALS else counts


def align_tables(by_table: dict[str, list[Piece]], sections: dict[str, int | None]) -> tuple[dict[str, Table], str | None, dict[str, int]]:
    signals = _signal_counts(by_table.values())
    version = None
    if signals["2021"] or signals["2019"]:
        version = "2019" if signals["2019"] > signals["2021"] else "2021"
    tpl: Template = load_template(version or "2021")
    tables: dict[str, Table] = {}
    for tid, tdef in tpl.tables.items():
        ps = by_table.get(tid, [])
        tables[tid] = (align_sequence if tid == "t4" else align_rows)(tdef, ps, sections.get(tid), tpl.version)
    return tables, version, signals


def table_votes(pieces: list[Piece]) -> dict[str, int]:
    """Which table do these pieces look like? Label hits per table (both templates)."""
    votes = {"t2": 0, "t3": 0, "t4": 0}
    for v in ("2021", "2019"):
        for tid, tdef in load_template(v).tables.items():
            lab = Labels.of(tdef)
            for p in pieces:
                f = p[1]
                if f and not p[8] and (lab.row(f) or f in lab.captions):
                    votes[tid] += 1
    return votes
