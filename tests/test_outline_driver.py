"""The outline parsed from the report grammar's kept tables (lalr_driver.Tables, outline.outline_tree) is the tree
Lark.parse gives; the tables are kept as plain JSON in the cache folder, read by a later process without Lark, and
a missing, damaged or foreign file is rebuilt (or Lark parses), never trusted and never a crash."""
import itertools
import json
import subprocess
import sys

import pytest
from lark import Tree as LarkTree

from gklint.parse import lalr_driver, lark_outline, outline
from gklint.parse.lalr_driver import Token, Tree

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
    if isinstance(tree, (Tree, LarkTree)):
        return (tree.data, [_shape(c) for c in tree.children])
    assert type(tree) is Token
    return (tree.type, str(tree), tree.start_pos, tree.end_pos, tree.line, tree.column, tree.end_line, tree.end_column)


@pytest.fixture()
def fresh(tmp_path, monkeypatch):
    """An empty cache folder and no tables read yet in this process."""
    monkeypatch.setenv("GKLINT_CACHE_DIR", str(tmp_path))
    lalr_driver.tables.cache_clear()
    yield tmp_path / "grammars"
    lalr_driver.tables.cache_clear()


@pytest.mark.parametrize("text", list(_texts()))
def test_the_kept_tables_give_the_tree_lark_gives(text):
    toks = outline.tokenize(text)
    made = lalr_driver.tables()
    assert made is not None and made.flat is not None         # (this Lark's tables are those it knows; flat)
    ours, plain = outline.outline_tree(toks), lark_outline.parser().parse(toks)
    assert type(ours) is Tree and _shape(ours) == _shape(plain)
    walked = lalr_driver.Tables({**lark_outline.table_data(), "flat": None})     # the tables walked, not split
    assert walked.flat is None and _shape(walked.parse(outline.terminals(toks))) == _shape(plain)


def test_reports_parse_to_the_trees_lark_gives():
    from pathlib import Path
    for path in sorted(Path(__file__).parent.glob("reports/**/*.md"))[:40] + sorted(
            Path(__file__).parent.glob("reports/**/*.txt"))[:40]:
        toks = outline.tokenize(path.read_text(encoding="utf-8", errors="replace"))
        assert _shape(outline.outline_tree(toks)) == _shape(lark_outline.parser().parse(toks)), path


def test_the_tables_are_kept_as_json_and_read_back_without_lark(fresh):
    toks = outline.tokenize("来源：某局\n一、总体情况\n正文。\n")
    want = _shape(outline.outline_tree(toks))           # built by Lark here, and stored
    [path] = fresh.glob("outline-*.json")
    data = json.loads(path.read_text(encoding="ascii"))
    assert set(data) == {"rules", "states", "start", "end", "flat"}
    script = ("import sys; from gklint.parse import outline; "
              "toks = outline.tokenize('来源：某局\\n一、总体情况\\n正文。\\n'); tree = outline.outline_tree(toks); "
              "print('lark' in sys.modules, tree.data, [c.data for c in tree.children])")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         env={**__import__("os").environ, "GKLINT_CACHE_DIR": str(fresh.parent)}).stdout.split()
    assert out[:2] == ["False", "start"] and want[0] == "start"


@pytest.mark.parametrize("content", [b"", b"{", b"[]", b'{"rules": [], "states": [], "start": 0, "end": 0}',
                                     b'{"rules": [["x", []]], "states": [{}], "start": 5, "end": 0}',
                                     b'{"rules": [["x", []]], "states": [{"PARA": [1, 7]}], "start": 0, "end": 0}',
                                     b'{"rules": [["x", []]], "states": [{"PARA": [0, 3]}], "start": 0, "end": 0}',
                                     "\u00ff".encode("latin-1")])
def test_a_damaged_or_foreign_file_is_built_again(fresh, content):
    toks = outline.tokenize("来源：某局\n一、总体情况\n正文。\n")
    want = _shape(lark_outline.parser().parse(toks))
    outline.outline_tree(toks)
    [path] = fresh.glob("outline-*.json")
    path.write_bytes(content)
    lalr_driver.tables.cache_clear()
    assert _shape(outline.outline_tree(toks)) == want
    assert json.loads(path.read_bytes())["start"] == lalr_driver.tables().start     # written again


def test_tables_that_do_not_parse_are_left_to_lark(fresh, monkeypatch):
    """Tables whose loop would give another tree than Lark's (here: callbacks that build other nodes) are not kept
    nor used: Lark parses."""
    real = lalr_driver._tree_callback
    monkeypatch.setattr(lalr_driver, "_tree_callback",
                        lambda name, expansion: real("other" if name == "section" else name, expansion))
    assert lalr_driver.tables() is None and not list(fresh.glob("outline-*.json"))
    toks = outline.tokenize("来源：某局\n一、总体情况\n正文。\n")
    assert _shape(outline.outline_tree(toks)) == _shape(lark_outline.parser().parse(toks))


def test_a_goto_the_tables_lack_is_lark_s_to_parse(monkeypatch):
    """Kept data that loads but whose goto after a reduction is not a state (a foreign or edited file): Lark
    parses, the same tree."""
    data = lark_outline.table_data()
    made = lalr_driver.Tables({**data, "flat": None})
    for acts in made.states:                       # every goto of the rule ``front`` made a reduction's entry
        if "front" in acts:
            acts["front"] = (None, acts["front"])
    toks = outline.tokenize("来源：某局\n一、总体情况\n正文。\n")
    with pytest.raises(TypeError):
        made.parse(outline.terminals(toks))
    monkeypatch.setattr(outline, "tables", lambda: made)
    assert _shape(outline.outline_tree(toks)) == _shape(lark_outline.parser().parse(toks))


def test_a_sequence_the_tables_have_no_action_for_is_lark_s_to_refuse(monkeypatch):
    toks = outline.tokenize("来源：某局\n一、总体情况\n正文。\n")
    monkeypatch.setattr(lalr_driver.Tables, "parse", lambda self, toks: {}["no action"])
    assert _shape(outline.outline_tree(toks)) == _shape(lark_outline.parser().parse(toks))


def test_only_a_flat_grammar_is_split():
    rules = lark_outline.table_data()["rules"]
    assert lalr_driver.flat_items(rules) == {"TITLE", "CHROME", "TOPHEAD", "SUBHEAD", "ITEMHEAD", "PARA", "TABLE"}
    assert lalr_driver.flat_items(rules + [["section", ["SECTION", "SECTION"]]]) is None     # one rule more
    assert lalr_driver.flat_items([r for r in rules if r != ["front", []]]) is None          # one rule less
    nested = [[name, [("part" if s == "section" else s) for s in expansion]] for name, expansion in rules]
    assert lalr_driver.flat_items(nested) is None
    assert lalr_driver.flat_items(rules + [["__front_star_1", ["SECTION"]], ["__front_star_1",
                                                                          ["__front_star_1", "SECTION"]]]) is None
    hidden = rules + [["__front_star_1", ["_NOTE"]], ["__front_star_1", ["__front_star_1", "_NOTE"]]]
    assert lalr_driver.flat_items(hidden) is None            # a terminal Lark leaves out of the tree


def test_kept_data_that_says_flat_for_other_terminals_is_refused():
    data = lark_outline.table_data()
    with pytest.raises(ValueError):
        lalr_driver.Tables({**data, "flat": ["PARA"]})


def test_a_terminal_the_grammar_does_not_have_is_lark_s_to_refuse():
    toks = outline.tokenize("来源：某局\n一、总体情况\n正文。\n")
    made = lalr_driver.tables()
    odd = list(outline.terminals(toks))
    odd[1].type = "STRANGE"
    with pytest.raises(ValueError):
        made.split(odd)


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
