"""The model's derived fields and fast constructors: the same values and objects the plain classes give."""
import dataclasses

import pytest

from gklint.diagnostics import Span
from gklint.model.nodes import Row, new_cell, new_row

SPAN = Span(1, 2, 1, 5)


def _row_args(match: str) -> tuple:
    cell = new_cell("t3", "1", "natural", "12", 12, "number", SPAN)
    return ("t3", "1", "本年新收", "本年新收政府信息公开申请数量", SPAN, match, (cell,), 1, 7)


@pytest.mark.parametrize("match", ["exact", "alias", "fuzzy", "group", "absent"])
def test_present_is_set_with_the_row_and_says_whether_the_label_was_found(match):
    for row in (Row(*_row_args(match)), new_row(*_row_args(match))):
        assert row.present is (match != "absent")
    assert dataclasses.replace(Row(*_row_args("exact")), label_match=match).present is (match != "absent")


def test_present_stays_out_of_the_arguments_repr_equality_and_hash():
    a, b = Row(*_row_args("exact")), new_row(*_row_args("exact"))
    assert a == b and hash(a) == hash(b) and repr(a) == repr(b) and "present" not in repr(a)
    assert [f.name for f in dataclasses.fields(Row) if f.init] == [
        "table", "id", "label", "template_label", "label_span", "label_match", "cells", "written", "expected"]
    with pytest.raises(AttributeError):
        a.present = False                                       # frozen like the other fields
