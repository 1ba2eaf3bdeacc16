"""The rules stage's per-layout and per-report memos (issue 9): what they keep gives what making it again gives."""
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


def test_keys_made_again_when_parts_change_or_the_variables_are_other_objects():
    log: list = []
    make, keys = _maker(log), _Keys()
    a = _B([{"r": "1"}])
    keys.get(a, ("x",), make)
    assert keys.get(a, ("y",), make) == [("1", ("y",))]        # another report's wildcard ids
    assert keys.get(_B([{"r": "1"}]), ("y",), make) == [("1", ("y",))]   # equal, not the same list
    assert len(log) == 3


def test_keys_bounded_oldest_goes():
    log: list = []
    make, keys = _maker(log), _Keys()
    layouts = [_B([{"r": str(i)}]) for i in range(_Keys.KEPT + 1)]
    for lay in layouts:
        keys.get(lay, (), make)
    assert len(keys.entries) == _Keys.KEPT
    keys.get(layouts[-1], (), make)          # the newest is kept
    assert len(log) == _Keys.KEPT + 1
    keys.get(layouts[0], (), make)           # the oldest went: made again
    assert len(log) == _Keys.KEPT + 2


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
