"""Bounded memos of pure functions: what the per-report path remembers across reports (a template label's
match, a line's shape, a field's parse …). A memo that reaches its limit starts afresh, so a run over any number
of reports keeps at most ``limit`` entries and memory stays flat; a hit is the caller's one ``dict.get``."""
from __future__ import annotations

from typing import TypeVar

V = TypeVar("V")


def remember(memo: dict, key, value: V, limit: int) -> V:
    """Keep ``value`` under ``key`` in ``memo`` (emptied first when it holds ``limit`` entries); gives ``value``."""
    if len(memo) >= limit:
        memo.clear()
    memo[key] = value
    return value
