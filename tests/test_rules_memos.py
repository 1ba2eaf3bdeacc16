"""The rules stage's memos across reports (issue 9): what is kept from one report for the next (a batch plan's cell
keys, a wildcard's ids per template listing) must give, on every report, exactly what working it out afresh gives,
whatever the previous report's layout was."""
from __future__ import annotations

import random
import re
from types import SimpleNamespace

import pytest

from gklint.rules.expr import ExprError, compile_expr
from gklint.rules.expr_batch import ABSENT, layout_of_keys
from test_expr import GOOD_T3, T3_COLS, T3_ROWS, FakeResolver, MemoResolver


def bindings_of(expr, resolver) -> list[list[dict]]:
    """The lists of bindings of t3's columns, rows, and both, that bind every variable of ``expr``."""
    rows, cols = resolver.rows("t3"), resolver.cols("t3")
    return [bindings for bindings in ([{"c": c} for c in cols], [{"r": r} for r in rows],
                                      [{"r": r, "c": c} for r in rows for c in cols])
            if not any(v not in b for v in expr.variables for b in bindings)]


def table_layout(cells_by_key: dict) -> tuple:
    """(the layout of a ``(row, col) → cell`` index, its cells in that order then ABSENT, their values): what
    expr_batch.rows_layout gives of a table's rows, here of any index (its keys in any order)."""
    cells = [*cells_by_key.values(), ABSENT]
    return layout_of_keys(tuple(cells_by_key)), cells, [c.value for c in cells]


class LayoutResolver(FakeResolver):
    """FakeResolver with the engine's fast paths: one (row, col) → cell index per table (its keys in an order of
    the test's choosing, so two resolvers with the same cells can have different layouts) and the batch reads
    by place in it (``table_layout``, as engine.Resolver.table_layout gives it)."""

    def __init__(self, values: dict, order: random.Random, **kw) -> None:
        super().__init__(values, **kw)
        keys = [k for k in values if k[0] == "t3"]
        order.shuffle(keys)
        self.index = {"t3": {(r, c): self.cell(t, r, c) for t, r, c in keys}}

    def table_cells(self, table):
        return self.index.get(table, {})

    def table_layout(self, table):
        return table_layout(self.table_cells(table))


def _layouts():
    """Resolvers whose tables list different rows and columns (a report missing rows, another template), with the
    same cells, some blank, some unknown."""
    rng = random.Random(9)
    values = dict(GOOD_T3.values)
    values[("t3", "3.2", "natural")] = None
    values[("t3", "4", "legal")] = None
    del values[("t3", "1", "business")]
    short_rows = [r for r in T3_ROWS if r not in ("3.2", "3.3.1")]
    out = []
    for rows, cols in ((T3_ROWS, T3_COLS), (short_rows, T3_COLS), (T3_ROWS, T3_COLS[2:]), (short_rows, T3_COLS[:4]),
                       (T3_ROWS + ["3.3.3"], T3_COLS)):
        for cls in (FakeResolver, MemoResolver, LayoutResolver, LayoutResolver):
            v = {k: (rng.choice([0, 1, 7]) if x is not None and rng.random() < 0.3 else x) for k, x in values.items()}
            more = {"order": rng} if cls is LayoutResolver else {}
            out.append(cls(v, rows={"t3": rows}, cols={"t3": cols}, **more))
    return out


def test_batched_values_follow_each_reports_layout():
    for text in ("t3[3.7][$c] == sum(t3[3.*][$c]) - t3[3.7][$c]",
                 "t3[$r][total] == sum(t3[$r][natural..other])",
                 "t3[1][$c] + t3[2][$c] == t3[3.7][$c] + t3[4][$c]",
                 "sum(t3[3.1..3.3.2][$c], t3[$r][$c]) >= t3[$r][total] - 1"):
        expr = compile_expr(text)
        resolvers = _layouts()
        for resolver in resolvers + resolvers[::-1] + resolvers:       # the memos see every change of layout
            for bindings in bindings_of(expr, resolver):
                try:
                    want = [expr.evaluate(resolver, b).value for b in bindings]
                except ExprError as exc:        # a range end this layout lacks: the batch raises it too
                    with pytest.raises(ExprError, match=re.escape(exc.message)):
                        expr.values(resolver, bindings)
                    continue
                blanks: list = []
                assert expr.values(resolver, bindings, blanks) == want, (text, rows, cols)
                for b, read in zip(bindings, blanks):
                    assert all(m in read for m in expr.evaluate(resolver, b).missing if not isinstance(m, tuple))


def test_a_layouts_reads_are_the_index_look_ups():
    """Reading by place in a table's layout gives what looking each key up in its index gives, ABSENT for a key
    the table lacks, whatever layouts came before (the same keys in another order is another layout)."""
    rng = random.Random(4)
    keys = [(r, c) for r in T3_ROWS for c in T3_COLS]
    for _ in range(30):
        index = {k: SimpleNamespace(value=rng.choice([None, 0, 3])) for k in rng.sample(keys, rng.randrange(len(keys) + 1))}
        layout, cells, values = table_layout(index)
        assert cells == [*index.values(), ABSENT] and values == [c.value for c in cells]
        for n in (0, 1, 2, 9):
            read = [rng.choice(keys) for _ in range(n)]
            assert layout.getter(read)(cells) == [index.get(k, ABSENT) for k in read]
            assert layout.getter(read) is layout.getter(read)       # kept per list of keys


def test_wildcard_ids_follow_each_reports_listing():
    expr = compile_expr("sum(t3[3.*][total]) == 0")
    a = MemoResolver({("t3", r, "total"): 0 for r in T3_ROWS})
    b = MemoResolver({("t3", r, "total"): 0 for r in T3_ROWS} | {("t3", "3.9", "total"): 5},
                     rows={"t3": T3_ROWS + ["3.9"]})
    for _ in range(2):
        assert expr.evaluate(a).value is True
        assert expr.evaluate(b).value is False      # 3.9 is in b's listing only
        assert expr.values(a, [{}]) == [True] and expr.values(b, [{}]) == [False]


def test_halfwidth_marks_scan_is_the_neighbour_walk():
    """GK601's one-scan pattern finds exactly the marks whose nearest non-space neighbours are Chinese text."""
    from gklint.rules.checks import typography as ty
    from gklint.rules.checks.content import mask_urls

    def walk(text, marks):
        masked = mask_urls(text)
        m = ty._LEADING_ENUM.match(masked)
        skip = set(range(m.start(), m.end())) if m else set()
        return [i for i, ch in enumerate(masked) if ch in marks and i not in skip
                and ty.is_cjk_text(ty._neighbour(masked, i, -1)) and ty.is_cjk_text(ty._neighbour(masked, i, 1))]

    rng = random.Random(601)
    alphabet = list("中文，。（）“”…—·a1 \t\u3000\u00a0,;:()?!") + ["http://x.cn/a,b", "（一）", "(2)", "㐀"]
    for marks in (",;:()?!", ",", "()", "，", ",，"):
        assert ty._between(marks) is not None
        for _ in range(3000):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
            assert ty.halfwidth_marks(text, marks) == walk(text, marks), (text, marks)
    assert ty._between(", ") is None and ty._between("") is None      # a space mark: the walk itself


def test_fast_diagnostic_is_the_dataclass():
    from dataclasses import fields

    from gklint.diagnostics import Diagnostic, Severity, Span

    d = Diagnostic.at(Span(3, 4, 3, 9), path="a.txt", code="GK601", name="x", message="m", severity="info",
                      fix={"edits": []}, hint=1)
    want = Diagnostic("a.txt", 3, 4, 3, 9, Severity.INFO, "GK601", "x", "m", {"edits": []}, {"hint": 1})
    assert type(d) is Diagnostic and d == want and d.extra == want.extra
    assert [getattr(d, f.name) for f in fields(Diagnostic)] == [getattr(want, f.name) for f in fields(Diagnostic)]
    assert d.to_dict() == want.to_dict() and hash(d.sort_key) == hash(want.sort_key)
    with pytest.raises(AttributeError):
        d.line = 5                           # still frozen


def test_render_message_is_the_substitution():
    from gklint.rules.loader import _PLACEHOLDER, render_message

    params = {"row": "本年新收", "lhs": 3, "x_1": None, "": "no"}
    for template in ("", "无占位", "{row}", "表三“{row}”为 {lhs}，{missing} 与 {x_1}{row}{", "{{row}}", "{1a} {_}"):
        want = _PLACEHOLDER.sub(lambda m: str(params[m.group(1)]) if m.group(1) in params else m.group(0), template)
        assert render_message(template, params) == want


def test_statistical_year_is_the_first_match_of_the_period_pattern():
    from types import SimpleNamespace

    from gklint.rules.checks.table_shape import statistical_year

    def first(text):
        m = re.search(r"((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日", text[:20000])
        return int(m.group(1)) if m else None

    rng = random.Random(5)
    pieces = ["2023", "19", "20", "1", " ", "\u3000", "\n", "年", "月", "日", "１", "２０２３", "x", "9"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 12))) for _ in range(20000)]
    texts += ["x" * 19990 + "2023年1月1日", "x" * 19995 + "2023年1月1日", "1999 2024 年 1 月 1 日"]
    for text in texts:
        assert statistical_year.__wrapped__(SimpleNamespace(text=text)) == first(text), text


def test_prose_lines_made_from_the_units_are_the_prose_lines():
    from pathlib import Path

    from gklint.api import parse_source, parse_text
    from gklint.readers import read_path
    from gklint.rules.checks import content, typography
    from gklint.testing import load_cases

    here = Path(__file__).parent
    reports = [parse_source(read_path(p)).report for p in sorted(here.joinpath("reports").rglob("*"))
               if p.suffix in (".txt", ".md")]
    reports += [parse_text(c.text, path="case.txt").report for c in load_cases(here / "rules" / "cases", here / "reports")
                if c.text]
    for report in reports:
        assert content._all_prose_lines(report) == tuple(content._prose_lines(report, None, True))
        assert content._section_prose_lines(report) == tuple(content._prose_lines(report, None, False))
        texts = [line.text for unit in content.prose_units(report) for line in unit]
        assert typography._units_text(report)[0] == "\n".join(texts)


def test_an_edit_made_from_line_and_column_is_the_edit_of_the_span():
    """GK601 makes its edits with fixes.edit_at (no Span per mark): the same edit as fixes.edit, refusals included
    (a changed number, another text than expected, a span off the text), however often a text comes again."""
    from gklint.diagnostics import Span
    from gklint.fixes import edit, edit_at

    lines = ("共收到申请12件,办结10件。", "第二行：三件")
    cases = [(1, 9, 10, "，", None), (1, 9, 10, "，", ","), (1, 9, 10, "，", ";"), (1, 6, 8, "13", None),
             (2, 5, 7, "三件", None), (2, 5, 7, "四件", None), (3, 1, 2, "x", None), (1, 1, 1, "x", None)]
    for _ in range(2):        # the second time the digit look-ups come from their memo
        for line, col, end, new, expect in cases:
            assert edit_at(lines, line, col, end, new, expect) == edit(lines, Span(line, col, line, end), new, expect)
    assert edit_at(lines, 1, 9, 10, "，") == {"line": 1, "column": 9, "end_line": 1, "end_column": 10, "old": ",",
                                              "text": "，"}
    assert edit_at(lines, 1, 6, 8, "13") is None and edit_at(lines, 2, 5, 7, "四件") is None


def test_char_edits_are_edit_at_per_place():
    """GK601 makes its edits a line at a time (fixes.char_edits): per place the edit fixes.edit_at makes, marks
    the table lacks left out, None when one cannot be made (the line's text is not the file's there, or the
    line is not in the file); its one test of the whole line stands for edit_at's, given a table without digits."""
    from gklint.fixes import _digits, char_edits, edit_at
    from gklint.rules.checks.typography import FULLWIDTH

    assert all(not _digits(a) and not _digits(b) and a != b for a, b in FULLWIDTH.items())
    lines = ("共收到申请12件,办结10件;另有(三)件。", "前缀：甲,乙;丙", "甲,乙")
    cases = [(1, 1, lines[0], [7, 12, 15, 17]),          # the whole line, as read
             (2, 4, "甲,乙;丙", [1, 3]),                    # a segment from column 4
             (2, 4, "甲,乙;丁", [1, 3]),                    # differs from the file, not at a place
             (2, 4, "甲;乙;丙", [1, 3]),                    # differs from the file at a place: no fix
             (3, 1, "甲,乙", [0, 1]),                       # 甲 has no full-width form: left out
             (3, 1, "甲乙", [0]),                          # no place with a full-width form: no edit
             (4, 1, "甲,乙", [1]), (4, 1, "甲乙", [0])]      # a line the file lacks
    for line, column, text, places in cases:
        made = [edit_at(lines, line, column + j, column + j + 1, FULLWIDTH[text[j]], text[j])
                for j in places if text[j] in FULLWIDTH]
        want = None if None in made else made
        assert char_edits(lines, line, column, text, places, FULLWIDTH) == want, (line, text)
    assert char_edits(lines, 3, 1, "甲,乙", [1], FULLWIDTH) == [
        {"line": 3, "column": 2, "end_line": 3, "end_column": 3, "old": ",", "text": "，"}]


def test_column_listing_is_the_tables_col_ids():
    """engine.Resolver.listing's columns (its layout's, when the index holds every cell) are ``Table.col_ids``, on
    the seed reports and on their tables with a row given twice (the index then holds the first row's cells only,
    and the listing is worked out from every cell)."""
    from dataclasses import replace

    from gklint.api import parse_file
    from gklint.rules.engine import Resolver

    from conftest import REPORTS

    seen = 0
    for path in sorted((REPORTS / "seeds").glob("*.txt")):
        report = parse_file(path).report
        variants = [report.tables]
        extra = {tid: replace(t, rows=t.rows + t.rows[:1]) for tid, t in report.tables.items() if t.rows}
        variants.append(extra)
        for tables in variants:
            resolver = Resolver(replace(report, tables=tables) if tables is not report.tables else report)
            for tid, t in tables.items():
                assert resolver.listing(tid, "cols") == tuple(t.col_ids)
                assert resolver.listing(tid, "cols") == tuple(t.col_ids)      # (kept: the same again)
                seen += 1
    assert seen


def test_rows_layout_is_the_index_layout():
    """expr_batch.rows_layout (the engine's: from the rows, without Table.cell_index) gives the keys, cells and
    values table_layout gives of the index, on the seed reports' tables and on variants with a row given twice,
    a column given twice in a row and a row lacking cells, whatever shapes came before."""
    from dataclasses import replace

    from gklint.api import parse_file
    from gklint.rules.expr_batch import rows_layout

    from conftest import REPORTS

    variants = []
    for path in sorted((REPORTS / "seeds").glob("*.txt"))[:4]:
        for t in parse_file(path).report.tables.values():
            rows = t.rows
            # copies of rows and cells are other objects with other values: a look-up that kept the second one
            # of a key instead of the first would be seen
            again = tuple(replace(r, cells=tuple(replace(c, value=7, raw="7") for c in r.cells)) for r in rows[:2])
            variants += [t, replace(t, rows=rows + again), replace(t, rows=rows[1:] + again)]
            if rows and rows[0].cells:
                r0 = replace(rows[0], cells=rows[0].cells + again[0].cells[:1])
                variants += [replace(t, rows=(r0,) + rows[1:]), replace(t, rows=(replace(rows[0], cells=()),) + rows[1:])]
    variants.append(replace(variants[0], rows=()))
    for t in variants + variants[::-1]:
        layout, cells, values = rows_layout(t.rows)
        want_layout, want_cells, want_values = table_layout(t.cell_index)
        assert layout.keys == want_layout.keys and tuple(t.cell_index) == layout.keys
        assert cells == want_cells and all(a is b for a, b in zip(cells, want_cells)) and values == want_values
        # Table.cell's look-up (by the row, without the index) finds what the index does
        for row, col in [(r.id, c.col) for r in t.rows for c in r.cells] + [("1", "nope"), ("9.9", "total")]:
            assert t.cell(row, col) is t.cell_index.get((row, col))
