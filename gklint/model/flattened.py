"""Tables whose cells were run together by a crawler ("…申请数量640020470二、上年结转…").

The labels are still there, so each row's digits can be found; splitting them into cells is done only where
the template's own arithmetic leaves exactly one possibility: a table-三 row's 总计 is the sum of the six
applicant columns, a table-四 group's 总计 the sum of its four results, and a row of table 二 with one column
needs no split. Rows that stay ambiguous after that are resolved with the column relations of table 三
((七)总计 = Σ outcome rows; 一 + 二 = (七) + 四) only when exactly one combination satisfies them; otherwise
their cells are left unknown. Recovered cells satisfy those relations by construction, so the GK3xx rules
cannot find errors in them; GK011 says so.
"""
from __future__ import annotations

import itertools
import re
from itertools import accumulate
from bisect import bisect_right
from decimal import Decimal

from ..diagnostics import Span
from .nodes import CELL_DRAFT, NUMBER, UNSPLIT, Cell, Line, Paragraph, Row, Table, TableRegion, new_cell, new_row, new_table
from .tables import absent_row
from .template import RowDef, TableDef
from ..textnorm import fold_positions, folded

_MAX_SOLUTIONS = 50
_span = tuple.__new__      # Span(...) without the named tuple's Python-level __new__
_RUN = re.compile(r"\d+(?:\.\d+)?")     # the digits after a row label
CUT_OFF = "拆法太多，超出检查上限，未拆分"   # the note of a run whose split search was cut off (GK018)

_TABLE_WORDS = ("信息内容", "本年制发件数", "本年处理决定数量", "申请人情况", "本年新收政府信息公开申请数量",
                "结果维持", "尚未审结", "未经复议直接起诉", "行政事业性收费", "本年新制作数量")


_THREE_DIGITS = re.compile(r"\d{3,}")
_T4_RUN = re.compile(r"尚未审结总计(\d{15,})")   # table 四's fifteen counts after its last header


def flattened_table(section):
    """A long line of a section that is really a table with its cells run together (crawled pages), as a
    one-line Paragraph, or None."""
    for b in section.blocks:
        if not isinstance(b, (Paragraph, TableRegion)):
            continue
        for line in b.lines:
            if len(line.text) < 60 or "\t" in line.text or line.text.count("|") > 2:
                continue
            f = folded(line.text)
            words = 0                       # table words in the line: two are enough (a loop, not a generator)
            for w in _TABLE_WORDS:
                if w in f:
                    words += 1
                    if words == 2:
                        if _THREE_DIGITS.search(f):
                            return Paragraph((line,))
                        break
    return None


MAX_SPLIT_STEPS = 200_000    # search steps per run of digits; more is GK018, never a hang (issue 8)
_DIGITS = 7                  # at most 7 digits per cell (a count below ten million)


class TooAmbiguous(Exception):
    """The split search for a run of digits used up its step budget."""


class _Search:
    """Bounded search for the ways to cut a digit string into ``groups`` groups of ``k`` values.

    Values have 1-7 digits and no leading zero. With ``constrained`` each group's last value is the sum of the
    group's others, so only the k-1 addends are enumerated and the sum is read off the digits that follow;
    with unconstrained values the count of tails from each (value index, position) is memoised. Either way
    the work is bounded by ``steps`` (TooAmbiguous when used up) and the kept solutions by ``limit``."""

    def __init__(self, s: str, k: int, groups: int, constrained: bool, limit: int, steps: int) -> None:
        self.s, self.k, self.groups, self.constrained = s, k, groups, constrained
        self.limit, self.steps = limit, steps
        self.memo: dict[tuple[int, int], list[tuple[int, ...]]] = {}

    def fits(self, pos: int, values_left: int) -> bool:
        rest = len(self.s) - pos
        return values_left <= rest <= values_left * _DIGITS

    def solutions(self) -> list[tuple[int, ...]]:
        if not self.s.isdigit() or not self.fits(0, self.k * self.groups):
            return []
        self.prefix = _prefix_values(self.s)       # (what ``group`` reads its values off)
        return self.tails(0, 0)

    def tails(self, g: int, pos: int) -> list[tuple[int, ...]]:
        """Solutions for groups g.. starting at pos (at most limit + 1)."""
        if g == self.groups:
            return [()] if pos == len(self.s) else []
        key = (g, pos)
        if key in self.memo:
            return self.memo[key]
        out: list[tuple[int, ...]] = []
        for end, vals in self.group(pos, self.groups - g - 1):
            for tail in self.tails(g + 1, end):
                out.append(vals + tail)
                if len(out) > self.limit:
                    break
            if len(out) > self.limit:
                break
        self.memo[key] = out
        return out

    def group(self, pos: int, groups_after: int):
        """(end, values) of one group starting at pos that leaves room for the groups after it."""
        k, after = self.k, groups_after * self.k
        s, size, constrained, p = self.s, len(self.s), self.constrained, self.prefix
        most = after * _DIGITS                # fits(q, after): after <= size - q <= most
        found: list[tuple[int, tuple[int, ...]]] = []
        steps = self.steps                    # one step per search node
        last_addend = k - 2 if constrained else -1   # the depth whose children are the group's last addends

        def dfs(q: int, vals: tuple[int, ...], acc: int, depth: int) -> None:
            nonlocal steps
            while True:                       # down a chain of nodes with one child each without a call
                steps -= 1
                if steps < 0:
                    raise TooAmbiguous
                if depth == k:                # (unconstrained: all k values chosen)
                    if after <= size - q <= most:
                        found.append((q, vals))
                    return
                need = k - depth - 1 + after  # values after this one (group and groups after)
                # the lengths n of this value that leave room for them (fits), 1-7 digits, no leading zero
                lo = size - q - need * _DIGITS
                if lo < 1:
                    lo = 1
                hi = size - q - need
                if hi > _DIGITS:
                    hi = _DIGITS
                if hi >= lo and s[q] == "0":
                    hi = 1                    # a value starting with 0 is 0 itself
                if depth == last_addend:
                    # the children are the last addends: each is a node whose sum must be the digits after it
                    for n in range(lo, hi + 1):
                        steps -= 1
                        if steps < 0:
                            raise TooAmbiguous
                        v = p[q + n] - p[q] * _POW10[n]
                        total = acc + v
                        t = str(total)
                        e = q + n + len(t)
                        if s.startswith(t, q + n) and after <= size - e <= most:
                            found.append((e, vals + (v, total)))
                    return
                if lo != hi:
                    break
                v = p[q + lo] - p[q] * _POW10[lo]     # the only child
                q, vals, acc, depth = q + lo, vals + (v,), acc + v, depth + 1
            for n in range(lo, hi + 1):
                v = p[q + n] - p[q] * _POW10[n]
                dfs(q + n, vals + (v,), acc + v, depth + 1)

        try:
            if constrained and k == 1:        # the group is its sum alone: nothing to choose
                steps -= 1
                if steps < 0:
                    raise TooAmbiguous
                if s.startswith("0", pos) and after <= size - pos - 1 <= most:
                    found.append((pos + 1, (0,)))
            else:
                dfs(pos, (), 0, 0)
        finally:
            self.steps = steps
        return found


_DIGIT_BYTES = bytes.maketrans(b"0123456789", bytes(range(10)))
_POW10 = tuple(10 ** n for n in range(_DIGITS + 1))


def _digit_values(s: str) -> tuple[int, ...]:
    """``tuple(map(int, s))`` of a run of digits: for ASCII ones (the usual run) read off their bytes, ~5x fewer
    instructions (``int`` of a one-character string costs ~1.2k)."""
    return tuple(s.encode().translate(_DIGIT_BYTES)) if s.isascii() else tuple(map(int, s))


def _prefix_values(s: str) -> list[int]:
    """The value of each start of the run of digits ``s`` (``p[i]`` is ``int(s[:i])``, 0 for none): a value's
    digits ``s[q:q + n]`` are then ``p[q + n] - p[q] * 10 ** n``, two operations where ``int`` of the slice costs
    ~1.3k instructions (the bounded search reads a value for each length it tries; the one-sum search reads too
    few for the prefix values to pay)."""
    return list(accumulate(_digit_values(s), _shift_add, initial=0))


def _shift_add(a: int, d: int) -> int:
    return a * 10 + d


def _splits(s: str, k: int, limit: int = 50, steps: int = MAX_SPLIT_STEPS) -> list[tuple[int, ...]]:
    """Ways (at most limit + 1) to cut digit string s into k non-negative integers without leading zeros."""
    if len(s) == k and steps > k and s.isdigit():
        # a digit a value, the only way (a search of k + 1 nodes, within any budget that size): most short runs
        return [_digit_values(s)]
    if k == 3 and steps >= _MOST_NODES[4] and s.isdigit():
        return _three_splits(s, limit)
    return _Search(s, k, 1, False, limit, steps).solutions()


def _three_splits(s: str, limit: int) -> list[tuple[int, ...]]:
    """``_Search(s, 3, 1, False, limit, budget).solutions()`` with a budget it cannot use up (its at most 400
    nodes): the three-value rows of table 二, as two loops over the first two values' lengths (the order the
    search finds them in), not a search through nested calls and tuples (~4x fewer instructions)."""
    size, out = len(s), []
    if not 3 <= size <= 3 * _DIGITS:
        return out
    for a in range(max(1, size - 2 * _DIGITS), min(_DIGITS, size - 2) + 1):
        if a > 1 and s[0] == "0":
            break                         # a value starting with 0 is 0 itself
        for b in range(max(1, size - a - _DIGITS), min(_DIGITS, size - a - 1) + 1):
            if b > 1 and s[a] == "0":
                break
            if size - a - b > 1 and s[a + b] == "0":
                continue
            out.append((int(s[:a]), int(s[a:a + b]), int(s[a + b:])))
            if len(out) > limit:
                return out
    return out


def split_row(s: str, k: int, groups: int = 1, steps: int = MAX_SPLIT_STEPS) -> list[tuple[int, ...]]:
    """Splits of s into `groups` groups of k values where each group's last value is the sum of the others
    (at most _MAX_SOLUTIONS + 1). Raises TooAmbiguous when the bounded search cannot decide."""
    if groups == 1 and 2 <= k <= _DIGITS and steps >= _MOST_NODES[k]:
        return _one_sum_splits(s, k, _MAX_SOLUTIONS)
    return _Search(s, k, groups, True, _MAX_SOLUTIONS, steps).solutions()


# per k, the most nodes the search for one group of k values can have (a node per choice of the first 0 … k-1
# values' lengths, 1-7 digits each): a budget of at least this many is never used up there
_MOST_NODES = tuple(sum(_DIGITS ** d for d in range(k)) for k in range(_DIGITS + 1))


def _one_sum_splits(s: str, k: int, limit: int) -> list[tuple[int, ...]]:
    """What ``_Search(s, k, 1, True, limit, budget).solutions()`` gives, with a budget it cannot use up (the
    table-三 row: most rows of a run-together table): its sum first, then the addends that reach exactly it.

    A split is k values of 1-7 digits without leading zeros, written one after another, the last the sum of
    the others; the search finds them in the order of the addends' lengths, and keeps the first limit + 1."""
    size, m = len(s), k - 1               # m addends, then their sum
    if not s.isdigit() or not k <= size <= k * _DIGITS:
        return []
    if not s.strip("0"):                  # zeros only: each value a single 0 (no leading zeros), the sum too
        return [(0,) * k] if size == k else []
    if size == k:                         # a digit a value, the only way: a split if the last is the others' sum
        vals = _digit_values(s)         # (most rows of a small table; the search costs ~60k instructions)
        return [vals] if sum(vals[:-1]) == vals[-1] else []
    found: list[tuple[tuple[int, ...], tuple[int, ...]]] = []     # (addend lengths, values)
    digits = _digit_values(s)
    # the digits' sums before each position: a number is at least the sum of its digits, so the addends from q to
    # the sum are at least ``sums[end] - sums[q]``, and exactly that when each is one digit: the search is cut
    # there, and where all the values left but one have one digit (rows a digit or two longer than their
    # values: most of those that are not a digit a value), ~70 % of the nodes
    sums = list(accumulate(digits, initial=0))

    def addends(q: int, left: int, acc: int, vals: tuple[int, ...], lens: tuple[int, ...]) -> None:
        rest, least = total - acc, sums[end] - sums[q]
        if rest < least:
            return                        # even a digit a value would add up to more
        extra = end - q - left            # digits beyond one a value
        if extra == 0:                    # a digit a value: the only way
            if rest == least:
                found.append((lens + (1,) * left, vals + digits[q:end] + (total,)))
            return
        if extra == 1:
            # one value of two digits, the others of one: the two-digit value 10a + b adds 9a to the digits' sum,
            # so its first digit is (rest - least) / 9 (not 0: a value starting with 0 is 0 itself)
            a, r = divmod(rest - least, 9)
            if r == 0 and a:
                for i in range(q, end - 1):
                    if digits[i] == a:
                        found.append((lens + (1,) * (i - q) + (2,) + (1,) * (end - i - 2),
                                      vals + digits[q:i] + (10 * a + digits[i + 1],) + digits[i + 2:end] + (total,)))
            return
        if left == 1:                     # the last addend: the digits up to the sum, 2-7 of them
            n = end - q
            if n <= _DIGITS and s[q] != "0":
                v = int(s[q:end])
                if acc + v == total:
                    found.append((lens + (n,), vals + (v, total)))
            return
        lo = end - q - (left - 1) * _DIGITS    # room for the addends after this one
        if lo < 1:
            lo = 1
        hi = end - q - (left - 1)
        if hi > _DIGITS:
            hi = _DIGITS
        if s[q] == "0" and hi > 1:
            hi = 1                        # a value starting with 0 is 0 itself
        for n in range(lo, hi + 1):
            v = int(s[q:q + n])
            if acc + v > total:           # a longer value is larger still
                break
            addends(q + n, left - 1, acc + v, vals + (v,), lens + (n,))

    for width in range(1, _DIGITS + 1):   # the sum: the last 1-7 digits
        end = size - width
        if not m <= end <= m * _DIGITS or (width > 1 and s[end] == "0"):
            continue
        total = int(s[end:])
        if sums[end] % 9 != total % 9:
            # a number is its digit sum modulo 9, so the addends, however the digits before the sum are cut,
            # add up to their digits' sum modulo 9: a sum of another remainder is never reached (8 sums in 9
            # skipped)
            continue
        addends(0, m, 0, (), ())
    found.sort(key=lambda f: f[0])
    return [vals for _lens, vals in found[:limit + 1]]


class _Text:
    """A paragraph's folded text with a map back to (line, column) of the original."""

    def __init__(self, p: Paragraph) -> None:
        parts, starts, maps = [], [], []   # per line: its folded text, where that starts in ``f``, its map
        size = 0
        for line in p.lines:
            f, m = fold_positions(line.text)
            parts.append(f)
            starts.append(size)
            maps.append(m)
            size += len(f)
        self.f = "".join(parts)
        self.starts, self.maps = starts, maps
        self.lines = p.lines

    def _at(self, a: int) -> tuple[Line, int]:
        """The line of folded character ``a`` (an index as into a list: negative counts from the end) and the
        offset of its original character in that line."""
        if a < 0:
            a += len(self.f)
        if not 0 <= a < len(self.f):
            raise IndexError("folded position out of range")
        li = bisect_right(self.starts, a) - 1
        return self.lines[li], self.maps[li][a - self.starts[li]]

    def span(self, a: int, b: int) -> Span:
        if len(self.lines) == 1:          # the usual run-together table: one line, its map indexed directly
            x, m = self.lines[0], self.maps[0]
            return _span(Span, (x.line, x.column + m[a], x.line, x.column + m[b - 1] + 1))
        x, ja = self._at(a)
        y, jb = self._at(b - 1)
        return _span(Span, (x.line, x.column + ja, y.line, y.column + jb + 1))


def _find_rows(text: _Text, tdef: TableDef) -> list[tuple[int, int, RowDef]]:
    hits: list[tuple[int, int, RowDef]] = []
    for r in tdef.rows:
        if r.group:
            continue
        for form in r.keys:
            start = 0
            while (i := text.f.find(form, start)) >= 0:
                hits.append((i, i + len(form), r))
                start = i + 1
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    out, end = [], -1
    for h in hits:
        if h[0] >= end:
            out.append(h)
            end = h[1]
    seen, uniq = set(), []
    for h in out:
        if h[2].id not in seen:
            seen.add(h[2].id)
            uniq.append(h)
    return uniq


def _cells_from(text: _Text, tdef: TableDef, r: RowDef, start: int, run: str, vals) -> tuple[Cell, ...]:
    cells, pos = [], start
    f, size, span, tid, rid = text.f, len(text.f), text.span, tdef.id, r.id
    one = len(text.lines) == 1                # the usual one line: ``span`` inlined
    if one:
        n, column, m = text.lines[0].line, text.lines[0].column, text.maps[0]
    for cid, v in zip(r.cols, vals):
        raw = str(v)
        # walk the folded text to the digits of this value
        while pos < size and not f[pos].isdigit():
            pos += 1
        end = pos + len(raw)
        c = CELL_DRAFT()                        # (``new_cell`` inlined, as the row aligner does: ~100 cells a table)
        c.table = tid; c.row = rid; c.col = cid; c.raw = raw; c.value = v; c.kind = NUMBER
        c.span = _span(Span, (n, column + m[pos], n, column + m[end - 1] + 1)) if one else span(pos, end)
        c.__class__ = Cell
        cells.append(c)
        pos = end
    return tuple(cells)


def align_flattened(tdef: TableDef, p: Paragraph, section: int | None) -> tuple[Table, list[str], list[str]]:
    """The table's rows from a run-together paragraph; the notes name the rows that could not be split, and
    the labels of the rows that needed the column relations to be split."""
    text = _Text(p)
    notes: list[str] = []
    resolved: list[str] = []
    rows: dict[str, Row] = {}
    if tdef.id == "t4":
        m = None
        for m in _T4_RUN.finditer(text.f):
            pass
        if m:
            try:
                sols = split_row(m.group(1), 5, 3)
            except TooAmbiguous:
                sols = None
                notes.append(f"表四“{m.group(1)[:40]}”{CUT_OFF}")
            if sols is None:
                pass
            elif len(sols) == 1:
                for g, r in enumerate(tdef.rows):
                    vals = sols[0][g * 5:g * 5 + 5]
                    cells, pos = [], m.start(1) + sum(len(str(v)) for v in sols[0][:g * 5])
                    for cid, v in zip(r.cols, vals):
                        cells.append(new_cell("t4", r.id, cid, str(v), v, NUMBER, text.span(pos, pos + len(str(v)))))
                        pos += len(str(v))
                    rows[r.id] = new_row("t4", r.id, r.label, r.label, cells[0].span, "exact", tuple(cells), 5, 5)
            else:
                notes.append(f"表四“{m.group(1)}”有 {len(sols)} 种拆法")
    else:
        hits = _find_rows(text, tdef)
        pending: dict[str, list] = {}
        cut: list[str] = []
        for i, (a, b, r) in enumerate(hits):
            nxt = hits[i + 1][0] if i + 1 < len(hits) else len(text.f)
            m = _RUN.match(text.f, b, nxt)
            if not m:
                continue
            run = m.group(0)
            # an unrecognised numbered label right after ("…00000002.某某…") took the run's last digit
            if m.end() < len(text.f) and text.f[m.end()] == "." and "." not in run:
                run = run[:-1]
            if not run:
                continue
            label_span = text.span(a, b)
            k = len(r.cols)
            if len(run) > 15 * k:
                vals = []   # more digits than k counts can have (and int() of thousands of digits raises)
            elif k == 1:
                if "." in run and tdef.columns[r.cols[0]].type == "decimal":
                    vals = [(Decimal(run),)]
                elif "." in run:
                    vals = []
                else:
                    vals = [(int(run),)]
            else:
                try:
                    vals = ((split_row(run, k) if tdef.id == "t3" else _splits(run, k, _MAX_SOLUTIONS))
                            if run.isdigit() else [])
                except TooAmbiguous:
                    vals = None
            if vals is None:
                cut.append(r.id)
                pending[r.id] = [r, label_span, b, run, []]
            elif len(vals) == 1:
                rows[r.id] = new_row(tdef.id, r.id, r.label, r.label, label_span, "exact",
                                 _cells_from(text, tdef, r, b, run, vals[0]), k, k)
            else:
                pending[r.id] = [r, label_span, b, run, vals]
        if tdef.id == "t3" and pending:
            _resolve_by_columns(tdef, text, rows, pending, resolved)
        for rid, (r, span, b, run, vals) in pending.items():
            if rid in cut:
                notes.append(f"“{r.label}”的“{run[:40]}”{CUT_OFF}")
            else:
                notes.append(f"“{r.label}”的“{run}”有 {len(vals) if len(vals) <= _MAX_SOLUTIONS else '多'} 种拆法")
            run_span = text.span(b, b + len(run)) if run else span
            cells = tuple(Cell(tdef.id, r.id, c, run, None, UNSPLIT, run_span) for c in r.cols)
            rows[rid] = new_row(tdef.id, r.id, r.label, r.label, span, "exact", cells, len(r.cols), len(r.cols))
    out = []
    for r in tdef.rows:
        if r.group:
            continue
        out.append(rows.get(r.id) or absent_row(tdef.id, r))
    return new_table(tdef.id, "", tuple(out), p.span, section, (), tuple(notes)), notes, resolved


def _resolve_by_columns(tdef: TableDef, text: _Text, rows: dict, pending: dict, resolved: list) -> None:
    ids = list(pending)
    choices = [pending[i][4] for i in ids]
    if any(not c for c in choices) or len(choices) > 4 or _product(len(c) for c in choices) > 20000:
        return
    outcome = [r.id for r in tdef.rows if r.id.startswith("3.") and r.id != "3.7" and not r.group]
    if not all(k in rows or k in pending for k in ("1", "2", "3.7", "4", *outcome)):
        return
    base = {rid: row_vals(rows[rid]) for rid in rows}
    if any(None in vals for vals in base.values()):     # (a row's values: ints, Decimals or None)
        return
    # each row's values in a combination: the combination's own (a pending row) or the split row's
    at = {rid: i for i, rid in enumerate(ids)}
    where = [(at.get(rid), base.get(rid)) for rid in ("1", "2", "3.7", "4", *outcome)]
    good = []
    for combo in itertools.product(*choices):
        one, two, total, four, *outs = [combo[i] if i is not None else v for i, v in where]
        ok = all(total[c] == sum(o[c] for o in outs) and one[c] + two[c] == total[c] + four[c] for c in range(7))
        if ok:
            good.append(combo)
            if len(good) > 1:
                return
    if len(good) == 1:
        resolved.extend(pending[rid][0].label for rid in ids)
        for rid, v in zip(ids, good[0]):
            r, span, b, run, _ = pending.pop(rid)
            rows[rid] = new_row(tdef.id, rid, r.label, r.label, span, "exact", _cells_from(text, tdef, r, b, run, v),
                                len(r.cols), len(r.cols))


def _product(ns) -> int:
    out = 1
    for n in ns:
        out *= n
    return out


def row_vals(row: Row) -> tuple:
    return tuple([c.value for c in row.cells])
