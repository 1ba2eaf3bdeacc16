"""``json``: a JSON array with one object per diagnostic (the design.md Diagnostic contract).

Fields: ``path, line, column, end_line, end_column, severity, code, name, message``, plus ``fix`` when the
diagnostic has one (and ``extra`` when a rule attached any), exactly as :meth:`Diagnostic.to_dict` gives
them; from ``gklint check``, also the report's ``agency`` and ``year`` (null when they cannot be told). UTF-8 text (``ensure_ascii=False``), indented by 2.
"""
from __future__ import annotations

import json
from typing import Any, TextIO

from ..diagnostics import Diagnostic


def to_json(diagnostics: list[Diagnostic], review: dict | None = None) -> str:
    """The JSON document for ``diagnostics``, in the order given (no trailing newline); with ``review`` (the
    run's resolved reports), each object also says its report's ``agency`` and ``year``.

    Values JSON cannot represent (a ``Decimal`` in a fix, say) are written as their ``str``.
    """
    from . import who_and_when

    out = []
    for d in diagnostics:
        item = d.to_dict()
        if review:
            item["agency"], item["year"] = who_and_when(review, d.path)
        out.append(item)
    return json.dumps(out, ensure_ascii=False, indent=2, default=str)


def write(diagnostics: list[Diagnostic], stream: TextIO, *, review: dict | None = None, **_options: Any) -> None:
    """Write the JSON array and a final newline."""
    stream.write(to_json(diagnostics, review) + "\n")
