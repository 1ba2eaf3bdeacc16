"""The reports of one agency as a corpus check sees them: a read-only sequence of ``Facts`` sorted by year, each
unpacked from the run's fact store (``gklint.review.store``) when it is asked for.

A run's largest agency group can hold hundreds of reports (a benchmark's copies, a province's history); unpacked
at once they would make the peak memory grow with the run. So a ``Group`` keeps only the first ``KEEP`` reports
it unpacked and the last one asked for: a group of a few reports (the usual) is unpacked once for all the checks,
a larger one again by each check that walks it. ``years`` gives every report's year without unpacking any
(what the built-in checks index by, ``gklint.review.checks``).
"""
from __future__ import annotations

from collections.abc import Sequence

from .facts import Facts

#: reports of a group kept unpacked (the first ones): a group up to this size (an agency's years: the usual) is
#: unpacked once per run. Each kept report is ~20-30 KB unpacked, so 64 of them made the cross-year stage the
#: run's peak (+1 MiB at 10,000 reports of the benchmark, whose groups have hundreds of copies)
KEEP = 16


class Group(Sequence):
    """``members``: ``gklint.review.store.Packed`` whose blobs unpack (``Packed.sound_one``), or ``Facts``."""

    __slots__ = ("_members", "_kept", "_last", "years")

    def __init__(self, members: list):
        self._members = members
        self._kept: dict[int, Facts] = {}
        self._last: tuple = (-1, None)
        self.years: tuple = tuple(m.year for m in members)

    def __len__(self) -> int:
        return len(self._members)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self._members)))]
        m = self._members[i]        # IndexError, TypeError as a list gives them
        if isinstance(m, Facts):
            return m
        i %= len(self._members)
        f = self._kept.get(i)
        if f is None:
            f = self._last[1] if self._last[0] == i else m.unpack()
            if i < KEEP:
                self._kept[i] = f
            self._last = (i, f)
        return f

    def values_and_hashes(self, i: int) -> tuple[dict, set]:
        """``Facts.values_and_hashes`` of report ``i``: from the report when it is unpacked (or given unpacked),
        else from its packed blob's head, without unpacking it whole."""
        m, f = self._at_hand(i)
        return f.values_and_hashes() if f is not None else m.values_and_hashes()

    def values_and_hash_list(self, i: int) -> tuple[dict, list]:
        """``Facts.values_and_hash_list`` of report ``i``, as ``values_and_hashes`` gets its values."""
        m, f = self._at_hand(i)
        return f.values_and_hash_list() if f is not None else m.values_and_hash_list()

    def titled(self, i: int) -> tuple:
        """(report ``i`` as a finding about the whole report names it: something with its ``path`` and ``year``,
        where its title is): of a packed report, the packed facts and ``Packed.title_place``, without unpacking it
        whole (a run's copies of one year are each such a finding, ``duplicate_year``)."""
        m, f = self._at_hand(i)
        return (f, f.title_place) if f is not None else (m, m.title_place())

    def _at_hand(self, i: int) -> tuple:
        """(member ``i``, its ``Facts`` when they are at hand: given unpacked, kept, or the last asked for; else
        None)."""
        m = self._members[i]
        i %= len(self._members)
        return m, m if isinstance(m, Facts) else self._kept.get(i, self._last[1] if self._last[0] == i else None)

    def __iter__(self):
        return (self[i] for i in range(len(self._members)))

    def __repr__(self) -> str:
        return f"Group({len(self._members)} reports)"
