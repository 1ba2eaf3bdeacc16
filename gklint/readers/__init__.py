"""Stage 1, read: bytes → ``Source`` (a text view for the parser and a map back to the original file).

One module per form: ``text`` (plain text and Markdown), ``html``, ``docx``, ``pdf``. Readers are plugins
(hook ``gklint_readers``); the built-ins are registered by ``gklint.builtin`` like any other plugin. A file's
reader is chosen by what its content is (``Reader.sniff`` on the first bytes: ``%PDF``, a zip holding
``word/document.xml``, an HTML root …), then by its suffix, then plain text: a misnamed file is read as what
it is. A reader never raises; ``read_bytes`` turns a reader that does into a GK009 diagnostic anyway.
"""
from __future__ import annotations

import os
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from ..diagnostics import Diagnostic, Severity, Span
from .base import Reader, SimpleReader, Source, failed, problem
from .text import decode

__all__ = ["Origin", "PositionMap", "Reader", "Segment", "SimpleReader", "Source", "decode", "failed",
           "problem", "read_bytes", "read_path", "readers", "report_suffixes", "unreadable",
           "DEFAULT_MAX_FILE_SIZE"]

SNIFF_BYTES = 8192


def __getattr__(name: str):
    """``Origin``, ``PositionMap`` and ``Segment``, from ``gklint.readers.positions`` when first asked for."""
    from . import base

    if name in base._POSITIONS:
        return getattr(base, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@lru_cache(maxsize=1)
def readers() -> tuple[Reader, ...]:
    """Every registered reader, highest sniffing priority first."""
    from ..plugins import get_plugin_manager

    pm, _problems = get_plugin_manager()
    found: list[Reader] = []
    for batch in pm.hook.gklint_readers():
        found.extend(batch or ())
    return tuple(sorted(found, key=lambda r: -r.priority))


def report_suffixes() -> tuple[str, ...]:
    """File endings a directory walk picks up: every registered reader's suffixes."""
    out: list[str] = []
    for r in readers():
        out.extend(s for s in r.suffixes if s not in out)
    return tuple(out)


def reader_for(data: bytes, path: str) -> Reader:
    head = data[:SNIFF_BYTES]
    rs = readers()
    for r in rs:
        try:
            if r.sniff(head):
                return r
        except Exception:  # noqa: BLE001 - a broken sniffer must not stop reading
            continue
    low = path.lower()
    for r in rs:
        if low.endswith(r.suffixes):
            return r
    return next(r for r in rs if r.name == "text")


DEFAULT_MAX_FILE_SIZE = 4 * 1024 * 1024
"""Bytes beyond which a file is not read (GK017); real reports are under 200 KB. ``max-file-size`` in the
configuration or ``--max-file-size`` raise it; 0 means no limit."""

CONTAINER_FACTOR = 16
"""Word and PDF files carry fonts and images besides their text, and their readers bound what they take out
(pages, parts, characters per page): they may be this many times the limit (64 MB by default)."""


def _limit_for(head: bytes, path: str, limit: int) -> int:
    """The size limit for a file whose first bytes are ``head``: larger for container forms."""
    if not limit:
        return 0
    return limit * CONTAINER_FACTOR if getattr(reader_for(head, path), "container", False) else limit


def _size_text(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} 字节"


def too_large(path: str, size: int, limit: int) -> Source:
    """The one diagnostic of a file over the size limit; the file is not read any further."""
    return Source(path, "", "", (Diagnostic.at(
        Span.point(1, 1), path=path, code="GK017", name="file-too-large", severity=Severity.ERROR,
        message=f"文件有 {_size_text(size)}，超过了 {_size_text(limit)} 的上限（年度报告一般不到 200 KB），未检查；"
                "确实需要检查时用 --max-file-size 或配置项 max-file-size 提高上限"),))


def _limit(max_size: int | None) -> int:
    return DEFAULT_MAX_FILE_SIZE if max_size is None else max_size


def read_bytes(data: bytes, path: str = "<stdin>", max_size: int | None = None) -> Source:
    """Read one report's bytes with the reader its content (or else its name) calls for.

    Bytes over ``max_size`` (default ``DEFAULT_MAX_FILE_SIZE``; 0: no limit) give one GK017 and are not read;
    a file with no text at all gives GK015 (unless its reader already said why)."""
    limit = _limit_for(data[:SNIFF_BYTES], path, _limit(max_size))
    if limit and len(data) > limit:
        return too_large(path, len(data), limit)
    reader = reader_for(data, path)
    try:
        src = reader.read(data, path)
    except Exception as exc:  # noqa: BLE001 - the contract: bad input never crashes gklint
        return failed(path, reader.name, "GK009", "parser-failure",
                      f"读取{reader.name}文件时出现内部错误（{exc.__class__.__name__}: {exc}），"
                      "请把该文件报告给 gklint 维护者")
    if (not src.text or src.text.isspace()) and not any(d.severity is Severity.ERROR for d in src.problems):
        what = "是空的" if not data else "只有空白字符"
        src = replace(src, problems=(*src.problems, Diagnostic.at(
            Span.point(1, 1), path=path, code="GK015", name="empty-file", severity=Severity.ERROR,
            message=f"文件{what}，没有可检查的内容")))
    return src


def read_path(path: str | Path, max_size: int | None = None) -> Source:
    """Read one file; an unreadable file becomes a Source with a GK001 diagnostic, never an exception."""
    p = str(path)
    limit = _limit(max_size)
    try:
        with open(path, "rb", buffering=0) as fh:      # unbuffered: see _read_raw
            size = os.fstat(fh.fileno()).st_size
            if limit and size > limit:
                limit = _limit_for(_read_raw(fh, SNIFF_BYTES, SNIFF_BYTES), p, limit)
                if size > limit:
                    return too_large(p, size, limit)
                fh.seek(0)
            data = _read_raw(fh, limit + 1 if limit else None, size + 1)
    except (OSError, RuntimeError, ValueError) as exc:
        return unreadable(p, exc)
    if limit and len(data) > limit:  # grew while being read, or a device
        return too_large(p, len(data), limit)
    return read_bytes(data, p, max_size=0)


def read_within(path: str, max_size: int | None) -> bytes | None:
    """A file's bytes when it is within the size limit, as ``read_path`` reads them (what the result cache is
    keyed by); None when it is not, or cannot be read: ``read_path`` then gives its GK017 or GK001, uncached."""
    limit = _limit(max_size)
    try:
        with open(path, "rb", buffering=0) as fh:
            size = os.fstat(fh.fileno()).st_size
            if limit and size > limit:
                return None
            data = _read_raw(fh, limit + 1 if limit else None, size + 1)
    except (OSError, RuntimeError, ValueError):
        return None
    return None if limit and len(data) > limit else data


def _read_raw(fh, most: int | None, first: int) -> bytes:
    """The bytes of an unbuffered file up to its end, or the first ``most`` of them (None: no bound), as a
    buffered ``read(most)`` gives them; ``first`` bytes are asked for first (the file's size + 1, so a regular file
    takes one read and one more that finds its end). A buffered file's ``read(4 MB + 1)`` allocates the whole
    4 MB for every report (~15 µs of the ~50 µs a report's reading costs)."""
    chunks: list[bytes] = []
    got, want = 0, max(first, 1)
    while most is None or got < most:
        chunk = fh.read(want if most is None else min(want, most - got))
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
        want = max(want, 1 << 16)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def unreadable(path: str, exc: BaseException) -> Source:
    """GK001 for a path that cannot be read (missing, a directory, no permission, a symlink loop …)."""
    reason = getattr(exc, "strerror", None) or str(exc) or exc.__class__.__name__
    return Source(path, "", "", (Diagnostic.at(
        Span.point(1, 1), path=path, code="GK001", name="unreadable-file", severity=Severity.ERROR,
        message=f"无法读取文件：{reason}"),))
