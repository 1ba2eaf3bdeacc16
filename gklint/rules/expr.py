"""The rule-expression language of declarative rules: table relations (勾稽关系) over canonical cell ids.

    t3[1][$c] + t3[2][$c] == t3[3.7][$c] + t3[4][$c]
    t3[3.7][$c] == sum(t3[3.1, 3.2, 3.3.*, 3.4.*, 3.5.*, 3.6.*][$c])
    t3[1][total] + t3[2][total] > 0 -> t3[3.7][total] > 0

The grammar is ``grammars/expr.lark``; a lark Transformer turns the parse tree into a small AST of frozen
dataclasses, a checker validates it once at compile time, and :class:`Expr` evaluates it by walking the tree
against a :class:`Resolver`. Nothing is ever passed to Python's ``eval``; expressions come from third-party
rule packs, so size and nesting are bounded too.

Missing operands use three-valued logic: a blank, placeholder or missing cell has the value ``None``;
arithmetic and comparisons over it are ``None`` ("cannot check"), and ``and`` / ``or`` / ``->`` only stay
``None`` when the known operands do not decide the result.
"""
from __future__ import annotations

import functools
import operator
import re
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any, Iterator, Protocol, Sequence, Union

from lark import Lark, Transformer, Tree, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from gklint.resources import grammar_path

Number = Union[int, Decimal]
Value = Union[bool, int, Decimal, None]

MAX_LENGTH = 2000           # characters of expression text
MAX_DEPTH = 50              # levels of the parse tree (parentheses count)
TABLES = frozenset({"t2", "t3", "t4"})

# name -> (fewest, most) arguments; None = no upper bound.
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "sum": (1, None), "count": (1, None), "all": (1, None), "any": (1, None),
    "abs": (1, 1), "min": (2, None), "max": (2, None),
    "filled": (1, 1), "blank": (1, 1), "approx": (3, 3),
}
# The functions inside which a multi-cell reference may stand (and is iterated over).
AGGREGATES = frozenset({"sum", "count", "all", "any"})

NUM, BOOL = "number", "true/false value"


# =====================================================================================================
# Errors
# =====================================================================================================

class _PositionedError(ValueError):
    def __init__(self, message: str, line: int, column: int, context: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.context = context

    def __str__(self) -> str:
        head = f"{self.message} (line {self.line}, column {self.column})"
        return f"{head}\n{self.context}" if self.context else head


class ExprSyntaxError(_PositionedError):
    """The expression text does not parse.

    ``message``, ``line`` and ``column`` (1-based, within the expression text) say what and where;
    ``str()`` adds the offending line with a caret under the position (lark's ``get_context``).
    """


class ExprError(_PositionedError):
    """The expression parses but is not valid, or cannot be evaluated.

    Raised by :func:`compile_expr` for unknown functions or tables, wrong argument counts, type errors
    (``1 and 2``), a multi-cell reference outside ``sum()``/``all()``/``any()``/``count()``, and expressions
    that are too long or too deeply nested; raised by :meth:`Expr.evaluate` for an unbound ``$variable`` or a
    range whose end is not in the template. ``line``/``column`` point into the expression text.
    """


def _context(text: str, line: int, column: int, span: int = 40) -> str:
    src = text.split("\n")[line - 1] if 0 < line <= text.count("\n") + 1 else ""
    start = max(column - 1 - span, 0)
    return src[start:column - 1 + span] + "\n" + " " * (column - 1 - start) + "^"


# =====================================================================================================
# AST
# =====================================================================================================
# Positions are left out of equality and hashing: two spellings of the same reference are the same
# reference (aggregates rely on that to iterate identical multi-cell references together).

@dataclass(frozen=True)
class _Node:
    line: int = field(default=1, compare=False, repr=False, kw_only=True)
    column: int = field(default=1, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True)
class Pattern:
    """One item of a bracket selector.

    ``kind`` is ``"id"`` (``value`` is the id), ``"var"`` (``value`` is the variable name without ``$``),
    ``"prefix"`` (``value`` is the prefix with its trailing dot, ``"3.3."``) or ``"range"`` (``value`` and
    ``end`` are the inclusive ends, in template order).
    """

    kind: str
    value: str
    end: str | None = None

    @property
    def multi(self) -> bool:
        return self.kind in ("prefix", "range")

    def __str__(self) -> str:
        if self.kind == "var":
            return "$" + self.value
        if self.kind == "prefix":
            return self.value + "*"
        if self.kind == "range":
            return f"{_show_id(self.value)}..{_show_id(self.end or '')}"
        return _show_id(self.value)


_ID = re.compile(r"[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*\Z")


def _show_id(ident: str) -> str:
    return ident if _ID.match(ident) else f'"{ident}"'


@dataclass(frozen=True)
class RefSpec(_Node):
    """A cell reference ``table[rows][cols]`` as written: the table id and the row and column patterns.

    ``multi`` is true when it can name more than one cell (a list, a wildcard or a range). ``line`` and
    ``column`` locate it in the expression text.
    """

    table: str
    rows: tuple[Pattern, ...]
    cols: tuple[Pattern, ...]

    @functools.cached_property
    def multi(self) -> bool:               # cached: asked on every read of the reference
        return any(len(sel) > 1 or any(p.multi for p in sel) for sel in (self.rows, self.cols))

    def __hash__(self) -> int:             # the dataclass hash (same fields), computed once: refs key dicts per read
        h = self.__dict__.get("_hash")
        if h is None:
            h = self.__dict__["_hash"] = hash((self.table, self.rows, self.cols))
        return h

    def __str__(self) -> str:
        return f"{self.table}[{', '.join(map(str, self.rows))}][{', '.join(map(str, self.cols))}]"


@dataclass(frozen=True)
class Num(_Node):
    value: Number


@dataclass(frozen=True)
class Neg(_Node):
    operand: _Node


@dataclass(frozen=True)
class Arith(_Node):
    operands: tuple[_Node, ...]     # a op1 b op2 c ...: left to right
    ops: tuple[str, ...]


@dataclass(frozen=True)
class Compare(_Node):
    op: str
    left: _Node
    right: _Node


@dataclass(frozen=True)
class Not(_Node):
    operand: _Node


@dataclass(frozen=True)
class And(_Node):
    items: tuple[_Node, ...]


@dataclass(frozen=True)
class Or(_Node):
    items: tuple[_Node, ...]


@dataclass(frozen=True)
class Implies(_Node):
    cond: _Node
    then: _Node


@dataclass(frozen=True)
class Call(_Node):
    name: str
    args: tuple[_Node, ...]


def _children(node: _Node) -> Iterator[_Node]:
    for f in fields(node):
        v = getattr(node, f.name)
        if isinstance(v, _Node):
            yield v
        elif isinstance(v, tuple):
            yield from (x for x in v if isinstance(x, _Node))


def _walk(node: _Node, stop=lambda n: False) -> Iterator[_Node]:
    """Pre-order (source order) walk; does not descend below nodes for which ``stop`` is true."""
    yield node
    if not stop(node):
        for c in _children(node):
            yield from _walk(c, stop)


def _is_aggregate(node: _Node) -> bool:
    return isinstance(node, Call) and node.name in AGGREGATES


def _free_multirefs(arg: _Node) -> list[RefSpec]:
    """The multi-cell references an aggregate argument iterates over (not those of a nested aggregate)."""
    return [n for n in _walk(arg, _is_aggregate) if isinstance(n, RefSpec) and n.multi]


# =====================================================================================================
# Parse tree -> AST
# =====================================================================================================

def _pos(meta) -> dict[str, int]:
    return {"line": getattr(meta, "line", 1), "column": getattr(meta, "column", 1)}


def _unquote(tok) -> str:
    s = str(tok)
    return s[1:-1] if s[:1] in "\"'" else s


@v_args(inline=True, meta=True)
class _Build(Transformer):
    def number(self, meta, tok):
        s = str(tok)
        return Num(Decimal(s) if "." in s else int(s), **_pos(meta))

    def paren(self, meta, inner):
        return inner

    def neg(self, meta, _minus, operand):
        return Neg(operand, **_pos(meta))

    def arith(self, meta, *children):
        return Arith(children[0::2], tuple(str(t) for t in children[1::2]), **_pos(meta))

    term = arith

    def comparison(self, meta, left, op, right):
        return Compare(str(op), left, right, **_pos(meta))

    def not_(self, meta, operand):
        return Not(operand, **_pos(meta))

    def and_expr(self, meta, *items):
        return And(items, **_pos(meta))

    def or_expr(self, meta, *items):
        return Or(items, **_pos(meta))

    def implies(self, meta, cond, then):
        return Implies(cond, then, **_pos(meta))

    def call(self, meta, name, args=()):
        return Call(str(name), tuple(args), **_pos(meta))

    def args(self, meta, *items):
        return items

    def ref(self, meta, table, rows, cols):
        return RefSpec(str(table), rows, cols, **_pos(meta))

    def selector(self, meta, *patterns):
        return patterns

    def name_pat(self, meta, tok):
        return Pattern("id", _unquote(tok))

    def var_pat(self, meta, tok):
        return Pattern("var", str(tok)[1:])

    def prefix_pat(self, meta, tok):
        return Pattern("prefix", str(tok)[:-1])

    def range_pat(self, meta, start, end):
        return Pattern("range", _unquote(start), _unquote(end))


# =====================================================================================================
# Compile-time checks
# =====================================================================================================

def _error(node: _Node, message: str) -> ExprError:
    return ExprError(message, node.line, node.column)


def _check(node: _Node, in_agg: bool = False) -> str:
    """Validate ``node`` and return its type, NUM or BOOL. ``in_agg``: inside sum/all/any/count."""
    match node:
        case Num():
            return NUM
        case RefSpec():
            if node.table not in TABLES:
                raise _error(node, f"unknown table {node.table!r} (known: {', '.join(sorted(TABLES))})")
            if node.multi and not in_agg:
                raise _error(node, f"{node} names several cells; use it inside sum(), all(), any() or count()")
            return NUM
        case Neg(operand):
            _expect(operand, NUM, in_agg, "unary '-'")
            return NUM
        case Arith(operands, ops):
            for i, operand in enumerate(operands):
                _expect(operand, NUM, in_agg, f"'{ops[max(i - 1, 0)]}'")
            return NUM
        case Compare(op, left, right):
            lt, rt = _check(left, in_agg), _check(right, in_agg)
            if op in ("==", "!=") and lt != rt:
                raise _error(node, f"'{op}' compares a {lt} with a {rt}")
            if op not in ("==", "!=") and (lt != NUM or rt != NUM):
                raise _error(node, f"'{op}' needs a number on both sides")
            return BOOL
        case Not(operand):
            _expect(operand, BOOL, in_agg, "'not'")
            return BOOL
        case And(items) | Or(items):
            for item in items:
                _expect(item, BOOL, in_agg, "'and'" if isinstance(node, And) else "'or'")
            return BOOL
        case Implies(cond, then):
            _expect(cond, BOOL, in_agg, "'->'")
            _expect(then, BOOL, in_agg, "'->'")
            return BOOL
        case Call():
            return _check_call(node, in_agg)
    raise TypeError(f"not an expression node: {node!r}")  # pragma: no cover


def _expect(node: _Node, want: str, in_agg: bool, what: str) -> None:
    got = _check(node, in_agg)
    if got != want:
        raise _error(node, f"{what} needs a {want} here, not a {got}")


def _check_call(node: Call, in_agg: bool) -> str:
    name, args = node.name, node.args
    if name not in FUNCTIONS:
        raise _error(node, f"unknown function {name!r} (known: {', '.join(sorted(FUNCTIONS))})")
    low, high = FUNCTIONS[name]
    if len(args) < low or (high is not None and len(args) > high):
        wanted = str(low) if low == high else f"at least {low}" if high is None else f"{low} to {high}"
        plural = "" if wanted.endswith("1") else "s"
        raise _error(node, f"{name}() takes {wanted} argument{plural}, got {len(args)}")
    if name in AGGREGATES:
        in_agg = True
        for arg in args:
            distinct = list(dict.fromkeys(_free_multirefs(arg)))
            if len(distinct) > 1:
                raise _error(distinct[1], f"one argument of {name}() can iterate over one multi-cell reference, "
                                          f"not both {distinct[0]} and {distinct[1]}")
    if name in ("filled", "blank"):
        if not isinstance(args[0], RefSpec):
            raise _error(args[0], f"{name}() takes a cell reference such as t3[1][total]")
        _check(args[0], in_agg)
        return BOOL
    if name == "count":
        for arg in args:
            _check(arg, in_agg)
        return NUM
    want = BOOL if name in ("all", "any") else NUM
    for arg in args:
        _expect(arg, want, in_agg, f"{name}()")
    return BOOL if name in ("all", "any", "approx") else NUM


def _depth_check(tree: Tree) -> None:
    # Iterative, so a hostile expression cannot exhaust the Python stack before it is rejected.
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            meta = node.meta
            raise ExprError(f"expression is nested too deeply (more than {MAX_DEPTH} levels)",
                            getattr(meta, "line", 1), getattr(meta, "column", 1))
        stack.extend((c, depth + 1) for c in node.children if isinstance(c, Tree))


# =====================================================================================================
# Parsing
# =====================================================================================================

@functools.lru_cache(maxsize=None)
def _parser() -> Lark:
    # No cache=True: Lark's cache is a pickle under a predictable name in the shared temp folder, and unpickling
    # a file another user can write runs their code (issue 8). Building the LALR tables takes ~15 ms, once per
    # process and only when a rule pack has expressions; tests/test_hardening.py forbids `cache=` in gklint/.
    return Lark(grammar_path("expr.lark").read_text(encoding="utf-8"), parser="lalr",
                propagate_positions=True, maybe_placeholders=False)


_FRIENDLY = {"NUMBER": "a number", "NAME": "a name", "ID": "an id", "STRING": "a quoted id",
             "VAR": "a $variable", "WILDCARD": "a wildcard", "CMP": "a comparison", "$END": "end of expression"}


def _describe(terminal: str) -> str:
    if terminal in _FRIENDLY:
        return _FRIENDLY[terminal]
    try:
        pattern = _parser().get_terminal(terminal).pattern
    except KeyError:
        return terminal
    return f"'{pattern.value}'" if pattern.type == "str" else terminal.lower()


def _syntax_error(text: str, e: UnexpectedInput) -> ExprSyntaxError:
    if isinstance(e, UnexpectedToken) and e.token.type == "$END":
        # lark places the end token on the last real token; point just past the text instead.
        end = len(text.rstrip())
        e.pos_in_stream = end
        line = text.count("\n", 0, end) + 1
        column = end - (text.rfind("\n", 0, end) + 1) + 1
        message = "unexpected end of expression"
    else:
        line, column = e.line, e.column
        got = e.token if isinstance(e, UnexpectedToken) else text[e.pos_in_stream]
        message = f"unexpected {'character ' if isinstance(e, UnexpectedCharacters) else ''}'{got}'"
        if isinstance(e, UnexpectedToken) and e.token.type == "CMP":
            message += " (comparisons do not chain: write a < b and b < c)"
    expected = getattr(e, "expected", None) or getattr(e, "allowed", None) or ()
    if expected:
        message += "; expected " + ", ".join(sorted({_describe(t) for t in expected}))
    return ExprSyntaxError(message, line, column, e.get_context(text).rstrip("\n"))


@functools.lru_cache(maxsize=1024)
def compile_expr(text: str) -> Expr:
    """Parse and check ``text``; the same text returns the same :class:`Expr` object (cached).

    Raises :class:`ExprSyntaxError` when it does not parse and :class:`ExprError` when it is invalid
    (unknown table or function, type error, misplaced multi-cell reference, over 2,000 characters,
    nested deeper than 50 levels).
    """
    if not isinstance(text, str):
        raise TypeError(f"expression must be a string, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExprError(f"expression is {len(text)} characters long; the limit is {MAX_LENGTH}", 1, 1)
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as e:
        raise _syntax_error(text, e) from None
    try:
        _depth_check(tree)
        root = _Build().transform(tree)
        kind = _check(root)
    except ExprError as e:
        e.context = _context(text, e.line, e.column)
        raise
    return Expr(text, root, boolean=kind == BOOL)


# =====================================================================================================
# Evaluation
# =====================================================================================================

class Resolver(Protocol):
    """What :meth:`Expr.evaluate` needs from a report (duck-typed)."""

    def cell(self, table: str, row: str, col: str) -> Any | None:
        """The cell object (with ``.value``: int, Decimal or None, and ``.kind``), or None if unknown."""

    def rows(self, table: str) -> Sequence[str]:
        """The template's row ids of ``table`` in order (used by wildcards and row ranges)."""

    def cols(self, table: str) -> Sequence[str]:
        """The template's column ids of ``table`` in order (used by column ranges and wildcards)."""


@dataclass
class Result:
    """The outcome of one evaluation.

    ``value``: bool, int, Decimal, or None when missing operands leave it unknown.
    ``cells``: every cell object read, in reading order, each once.
    ``missing``: the cells (or ``(table, row, col)`` keys the resolver did not know) whose blank value made
    the result unknown, in order, each once; empty when ``value`` is not None.
    ``lhs``/``rhs``: the two computed sides of the top-level comparison (or ``approx``), or of the one right
    of ``->``, when it was evaluated; else None.
    """

    value: Value
    cells: list = field(default_factory=list)
    missing: list = field(default_factory=list)
    lhs: Value = None
    rhs: Value = None


_COMPARE = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
            ">": operator.gt, ">=": operator.ge}
_UNSET = object()


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

    def __repr__(self) -> str:
        return f"Expr({self.text!r})"

    def loops(self, arg: _Node) -> list[RefSpec]:
        """``_free_multirefs(arg)`` for a node of this expression, walked once (the tree keeps ``arg`` alive)."""
        known = self.__dict__.setdefault("_loops", {})
        found = known.get(id(arg))
        if found is None:
            found = known[id(arg)] = _free_multirefs(arg)
        return found

    def refs(self) -> list[RefSpec]:
        """The distinct cell references in source order (for validating ids against the template)."""
        return list(dict.fromkeys(n for n in _walk(self.root) if isinstance(n, RefSpec)))

    def evaluate(self, resolver: Resolver, bindings: dict[str, str] | None = None) -> Result:
        """Evaluate against ``resolver`` with ``bindings`` for the variables (``{"c": "natural"}``;
        keys with a leading ``$`` are accepted too). Raises :class:`ExprError` for an unbound variable or
        a range end that is not in the resolver's template."""
        run = _Evaluation(self, resolver, bindings or {})
        value = run.value(self.root)
        return Result(value, run.cells, run.missing, run.lhs, run.rhs)


class _Evaluation:
    """One tree walk: the state of a single :meth:`Expr.evaluate` call."""

    def __init__(self, expr: Expr, resolver: Resolver, bindings: dict[str, str]) -> None:
        self.expr = expr
        self.resolver = resolver
        self.bindings = bindings
        self.cells: list = []
        self.missing: list = []
        self._read: set[tuple[str, str, str]] = set()
        self._missing_keys: list[tuple[str, str, str]] = []
        self.current: dict[RefSpec, tuple[str, str, str]] = {}   # multi-ref -> the cell an aggregate is at
        self.lhs: Value = None
        self.rhs: Value = None

    def value(self, node: _Node) -> Value:
        match node:
            case Num(v):
                return v
            case RefSpec():
                return self.read(node)
            case Neg(operand):
                v = self.value(operand)
                return None if v is None else -v
            case Arith():
                return self.arith(node)
            case Compare(op, left, right):
                a, b = self.value(left), self.value(right)
                if node is self.expr._focus:
                    self.lhs, self.rhs = a, b
                return None if a is None or b is None else _COMPARE[op](a, b)
            case Not(operand):
                v = self.value(operand)
                return None if v is None else not v
            case And(items):
                return self.logic((self.value(i) for i in items), decisive=False)
            case Or(items):
                return self.logic((self.value(i) for i in items), decisive=True)
            case Implies(cond, then):
                return self.implies(cond, then)
            case Call(name):
                return getattr(self, "fn_" + name)(node)
        raise TypeError(f"not an expression node: {node!r}")  # pragma: no cover

    # --- cells -------------------------------------------------------------------------------------

    def error(self, node: _Node, message: str) -> ExprError:
        return ExprError(message, node.line, node.column, _context(self.expr.text, node.line, node.column))

    def read(self, ref: RefSpec, record_missing: bool = True) -> Value:
        key = self.current[ref] if ref.multi else self.expand(ref)[0]
        cell = self.resolver.cell(*key)
        if cell is not None and key not in self._read:
            self._read.add(key)
            self.cells.append(cell)
        value = None if cell is None else cell.value
        if value is None and record_missing and key not in self._missing_keys:
            self._missing_keys.append(key)
            self.missing.append(key if cell is None else cell)
        return value

    def forget_missing(self, mark: int) -> None:
        """Drop missing cells recorded since ``mark``: they did not decide the value after all."""
        del self.missing[mark:], self._missing_keys[mark:]

    def expand(self, ref: RefSpec) -> list[tuple[str, str, str]]:
        fixed = ref.__dict__.get("_fixed")         # plain ids only: the same cells in every report, listed once
        if fixed is None and all(p.kind == "id" for p in ref.rows + ref.cols):
            rows, cols = list(dict.fromkeys(p.value for p in ref.rows)), list(dict.fromkeys(p.value for p in ref.cols))
            fixed = ref.__dict__["_fixed"] = tuple((ref.table, r, c) for r in rows for c in cols)
        if fixed is not None:
            return list(fixed)
        rows = self.ids(ref, ref.rows, self.resolver.rows)
        cols = self.ids(ref, ref.cols, self.resolver.cols)
        return [(ref.table, r, c) for r in rows for c in cols]

    def ids(self, ref: RefSpec, patterns: tuple[Pattern, ...], listing) -> list[str]:
        out: list[str] = []
        for p in patterns:
            if p.kind == "id":
                out.append(p.value)
            elif p.kind == "var":
                bound = self.bindings.get(p.value, self.bindings.get("$" + p.value))
                if bound is None:
                    raise self.error(ref, f"variable ${p.value} has no binding")
                out.append(str(bound))
            else:
                known = list(listing(ref.table))
                if p.kind == "prefix":
                    out += [i for i in known if i.startswith(p.value)]
                    continue
                for end in (p.value, p.end):
                    if end not in known:
                        raise self.error(ref, f"range {p}: {end!r} is not an id of {ref.table} in the template")
                a, b = known.index(p.value), known.index(p.end)
                if a > b:
                    raise self.error(ref, f"range {p} runs backwards in template order")
                out += known[a:b + 1]
        return list(dict.fromkeys(out))      # a wildcard overlapping a listed id counts it once

    def elements(self, args: tuple[_Node, ...]) -> Iterator[Value]:
        """The values an aggregate ranges over: each argument once, or once per cell of the multi-cell
        reference in it (the reference then stands for that cell wherever it occurs in the argument)."""
        for arg in args:
            loops = self.expr.loops(arg)
            if not loops:
                yield self.value(arg)
                continue
            loop = loops[0]
            saved = self.current.get(loop, _UNSET)
            try:
                for key in self.expand(loop):
                    self.current[loop] = key
                    yield self.value(arg)
            finally:
                if saved is _UNSET:
                    self.current.pop(loop, None)
                else:
                    self.current[loop] = saved

    # --- operators ---------------------------------------------------------------------------------

    def arith(self, node: Arith) -> Value:
        values = [self.value(o) for o in node.operands]    # all of them, so every blank is reported
        if any(v is None for v in values):
            return None
        acc = values[0]
        for op, v in zip(node.ops, values[1:]):
            if op == "+":
                acc = acc + v
            elif op == "-":
                acc = acc - v
            elif op == "*":
                acc = acc * v
            elif v == 0:
                return None                                 # division by zero: no value, nothing missing
            else:
                acc = Decimal(acc) / Decimal(v)
        return acc

    def logic(self, values: Iterator[Value], decisive: bool) -> Value:
        """Three-valued and (decisive=False) / or (decisive=True), short-circuiting."""
        mark, unknown = len(self.missing), False
        for v in values:
            if v is decisive:
                self.forget_missing(mark)
                return decisive
            unknown = unknown or v is None
        return None if unknown else not decisive

    def implies(self, cond: _Node, then: _Node) -> Value:
        mark = len(self.missing)
        a = self.value(cond)
        if a is False:
            self.forget_missing(mark)
            return True
        b = self.value(then)
        if b is True:
            self.forget_missing(mark)
            return True
        return None if a is None or b is None else False

    # --- functions ---------------------------------------------------------------------------------

    def fn_sum(self, node: Call) -> Value:
        values = list(self.elements(node.args))
        return None if any(v is None for v in values) else sum(values, 0)

    def fn_count(self, node: Call) -> Value:
        """Numbers count when filled (never unknown); conditions count when true (unknown if any is)."""
        total, unknown = 0, False
        for arg in node.args:
            boolean = _check(arg, True) == BOOL
            mark = len(self.missing)
            for v in self.elements((arg,)):
                if boolean:
                    total += v is True
                    unknown = unknown or v is None
                else:
                    total += v is not None
            if not boolean:
                self.forget_missing(mark)
        return None if unknown else total

    def fn_all(self, node: Call) -> Value:
        values = self.elements(node.args)
        try:
            return self.logic(values, decisive=False)
        finally:
            values.close()

    def fn_any(self, node: Call) -> Value:
        values = self.elements(node.args)
        try:
            return self.logic(values, decisive=True)
        finally:
            values.close()

    def fn_abs(self, node: Call) -> Value:
        v = self.value(node.args[0])
        return None if v is None else abs(v)

    def fn_min(self, node: Call) -> Value:
        values = [self.value(a) for a in node.args]
        return None if any(v is None for v in values) else min(values)

    def fn_max(self, node: Call) -> Value:
        values = [self.value(a) for a in node.args]
        return None if any(v is None for v in values) else max(values)

    def fn_filled(self, node: Call) -> Value:
        return self.read(node.args[0], record_missing=False) is not None

    def fn_blank(self, node: Call) -> Value:
        return self.read(node.args[0], record_missing=False) is None

    def fn_approx(self, node: Call) -> Value:
        a, b, tol = (self.value(x) for x in node.args)
        if node is self.expr._focus:
            self.lhs, self.rhs = a, b
        return None if a is None or b is None or tol is None else abs(a - b) <= tol
