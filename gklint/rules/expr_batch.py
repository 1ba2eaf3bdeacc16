"""The rule-expression language, part three: one expression under all the bindings of a rule's ``foreach`` at once,
value only (``Expr.values``).

The per-binding closures of ``expr_eval`` cost a few Python calls per node and binding; here each node is one
loop over the bindings (a list per node), so a rule with 33 bindings walks its tree once, not 33 times. Only
straight-line expressions are done so: numbers, single-cell references, ``-``, arithmetic, comparisons, ``not``,
``sum`` over cells or single values, ``abs``/``min``/``max``/``approx``/``filled``/``blank`` (every operand is
evaluated for every binding, as the closures do). An expression with ``and``/``or``/``->``/``all``/``any``/
``count`` (short-circuits, whose order matters for errors), a wildcard mixed with a variable in one selector,
or anything else is left to the closures (``batch_plan`` returns None). Each value is computed exactly as the
closures compute it, operation by operation (the same left-to-right arithmetic on the same int/Decimal values).

Errors: when a binding lacks a variable or a range end is not in the template, the batch gives up
(``Fallback``) and the caller evaluates binding by binding with the closures, which raise the error the
language defines, at the binding and node where it arises.
"""
from __future__ import annotations

from itertools import chain, compress, repeat
from operator import attrgetter, is_, itemgetter

from .expr_ast import Arith, Call, Compare, Neg, Not, Num, RefSpec, _Node, _free_multirefs


class Fallback(Exception):
    """The batch cannot say what the closures would (an unbound variable, an error at evaluation)."""


class _TableCells:
    """``(row, col) → cell`` of one table, for a resolver that only has ``cell(table, row, col)``."""

    def __init__(self, resolver, table: str) -> None:
        self.resolver, self.table = resolver, table

    def get(self, key: tuple[str, str], default=None):
        cell = self.resolver.cell(self.table, *key)
        return default if cell is None else cell


class _Absent:
    """What a key the table does not have reads as in a batch: no value, and not a blank cell (never recorded)."""

    __slots__ = ()
    value = None
    row = None          # (in no row: never among the rows whose blank cells count, see Batch.counts)


ABSENT = _Absent()
_VALUE, _ROW = attrgetter("value"), attrgetter("row")


class Layout:
    """The keys of one table's ``(row, col) → cell`` index, in its order, and for each list of keys a reference
    reads (the lists _Keys keeps), a getter of the cells (or values) at those keys' places in the index's cells
    in that order: made once per layout, which is the same for most reports (a template's table). A read is
    then one C-level ``itemgetter`` over a list, not a dict look-up per key (a tuple key's hash is computed each
    time: ~600 machine instructions a key, most of the equation kind's cost)."""

    __slots__ = ("keys", "places", "_getters", "_cols")

    KEPT = 64                                   # getters kept per layout (a rule set reads a few dozen lists)

    def __init__(self, keys: tuple) -> None:
        self.keys = keys
        self.places = {key: i for i, key in enumerate(keys)}
        self._getters: dict[int, tuple] = {}    # id(keys read) → (those keys, their getter)
        self._cols: tuple[str, ...] | None = None

    @property
    def cols(self) -> tuple[str, ...]:
        """The columns of the keys, in order of first appearance (once per layout)."""
        if self._cols is None:
            self._cols = tuple(dict.fromkeys([col for _row, col in self.keys]))
        return self._cols

    def getter(self, keys: list):
        """``f(seq) -> [seq[place of key] for key in keys]``, where a key the table lacks has the place just past
        its cells (TableCells puts ABSENT there)."""
        hit = self._getters.get(id(keys))
        if hit is not None and hit[0] is keys:
            return hit[1]
        absent = len(self.keys)
        places = [self.places.get(key, absent) for key in keys]
        if len(places) > 1:
            pick = itemgetter(*places)
            get = lambda seq: list(pick(seq))       # noqa: E731
        elif places:
            place = places[0]
            get = lambda seq: [seq[place]]          # noqa: E731
        else:
            get = lambda seq: []                    # noqa: E731
        self._getters = getters = self._getters if len(self._getters) < self.KEPT else {}
        getters[id(keys)] = (keys, get)         # the entry keeps the keys alive: the id stays theirs
        return get


_LAYOUTS: list[Layout] = []       # the last few layouts met, the latest first


def layout_of_keys(keys: tuple) -> Layout:
    """The layout of these keys (a table's ``(row, col)`` keys in its index's order): one met lately (a run meets
    a few: a template's tables; equal keys are mostly the very same strings, so a comparison is cheaper than
    hashing them all), else a new one, kept among the last few."""
    for layout in _LAYOUTS:
        if layout.keys == keys:
            return layout
    layout = Layout(keys)
    _LAYOUTS.insert(0, layout)
    del _LAYOUTS[4:]
    return layout


_ROW_SHAPES: list[tuple] = []     # (shape, layout, pick or None) of the last few row shapes met, the latest first


def rows_layout(rows: tuple) -> tuple[Layout, list, list]:
    """(the layout of the table's ``Table.cell_index``, the cells it holds in that order then ABSENT, their values),
    once per table and report (engine.Resolver.table_layout), from the table's rows, without the index: its keys
    and which cell each holds (the first row of an id, its first cell of a column) follow from the rows' ids,
    how many cells each row has and the cells' columns alone (the rows' *shape*), which is the same for most
    reports (a template's table). So the shape is read (by comprehensions: a slot read in a specialised loop is
    ~2x cheaper than an attrgetter's) and compared with the last few met (equal shapes are mostly the very same
    strings: a comparison, no hashing), and the cells are the rows' cells in
    order (or, when a row id or a column of a row comes twice, those the index would keep: ``pick``), then
    ABSENT. The index (a tuple key made and hashed per cell: ~150 K machine instructions a report) is not made."""
    per_row = [r.cells for r in rows]
    cells = list(chain.from_iterable(per_row))
    shape = ([r.id for r in rows], list(map(len, per_row)), [c.col for c in cells])
    for known, layout, pick in _ROW_SHAPES:
        if known == shape:
            break
    else:
        layout, pick = _shape_layout(rows)
        _ROW_SHAPES.insert(0, (shape, layout, pick))
        del _ROW_SHAPES[8:]
    if pick is not None:
        cells = pick(cells)
    values = [c.value for c in cells]
    cells.append(ABSENT)
    values.append(None)                      # (ABSENT's)
    return layout, cells, values


def _shape_layout(rows: tuple):
    """(the layout of the index Table.cell_index builds of ``rows``, a function picking the index's cells from the
    rows' cells in order, or None when they are all of them in order): once per shape."""
    first: dict[str, int] = {}             # row id → the index of its first row
    for i, r in enumerate(rows):
        first.setdefault(r.id, i)
    starts, n = [], 0
    for r in rows:
        starts.append(n)
        n += len(r.cells)
    places: dict[tuple[str, str], int] = {}
    for rid, i in first.items():
        for j, c in enumerate(rows[i].cells):
            places.setdefault((rid, c.col), starts[i] + j)
    order = list(places.values())
    if order == list(range(n)):
        pick = None
    elif len(order) > 1:
        get = itemgetter(*order)
        pick = lambda cells: list(get(cells))     # noqa: E731
    else:
        pick = lambda cells: [cells[i] for i in order]    # noqa: E731
    return layout_of_keys(tuple(places)), pick



class Batch:
    """One batch evaluation: the bindings' variables, the cells, and per binding the blank cells read.

    ``counts``: None (every blank cell read is recorded), or ``counts(table)`` gives the rows of ``table`` whose
    blank cells the caller looks for (relations.relation_values: only they can make a relation uncheckable). A read of cells none
    of whose blank ones is in those rows records nothing: most reports with blank cells have them in a table
    that is (almost) empty or in rows the report lacks, and the per-binding lists were made for nothing."""

    __slots__ = ("vars", "n", "cells_of", "layout_of", "run", "blanks", "counts")

    def __init__(self, variables: list[dict], resolver, run, counts=None) -> None:
        self.vars, self.n, self.run = variables, len(variables), run
        # table → its (row, col) → cell mapping: the resolver's own (the engine's: the table's index), or cell()
        self.cells_of = getattr(resolver, "table_cells", None) or (lambda table: _TableCells(resolver, table))
        # table → what table_layout gives of it, when the resolver keeps that (the engine's does): reads by place
        self.layout_of = getattr(resolver, "table_layout", None)
        self.blanks: list[list] = [[] for _ in variables]
        self.counts = counts

    def bound(self, name: str) -> list[str]:
        out = [v.get(name) for v in self.vars]
        if None in out:
            raise Fallback(name)
        return out

    def recorded(self, table: str, cells: list, values: list) -> bool:
        """Whether the blank cells among ``cells`` (read from ``table``, with these ``values``) are to be recorded:
        always without a filter, else when one of them is in a row that counts (one C-level pass, no list per
        binding)."""
        if self.counts is None:
            return True
        rows = self.counts(table)
        return bool(rows) and not rows.isdisjoint(
            map(_ROW, compress(cells, map(is_, values, repeat(None)))))

    def cells_and_values(self, table: str, keys: list):
        """(the cells at ``keys`` of ``table``, ABSENT for a key it lacks, or None when not made yet; their values).
        By place in the table's layout when the resolver has one (the cells then made only when a value is
        None: the caller asks ``cells_at``), else by look-up."""
        if self.layout_of is not None:
            layout, cells, values = self.layout_of(table)
            return None, layout.getter(keys)(values)
        cells = list(map(self.cells_of(table).get, keys, repeat(ABSENT)))
        return cells, list(map(_VALUE, cells))

    def cells_at(self, table: str, keys: list) -> list:
        if self.layout_of is not None:
            layout, cells, _values = self.layout_of(table)
            return layout.getter(keys)(cells)
        return list(map(self.cells_of(table).get, keys, repeat(ABSENT)))

    def read(self, table: str, keys: list) -> list:
        """The values of one (row, col) of ``table`` per binding; a blank cell goes into that binding's ``blanks``."""
        cells, out = self.cells_and_values(table, keys)
        if None in out:                 # a blank or unknown cell: looked at only then
            if cells is None:
                cells = self.cells_at(table, keys)
            if not self.recorded(table, cells, out):
                return out
            for blanks, cell in zip(self.blanks, cells):
                if cell.value is None and cell is not ABSENT:
                    blanks.append(cell)
        return out


class _Keys:
    """The cell keys one reference reads under every binding, made again only when what they are made of
    is new: the bindings (the same list for every report whose tables list the same ids, see
    relations._bindings_and_variables) or the ids a wildcard or range names on the report. A few entries, by
    the bindings' identity: a rule meets a few layouts (the 2021 and the 2019 template's tables) in turn, and
    with one entry every change of layout made the keys again. Under one layout, a few parts too: the rows a
    wildcard names (``t3[3.*]``) differ between reports of the same columns, and with one a layout every change
    of them made the keys (and the layout's getter of them) again (~1 report in 5 of the benchmark's)."""

    __slots__ = ("entries",)

    KEPT = 4                                    # layouts kept per reference (then all go), and parts per layout

    def __init__(self) -> None:
        self.entries: dict[int, tuple] = {}     # id(bindings' variables) → (those variables, [(parts, keys) …])

    def get(self, b: Batch, parts: tuple, make):
        hit = self.entries.get(id(b.vars))
        if hit is not None and hit[0] is b.vars:
            for known, keys in hit[1]:
                if known == parts:
                    return keys
        keys = make(b, parts)                   # may raise Fallback: nothing kept
        entries = self.entries
        if hit is not None and hit[0] is b.vars:
            kept = hit[1]
            if len(kept) >= self.KEPT:
                del kept[0]                     # (more parts than that: rare; the oldest is made again)
            kept.append((parts, keys))
            return keys
        if len(entries) >= self.KEPT and id(b.vars) not in entries:
            entries.clear()                     # (more layouts than that: rare; they are made again)
        entries[id(b.vars)] = (b.vars, [(parts, keys)])   # the entry keeps the variables alive: the id stays theirs
        return keys


def batch_plan(root: _Node, compiler):
    """``f(batch) -> [value per binding]`` for a straight-line expression, else None. ``compiler`` is the
    expression's closure compiler (``expr_eval._Compiler``): selectors with wildcards or ranges use its
    per-report closures, so their ids are worked out (and kept in the resolver's memo) the same way."""
    try:
        return _Plan(compiler).node(root)
    except _Unsupported:
        return None


class _Unsupported(Exception):
    pass


def _binary(op):
    def f(xs: list, ys: list) -> list:
        return [None if a is None or b is None else op(a, b) for a, b in zip(xs, ys)]
    return f


class _Plan:
    def __init__(self, compiler) -> None:
        self.c = compiler

    def node(self, node: _Node):
        from .expr_eval import _ARITH, _COMPARE

        match node:
            case Num(v):
                return lambda b: [v] * b.n
            case RefSpec():
                if node.multi:
                    raise _Unsupported
                return self.ref(node)
            case Neg(operand):
                f = self.node(operand)
                return lambda b: [None if v is None else -v for v in f(b)]
            case Not(operand):
                f = self.node(operand)
                return lambda b: [None if v is None else not v for v in f(b)]
            case Compare(op, left, right):
                fa, fb, cmp = self.node(left), self.node(right), _binary(_COMPARE[op])
                return lambda b: cmp(fa(b), fb(b))
            case Arith():
                return self.arith([self.node(o) for o in node.operands], [_ARITH[op] for op in node.ops])
            case Call(name) if name in ("sum", "abs", "min", "max", "approx", "filled", "blank"):
                return getattr(self, "fn_" + name)(node)
        raise _Unsupported

    # --- cells ---------------------------------------------------------------------------------------

    def selector(self, ref: RefSpec, patterns, what: str):
        """One bracket selector as ``(variable name or None, f(batch) -> ids)``: with a name, binding ``i`` selects
        ``(vars[i][name],)``; else every binding selects the ids ``f`` gives (a tuple, fixed or per report)."""
        if all(p.kind == "id" for p in patterns) or (len(patterns) == 1 and patterns[0].kind == "var"):
            ids = self.c.ids(ref, patterns, what)
            if isinstance(ids, tuple):
                return None, lambda b: ids
            return patterns[0].value, lambda b: None
        if any(p.kind == "var" for p in patterns):
            raise _Unsupported      # a variable among wildcards or ranges: rare, left to the closures
        compute = self.c.ids(ref, patterns, what)     # the same per-report closure (memo) as the closures use
        return None, lambda b: compute(b.run)

    def ref(self, ref: RefSpec):
        table, (row,), (col,) = ref.table, ref.rows, ref.cols
        if row.kind == "id" and col.kind == "id":
            key = (row.value, col.value)

            def one(b: Batch) -> list:
                cell = b.cells_of(table).get(key)
                value = None if cell is None else cell.value
                if value is None and cell is not None and b.recorded(table, [cell], [None]):
                    for blanks in b.blanks:                 # a blank cell, read under every binding
                        blanks.append(cell)
                return [value] * b.n
            return one
        if row.kind == "var" and col.kind == "var":
            def make(b: Batch, _parts) -> list:
                return list(zip(b.bound(row.value), b.bound(col.value)))
        elif row.kind == "var":
            c = col.value

            def make(b: Batch, _parts) -> list:
                return [(r, c) for r in b.bound(row.value)]
        else:
            r = row.value

            def make(b: Batch, _parts) -> list:
                return [(r, c) for c in b.bound(col.value)]
        keys = _Keys()
        return lambda b: b.read(table, keys.get(b, (), make))

    def cells(self, ref: RefSpec):
        """``f(batch) -> [[values of the cells named] per binding]``: rows outer, in template order."""
        table = ref.table
        (rvar, rows), (cvar, cols) = self.selector(ref, ref.rows, "rows"), self.selector(ref, ref.cols, "cols")

        def make(b: Batch, parts: tuple) -> tuple[list, list]:
            """Every binding's keys in one list, and where each binding's are in it."""
            rs, cs = parts
            per_rows = [(x,) for x in b.bound(rvar)] if rvar else [rs] * b.n
            per_cols = [(x,) for x in b.bound(cvar)] if cvar else [cs] * b.n
            flat: list = []
            spans = []
            for rs, cs in zip(per_rows, per_cols):
                start = len(flat)
                flat += [(r, c) for r in rs for c in cs]
                spans.append((start, len(flat)))
            return flat, spans

        keys = _Keys()

        def values(b: Batch) -> list[list]:
            flat, spans = keys.get(b, (rows(b), cols(b)), make)
            cells, got = b.cells_and_values(table, flat)
            out = [got[start:end] for start, end in spans]
            if None in got:             # a blank or unknown cell: looked at only then, in the bindings that read one
                if cells is None:
                    cells = b.cells_at(table, flat)
                if not b.recorded(table, cells, got):
                    return out
                for blanks, values, (start, end) in zip(b.blanks, out, spans):
                    if None in values:
                        blanks += [cell for cell in cells[start:end] if cell.value is None and cell is not ABSENT]
            return out
        return values

    # --- operators and functions ---------------------------------------------------------------------

    def arith(self, fs: list, ops: list):
        if len(fs) == 2:
            (fa, fb), (op,) = fs, ops
            f = _binary(op)
            return lambda b: f(fa(b), fb(b))

        def arith(b: Batch) -> list:
            columns = [f(b) for f in fs]
            out = []
            for values in zip(*columns):
                if None in values:
                    out.append(None)
                    continue
                acc = values[0]
                for op, v in zip(ops, values[1:]):
                    acc = op(acc, v)
                    if acc is None:
                        break               # division by zero
                out.append(acc)
            return out
        return arith

    def fn_sum(self, node: Call):
        parts = []
        for arg in node.args:
            if isinstance(arg, RefSpec) and arg.multi:
                parts.append((True, self.cells(arg)))
            elif _free_multirefs(arg):
                raise _Unsupported     # an expression over a multi-cell reference: iterated by the closures
            else:
                parts.append((False, self.node(arg)))

        if len(parts) == 1 and parts[0][0]:         # sum(t3[3.*][$c]): the common case, one list per binding
            cells = parts[0][1]
            return lambda b: [None if None in values else sum(values, 0) for values in cells(b)]

        def total(b: Batch) -> list:
            per = [[] for _ in range(b.n)]
            for plain, f in parts:
                if plain:
                    for acc, values in zip(per, f(b)):
                        acc += values
                else:
                    for acc, value in zip(per, f(b)):
                        acc.append(value)
            return [None if None in values else sum(values, 0) for values in per]
        return total

    def _all_of(self, node: Call, pick):
        fs = [self.node(a) for a in node.args]

        def f(b: Batch) -> list:
            return [None if None in values else pick(values) for values in zip(*[f(b) for f in fs])]
        return f

    def fn_abs(self, node: Call):
        f = self.node(node.args[0])
        return lambda b: [None if v is None else abs(v) for v in f(b)]

    def fn_min(self, node: Call):
        return self._all_of(node, lambda values: min(list(values)))

    def fn_max(self, node: Call):
        return self._all_of(node, lambda values: max(list(values)))

    def fn_approx(self, node: Call):
        fa, fb, ftol = (self.node(x) for x in node.args)

        def approx(b: Batch) -> list:
            return [None if a is None or c is None or tol is None else abs(a - c) <= tol
                    for a, c, tol in zip(fa(b), fb(b), ftol(b))]
        return approx

    def _presence(self, node: Call, filled: bool):
        ref = node.args[0]
        if not isinstance(ref, RefSpec) or ref.multi:
            raise _Unsupported
        read = self.ref(ref)

        def presence(b: Batch) -> list:
            saved = b.blanks
            b.blanks = [[] for _ in range(b.n)]      # filled()/blank() never make a value unknown: not recorded
            try:
                values = read(b)
            finally:
                b.blanks = saved
            return [(v is not None) is filled for v in values]
        return presence

    def fn_filled(self, node: Call):
        return self._presence(node, True)

    def fn_blank(self, node: Call):
        return self._presence(node, False)
