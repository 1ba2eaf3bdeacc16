"""``json``: a JSON array with one object per diagnostic (the design.md Diagnostic contract).

Fields: ``path, line, column, end_line, end_column, severity, code, name, message``, plus ``fix`` when the
diagnostic has one (and ``extra`` when a rule attached any), exactly as :meth:`Diagnostic.to_dict` gives
them. UTF-8 text (``ensure_ascii=False``), indented by 2.
"""
from __future__ import annotations

import json
from typing import Any, TextIO

from ..diagnostics import Diagnostic


def to_json(diagnostics: list[Diagnostic]) -> str:
    """The JSON document for ``diagnostics``, in the order given (no trailing newline).

    Values JSON cannot represent (a ``Decimal`` in a fix, say) are written as their ``str``.
    """
    return json.dumps([d.to_dict() for d in diagnostics], ensure_ascii=False, indent=2, default=str)


def write(diagnostics: list[Diagnostic], stream: TextIO, **_options: Any) -> None:
    """Write the JSON array and a final newline."""
    stream.write(to_json(diagnostics) + "\n")
