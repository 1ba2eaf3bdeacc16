"""Frozen dataclasses without the cost of ``@dataclass(frozen=True)`` at every start.

``@dataclass(frozen=True)`` writes the source of six methods for each class (``__init__``, ``__repr__``,
``__eq__``, ``__hash__``, ``__setattr__``, ``__delattr__``) and compiles it when the module is imported: ~4 M
machine instructions a class, every time gklint starts (and it has dozens). A class declared ``@frozen`` is the
same: a dataclass (``dataclasses.fields``, ``replace`` and ``asdict`` work on it), frozen (assigning or deleting a
field raises ``FrozenInstanceError``), equal and hashed by its compared fields as a tuple, shown as
``Name(field=value, ...)``, matched by its fields in ``case`` patterns, and pickled and copied like one. Its
``__init__`` is the class's own, written out (compiled with the module, not at every start): it sets the fields
with ``object.__setattr__``, as a frozen dataclass's does; the other methods are made here of code shared by all
such classes (tests/test_records.py checks them against ``@dataclass(frozen=True)``).

The class is made a dataclass with ``init=False, repr=False, eq=False`` (its fields, their order and options, its
``__match_args__``; ``frozen`` there is False, since the methods that make it frozen are these). ``@mutable`` is
the same for a plain ``@dataclass`` (not frozen, so unhashable, as a dataclass with ``eq`` is).
"""
from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass, fields
from operator import attrgetter
from reprlib import recursive_repr


def frozen(cls=None, /, *, slots: bool = False):
    """``@dataclass(frozen=True, slots=slots)`` for a class that writes its own ``__init__`` (see above)."""

    def wrap(cls: type) -> type:
        if "__init__" not in cls.__dict__:
            raise TypeError(f"{cls.__name__}: a @frozen class writes its own __init__")
        cls = dataclass(cls, init=False, repr=False, eq=False, slots=slots)
        _add_methods(cls, fields(cls), slots)
        return cls

    return wrap if cls is None else wrap(cls)


def mutable(cls: type) -> type:
    """``@dataclass`` for a class that writes its own ``__init__`` (see above)."""
    if "__init__" not in cls.__dict__:
        raise TypeError(f"{cls.__name__}: a @mutable class writes its own __init__")
    cls = dataclass(cls, init=False, repr=False, eq=False)
    _add_methods(cls, fields(cls), False, frozen=False)
    return cls


def _tuple_of(names: tuple[str, ...]):
    """A function giving the tuple of an object's attributes ``names`` (in C: ``attrgetter``)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        get = attrgetter(names[0])
        return lambda obj: (get(obj),)
    return lambda obj: ()


def _add_methods(cls: type, fs: tuple, slots: bool, frozen: bool = True) -> None:
    names = tuple(f.name for f in fs)
    key = _tuple_of(tuple(f.name for f in fs if f.compare))
    shown = tuple(f.name for f in fs if f.repr)
    shown_values = _tuple_of(shown)

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return key(self) == key(other)
        return NotImplemented

    def __hash__(self):
        return hash(key(self))

    @recursive_repr()
    def __repr__(self):
        return f"{self.__class__.__qualname__}({', '.join([f'{n}={v!r}' for n, v in zip(shown, shown_values(self))])})"

    def __setattr__(self, name, value):
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    def __delattr__(self, name):
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    if not frozen:      # equal by its fields, and so not hashable (a dataclass with eq, not frozen)
        cls.__hash__ = None
        methods = {"__eq__": __eq__, "__repr__": __repr__}
    else:
        methods = {"__eq__": __eq__, "__hash__": __hash__, "__repr__": __repr__, "__setattr__": __setattr__,
                   "__delattr__": __delattr__}
    if slots:       # pickling and copying set the fields again: past __setattr__, as a frozen dataclass does
        def __getstate__(self):
            return [getattr(self, n) for n in names]

        def __setstate__(self, state):
            for n, value in zip(names, state):
                object.__setattr__(self, n, value)

        methods.update(__getstate__=__getstate__, __setstate__=__setstate__)
    for name, method in methods.items():
        method.__qualname__ = f"{cls.__qualname__}.{name}"
        setattr(cls, name, method)
