"""Expr.values with ``counts`` (what relations.relation_values passes, issue 9): the values are those without it,
and the blank cells recorded per binding are all the blank cells read in rows that count; a read whose blank
cells are all in rows that do not count records none (so a table that is almost empty, or blank cells in rows
the report lacks, cost no per-binding lists)."""
from __future__ import annotations

from gklint.rules.expr import ExprError, compile_expr
from test_expr import T3_ROWS
from test_rules_memos import _layouts, bindings_of

TEXTS = ("t3[3.7][$c] == sum(t3[3.*][$c]) - t3[3.7][$c]",
         "t3[$r][total] == sum(t3[$r][natural..other])",
         "t3[1][$c] + t3[2][$c] == t3[3.7][$c] + t3[4][$c]",
         "t3[3.2][natural] + t3[$r][$c] >= 0",
         "sum(t3[3.1..3.3.2][$c], t3[$r][$c]) >= t3[$r][total] - 1")
COUNTING = (frozenset(T3_ROWS), frozenset(), frozenset({"3.2", "4"}), frozenset({"1"}))


def _blank_cells_read(expr, resolver, b) -> list:
    return [m for m in expr.evaluate(resolver, b).missing if not isinstance(m, tuple)]


def test_counted_blanks_are_the_blank_cells_in_rows_that_count():
    checked = 0
    for text in TEXTS:
        expr = compile_expr(text)
        for resolver in _layouts():
            for bindings in bindings_of(expr, resolver):
                try:
                    want = expr.values(resolver, bindings)
                except ExprError:
                    continue
                for counting in COUNTING:
                    asked = []

                    def counts(table, counting=counting):
                        asked.append(table)
                        return counting

                    blanks: list = []
                    assert expr.values(resolver, bindings, blanks, None, counts) == want
                    assert len(blanks) == len(bindings)
                    for b, read in zip(bindings, blanks):
                        for m in _blank_cells_read(expr, resolver, b):
                            if m.row in counting:
                                assert m in read, (text, b, m)
                                checked += 1
                    if not counting:
                        assert blanks == [[] for _ in bindings]       # nothing counts: nothing recorded
                    assert set(asked) <= {"t3"}
    assert checked > 50
