"""The built-in readers, in one list: each form's module declares its ``READER``."""
from __future__ import annotations

from importlib import import_module

BUILTIN_MODULES = ("pdf", "docx", "html", "text")


def builtin_readers() -> list:
    return [import_module(f"{__package__}.{m}").READER for m in BUILTIN_MODULES]
