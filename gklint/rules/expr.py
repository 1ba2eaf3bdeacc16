"""The rule-expression language of declarative rules: table relations (勾稽关系) over canonical cell ids.

    t3[1][$c] + t3[2][$c] == t3[3.7][$c] + t3[4][$c]
    t3[3.7][$c] == sum(t3[3.1, 3.2, 3.3.*, 3.4.*, 3.5.*, 3.6.*][$c])
    t3[1][total] + t3[2][total] > 0 -> t3[3.7][total] > 0

The grammar is ``grammars/expr.lark``; a lark Transformer (``expr_parse``) turns the parse tree into an AST of
small immutable classes, a checker validates it once at compile time (both in ``expr_ast``), and :class:`Expr`
(``expr_eval``) compiles it into closures that evaluate it against a :class:`Resolver`. Nothing is ever passed to Python's ``eval``; expressions come from
third-party rule packs, so size and nesting are bounded too.

Missing operands use three-valued logic: a blank, placeholder or missing cell has the value ``None``;
arithmetic and comparisons over it are ``None`` ("cannot check"), and ``and`` / ``or`` / ``->`` only stay
``None`` when the known operands do not decide the result.
"""
from __future__ import annotations

import functools

# The language's public names live in two modules (the AST and checker; the evaluator) and are all here.
from .expr_ast import (AGGREGATES, BOOL, FUNCTIONS, MAX_DEPTH, MAX_LENGTH, NUM, TABLES, And, Arith,  # noqa: F401
                       Call, Compare, ExprError, ExprSyntaxError, Implies, Neg, Not, Num, Number, Or, Pattern,
                       RefSpec, Value, _check, _context, from_data, to_data)
from .expr_eval import Expr, Resolver, Result  # noqa: F401


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
    from .expr_parse import parse_tree    # Lark: only for a text the pack cache does not hold the AST of

    root = parse_tree(text)
    try:
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
