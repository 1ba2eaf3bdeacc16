"""The one diagnostic type gklint reports, for rule findings and internal problems alike.

Positions are 1-based lines and columns (Unicode code points) in the original file, as in design.md.
"""
from __future__ import annotations

import copy
from dataclasses import asdict, field, is_dataclass, replace
from enum import Enum
from typing import Any, NamedTuple

from .records import frozen


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]

    @classmethod
    def parse(cls, value: "str | Severity") -> "Severity":
        if isinstance(value, Severity):
            return value
        if isinstance(value, str) and (hit := _BY_NAME.get(value)) is not None:
            return hit                       # the usual spellings: one look-up, not the Enum call's Python frames
        try:
            return cls(str(value).lower())
        except ValueError:
            raise ValueError(f"unknown severity {value!r} (error, warning, info)") from None


_BY_NAME = {s.value: s for s in Severity}     # what Severity.parse finds first


class Span(NamedTuple):
    """A range in the original file: 1-based line and column, end exclusive. A named tuple (immutable, ordered
    by position): the parser makes one per cell and line, and a tuple costs half of a frozen dataclass."""

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, line: int, column: int = 1, length: int = 1) -> "Span":
        return cls(line, column, line, column + max(length, 1))


@frozen(slots=True)
class Diagnostic:
    """One finding: where (1-based, end exclusive), how severe, which rule, what it says, and an optional fix."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    severity: Severity
    code: str
    name: str
    message: str
    fix: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    # Word/PDF (design.md "Positions in non-text inputs"): line/column are those of the reader's text view
    # (``gklint parse --text``); these say where that is in the document.
    page: int | None = None          # PDF page, 1-based
    location: str | None = None      # readable place: 第 3 页, 第 12 段, 表格 2 第 5 行第 3 格

    def __init__(self, path: str, line: int, column: int, end_line: int, end_column: int, severity: Severity,
                 code: str, name: str, message: str, fix: dict[str, Any] | None = None,
                 extra: dict[str, Any] | None = None, page: int | None = None, location: str | None = None) -> None:
        _set = object.__setattr__       # (a frozen dataclass: gklint.records)
        _set(self, "path", path)
        _set(self, "line", line)
        _set(self, "column", column)
        _set(self, "end_line", end_line)
        _set(self, "end_column", end_column)
        _set(self, "severity", severity)
        _set(self, "code", code)
        _set(self, "name", name)
        _set(self, "message", message)
        _set(self, "fix", fix)
        _set(self, "extra", {} if extra is None else extra)       # (None: a new mapping, the field's default)
        _set(self, "page", page)
        _set(self, "location", location)

    @classmethod
    def at(cls, span: Span | None, *, path: str, code: str, name: str, message: str,
           severity: Severity | str = Severity.ERROR, fix: dict[str, Any] | None = None,
           **extra: Any) -> "Diagnostic":
        span = span or Span(1, 1, 1, 1)
        if cls is not Diagnostic:
            return cls(path, span.line, span.column, span.end_line, span.end_column,
                       Severity.parse(severity), code, name, message, fix, dict(extra))
        return new_diagnostic(path, span.line, span.column, span.end_line, span.end_column, severity, code, name,
                              message, fix, dict(extra))

    @property
    def where(self) -> str | None:
        """The readable place in a Word/PDF document (``表格 2 第 5 行第 3 格``, ``第 3 页``), or None."""
        if self.location and self.page and f"第 {self.page} 页" not in self.location:
            return f"第 {self.page} 页 {self.location}"
        return self.location or (f"第 {self.page} 页" if self.page else None)

    def moved(self, **changes: Any) -> "Diagnostic":
        """The same finding at another place (fields line/column/end_*/page/location)."""
        return replace(self, **changes)

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.code, self.message)

    def to_dict(self) -> dict[str, Any]:
        """The finding as JSON-ready data (what ``asdict`` gives, without its per-field deep copy of the plain
        fields: the JSON and SARIF writers call this once per finding)."""
        d: dict[str, Any] = {"path": self.path, "line": self.line, "column": self.column, "end_line": self.end_line,
                             "end_column": self.end_column, "severity": self.severity.value, "code": self.code,
                             "name": self.name, "message": self.message}
        if self.fix is not None:
            d["fix"] = _copied(self.fix)
        if self.extra:
            d["extra"] = _copied(self.extra)
        if self.page is not None:
            d["page"] = self.page
        if self.location is not None:
            d["location"] = self.location
        return d


def _copied(value):
    """A copy of a finding's nested data as ``dataclasses.asdict`` makes it (dicts, lists and tuples copied)."""
    t = type(value)
    if t is dict:
        return {k: _copied(v) for k, v in value.items()}
    if t is list or t is tuple:
        return t(_copied(v) for v in value)
    if t in (str, int, float, bool) or value is None:
        return value
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    return copy.deepcopy(value)      # as asdict does for any other value (a namedtuple, a set ...)


# The rules make thousands of diagnostics per run: the same object as ``Diagnostic(...)`` without a frozen
# dataclass's ``object.__setattr__`` per field (tests/test_rules_memos.py checks that both give equal objects, field
# by field). It is filled as a *draft*: an instance of a plain class with the same slots (a slotted dataclass's
# __slots__ are its fields, in order), whose fields are set by ordinary attribute stores, which the interpreter
# specialises for slots (a setter call per field cost twice as much), then made a Diagnostic by setting its
# ``__class__`` (allowed between classes of the same layout: from then on it is a Diagnostic in every way, frozen).
_DiagnosticDraft = type("DiagnosticDraft", (), {"__slots__": Diagnostic.__slots__, "__doc__": "A Diagnostic being made."})
object.__new__(_DiagnosticDraft).__class__ = Diagnostic    # the layouts agree (or this fails here, at import)


def new_diagnostic(path: str, line: int, column: int, end_line: int, end_column: int, severity: Severity | str,
                   code: str, name: str, message: str, fix: dict[str, Any] | None, extra: dict[str, Any]) -> Diagnostic:
    """``Diagnostic(...)`` of these fields (``page`` and ``location`` None; ``severity`` a Severity or its name),
    made faster: for the engine, which makes one per finding (``Diagnostic.at`` is the general way)."""
    if severity.__class__ is not Severity:
        severity = Severity.parse(severity)
    o = object.__new__(_DiagnosticDraft)
    o.path, o.line, o.column, o.end_line, o.end_column = path, line, column, end_line, end_column
    o.severity, o.code, o.name, o.message, o.fix, o.extra = severity, code, name, message, fix, extra
    o.page = o.location = None
    o.__class__ = Diagnostic     # (the statement: calling the descriptor's __set__ costs ~400 instructions more)
    return o
