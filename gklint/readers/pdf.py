"""Reader for pdf (being written: returns a GK0xx until done)."""
from __future__ import annotations

from .base import SimpleReader, failed

SUFFIXES = {"html": (".html", ".htm", ".shtml", ".xhtml"), "docx": (".docx", ".doc", ".wps"), "pdf": (".pdf",)}["pdf"]


def read(data: bytes, path: str):
    return failed(path, "pdf", "GK013", "unsupported-format", "尚不支持此格式")


READER = SimpleReader("pdf", SUFFIXES, read)
