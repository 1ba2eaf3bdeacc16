"""Diagnostic.to_dict: what the JSON, SARIF and cache writers read (fields in order, nested data copied)."""
from __future__ import annotations

import collections
from dataclasses import asdict

import pytest

from gklint.diagnostics import Diagnostic, Severity

_Pair = collections.namedtuple("_Pair", "a b")


def _reference(d: Diagnostic) -> dict:
    """The dictionary as it was made before: asdict, severity as its value, empty optional fields left out."""
    out = asdict(d)
    out["severity"] = d.severity.value
    if not out["extra"]:
        del out["extra"]
    for k in ("fix", "page", "location"):
        if out[k] is None:
            del out[k]
    return out


@pytest.mark.parametrize("diag", [
    Diagnostic("a.txt", 1, 2, 1, 5, Severity.ERROR, "GK301", "t1-sum", "表一不平衡"),
    Diagnostic("a.pdf", 3, 1, 4, 2, Severity.INFO, "GK602", "chrome", "页面元素",
               {"message": "删除", "edits": [{"start": 1, "end": 3, "text": "", "pair": (1, [2])}]},
               {"cells": [{"id": "t1.1", "value": 5}], "pair": _Pair(1, [2]), "kinds": {"a"}}, 2, "第 2 页"),
])
def test_to_dict_is_asdict_in_field_order(diag):
    got = diag.to_dict()
    assert got == _reference(diag)
    assert list(got) == list(_reference(diag))


def test_to_dict_copies_nested_data():
    fix = {"edits": [{"start": 1, "end": 2, "text": "x"}]}
    d = Diagnostic("a.txt", 1, 1, 1, 2, Severity.WARNING, "GK601", "p", "m", fix, {"rows": [1, 2]})
    got = d.to_dict()
    got["fix"]["edits"][0]["text"] = "changed"
    got["extra"]["rows"].append(3)
    assert fix["edits"][0]["text"] == "x" and d.extra["rows"] == [1, 2]
