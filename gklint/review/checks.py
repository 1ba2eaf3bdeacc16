"""gklint's built-in cross-year checks (registered in ``gklint.builtin`` through ``gklint_corpus_checks``)."""
from __future__ import annotations

from ..model.template import load_template
from .crossyear import CorpusFinding


def _years(reports) -> list:
    """Each report's year: a ``gklint.review.group.Group`` has them without unpacking a report."""
    years = getattr(reports, "years", None)
    return list(years) if years is not None else [r.year for r in reports]


def _index(reports) -> tuple[dict, dict]:
    """(year → index of its first report, index → that report once asked for) of the group: one index per group
    (the last one asked about), not a scan per report."""
    key = id(reports)
    if _FIRST.get(key, (None,))[0] is not reports:
        _FIRST.clear()
        first: dict = {}
        for i, y in enumerate(_years(reports)):
            first.setdefault(y, i)
        _FIRST[key] = (reports, first, {})
    return _FIRST[key][1:]


def _first(reports, year):
    """The first report of ``year`` in the group, or None; each year's first report is kept once asked for (the
    group unpacks the others as they are walked, ``gklint.review.group``)."""
    first, kept = _index(reports)
    i = first.get(year)
    if i is None:
        return None
    if i not in kept:
        kept[i] = reports[i]
    return kept[i]


def _with_previous(reports):
    """(report, the first report of the year before) for each report whose year before the group has (a gap is
    said by GK524), in order. The years are looked at first: a report without a year before is not unpacked."""
    years = _years(reports)
    have = set(years)
    for i, y in enumerate(years):
        if y is not None and y - 1 in have:
            yield reports[i], _first(reports, y - 1)


#: id(group) → (the group, year → index of its first report, index → that report): the last group asked about
_FIRST: dict[int, tuple] = {}


def _col_label(table: str, col: str, template: str | None) -> str:
    t = load_template(template if template in ("2019", "2021") else "2021").tables.get(table)
    c = t.columns.get(col) if t else None
    return c.label if c else col


def _name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def carryover(rule, reports, ctx):
    """表三 二、上年结转 this year = 四、结转下年度 last year, per column."""
    for r, prev in _with_previous(reports):
        for (tid, rid, col), (value, place) in r.cells.items():
            if (tid, rid) != ("t3", "2") or ("t3", "4", col) not in prev.cells:
                continue
            last = prev.cells[("t3", "4", col)][0]
            if value != last:
                yield CorpusFinding(r, place, {
                    "col": _col_label("t3", col, r.template), "value": value, "last": last,
                    "last_year": prev.year, "last_file": _name(prev.path)},
                    extra={"last_path": prev.path, "last_value": str(last)})


_T2_LABEL = {"rules": "规章", "normative": "行政规范性文件"}


def valid_continuity(rule, reports, ctx):
    """表二 现行有效 this year = last year's 现行有效 + 本年新制发 − 本年废止 (规章, 行政规范性文件)."""
    for r, prev in _with_previous(reports):
        for rid, label in _T2_LABEL.items():
            got = {c: r.cells.get(("t2", rid, c)) for c in ("issued", "repealed", "valid")}
            last = prev.cells.get(("t2", rid, "valid"))
            if last is None or any(v is None for v in got.values()):
                continue
            expected = last[0] + got["issued"][0] - got["repealed"][0]
            if got["valid"][0] != expected:
                yield CorpusFinding(r, got["valid"][1], {
                    "row": label, "value": got["valid"][0], "expected": expected, "last": last[0],
                    "issued": got["issued"][0], "repealed": got["repealed"][0],
                    "last_year": prev.year, "last_file": _name(prev.path)},
                    extra={"last_path": prev.path})


def copied_narrative(rule, reports, ctx):
    """A large share of this year's narrative sentences identical to last year's (figures aside)."""
    threshold, minimum, show = rule.opt("threshold"), rule.opt("min_sentences"), rule.opt("show")
    for r, prev in _with_previous(reports):
        if len(r.sentences) < minimum:
            continue
        before = {s.hash for s in prev.sentences}
        copied = [s for s in r.sentences if s.hash in before]
        share = len(copied) / len(r.sentences)
        if copied and share >= threshold:
            yield CorpusFinding(r, copied[0].place, {
                "share": f"{share:.0%}", "copied": len(copied), "total": len(r.sentences),
                "last_year": prev.year, "last_file": _name(prev.path),
                "examples": "；".join(f"“{s.text}”" for s in copied[:show])},
                extra={"last_path": prev.path, "copied_sentences": [
                    {"text": s.text, "line": s.place.line, "column": s.place.column, "page": s.place.page}
                    for s in copied]})


def same_report(a, b) -> bool:
    """Two files that are one report in two forms (a web page and its PDF or Word attachment): the table cells
    both have agree, and most of the narrative's sentences are the same."""
    return _same(*a.values_and_hashes(), *b.values_and_hashes())


def _same(va: dict, sa: set, vb: dict, sb: set) -> bool:
    """``same_report`` of two reports' cell values and sentence hashes."""
    shared = [k for k in va if k in vb and va[k] is not None and vb[k] is not None]
    if any(va[k] != vb[k] for k in shared):
        return False
    if not sa or not sb:
        return bool(shared)
    return len(sa & sb) >= 0.8 * min(len(sa), len(sb))


def duplicate_year(rule, reports, ctx):
    """The same agency reported twice for one year: said on each later file, naming the first. The same
    report in another form (the page and its attachment, alike in cells and sentences) is not a second one.
    Reports are compared by their values and hashes: a ``Group`` gives those of a packed report without
    unpacking it whole."""
    compared = getattr(reports, "values_and_hashes", None) or (lambda i: reports[i].values_and_hashes())
    first, _kept = _index(reports)
    firsts: dict = {}       # year → its first report's values and hashes (one year's at a time: years are sorted)
    for i, y in enumerate(_years(reports)):
        j = first[y]
        if j == i:
            continue
        if y not in firsts:
            firsts.clear()
            firsts[y] = compared(j)
        if _same(*firsts[y], *compared(i)):
            continue
        r, f = reports[i], _first(reports, y)
        yield CorpusFinding(r, r.title_place, {"agency": ctx.agency, "year": r.year, "first_file": _name(f.path)},
                            extra={"first_path": f.path})


def missing_years(rule, reports, ctx):
    """Years missing between an agency's first and last report: one info for the agency, no errors."""
    each = _years(reports)
    years = sorted(set(each))
    missing = [y for y in range(years[0], years[-1] + 1) if y not in years]
    if not missing:
        return
    after = reports[next(i for i, y in enumerate(each) if y > missing[0])]
    yield CorpusFinding(after, after.title_place, {
        "agency": ctx.agency, "missing": "、".join(map(str, missing)),
        "present": "、".join(map(str, years))}, extra={"missing_years": missing})


def builtin_corpus_checks() -> dict:
    return {"carryover": carryover, "valid-continuity": valid_continuity, "copied-narrative": copied_narrative,
            "duplicate-year": duplicate_year, "missing-years": missing_years}
