"""The built-in readers, in one list, and what tells their forms apart.

Every file's first bytes are shown to every reader (``sniff``) before one is chosen, so the sniffers are here and
cost nothing to import; each form's reading code (``pdf``, ``docx``, ``html``) is imported when a file of that
form is read, so checking a .txt never imports the PDF, Word or HTML reader. Each of those modules names its
declaration here as its ``READER``. What the sniffers look for is told in each form's module docstring.
"""
from __future__ import annotations

import re
from importlib import import_module

from .base import SimpleReader

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"    # an old binary .doc/.wps/.xls/.ppt (gklint.readers.docx)
ZIP_MAGIC = b"PK\x03\x04"
BOM_UTF16 = (b"\xff\xfe", b"\xfe\xff")

_LEAD = rb"^(?:\s|<!--.*?-->|<\?xml[^>]*>)*"
_HTML_START = re.compile(_LEAD + rb"<(?:!doctype\s+html|html|head|body|meta|title)[\s>/]", re.I | re.S)
_FRAG_START = re.compile(_LEAD + rb"<(?:div|table|p|section|article|center|font|span|h[1-6])[\s>/]", re.I | re.S)
_MARKDOWN = re.compile(rb"^\s{0,3}(?:#{1,6}\s|\|.*\|\s*$)", re.M)


def sniff_pdf(head: bytes) -> bool:
    return b"%PDF" in head[:1024]


def sniff_docx(head: bytes) -> bool:
    """OLE2 compound files and every zip: which zip it is can only be told from its directory, at the end."""
    return head.startswith(OLE2_MAGIC) or head.startswith(ZIP_MAGIC)


def sniff_html(head: bytes) -> bool:
    """Does the file *start* as HTML (after a BOM, whitespace, comments)? Text that merely holds tags: no."""
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    elif head.startswith(BOM_UTF16):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    head = head[:4096]
    if not head.lstrip().startswith(b"<"):  # both patterns need "<" first after the blanks (\s: the same six bytes)
        return False
    if _HTML_START.match(head):
        return True
    return bool(_FRAG_START.match(head)) and not _MARKDOWN.search(head)


def _reading(form: str):
    """``gklint.readers.<form>.read``, imported at the first file of that form."""
    def read(data: bytes, path: str):
        return import_module(f"{__package__}.{form}").read(data, path)

    read.__qualname__ = f"{form}.read"
    return read


PDF = SimpleReader("pdf", (".pdf",), _reading("pdf"), sniff_pdf, priority=30, container=True)
DOCX = SimpleReader("docx", (".docx", ".docm", ".doc", ".wps"), _reading("docx"), sniff_docx, priority=20,
                    container=True)
HTML = SimpleReader("html", (".html", ".htm", ".shtml", ".xhtml"), _reading("html"), sniff_html, priority=10)


def builtin_readers() -> list:
    from .text import READER as TEXT     # plain text and Markdown: the reader of most files, and the fallback

    return [PDF, DOCX, HTML, TEXT]
