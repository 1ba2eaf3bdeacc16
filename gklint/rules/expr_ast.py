"""The rule-expression language, part one: its AST (small immutable classes), errors, limits and the compile-time
checker (known tables and functions, types, where a multi-cell reference may stand). ``gklint.rules.expr``
parses text into this AST; ``gklint.rules.expr_eval`` evaluates it."""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Iterator, Union

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
#
# The nodes are small immutable classes on one base (fields named once in ``_fields``), not dataclasses:
# thirteen dataclasses cost ~10 ms of every start (each one generates and compiles its methods), for what a
# dozen lines of plain Python say once.

class _Frozen:
    """Immutable value: equal and hashed by its ``_fields`` (in order), shown as ``Name(field=value, ...)``,
    matched positionally in ``case`` patterns."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()

    def __init__(self, *args) -> None:
        if len(args) != len(self._fields):
            raise TypeError(f"{type(self).__name__}() takes {len(self._fields)} arguments, got {len(args)}")
        for name, value in zip(self._fields, args):
            object.__setattr__(self, name, value)

    def __setattr__(self, name, value):
        raise AttributeError(f"cannot assign to field {name!r}")

    __delattr__ = __setattr__

    def _key(self) -> tuple:
        return tuple(getattr(self, f) for f in self._fields)

    def __eq__(self, other) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{f}={getattr(self, f)!r}' for f in self._fields)})"


class _Node(_Frozen):
    """An expression node: its fields, and where it starts in the expression text (1-based)."""

    __slots__ = ("line", "column")

    def __init__(self, *args, line: int = 1, column: int = 1) -> None:
        super().__init__(*args)
        object.__setattr__(self, "line", line)
        object.__setattr__(self, "column", column)


class Pattern(_Frozen):
    """One item of a bracket selector.

    ``kind`` is ``"id"`` (``value`` is the id), ``"var"`` (``value`` is the variable name without ``$``),
    ``"prefix"`` (``value`` is the prefix with its trailing dot, ``"3.3."``) or ``"range"`` (``value`` and
    ``end`` are the inclusive ends, in template order).
    """

    __slots__ = _fields = __match_args__ = ("kind", "value", "end")

    def __init__(self, kind: str, value: str, end: str | None = None) -> None:
        super().__init__(kind, value, end)

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


class RefSpec(_Node):
    """A cell reference ``table[rows][cols]`` as written: the table id and the row and column patterns.

    ``multi`` is true when it can name more than one cell (a list, a wildcard or a range). ``line`` and
    ``column`` locate it in the expression text.
    """

    _fields = __match_args__ = ("table", "rows", "cols")
    __slots__ = _fields + ("multi", "_hash")

    def __init__(self, table: str, rows: tuple[Pattern, ...], cols: tuple[Pattern, ...], **pos) -> None:
        super().__init__(table, rows, cols, **pos)
        # both asked on every read of the reference: worked out once
        object.__setattr__(self, "multi", any(len(sel) > 1 or any(p.multi for p in sel) for sel in (rows, cols)))
        object.__setattr__(self, "_hash", hash((table, rows, cols)))

    def __hash__(self) -> int:
        return self._hash

    def __str__(self) -> str:
        return f"{self.table}[{', '.join(map(str, self.rows))}][{', '.join(map(str, self.cols))}]"


class Num(_Node):
    __slots__ = _fields = __match_args__ = ("value",)         # value: int or Decimal


class Neg(_Node):
    __slots__ = _fields = __match_args__ = ("operand",)


class Arith(_Node):
    __slots__ = _fields = __match_args__ = ("operands", "ops")  # a op1 b op2 c ...: left to right


class Compare(_Node):
    __slots__ = _fields = __match_args__ = ("op", "left", "right")


class Not(_Node):
    __slots__ = _fields = __match_args__ = ("operand",)


class And(_Node):
    __slots__ = _fields = __match_args__ = ("items",)


class Or(_Node):
    __slots__ = _fields = __match_args__ = ("items",)


class Implies(_Node):
    __slots__ = _fields = __match_args__ = ("cond", "then")


class Call(_Node):
    __slots__ = _fields = __match_args__ = ("name", "args")


def _children(node: _Node) -> Iterator[_Node]:
    for f in node._fields:
        v = getattr(node, f)
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


# =====================================================================================================
# The AST as JSON data (kept with a loaded pack: gklint/rules/pack_cache.py)
# =====================================================================================================
# A node is a list [tag, line, column, fields…]; a pattern [kind, value, end]. Reading it back checks every
# part's type and shape, as strictly as the parser would have made it (a number as its token wrote it, an
# operator the grammar has, no deeper than MAX_DEPTH), and raises ValueError for anything else: what is read
# is data, never code, and the caller then parses the text instead. The result is checked by ``_check`` again.

_TAGS = {Num: "num", Neg: "neg", Arith: "arith", Compare: "cmp", Not: "not", And: "and", Or: "or",
         Implies: "implies", Call: "call", RefSpec: "ref"}
_NUMBER = re.compile(r"[0-9]+\.[0-9]+\Z")        # a NUMBER token with a fraction (grammars/expr.lark)
_OPS = frozenset({"+", "-", "*", "/"})
_CMPS = frozenset({"==", "!=", "<", "<=", ">", ">="})
_KINDS = frozenset({"id", "var", "prefix", "range"})


def to_data(node: _Node) -> list:
    """The node as JSON data (lists, strings, numbers), positions included."""
    head = [_TAGS[type(node)], node.line, node.column]
    match node:
        case Num(value):
            return head + [value if isinstance(value, int) else format(value, "f")]   # as written, no exponent
        case RefSpec(table, rows, cols):
            return head + [table, [[p.kind, p.value, p.end] for p in rows], [[p.kind, p.value, p.end] for p in cols]]
        case Arith(operands, ops):
            return head + [[to_data(x) for x in operands], list(ops)]
        case And(items) | Or(items):
            return head + [[to_data(x) for x in items]]
        case Call(name, args):
            return head + [name, [to_data(x) for x in args]]
        case Compare(op, left, right):
            return head + [op, to_data(left), to_data(right)]
        case Implies(cond, then):
            return head + [to_data(cond), to_data(then)]
        case Neg(operand) | Not(operand):
            return head + [to_data(operand)]
    raise TypeError(f"not an expression node: {node!r}")  # pragma: no cover


def _str(x) -> str:
    if type(x) is not str:
        raise ValueError("not a string")
    return x


def _list(x, least: int = 0, most: int | None = None) -> list:
    if type(x) is not list or len(x) < least or (most is not None and len(x) > most):
        raise ValueError("not a list of the length wanted")
    return x


def _patterns(x) -> tuple[Pattern, ...]:
    out = []
    for p in _list(x, 1):
        kind, value, end = _list(p, 3, 3)
        if type(kind) is not str or kind not in _KINDS or (end is not None) != (kind == "range"):
            raise ValueError("not a pattern")
        out.append(Pattern(kind, _str(value), None if end is None else _str(end)))
    return tuple(out)


def from_data(data, depth: int = 1) -> _Node:
    """The node ``to_data`` gave (ValueError when ``data`` is anything else)."""
    if depth > MAX_DEPTH:
        raise ValueError("nested too deeply")
    data = _list(data, 4)
    tag, line, column, *rest = data
    if type(line) is not int or type(column) is not int:
        raise ValueError("not a position")
    pos = {"line": line, "column": column}
    sub = depth + 1
    if tag == "num" and len(rest) == 1:
        value = rest[0]
        if type(value) is int and value >= 0:
            return Num(value, **pos)
        if type(value) is str and _NUMBER.match(value):
            return Num(Decimal(value), **pos)
    elif tag == "ref" and len(rest) == 3:
        return RefSpec(_str(rest[0]), _patterns(rest[1]), _patterns(rest[2]), **pos)
    elif tag == "arith" and len(rest) == 2:
        operands, ops = _list(rest[0], 2), _list(rest[1])
        if len(ops) == len(operands) - 1 and all(type(o) is str and o in _OPS for o in ops):
            return Arith(tuple(from_data(x, sub) for x in operands), tuple(ops), **pos)
    elif tag in ("and", "or") and len(rest) == 1:
        return (And if tag == "and" else Or)(tuple(from_data(x, sub) for x in _list(rest[0], 2)), **pos)
    elif tag == "call" and len(rest) == 2:
        return Call(_str(rest[0]), tuple(from_data(x, sub) for x in _list(rest[1])), **pos)
    elif tag == "cmp" and len(rest) == 3 and type(rest[0]) is str and rest[0] in _CMPS:
        return Compare(rest[0], from_data(rest[1], sub), from_data(rest[2], sub), **pos)
    elif tag == "implies" and len(rest) == 2:
        return Implies(from_data(rest[0], sub), from_data(rest[1], sub), **pos)
    elif tag in ("neg", "not") and len(rest) == 1:
        return (Neg if tag == "neg" else Not)(from_data(rest[0], sub), **pos)
    raise ValueError("not an expression node")
