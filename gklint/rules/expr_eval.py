"""The rule-expression language, part two: evaluation. Each checked expression (``gklint.rules.expr_ast``) is
compiled once into closures that evaluate it against a :class:`Resolver` (one report's cells), with
three-valued logic for blank cells (see ``gklint.rules.expr``)."""
from __future__ import annotations

import operator
from decimal import Decimal
from typing import Any, Iterator, Protocol, Sequence

from ..memo import remember
from .expr_batch import Batch, Fallback, batch_plan
from .expr_ast import (BOOL, And, Arith, Call, Compare, ExprError, Implies, Neg, Not, Num, Number, Or, Pattern, RefSpec, Value, _Node, _check, _context, _free_multirefs, _walk)

# =====================================================================================================
# Evaluation
# =====================================================================================================
# Each expression is compiled once (in compile_expr) into a tree of closures, one per AST node, that take the
# state of one evaluation (_Run); evaluating is then calling the root closure, with no per-node dispatch.

class Resolver(Protocol):
    """What :meth:`Expr.evaluate` needs from a report (duck-typed).

    A resolver may also have ``lookup((table, row, col))``, the same as ``cell()`` taking the key in one tuple,
    ``table_cells(table)``, a mapping ``(row, col) → cell`` of one table (the batch evaluation's hot path), and
    a ``memo`` dict (one per report) where the evaluator keeps what it derives from
    ``rows()``/``cols()`` alone (the ids a wildcard or a range names), so each is worked out once per report.
    """

    def cell(self, table: str, row: str, col: str) -> Any | None:
        """The cell object (with ``.value``: int, Decimal or None, and ``.kind``), or None if unknown."""

    def rows(self, table: str) -> Sequence[str]:
        """The template's row ids of ``table`` in order (used by wildcards and row ranges)."""

    def cols(self, table: str) -> Sequence[str]:
        """The template's column ids of ``table`` in order (used by column ranges and wildcards)."""


class Result:
    """The outcome of one evaluation.

    ``value``: bool, int, Decimal, or None when missing operands leave it unknown.
    ``cells``: every cell object read, in reading order, each once.
    ``missing``: the cells (or ``(table, row, col)`` keys the resolver did not know) whose blank value made
    the result unknown, in order, each once; empty when ``value`` is not None.
    ``lhs``/``rhs``: the two computed sides of the top-level comparison (or ``approx``), or of the one right
    of ``->``, when it was evaluated; else None.
    """

    __slots__ = ("value", "cells", "missing", "lhs", "rhs")

    def __init__(self, value: Value, cells: list | None = None, missing: list | None = None, lhs: Value = None,
                 rhs: Value = None) -> None:
        self.value, self.lhs, self.rhs = value, lhs, rhs
        self.cells = [] if cells is None else cells
        self.missing = [] if missing is None else missing

    def __eq__(self, other) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in self.__slots__)

    __hash__ = None     # mutable, like the dataclass it was

    def __repr__(self) -> str:
        return f"Result({', '.join(f'{f}={getattr(self, f)!r}' for f in self.__slots__)})"


_COMPARE = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
            ">": operator.gt, ">=": operator.ge}
_UNSET = object()


def _divide(a: Number, b: Number) -> Value:
    return None if b == 0 else Decimal(a) / Decimal(b)     # division by zero: no value, nothing missing


_ARITH = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": _divide}


class Expr:
    """A compiled expression. ``text`` is the source; ``root`` the checked AST.

    ``boolean`` says whether it yields true/false (a rule's check) rather than a number; ``variables``
    lists the ``$`` variable names it uses (without ``$``), in order of first use.
    """

    def __init__(self, text: str, root: _Node, boolean: bool) -> None:
        self.text = text
        self.root = root
        self.boolean = boolean
        self.variables = tuple(dict.fromkeys(
            p.value for r in self.refs() for p in r.rows + r.cols if p.kind == "var"))
        focus = root
        while isinstance(focus, Implies):
            focus = focus.then
        self._focus = focus if isinstance(focus, Compare) or (
            isinstance(focus, Call) and focus.name == "approx") else None
        self._compiler = _Compiler(text, self._focus)
        self._plan = self._compiler.node(root)
        self._batch = _UNSET        # the plan over all bindings at once (expr_batch), made when first asked

    def __repr__(self) -> str:
        return f"Expr({self.text!r})"

    def refs(self) -> list[RefSpec]:
        """The distinct cell references in source order (for validating ids against the template)."""
        return list(dict.fromkeys(n for n in _walk(self.root) if isinstance(n, RefSpec)))

    def evaluate(self, resolver: Resolver, bindings: dict[str, str] | None = None) -> Result:
        """Evaluate against ``resolver`` with ``bindings`` for the variables (``{"c": "natural"}``;
        keys with a leading ``$`` are accepted too). Raises :class:`ExprError` for an unbound variable or
        a range end that is not in the resolver's template."""
        run = _Run(resolver, bindings or {})
        value = self._plan(run)
        return Result(value, list(run.seen.values()), run.missing, run.lhs, run.rhs)

    def value(self, resolver: Resolver, bindings: dict[str, str] | None = None) -> Value:
        """``evaluate(resolver, bindings).value``, without recording what was read or missing: the same
        closures over a run that keeps nothing, for the common case where only the value is looked at (a
        relation that holds). Raises what :meth:`evaluate` raises."""
        return self._plan(_ValueRun(resolver, bindings or {}))

    def values(self, resolver: Resolver, bindings: Sequence[dict[str, str]],
               blanks: list | None = None, variables: list | None = None, counts=None) -> list[Value]:
        """``[self.value(resolver, b) for b in bindings]``, over one run (a rule's foreach in one call). With a
        ``blanks`` list, it gets per binding the blank cells read (a cell whose value is None), a superset of
        the cells ``evaluate().missing`` would list: none there, none missing. ``variables``: what
        :func:`as_variables` gives for each binding, when the caller keeps it (the same bindings every report).
        ``counts(table)``: the rows of a table whose blank cells the caller looks for (None: all); then
        ``blanks`` holds at least the blank cells read in those rows (a read with none there may record none:
        see expr_batch.Batch)."""
        run = _ValueRun(resolver, {})
        if self._batch is _UNSET:
            self._batch = batch_plan(self.root, self._compiler)
        if self._batch is not None:
            batch = Batch(variables or [as_variables(b) for b in bindings], resolver, run, counts)
            try:
                out = self._batch(batch)
            except (Fallback, ExprError):
                pass                    # the closures below raise what the language says, where it says
            else:
                if blanks is not None:
                    blanks += batch.blanks
                return out
        plan, out = self._plan, []
        for b in bindings:
            run.vars = as_variables(b)
            run.blanks = []
            out.append(plan(run))     # a run leaves its loop positions as it found them: it can be reused
            if blanks is not None:
                blanks.append(run.blanks)
        return out


def as_variables(bindings: dict) -> dict[str, str | None]:
    """A binding as the evaluator reads it: name -> bound id; "$c" is accepted for "c", "c" wins."""
    out: dict[str, str | None] = {}
    for name, value in bindings.items():
        if name[:1] == "$":
            name = name[1:]
            if name in bindings:
                continue
        out[name] = value if value is None or type(value) is str else str(value)
    return out


class _RunState:
    """What every evaluation run holds: how cells are looked up, the bound variables, loop positions."""

    __slots__ = ("resolver", "lookup", "memo", "vars", "current", "lhs", "rhs")

    def __init__(self, resolver: Resolver, bindings: dict[str, str]) -> None:
        self.resolver = resolver
        lookup = getattr(resolver, "lookup", None)
        self.lookup = lookup if lookup is not None else lambda key: resolver.cell(*key)
        self.memo = getattr(resolver, "memo", None)
        self.vars = as_variables(bindings)
        self.current: dict[int, tuple[str, str, str]] = {}   # multi-ref slot -> the cell an aggregate is at
        self.lhs: Value = None
        self.rhs: Value = None

    def bound(self, name: str, ref: RefSpec, text: str) -> str:
        value = self.vars.get(name)
        if value is None:
            raise _eval_error(text, ref, f"variable ${name} has no binding")
        return value


class _ValueRun(_RunState):
    """The state of a single :meth:`Expr.value` call: loop positions only. The compiled closures are the
    same as for :meth:`Expr.evaluate` (one place for the language's meaning); this run just keeps no record of
    the cells read or missing (``missing`` stays empty, so the marks the closures take are all 0)."""

    __slots__ = ("blanks",)
    missing = ()

    def __init__(self, resolver: Resolver, bindings: dict[str, str]) -> None:
        _RunState.__init__(self, resolver, bindings)
        self.blanks: list = []      # the blank cells read (value None), in order, repeats kept: cheap to keep

    def read(self, key: tuple[str, str, str], record_missing: bool = True) -> Value:
        cell = self.lookup(key)
        if cell is None:
            return None
        value = cell.value
        if value is None:
            self.blanks.append(cell)
        return value

    def read_all(self, keys) -> list[Value]:
        lookup = self.lookup
        values = [None if (cell := lookup(key)) is None else cell.value for key in keys]
        if None in values:
            self.blanks += [cell for key in keys if (cell := lookup(key)) is not None and cell.value is None]
        return values

    def forget_missing(self, mark: int) -> None:
        pass

    def logic(self, values: Iterator[Value], decisive: bool) -> Value:
        """Three-valued and (decisive=False) / or (decisive=True), short-circuiting (as :meth:`_Run.logic`)."""
        unknown = False
        for v in values:
            if v is decisive:
                return decisive
            unknown = unknown or v is None
        return None if unknown else not decisive


class _Run(_RunState):
    """The state of a single :meth:`Expr.evaluate` call: what was read, what was missing, loop positions."""

    __slots__ = ("seen", "missing", "missing_keys")

    def __init__(self, resolver: Resolver, bindings: dict[str, str]) -> None:
        _RunState.__init__(self, resolver, bindings)
        self.seen: dict[tuple[str, str, str], Any] = {}     # key -> cell: every cell read, in reading order
        self.missing: list = []
        self.missing_keys: list[tuple[str, str, str]] = []

    def read(self, key: tuple[str, str, str], record_missing: bool = True) -> Value:
        cell = self.lookup(key)
        if cell is None:
            value = None
        else:
            if key not in self.seen:
                self.seen[key] = cell
            value = cell.value
        if value is None and record_missing and key not in self.missing_keys:
            self.missing_keys.append(key)
            self.missing.append(key if cell is None else cell)
        return value

    def read_all(self, keys) -> list[Value]:
        """``[self.read(key) for key in keys]`` in one loop: the hot path (sum over a multi-cell reference)."""
        lookup, seen, missing, missing_keys = self.lookup, self.seen, self.missing, self.missing_keys
        values = []
        for key in keys:
            cell = lookup(key)
            if cell is None:
                value = None
            else:
                if key not in seen:
                    seen[key] = cell
                value = cell.value
            if value is None and key not in missing_keys:
                missing_keys.append(key)
                missing.append(key if cell is None else cell)
            values.append(value)
        return values

    def forget_missing(self, mark: int) -> None:
        """Drop missing cells recorded since ``mark``: they did not decide the value after all."""
        del self.missing[mark:], self.missing_keys[mark:]

    def logic(self, values: Iterator[Value], decisive: bool) -> Value:
        """Three-valued and (decisive=False) / or (decisive=True), short-circuiting."""
        mark, unknown = len(self.missing), False
        for v in values:
            if v is decisive:
                self.forget_missing(mark)
                return decisive
            unknown = unknown or v is None
        return None if unknown else not decisive


def _eval_error(text: str, node: _Node, message: str) -> ExprError:
    return ExprError(message, node.line, node.column, _context(text, node.line, node.column))


def _constant(value):
    return lambda run: value


def _listing(resolver: Resolver, what: str, table: str) -> tuple[str, ...]:
    """The template's row or column ids of ``table``: the resolver's own tuple when it keeps one (``listing``)."""
    listing = getattr(resolver, "listing", None)
    return listing(table, what) if listing is not None else tuple(getattr(resolver, what)(table))


def _per_report(compute):
    """``compute(run)``, kept in the resolver's memo when it has one: for results that depend only on the
    report's template listings (rows()/cols()), not on bindings or cell values."""
    def cached(run: _Run):
        memo = run.memo
        if memo is None:
            return compute(run)
        hit = memo.get(cached)      # the closure itself is the key: unique, and kept alive by the memo
        if hit is None:
            hit = memo[cached] = compute(run)
        return hit
    return cached


class _Compiler:
    """Turns a checked AST into closures ``f(run) -> Value``."""

    def __init__(self, text: str, focus: _Node | None) -> None:
        self.text = text
        self.focus = focus
        self.slots: dict[RefSpec, int] = {}     # equal multi-cell references share their loop position

    def node(self, node: _Node):
        match node:
            case Num(v):
                return _constant(v)
            case RefSpec():
                return self.ref(node)
            case Neg(operand):
                f = self.node(operand)
                return lambda run: None if (v := f(run)) is None else -v
            case Arith():
                return self.arith(node)
            case Compare(op, left, right):
                return self.compare(node, _COMPARE[op], self.node(left), self.node(right))
            case Not(operand):
                f = self.node(operand)
                return lambda run: None if (v := f(run)) is None else not v
            case And(items) | Or(items):
                fs, decisive = [self.node(i) for i in items], isinstance(node, Or)
                return lambda run: run.logic((f(run) for f in fs), decisive)
            case Implies(cond, then):
                return self.implies(self.node(cond), self.node(then))
            case Call(name):
                return getattr(self, "fn_" + name)(node)
        raise TypeError(f"not an expression node: {node!r}")  # pragma: no cover

    # --- cells -------------------------------------------------------------------------------------

    def ref(self, ref: RefSpec, record_missing: bool = True):
        if ref.multi:       # inside an aggregate: the cell it is iterating at
            slot = self.slot(ref)
            return lambda run: run.read(run.current[slot], record_missing)
        table, text = ref.table, self.text
        (row,), (col,) = ref.rows, ref.cols
        if row.kind == "id" and col.kind == "id":
            key = (table, row.value, col.value)
            return lambda run: run.read(key, record_missing)
        rvar, rid, cvar, cid = row.kind == "var", row.value, col.kind == "var", col.value

        def read(run: _Run) -> Value:
            r = run.vars.get(rid) if rvar else rid
            c = run.vars.get(cid) if cvar else cid
            if r is None or c is None:
                raise _eval_error(text, ref, f"variable ${rid if r is None else cid} has no binding")
            return run.read((table, r, c), record_missing)
        return read

    def slot(self, ref: RefSpec) -> int:
        return self.slots.setdefault(ref, len(self.slots))

    def expansion(self, ref: RefSpec):
        """``f(run)``: the (table, row, col) keys a multi-cell reference names, rows outer, in template order."""
        table = ref.table
        rows, cols = self.ids(ref, ref.rows, "rows"), self.ids(ref, ref.cols, "cols")
        if isinstance(rows, tuple) and isinstance(cols, tuple):
            fixed = tuple((table, r, c) for r in rows for c in cols)
            return lambda run: fixed
        rows, cols = (ids if callable(ids) else _constant(ids) for ids in (rows, cols))

        def expand(run: _Run):
            rs, cs = rows(run), cols(run)        # both, even when one is empty: either may raise
            return [(table, r, c) for r in rs for c in cs]
        return expand if any(p.kind == "var" for p in ref.rows + ref.cols) else _per_report(expand)

    def ids(self, ref: RefSpec, patterns: tuple[Pattern, ...], what: str):
        """One selector's ids: a tuple when fixed, else ``f(run)`` (variables, wildcards and ranges)."""
        if all(p.kind == "id" for p in patterns):
            return tuple(dict.fromkeys(p.value for p in patterns))
        text = self.text
        if len(patterns) == 1 and patterns[0].kind == "var":       # [$r]: the common case, in one step
            name = patterns[0].value

            def one(run: _Run) -> tuple[str]:
                bound = run.vars.get(name)
                return (bound,) if bound is not None else (run.bound(name, ref, text),)   # (raises)
            return one

        def expand(run: _Run, known: Sequence[str] | None = None) -> tuple[str, ...]:
            out: list[str] = []
            for p in patterns:
                if p.kind == "id":
                    out.append(p.value)
                elif p.kind == "var":
                    out.append(run.bound(p.value, ref, text))
                else:
                    if known is None:
                        known = _listing(run.resolver, what, ref.table)
                    if p.kind == "prefix":
                        out += [i for i in known if i.startswith(p.value)]
                        continue
                    for end in (p.value, p.end):
                        if end not in known:
                            raise _eval_error(text, ref, f"range {p}: {end!r} is not an id of {ref.table} "
                                                         f"in the template")
                    a, b = known.index(p.value), known.index(p.end)
                    if a > b:
                        raise _eval_error(text, ref, f"range {p} runs backwards in template order")
                    out += known[a:b + 1]
            return tuple(dict.fromkeys(out))      # a wildcard overlapping a listed id counts it once

        if any(p.kind == "var" for p in patterns):
            return expand
        # no variable: the ids depend on the template listing alone, the same for most reports; kept per listing
        # (across reports, a few) and in the resolver's memo (per report)
        across: dict[tuple[str, ...], tuple[str, ...]] = {}

        def compute(run: _Run) -> tuple[str, ...]:
            memo = run.memo
            hit = None if memo is None else memo.get(compute)   # the closure is the key: unique, kept alive
            if hit is None:
                known = _listing(run.resolver, what, ref.table)
                hit = across.get(known)
                if hit is None:
                    hit = remember(across, known, expand(run, known), 8)     # (an error raises, nothing kept)
                if memo is not None:
                    memo[compute] = hit
            return hit
        return compute

    # --- aggregates --------------------------------------------------------------------------------

    def elements(self, arg: _Node):
        """``gen(run)``: the values an aggregate argument ranges over: the argument once, or once per cell of
        the multi-cell reference in it (the reference then stands for that cell wherever it occurs in it)."""
        f = self.node(arg)
        loops = _free_multirefs(arg)
        if not loops:
            def once(run: _Run):
                yield f(run)
            return once
        slot, expand = self.slot(loops[0]), self.expansion(loops[0])

        def each(run: _Run):
            current = run.current
            saved = current.get(slot, _UNSET)
            try:
                for key in expand(run):
                    current[slot] = key
                    yield f(run)
            finally:
                if saved is _UNSET:
                    current.pop(slot, None)
                else:
                    current[slot] = saved
        return each

    def all_elements(self, args: tuple[_Node, ...]):
        gens = [self.elements(a) for a in args]
        if len(gens) == 1:
            return gens[0]

        def chained(run: _Run):
            for gen in gens:
                yield from gen(run)
        return chained

    def fn_sum(self, node: Call):
        parts = []
        for arg in node.args:
            if isinstance(arg, RefSpec) and arg.multi:     # sum(t3[3.*][$c]): read the cells in a plain loop
                parts.append((True, self.expansion(arg)))
            else:
                parts.append((False, self.all_elements((arg,))))

        def total(run: _Run) -> Value:
            values: list = []
            for plain, f in parts:
                if plain:
                    values += run.read_all(f(run))
                else:
                    values += f(run)
            return None if None in values else sum(values, 0)
        return total

    def fn_count(self, node: Call):
        """Numbers count when filled (never unknown); conditions count when true (unknown if any is)."""
        parts = [(self.elements(arg), _check(arg, True) == BOOL) for arg in node.args]

        def count(run: _Run) -> Value:
            total, unknown = 0, False
            for gen, boolean in parts:
                mark = len(run.missing)
                for v in gen(run):
                    if boolean:
                        total += v is True
                        unknown = unknown or v is None
                    else:
                        total += v is not None
                if not boolean:
                    run.forget_missing(mark)
            return None if unknown else total
        return count

    def _quantifier(self, node: Call, decisive: bool):
        elements = self.all_elements(node.args)

        def quantify(run: _Run) -> Value:
            values = elements(run)
            try:
                return run.logic(values, decisive)
            finally:
                values.close()
        return quantify

    def fn_all(self, node: Call):
        return self._quantifier(node, decisive=False)

    def fn_any(self, node: Call):
        return self._quantifier(node, decisive=True)

    # --- operators and the other functions ---------------------------------------------------------

    def arith(self, node: Arith):
        fs, ops = [self.node(o) for o in node.operands], [_ARITH[op] for op in node.ops]
        if len(fs) == 2:            # a + b: the common case, without the loop
            (fa, fb), (op,) = fs, ops

            def binary(run: _Run) -> Value:
                a, b = fa(run), fb(run)     # both, so every blank is reported
                return None if a is None or b is None else op(a, b)
            return binary

        def arith(run: _Run) -> Value:
            values = [f(run) for f in fs]    # all of them, so every blank is reported
            if None in values:
                return None
            acc = values[0]
            for op, v in zip(ops, values[1:]):
                acc = op(acc, v)
                if acc is None:
                    return None             # division by zero
            return acc
        return arith

    def compare(self, node: Compare, op, left, right):
        focus = node is self.focus

        def compare(run: _Run) -> Value:
            a, b = left(run), right(run)
            if focus:
                run.lhs, run.rhs = a, b
            return None if a is None or b is None else op(a, b)
        return compare

    def implies(self, cond, then):
        def implies(run: _Run) -> Value:
            mark = len(run.missing)
            a = cond(run)
            if a is False:
                run.forget_missing(mark)
                return True
            b = then(run)
            if b is True:
                run.forget_missing(mark)
                return True
            return None if a is None or b is None else False
        return implies

    def fn_abs(self, node: Call):
        f = self.node(node.args[0])
        return lambda run: None if (v := f(run)) is None else abs(v)

    def _extreme(self, node: Call, pick):
        fs = [self.node(a) for a in node.args]

        def extreme(run: _Run) -> Value:
            values = [f(run) for f in fs]
            return None if None in values else pick(values)
        return extreme

    def fn_min(self, node: Call):
        return self._extreme(node, min)

    def fn_max(self, node: Call):
        return self._extreme(node, max)

    def fn_filled(self, node: Call):
        read = self.ref(node.args[0], record_missing=False)
        return lambda run: read(run) is not None

    def fn_blank(self, node: Call):
        read = self.ref(node.args[0], record_missing=False)
        return lambda run: read(run) is None

    def fn_approx(self, node: Call):
        fa, fb, ftol = (self.node(x) for x in node.args)
        focus = node is self.focus

        def approx(run: _Run) -> Value:
            a, b, tol = fa(run), fb(run), ftol(run)
            if focus:
                run.lhs, run.rhs = a, b
            return None if a is None or b is None or tol is None else abs(a - b) <= tol
        return approx
