"""The rule-expression language's parser: ``grammars/expr.lark`` parsed by Lark, its tree made into the AST of
``expr_ast``. Imported only when an expression's text must be parsed: a start-up from the pack cache rebuilds the
ASTs of the pack's expressions from the stored data (``gklint.rules.expr.compile_expr``) without Lark."""
from __future__ import annotations

import functools
from decimal import Decimal

from lark import Lark, Transformer, Tree, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from .expr_ast import (MAX_DEPTH, And, Arith, Call, Compare, ExprError, ExprSyntaxError, Implies, Neg, Not, Num, Or,
                       Pattern, RefSpec, _context)


def parse_tree(text: str):
    """The AST of ``text`` (unchecked); ExprSyntaxError where it does not parse, ExprError (with its context)
    where it is nested too deeply."""
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as e:
        raise _syntax_error(text, e) from None
    try:
        _depth_check(tree)
        return _Build().transform(tree)
    except ExprError as e:
        e.context = _context(text, e.line, e.column)
        raise


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
