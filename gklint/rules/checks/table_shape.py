"""Check kinds for the three tables' shape: present, rows, value counts, labels, cell contents, template."""
from __future__ import annotations

import re
from itertools import compress
from operator import attrgetter

from ... import fixes
from ...diagnostics import Severity
from ...model import BLANK, NUMBER, PLACEHOLDER, TEXT, Report, Table
from ...model.flattened import flattened_table
from ...model.template import load_template
from ...textnorm import folded
from . import Finding, Opt, kind, lazy_re, per_object

TABLE_NAMES = {"t2": "表二（主动公开政府信息情况）", "t3": "表三（收到和处理政府信息公开申请情况）",
               "t4": "表四（政府信息公开行政复议、行政诉讼情况）"}
SECTION_OF = {"t2": 2, "t3": 3, "t4": 4}


def col_label(table: Table, col: str) -> str:
    tdef = load_template(table.template or "2021").tables[table.id]
    c = tdef.columns.get(col)
    return c.label if c else col


def row_label(table: Table, row_id: str) -> str:
    if table.id == "t4":
        return {"review": "行政复议", "litigation_direct": "行政诉讼（未经复议直接起诉）",
                "litigation_after_review": "行政诉讼（复议后起诉）"}.get(row_id, row_id)
    r = table.row(row_id)
    return r.template_label if r else row_id


def cell_name(table: Table, row_id: str, col: str) -> str:
    return f"“{row_label(table, row_id)}”行“{col_label(table, col)}”列"


def _tables(rule, report: Report):
    wanted = rule.opt("tables") or ["t2", "t3", "t4"]
    for tid in wanted:
        t = report.tables.get(tid)
        if t is not None:
            yield t


TABLES_OPT = {"tables": Opt(list, ["t2", "t3", "t4"], doc="which tables (t2, t3, t4)")}


@kind("table_present", options=dict(TABLES_OPT))
def check_table_present(rule, report: Report, ctx):
    """Sections 二, 三 and 四 each carry their table."""
    for t in _tables(rule, report):
        sec = report.section(SECTION_OF[t.id])
        if sec is None or t.found:
            continue
        if report.truncated_at is not None and sec.number == max(s.number or 0 for s in report.sections):
            continue  # the report stops in this section (GK012)
        # a table that is there but could not be read is GK010/GK011, not a missing table
        if any(b.__class__.__name__ == "TableRegion" and len(b.lines) >= 3 for b in sec.blocks) or \
                flattened_table(sec) is not None:
            continue
        yield Finding(sec.span, {"table": TABLE_NAMES[t.id], "section": sec.heading})


@kind("table_rows", options=dict(TABLES_OPT))
def check_table_rows(rule, report: Report, ctx):
    """Every template row of a found table is present; the missing ones are listed once per table."""
    for t in _tables(rule, report):
        if not t.found or t.id == "t4":
            continue
        absent = [r for r in t.rows if not r.present]
        if report.truncated_at is not None:
            i = len(t.rows)
            while i > 0 and not t.rows[i - 1].present:
                i -= 1
            absent = [r for r in t.rows[:i] if not r.present]  # the cut-off tail is said once by GK012
        if not absent:
            continue
        present = [r for r in t.rows if r.present and r.label_span]
        last = max((r.label_span for r in present), key=lambda s: (s.line, s.column))
        first_missing_index = t.rows.index(absent[0])
        tail = all(not r.present for r in t.rows[first_missing_index:])
        names = "、".join(f"“{r.template_label}”" for r in absent[:4]) + (f"等 {len(absent)} 行" if len(absent) > 4 else "")
        yield Finding(last, {"table": TABLE_NAMES[t.id], "count": len(absent), "rows": names,
                             "first": f"“{absent[0].template_label}”"},
                      message="tail" if tail else None)


@kind("row_arity", options=dict(TABLES_OPT))
def check_row_arity(rule, report: Report, ctx):
    """Each data row has as many values as the template has columns (表三 7, 表四 5 per group)."""
    for t in _tables(rule, report):
        if not t.found:
            continue
        empty = []
        cut = _cut_row(t)
        present = [r for r in t.rows if r.present]
        if mostly_empty(t):
            # labels without (almost) any number: most likely the values were lost in extraction
            yield Finding(present[0].label_span, {"table": TABLE_NAMES[t.id],
                                                  "written": sum(r.written for r in present),
                                                  "expected": sum(r.expected for r in present)},
                          message="all_empty", severity=Severity.WARNING)
            continue
        for r in t.rows:
            if not r.present or r is cut:
                continue
            if r.written == 0:
                empty.append(r)
            elif r.written < r.expected:
                cols = "、".join(col_label(t, c.col) for c in r.cells)
                yield Finding(r.label_span, {"row": r.label or row_label(t, r.id), "written": r.written,
                                             "expected": r.expected, "columns": cols, "table": TABLE_NAMES[t.id]})
        if empty:
            span = empty[0].label_span
            yield Finding(span, {"table": TABLE_NAMES[t.id], "count": len(empty),
                                 "rows": "、".join(f"“{row_label(t, r.id)}”" for r in empty[:3])
                                 + (f"等 {len(empty)} 行" if len(empty) > 3 else "")}, message="empty")


_PRESENT, _WRITTEN, _EXPECTED = attrgetter("present"), attrgetter("written"), attrgetter("expected")
_LABEL_MATCH, _HEADER_MATCH = attrgetter("label_match"), attrgetter("match")


@per_object
def _shape(t: Table) -> tuple[bool, object]:
    """(mostly empty, cut row): the relation rules ask for every cell they read, so once per table. (The rows'
    fields are read by C-level maps: a table has a few dozen rows, and three Python steps a row cost more.)"""
    rows = t.rows
    flags = list(map(_PRESENT, rows))
    if True not in flags:
        return False, None
    present = list(compress(rows, flags))
    empty = sum(map(_WRITTEN, present)) * 10 <= sum(map(_EXPECTED, present))
    last = len(flags) - 1 - flags[::-1].index(True)      # the last present row's index
    return empty, (rows[last] if last != len(rows) - 1 else None)


def mostly_empty(t: Table) -> bool:
    """Labels without (almost) any number: at most one value in ten cells of the rows present."""
    return _shape(t)[0]


def _cut_row(t: Table):
    """The last row of a table whose remaining rows are all absent (a cut-off page): it may be cut too."""
    return _shape(t)[1]


@kind("label_deviation", options={**TABLES_OPT, "accepted": Opt(list, [], doc=(
    "labels accepted as written (a jurisdiction's variants; a pack sets them with overrides.aliases)"))})
def check_label_deviation(rule, report: Report, ctx):
    """Row and column labels are the template's; variants and typos are named with the template's words."""
    accepted = {folded(str(a)) for a in rule.opt("accepted") or []}
    for t in _tables(rule, report):
        # the rows' and headers' matches are read by C-level maps and scans first: most tables have no variant,
        # and a Python step a row (a table has a few dozen) cost more than the rest of the kind
        matches = list(map(_LABEL_MATCH, t.rows))
        if "alias" in matches or "fuzzy" in matches:
            cut = _cut_row(t)
            for r in t.rows:
                if r.label_match in ("alias", "fuzzy") and r.label_span and r is not cut \
                        and folded(r.label) not in accepted:
                    yield Finding(r.label_span, {"written": r.label, "template": r.template_label, "what": "行标签"},
                                  fix=fixes.replace(report.lines, r.label_span, r.template_label,
                                                    f"改为“{r.template_label}”", expect=r.label))
        matches = list(map(_HEADER_MATCH, t.headers))
        if "alias" in matches or "fuzzy" in matches:
            seen = set()
            for h in t.headers:
                if h.match in ("alias", "fuzzy") and (h.text, h.span.line) not in seen \
                        and folded(h.text) not in accepted:
                    seen.add((h.text, h.span.line))
                    yield Finding(h.span, {"written": h.text, "template": h.template_label, "what": "表头"},
                                  fix=fixes.replace(report.lines, h.span, h.template_label,
                                                    f"改为“{h.template_label}”", expect=h.text))


@kind("cell_values", options={**TABLES_OPT, "check": Opt(str, "blank", doc="blank | text | count | unit")})
def check_cell_values(rule, report: Report, ctx):
    """Cell contents: blank or placeholder cells, text in numeric cells, negative or fractional counts, 元 in 万元."""
    what = rule.opt("check")
    for t in _tables(rule, report):
        tdef = load_template(t.template or "2021").tables[t.id]
        if what == "blank":
            yield from _blank_cells(t)
            continue
        if what == "unit":
            wan = {cid for cid, col in tdef.columns.items() if col.unit == "万元"}
            for r in t.rows if wan else ():      # only a 万元 column can hold 元 by mistake
                if r.present:
                    for c in r.cells:
                        if c.col in wan and c.kind in (TEXT, NUMBER) and _YUAN.search(c.raw) \
                                and "万元" not in c.raw:
                            yield Finding(c.span, {"cell": cell_name(t, r.id, c.col), "raw": c.raw})
            continue
        # text reads the TEXT cells, count the NUMBER cells it could report: only those, in table order
        for r, c in _cells_by_kind(t).get(TEXT if what == "text" else _ODD_NUMBER, ()):
            col = tdef.columns.get(c.col)
            if what == "text":
                if col and col.unit == "万元" and re.search(r"\d", c.raw):
                    continue  # reported by the unit check
                yield Finding(c.span, {"cell": cell_name(t, r.id, c.col), "raw": c.raw})
            elif col is None:
                continue
            elif col.type == "int":
                if c.value < 0 and not col.signed:
                    yield Finding(c.span, {"cell": cell_name(t, r.id, c.col), "raw": c.raw, "problem": "负数"})
                # a raw that starts with a digit does not fold to “+…” (the usual case: no fold needed)
                elif not col.signed and not c.raw[:1].isdigit() and folded(c.raw).startswith("+"):
                    yield Finding(c.span, {"cell": cell_name(t, r.id, c.col), "raw": c.raw,
                                           "problem": "带“+”号的数（只有“本年增/减”一列可带正负号）"})
                elif not isinstance(c.value, int) and c.value != int(c.value):
                    yield Finding(c.span, {"cell": cell_name(t, r.id, c.col), "raw": c.raw, "problem": "小数"})
            elif col.type == "decimal" and c.value < 0:
                yield Finding(c.span, {"cell": cell_name(t, r.id, c.col), "raw": c.raw, "problem": "负数"})


_ODD_NUMBER = "number:odd"
_YUAN = lazy_re(r"\d\s*元")


@per_object
def _cells_by_kind(t: Table) -> dict[str, list]:
    """Cell kind → the (row, cell) pairs of that kind in the present rows, in table order (once per table: the
    cell_values rules each want one kind of a few hundred cells). Numbers are kept only when the count check
    could report them (``_ODD_NUMBER``): a non-negative int written with a leading digit is none of negative,
    “+”-signed or fractional, whatever its column, and that is nearly every number."""
    out: dict[str, list] = {}
    for r in t.rows:
        if r.present:
            for c in r.cells:
                if c.kind == NUMBER and type(c.value) is int and c.value >= 0 and c.raw[:1].isdigit():
                    continue                 # a plain count: nearly every cell
                out.setdefault(_ODD_NUMBER if c.kind == NUMBER else c.kind, []).append((r, c))
    return out


def _blank_cells(t: Table):
    """Blank or placeholder cells: per row, or once for the table when many rows have them."""
    by_kind = _cells_by_kind(t)
    if BLANK not in by_kind and PLACEHOLDER not in by_kind:
        return                               # every cell of the present rows is filled: the usual table
    rows = [(r, [c for c in r.cells if c.kind in (BLANK, PLACEHOLDER)]) for r in t.rows if r.present]
    rows = [(r, bad) for r, bad in rows if bad]
    if len(rows) > 3:
        cells = [c for _, bad in rows for c in bad]
        raws = sorted({c.raw or "空白" for c in cells})
        yield Finding(rows[0][1][0].span, {"table": TABLE_NAMES[t.id], "rows": len(rows), "count": len(cells),
                                           "written": "、".join(f"“{x}”" for x in raws)}, message="many")
        return
    for r, bad in rows:
        raws = sorted({c.raw or "空白" for c in bad})
        yield Finding(bad[0].span, {"row": row_label(t, r.id), "count": len(bad),
                                    "columns": "、".join(col_label(t, c.col) for c in bad),
                                    "written": "、".join(f"“{x}”" for x in raws)})


check_cell_values.validate = lambda rule: None if rule.opt("check") in ("blank", "text", "count", "unit") else \
    (_ for _ in ()).throw(ValueError("check 只能是 blank、text、count 或 unit"))


@per_object
def statistical_year(report: Report) -> int | None:
    """The year of the statistical period (……年1月1日) in the first 20,000 characters (once per report: many
    rules ask)."""
    # the first match of ((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日 there: its 年…日 part is looked for (年 is a
    # literal: a fast scan), and the four digits are those just before the spaces before 年 (digits are not
    # spaces, so a match has no other); matches come in the order of their 年, so the first that has them is it
    text = report.text
    for m in _PERIOD_TAIL.finditer(text, 0, 20000):
        j = m.start()
        while j > 0 and text[j - 1].isspace():
            j -= 1
        if j >= 4 and _PERIOD_YEAR.fullmatch(text, j - 4, j):
            return int(text[j - 4:j])
    return None


_PERIOD_TAIL = lazy_re(r"年\s*1\s*月\s*1\s*日")
_PERIOD_YEAR = lazy_re(r"(?:19|20)\d{2}")


@kind("template_version")
def check_template_version(rule, report: Report, ctx):
    """The tables follow the template of the report year: 2019 format for 2019–2020, 2021 format from 2021."""
    sig = report.template_signals
    if not report.template or not (sig.get("2021") or sig.get("2019")):
        return
    year = report.year or statistical_year(report)
    span = None
    t2 = report.tables.get("t2")
    if t2 is not None and t2.span is not None:
        span = t2.span
    span = span or (report.section(2).span if report.section(2) else None)
    if sig.get("2021") and sig.get("2019"):
        yield Finding(span, {"s2021": sig["2021"], "s2019": sig["2019"]}, message="mixed",
                      severity=Severity.WARNING)
        return
    if year is None:
        return
    if year >= 2021 and report.template == "2019":
        yield Finding(span, {"year": year, "found": "2019 年试行格式（国办公开办函〔2019〕60号）",
                             "expected": "2021 年格式（国办公开办函〔2021〕30号）"})
    elif year <= 2020 and report.template == "2021":
        yield Finding(span, {"year": year, "found": "2021 年格式（国办公开办函〔2021〕30号）",
                             "expected": "2019 年试行格式（国办公开办函〔2019〕60号）"})
