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


def test_lines_and_cells_made_from_drafts_are_the_classes_own_frozen_objects():
    from gklint.model.nodes import Cell, Line, new_line
    from gklint.model.tables import _cells
    from gklint.model.template import load_template
    line = new_line("一、总体情况", 3, 1)
    assert type(line) is Line and line == Line("一、总体情况", 3, 1) and hash(line) == hash(Line("一、总体情况", 3, 1))
    cell = new_cell("t3", "1", "natural", "12", 12, "number", SPAN)
    assert type(cell) is Cell and not hasattr(cell, "__dict__")
    assert dataclasses.replace(cell, value=13) == Cell("t3", "1", "natural", "12", 13, "number", SPAN)
    for obj, name in ((line, "text"), (cell, "value")):
        with pytest.raises(AttributeError):
            setattr(obj, name, None)                            # frozen, as a Cell(...) or Line(...) is
    # the aligner's cells (``new_cell`` inlined there)
    tdef = load_template("2021").tables["t3"]
    rowdef = next(r for r in tdef.rows if not r.group)
    from gklint.model.tables import Piece
    piece = tuple(Piece("7", "7", 1, 4, True, "tab", "number", 7, True, 1, 1))   # a value piece as the aligner reads one
    assert Piece(*piece).span == SPAN
    made = _cells(tdef, rowdef, [piece])
    assert all(type(c) is Cell for c in made)
    assert made[0] == Cell("t3", rowdef.id, rowdef.cols[0], "7", 7, "number", SPAN)
    assert [c.kind for c in made[1:]] == ["missing"] * (len(rowdef.cols) - 1)


def test_tokenized_lines_are_lines():
    from gklint.model.nodes import Line
    from gklint.parse.outline import tokenize
    toks = tokenize("一、总体情况\n\n正文一行\n")
    assert toks and all(type(l) is Line for _k, l in toks)
    assert [(l.text, l.line, l.column) for _k, l in toks] == [("一、总体情况", 1, 1), ("正文一行", 3, 1)]


def test_pieces_are_made_whole():
    # (the values are what the aligner gave before its Piece construction was inlined)
    from gklint.model.tables import Piece, pieces_of
    from gklint.model.nodes import new_line
    lines = [("TROW", new_line("本年新收\t12\t \t/", 5, 1)), ("TCELL", new_line(" 3 ", 6, 2))]
    got = pieces_of(lines)
    # (plain tuples of the fields of a Piece, in its order: named here)
    assert all(type(p) is tuple and len(p) == len(Piece._fields) for p in got)
    got = [Piece(*p) for p in got]
    assert [(p.text, p.f, p.span, p.row_start, p.layout, p.kind, p.number, p.value) for p in got] == [
        ("本年新收", "本年新收", Span(5, 1, 5, 5), True, "tab", "text", None, False),
        ("12", "12", Span(5, 6, 5, 8), False, "tab", "number", 12, True),
        ("", "", Span(5, 10, 5, 11), False, "tab", "blank", None, True),
        ("/", "/", Span(5, 11, 5, 12), False, "tab", "placeholder", None, True),
        ("3", "3", Span(6, 3, 6, 4), False, "line", "number", 3, True)]
