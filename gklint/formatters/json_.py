"""``json``: a JSON array with one object per diagnostic (the design.md Diagnostic contract).

Fields: ``path, line, column, end_line, end_column, severity, code, name, message``, plus ``fix`` when the
diagnostic has one (and ``extra`` when a rule attached any), exactly as :meth:`Diagnostic.to_dict` gives
them; from ``gklint check``, also the report's ``agency`` and ``year`` (null when they cannot be told). UTF-8 text (``ensure_ascii=False``), indented by 2.
"""
from __future__ import annotations

import functools
import itertools
import json
from json.encoder import c_make_encoder
from json.encoder import encode_basestring as _string     # what json.dumps(ensure_ascii=False) quotes with (C)
from typing import Any, Callable, TextIO

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
    return dumps_indented(out, default=str)


def dumps_indented(obj: Any, default: Callable[[Any], Any] | None = None) -> str:
    """``json.dumps(obj, ensure_ascii=False, indent=2, default=default)``, the same text, faster.

    With ``indent`` the standard library leaves its C encoder for a pure-Python one that yields every
    bracket, key and value through nested generators (~20 µs per finding of the json format, ~40 µs of sarif).
    Here a container of plain strings, numbers, bools and Nones (a finding, a fix's edit, a region) is written
    by json's C encoder in one call, its item separator carrying the newline and the indent; only the
    containers above those are walked in Python. Numbers, ``null``/``true``/``false``, non-string keys,
    ``default`` and the errors (a circular reference, an unserialisable value or key) follow json.encoder
    exactly (tests/test_json_output.py compares both on random data)."""
    text = _scalar(obj)
    if text is not None:
        return text
    out: list[str] = []
    _encode(obj, 0, out, {}, default)
    return "".join(out)


def _scalar(o: Any) -> str | None:
    """The JSON text of a string, number, bool or None, as json.encoder writes it; None for anything else."""
    if isinstance(o, str):
        return _string(o)
    if o is None:
        return "null"
    if o is True:
        return "true"
    if o is False:
        return "false"
    if isinstance(o, int):
        return int.__repr__(o)
    if isinstance(o, float):
        return ("NaN" if o != o else "Infinity" if o == _INF else "-Infinity" if o == -_INF
                else float.__repr__(o))
    return None


_INF = float("inf")
_LEAVES = frozenset({str, int, float, bool, type(None)})    # exactly these types: no subclass (an IntEnum …)
_STR = frozenset({str})


def _key(k: Any) -> str | None:
    """A dict key as json.encoder turns it into a string (None: not a key JSON allows)."""
    if isinstance(k, str):
        return k
    if isinstance(k, (float, bool)) or k is None or isinstance(k, int):
        return _scalar(k)
    return None


def _encode(o: Any, level: int, out: list[str], markers: dict, default) -> None:
    """Append the text of ``o`` (anything but a plain scalar) at nesting ``level``."""
    is_dict = isinstance(o, dict)
    if not (is_dict or isinstance(o, (list, tuple))):
        text = _scalar(o)            # a subclass of str, int or float
        if text is not None:
            out.append(text)
            return
        if id(o) in markers:
            raise ValueError("Circular reference detected")
        if default is None:
            raise TypeError(f"Object of type {o.__class__.__name__} is not JSON serializable")
        markers[id(o)] = o
        value = default(o)
        text = _scalar(value)
        if text is not None:
            out.append(text)
        else:
            _encode(value, level, out, markers, default)
        del markers[id(o)]
        return
    if not o:
        out.append("{}" if is_dict else "[]")
        return
    inner = "\n" + "  " * (level + 1)
    if (_STR.issuperset(map(type, o)) and _LEAVES.issuperset(map(type, o.values()))) if is_dict \
            else _LEAVES.issuperset(map(type, o)):
        text = _flat_encoder(level)(o)      # "{" first item ,<inner> second item … "}"
        out.append(text[0] + inner + text[1:-1] + inner[:-2] + text[-1])
        return
    if id(o) in markers:
        raise ValueError("Circular reference detected")
    markers[id(o)] = o
    lead = ("{" if is_dict else "[") + inner    # before the first item; then "," + inner
    for k, item in o.items() if is_dict else zip(_NO_KEYS, o):
        if k is not _NO_KEY:
            key = k if type(k) is str else _key(k)
            if key is None:
                raise TypeError(f"keys must be str, int, float, bool or None, not {k.__class__.__name__}")
            lead += _string(key) + ": "
        kind = type(item)
        if kind is str:
            out.append(lead + _string(item))
        elif kind is dict or kind is list or (text := _scalar(item)) is None:
            out.append(lead)
            _encode(item, level + 1, out, markers, default)
        else:
            out.append(lead + text)
        lead = "," + inner
    out.append(inner[:-2] + ("}" if is_dict else "]"))
    del markers[id(o)]


_NO_KEY = object()
_NO_KEYS = itertools.repeat(_NO_KEY)


@functools.lru_cache(maxsize=None)
def _flat_encoder(level: int):
    """json's C encoder (what ``json.dumps`` without ``indent`` runs) with the separator of items at this depth,
    so a flat container is one call; the Python ``JSONEncoder`` when the C module is not there."""
    separator = ",\n" + "  " * (level + 1)
    if c_make_encoder is None:
        return json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(separator, ": ")).encode
    encode = c_make_encoder(None, None, _string, None, ": ", separator, False, False, True)
    return lambda o: "".join(encode(o, 0))


def write(diagnostics: list[Diagnostic], stream: TextIO, *, review: dict | None = None, **_options: Any) -> None:
    """Write the JSON array and a final newline."""
    stream.write(to_json(diagnostics, review) + "\n")
