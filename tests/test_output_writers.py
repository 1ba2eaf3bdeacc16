"""The output writers' shortcuts write what the plain way writes: gklint.formatters.json_.dumps_indented what
json.dumps(…, ensure_ascii=False, indent=2) writes (the json and sarif formats use it: the standard library's
indented encoder is pure Python), and rich_.Block (a file's block as rich segments) what its rich Text prints."""
from __future__ import annotations

import io
import json
import random
from decimal import Decimal
from enum import IntEnum

import pytest

from gklint.diagnostics import Diagnostic, Severity, Span
from gklint.formatters import render
from gklint.formatters.json_ import dumps_indented


class Level(IntEnum):
    HIGH = 3


def _value(rng: random.Random, depth: int):
    kinds = ["str", "int", "float", "none", "bool", "decimal", "enum"] + (["list", "tuple", "dict"] * 2 if depth < 4 else [])
    kind = rng.choice(kinds)
    if kind == "str":
        return "".join(rng.choice(['"', "\\", "\n", "\t", "\x00", "\x1f", "\x7f", "中", "《", "\u2028", "\ud800", "😀",
                                   "a", " ", "/"]) for _ in range(rng.randrange(6)))
    if kind == "int":
        return rng.choice([0, -1, 7, 2 ** 70, -(2 ** 64)])
    if kind == "float":
        return rng.choice([0.0, -0.0, 1.5, 1e300, 1e-7, float("nan"), float("inf"), float("-inf"), 0.1 + 0.2])
    if kind == "none":
        return None
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "decimal":
        return Decimal("12.50")
    if kind == "enum":
        return Level.HIGH
    items = [_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    if kind == "list":
        return items
    if kind == "tuple":
        return tuple(items)
    keys = [rng.choice(["a", "路径", 1, 2.5, True, False, None, "", "\n"]) for _ in items]
    return dict(zip(keys, items))


def test_same_text_as_json_dumps():
    rng = random.Random(9)
    for _ in range(3000):
        value = _value(rng, 0)
        assert dumps_indented(value, default=str) == json.dumps(value, ensure_ascii=False, indent=2, default=str)


def test_same_errors_as_json_dumps():
    loop: list = [1]
    loop.append(loop)
    looped: dict = {"a": {}}
    looped["a"]["b"] = looped
    for bad in (loop, looped, {(1, 2): 3}, [object()], {"k": {1, 2}}):
        with pytest.raises((TypeError, ValueError)) as ours:
            dumps_indented(bad)
        with pytest.raises((TypeError, ValueError)) as theirs:
            json.dumps(bad, ensure_ascii=False, indent=2)
        assert (type(ours.value), str(ours.value)) == (type(theirs.value), str(theirs.value))
    with pytest.raises(ValueError, match="Circular"):
        dumps_indented([loop], default=lambda o: o)


def test_json_and_sarif_formats_unchanged():
    fix = {"message": "改为全角", "edits": [{"line": 1, "column": 2, "end_line": 1, "end_column": 3, "text": "，",
                                             "amount": Decimal("1.0")}]}
    diags = [Diagnostic.at(Span(1, 2, 1, 3), path="a/年报.txt", code="GK601", name="half-width", message="半角\n逗号",
                           severity=Severity.INFO, fix=fix),
             Diagnostic.at(Span.point(4, 1), path="a/年报.txt", code="GK301", name="t", message='"引号"\\',
                           severity=Severity.ERROR)]
    for fmt, default in (("json", str), ("sarif", None)):
        out = io.StringIO()
        render(diags, fmt, out, rules={"GK301": {"name": "t", "summary": "s", "severity": "error"}})
        data = json.loads(out.getvalue())
        assert out.getvalue() == json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def test_rich_blocks_print_as_their_text():
    """gklint.formatters.rich_.Block (segments) prints what the block's rich Text prints, byte for byte."""
    from gklint.formatters.rich_ import Block, block_parts, file_block, make_console

    class TTY(io.StringIO):
        def isatty(self):
            return True

    diags = [
        Diagnostic.at(Span(1, 3, 1, 5), path="a\x07\x1b[31m\nb.txt", code="GK999", name="x", message="坏\x08\x0c\r\n消息",
                      severity=Severity.ERROR),
        Diagnostic.at(Span(2, 1, 2, 2), path="a\x07\x1b[31m\nb.txt", code="GK998", name="y", message="行\n下一行  ",
                      severity=Severity.WARNING, fix={"edits": []}),
        Diagnostic.at(Span(1, 200, 1, 260), path="a\x07\x1b[31m\nb.txt", code="GK997", name="z",
                      message="很长 " * 40 + "   ", severity=Severity.INFO),
        Diagnostic.at(Span(1, 1, 1, 3), path="t.txt", code="GK996", name="t", message="制表\t符", severity=Severity.ERROR),
    ]
    sources = {"a\x07\x1b[31m\nb.txt": "ab\x1bc\x07d\r\ny \x0b\x0c  \n" + "汉字" * 300 + "   ", "t.txt": "x\ty\n"}
    for path in sources:
        group = [d for d in diags if d.path == path]
        for color in (None, True, False):
            for stream in (io.StringIO(), TTY()):
                ours, theirs = type(stream)(), type(stream)()
                make_console(ours, color).print(Block(block_parts(path, group, sources, None)))
                make_console(theirs, color).print(file_block(path, group, sources, None))
                assert ours.getvalue() == theirs.getvalue()
