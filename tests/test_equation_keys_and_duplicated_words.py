"""The equation checks' cell keys kept per table layout, and GK604's candidate places (issue 9): what they keep
or find gives what making the keys again or scanning the whole text gives."""
from __future__ import annotations

from gklint.rules.expr_batch import _Keys


class _B:
    """What _Keys.get reads of a batch: the bindings' variables (their identity is the layout)."""

    def __init__(self, variables: list) -> None:
        self.vars = variables


def _maker(log: list):
    def make(b, parts):
        log.append((id(b.vars), parts))
        return [(v["r"], parts) for v in b.vars]
    return make


def test_keys_kept_per_layout_when_layouts_alternate():
    log: list = []
    make, keys = _maker(log), _Keys()
    a, b = _B([{"r": "1"}, {"r": "2"}]), _B([{"r": "3"}])
    for _ in range(3):                       # the 2021 and the 2019 layout in turn: each made once
        assert keys.get(a, ("x",), make) == [("1", ("x",)), ("2", ("x",))]
        assert keys.get(b, ("x",), make) == [("3", ("x",))]
    assert len(log) == 2


def test_keys_kept_per_parts_when_parts_alternate_under_one_layout():
    log: list = []
    make, keys = _maker(log), _Keys()
    a = _B([{"r": "1"}, {"r": "2"}])
    for _ in range(3):                       # two reports' t3[3.*] rows under the same columns, in turn
        assert keys.get(a, ("x",), make) == [("1", ("x",)), ("2", ("x",))]
        assert keys.get(a, ("y",), make) == [("1", ("y",)), ("2", ("y",))]
    assert len(log) == 2
    for i in range(_Keys.KEPT):              # more parts than kept: the oldest goes, the others stay
        keys.get(a, (i,), make)
    assert len(log) == 2 + _Keys.KEPT
    keys.get(a, (_Keys.KEPT - 1,), make)
    assert len(log) == 2 + _Keys.KEPT
    keys.get(a, ("x",), make)
    assert len(log) == 3 + _Keys.KEPT


def test_keys_made_again_when_parts_change_or_the_variables_are_other_objects():
    log: list = []
    make, keys = _maker(log), _Keys()
    a = _B([{"r": "1"}])
    keys.get(a, ("x",), make)
    assert keys.get(a, ("y",), make) == [("1", ("y",))]        # another report's wildcard ids
    assert keys.get(_B([{"r": "1"}]), ("y",), make) == [("1", ("y",))]   # equal, not the same list
    assert len(log) == 3


def test_keys_bounded():
    log: list = []
    make, keys = _maker(log), _Keys()
    layouts = [_B([{"r": str(i)}]) for i in range(_Keys.KEPT + 1)]
    for lay in layouts[:-1]:
        keys.get(lay, (), make)
    keys.get(layouts[0], ("other",), make)   # a layout kept, made again for other parts: nothing else goes
    assert len(keys.entries) == _Keys.KEPT
    keys.get(layouts[-1], (), make)          # one more than kept: the others go
    assert len(keys.entries) <= _Keys.KEPT
    assert keys.get(layouts[-1], (), make) == [("4", ())]
    assert len(log) == _Keys.KEPT + 2        # the last one kept: not made again
    keys.get(layouts[1], (), make)           # one that went: made again
    assert len(log) == _Keys.KEPT + 3


def test_keys_a_failed_make_keeps_nothing():
    keys = _Keys()
    a = _B([{"r": "1"}])

    def fail(b, parts):
        raise LookupError

    try:
        keys.get(a, (), fail)
    except LookupError:
        pass
    assert keys.entries == {}


# ---------------------------------------------------------------------------------------------------------
# GK604: the lines with a doubled unit, found from where two characters come again 2-4 later
# ---------------------------------------------------------------------------------------------------------

import random  # noqa: E402

import pytest  # noqa: E402

from gklint.rules.checks import content, typography  # noqa: E402


def _starts(text: str) -> tuple[int, ...]:
    lines = text.split("\n")
    return tuple(sum(len(t) + 1 for t in lines[:k]) for k in range(len(lines)))


def _by_scan(text: str) -> set[int]:
    return set(content.lines_with(text, _starts(text), typography._DUP))


@pytest.mark.parametrize("text", ["", "资金资金", "我们研究研究了\n的的确确\n一步一步", "公开公开公开公开",
                                  "abab 资金", "甲乙丙丁甲乙丙丁\n甲乙丙丁戊甲乙丙丁戊", "    ……\n……", "\x00\x00\x00\x00",
                                  "𠀀资金资金", "资金\ud800资金"])
def test_dup_lines_are_the_scans(text):
    assert typography._dup_lines(text, _starts(text)) == _by_scan(text)


def test_dup_lines_are_the_scans_on_random_text():
    rnd = random.Random(9)
    alphabet = "资金的一二公开研究\n a。"
    for _ in range(5000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 40)))
        assert typography._dup_lines(text, _starts(text)) == _by_scan(text), text


def test_repeat_starts_is_every_place_a_match_can_start():
    text = "今年资金资金到位，规范规范性文件，一二三四一二三四"
    places = typography._repeat_starts(text)
    assert {m.start() for m in typography._DUP.finditer(text)} <= places
    assert all(text[i:i + 2] in (text[i + 2:i + 4], text[i + 3:i + 5], text[i + 4:i + 6]) for i in places)


def test_repeat_starts_refuses_characters_outside_the_bmp():
    assert typography._repeat_starts("𠀀资金资金") is None      # two code units for one character
    assert typography._repeat_starts("资金资金") == {0}


@pytest.mark.parametrize("text", [" " * 5000 + "资金资金", "一" * 3000, "……" * 2000 + "\n的的", "0" * 4000])
def test_dup_lines_long_runs_are_scanned(text):
    assert typography._repeat_starts(text) is None          # too many places: the scan is quicker
    assert typography._dup_lines(text, _starts(text)) == _by_scan(text)


def test_repeat_starts_asks_the_characters_where_only_low_bytes_repeat():
    """The comparison is of each character's low byte: 一丁 (U+4E00 U+4E01) and 　、 (U+3000 U+3001) have the same
    low bytes, and are not a place; the characters themselves decide."""
    assert typography._repeat_starts("一丁　、") == set()
    assert typography._repeat_starts("一丁一丁") == {0}
    assert typography._repeat_starts("甲一丁乙　、") == set() and typography._dup_lines("一丁　、", (0,)) == set()
