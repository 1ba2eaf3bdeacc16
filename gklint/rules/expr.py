"""The rule-expression language of declarative rules: table relations (勾稽关系) over canonical cell ids.

    t3[1][$c] + t3[2][$c] == t3[3.7][$c] + t3[4][$c]
    t3[3.7][$c] == sum(t3[3.1, 3.2, 3.3.*, 3.4.*, 3.5.*, 3.6.*][$c])
    t3[1][total] + t3[2][total] > 0 -> t3[3.7][total] > 0

The grammar is ``grammars/expr.lark``; a lark Transformer (here) turns the parse tree into an AST of small
immutable classes, a checker validates it once at compile time (both in ``expr_ast``), and :class:`Expr`
(``expr_eval``) compiles it into closures that evaluate it against a :class:`Resolver`. Nothing is ever passed to Python's ``eval``; expressions come from
third-party rule packs, so size and nesting are bounded too.

Missing operands use three-valued logic: a blank, placeholder or missing cell has the value ``None``;
arithmetic and comparisons over it are ``None`` ("cannot check"), and ``and`` / ``or`` / ``->`` only stay
``None`` when the known operands do not decide the result.
"""
from __future__ import annotations

import functools
from decimal import Decimal

from lark import Lark, Transformer, Tree, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

# The language's public names live in two modules (the AST and checker; the evaluator) and are all here.
from .expr_ast import (AGGREGATES, BOOL, FUNCTIONS, MAX_DEPTH, MAX_LENGTH, NUM, TABLES, And, Arith,  # noqa: F401
                       Call, Compare, ExprError, ExprSyntaxError, Implies, Neg, Not, Num, Number, Or, Pattern,
                       RefSpec, Value, _check, _context, from_data, to_data)
from .expr_eval import Expr, Resolver, Result  # noqa: F401


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
    # Not Lark's cache= (issue 8; see gklint/parse/lark_tables.py): built once per process, when a pack has
    # expressions, from tables kept as JSON.
    from ..parse.lark_tables import lalr   # the tables built once, then loaded from the user cache (JSON)

    return lalr("expr.lark", propagate_positions=True, maybe_placeholders=False)


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
    stored = _STORED.pop(text, None)
    if stored is not None:
        try:
            root = from_data(stored)
            kind = _check(root)
        except (ValueError, RecursionError):    # ExprError too: the text is parsed, and says what is wrong
            pass
        else:
            _remember(text, root)
            return Expr(text, root, boolean=kind == BOOL)
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
    _remember(text, root)
    return Expr(text, root, boolean=kind == BOOL)


# The ASTs of a loaded pack's expressions are kept with it in the pack cache (gklint/rules/pack_cache.py), so a
# start-up from the cache builds neither the expression parser (~5 ms: its contextual lexer compiles a dozen
# regular expressions) nor a parse tree per expression (~1 ms each): compile_expr rebuilds the AST from the
# stored data instead (checked again; anything odd, and the text is parsed).
_STORED: dict[str, list] = {}       # text → its AST as data, from the pack cache, until compile_expr takes it
_PARSED: dict[str, object] = {}     # text → its AST, for every text compile_expr accepted in this process
MAX_KEPT = 1024                     # texts kept in either (the national pack has ~10)


def _remember(text: str, root) -> None:
    if len(_PARSED) >= MAX_KEPT:
        del _PARSED[next(iter(_PARSED))]      # the oldest
    _PARSED[text] = root


def stored_trees(texts) -> dict[str, list]:
    """The ASTs of those of ``texts`` that compile_expr accepted in this process, as JSON data (what loading a
    pack compiled to validate its rules)."""
    return {t: to_data(_PARSED[t]) for t in texts if isinstance(t, str) and t in _PARSED}


def keep_trees(trees: dict) -> None:
    """Keep the ASTs read from the pack cache for compile_expr (a text it has compiled already is left alone)."""
    for text, data in trees.items():
        if len(_STORED) >= MAX_KEPT:
            break
        _STORED.setdefault(text, data)
