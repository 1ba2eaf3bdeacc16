"""The source lines a run keeps for its findings: only the lines they point at, not every file's text.

``gklint check`` keeps one :class:`PointedLines` per file, taken when the file's results arrive, so memory
does not grow with the size of the files checked. What reads a file's text for a finding (the ``rich`` and
``html`` excerpts, the ``gitlab`` and baseline fingerprints) asks :func:`line_at`, which takes either such
an object or a whole text (API callers and tests pass ``{path: text}``). For the formats in
:data:`NO_LINES`, without a baseline, a run keeps no line at all, only each file's line count.

A finding that points at a line not kept (the cross-year findings, made after every file was linted; a
plugin format that reads lines) has the file read again (``reread``), once per such line.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Callable, Iterable

#: built-in formats that show no source line (junit reads only which files were checked): a run keeps none
NO_LINES = frozenset({"concise", "json", "sarif", "github", "junit"})


class PointedLines:
    """Line number (1-based) → text, for the lines some finding points at; ``count``: the file's line count."""

    __slots__ = ("kept", "count", "reread", "empty")

    def __init__(self, kept: dict[int, str], count: int, reread: Callable[[], str | None] | None = None,
                 empty: bool = False):
        self.kept = kept
        self.count = count
        self.reread = reread
        self.empty = empty      # the whole text was "" (html shows no excerpt then; rich shows its one line)

    @classmethod
    def of(cls, text: str | None, numbers: Iterable[int], reread: Callable[[], str | None] | None = None
           ) -> "PointedLines":
        """The lines ``numbers`` of ``text`` (numbers outside the text are left out)."""
        if text is None:
            return cls({}, 0)
        if not text:
            return cls({1: ""}, 1, empty=True)
        wanted = set(numbers)
        if not wanted:   # a file without findings: only how many lines it has (a later finding rereads)
            return cls({}, text.count("\n") + 1, reread)
        lines = text.split("\n")
        return cls({n: lines[n - 1] for n in wanted if 1 <= n <= len(lines)}, len(lines), reread)

    def get(self, n: int) -> str | None:
        """Line ``n``, or None if the file has no such line (or its text is gone)."""
        if not 1 <= n <= self.count:
            return None
        line = self.kept.get(n)
        if line is None and self.reread is not None:
            text = self.reread()
            lines = text.split("\n") if text is not None else []
            if 1 <= n <= len(lines):
                line = self.kept[n] = lines[n - 1]
        return line


def line_at(source: str | PointedLines | None, n: int) -> str | None:
    """Line ``n`` (1-based, split on LF only) of a file's text or kept lines; None if there is no such line."""
    if source is None:
        return None
    if isinstance(source, str):
        lines = _split(source)
        return lines[n - 1] if 1 <= n <= len(lines) else None
    return source.get(n)


@lru_cache(maxsize=4)
def _split(text: str) -> tuple[str, ...]:
    # a formatter asks line by line; a whole text (API callers, tests) is split once, not once per finding
    return tuple(text.split("\n"))


def is_empty(source: str | PointedLines | None) -> bool:
    """No text at all: no source, or an empty file."""
    return source is None or (not source if isinstance(source, str) else source.empty)


def keep_lines(text: str | None, diagnostics: Iterable, reread: Callable[[], str | None] | None = None
               ) -> PointedLines:
    """What a run keeps of one file: the lines its ``diagnostics`` point at."""
    return PointedLines.of(text, (d.line for d in diagnostics), reread)
