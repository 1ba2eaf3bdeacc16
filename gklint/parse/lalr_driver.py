"""The report grammar's LALR tables fed the lexer's terminals directly (``outline_tree``), not through ``Lark.parse``.

Lark builds the tables from ``grammars/report.lark`` (``gklint.parse.outline.parser``) and stays the reference:
the driver here is used only when this Lark's internals are those it knows (lark 1.2-1.3) and it parses a report
with every kind of line to exactly the tree ``Lark.parse`` gives; otherwise ``Lark.parse`` does the work.
"""
from __future__ import annotations

from functools import lru_cache, partial

from lark import Tree

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


@lru_cache(maxsize=1)
def driver():
    """(the grammar's tables as ``_fed`` reads them: per state, per symbol, (True, the state a shift goes to) or
    (False, (the rule's size, its callback above, its symbol)) for a reduction; the start state; the end state;
    the lexer), or None where this Lark's internals are not those of lark 1.2-1.3 or do not give the tree
    ``Lark.parse`` gives."""
    from .outline import LineLexer, parser, tokenize

    try:
        from lark.parsers.lalr_analysis import Shift
        lark = parser()
        table = lark.parser.parser.parser.parse_table
        reductions = {rule: (len(rule.expansion), _tree_callback(rule.origin.name, [sym.name for sym in rule.expansion]),
                             rule.origin.name) for rule in lark.rules}
        states = {state: {sym: (True, arg) if action is Shift else (False, reductions[arg])
                          for sym, (action, arg) in acts.items()}
                  for state, acts in table.states.items()}
        made = states, table.start_states["start"], table.end_states["start"], LineLexer(None)
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
    """The tree of the lexer's terminals by the tables (``driver``): what Lark's ``ParserState.feed_token`` does
    a terminal, written out once for the whole input (no call a terminal; a reduction's size, callback and symbol
    in one tuple, not read off its rule). A terminal the tables have no action for (never: every sequence of
    terminals is a report) is left to ``Lark.parse``, which says what was wrong."""
    states, state, end, lexer = made
    state_stack = [state]
    value_stack: list = []
    try:
        for tok in lexer.lex(toks):
            kind = tok.type
            while True:
                shift, arg = states[state][kind]
                if shift:
                    state = arg
                    state_stack.append(state)
                    value_stack.append(tok)
                    break
                size, callback, origin = arg
                if size:
                    children = value_stack[-size:]
                    del state_stack[-size:]
                    del value_stack[-size:]
                else:
                    children = []
                value_stack.append(callback(children))
                state = states[state_stack[-1]][origin][1]        # (the goto after a reduction: a shift)
                state_stack.append(state)
        while True:                     # the end of the input: reductions until the start symbol is complete
            _shift, (size, callback, origin) = states[state]["$END"]
            if size:
                children = value_stack[-size:]
                del state_stack[-size:]
                del value_stack[-size:]
            else:
                children = []
            value_stack.append(callback(children))
            state = states[state_stack[-1]][origin][1]
            state_stack.append(state)
            if state == end:
                return value_stack[-1]
    except (KeyError, TypeError):
        from .outline import parser

        return parser().parse(toks)


def outline_tree(toks: list) -> Tree:
    """``parser().parse(toks)`` of the classified lines (``gklint.parse.outline.tokenize``), the tables fed
    directly (see above)."""
    made = driver()
    if made is None:
        from .outline import parser

        return parser().parse(toks)
    return _fed(made, toks)
