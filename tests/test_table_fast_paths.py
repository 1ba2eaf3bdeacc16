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


def test_a_row_total_split_skips_only_sums_it_cannot_reach():
    """``split_row`` skips the sums whose remainder modulo 9 the addends cannot have: what it gives is still
    what the bounded search gives, in the same order, on runs of every length a row can have."""
    import random

    from gklint.model import flattened
    rng = random.Random(6)
    seen = 0
    for k in range(2, 8):
        for _ in range(150):
            vals = [rng.choice((0, 0, 0, 1, 2, 7, 12, 30, 105, 2400)) for _ in range(k - 1)]
            s = "".join(map(str, vals + [sum(vals)]))
            if rng.random() < 0.4:       # a run whose total does not fit, or a digit changed
                i = rng.randrange(len(s))
                s = s[:i] + rng.choice("0123456789") + s[i + 1:]
            want = flattened._Search(s, k, 1, True, flattened._MAX_SOLUTIONS, 10_000_000).solutions()
            assert flattened.split_row(s, k) == want, s
            seen += bool(want) and len(s) > k
    assert seen > 200


def test_a_line_of_its_own_is_the_piece_a_row_with_one_field_gives():
    """pieces_of's short way for a line that is no row (one field, no loop) gives the piece the row loop gives a
    row with one filled field (a "line" piece), and still forgets the row before it."""
    from gklint.model.nodes import Line
    from gklint.model.tables import Piece, pieces_of as plain

    def pieces_of(lines):                   # (plain tuples of the fields of a Piece: named here)
        return [Piece(*p) for p in plain(lines)]
    for text in ("3", " 12 ", "\u3000/", "本年新收", " （七）总计 ", "", "  ", "103.38万元", "减4", "-"):
        alone = pieces_of([("TCELL", Line(text, 4, 2))])
        if not text.strip():
            assert [(p.text, p.span, p.layout, p.kind, p.value) for p in alone] == [
                ("", Span(4, 2 + len(text), 4, 3 + len(text)), "line", "blank", False)]
            continue
        as_row = pieces_of([("TROW", Line(text + "\t", 4, 2))])
        assert alone == as_row and [p.layout for p in alone] == ["line"] and not alone[0].row_start
    # a " |" after a "0 |" row is a blank cell; a line of its own between them makes the "|" a separator again
    cell = pieces_of([("TROW", Line("0 |", 1, 1)), ("TROW", Line(" |", 2, 1))])
    assert [p.layout for p in cell] == ["line", "cell"]
    between = pieces_of([("TROW", Line("0 |", 1, 1)), ("TCELL", Line("5", 2, 1)), ("TROW", Line(" |", 3, 1))])
    assert [p.layout for p in between] == ["line", "line"] and pieces_of([("TSEP", Line("---", 1, 1))]) == []


def test_table_four_without_lines_is_every_row_absent():
    from gklint.model.nodes import Line
    from gklint.model.tables import absent_row, align_sequence, pieces_of
    from gklint.model.template import load_template
    for version in ("2021", "2019"):
        tdef = load_template(version).tables["t4"]
        empty = align_sequence(tdef, [], 4, version)
        assert empty == Table("t4", version, tuple(absent_row("t4", r) for r in tdef.rows), None, 4, (), ())
        assert not empty.found and empty.rows and all(r.label_match == "absent" for r in empty.rows)
        # a line that gives nothing takes the long way to the same rows
        blank = align_sequence(tdef, pieces_of([("TCELL", Line("说明", 9, 1))]), 4, version)
        assert blank.rows == empty.rows and blank.notes == empty.notes == () and blank.span is not None


def test_found_rows_are_the_rows_the_class_makes():
    from gklint.model.nodes import Line, Row
    from gklint.model.tables import align_rows, pieces_of
    from gklint.model.template import load_template
    tdef = load_template("2021").tables["t3"]
    lines = [("TROW", Line("本年新收政府信息公开申请数量\t1\t2\t0\t0\t0\t0\t3", 7, 1)),
             ("TROW", Line("（七）总计\t1\t2\t0\t0\t0\t0\t3\t9", 8, 1))]
    table = align_rows(tdef, pieces_of(lines), 3, "2021")
    found = [r for r in table.rows if r.label_match != "absent"]
    assert [r.id for r in found] == ["1", "3.7"] and table.notes == ("row 3.7: 8 values for 7 columns",)
    for r in found:
        plain = Row(r.table, r.id, r.label, r.template_label, r.label_span, r.label_match, r.cells, r.written,
                    r.expected)
        assert type(r) is Row and r == plain and hash(r) == hash(plain) and r.present is plain.present is True
        assert r.cells == plain.cells and [c.value for c in r.cells] == [1, 2, 0, 0, 0, 0, 3]
    try:
        found[0].written = 0
    except AttributeError:
        pass
    else:
        raise AssertionError("a found row is frozen like one the class makes")


def test_kept_rows_give_the_pieces_fresh_rows_give(monkeypatch):
    """A table row's pieces kept by its text (``_ROWS``) are those the row gives read afresh, wherever the row
    stands; a view's complete row (``exact``) is read afresh always, a lone " |" is kept both ways (a blank cell
    after a cell closed by a pipe, else nothing)."""
    from gklint.model import tables
    from gklint.model.nodes import Line

    rows = ["\t本年新收政府信息公开申请数量\t 12 \t0\t\t/\t3", "| 自然人 | 5 | — | 1,200 |", "0 |", " |", "5", " |",
            "（一）予以公开\t\u30004\t减4\t103.3879万元", "\t\t\t", "总计\t", "| 7 |"]
    lines = [("TROW" if ("\t" in r or "|" in r) else "TCELL", Line(r, i + 1, 3)) for i, r in enumerate(rows * 3)]
    exact = frozenset({1, 8, 9})

    def fresh():
        monkeypatch.setattr(tables, "ROWS_KEPT", 0)          # the memo emptied before every row
        tables._ROWS.clear()
        try:
            return tables.pieces_of(lines, exact)
        finally:
            monkeypatch.setattr(tables, "ROWS_KEPT", tables.KEPT)

    want = fresh()
    tables._ROWS.clear()
    first = tables.pieces_of(lines, exact)
    assert tables._ROWS and type(tables._ROWS[" |"]) is tables._Lone          # rows were kept, a lone pipe both ways
    again = tables.pieces_of(lines, exact)                       # … and served
    assert first == again == want
    want = [tables.Piece(*p) for p in want]
    assert [p.layout for p in want if p.span.line in (1, 8)] == ["grid"] * 7 + ["grid"] * 4
    assert [p.layout for p in want if p.span.line in (4, 6)] == ["cell"]      # after "0 |", not after "5"
    served = [tables.Piece(*p) for p in tables.pieces_of([(k, Line(l.text, l.line, l.column)) for k, l in lines])]
    assert [p.layout for p in served if p.span.line == 1] == ["tab"] * 7
    monkeypatch.setattr(tables, "ROWS_KEPT", 3)
    tables.pieces_of([("TROW", Line(f"{i}\t{i}", 1, 1)) for i in range(20)])
    assert 0 < len(tables._ROWS) <= 3


def test_label_bounds_by_counted_characters_are_difflibs_quick_ratio():
    """The fuzzy label match's bound by the characters (each template word's counted once) is difflib's
    quick_ratio to the bit, so the same comparisons are skipped and the same labels match."""
    import difflib
    import random

    from gklint.model import tables
    from gklint.model.template import load_template

    rng = random.Random(9)
    words = [r.core for v in ("2021", "2019") for t in load_template(v).tables.values() for r in t.rows]
    for _ in range(400):
        a, b = rng.choice(words), rng.choice(words)
        a = "".join(rng.choice((ch, ch, ch, "", ch + ch, "某")) for ch in a)       # a label mistyped
        want = difflib.SequenceMatcher(None, a, b).quick_ratio()
        assert 2.0 * tables._shared(tables._counts(a), tables._counts(b)) / ((len(a) + len(b)) or 1) == want
    # (Labels._row and _header with these bounds answer as the plain full-ratio matching:
    # tests/test_parse_shortcuts.py, test_label_similarity_bounds_answer_as_the_full_ratios)
