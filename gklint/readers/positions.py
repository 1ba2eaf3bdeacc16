"""Where a view of a report comes from in its original file: ``Origin`` (a place), ``Segment`` (from an offset of a
view line on, the view comes from an origin) and ``PositionMap`` (view line/column → origin), for the forms whose
view is not the file itself (HTML, Word, PDF; see ``gklint.readers.base``). Imported with the first such reader."""
from __future__ import annotations

import bisect
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    """Where a piece of the text view comes from in the original file."""

    line: int | None = None          # 1-based line in the original file (HTML); None: keep the view's
    column: int | None = None        # 1-based column (code points) of the piece's first character
    page: int | None = None          # PDF page, 1-based
    location: str | None = None      # human-readable place: 第 3 页 / 第 12 段 / 表格 2 第 5 行第 3 格


@dataclass(frozen=True)
class Segment:
    """From 0-based offset ``start`` of its view line on, the view comes from ``origin``.

    ``linear``: characters were copied one for one, so offset ``start + k`` is column ``origin.column + k``
    (false where the view differs from the source, e.g. an entity such as ``&nbsp;``).
    """

    start: int
    origin: Origin
    linear: bool = True


class PositionMap:
    """Text-view (line, column) → ``Origin``. One sorted list of segments per view line (1-based)."""

    def __init__(self, lines: dict[int, list[Segment]] | None = None):
        self._lines: dict[int, list[Segment]] = {}
        self._starts: dict[int, list[int]] = {}
        self._sorted: list[int] | None = None
        for n, segs in (lines or {}).items():
            self.set_line(n, segs)

    def set_line(self, line: int, segments: list[Segment]) -> None:
        segs = sorted(segments, key=lambda s: s.start)
        self._lines[line] = segs
        self._starts[line] = [s.start for s in segs]
        self._sorted = None

    def _nearest(self, line: int) -> int | None:
        if self._sorted is None:
            self._sorted = sorted(n for n, segs in self._lines.items() if segs)
        keys = self._sorted
        if not keys:
            return None
        i = bisect.bisect_right(keys, line)
        return keys[i - 1] if i > 0 else keys[0]

    def segments(self, line: int) -> list[Segment]:
        return self._lines.get(line, [])

    def origin(self, line: int, column: int) -> Origin | None:
        """The original position of view ``line``/``column`` (1-based), or None if the view line is unmapped."""
        segs = self._lines.get(line)
        if not segs:
            near = self._nearest(line)
            if near is None:
                return None
            o = self._lines[near][0].origin       # an unmapped view line (a blank line): where its neighbour is
            return Origin(o.line, o.column, o.page, o.location)
        i = max(0, bisect.bisect_right(self._starts[line], column - 1) - 1)
        seg = segs[i]
        o = seg.origin
        if o.line is not None and o.column is not None and seg.linear:
            return Origin(o.line, o.column + max(0, column - 1 - seg.start), o.page, o.location)
        return o
