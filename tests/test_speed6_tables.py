"""Speed work on the table aligners (issue 9): the fast ways give what the plain ways give."""
import dataclasses

from gklint.diagnostics import Span
from gklint.model.nodes import HeaderLabel, Table, new_cell, new_row, new_table

SPAN = Span(3, 1, 3, 9)


def _rows():
    cell = new_cell("t3", "1", "natural", "12", 12, "number", SPAN)
    return (new_row("t3", "1", "本年新收", "本年新收政府信息公开申请数量", SPAN, "exact", (cell,), 1, 7),)


def test_new_table_is_the_table_the_class_makes():
    headers = (HeaderLabel("自然人", "自然人", "exact", SPAN),)
    for args in (("t3", "2021", _rows(), SPAN, 3, headers, ("a note",)), ("t4", "", (), None, None)):
        fast, plain = new_table(*args), Table(*args)
        assert type(fast) is Table and fast == plain and repr(fast) == repr(plain)
        assert vars(fast) == vars(plain) and list(vars(fast)) == [f.name for f in dataclasses.fields(Table)]
        assert fast.found == plain.found and fast.cell_index == plain.cell_index
        try:
            fast.id = "t2"
        except dataclasses.FrozenInstanceError:
            pass
        else:
            raise AssertionError("a table made fast is frozen like one the class makes")


def test_labels_of_a_table_definition_are_those_of_its_template_version():
    from gklint.model.tables import Labels, _labels
    from gklint.model.template import load_template
    for version in ("2021", "2019"):
        for tid, tdef in load_template(version).tables.items():
            assert Labels.of(tdef) is _labels(tid, version) is Labels.of(tdef)
            assert Labels.of(tdef).table is tdef
    assert Labels.of(load_template("2021").tables["t3"]) is not Labels.of(load_template("2019").tables["t3"])
