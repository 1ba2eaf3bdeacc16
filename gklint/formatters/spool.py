"""A run's findings on their way to a format that writes one file at a time (``STREAMED``): kept in an
unnamed temporary file as each file's results arrive, not in memory, and given back one path at a time in the
order ``render`` would sort them into. So ``gklint check`` over many files keeps, per file, only where its
findings are in the spool (and the counts the summary needs), not the findings and their fixes.

Findings are written as the result cache writes them (JSON, ``gklint.cache``); a file whose findings JSON
would not give back equal (a plugin's fix holding a tuple …) keeps them in memory instead.
"""
from __future__ import annotations

import json
import tempfile
from collections import defaultdict
from typing import Iterable, Iterator

from ..diagnostics import Diagnostic

#: formats written one path's findings at a time (nothing global but counts): ``gklint check`` spools for them
STREAMED = frozenset({"concise", "rich"})


class Spool:
    """``add(path, diagnostics)`` as files are checked; ``groups(extra)``: each path's findings, sorted."""

    def __init__(self):
        self._file = None
        self._end = 0
        self._where: dict[str, list] = defaultdict(list)   # path → (offset, size) of each chunk, or a list kept

    def add(self, path: str, diags: list[Diagnostic]) -> None:
        if not diags:
            return
        if any(d.path != path for d in diags):     # kept under the path each finding names
            by_path: dict[str, list] = defaultdict(list)
            for d in diags:
                by_path[d.path].append(d)
            for p, ds in by_path.items():
                self._add(p, ds)
            return
        self._add(path, diags)

    def _add(self, path: str, diags: list[Diagnostic]) -> None:
        from ..cache import _diag_out, _plain

        if not all(_plain(d.fix) and _plain(d.extra) for d in diags):
            self._where[path].append(list(diags))
            return
        blob = json.dumps([_diag_out(d, path) for d in diags], ensure_ascii=False,
                          separators=(",", ":")).encode("utf-8", "surrogatepass")
        if self._file is None:
            self._file = tempfile.TemporaryFile()
        self._file.seek(self._end)
        self._file.write(blob)
        self._where[path].append((self._end, len(blob)))
        self._end += len(blob)

    def _read(self, path: str) -> list[Diagnostic]:
        from ..cache import _diag_in

        out: list[Diagnostic] = []
        for chunk in self._where.get(path, ()):
            if type(chunk) is list:
                out.extend(chunk)
                continue
            self._file.seek(chunk[0])
            out.extend(_diag_in(x, path) for x in json.loads(self._file.read(chunk[1]).decode("utf-8", "surrogatepass")))
        return out

    def groups(self, before: Iterable[Diagnostic] = (), after: Iterable[Diagnostic] = ()) -> Iterator[list[Diagnostic]]:
        """Every path's findings sorted as ``sort_diagnostics`` sorts all of them (by path first, ties in the
        order they came): ``before`` (rule-pack errors), the spooled ones, ``after`` (cross-year findings)."""
        head: dict[str, list] = defaultdict(list)
        tail: dict[str, list] = defaultdict(list)
        for d in before:
            head[d.path].append(d)
        for d in after:
            tail[d.path].append(d)
        for path in sorted({*head, *self._where, *tail}):
            group = [*head.get(path, ()), *self._read(path), *tail.get(path, ())]
            group.sort(key=lambda d: d.sort_key)
            yield group

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
