"""The rule-expression language (gklint.rules.expr): parsing, checking and three-valued evaluation."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from gklint.rules.expr import Expr, ExprError, ExprSyntaxError, RefSpec, compile_expr

T3_COLS = ["natural", "business", "research", "nonprofit", "legal", "other", "total"]
# Template rows as the resolver lists them: group labels (3, 3.3, 3.4 ...) are not listed.
T3_ROWS = ["1", "2", "3.1", "3.2", "3.3.1", "3.3.2", "3.4.1", "3.5.1", "3.6.1", "3.7", "4"]
T4_COLS = ["upheld", "corrected", "other", "pending", "total"]
T4_ROWS = ["review", "litigation_direct", "litigation_after_review"]


@dataclass(frozen=True)
class FakeCell:
    table: str
    row: str
    col: str
    value: object
    kind: str = "number"


class FakeResolver:
    """Cells from a dict {(table, row, col): value}; a value of None is a blank cell, an absent key an
    unknown cell (the resolver returns None)."""

    def __init__(self, values: dict, rows: dict | None = None, cols: dict | None = None) -> None:
        self.values = values
        self._rows = rows or {"t3": T3_ROWS, "t4": T4_ROWS}
        self._cols = cols or {"t3": T3_COLS, "t4": T4_COLS}

    def cell(self, table, row, col):
        key = (table, row, col)
        if key not in self.values:
            return None
        value = self.values[key]
        return FakeCell(table, row, col, value, "number" if value is not None else "blank")

    def rows(self, table):
        return self._rows.get(table, [])

    def cols(self, table):
        return self._cols.get(table, [])


def t3(rows: dict[str, list]) -> FakeResolver:
    """A table 3 from {row: [natural, business, research, nonprofit, legal, other, total]}."""
    return FakeResolver({("t3", r, c): v for r, vals in rows.items() for c, v in zip(T3_COLS, vals)})


# A consistent table 3 except for the `legal` column, where 1 + 2 != 3.7 + 4 (4 + 0 vs 3 + 0).
GOOD_T3 = t3({
    "1":     [5, 1, 0, 0, 4, 0, 10],
    "2":     [1, 0, 0, 0, 0, 0, 1],
    "3.1":   [2, 1, 0, 0, 1, 0, 4],
    "3.2":   [1, 0, 0, 0, 0, 0, 1],
    "3.3.1": [1, 0, 0, 0, 1, 0, 2],
    "3.3.2": [0, 0, 0, 0, 0, 0, 0],
    "3.4.1": [1, 0, 0, 0, 1, 0, 2],
    "3.5.1": [0, 0, 0, 0, 0, 0, 0],
    "3.6.1": [0, 0, 0, 0, 0, 0, 0],
    "3.7":   [5, 1, 0, 0, 3, 0, 9],
    "4":     [1, 0, 0, 0, 0, 0, 1],
})


def run(text: str, resolver, **bindings):
    return compile_expr(text).evaluate(resolver, bindings)


# =====================================================================================================
# The table relations of the national template
# =====================================================================================================

def test_t3_balance_per_column():
    expr = compile_expr("t3[1][$c] + t3[2][$c] == t3[3.7][$c] + t3[4][$c]")
    ok = expr.evaluate(GOOD_T3, {"c": "natural"})
    assert ok.value is True
    assert (ok.lhs, ok.rhs) == (6, 6)
    assert [(c.row, c.col) for c in ok.cells] == [("1", "natural"), ("2", "natural"),
                                                   ("3.7", "natural"), ("4", "natural")]
    assert ok.missing == []
    bad = expr.evaluate(GOOD_T3, {"c": "legal"})
    assert bad.value is False
    assert (bad.lhs, bad.rhs) == (4, 3)
    assert expr.variables == ("c",)


def test_bindings_may_be_given_with_dollar():
    assert run("t3[1][$c] == 5", GOOD_T3, **{"$c": "natural"}).value is True


def test_outcome_sum_with_lists_and_wildcards():
    expr = compile_expr("t3[3.7][$c] == sum(t3[3.1, 3.2, 3.3.*, 3.4.*, 3.5.*, 3.6.*][$c])")
    total = expr.evaluate(GOOD_T3, {"c": "total"})
    assert total.value is True and (total.lhs, total.rhs) == (9, 9)
    # 3.3.* covers 3.3.1 and 3.3.2 only (not 3.3 itself, not 3.4.1)
    assert [c.row for c in total.cells] == ["3.7", "3.1", "3.2", "3.3.1", "3.3.2", "3.4.1", "3.5.1", "3.6.1"]
    legal = expr.evaluate(GOOD_T3, {"c": "legal"})
    assert legal.value is True and legal.rhs == 3


def test_row_sum_with_column_range():
    expr = compile_expr("t3[$r][total] == sum(t3[$r][natural..other])")
    assert all(expr.evaluate(GOOD_T3, {"r": r}).value is True for r in T3_ROWS)
    broken = t3({"1": [1, 2, 3, 0, 0, 0, 7]})
    res = expr.evaluate(broken, {"r": "1"})
    assert res.value is False and (res.lhs, res.rhs) == (7, 6)
    assert [c.col for c in res.cells] == T3_COLS[-1:] + T3_COLS[:-1]


def test_t4_group_sum():
    values = {("t4", "review", c): v for c, v in zip(T4_COLS, [1, 2, 0, 1, 4])}
    values.update({("t4", "litigation_direct", c): v for c, v in zip(T4_COLS, [1, 0, 0, 0, 2])})
    resolver = FakeResolver(values)
    expr = compile_expr("t4[$g][total] == sum(t4[$g][upheld..pending])")
    assert expr.evaluate(resolver, {"g": "review"}).value is True
    res = expr.evaluate(resolver, {"g": "litigation_direct"})
    assert res.value is False and (res.lhs, res.rhs) == (2, 1)


def test_identifier_and_quoted_row_ids():
    resolver = FakeResolver({("t4", "review", "upheld"): 3, ("t3", "3.7", "total"): 9})
    assert run("t4[review][upheld] == 3", resolver).value is True
    assert run("t3[\"3.7\"][total] == t3['3.7'][total]", resolver).value is True


# =====================================================================================================
# Implication and three-valued logic
# =====================================================================================================

IMPLIES = "t3[1][total] + t3[2][total] > 0 -> t3[3.7][total] > 0"


@pytest.mark.parametrize("new, carried, done, expected", [
    (3, 0, 3, True),       # antecedent and consequent hold
    (3, 0, 0, False),      # received applications but none handled
    (0, 0, 0, True),       # antecedent false: vacuously true
    (0, 0, None, True),    # ... even when the consequent is blank
    (3, 0, None, None),    # antecedent true, consequent unknown
])
def test_implication(new, carried, done, expected):
    resolver = FakeResolver({("t3", "1", "total"): new, ("t3", "2", "total"): carried,
                             ("t3", "3.7", "total"): done})
    res = run(IMPLIES, resolver)
    assert res.value is expected
    if expected is None:
        assert [(c.row, c.col) for c in res.missing] == [("3.7", "total")]
    else:
        assert res.missing == []
    if new > 0:     # the comparison right of -> was evaluated: its sides are reported
        assert (res.lhs, res.rhs) == (done, 0)
    else:
        assert (res.lhs, res.rhs) == (None, None)


@pytest.mark.parametrize("text, expected", [
    ("t3[1][a] > 0 and t3[1][b] > 0", False),   # False and None
    ("t3[1][b] > 0 and t3[1][a] > 0", False),   # None and False
    ("t3[1][t] > 0 and t3[1][b] > 0", None),    # True and None
    ("t3[1][t] > 0 or t3[1][b] > 0", True),     # True or None
    ("t3[1][a] > 0 or t3[1][b] > 0", None),     # False or None
    ("not t3[1][b] > 0", None),
    ("t3[1][t] > 0 -> t3[1][b] > 0", None),      # True -> None
    ("t3[1][b] > 0 -> t3[1][t] > 0", True),      # None -> True
    ("t3[1][b] > 0 -> t3[1][a] > 0", None),      # None -> False
])
def test_three_valued_logic(text, expected):
    resolver = FakeResolver({("t3", "1", "a"): 0, ("t3", "1", "t"): 1, ("t3", "1", "b"): None})
    res = run(text, resolver)
    assert res.value is expected
    # missing is reported exactly when the blank cell left the value unknown
    assert [c.col for c in res.missing] == (["b"] if expected is None else [])


def test_implication_is_right_associative_and_loosest():
    resolver = FakeResolver({("t3", "1", "a"): 1, ("t3", "1", "b"): 1, ("t3", "1", "c"): 0})
    # a -> (b -> c): 1 > 0 -> (1 > 0 -> 0 > 0) is False; (a -> b) -> c would also be False, so add `or`
    assert run("t3[1][a] > 0 -> t3[1][b] > 0 -> t3[1][c] > 0", resolver).value is False
    assert run("t3[1][c] > 0 -> t3[1][b] > 0 -> t3[1][c] > 0", resolver).value is True
    assert run("t3[1][a] > 0 -> t3[1][c] > 0 or t3[1][b] > 0", resolver).value is True


# =====================================================================================================
# Numbers and missing operands
# =====================================================================================================

def test_decimals():
    resolver = FakeResolver({("t2", "fee", "amount"): Decimal("0.5")})
    res = run("t2[fee][amount] >= 0", resolver)
    assert res.value is True and res.lhs == Decimal("0.5") and res.rhs == 0
    assert run("t2[fee][amount] * 2 == 1", resolver).value is True
    assert run("t2[fee][amount] + 0.25 == 0.75", resolver).value is True
    literal = compile_expr("1.5 + 2")
    assert literal.evaluate(resolver).value == Decimal("3.5")
    assert isinstance(compile_expr("1 + 2 * 3").evaluate(resolver).value, int)


def test_arithmetic_precedence_and_unary_minus():
    resolver = FakeResolver({})
    assert run("1 + 2 * 3", resolver).value == 7
    assert run("(1 + 2) * 3", resolver).value == 9
    assert run("10 - 4 - 3", resolver).value == 3
    assert run("-2 * -3", resolver).value == 6
    assert run("7 / 2", resolver).value == Decimal("3.5")
    assert run("1 / 0", resolver).value is None        # no value, and no cell to blame
    assert run("abs(-3) + min(4, 2, 8) + max(1, 5)", resolver).value == 10
    assert run("approx(10, 10.4, 0.5)", resolver).value is True
    assert run("approx(10, 11, 0.5)", resolver).value is False


def test_blank_operand_gives_none_and_is_listed_once():
    resolver = t3({"1": [None, 1, 0, 0, 0, 0, 1], "2": [0] * 7, "3.7": [None, 1, 0, 0, 0, 0, 1], "4": [0] * 7})
    res = run("t3[1][natural] + t3[2][natural] + t3[1][natural] == t3[3.7][natural] + t3[4][natural]", resolver)
    assert res.value is None
    assert res.lhs is None and res.rhs is None
    assert [(c.row, c.col) for c in res.missing] == [("1", "natural"), ("3.7", "natural")]
    assert [(c.row, c.col) for c in res.cells] == [("1", "natural"), ("2", "natural"),
                                                    ("3.7", "natural"), ("4", "natural")]


def test_unknown_cell_is_missing_by_key():
    res = run("t3[1][natural] == 0", FakeResolver({}))
    assert res.value is None
    assert res.missing == [("t3", "1", "natural")]
    assert res.cells == []


def test_sum_with_blank_cells_lists_all_of_them():
    resolver = t3({"3.1": [1] * 7, "3.2": [None] * 7, "3.3.1": [None] * 7, "3.3.2": [2] * 7})
    res = run("sum(t3[3.1, 3.2, 3.3.*][$c]) > 0", resolver, c="total")
    assert res.value is None
    assert [c.row for c in res.missing] == ["3.2", "3.3.1"]


def test_filled_and_blank_never_unknown():
    resolver = FakeResolver({("t3", "1", "a"): None, ("t3", "1", "b"): 0})
    assert run("blank(t3[1][a]) and filled(t3[1][b])", resolver).value is True
    assert run("filled(t3[1][a]) or blank(t3[1][zzz])", resolver).value is True
    res = run("filled(t3[1][a])", resolver)
    assert res.value is False and res.missing == []
    assert [c.col for c in res.cells] == ["a"]


def test_aggregates_iterate_conditions_over_multi_cell_refs():
    resolver = t3({"3.1": [1, 0, 0, 0, 0, 0, 1], "3.2": [None, 0, 0, 0, 0, 0, 0],
                   "3.3.1": [2, 0, 0, 0, 0, 0, 2], "3.3.2": [0] * 7})
    assert run("all(t3[3.1, 3.3.*][$c] >= 0)", resolver, c="natural").value is True
    assert run("any(t3[3.1, 3.2][$c] > 1)", resolver, c="natural").value is None     # 3.2 blank
    assert run("any(t3[3.*][$c] > 1)", resolver, c="natural").value is True          # 3.3.1 decides
    assert run("all(filled(t3[3.1, 3.2][$c]))", resolver, c="natural").value is False
    assert run("count(t3[3.1, 3.2, 3.3.1][natural])", resolver).value == 2           # filled cells
    assert run("count(t3[3.1, 3.3.1][natural] > 1)", resolver).value == 1           # true conditions
    assert run("count(t3[3.1, 3.2][natural] > 1)", resolver).value is None
    # elementwise inside sum: each matched cell stands in for the reference
    assert run("sum(abs(t3[3.1, 3.3.1][natural] - 1)) == 1", resolver).value is True
    assert run("sum(t3[3.1][natural], 10) == 11", resolver).value is True


def test_range_endpoint_not_in_template_is_error_at_evaluation():
    expr = compile_expr("sum(t3[1][natural..nope]) == 0")
    with pytest.raises(ExprError, match="nope"):
        expr.evaluate(GOOD_T3)


def test_unbound_variable_is_error():
    with pytest.raises(ExprError, match=r"\$c"):
        compile_expr("t3[1][$c] == 0").evaluate(GOOD_T3)


# =====================================================================================================
# Syntax and compile errors
# =====================================================================================================

@pytest.mark.parametrize("text, line, column", [
    ("t3[1][total] ==", 1, 16),            # just past the end
    ("t3[1][total] + + ", 1, 16),          # the second '+'
    ("t3[1][total] == 1 ==\n 2", 1, 19),   # comparisons do not chain
    ("t3[1][total] ==\n  t3[1][ ]", 2, 10),
    ("t3[1][total] = 1", 1, 14),           # '=' is not an operator
    ("t3.__class__", 1, 3),                # no attribute access
])
def test_syntax_errors_have_positions(text, line, column):
    with pytest.raises(ExprSyntaxError) as info:
        compile_expr(text)
    err = info.value
    assert (err.line, err.column) == (line, column)
    assert isinstance(err, ValueError)
    caret = str(err).splitlines()[-1]
    assert caret.strip() == "^"


def test_syntax_error_message_names_what_was_expected():
    with pytest.raises(ExprSyntaxError) as info:
        compile_expr("t3[1][total] ==")
    assert "unexpected end of expression" in info.value.message
    assert "a number" in info.value.message
    assert str(info.value).splitlines()[-2] == "t3[1][total] =="


@pytest.mark.parametrize("text, fragment, column", [
    ("foo(t3[1][total])", "unknown function 'foo'", 1),
    ("t3[1][total] == t9[1][total]", "unknown table 't9'", 17),
    ("t3[1][natural..other] == 0", "names several cells", 1),
    ("t3[3.3.*][total] > 0", "names several cells", 1),
    ("abs(t3[1, 2][total]) > 0", "names several cells", 5),
    ("max(t3[1][natural..other], 0) > 0", "names several cells", 5),
    ("t3[1][total] + (1 > 0) == 1", "needs a number", 17),
    ("t3[1][total] and 1 > 0", "needs a true/false value", 1),
    ("t3[1][total] < (1 > 0)", "needs a number on both sides", 1),
    ("filled(1)", "takes a cell reference", 8),
    ("approx(1, 2)", "takes 3 arguments", 1),
    ("sum(t3[1, 2][a] + t3[3, 4][a]) > 0", "one multi-cell reference", 19),
])
def test_compile_errors(text, fragment, column):
    with pytest.raises(ExprError) as info:
        compile_expr(text)
    assert fragment in info.value.message
    assert (info.value.line, info.value.column) == (1, column)
    assert str(info.value).endswith("^")


def test_size_limits():
    long = " + ".join(["t3[1][total]"] * 200) + " > 0"
    assert len(long) > 3000
    with pytest.raises(ExprError, match="2000"):
        compile_expr(long)
    with pytest.raises(ExprError, match="nested too deeply"):
        compile_expr("(" * 60 + "1" + ")" * 60 + " > 0")
    with pytest.raises(ExprError, match="nested too deeply"):
        compile_expr("-" * 500 + "1 > 0")
    # long flat chains are not deep
    assert compile_expr(" + ".join(["1"] * 300) + " > 0").evaluate(FakeResolver({})).value is True


# =====================================================================================================
# API
# =====================================================================================================

def test_compile_is_cached():
    a = compile_expr("t3[1][$c] >= 0")
    assert compile_expr("t3[1][$c] >= 0") is a
    assert isinstance(a, Expr) and a.text == "t3[1][$c] >= 0" and a.boolean


def test_refs_for_validation():
    expr = compile_expr("t3[3.7][$c] == sum(t3[3.1, 3.3.*][$c], t3['4'][natural..other]) and t3[3.7][$c] > 0")
    refs = expr.refs()
    assert all(isinstance(r, RefSpec) for r in refs)
    assert [str(r) for r in refs] == ["t3[3.7][$c]", "t3[3.1, 3.3.*][$c]", "t3[4][natural..other]"]
    kinds = [(p.kind, p.value, p.end) for p in refs[1].rows + refs[2].cols]
    assert kinds == [("id", "3.1", None), ("prefix", "3.3.", None), ("range", "natural", "other")]
    assert [r.multi for r in refs] == [False, True, True]
    assert (refs[1].line, refs[1].column) == (1, 20)


class MemoResolver(FakeResolver):
    """A resolver with a per-report memo (as the engine's has), counting how often rows/cols are listed."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.memo: dict = {}
        self.listings = 0

    def rows(self, table):
        self.listings += 1
        return super().rows(table)

    def cols(self, table):
        self.listings += 1
        return super().cols(table)


def test_memo_gives_the_same_results_and_lists_once():
    values = dict(GOOD_T3.values)
    values[("t3", "3.2", "natural")] = None
    expr = compile_expr("t3[3.7][$c] == sum(t3[3.*][$c]) - t3[3.7][$c] and sum(t3[1][natural..other]) >= 0")
    plain, memo = FakeResolver(values), MemoResolver(values)
    for c in T3_COLS + T3_COLS:
        a, b = expr.evaluate(plain, {"c": c}), expr.evaluate(memo, {"c": c})
        assert (a.value, a.cells, a.missing, a.lhs, a.rhs) == (b.value, b.cells, b.missing, b.lhs, b.rhs)
    assert memo.listings == 2       # 3.* and natural..other: once each, not once per evaluation


def test_errors_are_raised_on_every_evaluation_with_a_memo():
    resolver = MemoResolver({})
    expr = compile_expr("sum(t3[1][natural..nope]) == 0")
    for _ in range(2):
        with pytest.raises(ExprError, match="nope"):
            expr.evaluate(resolver)


VALUE_CASES = [
    "t3[1][$c] + t3[2][$c] == t3[3.7][$c] + t3[4][$c]",
    "t3[3.7][$c] == sum(t3[3.*][$c]) - t3[3.7][$c]",
    "t3[1][total] + t3[2][total] > 0 -> count(t3[3.*][total]) > count(t3[3.7][total]) and sum(t3[3.*][total]) > 0",
    "all(t3[3.*][$c] >= 0) or any(t3[3.*][$c] > 100)",
    "not (t3[1][$c] == 0) or filled(t3[2][$c]) and blank(t3[9][$c])",
    "approx(t3[1][$c] / t3[2][$c], max(t3[4][$c], 1), abs(-1)) -> min(t3[1][$c], 2) <= 2",
    "sum(t3[1, 3.1..3.3.2][$c]) == sum(t3[$r][natural..other])",
    # straight-line: evaluated for all bindings at once (expr_batch)
    "abs(t3[1][$c] - t3[2][$c]) <= max(t3[4][$c], min(1, 2), t3[$r][$c])",
    "approx(t3[1][$c] / t3[2][$c], 1, 0.5) == (not filled(t3[3.2][$c]))",
    "-t3[1][$c] * 2 + t3[$r][$c] / 3 - 1 != t3[$r][total] - 7 / 0",
    "sum(t3[3.*][$c], 1, t3[$r][total]) >= sum(t3[$r][natural..other]) + sum(t3[1][total])",
    "blank(t3[$r][$c]) == (t3[1][$c] > 0)",
]
UNBATCHED = VALUE_CASES[2:6]     # and/or/->/all/any/count: left to the per-binding closures


@pytest.mark.parametrize("text", VALUE_CASES)
def test_value_is_the_value_of_evaluate(text):
    """Expr.value / Expr.values (no record of cells read) give what evaluate() gives, on full, blank, unknown
    and zero-divisor cells, and raise what it raises."""
    expr = compile_expr(text)
    values = dict(GOOD_T3.values)
    values[("t3", "3.2", "natural")] = None
    values[("t3", "2", "legal")] = 0
    del values[("t3", "4", "business")]
    for resolver in (GOOD_T3, FakeResolver(values), MemoResolver(values), FakeResolver({})):
        bindings = [{"c": c, "r": r} for c in T3_COLS for r in ("1", "3.7", "4")]
        want = [expr.evaluate(resolver, b).value for b in bindings]
        assert [expr.value(resolver, b) for b in bindings] == want
        blanks: list = []
        assert expr.values(resolver, bindings, blanks) == want
        for b, read in zip(bindings, blanks):     # every blank cell that made a value unknown was read
            assert all(m in read for m in expr.evaluate(resolver, b).missing if not isinstance(m, tuple))
    if "$" in text:
        with pytest.raises(ExprError, match="no binding"):
            expr.value(GOOD_T3, {})
        with pytest.raises(ExprError, match="no binding"):
            expr.values(GOOD_T3, [{"c": "total", "r": "1"}, {}])


def test_straight_line_expressions_are_batched_and_others_are_not():
    for text in VALUE_CASES:
        expr = compile_expr(text)
        expr.values(GOOD_T3, [{"c": "total", "r": "1"}])
        assert (expr._batch is None) == (text in UNBATCHED), text


def test_batched_errors_are_the_closures_errors():
    expr = compile_expr("sum(t3[$r][natural..nope]) == t3[$r][total]")
    with pytest.raises(ExprError, match="nope") as batched:
        expr.values(MemoResolver({}), [{"r": "1"}, {"r": "2"}])
    with pytest.raises(ExprError, match="nope") as single:
        expr.evaluate(MemoResolver({}), {"r": "1"})
    assert str(batched.value) == str(single.value)


def test_nodes_are_values_without_their_positions():
    from gklint.rules.expr import Num, Pattern

    a = compile_expr("t3[1][$c] >= 0").refs()[0]
    b = compile_expr("1 + t3[1][$c] >= 0").refs()[0]
    assert (a.column, b.column) == (1, 5)
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a != compile_expr("t3[2][$c] >= 0").refs()[0]
    assert Num(1, line=2) == Num(1) != Num(2) and Num(1) != Pattern("id", "1")
    assert repr(Pattern("range", "a", "b")) == "Pattern(kind='range', value='a', end='b')"
    with pytest.raises(AttributeError):
        a.table = "t4"
    with pytest.raises(TypeError):
        Num(1, 2)


# ---------------------------------------------------------------------------------------------------------
# The AST as JSON data (kept with a loaded pack) and compile_expr reading it instead of parsing
# ---------------------------------------------------------------------------------------------------------

TREE_CASES = VALUE_CASES + [
    "t3[$r][total] == sum(t3[$r][natural..other])",
    "t3[\"3.7\"]['total'] == 1.50 + 0.0000001 * 00.5 - 12345678901234567890",
    "t3[1][total] > 0\n  -> t3[3.7][total] > 0 -> t4[review][total] >= 0",
    "((t3[1][total])) == -(-(2))",
]


def tree(text: str):
    from gklint.rules.expr_ast import to_data

    return to_data(compile_expr(text).root)


@pytest.mark.parametrize("text", TREE_CASES)
def test_an_ast_read_back_from_its_json_data_is_the_parsed_one_positions_included(text):
    import json

    from gklint.rules.expr_ast import from_data, to_data

    data = json.loads(json.dumps(tree(text)))
    back = from_data(data)
    assert back == compile_expr(text).root and to_data(back) == data


@pytest.mark.parametrize("data", [
    None, [], {}, "num", ["num", 1, 1], ["num", 1, 1, -1], ["num", 1, 1, True], ["num", 1, 1, 1.5],
    ["num", 1, 1, "NaN"], ["num", 1, 1, "1E+5"], ["num", 1, 1, "1.5", 2], ["num", "1", 1, 1], ["num", 1, None, 1],
    ["nope", 1, 1, 1], ["ref", 1, 1, "t3", [], [["id", "1", None]]], ["ref", 1, 1, "t3", [["id", 1, None]], [["id", "1", None]]],
    ["ref", 1, 1, "t3", [["id", "1"]], [["id", "1", None]]], ["ref", 1, 1, "t3", [["range", "1", None]], [["id", "1", None]]],
    ["ref", 1, 1, "t3", [["id", "1", "2"]], [["id", "1", None]]], ["ref", 1, 1, "t3", [["eval", "1", None]], [["id", "1", None]]],
    ["arith", 1, 1, [["num", 1, 1, 1]], []], ["arith", 1, 1, [["num", 1, 1, 1], ["num", 1, 1, 2]], ["**"]],
    ["arith", 1, 1, [["num", 1, 1, 1], ["num", 1, 1, 2]], ["+", "-"]], ["and", 1, 1, [["num", 1, 1, 1]]],
    ["cmp", 1, 1, "===", ["num", 1, 1, 1], ["num", 1, 1, 1]], ["call", 1, 1, 5, []], ["call", 1, 1, "sum", "x"],
    ["implies", 1, 1, ["num", 1, 1, 1]], ["not", 1, 1, "x"],
])
def test_anything_but_an_ast_as_data_is_refused_with_a_value_error(data):
    from gklint.rules.expr_ast import from_data

    with pytest.raises(ValueError):
        from_data(data)


def test_ast_data_nested_deeper_than_the_language_allows_is_refused():
    from gklint.rules.expr_ast import MAX_DEPTH, from_data

    data = ["num", 1, 1, 1]
    for _ in range(MAX_DEPTH - 1):
        data = ["neg", 1, 1, data]
    from_data(data)
    with pytest.raises(ValueError):
        from_data(["neg", 1, 1, data])


@pytest.fixture()
def fresh_compile():
    from gklint.rules import expr

    compile_expr.cache_clear()
    expr._STORED.clear()
    yield expr
    compile_expr.cache_clear()
    expr._STORED.clear()


def test_a_kept_ast_is_compiled_without_the_parser(fresh_compile, monkeypatch):
    expr = fresh_compile
    want = {t: tree(t) for t in TREE_CASES}
    compile_expr.cache_clear()
    expr.keep_trees(want)

    def refuse():
        raise AssertionError("the expression parser was built")

    from gklint.rules import expr_parse

    monkeypatch.setattr(expr_parse, "_parser", refuse)
    for text in TREE_CASES:
        assert tree(text) == want[text]
        assert compile_expr(text).boolean
    assert not expr._STORED                      # each taken once
    assert expr.stored_trees([*TREE_CASES, "not compiled", 5]) == want


def test_a_kept_ast_that_is_damaged_or_invalid_is_parsed_instead(fresh_compile):
    expr = fresh_compile
    good, invalid = "t3[1][total] >= 0", "t9[1][total] >= 0"
    want = tree(good)
    with pytest.raises(ExprError) as parsed:
        compile_expr(invalid)
    compile_expr.cache_clear()
    unknown_table = ["cmp", 1, 1, ">=", ["ref", 1, 1, "t9", [["id", "1", None]], [["id", "total", None]]],
                     ["num", 1, 17, 0]]
    expr.keep_trees({good: ["cmp", 1, 1, ">=", "damaged"], invalid: unknown_table})
    assert tree(good) == want
    with pytest.raises(ExprError) as stored:
        compile_expr(invalid)                     # the check fails on the kept AST: the parse says what is wrong
    assert str(stored.value) == str(parsed.value) and "^" in str(stored.value)
