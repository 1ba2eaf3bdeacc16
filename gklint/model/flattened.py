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
from decimal import Decimal

from ..diagnostics import Span
from .nodes import MISSING, NUMBER, UNSPLIT, Cell, Line, Paragraph, Row, Table, TableRegion
from .template import RowDef, TableDef
from ..textnorm import fold, folded

_MAX_SOLUTIONS = 50

_TABLE_WORDS = ("信息内容", "本年制发件数", "本年处理决定数量", "申请人情况", "本年新收政府信息公开申请数量",
                "结果维持", "尚未审结", "未经复议直接起诉", "行政事业性收费", "本年新制作数量")


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
            if sum(1 for w in _TABLE_WORDS if w in f) >= 2 and re.search(r"\d{3,}", f):
                return Paragraph((line,))
    return None


def _splits(s: str, k: int):
    """All ways to cut digit string s into k non-negative integers without leading zeros."""
    if not s.isdigit():
        return
    if k == 1:
        if s and (s == "0" or s[0] != "0") and len(s) <= 7:
            yield (int(s),)
        return
    for i in range(1, min(len(s) - k + 1, 7) + 1):
        head = s[:i]
        if len(head) > 1 and head[0] == "0":
            break
        for rest in _splits(s[i:], k - 1):
            yield (int(head), *rest)


def split_row(s: str, k: int, groups: int = 1) -> list[tuple[int, ...]]:
    """Splits of s into `groups` groups of k values where each group's last value is the sum of the others."""
    out = []
    for vals in _splits(s, k * groups):
        if all(sum(vals[g * k:g * k + k - 1]) == vals[g * k + k - 1] for g in range(groups)):
            out.append(vals)
            if len(out) > _MAX_SOLUTIONS:
                break
    return out


def _label_forms(r: RowDef) -> list[str]:
    from ..textnorm import folded

    forms = [folded(r.label)]
    forms += [folded(a) for a in r.aliases]
    return forms


class _Text:
    """A paragraph's folded text with a map back to (line, column) of the original."""

    def __init__(self, p: Paragraph) -> None:
        parts, idx = [], []
        for li, line in enumerate(p.lines):
            f, m = fold(line.text)
            parts.append(f)
            idx.extend((li, j) for j in m)
        self.f = "".join(parts)
        self.idx = idx
        self.lines = p.lines

    def span(self, a: int, b: int) -> Span:
        la, ja = self.idx[a]
        lb, jb = self.idx[b - 1]
        x, y = self.lines[la], self.lines[lb]
        return Span(x.line, x.column + ja, y.line, y.column + jb + 1)


def _find_rows(text: _Text, tdef: TableDef) -> list[tuple[int, int, RowDef]]:
    hits: list[tuple[int, int, RowDef]] = []
    for r in tdef.rows:
        if r.group:
            continue
        for form in _label_forms(r):
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
    for cid, v in zip(r.cols, vals):
        raw = str(v)
        # walk the folded text to the digits of this value
        while pos < len(text.f) and not text.f[pos].isdigit():
            pos += 1
        cells.append(Cell(tdef.id, r.id, cid, raw, v, NUMBER, text.span(pos, pos + len(raw))))
        pos += len(raw)
    return tuple(cells)


def _missing(tdef: TableDef, r: RowDef) -> tuple[Cell, ...]:
    return tuple(Cell(tdef.id, r.id, c, "", None, MISSING, None) for c in r.cols)


def align_flattened(tdef: TableDef, p: Paragraph, section: int | None) -> tuple[Table, list[str], list[str]]:
    """The table's rows from a run-together paragraph; the notes name the rows that could not be split, and
    the labels of the rows that needed the column relations to be split."""
    text = _Text(p)
    notes: list[str] = []
    resolved: list[str] = []
    rows: dict[str, Row] = {}
    if tdef.id == "t4":
        m = None
        for m in re.finditer(r"尚未审结总计(\d{15,})", text.f):
            pass
        if m:
            sols = split_row(m.group(1), 5, 3)
            if len(sols) == 1:
                for g, r in enumerate(tdef.rows):
                    vals = sols[0][g * 5:g * 5 + 5]
                    cells, pos = [], m.start(1) + sum(len(str(v)) for v in sols[0][:g * 5])
                    for cid, v in zip(r.cols, vals):
                        cells.append(Cell("t4", r.id, cid, str(v), v, NUMBER, text.span(pos, pos + len(str(v)))))
                        pos += len(str(v))
                    rows[r.id] = Row("t4", r.id, r.label, r.label, cells[0].span, "exact", tuple(cells), 5, 5)
            else:
                notes.append(f"表四“{m.group(1)}”有 {len(sols)} 种拆法")
    else:
        hits = _find_rows(text, tdef)
        pending: dict[str, list] = {}
        for i, (a, b, r) in enumerate(hits):
            nxt = hits[i + 1][0] if i + 1 < len(hits) else len(text.f)
            m = re.match(r"\d+(?:\.\d+)?", text.f[b:nxt])
            if not m:
                continue
            run = m.group(0)
            # an unrecognised numbered label right after ("…00000002.某某…") took the run's last digit
            if b + m.end() < len(text.f) and text.f[b + m.end()] == "." and "." not in run:
                run = run[:-1]
            if not run:
                continue
            label_span = text.span(a, b)
            k = len(r.cols)
            if k == 1:
                if "." in run and tdef.columns[r.cols[0]].type == "decimal":
                    vals = [(Decimal(run),)]
                elif "." in run:
                    vals = []
                else:
                    vals = [(int(run),)]
            elif tdef.id == "t3":
                vals = split_row(run, k) if run.isdigit() else []
            else:
                vals = list(itertools.islice(_splits(run, k), _MAX_SOLUTIONS + 1)) if run.isdigit() else []
            if len(vals) == 1:
                rows[r.id] = Row(tdef.id, r.id, r.label, r.label, label_span, "exact",
                                 _cells_from(text, tdef, r, b, run, vals[0]), k, k)
            else:
                pending[r.id] = [r, label_span, b, run, vals]
        if tdef.id == "t3" and pending:
            _resolve_by_columns(tdef, text, rows, pending, resolved)
        for rid, (r, span, b, run, vals) in pending.items():
            notes.append(f"“{r.label}”的“{run}”有 {len(vals) if len(vals) <= _MAX_SOLUTIONS else '多'} 种拆法")
            run_span = text.span(b, b + len(run)) if run else span
            cells = tuple(Cell(tdef.id, r.id, c, run, None, UNSPLIT, run_span) for c in r.cols)
            rows[rid] = Row(tdef.id, r.id, r.label, r.label, span, "exact", cells, len(r.cols), len(r.cols))
    out = []
    for r in tdef.rows:
        if r.group:
            continue
        out.append(rows.get(r.id) or Row(tdef.id, r.id, "", r.label, None, "absent", _missing(tdef, r), 0, len(r.cols)))
    return Table(tdef.id, "", tuple(out), p.span, section, (), tuple(notes)), notes, resolved


def _resolve_by_columns(tdef: TableDef, text: _Text, rows: dict, pending: dict, resolved: list) -> None:
    ids = list(pending)
    choices = [pending[i][4] for i in ids]
    if any(not c for c in choices) or len(choices) > 4 or _product(len(c) for c in choices) > 20000:
        return
    outcome = [r.id for r in tdef.rows if r.id.startswith("3.") and r.id != "3.7" and not r.group]
    good = []
    for combo in itertools.product(*choices):
        vals = {rid: row_vals(rows[rid]) for rid in rows}
        vals.update(dict(zip(ids, combo)))
        if not all(k in vals for k in ("1", "2", "3.7", "4", *outcome)):
            return
        ok = all(vals["3.7"][c] == sum(vals[o][c] for o in outcome) and
                 vals["1"][c] + vals["2"][c] == vals["3.7"][c] + vals["4"][c] for c in range(7))
        if ok:
            good.append(combo)
            if len(good) > 1:
                return
    if len(good) == 1:
        resolved.extend(pending[rid][0].label for rid in ids)
        for rid, v in zip(ids, good[0]):
            r, span, b, run, _ = pending.pop(rid)
            rows[rid] = Row(tdef.id, rid, r.label, r.label, span, "exact", _cells_from(text, tdef, r, b, run, v),
                            len(r.cols), len(r.cols))


def _product(ns) -> int:
    out = 1
    for n in ns:
        out *= n
    return out


def row_vals(row: Row) -> tuple:
    return tuple(c.value for c in row.cells)
