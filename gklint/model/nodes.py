"""Stage 3 types: the typed, immutable model of one report.

``Report`` → ``Section`` → blocks (``Heading``, ``Paragraph``, ``TableRegion``); the three standard tables are
aligned to the template into ``Table`` → ``Row`` → ``Cell``. Every node carries the ``Span`` of its text in the
original file. Canonical ids (``t3`` / ``"3.7"`` / ``total``) are those of report-format.md §2.
"""
from __future__ import annotations

from dataclasses import field
from decimal import Decimal
from typing import Iterator, Union

from ..diagnostics import Span
from ..records import frozen

Number = Union[int, Decimal]
# Span(...) without the named tuple's Python-level __new__ (the same tuple; rules ask blocks' spans many times)
_span = tuple.__new__
# the node types are frozen dataclasses (gklint.records): their __init__ sets each field with this, as a frozen
# dataclass's does
_set = object.__setattr__

# Cell kinds: what the report wrote in a template cell.
NUMBER = "number"            # a parseable number (value set)
BLANK = "blank"              # an empty cell
PLACEHOLDER = "placeholder"  # "/", "—", "-", "无", "空" ...
TEXT = "text"                # anything else ("减4", "251000元")
MISSING = "missing"          # the template cell has no counterpart in the report
UNSPLIT = "unsplit"          # the row's digits were run together and cannot be split unambiguously


class cached_property:
    """``functools.cached_property`` without its lock (Python 3.12 dropped it too): the value computed at the
    first read and kept in the instance's ``__dict__``, which later reads find before this descriptor. The
    properties here are pure functions of immutable nodes, so two threads computing one at once is harmless;
    a report reads a few dozen of them for the first time, and the lock was most of the cost."""

    def __init__(self, func) -> None:
        self.func, self.attrname, self.__doc__ = func, func.__name__, func.__doc__

    def __set_name__(self, owner, name: str) -> None:
        self.attrname = name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        val = instance.__dict__[self.attrname] = self.func(instance)
        return val


# slots on the node types made in bulk (cells, rows, lines: hundreds per report): cheaper to create and smaller
@frozen(slots=True)
class Cell:
    """One template cell of a table: what the report wrote there, its kind and value, and where."""

    table: str
    row: str
    col: str
    raw: str
    value: Number | None
    kind: str
    span: Span | None

    def __init__(self, table: str, row: str, col: str, raw: str, value: Number | None, kind: str,
                 span: Span | None) -> None:
        _set(self, "table", table)
        _set(self, "row", row)
        _set(self, "col", col)
        _set(self, "raw", raw)
        _set(self, "value", value)
        _set(self, "kind", kind)
        _set(self, "span", span)

    @property
    def missing(self) -> bool:
        return self.kind == MISSING

    @property
    def line(self) -> int | None:
        return self.span.line if self.span else None


@frozen(slots=True)
class Row:
    """One template row of a table: its label as written, how it matched, and its cells."""

    table: str
    id: str
    label: str                  # the label as written (whitespace folded)
    template_label: str         # the template's label
    label_span: Span | None
    label_match: str            # "exact", "alias", "fuzzy" or "absent" (row not found at all)
    cells: tuple[Cell, ...]
    written: int                # how many value cells the report gave for the row
    expected: int
    # the row was found (``label_match`` is not "absent"): set with the row, not a property, as the rules ask it of
    # every row many times a report; derived, so not an argument, and out of repr, equality and hashing
    present: bool = field(init=False, repr=False, compare=False)

    def __init__(self, table: str, id: str, label: str, template_label: str, label_span: Span | None,
                 label_match: str, cells: tuple[Cell, ...], written: int, expected: int) -> None:
        _set(self, "table", table)
        _set(self, "id", id)
        _set(self, "label", label)
        _set(self, "template_label", template_label)
        _set(self, "label_span", label_span)
        _set(self, "label_match", label_match)
        _set(self, "cells", cells)
        _set(self, "written", written)
        _set(self, "expected", expected)
        _set(self, "present", label_match != "absent")

    def cell(self, col: str) -> Cell | None:
        for c in self.cells:
            if c.col == col:
                return c
        return None



@frozen
class HeaderLabel:
    """A column header label as written, and what the template says (for label-deviation rules)."""

    text: str
    template_label: str
    match: str
    span: Span

    def __init__(self, text: str, template_label: str, match: str, span: Span) -> None:
        _set(self, "text", text)
        _set(self, "template_label", template_label)
        _set(self, "match", match)
        _set(self, "span", span)


@frozen
class Table:
    """One standard table aligned to the template (t2, t3, t4)."""

    id: str                     # t2, t3, t4
    template: str               # "2021" or "2019"
    rows: tuple[Row, ...]
    span: Span | None
    section: int | None         # the section number the table was found in
    headers: tuple[HeaderLabel, ...] = ()
    notes: tuple[str, ...] = ()

    def __init__(self, id: str, template: str, rows: tuple[Row, ...], span: Span | None, section: int | None,
                 headers: tuple[HeaderLabel, ...] = (), notes: tuple[str, ...] = ()) -> None:
        _set(self, "id", id)
        _set(self, "template", template)
        _set(self, "rows", rows)
        _set(self, "span", span)
        _set(self, "section", section)
        _set(self, "headers", headers)
        _set(self, "notes", notes)

    @cached_property
    def _row_index(self) -> dict[str, Row]:
        """Row id → its (first) row, built once per table: rules look rows up by id many times a report."""
        index: dict[str, Row] = {}
        for r in self.rows:
            index.setdefault(r.id, r)
        return index

    def row(self, row_id: str) -> Row | None:
        return self._row_index.get(row_id)

    @cached_property
    def cell_index(self) -> dict[tuple[str, str], Cell]:
        """(row id, col) → the cell ``row(row_id).cell(col)`` gives (the first row of an id, its first cell of a
        column), built once: the rules look cells up many times a report."""
        index: dict[tuple[str, str], Cell] = {}
        for r in self._row_index.values():
            for c in r.cells:
                index.setdefault((r.id, c.col), c)
        return index

    def cell(self, row_id: str, col: str) -> Cell | None:
        """The first row of the id, its first cell of the column (``cell_index``'s cell, without building the
        index: a few look-ups a report cost less than it does)."""
        r = self._row_index.get(row_id)
        return r.cell(col) if r is not None else None

    def cells(self) -> Iterator[Cell]:
        for r in self.rows:
            yield from r.cells

    @cached_property
    def _col_order(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.col for c in self.cells()))

    @property
    def col_ids(self) -> list[str]:
        """The table's column ids in template order."""
        return list(self._col_order)

    @cached_property
    def found(self) -> bool:
        """Any row of the table present (asked by the builder and many rules; the rows never change)."""
        for r in self.rows:
            if r.present:
                return True
        return False


@frozen(slots=True)
class Line:
    """One logical line of the report (a physical line, or a segment of a very long crawled line)."""

    text: str
    line: int
    column: int                 # 1-based column of text[0] in the original line

    def __init__(self, text: str, line: int, column: int) -> None:
        _set(self, "text", text)
        _set(self, "line", line)
        _set(self, "column", column)

    def span(self, start: int = 0, end: int | None = None) -> Span:
        end = len(self.text) if end is None else end
        return _span(Span, (self.line, self.column + start, self.line, self.column + max(end, start + 1)))


# Fast constructors for the node types the parser makes in bulk: the same object as ``Cell(...)`` etc., without a
# frozen dataclass's ``object.__setattr__`` call per field (tests/test_parse_fast_paths.py and
# tests/test_model_nodes_fast.py check that each gives what the class gives). A slotted dataclass's __slots__ are its
# fields, in order.
_new = object.__new__


# Lines, cells and rows, the most made (a line per line, a cell per table value), are filled as a *draft*: an
# instance of a plain class with the same slots, whose fields are set by ordinary attribute stores (which the
# interpreter specialises for slots), then made a Line, Cell or Row by setting its ``__class__`` (allowed between
# classes of the same layout; the object is then one of the class's own in every way, frozen again). Half the cost
# of a setter call per field. The class is set by the statement ``o.__class__ = cls``, not by calling the
# descriptor's ``__set__`` (a method-wrapper call with its argument tuple): ~400 machine instructions less an object.
# A draft is made by calling its class (``LINE_DRAFT()``: no argument tuple, no ``__new__`` wrapper checking its
# arguments), not by ``object.__new__(LINE_DRAFT)``: ~300 machine instructions less an object.
def _draft(cls: type) -> type:
    draft = type(f"{cls.__name__}Draft", (), {"__slots__": cls.__slots__, "__doc__": f"A {cls.__name__} being made."})
    _new(draft).__class__ = cls     # the layouts agree (or this fails here, at import, not in a report)
    return draft


LINE_DRAFT = _draft(Line)       # (public: the tokenizer makes a Line per line with it)
CELL_DRAFT = _draft(Cell)       # (public: the row aligner makes cells with it)
ROW_DRAFT = _draft(Row)


def new_line(text: str, line: int, column: int) -> Line:
    o = LINE_DRAFT()
    o.text, o.line, o.column = text, line, column
    o.__class__ = Line
    return o


def new_cell(table: str, row: str, col: str, raw: str, value: Number | None, kind: str, span: Span | None) -> Cell:
    o = CELL_DRAFT()
    o.table, o.row, o.col, o.raw, o.value, o.kind, o.span = table, row, col, raw, value, kind, span
    o.__class__ = Cell
    return o


def new_row(table: str, id: str, label: str, template_label: str, label_span: Span | None, label_match: str,
            cells: tuple[Cell, ...], written: int, expected: int) -> Row:
    o = ROW_DRAFT()
    o.table = table; o.id = id; o.label = label; o.template_label = template_label; o.label_span = label_span
    o.label_match = label_match; o.cells = cells; o.written = written; o.expected = expected
    o.present = label_match != "absent"
    o.__class__ = Row
    return o


# The same for the frozen node types with a __dict__ (for their cached properties) made many per report: their
# fields are entries of the instance's __dict__, which is where a frozen dataclass's __init__ puts them.
def new_header(text: str, template_label: str, match: str, span: Span) -> HeaderLabel:
    o = _new(HeaderLabel)
    d = o.__dict__
    d["text"], d["template_label"], d["match"], d["span"] = text, template_label, match, span
    return o


def new_table(id: str, template: str, rows: tuple[Row, ...], span: Span | None, section: int | None,
              headers: tuple[HeaderLabel, ...] = (), notes: tuple[str, ...] = ()) -> "Table":
    o = _new(Table)                 # (a frozen dataclass's __init__ makes one ``object.__setattr__`` call a field)
    d = o.__dict__
    d["id"], d["template"], d["rows"], d["span"], d["section"], d["headers"], d["notes"] = \
        id, template, rows, span, section, headers, notes
    return o


def new_paragraph(lines: tuple[Line, ...]) -> "Paragraph":
    o = _new(Paragraph)
    o.__dict__["lines"] = lines
    return o


@frozen
class Heading:
    """A sub-heading such as （一）主动公开 or 1. 信息发布数量, or a top-level heading outside the template."""

    kind: str                   # "sub" (（一）), "item" (1.), "top" (一、 not one of the six)
    text: str
    span: Span
    numeral: int | None

    def __init__(self, kind: str, text: str, span: Span, numeral: int | None) -> None:
        _set(self, "kind", kind)
        _set(self, "text", text)
        _set(self, "span", span)
        _set(self, "numeral", numeral)


@frozen
class Paragraph:
    """Consecutive narrative lines."""

    lines: tuple[Line, ...]

    def __init__(self, lines: tuple[Line, ...]) -> None:
        _set(self, "lines", lines)

    @cached_property
    def text(self) -> str:
        """The lines joined (cached: many rules read a paragraph's text)."""
        return "".join([l.text for l in self.lines])

    @property
    def span(self) -> Span:
        a, b = self.lines[0], self.lines[-1]
        return _span(Span, (a.line, a.column, b.line, b.column + len(b.text)))

    def locate(self, i: int) -> tuple[Line, int]:
        """The Line holding character ``i`` of ``text``, and the offset inside that line."""
        for l in self.lines:
            if i < len(l.text):
                return l, i
            i -= len(l.text)
        last = self.lines[-1]
        return last, max(len(last.text) - 1, 0)


@frozen
class TableRegion:
    """Consecutive table lines (as the outline found them)."""

    lines: tuple[Line, ...]

    def __init__(self, lines: tuple[Line, ...]) -> None:
        _set(self, "lines", lines)

    @property
    def span(self) -> Span:
        a, b = self.lines[0], self.lines[-1]
        return _span(Span, (a.line, a.column, b.line, b.column + len(b.text)))


Block = Union[Heading, Paragraph, TableRegion]


@frozen
class Section:
    """One top-level section of the report and its blocks."""

    number: int | None          # 1..6: which template section the heading is (by its words)
    numeral: int | None         # the number the heading was written with (一 = 1 ...)
    heading: str                # as written (Markdown marks removed, whitespace kept)
    span: Span
    canonical: bool             # heading words are exactly the template's
    alias: bool                 # heading words are a known variant
    blocks: tuple[Block, ...]
    end_line: int

    def __init__(self, number: int | None, numeral: int | None, heading: str, span: Span, canonical: bool,
                 alias: bool, blocks: tuple[Block, ...], end_line: int) -> None:
        _set(self, "number", number)
        _set(self, "numeral", numeral)
        _set(self, "heading", heading)
        _set(self, "span", span)
        _set(self, "canonical", canonical)
        _set(self, "alias", alias)
        _set(self, "blocks", blocks)
        _set(self, "end_line", end_line)

    def paragraphs(self) -> Iterator[Paragraph]:
        for b in self.blocks:
            if isinstance(b, Paragraph):
                yield b

    @cached_property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks if isinstance(b, (Paragraph, Heading)))


@frozen
class Title:
    """The report's title line and what it names (agency, year)."""

    text: str
    agency: str | None
    year: int | None
    span: Span
    well_formed: bool

    def __init__(self, text: str, agency: str | None, year: int | None, span: Span, well_formed: bool) -> None:
        _set(self, "text", text)
        _set(self, "agency", agency)
        _set(self, "year", year)
        _set(self, "span", span)
        _set(self, "well_formed", well_formed)


@frozen
class Report:
    """One parsed report: its text, title, sections, aligned tables and chrome."""

    path: str
    text: str                   # the decoded text, newlines normalised
    encoding: str
    lines: tuple[str, ...]
    title: Title | None
    preamble: tuple[Block, ...]
    sections: tuple[Section, ...]
    tables: dict[str, Table] = field(default_factory=dict)
    template: str | None = None         # detected template version of the tables
    template_signals: dict[str, int] = field(default_factory=dict)
    chrome: tuple[Line, ...] = ()        # web-page chrome lines (来源/发布时间/打印 ...)
    publication_date: tuple[int, int, int] | None = None
    publication_span: Span | None = None
    truncated_at: Span | None = None     # where a cut-off report (web page or file ending early) stops

    def __init__(self, path: str, text: str, encoding: str, lines: tuple[str, ...], title: Title | None,
                 preamble: tuple[Block, ...], sections: tuple[Section, ...], tables: dict[str, Table] | None = None,
                 template: str | None = None, template_signals: dict[str, int] | None = None,
                 chrome: tuple[Line, ...] = (), publication_date: tuple[int, int, int] | None = None,
                 publication_span: Span | None = None, truncated_at: Span | None = None) -> None:
        _set(self, "path", path)
        _set(self, "text", text)
        _set(self, "encoding", encoding)
        _set(self, "lines", lines)
        _set(self, "title", title)
        _set(self, "preamble", preamble)
        _set(self, "sections", sections)
        _set(self, "tables", {} if tables is None else tables)     # (None: a new mapping, the field's default)
        _set(self, "template", template)
        _set(self, "template_signals", {} if template_signals is None else template_signals)
        _set(self, "chrome", chrome)
        _set(self, "publication_date", publication_date)
        _set(self, "publication_span", publication_span)
        _set(self, "truncated_at", truncated_at)

    @property
    def agency(self) -> str | None:
        return self.title.agency if self.title else None

    @property
    def year(self) -> int | None:
        return self.title.year if self.title else None

    def section(self, number: int) -> Section | None:
        for s in self.sections:
            if s.number == number:
                return s
        return None

    def cell(self, table: str, row: str, col: str) -> Cell | None:
        t = self.tables.get(table)
        return t.cell(row, col) if t else None
