"""gklint's built-in cross-year checks (registered in ``gklint.builtin`` through ``gklint_corpus_checks``)."""
from __future__ import annotations

from ..model.template import load_template
from .crossyear import CorpusFinding


def _years(reports) -> list:
    """Each report's year: a ``gklint.review.group.Group`` has them without unpacking a report."""
    years = getattr(reports, "years", None)
    return list(years) if years is not None else [r.year for r in reports]


def _index(reports) -> dict:
    """Year → index of its first report in the group: one index per group (the last one asked about), not a scan
    per report."""
    key = id(reports)
    if _FIRST.get(key, (None,))[0] is not reports:
        _FIRST.clear()
        first: dict = {}
        for i, y in enumerate(_years(reports)):
            first.setdefault(y, i)
        _FIRST[key] = (reports, first)
    return _FIRST[key][1]


def _pairs(reports):
    """(index of a report, index of the first report of the year before) for each report whose year before the
    group has (a gap is said by GK524), in order: nothing unpacked."""
    first = _index(reports)
    for i, y in enumerate(_years(reports)):
        if y is not None and y - 1 in first:
            yield i, first[y - 1]


def _told(reports, i: int) -> tuple[dict, list]:
    """(cell key → value, the sentences' hashes in order) of report ``i``: what the checks compare. A ``Group``
    gives them of a packed report from its blob's first line; the report is unpacked whole only for the places
    of a finding about it."""
    told = getattr(reports, "values_and_hash_list", None)
    return told(i) if told is not None else reports[i].values_and_hash_list()


def _compared(reports):
    """Report ``i``'s ``_told`` by index, the year before's kept once (the reports are in year order)."""
    last: list = [None, None]

    def told(i: int) -> tuple[dict, list]:
        if last[0] != i:
            last[:] = i, _told(reports, i)
        return last[1]
    return told


#: id(group) → (the group, year → index of its first report): the last group asked about
_FIRST: dict[int, tuple] = {}


def _named(reports, i: int):
    """Report ``i`` as a finding names it (its ``path`` and ``year``): of a ``Group``, without unpacking it."""
    return _titled(reports, i)[0]


def _titled(reports, i: int) -> tuple:
    """(report ``i``, where its title is), for a finding about the whole report: a ``Group`` gives them of a
    packed report without unpacking it (the report then is its packed facts: their ``path`` and ``year``)."""
    titled = getattr(reports, "titled", None)
    if titled is not None:
        return titled(i)
    r = reports[i]
    return r, r.title_place


def _col_label(table: str, col: str, template: str | None) -> str:
    t = load_template(template if template in ("2019", "2021") else "2021").tables.get(table)
    c = t.columns.get(col) if t else None
    return c.label if c else col


def _name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def carryover(rule, reports, ctx):
    """表三 二、上年结转 this year = 四、结转下年度 last year, per column."""
    before = _compared(reports)
    for i, j in _pairs(reports):
        now, last = _told(reports, i)[0], before(j)[0]
        wrong = [(key, value, last[("t3", "4", key[2])]) for key, value in now.items()
                 if key[:2] == ("t3", "2") and ("t3", "4", key[2]) in last and value != last[("t3", "4", key[2])]]
        if not wrong:
            continue
        r, prev = reports[i], _named(reports, j)
        for (tid, rid, col), value, was in wrong:
            yield CorpusFinding(r, r.cells[(tid, rid, col)][1], {
                "col": _col_label("t3", col, r.template), "value": value, "last": was,
                "last_year": prev.year, "last_file": _name(prev.path)},
                extra={"last_path": prev.path, "last_value": str(was)})


_T2_LABEL = {"rules": "规章", "normative": "行政规范性文件"}


def valid_continuity(rule, reports, ctx):
    """表二 现行有效 this year = last year's 现行有效 + 本年新制发 − 本年废止 (规章, 行政规范性文件)."""
    before = _compared(reports)
    for i, j in _pairs(reports):
        now, then = _told(reports, i)[0], before(j)[0]
        for rid, label in _T2_LABEL.items():
            got = {c: now.get(("t2", rid, c)) for c in ("issued", "repealed", "valid")}
            last = then.get(("t2", rid, "valid"))
            if last is None or any(v is None for v in got.values()):
                continue
            expected = last + got["issued"] - got["repealed"]
            if got["valid"] != expected:
                r, prev = reports[i], _named(reports, j)
                yield CorpusFinding(r, r.cells[("t2", rid, "valid")][1], {
                    "row": label, "value": got["valid"], "expected": expected, "last": last,
                    "issued": got["issued"], "repealed": got["repealed"],
                    "last_year": prev.year, "last_file": _name(prev.path)},
                    extra={"last_path": prev.path})


def copied_narrative(rule, reports, ctx):
    """A large share of this year's narrative sentences identical to last year's (figures aside)."""
    threshold, minimum, show = rule.opt("threshold"), rule.opt("min_sentences"), rule.opt("show")
    before = _compared(reports)
    for i, j in _pairs(reports):
        hashes = _told(reports, i)[1]
        if len(hashes) < minimum:
            continue
        last = set(before(j)[1])
        share = sum(h in last for h in hashes) / len(hashes)
        if not share or share < threshold:
            continue
        r, prev = reports[i], _named(reports, j)
        copied = [s for s in r.sentences if s.hash in last]
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
    first = _index(reports)
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
        (r, title), f = _titled(reports, i), _named(reports, j)
        yield CorpusFinding(r, title, {"agency": ctx.agency, "year": r.year, "first_file": _name(f.path)},
                            extra={"first_path": f.path})


def missing_years(rule, reports, ctx):
    """Years missing between an agency's first and last report: one info for the agency, no errors."""
    each = _years(reports)
    years = sorted(set(each))
    missing = [y for y in range(years[0], years[-1] + 1) if y not in years]
    if not missing:
        return
    after, title = _titled(reports, next(i for i, y in enumerate(each) if y > missing[0]))
    yield CorpusFinding(after, title, {
        "agency": ctx.agency, "missing": "、".join(map(str, missing)),
        "present": "、".join(map(str, years))}, extra={"missing_years": missing})


def builtin_corpus_checks() -> dict:
    return {"carryover": carryover, "valid-continuity": valid_continuity, "copied-narrative": copied_narrative,
            "duplicate-year": duplicate_year, "missing-years": missing_years}
