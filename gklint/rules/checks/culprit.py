"""Check kind ``culprit``: which single cell, if changed, would make every failing relation of a table hold.

A table's arithmetic relations (the ``equation`` rules naming the same ``table``: GK301 row totals, GK302
outcome totals, GK303 the printed balance …) are evaluated together. When some fail, every cell read by a
failing relation is a candidate; the relations are linear in each cell, so the value that makes the first
failing relation hold is solved exactly (two evaluations), and the candidate is kept when, with that value,
*every* relation of the table holds (the failing ones and those that held before). Exactly one such cell is
the likely culprit (a row total and a column total that both fail meet in it); none means no single cell
explains the failures, which is said once; several (one row total failing alone) are left to the relation
findings themselves.
"""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from itertools import repeat
from operator import is_

from ...memo import remember
from ...diagnostics import Severity
from ...model import Cell, Report
from . import Finding, Opt, kind
from .relations import _fmt, _is_cell, _table_found, relation_values
from .table_shape import cell_name

MAX_CANDIDATES = 200   # cells tried per table (a full 表三 has 7 × 33); bounds the work on hostile input


class _Override:
    """A resolver that reads one cell with another value."""

    def __init__(self, base, key: tuple[str, str, str], value) -> None:
        self.base, self.key, self.value = base, key, value
        self.memo = getattr(base, "memo", None)     # the same rows() and cols(): the same expansions

    def cell(self, table: str, row: str, col: str):
        return self.lookup((table, row, col))

    def lookup(self, key: tuple[str, str, str]):
        c = self.base.cell(*key)
        if key == self.key and c is not None:
            return replace(c, value=self.value)
        return c

    def rows(self, table: str):
        return self.base.rows(table)

    def cols(self, table: str):
        return self.base.cols(table)


_EQUATIONS: dict = {}    # (id of a rule list, table) → (the list, its equation rules on that table)


def _equations(rules: tuple, table: str) -> list:
    """The equation rules on ``table`` among ``rules`` (the engine passes the same tuple for every report)."""
    hit = _EQUATIONS.get((id(rules), table))
    if hit is None or hit[0] is not rules:
        hit = remember(_EQUATIONS, (id(rules), table),
                       (rules, [r for r in rules if r.kind == "equation" and r.opt("table") == table]), 16)
    return hit[1]


def _relations(rule, report: Report, ctx) -> list:
    """(code, compiled expression, bindings, values) for every equation rule on this rule's table."""
    out = []
    for other in _equations(ctx.rules, rule.opt("table")):
        if other.applies_to(report.template):
            expr, bindings, values, _ = relation_values(other, report, ctx)
            out.append((other.code, expr, bindings, values))
    return out


def _diff(res):
    try:
        return res.lhs - res.rhs
    except TypeError:
        return None


def _solve(expr, b, res, resolver, cell: Cell):
    """The value of ``cell`` that makes ``lhs == rhs`` of ``expr`` hold, or None (not linear in it).
    ``res`` is the relation as evaluated, with the cell at its own value."""
    key = (cell.table, cell.row, cell.col)
    v0 = cell.value
    d0 = _diff(res)
    d1 = _diff(expr.evaluate(_Override(resolver, key, v0 + 1), b))
    if d0 is None or d1 is None or d1 == d0:
        return None
    x = Decimal(v0) - Decimal(d0) / Decimal(d1 - d0)
    if x < 0 or (not isinstance(v0, Decimal) and x != x.to_integral_value()):
        return None  # a count that would have to be negative or fractional explains nothing
    return x if isinstance(v0, Decimal) else int(x)


@kind("culprit", options={"table": Opt(str, required=True, doc="the table whose equation rules are solved together")})
def check_culprit(rule, report: Report, ctx):
    """Name the single cell that, if changed, makes every failing relation of the table hold."""
    if not _table_found(rule, report):
        return
    per_rule = _relations(rule, report, ctx)
    # usually every relation holds or cannot be checked: one identity scan of the values (a value is False,
    # not merely equal to it) before any per-binding tuple is made
    if not any(any(map(is_, values, repeat(False))) for *_, values in per_rule):
        return
    relations = [(code, expr, b, v) for code, expr, bindings, values in per_rule for b, v in zip(bindings, values)]
    # some relation fails: what each read is needed now (the full evaluations, shared with the equation rules)
    results = [(code, expr, b, ctx.evaluate(expr, b)) for code, expr, b, _ in relations]
    failing = [r for r in results if r[3].value is False]
    # A relation that does not read a cell evaluates the same whatever that cell holds: only the relations
    # reading a candidate are solved and re-checked with it (the others keep their result).
    reads = [{(c.table, c.row, c.col) for c in res.cells} for *_, res in results]
    decided = [i for i, r in enumerate(results) if r[3].value is not None]   # held or failed
    failing_reads = [reads[i] for i in decided if results[i][3].value is False]
    candidates: dict[tuple[str, str, str], Cell] = {}     # by key: one resolver gives one cell per key
    for _, _, _, res in failing:
        for c in res.cells:
            if _is_cell(c) and c.value is not None:
                candidates.setdefault((c.table, c.row, c.col), c)
    explainers = []
    for key, cell in list(candidates.items())[:MAX_CANDIDATES]:
        if not all(key in keys for keys in failing_reads):
            continue    # a failing relation that does not read the cell still fails with any value of it
        value = None
        for _, expr, b, res in failing:
            value = _solve(expr, b, res, ctx.resolver, cell)
            if value is not None:
                break
        if value is None:
            continue
        trial = _Override(ctx.resolver, key, value)
        if all(results[i][1].evaluate(trial, results[i][2]).value is True for i in decided if key in reads[i]):
            explainers.append((cell, value))
    t = report.tables[rule.opt("table")]
    codes = "、".join(dict.fromkeys(code for code, *_ in failing))
    if len(explainers) == 1:
        cell, value = explainers[0]
        yield Finding(cell.span, {"cell": cell_name(t, cell.row, cell.col), "value": _fmt(cell.value),
                                  "balance": _fmt(value), "count": len(failing), "codes": codes})
    elif not explainers and len(failing) > 1:
        first = next((c for c in failing[0][3].cells if _is_cell(c) and c.span), None)
        yield Finding(first.span if first else None, {"count": len(failing), "codes": codes},
                      message="none", severity=Severity.INFO)
