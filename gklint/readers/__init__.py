"""Stage 1, read: bytes → ``Source`` (a text view for the parser and a map back to the original file).

One module per form: ``text`` (plain text and Markdown), ``html``, ``docx``, ``pdf``. Readers are plugins
(hook ``gklint_readers``); the built-ins are registered by ``gklint.builtin`` like any other plugin. A file's
reader is chosen by what its content is (``Reader.sniff`` on the first bytes: ``%PDF``, a zip holding
``word/document.xml``, an HTML root …), then by its suffix, then plain text: a misnamed file is read as what
it is. A reader never raises; ``read_bytes`` turns a reader that does into a GK009 diagnostic anyway.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..diagnostics import Diagnostic, Severity, Span
from .base import Origin, PositionMap, Reader, Segment, SimpleReader, Source, failed, problem
from .text import decode

__all__ = ["Origin", "PositionMap", "Reader", "Segment", "SimpleReader", "Source", "decode", "failed",
           "problem", "read_bytes", "read_path", "readers", "report_suffixes"]

SNIFF_BYTES = 8192


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


def read_bytes(data: bytes, path: str = "<stdin>") -> Source:
    """Read one report's bytes with the reader its content (or else its name) calls for."""
    reader = reader_for(data, path)
    try:
        return reader.read(data, path)
    except Exception as exc:  # noqa: BLE001 - the contract: bad input never crashes gklint
        return failed(path, reader.name, "GK009", "parser-failure",
                      f"读取{reader.name}文件时出现内部错误（{exc.__class__.__name__}: {exc}），"
                      "请把该文件报告给 gklint 维护者")


def read_path(path: str | Path) -> Source:
    """Read one file; an unreadable file becomes a Source with a GK001 diagnostic, never an exception."""
    p = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        return Source(p, "", "", (Diagnostic.at(
            Span.point(1, 1), path=p, code="GK001", name="unreadable-file", severity=Severity.ERROR,
            message=f"无法读取文件：{reason}"),))
    return read_bytes(data, p)
