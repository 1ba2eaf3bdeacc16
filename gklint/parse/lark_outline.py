"""The report grammar with Lark itself: the reference parser, and the tables ``gklint.parse.lalr_driver`` keeps.

Imported only where Lark is needed: to build the tables (once, then they are read from the cache), where they
cannot be had, and by the tests that compare the two parses.
"""
from __future__ import annotations

from functools import lru_cache

from lark import Lark
from lark import Tree as LarkTree
from lark.lexer import Lexer

from .lalr_driver import Tables, Tree, flat_items
from .outline import terminals, tokenize


class LineLexer(Lexer):
    """Custom Lark lexer over the classified line list (``gklint.parse.outline.terminals``)."""

    def __init__(self, lexer_conf) -> None:  # noqa: D401 - Lark's interface
        pass

    def lex(self, data):  # type: ignore[override]
        return terminals(data)


@lru_cache(maxsize=1)
def parser() -> Lark:
    from .lark_tables import lalr   # Lark's own tables, built once, then loaded from the user cache (JSON)

    # no propagate_positions: the builder takes positions from the tokens, never from tree meta (half the parse)
    return lalr("report.lark", lexer=LineLexer, maybe_placeholders=False)


# every kind of line the lexer hands the parser, before and after the first section heading
PROBE = "\n".join(["来源：某局", "某局2023年政府信息公开工作年度报告", "七、其他", "（一）主动公开", "1. 信息发布",
                    "本年度，我局认真贯彻落实条例。", "| 信息内容 | 本年制发件数 |", "", "一、总体情况", "本年度。",
                    "某局2023年政府信息公开工作年度报告", "七、其他", "（一）主动公开", "1. 信息发布", "来源：某局",
                    "| 信息内容 | 本年制发件数 |", "", "二、主动公开政府信息情况", "正文。"])


def table_data() -> dict | None:
    """Lark's LALR tables of the report grammar as ``lalr_driver.Tables`` reads them (plain data: what is kept),
    or None when this Lark's tables do not look as expected (lark 1.2-1.3) or the loop over them does not give
    the tree ``Lark.parse`` gives of a report with every kind of line (Lark then parses every report)."""
    try:
        try:
            from lark.parsers.lalr_analysis import Shift
        except ImportError:
            return None
        lark = parser()
        table = lark.parser.parser.parser.parse_table
        rules = list(lark.rules)
        at = {rule: i for i, rule in enumerate(rules)}
        data = {
            "rules": [[rule.origin.name, [sym.name for sym in rule.expansion]] for rule in rules],
            "states": [None] * len(table.states),
            "start": table.start_states["start"], "end": table.end_states["start"],
        }
        for state, acts in table.states.items():
            data["states"][state] = {sym: [1, arg] if action is Shift else [0, at[arg]]
                                     for sym, (action, arg) in acts.items()}
        toks = tokenize(PROBE)
        want = _as_ours(lark.parse(toks))
        if Tables(data).parse(terminals(toks)) != want:
            return None
        # a flat grammar (lalr_driver.flat_items) is parsed by splitting its terminals at the sections: kept so
        # only where the rules have no options that change Lark's tree and the split gives it for the probe
        items = flat_items(data["rules"])
        if items is not None and not any(rule.options.keep_all_tokens or rule.options.expand1 for rule in rules):
            flat = Tables({**data, "flat": sorted(items)})
            if flat.flat is not None and flat.parse(terminals(toks)) == want:
                data["flat"] = sorted(items)
        return data
    except Exception:  # noqa: BLE001 - anything this Lark does otherwise: Lark.parse, which is always right
        return None


def _as_ours(node):
    """Lark's tree with ``lalr_driver``'s node class (its leaves are our tokens already): to compare them."""
    if isinstance(node, LarkTree):
        return Tree(node.data, [_as_ours(c) for c in node.children])
    return node
