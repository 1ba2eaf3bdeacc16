"""The outline parsed by feeding the grammar's tables directly (lalr_driver.outline_tree) is the tree Lark.parse
gives."""
import itertools

import pytest
from lark import Token, Tree

from gklint.parse import lalr_driver, outline

_LINES = {"TITLE": "某局2023年政府信息公开工作年度报告", "CHROME": "来源：某局", "SECTION": "一、总体情况",
          "SECTION2": "二、主动公开政府信息情况", "SUBHEAD": "（一）主动公开", "ITEMHEAD": "1. 信息发布",
          "TOPHEAD": "七、其他", "PARA": "本年度，我局认真贯彻落实条例。", "TABLE": "| 信息内容 | 本年制发件数 |"}


def _texts():
    yield ""
    yield "\n\n"
    kinds = list(_LINES)
    for n in range(1, 4):
        for combo in itertools.product(kinds, repeat=n):
            yield "\n\n".join(_LINES[k] for k in combo)
    yield "\n".join(_LINES[k] for k in kinds * 3)


def _shape(tree):
    if isinstance(tree, Tree):
        return (type(tree), tree.data, [_shape(c) for c in tree.children])
    assert type(tree) is Token
    return (tree.type, str(tree), tree.start_pos, tree.end_pos, tree.line, tree.column, tree.end_line, tree.end_column)


@pytest.mark.parametrize("text", list(_texts()))
def test_the_direct_parse_gives_the_tree_lark_gives(text):
    toks = outline.tokenize(text)
    assert lalr_driver.driver() is not None                         # (this Lark's internals are those it knows)
    fast, plain = lalr_driver.outline_tree(toks), outline.parser().parse(toks)
    assert fast == plain and _shape(fast) == _shape(plain)


def test_reports_parse_to_the_trees_lark_gives():
    from pathlib import Path
    for path in sorted(Path(__file__).parent.glob("reports/**/*.md"))[:40] + sorted(
            Path(__file__).parent.glob("reports/**/*.txt"))[:40]:
        toks = outline.tokenize(path.read_text(encoding="utf-8", errors="replace"))
        assert _shape(lalr_driver.outline_tree(toks)) == _shape(outline.parser().parse(toks)), path


def test_without_the_known_internals_lark_parses(monkeypatch):
    toks = outline.tokenize("来源：某局\n一、总体情况\n正文。\n")
    monkeypatch.setattr(lalr_driver, "driver", lambda: None)
    assert lalr_driver.outline_tree(toks) == outline.parser().parse(toks)


def test_an_unknown_inlined_rule_is_refused_not_guessed():
    with pytest.raises(ValueError):
        lalr_driver._tree_callback("_item", ["PARA"])


def test_a_part_unfolds_its_repetitions_wherever_they_stand():
    last = lalr_driver._tree_callback("section", ["SECTION", "__front_star_1"])
    first = lalr_driver._tree_callback("x", ["__front_star_1", "SECTION"])
    repeated = lalr_driver._tree_callback("__front_star_1", ["__front_star_1", "PARA"])([["a"], "b"])
    assert last(["S", [repeated, "c"]]) == Tree("section", ["S", "a", "b", "c"])
    assert first([[["a"], "b"], "S"]) == Tree("x", ["a", "b", "S"])
    assert lalr_driver._tree_callback("front", [])([]) == Tree("front", [])


def test_a_driver_that_would_give_another_tree_is_not_used(monkeypatch):
    """The driver parses a report with every kind of line both ways when it is first built; a Lark whose
    internals changed in a way the import guards do not see (here: callbacks that build other trees) is then
    left to parse by itself."""
    real = lalr_driver._tree_callback
    monkeypatch.setattr(lalr_driver, "_tree_callback",
                        lambda name, expansion: real("other" if name == "section" else name, expansion))
    lalr_driver.driver.cache_clear()
    try:
        assert lalr_driver.driver() is None
        toks = outline.tokenize("来源：某局\n一、总体情况\n正文。\n")
        assert lalr_driver.outline_tree(toks) == outline.parser().parse(toks)
    finally:
        monkeypatch.undo()
        lalr_driver.driver.cache_clear()
    assert lalr_driver.driver() is not None
