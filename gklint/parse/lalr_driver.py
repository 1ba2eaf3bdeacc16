"""The outline tree from the report grammar's LALR tables, without importing Lark on the way (``Tables``, used by
``gklint.parse.outline.outline_tree``).

Lark builds the tables from ``grammars/report.lark`` (``gklint.parse.lark_outline``) and stays the reference.
What a parse needs of them — each state's actions, the grammar's rules, the start and end states — is kept in
gklint's cache folder as plain JSON (``outline-<hash>.json``, the hash of the grammar text, this format and gklint's
version), written once after Lark built the tables and the loop below parsed a report with every kind of line to
exactly the tree ``Lark.parse`` gives. A run then reads that file (~20 K machine instructions) and walks the
tables itself: Lark (~90 M instructions to import, ~15 M to load its parser) is imported only to build them again,
or when they cannot be had (then ``Lark.parse`` does the work, as it does for a file that is missing, damaged or
not what this version wrote). A flat grammar's tree, the report grammar's, is its terminals split at each section
(``Tables.split``): decided when the tables are kept (``flat_items``, checked against Lark's tree), not walked.

The tree is made of this module's ``Tree`` (``data``, ``children``) and ``Token`` (the classified line run: its
``type``, ``start_pos``/``end_pos`` into the line list, where it stands): what the builder (``gklint.model.build``)
reads of Lark's, equal to Lark's tree of the same terminals in data, types and positions
(tests/test_outline_driver.py).
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache

from .. import __version__
from ..resources import cache_dir, grammar_path, read_cached, store_cached

#: the stored tables' format (in the file name's hash: another format is another file)
FORMAT = 2
MAX_TABLES = 1024 * 1024      # bytes of the stored file (the report grammar's are ~3 KB)


class Token:
    """A terminal of the outline: a run of classified lines (``lines[start_pos:end_pos]``) of one ``type``."""

    __slots__ = ("type", "value", "start_pos", "end_pos", "line", "column", "end_line", "end_column")

    def __init__(self, type: str, value: str, start_pos: int, end_pos: int, line: int, column: int,
                 end_line: int, end_column: int) -> None:
        self.type, self.value, self.start_pos, self.end_pos = type, value, start_pos, end_pos
        self.line, self.column, self.end_line, self.end_column = line, column, end_line, end_column

    def __eq__(self, other) -> bool:
        return type(other) is Token and self.type == other.type and self.start_pos == other.start_pos \
            and self.end_pos == other.end_pos and self.value == other.value

    __hash__ = None       # (mutable, as Lark's tokens are compared by value)

    def __str__(self) -> str:
        return self.value

    def __repr__(self) -> str:
        return f"Token({self.type!r}, {self.value!r})"


class Tree:
    """A node of the outline: a rule's name (``data``) and its children (trees and tokens)."""

    __slots__ = ("data", "children")

    def __init__(self, data: str, children: list) -> None:
        self.data, self.children = data, children

    def __eq__(self, other) -> bool:
        return type(other) is Tree and self.data == other.data and self.children == other.children

    __hash__ = None

    def __repr__(self) -> str:
        return f"Tree({self.data!r}, {self.children!r})"


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
    """What a reduction of the rule ``name: expansion`` makes of its children (a list of its own), as Lark's tree
    builder does for this grammar: a repetition's helper rule (``__front_star_1``, which Lark inlines into its
    parent) is the plain list ``[earlier, last]`` (``list``, in C) and the part that holds it unfolds it once."""
    if name.startswith("_"):
        if not (name.startswith("__") and "_star_" in name):
            raise ValueError(f"an inlined rule other than a repetition: {name}")
        return list
    held = frozenset(i for i, sym in enumerate(expansion) if sym.startswith("_"))
    if not held:
        return lambda children: Tree(name, children)
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


class Tables:
    """The report grammar's LALR tables as the parse loop reads them: per state, terminal or rule name →
    (shift: the next state) or (reduce: the rule's name, how many values it takes, what it makes of them).

    ``flat``: the terminals a part is a run of, when the grammar is flat (``flat_items``) and the kept data says
    splitting gives Lark's tree; the tree is then the terminals split at each SECTION (``split``), not the tables
    walked: a shift and a reduction per terminal in Python cost ~100 K machine instructions a report more."""

    __slots__ = ("states", "start", "end", "flat")

    def __init__(self, data: dict) -> None:
        rules = [(name, len(expansion), _tree_callback(name, expansion)) for name, expansion in data["rules"]]
        self.states = [{sym: (target, None) if shift else (None, rules[target])
                        for sym, (shift, target) in acts.items()} for acts in data["states"]]
        self.start, self.end = data["start"], data["end"]
        n = len(self.states)
        if not (type(self.start) is int and type(self.end) is int and 0 <= self.start < n and 0 <= self.end < n):
            raise ValueError("start or end state out of range")
        for acts in self.states:      # every shift (and goto) to a state the tables have
            for target, rule in acts.values():
                if rule is None and not (type(target) is int and 0 <= target < n):
                    raise ValueError("a shift to a state out of range")
        items = flat_items(data["rules"]) if data.get("flat") else None
        if items is not None and set(data["flat"]) != items:
            raise ValueError("flat terminals other than the rules'")
        self.flat = items

    def parse(self, toks) -> Tree:
        """The tree of ``toks`` (tokens of ``gklint.parse.outline.terminals``); ValueError or KeyError where the
        grammar has no place for a terminal (never for this grammar: every sequence of terminals is a report)."""
        if self.flat is not None:
            return self.split(toks)
        states, end = self.states, self.end
        stack = [self.start]
        values: list = []
        for tok in toks:
            kind = tok.type
            while True:
                target, rule = states[stack[-1]][kind]       # (KeyError: no action)
                if rule is None:
                    stack.append(target)
                    values.append(tok)
                    break
                self._reduce(stack, values, rule)
        while True:
            _target, rule = states[stack[-1]]["$END"]
            self._reduce(stack, values, rule)
            if stack[-1] == end:
                return values[-1]

    def split(self, toks) -> Tree:
        """The tree of a flat grammar: the front part's terminals, then each section's (its SECTION first)."""
        items = self.flat
        front: list = []
        parts = [Tree("front", front)]
        run = front
        for tok in toks:
            if tok.type == "SECTION":
                run = [tok]
                parts.append(Tree("section", run))
            elif tok.type in items:
                run.append(tok)
            else:
                raise ValueError(f"a terminal the grammar does not have: {tok.type}")
        return Tree("start", parts)

    def _reduce(self, stack: list, values: list, rule: tuple) -> None:
        name, size, make = rule
        if size:
            children = values[-size:]
            del stack[-size:], values[-size:]
        else:
            children = []
        stack.append(self.states[stack[-1]][name][0])
        values.append(make(children))


def flat_items(rules: list) -> frozenset[str] | None:
    """The terminals a part is a run of, when the grammar's rules (``[name, expansion]`` each, as Lark expands
    them) are exactly ``start: front section*``, ``front: (those)*`` and ``section: SECTION (those)*``; else None."""
    got = {(name, tuple(expansion)) for name, expansion in rules}
    front = [expansion for origin, expansion in got if origin == "front" and expansion]
    opened = [expansion for origin, expansion in got if origin == "start" and len(expansion) == 2]
    if len(front) != 1 or len(front[0]) != 1 or len(opened) != 1 or opened[0][0] != "front":
        return None
    run, sections = front[0][0], opened[0][1]        # (Lark's names of the two repetitions)
    items = frozenset(expansion[0] for origin, expansion in got if origin == run and len(expansion) == 1)
    expected = {("start", ("front", sections)), ("start", ("front",)), ("front", (run,)), ("front", ()),
                ("section", ("SECTION", run)), ("section", ("SECTION",)),
                (sections, ("section",)), (sections, (sections, "section")),
                *((run, (item,)) for item in items), *((run, (run, item)) for item in items)}
    if got != expected or "SECTION" in items or len(got) != len(rules) or any(i.startswith("_") for i in items):
        return None             # (a terminal named _X is left out of Lark's tree: a split would keep it)
    return items


def _path():
    text = grammar_path("report.lark").read_bytes()
    key = hashlib.sha256(b"%d\n%s\n" % (FORMAT, __version__.encode()) + text).hexdigest()[:24]
    return cache_dir() / "grammars" / f"outline-{key}.json"


@lru_cache(maxsize=1)
def tables() -> Tables | None:
    """The report grammar's tables: read from the cache, else built by Lark (and stored when they parse a report
    with every kind of line to the tree Lark gives); None when they cannot be had (Lark then parses)."""
    path = _path()
    raw = read_cached(path, MAX_TABLES)
    if raw is not None:
        try:
            return Tables(json.loads(raw))
        except Exception:  # noqa: BLE001 - a damaged or foreign file is a miss: built again below
            pass
    from .lark_outline import table_data

    data = table_data()
    if data is None:
        return None
    store_cached(path, json.dumps(data).encode("ascii"))
    return Tables(data)
