"""Check kinds: the small fixed vocabulary that declarative rules ``extend`` (Vale's idea).

A kind is a function ``check(rule, report, ctx) -> Iterable[Finding]`` registered with ``@kind(name, options=…)``.
Its option schema (name → ``Opt``) is validated when a rule pack loads, so a typo in a rule file is an error
naming the file and line, not a silent no-op. The engine turns each ``Finding`` into a ``Diagnostic`` with the
rule's code, name, severity and message template. Plugins add kinds through the ``gklint_check_kinds`` hook.
"""
from __future__ import annotations

import functools
import re
import weakref
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from ...diagnostics import Severity, Span


@dataclass(frozen=True)
class Opt:
    """One option of a check kind: its type(s), default, and whether a rule must give it."""

    type: type | tuple[type, ...]
    default: Any = None
    required: bool = False
    doc: str = ""
    regex: bool = False     # a regular expression (a string, or the strings of a list or mapping): checked at
                            # load with gklint.rules.saferegex, refused with GK902 when too costly


@dataclass
class Finding:
    span: Span | None
    params: dict[str, Any] = field(default_factory=dict)
    message: str | None = None          # key into the rule's `messages`, or None for `message`
    severity: Severity | None = None    # override the rule's severity (e.g. alias = info)
    fix: dict[str, Any] | None = None


@dataclass(frozen=True)
class Kind:
    name: str
    func: Callable[..., Iterable[Finding]]
    options: dict[str, Opt]
    doc: str


KINDS: dict[str, Kind] = {}


class lazy_re:    # noqa: N801 - used like re.compile
    """``re.compile(pattern, flags)``, done when the pattern is first used: the check kinds have some eighty
    module-level patterns (big CJK character classes are slow to compile), and a run that never reaches one
    (a keyword pre-check failed on every line, a kind no rule uses) does not pay for it. The first use puts
    the compiled pattern's methods on this object, so every later ``X.search(...)`` is the compiled one's bound
    method, found in the instance dict: no wrapper on the per-report path."""

    _METHODS = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split", "scanner",
                "groups", "groupindex", "flags")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self._flags = flags

    def __getattr__(self, name: str):       # only for what the instance does not have yet: the first use
        if name.startswith("__") or name not in self._METHODS:
            raise AttributeError(name)
        compiled = re.compile(self.pattern, self._flags)
        for attr in self._METHODS:
            setattr(self, attr, getattr(compiled, attr))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy_re({self.pattern!r})"


def per_object(func):
    """Memoise ``func(obj)`` by the object's identity, for as long as it lives: what several rules read of one
    report (its clauses, its prose lines) or one table is made once. An entry goes when its object does (a weak
    reference: the memo never keeps a report alive), and at most a few are kept. The value must not refer to
    the object itself (that would keep it alive)."""
    memo: dict[int, tuple[weakref.ref, object]] = {}

    @functools.wraps(func)
    def cached(obj):
        key = id(obj)
        hit = memo.get(key)
        if hit is not None and hit[0]() is obj:
            return hit[1]
        if len(memo) >= 8:
            memo.clear()
        value = func(obj)
        try:
            ref = weakref.ref(obj, lambda _ref, key=key: memo.pop(key, None))
        except TypeError:            # an object without weak references (__slots__): held, among the last few
            ref = lambda obj=obj: obj   # noqa: E731
        memo[key] = (ref, value)
        return value

    return cached


def kind(name: str, options: dict[str, Opt] | None = None):
    """Register a check kind (built-in kinds and plugin kinds alike)."""

    def deco(func):
        KINDS[name] = Kind(name, func, dict(options or {}), (func.__doc__ or "").strip())
        return func

    return deco


def builtin_kinds() -> dict[str, Kind]:
    import importlib

    for mod in ("structure", "table_shape", "relations", "content", "consistency", "typography", "internal", "culprit",
                "front", "places"):
        try:
            importlib.import_module(f"{__name__}.{mod}")
        except ModuleNotFoundError as exc:  # a kind module not written yet must not break the others
            if exc.name != f"{__name__}.{mod}":
                raise
    return dict(KINDS)
