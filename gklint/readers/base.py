"""Stage 1 (read): what every reader gives the parser — a ``Source``.

A ``Source`` is a *text view* of the report (what the parser reads: one line per paragraph, one line per table
row with tab-separated cells) plus, for forms that are not plain text, a ``PositionMap`` from positions in that
view back to the original file:

- text and Markdown: the view *is* the file; no map.
- HTML: every piece of the view maps to the 1-based line and column of its text in the HTML source, so
  diagnostics and cells point where an editor opening the .html shows them (``Origin.line``/``column`` set).
- Word and PDF have no lines of their own: line/column stay those of the view (``gklint parse --text``
  prints it), and each piece carries ``page`` (PDF) and a readable ``location`` (``第 3 页``, ``第 12 段``,
  ``表格 2 第 5 行第 3 格``).

Readers are plugins: ``gklint_readers`` returns ``Reader`` objects (see ``gklint.readers``).
"""
from __future__ import annotations

import re
from dataclasses import field
from typing import TYPE_CHECKING, Callable, Protocol

from ..diagnostics import Diagnostic, Severity, Span
from ..records import frozen

if TYPE_CHECKING:
    from .positions import PositionMap

_POSITIONS = ("Origin", "Segment", "PositionMap")


def __getattr__(name: str):
    """``Origin``, ``Segment`` and ``PositionMap`` live in ``gklint.readers.positions``: only the readers of
    forms with a position map (HTML, Word, PDF) need them, so a plain-text check does not build their classes."""
    if name in _POSITIONS:
        from . import positions

        return getattr(positions, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")



# how rule messages cite a line of the view: "第 37 行", "第 71–73 行"
_LINE_REF = re.compile(r"第 (\d+)(?:–(\d+))? 行")


@frozen
class Source:
    """A report as read: the text view, its encoding, read problems, and where the view came from."""

    path: str
    text: str
    encoding: str
    problems: tuple[Diagnostic, ...] = field(default=())
    format: str = "text"                       # text | markdown | html | docx | pdf | …
    positions: PositionMap | None = field(default=None, compare=False)
    original: str | None = field(default=None, compare=False, repr=False)   # decoded original (HTML) for excerpts
    # view lines that are complete table rows (HTML/Word grids): every field is a cell or a merged cell's slot,
    # so an empty first/last field is a blank cell, not a lost row edge as in pasted text
    exact_rows: frozenset[int] = field(default=frozenset(), compare=False, repr=False)
    # view lines the reader made from the page's own metadata (HTML <title>/<meta>, its 发布时间/来源 bar): read
    # like any line (the publication date), but not text the author pasted into the report (no GK602)
    meta_lines: frozenset[int] = field(default=frozenset(), compare=False, repr=False)

    def __init__(self, path: str, text: str, encoding: str, problems: tuple[Diagnostic, ...] = (),
                 format: str = "text", positions: PositionMap | None = None, original: str | None = None,
                 exact_rows: frozenset[int] = frozenset(), meta_lines: frozenset[int] = frozenset()) -> None:
        _set = object.__setattr__       # (a frozen dataclass: gklint.records)
        _set(self, "path", path)
        _set(self, "text", text)
        _set(self, "encoding", encoding)
        _set(self, "problems", problems)
        _set(self, "format", format)
        _set(self, "positions", positions)
        _set(self, "original", original)
        _set(self, "exact_rows", exact_rows)
        _set(self, "meta_lines", meta_lines)

    @property
    def excerpt_text(self) -> str:
        """The text whose lines the diagnostics' line numbers refer to, for source excerpts."""
        return self.original if self.original is not None else self.text

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    @property
    def mapped(self) -> bool:
        return self.positions is not None

    def place(self, line: int | None, column: int | None) -> dict:
        """Original ``line``/``column`` and ``page``/``location`` of a view position (only keys that apply)."""
        if self.positions is None or line is None:
            return {}
        o = self.positions.origin(line, column or 1)
        if o is None:
            return {}
        out: dict = {}
        if o.line is not None:
            out["line"] = o.line
            if o.column is not None:
                out["column"] = o.column
        if o.page is not None:
            out["page"] = o.page
        if o.location is not None:
            out["location"] = o.location
        return out

    def relocate(self, d: Diagnostic) -> Diagnostic:
        """A diagnostic found in the view, placed in the original file (positions, page, location)."""
        if self.positions is None or d.page is not None or d.location is not None:
            return d  # not from the view, or placed already by its reader
        start = self.place(d.line, d.column)
        if not start:
            return d
        end = self.place(d.end_line, max(1, d.end_column - 1))
        changes: dict = {"page": start.get("page"), "location": start.get("location")}
        if "line" in start:
            changes["line"] = start["line"]
            changes["column"] = start.get("column", 1)
            if "line" in end:
                changes["end_line"] = end["line"]
                changes["end_column"] = end.get("column", 1) + (1 if d.end_column > d.column or d.end_line > d.line else 0)
            else:
                changes["end_line"], changes["end_column"] = changes["line"], changes["column"] + 1
            if (changes["end_line"], changes["end_column"]) <= (changes["line"], changes["column"]):
                changes["end_line"], changes["end_column"] = changes["line"], changes["column"] + 1
        message = _LINE_REF.sub(self._line_ref, d.message)
        if message != d.message:
            changes["message"] = message
        return d.moved(**changes)

    def _line_ref(self, m: "re.Match[str]") -> str:
        """A message's "第 N 行" (a view line) said in the original's terms: the HTML source line, or for
        Word/PDF the place in the document and the view line (``表格 2 第 5 行第 3 格，文本视图第 37 行``)."""
        a = self.place(int(m.group(1)), 1)
        b = self.place(int(m.group(2)), 1) if m.group(2) else a
        if "line" in a:
            lo, hi = a["line"], b.get("line", a["line"])
            return f"第 {lo} 行" if lo == hi else f"第 {lo}–{hi} 行"
        where = a.get("location") or (f"第 {a['page']} 页" if "page" in a else None)
        return f"{where}，文本视图{m.group(0)}" if where else m.group(0)


class Reader(Protocol):
    """A reader plugin. ``gklint_readers`` returns a list of these.

    ``name``: the form (``html``); ``suffixes``: file name endings it is chosen for (lower case, with dot);
    ``sniff(head)``: does this content (the first 8 KiB) look like this form? — content wins over the suffix,
    so a misnamed file is read as what it is; ``priority``: sniffers are asked highest first;
    ``container`` (optional): the form carries fonts and images beside its text and the reader bounds what it
    takes out, so files up to ``CONTAINER_FACTOR`` times the size limit are read;
    ``read(data, path)``: bytes to a ``Source``. It must never raise: bad input is a ``Source`` whose
    ``problems`` hold a GK0xx diagnostic (and whose text may be empty).
    """

    name: str
    suffixes: tuple[str, ...]
    priority: int

    def sniff(self, head: bytes) -> bool: ...

    def read(self, data: bytes, path: str) -> Source: ...


def _never(head: bytes) -> bool:
    return False


@frozen
class SimpleReader:
    """A ``Reader`` from plain functions (how the built-in readers are declared)."""

    name: str
    suffixes: tuple[str, ...]
    read: Callable[[bytes, str], Source]
    sniff: Callable[[bytes], bool] = _never
    priority: int = 0
    container: bool = False    # the file holds more than its text (fonts, images): a larger size limit applies

    def __init__(self, name: str, suffixes: tuple[str, ...], read: Callable[[bytes, str], Source],
                 sniff: Callable[[bytes], bool] = _never, priority: int = 0, container: bool = False) -> None:
        _set = object.__setattr__       # (a frozen dataclass: gklint.records)
        _set(self, "name", name)
        _set(self, "suffixes", suffixes)
        _set(self, "read", read)
        _set(self, "sniff", sniff)
        _set(self, "priority", priority)
        _set(self, "container", container)


def problem(path: str, code: str, name: str, message: str, severity: Severity = Severity.ERROR,
            **where) -> Diagnostic:
    """A read problem at the start of the file (``where``: page/location if known)."""
    d = Diagnostic.at(Span.point(1, 1), path=path, code=code, name=name, severity=severity, message=message)
    return d.moved(**where) if where else d


def failed(path: str, fmt: str, code: str, name: str, message: str, encoding: str = "") -> Source:
    """A file that could not be read at all: an empty view and one diagnostic."""
    return Source(path, "", encoding, (problem(path, code, name, message),), fmt)
