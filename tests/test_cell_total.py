"""consistency.cell_total (the claim sets' first question, issue 9) is cell_sum(...).value, None where that is None,
on real reports' tables: every table, one row and two rows, every column."""
from __future__ import annotations

from pathlib import Path

from gklint.api import parse_source
from gklint.readers import read_path
from gklint.rules.checks.consistency import cell_sum, cell_total

REPORTS = sorted(p for p in (Path(__file__).parent / "reports").rglob("*") if p.suffix in (".txt", ".md"))[:40]


def test_cell_total_is_cell_sums_value():
    seen = 0
    for path in REPORTS:
        report = parse_source(read_path(str(path))).report
        for tid, t in list(report.tables.items()) + [("t9", None)]:
            rows = [r.id for r in t.rows] if t is not None else ["1"]
            cols = t.col_ids if t is not None else ["total"]
            for col in cols:
                for picked in [[r] for r in rows] + [rows[:2], rows]:
                    ref = cell_sum(report, tid, picked, col)
                    assert cell_total(report, tid, picked, col) == (None if ref is None else ref.value)
                    seen += ref is not None
    assert seen > 100
