"""Regular expressions from rule packs: compiled with bounded cost, run with a time budget.

A pack is data from someone else (issue 8). Every regular expression a rule gives (an option declared with
``Opt(..., regex=True)``) is checked when the pack loads and refused with GK902 when it is too long or would
expand too much when compiled (``(?:(?:a{1000}){1000}){10}`` is 26 characters and took 3 GB to compile).
Matching goes through a :class:`Budget`: the `regex` module's per-call timeout, one budget per rule and report;
a rule that runs out stops with GK903, the other rules go on. Patterns use the `regex` module's VERSION0
syntax (that of Python's ``re``, plus ``\\p{Han}`` and friends).
"""
from __future__ import annotations

import re as _re
import time
from functools import lru_cache

import regex as _rx

MAX_PATTERN = 500           # characters of one pattern
MAX_WEIGHT = 10_000         # atoms after expanding counted repeats ({m,n}): the compiled size, roughly
DEFAULT_TIMEOUT = 1.0       # seconds of matching per rule and report, unless the rule says otherwise

_COUNT = _re.compile(r"\{(\d*)(?:(,)(\d*))?\}")


class RegexTimeout(TimeoutError):
    """A rule's matching ran over its time budget on one report."""


def weight(pattern: str) -> int:
    """An upper estimate of the pattern's size once counted repeats are expanded (what compiling costs).

    A light scan, not a parser: escapes and character classes are one atom, a group is the sum of its
    contents, ``{m,n}`` multiplies the item before it by its largest count. Alternation adds up."""
    stack: list[list[int]] = [[0, 0]]            # per open group: [total so far, weight of the last item]
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        item = 1
        if c == "\\":
            i += 2
            if i <= n and pattern[i - 1:i] in ("p", "P", "N", "x", "u", "U") and pattern[i:i + 1] == "{":
                j = pattern.find("}", i)
                i = n if j < 0 else j + 1
        elif c == "[":
            i = _class_end(pattern, i)
        elif c == "(":
            stack.append([0, 0])
            i += 1
            continue
        elif c == ")":
            total = stack.pop()[0] if len(stack) > 1 else 0
            item = max(total, 1)
            i += 1
        elif c == "{" and (m := _COUNT.match(pattern, i)) and (m.group(1) or m.group(3)):
            lo = int(m.group(1) or 0)
            hi = int(m.group(3)) if m.group(3) else (lo + 1 if m.group(2) else lo)
            top = stack[-1]
            top[0] += top[1] * (max(lo, hi) - 1)
            top[1] *= max(lo, hi, 1)
            i = m.end()
            if top[0] > MAX_WEIGHT * 10:
                return top[0]
            continue
        elif c in "*+?|":
            i += 1
            continue
        else:
            i += 1
        top = stack[-1]
        top[0] += item
        top[1] = item
    while len(stack) > 1:                         # unclosed groups: the compiler will refuse them anyway
        total = stack.pop()[0]
        stack[-1][0] += total
    return stack[0][0]


def check(pattern: str) -> None:
    """Refuse a pattern that is too long, expands too much, or does not compile (ValueError with the limit)."""
    if not isinstance(pattern, str):
        raise ValueError("应为正则表达式字符串")
    if len(pattern) > MAX_PATTERN:
        raise ValueError(f"正则表达式过长（{len(pattern)} 个字符，上限 {MAX_PATTERN}）")
    w = weight(pattern)
    if w > MAX_WEIGHT:
        raise ValueError(f"正则表达式展开后过大（计数重复 {{m,n}} 展开后约 {w} 个元素，上限 {MAX_WEIGHT}）")
    try:
        compile_pattern(pattern)
    except _rx.error as exc:
        raise ValueError(f"不是有效的正则表达式：{exc}") from None


@lru_cache(maxsize=1024)
def compile_pattern(pattern: str):
    """Compile a (checked) pattern with the `regex` module, cached."""
    if len(pattern) > MAX_PATTERN or weight(pattern) > MAX_WEIGHT:
        raise ValueError("pattern not checked")  # the loader refuses these; never compile one
    return _rx.compile(pattern, _rx.VERSION0)


# words of a pattern looked for in one `re` scan outside the time budget: an alternation of plain words has no
# backtracking, and with this many at most its cost per character stays small whatever a pack says
MAX_WORDS = 64
_SPECIAL = frozenset(".^$*+?{}[]()|\\")


def literal_split(pattern: str) -> tuple[tuple[str, ...], str | None]:
    """What :func:`_split` says, or ``((), pattern)`` for a pattern it does not split."""
    return _split(pattern) or ((), pattern)


@lru_cache(maxsize=1024)
def _split(pattern: str) -> tuple[tuple[str, ...], str | None] | None:
    """The strings the pattern's top-level alternatives of plain text match (no character the syntax gives a
    meaning, but ``?`` after a character), and the other alternatives joined again (None when there are none):
    the pattern matches somewhere in a text exactly when one of the strings is in it or the rest matches there. A pattern whose alternatives could
    depend on one another (flags, back-references, named groups, conditionals) is not split: None."""
    whole = None
    if "(?" in pattern and any(pattern[i + 2:i + 3] not in (":", "=", "!") and pattern[i + 2:i + 4] not in ("<=", "<!")
                               for i in range(len(pattern) - 1) if pattern[i:i + 2] == "(?"):
        return whole
    alternatives, start, depth, i, n = [], 0, 0, 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            if pattern[i + 1:i + 2].isdigit() or pattern[i + 1:i + 2] == "g":
                return whole                          # a back-reference
            i += 2
            continue
        if c == "[":
            i = _class_end(pattern, i)
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth < 0:
                return whole
        elif c == "|" and depth == 0:
            alternatives.append(pattern[start:i])
            start = i + 1
        i += 1
    if depth or i > n:
        return whole
    alternatives.append(pattern[start:])
    literals: list[str] = []
    rest = []
    for a in alternatives:
        words = _words(a)
        if words is None:
            rest.append(a)
        else:
            literals += words
    literals = list(dict.fromkeys(literals))
    if len(literals) > MAX_WORDS:
        return None                 # a word list this long is scanned by the `regex` module, under the budget
    return tuple(literals), ("|".join(rest) if rest else None)


def _words(alternative: str, limit: int = 16) -> list[str] | None:
    """The strings an alternative of plain characters, each optionally followed by ``?``, matches (``上一?年度?``:
    上年, 上年度, 上一年, 上一年度), or None when it has anything else or more than ``limit`` of them."""
    words = [""]
    i, n = 0, len(alternative)
    while i < n:
        c = alternative[i]
        if c in _SPECIAL:
            return None
        if alternative[i + 1:i + 2] == "?":
            if alternative[i + 2:i + 3] == "?" or len(words) * 2 > limit:
                return None
            words = words + [w + c for w in words]
            i += 2
        else:
            words = [w + c for w in words]
            i += 1
    return words


@lru_cache(maxsize=256)
def combined(patterns: tuple[str, ...]) -> tuple[tuple[str, ...], str | None] | None:
    """The words of all of ``patterns`` and the rest of each as one alternation (``(?:rest1)|(?:rest2)``): one
    of the patterns matches somewhere exactly when that does. None when a pattern cannot be split (see
    :func:`literal_split`) or the joined rest would be longer or weigh more than one pattern may."""
    words: list[str] = []
    rests = []
    for p in patterns:
        if not isinstance(p, str):
            return None
        split = _split(p)
        if split is None:
            return None                     # not split (flags, back-references …): its alternatives stay together
        literals, rest = split
        words += literals
        if rest is not None:
            rests.append(f"(?:{rest})")
    rest = "|".join(rests) if rests else None
    words = list(dict.fromkeys(words))
    if len(words) > MAX_WORDS or (rest is not None and (len(rest) > MAX_PATTERN or weight(rest) > MAX_WEIGHT)):
        return None
    return tuple(words), rest


@lru_cache(maxsize=256)
def _any_of(words: tuple[str, ...]) -> "_re.Pattern":
    """One ``re`` pattern for any of ``words`` (plain text: escaped)."""
    return _re.compile("|".join(map(_re.escape, words)))


class Budget:
    """One time budget for all the matching one rule does on one report."""

    def __init__(self, seconds: float = DEFAULT_TIMEOUT) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds

    def _left(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            self._over()
        return left

    def _over(self):
        raise RegexTimeout(f"正则表达式匹配超过 {self.seconds:g} 秒，已停止（请简化规则中的正则表达式）")

    def search(self, pattern, text: str):
        rx = compile_pattern(pattern) if isinstance(pattern, str) else pattern
        try:
            return rx.search(text, timeout=self._left())
        except TimeoutError:
            self._over()

    def found(self, pattern: str, text: str) -> bool:
        """Whether ``pattern`` (a string) matches somewhere in ``text``: ``search() is not None``, with the
        alternatives that are plain text looked for first, all in one scan (``re`` over escaped words: no
        backtracking, far cheaper than the `regex` module's scan for an alternation, or a substring test per
        word; most keyword patterns are lists of words)."""
        literals, rest = literal_split(pattern)
        if literals and _any_of(literals).search(text) is not None:
            return True
        return rest is not None and self.search(rest, text) is not None

    def found_any(self, patterns: tuple[str, ...], text: str) -> bool:
        """``any(self.found(p, text) for p in patterns)``, in at most two scans of ``text`` when the patterns'
        alternatives can be put together (see :func:`combined`)."""
        joint = combined(patterns)
        if joint is None:
            return any(self.found(p, text) for p in patterns)
        literals, rest = joint
        if literals and _any_of(literals).search(text) is not None:
            return True
        return rest is not None and self.search(rest, text) is not None

    def finditer(self, pattern, text: str) -> list:
        rx = compile_pattern(pattern) if isinstance(pattern, str) else pattern
        try:
            return list(rx.finditer(text, timeout=self._left()))
        except TimeoutError:
            self._over()


def _class_end(pattern: str, i: int) -> int:
    """The index after the character class that opens at ``pattern[i]`` ("[") — its closing "]" may come first
    in it (``[]a]``, ``[^]a]``); past the end of the pattern when the class is not closed."""
    n = len(pattern)
    j = i + 1
    if pattern[j:j + 1] == "^":
        j += 1
    if pattern[j:j + 1] == "]":
        j += 1
    while j < n and pattern[j] != "]":
        j += 2 if pattern[j] == "\\" else 1
    return j + 1
