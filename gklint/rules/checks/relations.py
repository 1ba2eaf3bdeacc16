"""Check kinds for the tables' arithmetic and conditional relations (勾稽关系), in the expression language.

Expressions (``grammars/expr.lark``, evaluated by ``gklint.rules.expr``, never ``eval``) name cells by canonical id.
``foreach`` gives the bindings to loop over: a list of ids, or ``rows:t3`` / ``cols:t3`` for the template's
data rows or columns. A diagnostic points at the ``focus`` cell (the total that is wrong) and says the
computed value. An operand cell that is blank or missing in a row the report has makes the relation
uncheckable: that is said once per rule (info, pointing at the blank cell), never computed as 0. Rows the
report lacks altogether (a cut-off table) are GK202's business and are skipped silently.
"""
from __future__ import annotations

import itertools
from itertools import chain, repeat
from operator import attrgetter, is_
from decimal import Decimal

from ...memo import remember
from ...diagnostics import Severity
from ..expr import ExprError, ExprSyntaxError, compile_expr
from ..expr_eval import as_variables
from ...model import Cell, Report
from . import Finding, Opt, kind
from .table_shape import _cut_row, cell_name, col_label, mostly_empty, row_label

FOREACH_DOC = "variable → list of ids, or 'rows:<table>' / 'cols:<table>' (the template's data rows/columns)"


def _values(spec, ctx) -> tuple[str, ...]:
    if isinstance(spec, list):
        return tuple([str(x) for x in spec])
    what, _, table = str(spec).partition(":")
    if what in ("rows", "cols"):
        return ctx.resolver.listing(table, what)    # () for a table the report lacks
    if table not in ctx.report.tables:
        return ()
    raise ValueError(f"foreach 取值 {spec!r} 应为列表或 rows:<表>/cols:<表>")


# (variable names, their ids) → (the bindings, as the evaluator reads them): the same for every report whose
# tables list the same ids, so made once, not per report; callers never change them
_BINDINGS: dict = {}


def _bindings_and_variables(rule, ctx) -> tuple[list[dict], list[dict]]:
    foreach = rule.opt("foreach") or {}
    names = tuple(foreach)
    key = (names, tuple([_values(foreach[n], ctx) for n in names]))
    hit = _BINDINGS.get(key)
    if hit is None:
        bindings = [dict(zip(names, combo)) for combo in itertools.product(*key[1])]   # at most MAX_BINDINGS
        hit = remember(_BINDINGS, key, (bindings, [as_variables(b) for b in bindings]), 64)
    return hit


def _bindings(rule, ctx) -> list[dict]:
    """Every combination of the rule's ``foreach`` on this report (a list shared across reports: not to change)."""
    return _bindings_and_variables(rule, ctx)[0]


def _fmt(v) -> str:
    if isinstance(v, Decimal):
        return format(v.normalize(), "f")
    if isinstance(v, bool):
        return "是" if v else "否"
    return "—" if v is None else str(v)


def _is_cell(x) -> bool:
    return isinstance(x, Cell)


_TABLE, _ROW = attrgetter("table"), attrgetter("row")


class _Uncheckable:
    """One rule on one report: whether "cannot check" was said yet (it is said once), and per table the rows
    whose blank cells make a relation uncheckable (once per report, shared by the relation rules)."""

    def __init__(self, rule, report: Report, ctx) -> None:
        self.report = report
        self.open = "missing" in rule.messages     # the rule says it, and has not yet on this report
        self._rows: dict[str, frozenset[str]] = ctx.evaluations.setdefault("counting-rows", {})

    def any_counts(self, blanks: list) -> bool:
        """Whether a blank cell among ``blanks`` (those a relation read: cells, never keys) counts: only then can
        its missing cells (a subset) have one that first_blank finds, so only then is the relation worth
        evaluating in full. Blanks of one table (the usual case) are one set test, not a look at each."""
        tables = set(map(_TABLE, blanks))
        if len(tables) == 1:
            return not self._counting(tables.pop()).isdisjoint(map(_ROW, blanks))
        return self.first_blank(blanks) is not None

    def first_blank(self, missing: list):
        """The first of ``missing`` that counts: a cell (not a key the report lacks) whose row is in the
        report and is not the last row of a cut-off table, in a table that is not (almost) empty (an empty
        table is said once by GK203)."""
        table, rows = None, frozenset()
        for c in missing:
            if isinstance(c, Cell):
                if c.table != table:        # the missing cells of a relation are mostly of one table
                    table, rows = c.table, self._counting(c.table)
                if c.row in rows:
                    return c
        return None

    def _counting(self, table: str) -> frozenset[str]:
        return _counting_rows(self.report, self._rows, table)


def _counting_rows(report: Report, memo: dict, table: str) -> frozenset[str]:
    """The rows of ``table`` whose blank cells make a relation uncheckable (see _Uncheckable.first_blank), kept in
    ``memo`` (ctx.evaluations["counting-rows"]: once per report); none for a table the report lacks."""
    rows = memo.get(table)
    if rows is None:
        t = report.tables.get(table)
        cut = _cut_row(t) if t is not None else None
        rows = memo[table] = frozenset() if t is None or mostly_empty(t) else frozenset(
            r.id for r in t.rows if t.row(r.id) is r and r.present and r is not cut)
    return rows


def _complete(report: Report, table: str | None) -> bool:
    t = report.tables.get(table) if table else None
    return t is None or all(r.present for r in t.rows)


def _params(rule, report: Report, b: dict, res) -> dict:
    params = {"lhs": _fmt(res.lhs), "rhs": _fmt(res.rhs), **b}
    table = rule.opt("table")
    t = report.tables.get(table) if table else None
    if t is not None:
        if "r" in b or "g" in b:
            params["row"] = row_label(t, b.get("r") or b.get("g"))
        if "c" in b:
            params["col"] = col_label(t, b["c"])
    if res.lhs is not None and res.rhs is not None and not isinstance(res.lhs, bool):
        try:
            params["diff"] = _fmt(res.lhs - res.rhs)
        except TypeError:
            pass
    return params


def _focus(rule, report: Report, b: dict, res, resolver):
    if rule.opt("focus"):
        try:
            r = compile_expr(rule.opt("focus")).evaluate(resolver, b)
        except ExprError:
            r = None
        cells = [c for c in (r.cells if r else []) if _is_cell(c)] + [c for c in (r.missing if r else []) if _is_cell(c)]
        if cells:
            return cells[0]
    cells = [c for c in res.cells if _is_cell(c)]
    return cells[0] if cells else None


def _judge(rule, report: Report, ctx, b: dict, res, once: _Uncheckable, **extra):
    """The finding (if any) of one evaluated relation: a violation, or once per rule 'cannot check'."""
    if res.value is None:
        f = _missing_finding(rule, report, b, res, once)
        if f:
            yield f
    elif res.value is False:
        yield _violation(rule, report, ctx, b, res, **extra)


def _violation(rule, report: Report, ctx, b: dict, res, **extra) -> Finding:
    """A relation that does not hold: at the focus cell, with both sides and the cell's name."""
    focus = _focus(rule, report, b, res, ctx.resolver)
    params = {**_params(rule, report, b, res), **extra}
    t = report.tables.get(focus.table) if focus is not None else None
    if focus is not None and t is not None:
        params["cell"] = cell_name(t, focus.row, focus.col)
        params["value"] = _fmt(focus.value)
    return Finding(focus.span if focus is not None else None, params)


def _missing_finding(rule, report, b, res, once: _Uncheckable):
    """Say once per rule that a relation cannot be checked because a cell of a present row is blank."""
    if not once.open:
        return None
    c = once.first_blank(res.missing)
    if c is None:
        return None
    once.open = False
    t = report.tables[c.table]
    where = c.span or t.row(c.row).label_span
    return Finding(where, {**_params(rule, report, b, res), "cell": cell_name(t, c.row, c.col),
                           "written": "缺失" if c.missing else (f"“{c.raw}”" if c.raw else "空白")},
                   message="missing", severity=Severity.INFO)


def _validate(rule, keys=("expr",)) -> None:
    for key in keys + ("focus",):
        text = rule.opt(key)
        if text:
            try:
                compile_expr(text)
            except (ExprSyntaxError, ExprError) as exc:
                raise ValueError(f"{key} 表达式有误：{exc}") from None
    combos = 1
    for name, spec in (rule.opt("foreach") or {}).items():
        if not isinstance(spec, list) and str(spec).split(":")[0] not in ("rows", "cols"):
            raise ValueError(f"foreach.{name} 应为列表或 rows:<表>/cols:<表>")
        if isinstance(spec, list) and not all(isinstance(x, (str, int, float)) and len(str(x)) <= 40 for x in spec):
            raise ValueError(f"foreach.{name} 的每一项应为不超过 40 个字符的 id")
        combos *= len(spec) if isinstance(spec, list) else MAX_TEMPLATE_IDS
    if combos > MAX_BINDINGS:
        raise ValueError(f"foreach 的组合过多（最多约 {combos} 种，上限 {MAX_BINDINGS}）")


MAX_BINDINGS = 10_000     # combinations of one rule's foreach (issue 8: three lists of 2,000 ids ran for minutes)
MAX_TEMPLATE_IDS = 40     # what rows:/cols: of a template table count for (the largest table has 32 rows)


def relation_values(rule, report: Report, ctx) -> tuple:
    """(compiled ``expr``, its bindings, the value under each, the blank cells each read: at least those that
    can make it uncheckable) of an equation rule on this report, worked out once however many kinds ask (the rule
    itself and the culprit check). Values only: what a relation read or found missing is asked of
    ``ctx.evaluate`` for the few that do not hold."""
    key = ("values", rule.code, id(rule))
    hit = ctx.evaluations.get(key)
    if hit is None or hit[0] is not rule:
        expr = compile_expr(rule.opt("expr"))
        bindings, variables = _bindings_and_variables(rule, ctx)
        blanks: list = []
        # only the blank cells that can make a relation uncheckable are looked for (check_equation's only use):
        # most blank cells are in an (almost) empty table or in rows the report lacks, and none is kept of those
        memo = ctx.evaluations.setdefault("counting-rows", {})
        values = expr.values(ctx.resolver, bindings, blanks, variables,
                             lambda table: _counting_rows(report, memo, table))
        hit = ctx.evaluations[key] = (rule, expr, bindings, values, blanks)
    return hit[1:]


def _table_found(rule, report: Report) -> bool:
    table = rule.opt("table")
    return not table or (table in report.tables and report.tables[table].found)


COMMON = {"foreach": Opt(dict, None, doc=FOREACH_DOC), "focus": Opt(str, None, doc="the cell to point at"),
          "table": Opt(str, None, doc="skip the rule when this table was not found")}


@kind("equation", options={"expr": Opt(str, required=True, doc="a comparison that must hold"), **COMMON})
def check_equation(rule, report: Report, ctx):
    """An arithmetic relation between cells must hold, for every binding of ``foreach``."""
    if not _table_found(rule, report):
        return
    expr, bindings, values, blanks = relation_values(rule, report, ctx)
    once = _Uncheckable(rule, report, ctx)
    # one look at every blank cell read: when none counts (the usual case), no binding's can, and the unknown
    # values need no look one by one
    unknown = once.open and None in values and once.any_counts(list(chain.from_iterable(blanks)))
    if not unknown and not any(map(is_, values, repeat(False))):
        return                  # every relation holds or cannot be said (the usual case): one identity scan
    for b, value, blank in zip(bindings, values, blanks):
        # else there is nothing to say: it holds, or "cannot check" is said already or no blank cell it read counts
        if value is False or (value is None and unknown and once.open and once.any_counts(blank)):
            yield from _judge(rule, report, ctx, b, ctx.evaluate(expr, b), once)


check_equation.validate = _validate


@kind("conditional", options={"when": Opt(str, required=True, doc="the condition"),
                              "then": Opt(str, required=True, doc="what must hold when the condition does"),
                              "blank_fails": Opt(bool, False, doc="a blank operand in `then` is a violation "
                                                 "(message key `blank`), not an uncheckable relation"),
                              **COMMON})
def check_conditional(rule, report: Report, ctx):
    """When ``when`` holds, ``then`` must hold too (e.g. applications received → outcomes filled)."""
    if not _table_found(rule, report):
        return
    if not _complete(report, rule.opt("table")):
        return  # a table with rows missing (GK202) cannot show what was done with the applications
    when, then = compile_expr(rule.opt("when")), compile_expr(rule.opt("then"))
    once = _Uncheckable(rule, report, ctx)
    for b in _bindings(rule, ctx):
        # values first (nothing recorded): a condition that does not hold, or a consequence that does, says nothing
        if when.value(ctx.resolver, b) is not True or then.value(ctx.resolver, b) is True:
            continue
        w = when.evaluate(ctx.resolver, b)
        res = then.evaluate(ctx.resolver, b)
        if res.value is None and rule.opt("blank_fails"):
            c = next((c for c in res.missing if _is_cell(c)), None)
            t = report.tables.get(c.table) if c is not None else None
            span = (c.span or (t.row(c.row).label_span if t and t.row(c.row) else None)) if c is not None else None
            yield Finding(span, {**_params(rule, report, b, res), "when_lhs": _fmt(w.lhs),
                                 "cell": cell_name(t, c.row, c.col) if t else ""}, message="blank")
            continue
        yield from _judge(rule, report, ctx, b, res, once, when_lhs=_fmt(w.lhs), when_rhs=_fmt(w.rhs))


check_conditional.validate = lambda rule: _validate(rule, ("when", "then"))
