"""A run's findings on their way to a format that writes one file at a time (``STREAMED``): kept in an
unnamed temporary file as each file's results arrive, not in memory, and given back one path at a time in the
order ``render`` would sort them into. So ``gklint check`` over many files keeps, per file, only where its
findings are in the spool (and the counts the summary needs), not the findings and their fixes.

Findings are written as JSON, with what these formats show of them: not their ``extra``, and of a fix only
that there is one (rich's 可修复), so nothing a plugin attached needs to survive JSON. For ``concise`` a
finding can also arrive already written as its line (``encode_concise``, in the pool worker that linted the
file: a ``lines`` spool), with what sorting needs; the end of the run then only sorts and writes lines.
"""
from __future__ import annotations

import heapq
import json
import re
import tempfile
from array import array
from collections import defaultdict
from itertools import islice
from json.encoder import encode_basestring
from operator import attrgetter, itemgetter
from typing import Iterable, Iterator

from ..diagnostics import Diagnostic, Severity
from .concise import format_line

#: a spooled finding's fix: only that it has one (what rich shows)
SHOWN_FIX = {"spooled": True}

#: formats written one path's findings at a time (nothing global but counts): ``gklint check`` spools for them
STREAMED = frozenset({"concise", "rich"})


def _blob(diags: list[Diagnostic]) -> bytes:
    return json.dumps([[d.line, d.column, d.end_line, d.end_column, d.severity._value_, d.code, d.name, d.message,
                        1 if d.fix else 0, d.page, d.location] for d in diags],
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


def _by_path(diags: list[Diagnostic]) -> dict[str, list[Diagnostic]]:
    by_path: dict[str, list] = {}
    for d in diags:
        by_path.setdefault(d.path, []).append(d)
    return by_path


def _line_blob(diags: list[Diagnostic]) -> bytes:
    """One path's findings as its concise lines, already in the order ``groups`` writes them (a stable sort, as
    ``groups`` does): a path with nothing to merge needs no sort, and its lines are written as they are. The
    blob is the rows (line, column, code, message: the sort key; the line's length) as JSON, a NUL (never in
    JSON), then the lines' text."""
    rows = sorted(([d.line, d.column, d.code, d.message, format_line(d)] for d in diags), key=_SORT_KEY)
    # each row as json.dumps writes [line, column, code, message, length], written directly for the usual types
    # (json.dumps makes an encoder per call and walks lists of lists: ~15 % of a file's encoding, in instructions)
    keys = ",".join(["[%d,%d,%s,%s,%d]" % (ln, col, _string(code), _string(msg), len(text))
                     if type(ln) is int and type(col) is int and type(code) is str and type(msg) is str
                     else _dumps([ln, col, code, msg, len(text)]) for ln, col, code, msg, text in rows])
    if not rows:
        return b"[]\0"
    # one string encoded once (the NUL and line breaks are those bytes in UTF-8), the lines joined in one call
    lines = "\n".join([r[4] for r in rows])
    return f"[{keys}]\0{lines}\n".encode("utf-8", "surrogatepass")


_severity = attrgetter("severity")
_SORT_KEY = itemgetter(0, 1, 2, 3)      # (line, column, code, message), as ``groups`` sorts
_string = encode_basestring     # a JSON string as json.dumps(ensure_ascii=False) writes it
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _line_parts(blob: bytes) -> tuple[list, str]:
    keys, _nul, text = blob.partition(b"\0")
    return json.loads(keys.decode("utf-8", "surrogatepass")), text.decode("utf-8", "surrogatepass")


def _line_rows(blob: bytes) -> list[tuple]:
    """(line, column, code, message, the concise line) of each finding of a ``_line_blob``."""
    keys, text = _line_parts(blob)
    rows, at = [], 0
    for line, col, code, msg, n in keys:
        rows.append((line, col, code, msg, text[at:at + n]))
        at += n + 1
    return rows


def line_blob_ok(blob: bytes) -> bool:
    """Whether ``blob`` is one ``_line_blob`` wrote (rows of int, int, str, str, length; the lines' text): what a
    result cache entry gives back (``gklint.cache``) is checked before the parent spools it."""
    try:
        keys, text = _line_parts(blob)
    except (ValueError, RecursionError):
        return False
    if type(keys) is not list:
        return False
    at = 0
    for k in keys:          # each row (int, int, str, str, length), and its line where the length puts it, ended
        if type(k) is not list or len(k) != 5:
            return False
        line, col, code, msg, n = k
        if not (type(line) is int and type(col) is int and type(code) is str and type(msg) is str
                and type(n) is int and n >= 0):
            return False
        at += n
        if text[at:at + 1] != "\n":
            return False
        at += 1
    return at == len(text)


def encode_concise(path: str, diags: list[Diagnostic]) -> tuple[list[tuple[str, bytes]], bool]:
    """(what a ``lines`` spool's ``add_encoded`` takes, whether any is an error) for one file's findings: made in
    the pool worker that linted the file (``gklint.lint.lint_paths``' ``encode``), so the parent only writes
    bytes, and each finding already as its concise line."""
    return ([(p, _line_blob(ds)) for p, ds in _by_path(diags).items()],
            Severity.ERROR in map(_severity, diags))    # (C-level: no generator frame a finding)


class Spool:
    """``add(path, diagnostics)`` as files are checked; ``groups(extra)``: each path's findings, sorted.
    ``lines``: the findings arrive from ``encode_concise`` (``add_encoded``), and groups are their lines."""

    def __init__(self, lines: bool = False):
        self.lines = lines
        self._file = None
        self._end = 0
        self._read_since = False
        # per chunk, in the order written: the path its findings are under, and offset << 32 | size (a run keeps
        # 16 bytes a file; the path is the string the run already holds)
        self._paths: list[str] = []
        self._chunks = array("q")

    def add(self, path: str, diags: list[Diagnostic]) -> None:
        """One file's findings (each kept under the path it names)."""
        blob = _line_blob if self.lines else _blob
        self.add_encoded([(p, blob(ds)) for p, ds in _by_path(diags).items()], path)

    def add_encoded(self, encoded: list, path: str | None = None) -> None:
        """A file's findings as ``encode_concise`` gave them (in a pool worker; a ``lines`` spool); ``path``: the
        file's path as the run holds it, kept instead of an equal string that came from the worker."""
        for p, blob in encoded:
            self._write(path if p == path else p, blob)

    def _write(self, path: str, blob: bytes) -> None:
        if self._file is None:
            self._file = tempfile.TemporaryFile()
        elif self._read_since:     # written in order; a seek (it flushes the buffer) only after reading back
            self._file.seek(self._end)
            self._read_since = False
        self._file.write(blob)
        self._paths.append(path)
        self._chunks.append(self._end << 32 | len(blob))
        self._end += len(blob)

    def _runs(self) -> Iterator[tuple[str, list[int]]]:
        """(path, its chunks in the order written) in path order. Files are usually linted in path order, one
        chunk each: then nothing is sorted and nothing made per file."""
        paths = self._paths
        if all(map(str.__lt__, paths, islice(paths, 1, None))):
            order: Iterable[int] = range(len(paths))
        else:
            order = sorted(range(len(paths)), key=paths.__getitem__)       # stable: a path's chunks stay in order
        at = None
        for i in order:
            if paths[i] != at:
                if at is not None:
                    yield at, chunks
                at, chunks = paths[i], []
            chunks.append(self._chunks[i])
        if at is not None:
            yield at, chunks

    def _blobs(self, chunks: list[int]):
        for chunk in chunks:
            self._read_since = True
            self._file.seek(chunk >> 32)
            yield self._file.read(chunk & 0xFFFFFFFF)

    def _read(self, path: str, chunks: list[int]) -> list:
        if self.lines:      # (line, column, code, message, the concise line): what sorting and writing need
            return [r for blob in self._blobs(chunks) for r in _line_rows(blob)]
        from ..cache import diagnostic_of

        return [diagnostic_of((path, line, col, eline, ecol, sev, code, name, msg, SHOWN_FIX if fix else None, {},
                               page, loc))
                for blob in self._blobs(chunks)
                for line, col, eline, ecol, sev, code, name, msg, fix, page, loc in json.loads(
                    blob.decode("utf-8", "surrogatepass"))]

    def groups(self, before: Iterable[Diagnostic] = (), after: Iterable[Diagnostic] = (),
               raw: bool = False) -> Iterator[list]:
        """Every path's findings sorted as ``sort_diagnostics`` sorts all of them (by path first, ties in the
        order they came): ``before`` (rule-pack errors), the spooled ones, ``after`` (cross-year findings).
        A ``lines`` spool gives each path's concise lines instead (a path written in one chunk: one string of
        them; with ``raw``, its lines as the spool holds them, UTF-8 bytes each ended by a line break)."""
        head: dict[str, list] = defaultdict(list)
        tail: dict[str, list] = defaultdict(list)
        for d in before:
            head[d.path].append(d)
        for d in after:
            tail[d.path].append(d)
        if self.lines:
            from .concise import format_line

            def row(d: Diagnostic) -> tuple:
                return d.line, d.column, d.code, d.message, format_line(d)

        # the spooled paths and those only ``before`` or ``after`` name, merged in path order
        others = [(p, []) for p in sorted({*head, *tail})]
        for path, chunks in _merged(self._runs(), others):
            if self.lines:
                if path not in head and path not in tail and len(chunks) == 1:
                    # one chunk, sorted by its writer: its lines as they were written (one string, joined)
                    text = next(self._blobs(chunks)).partition(b"\0")[2]
                    if raw:
                        yield text
                        continue
                    text = text.decode("utf-8", "surrogatepass")
                    yield [text[:-1]] if text else []
                    continue
                rows = [*map(row, head.get(path, ())), *self._read(path, chunks), *map(row, tail.get(path, ()))]
                rows.sort(key=lambda r: r[:4])     # sort_key without the path, which the group shares
                yield [r[4] for r in rows]
                continue
            group = [*head.get(path, ()), *self._read(path, chunks), *tail.get(path, ())]
            group.sort(key=lambda d: d.sort_key)
            yield group

    def write_lines(self, stream, before: Iterable[Diagnostic] = (), after: Iterable[Diagnostic] = ()) -> None:
        """The concise output of a ``lines`` spool (what ``render_groups`` writes of ``groups``), the lines of
        many paths decoded and written together (~256 KB at a time), not one path's at a time: the end of a
        run over 10,000 files is otherwise ~10 % of an unchanged (cached) run."""
        write = _writer(stream)
        batch: list[bytes] = []
        size = 0
        for group in self.groups(before, after, raw=True):
            if type(group) is not bytes:
                group = "".join(line + "\n" for line in group).encode("utf-8", "surrogatepass")
            batch.append(group)
            size += len(group)
            if size >= WRITE_BATCH:
                write(b"".join(batch))
                batch.clear()
                size = 0
        if batch:
            write(b"".join(batch))

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


#: bytes of concise lines written at once by ``Spool.write_lines``
WRITE_BATCH = 1 << 18
_SURROGATE = re.compile(rb"\xed[\xa0-\xbf]")     # a lone surrogate as surrogatepass writes it


def _writer(stream):
    """``write(utf8_bytes)`` for a text stream: the bytes as they are to its binary buffer when that writes what
    the text would have become (UTF-8, no newline translation, nothing a strict encoder refuses), else decoded
    and written as text (~half of writing 10,000 files' lines is decoding them and encoding them back)."""
    import codecs
    import os

    buffer = getattr(stream, "buffer", None)
    try:
        utf8 = codecs.lookup(stream.encoding).name == "utf-8"
    except (AttributeError, LookupError, TypeError):
        utf8 = False
    if buffer is None or not utf8 or os.linesep != "\n":
        return lambda data: stream.write(data.decode("utf-8", "surrogatepass"))

    def write(data: bytes) -> None:
        if b"\xed" in data and _SURROGATE.search(data):    # (as text: the stream's encoder says what it does)
            stream.write(data.decode("utf-8", "surrogatepass"))
            return
        stream.flush()          # what was written as text before goes first
        buffer.write(data)
    return write


def _merged(spooled: Iterator[tuple[str, list]], others: list[tuple[str, list]]) -> Iterator[tuple[str, list]]:
    """Two path-ordered streams of (path, chunks) as one, each path once (its chunks are the spooled ones)."""
    seen = None
    for path, chunks in heapq.merge(spooled, others, key=itemgetter(0)):
        if path == seen:
            continue        # a path both spooled and named by ``before``/``after``: the spooled (first) has the chunks
        seen = path
        yield path, chunks
