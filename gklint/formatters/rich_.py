"""``rich``: the human format, grouped by file, with a source excerpt and a caret under the column.

::

    reports/2023.md
      3:7  error    GK301  本年新制作数量与合计不符
      3 │     规章    ０  １
        │                 ^^
    共 1 个文件：1 个错误，0 个警告，0 个提示

Errors and warnings are shown in full, errors first within each file; info notes (typography, half-width
punctuation …) are one line per rule with their count and the files affected, shown in full with
``--show-info`` or the ``min-severity`` config key (``min_severity`` here). Carets are placed by display cells (``rich.cells.cell_len``), so they stay under the right character after
double-width Chinese characters; tabs are expanded to 4-cell tab stops in the excerpt, and the caret line is
computed from the expanded text. Lines wider than :data:`FULL_LINE_MAX` cells are cut to a window of about
:data:`WINDOW` cells around the column, with ``…`` marking what was cut; only the code points near the
column are measured, so a finding on a megabyte-long line costs what one on a short line does. Each file's
findings are printed as one block (one ``Console.print`` per file). This module imports rich at the
top; :mod:`gklint.formatters` imports it only when the ``rich`` format is used.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from itertools import groupby
from typing import Any, NamedTuple, TextIO

from rich.cells import cell_len
from rich.console import Console
from rich.control import strip_control_codes
from rich.segment import Segment
from rich.text import Text

from ..diagnostics import Diagnostic, Severity
from .lines import line_at

TAB_SIZE = 4          #: tab stops, in display cells, used when expanding tabs in excerpts
FULL_LINE_MAX = 80    #: lines up to this many cells are shown whole
WINDOW = 60           #: width in cells (ellipses included) of the excerpt of a longer line
ELLIPSIS = "…"
SCAN = 2 * WINDOW     #: code points measured either side of a span's start (a window needs at most WINDOW)
PREFIX_MAX = 2000     #: how far back a tab stop is looked for when a tab is in view on a long line
NON_TTY_WIDTH = 200   #: console width when writing to a file or pipe (soft wrap is on anyway)

SEVERITY_STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
SEVERITY_NAMES_ZH = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}


class Excerpt(NamedTuple):
    """One source line ready to print, and where its caret goes (both in display cells)."""

    text: str
    caret_offset: int
    caret_width: int

    def caret_line(self) -> str:
        """Spaces up to the caret, then the ``^`` underline."""
        return " " * self.caret_offset + "^" * self.caret_width


def display_pieces(line: str, position: int = 0) -> list[str]:
    """What each code point of ``line`` shows as: tabs become spaces up to the next tab stop, control
    characters their visible Control Pictures (␛ for ESC) so they cannot drive the terminal. ``position``:
    the display cell ``line`` starts at (for a piece cut out of a longer line)."""
    return measured_pieces(line, position)[0]


_SHOWN_OTHERWISE = re.compile("[\x00-\x1f\x7f-\x9f]")    # tabs, control characters, DEL, C1: replaced
_cells = lru_cache(maxsize=4096)(cell_len)    # one code point's (or a tab's spaces') width, looked up once


def measured_pieces(line: str, position: int = 0) -> tuple[list[str], list[int]]:
    """:func:`display_pieces` and the width of each piece in display cells."""
    if not _SHOWN_OTHERWISE.search(line):       # every code point shows as itself: no position to follow
        return list(line), list(map(_cells, line))
    pieces: list[str] = []
    widths: list[int] = []
    for ch in line:
        if ch == "\t":
            piece = " " * (TAB_SIZE - position % TAB_SIZE)
        elif ch < " ":
            piece = chr(0x2400 + ord(ch))
        elif ch == "\x7f":
            piece = "\u2421"
        elif "\x80" <= ch <= "\x9f":
            piece = "\ufffd"
        else:
            piece = ch
        width = _cells(piece)
        pieces.append(piece)
        widths.append(width)
        position += width
    return pieces, widths


def window(widths: list[int], start: int, end: int) -> tuple[int, int]:
    """The slice ``[lo, hi)`` of a line's pieces to show so the span ``[start, end)`` is in view.

    The whole line when it is at most :data:`FULL_LINE_MAX` cells wide; otherwise about :data:`WINDOW`
    cells (room for two ellipses kept), with the span's start about mid-window, shifted when the window
    meets either end of the line.
    """
    n = len(widths)
    if sum(widths) <= FULL_LINE_MAX:
        return 0, n
    return long_window(widths, start, end)


def long_window(widths: list[int], start: int, end: int) -> tuple[int, int]:
    """:func:`window` for a line wider than :data:`FULL_LINE_MAX`."""
    n = len(widths)
    budget = WINDOW - 2 * cell_len(ELLIPSIS)
    span_width = sum(widths[start:end])
    left = (budget - min(span_width, budget // 2)) // 2
    lo, used = start, 0
    while lo > 0 and used + widths[lo - 1] <= left:
        lo -= 1
        used += widths[lo]
    hi = start
    while hi < n and used + widths[hi] <= budget:
        used += widths[hi]
        hi += 1
    while lo > 0 and used + widths[lo - 1] <= budget:  # the window hit the end of the line
        lo -= 1
        used += widths[lo]
    return lo, hi


def excerpt(line: str, column: int, end_column: int | None = None) -> Excerpt:
    """The excerpt of ``line`` for a span starting at 1-based ``column`` (code points).

    ``end_column`` is exclusive; None means the span runs past the end of this line. Columns outside the
    line are clamped (a column just past the end points after the last character). At least one caret.

    Only :data:`SCAN` code points either side of the span's start are measured, so a finding on a very
    long line costs no more than one on a short line (a window holds at most :data:`WINDOW` cells).
    """
    n = len(line)
    start = min(max(column - 1, 0), n)
    end = n if end_column is None else min(max(end_column - 1, start), n)
    base, stop = max(0, start - SCAN), min(n, start + SCAN)
    pieces, widths = measured_pieces(line[base:stop], _position(line, base, stop))
    start, end = start - base, min(end, stop) - base
    if base == 0 and stop == n:
        lo, hi = window(widths, start, end)
    else:   # more than SCAN code points on one side: wider than FULL_LINE_MAX
        lo, hi = long_window(widths, start, end)
    head = ELLIPSIS if base + lo > 0 else ""
    tail = ELLIPSIS if base + hi < n else ""
    text = head + "".join(pieces[lo:hi]) + tail
    offset = cell_len(head + "".join(pieces[lo:start]))
    width = cell_len("".join(pieces[start:min(end, hi)]))
    return Excerpt(text, offset, max(width, 1))


def _position(line: str, base: int, stop: int) -> int:
    """The display cell ``line[base]`` starts at, as far as tabs in ``line[base:stop]`` need it: counted
    from the last tab before ``base`` (a tab ends on a tab stop), looking back at most PREFIX_MAX."""
    if not base or "\t" not in line[base:stop]:
        return 0
    since = line.rfind("\t", max(0, base - PREFIX_MAX), base) + 1 or max(0, base - PREFIX_MAX)
    return sum(measured_pieces(line[since:base])[1])


def summary(diagnostics: list[Diagnostic], files_checked: int | None = None) -> str:
    """``共 3 个文件：2 个错误，1 个警告，5 个提示``, or ``…未发现问题`` when there are no diagnostics.

    Without ``files_checked``, the file count is the number of distinct paths among the diagnostics.
    """
    files = files_checked if files_checked is not None else len({d.path for d in diagnostics})
    return counted_summary(Counter(d.severity for d in diagnostics), files)


def counted_summary(counts: Counter, files: int) -> str:
    """:func:`summary` from the count per severity."""
    prefix = f"共 {files} 个文件：" if files else ""
    if not sum(counts.values()):
        return prefix + "未发现问题"
    return prefix + "，".join(f"{counts[s]} 个{SEVERITY_NAMES_ZH[s]}" for s in Severity)


def make_console(stream: TextIO, color: bool | None) -> Console:
    """A Console writing to ``stream``: True forces colour, False forbids any ANSI code, None detects
    (a TTY, ``NO_COLOR``/``FORCE_COLOR``). Off a TTY the width is fixed so nothing wraps."""
    isatty = getattr(stream, "isatty", None)
    options: dict[str, Any] = dict(file=stream, highlight=False, markup=False, emoji=False, soft_wrap=True)
    if not (isatty and isatty()):
        options["width"] = NON_TTY_WIDTH
    if color is True:
        options.update(force_terminal=True, color_system="standard")
    elif color is False:
        options.update(force_terminal=False, no_color=True, color_system=None)
    return Console(**options)


Part = tuple[str, "str | None"]     #: a piece of output text and its style (None: plain)


def header(d: Diagnostic) -> list[Part]:
    """``  line:col  severity  CODE  message`` for one diagnostic (later message lines indented)."""
    message = "\n    ".join(d.message.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    parts: list[Part] = [("  ", None), (f"{d.line}:{d.column}", "bold"), ("  ", None),
                         (f"{d.severity.value:<7}", SEVERITY_STYLES[d.severity]), ("  ", None),
                         (d.code, "bold"), ("  " + message, None)]
    if d.where:
        parts.append((f"  （{d.where}）", "magenta"))
    if d.fix:
        parts.append(("  [可修复]", "green"))
    return parts


def excerpt_lines(d: Diagnostic, line: str) -> list[Part]:
    """The numbered source line and the caret line under it (same gutter width on both)."""
    ex = excerpt(line, d.column, d.end_column if d.end_line <= d.line else None)
    number = str(d.line)
    return [("  " + number + " │ ", "dim"), (ex.text, None), ("\n", None),
            ("  " + " " * len(number) + " │ ", "dim"), (ex.caret_line(), SEVERITY_STYLES[d.severity])]


def source_line(sources: dict | None, path: str, n: int) -> str | None:
    """Line ``n`` of ``path`` (split on LF, a trailing CR dropped), or None without it (``sources``: path →
    text or :class:`~gklint.formatters.lines.PointedLines`)."""
    line = line_at((sources or {}).get(path), n)
    return line[:-1] if line is not None and line.endswith("\r") else line


def block_parts(path: str, group, sources: dict | None, review: dict | None) -> list[Part]:
    """One file's part of the output: its path (agency, year), each finding and its excerpt, a blank line."""
    from . import who_and_when

    agency, year = who_and_when(review, path)
    who = "  ".join(x for x in (agency, f"{year} 年度" if year else None) if x)
    out: list[Part] = [(path, "bold underline"), (f"  {who}" if who else "", "dim")]
    for d in group:
        out.append(("\n", None))
        out.extend(header(d))
        line = source_line(sources, path, d.line)
        if line is not None:
            out.append(("\n", None))
            out.extend(excerpt_lines(d, line))
    out.append(("\n", None))
    return out


def file_block(path: str, group, sources: dict | None, review: dict | None) -> Text:
    """:func:`block_parts` as one rich ``Text``."""
    return Text.assemble(*block_parts(path, group, sources, review))


class Block:
    """One file's block, printed at once (one Console.print per finding was most of the cost of a long batch in
    a terminal), and handed to rich as its segments: what printing the block's ``Text`` gives (the console
    soft-wraps: nothing is wrapped, cropped or justified), without laying the ``Text`` out line by line (most
    of the rest). As ``Text`` does, control codes are removed and each styled piece is its own segment, split at
    line breaks; a block with a tab (which ``Text`` expands by display cells) is printed as ``Text``."""

    def __init__(self, parts: list[Part]):
        self.parts = [(strip_control_codes(text), style) for text, style in parts]

    def __rich_console__(self, console: Console, options):
        if any("\t" in text for text, _style in self.parts):
            yield from console.render(Text.assemble(*self.parts), options)
            return
        get_style = console.get_style
        for text, style in self.parts:
            if not text:
                continue
            if style is None:
                yield Segment(text)
                continue
            style = get_style(style)
            first = True
            for piece in text.split("\n"):
                if not first:
                    yield Segment("\n")
                first = False
                if piece:
                    yield Segment(piece, style)
        yield Segment("\n")


DEFAULT_MIN_SEVERITY = Severity.WARNING   #: shown in full by default; info notes are counted per rule


def split_by_severity(diagnostics: list[Diagnostic], min_severity: str | Severity | None = None
                      ) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """(shown in full, counted only): diagnostics at or above ``min_severity`` (default warning), each file's
    in order of severity then position (errors first), and the rest."""
    floor = Severity.parse(min_severity) if min_severity else DEFAULT_MIN_SEVERITY
    shown = [d for d in diagnostics if d.severity.rank <= floor.rank]
    rest = [d for d in diagnostics if d.severity.rank > floor.rank]
    order = {p: i for i, p in enumerate(dict.fromkeys(d.path for d in diagnostics))}
    shown.sort(key=lambda d: (order[d.path], d.severity.rank))   # stable: positions kept within a severity
    return shown, rest


def hidden_summary(hidden: list[Diagnostic], floor: Severity, rules: dict[str, dict] | None = None) -> list[Text]:
    """One line per rule for the diagnostics not shown in full: code, count, files affected and the rule's
    summary (its name without rule metadata)."""
    tally = Tally()
    by_path: dict[str, list[Diagnostic]] = {}
    for d in hidden:
        by_path.setdefault(d.path, []).append(d)
    for group in by_path.values():
        tally.hide(group)
    return tally.hidden_lines(floor, rules)


class Tally:
    """What the end of the output says, counted as the findings go by: per severity, and per rule of the
    findings not shown in full (count, files, first severity, name). Counts only, no paths kept: findings
    come one path at a time (``hide`` once per path), so a rule's files are counted as its path changes."""

    def __init__(self):
        self.severities: Counter = Counter()
        self.paths = 0
        self.hidden: Counter = Counter()
        self.files: Counter = Counter()
        self.last: dict[str, str] = {}
        self.first: dict[str, Severity] = {}
        self.names: dict[str, str] = {}

    def hide(self, hidden: list[Diagnostic]) -> None:
        for d in hidden:
            self.hidden[d.code] += 1
            if self.last.get(d.code) != d.path:
                self.files[d.code] += 1
                self.last[d.code] = d.path
            self.first.setdefault(d.code, d.severity)
            self.names[d.code] = d.name

    def hidden_lines(self, floor: Severity, rules: dict[str, dict] | None = None) -> list[Text]:
        if not self.hidden:
            return []
        counts = self.hidden
        option = "--show-info" if floor is Severity.WARNING else "--show-info 或 min-severity = \"info\""
        lines = [Text(f"另有 {sum(counts.values())} 条较低级别的问题未逐条列出（{option} 可全部列出）：", style="bold")]
        for code in sorted(counts, key=lambda c: (-counts[c], c)):
            sev = self.first[code]
            lines.append(Text.assemble("  ", (f"{code:<6}", "bold"), " ", (f"{sev.value:<7}", SEVERITY_STYLES[sev]),
                                       f" {counts[code]:>4} 条  {self.files[code]} 个文件  "
                                       f"{(rules or {}).get(code, {}).get('summary') or self.names[code]}"))
        return lines


def write(diagnostics: list[Diagnostic], stream: TextIO, **options: Any) -> None:
    """Write the diagnostics at or above ``min_severity`` (default warning) grouped by file, errors first,
    then one line per rule for the lower ones, then the summary line."""
    groups: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:       # by path, in the order paths first appear (what split_by_severity orders by)
        groups.setdefault(d.path, []).append(d)
    write_groups(groups.values(), stream, **options)


def write_groups(groups, stream: TextIO, *, sources: dict | None = None, color: bool | None = None,
                 files_checked: int | None = None, min_severity: str | None = None,
                 rules: dict[str, dict] | None = None, review: dict | None = None, **_options: Any) -> None:
    """``write`` for findings given one path at a time (``groups``: each a list of one path's findings, as
    ``gklint.formatters.spool`` gives them): each file's block is printed as its group comes."""
    console = make_console(stream, color)
    floor = Severity.parse(min_severity) if min_severity else DEFAULT_MIN_SEVERITY
    tally = Tally()
    for group in groups:
        if not group:
            continue
        shown, hidden = split_by_severity(group, min_severity)
        if shown:
            console.print(Block(block_parts(shown[0].path, shown, sources, review)))
        tally.hide(hidden)
        tally.severities.update(d.severity for d in group)
        tally.paths += 1
    for text in tally.hidden_lines(floor, rules):
        console.print(text)
    if tally.hidden:
        console.print()
    counts = tally.severities
    style = "bold red" if counts[Severity.ERROR] else "bold yellow" if counts[Severity.WARNING] else "bold green"
    console.print(Text(counted_summary(counts, files_checked if files_checked is not None else tally.paths),
                       style=style))
