"""``concise``: one ``path:line:col: severity CODE message`` line per diagnostic, nothing else.

This is the format editors' problem matchers read (design.md, CLI contract), so it never changes shape:
a message that contains line breaks is folded onto one line. For Word and PDF, where line and column are
those of the text view, the place in the document follows the message in brackets: ``[第 3 页]``.
"""
from __future__ import annotations

from typing import Any, TextIO

from ..diagnostics import Diagnostic


def one_line(text: str) -> str:
    """Fold CR/LF line breaks into single spaces so that each diagnostic stays on one line."""
    if "\n" not in text and "\r" not in text:
        return text
    return " ".join(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def format_line(d: Diagnostic) -> str:
    """The concise line for one diagnostic, without the trailing newline."""
    where = f" [{d.where}]" if d.where else ""
    # _value_, not .value: Enum's value is a descriptor call, and a big batch formats tens of thousands of lines
    return f"{d.path}:{d.line}:{d.column}: {d.severity._value_} {d.code} {one_line(d.message)}{where}"


def write(diagnostics: list[Diagnostic], stream: TextIO, **_options: Any) -> None:
    """Write one concise line per diagnostic, in the order given."""
    for d in diagnostics:
        stream.write(format_line(d) + "\n")
