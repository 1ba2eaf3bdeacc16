"""The report grammar's LALR tables fed the lexer's terminals directly (``outline_tree``), not through ``Lark.parse``.

Lark builds the tables from ``grammars/report.lark`` (``gklint.parse.outline.parser``) and stays the reference:
the driver here is used only when this Lark's internals are those it knows (lark 1.2-1.3) and it parses a report
with every kind of line to exactly the tree ``Lark.parse`` gives; otherwise ``Lark.parse`` does the work.
"""
from __future__ import annotations

from functools import lru_cache, partial
from types import SimpleNamespace

from lark import Token, Tree

# The outline is parsed by the grammar's LALR tables, fed the lexer's terminals straight (``outline_tree``), not
# through ``Lark.parse``: its front end (start symbol, lexer thread, lexer wrapper, parser state) costs as much as
# the terminals of a short report, and its tree builder makes a Tree per terminal for the grammar's repetitions
# (``front: (…)*`` is a left-recursive helper rule ``__front_star_1``, its node inlined into its parent again by a
# child filter). Here a repetition's node is the plain list ``[earlier, last]`` (``list``, in C) and the part that
# holds it (front, section, start) unfolds it once: the same tree (tests/test_outline_driver.py), ~60 K machine
# instructions a report less. With a Lark whose internals differ the outline is parsed by ``Lark.parse``.
def _repeated(node: list) -> list:
    """The items of a repetition's node, in order (its nodes nest as ``[[[a], b], c]``)."""
    out = []
    while len(node) == 2:
        out.append(node[1])
        node = node[0]
    out.append(node[0])
    out.reverse()
    return out


def _tree_callback(name: str, expansion: list[str]):
    """What a reduction of the rule ``name: expansion`` makes of its children (a list of its own)."""
    if name.startswith("_"):
        if not (name.startswith("__") and "_star_" in name):
            raise ValueError(f"an inlined rule other than a repetition: {name}")
        return list
    held = frozenset(i for i, sym in enumerate(expansion) if sym.startswith("_"))
    if not held:
        return partial(Tree, name)
    if held == {len(expansion) - 1}:       # (the grammar's parts: front, section, start; their repetition last)
        return lambda children: Tree(name, children[:-1] + _repeated(children[-1]))

    def part(children: list) -> Tree:
        out = []
        for i, child in enumerate(children):
            if i in held:
                out.extend(_repeated(child))
            else:
                out.append(child)
        return Tree(name, out)
    return part


class _Rule:
    """A grammar rule as the parse loop reads it (its origin and expansion), hashed and compared by identity, in C:
    Lark's Rule hashes and compares in Python, twice a reduction (the callback's look-up, an assertion)."""

    __slots__ = ("origin", "expansion")

    def __init__(self, rule) -> None:
        self.origin, self.expansion = rule.origin, rule.expansion


@lru_cache(maxsize=1)
def driver():
    """(the parse configuration: the grammar's tables with its rules as ``_Rule``s and the callbacks above; the
    parser state class; the lexer), or None where this Lark's internals are not those of lark 1.2-1.3 or do not give the tree
    ``Lark.parse`` gives."""
    from .outline import LineLexer, parser, tokenize

    try:
        try:
            from lark.parsers.lalr_parser_state import ParseConf, ParserState
        except ImportError:
            from lark.parsers.lalr_parser import ParseConf, ParserState    # type: ignore[attr-defined,no-redef]
        from lark.parsers.lalr_analysis import Shift
        lark = parser()
        table = lark.parser.parser.parser.parse_table
        rules = {rule: _Rule(rule) for rule in lark.rules}
        states = {state: {sym: (action, arg if action is Shift else rules[arg]) for sym, (action, arg) in acts.items()}
                  for state, acts in table.states.items()}
        callbacks = {rules[rule]: _tree_callback(rule.origin.name, [sym.name for sym in rule.expansion])
                     for rule in lark.rules}
        tables = SimpleNamespace(states=states, start_states=table.start_states, end_states=table.end_states)
        made = ParseConf(tables, callbacks, "start"), ParserState, LineLexer(None)
        # the tree of a report with every kind of line, both ways: a Lark whose internals changed in a way the
        # guards above do not see is then parsed by Lark itself, not misread (once a process, ~1 ms)
        toks = tokenize(PROBE)
        if _fed(made, toks) != lark.parse(toks):
            return None
        return made
    except Exception:  # noqa: BLE001 - anything this Lark does otherwise: Lark.parse, which is always right
        return None


# every kind of line the lexer hands the parser, before and after the first section heading
PROBE = "\n".join(["来源：某局", "某局2023年政府信息公开工作年度报告", "七、其他", "（一）主动公开", "1. 信息发布",
                    "本年度，我局认真贯彻落实条例。", "| 信息内容 | 本年制发件数 |", "", "一、总体情况", "本年度。",
                    "某局2023年政府信息公开工作年度报告", "七、其他", "（一）主动公开", "1. 信息发布", "来源：某局",
                    "| 信息内容 | 本年制发件数 |", "", "二、主动公开政府信息情况", "正文。"])


def _fed(made, toks: list) -> Tree:
    conf, state_class, lexer = made
    feed = state_class(conf, None).feed_token
    for tok in lexer.lex(toks):
        feed(tok)
    return feed(_END, True)


# the end of input (never part of the tree; Lark's own parse makes one a parse, with the last terminal's position)
_END = Token("$END", "", 0, 1, 1)


def outline_tree(toks: list) -> Tree:
    """``parser().parse(toks)`` of the classified lines (``gklint.parse.outline.tokenize``), the tables fed
    directly (see above)."""
    made = driver()
    if made is None:
        from .outline import parser

        return parser().parse(toks)
    return _fed(made, toks)
