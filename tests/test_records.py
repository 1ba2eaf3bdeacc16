"""gklint.records.frozen gives what @dataclass(frozen=True) gives (with the class's own __init__)."""
import copy
import dataclasses
import inspect
import pickle
from dataclasses import FrozenInstanceError, dataclass, field

import pytest

from gklint.records import frozen, mutable


@dataclass(frozen=True)
class PlainRef:
    a: int
    b: str = "x"
    c: dict = field(default_factory=dict, compare=False, repr=False)


@frozen
class Plain:
    a: int
    b: str = "x"
    c: dict = field(default_factory=dict, compare=False, repr=False)

    def __init__(self, a: int, b: str = "x", c: dict | None = None) -> None:
        object.__setattr__(self, "a", a)
        object.__setattr__(self, "b", b)
        object.__setattr__(self, "c", {} if c is None else c)


@dataclass(frozen=True, slots=True)
class SlottedRef:
    a: int
    b: tuple


@frozen(slots=True)
class Slotted:
    a: int
    b: tuple

    def __init__(self, a: int, b: tuple) -> None:
        object.__setattr__(self, "a", a)
        object.__setattr__(self, "b", b)


@dataclass(frozen=True)
class OneRef:
    a: float


@frozen
class One:
    a: float

    def __init__(self, a: float) -> None:
        object.__setattr__(self, "a", a)


PAIRS = [(Plain, PlainRef, (1, "y", {"k": 1})), (Slotted, SlottedRef, (1, (2, 3))), (One, OneRef, (float("nan"),))]


@pytest.mark.parametrize("cls, ref, args", PAIRS)
def test_as_a_frozen_dataclass(cls, ref, args):
    o, r = cls(*args), ref(*args)
    assert dataclasses.is_dataclass(o)
    assert [(f.name, f.compare, f.repr, f.init) for f in dataclasses.fields(o)] == [
        (f.name, f.compare, f.repr, f.init) for f in dataclasses.fields(r)]
    assert cls.__match_args__ == ref.__match_args__
    assert repr(o) == repr(r).replace(ref.__qualname__, cls.__qualname__, 1)
    assert hash(o) == hash(r)
    assert (o == cls(*args)) == (r == ref(*args))     # (nan: the same object in both tuples compares equal)
    assert o != r and (o == 1) is False
    assert dataclasses.astuple(o) == dataclasses.astuple(r)
    assert dataclasses.replace(o, a=5).a == 5 and type(dataclasses.replace(o, a=5)) is cls
    for name in ("a", "zz"):
        with pytest.raises(FrozenInstanceError, match=f"cannot assign to field '{name}'"):
            setattr(o, name, 0)
        with pytest.raises(FrozenInstanceError, match=f"cannot delete field '{name}'"):
            delattr(o, name)
    for again in (pickle.loads(pickle.dumps(o)), copy.copy(o), copy.deepcopy(o)):
        assert type(again) is cls and repr(again) == repr(o)


def test_equality_and_hash_by_compared_fields_only():
    assert Plain(1, "y", {"k": 1}) == Plain(1, "y", {"other": 2})
    assert hash(Plain(1)) == hash((1, "x"))
    assert Plain(1) != Plain(2) and Plain(1) != Plain(1, "z")
    assert {Slotted(1, (2,)): 1}[Slotted(1, (2,))] == 1


def test_defaults_agree_with_the_fields():
    assert Plain(1).b == "x" and Plain(1).c == {} and Plain(1).c is not Plain(1).c


@dataclass
class MutableRef:
    a: int
    b: list = field(default_factory=list)


@mutable
class Mutable:
    a: int
    b: list = field(default_factory=list)

    def __init__(self, a: int, b: list | None = None) -> None:
        self.a = a
        self.b = [] if b is None else b


def test_mutable_as_a_dataclass():
    o, r = Mutable(1, [2]), MutableRef(1, [2])
    assert repr(o) == repr(r).replace("MutableRef", "Mutable")
    assert o == Mutable(1, [2]) and o != Mutable(1) and o != r
    assert Mutable.__hash__ is None and MutableRef.__hash__ is None
    o.a = 5
    assert dataclasses.replace(o, b=[3]) == Mutable(5, [3]) and dataclasses.asdict(o) == {"a": 5, "b": [2]}
    assert Mutable(1).b == [] and Mutable(1).b is not Mutable(1).b


def test_own_init_required():
    with pytest.raises(TypeError):
        @frozen
        class NoInit:
            a: int


def _gklint_frozen_classes():
    import importlib

    for name in ("model.nodes", "diagnostics", "model.template", "model.divisions", "readers.base", "rules.loader",
                 "packs", "config", "workflow", "review.run", "review.crossyear", "model.tables", "parse.outline",
                 "model.build", "suppress", "review.facts"):
        module = importlib.import_module(f"gklint.{name}")
        for obj in vars(module).values():
            if (isinstance(obj, type) and obj.__module__ == module.__name__ and dataclasses.is_dataclass(obj)
                    and getattr(obj.__eq__, "__module__", None) == "gklint.records"):
                yield obj


def test_classes_found():
    assert len(list(_gklint_frozen_classes())) == 34


@pytest.mark.parametrize("cls", list(_gklint_frozen_classes()), ids=lambda c: c.__name__)
def test_each_init_takes_its_fields(cls):
    """A @frozen class's __init__ takes its init fields in order, with their defaults (a default factory: None),
    and sets every field."""
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    fs = [f for f in dataclasses.fields(cls) if f.init]
    assert [p.name for p in params] == [f.name for f in fs]
    for p, f in zip(params, fs):
        if f.default is not dataclasses.MISSING:
            assert p.default == f.default
        elif f.default_factory is not dataclasses.MISSING:
            assert p.default is None
        else:
            assert p.default is inspect.Parameter.empty
    args = [object() for p in params if p.default is inspect.Parameter.empty]
    o = cls(*args)
    for f in dataclasses.fields(cls):
        getattr(o, f.name)
