"""The culprit cell (GK306): every single-cell arithmetic mutation of 表三 in seed 004 is pinned to its cell.

For each numeric cell of 表三 the test writes another number in its place (one more, and three more), checks
that some table relation now fails, and that GK306 points at that cell, names it and gives its original value
as the one that would balance. The unmutated seed gives no GK306.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from gklint.api import parse_text
from gklint.rules.checks.table_shape import cell_name
from gklint.rules.engine import load_ruleset, run_rules

SEED = Path(__file__).parent / "reports" / "seeds" / "004_c12fc4cb6f2af7bf.txt"


@pytest.fixture(scope="module")
def ruleset():
    return load_ruleset().select(["GK3"])


def _t3_cells(text: str):
    report = parse_text(text, path="seed.txt").report
    t = report.tables["t3"]
    return report, [c for r in t.rows for c in r.cells if c.value is not None and c.span is not None]


def _mutate(text: str, cell, value: int) -> str:
    lines = text.split("\n")
    i, j = cell.span.line - 1, cell.span.column - 1
    line = lines[i]
    assert line[j:j + len(cell.raw)] == cell.raw
    lines[i] = line[:j] + str(value) + line[j + len(cell.raw):]
    return "\n".join(lines)


def test_unmutated_seed_has_no_culprit(ruleset):
    text = SEED.read_text(encoding="utf-8")
    assert not [d for d in run_rules(parse_text(text, path="seed.txt"), ruleset) if d.code == "GK306"]


def test_every_single_cell_mutation_names_the_planted_cell(ruleset):
    text = SEED.read_text(encoding="utf-8")
    report, cells = _t3_cells(text)
    assert len(cells) >= 150
    tried = 0
    for cell in cells:
        name = cell_name(report.tables["t3"], cell.row, cell.col)
        for delta in (1, 3):
            planted = int(cell.value) + delta
            diags = run_rules(parse_text(_mutate(text, cell, planted), path="m.txt"), ruleset)
            assert any(d.code in ("GK301", "GK302", "GK303") and d.severity.value == "error" for d in diags), name
            culprits = [d for d in diags if d.code == "GK306"]
            assert len(culprits) == 1, (name, delta, [d.message for d in diags])
            d = culprits[0]
            assert (d.line, d.column) == (cell.span.line, cell.span.column), (name, d.message)
            assert name in d.message and f"写作 {planted}，若为 {int(cell.value)}" in d.message, d.message
            tried += 1
    assert tried == 2 * len(cells)


def test_two_planted_cells_say_no_single_cell_explains(ruleset):
    text = SEED.read_text(encoding="utf-8")
    report, cells = _t3_cells(text)
    a = next(c for c in cells if c.row == "1" and c.col == "natural")
    b = next(c for c in cells if c.row == "3.1" and c.col == "business")
    text = _mutate(_mutate(text, a, int(a.value) + 2), b, int(b.value) + 5)
    culprits = [d for d in run_rules(parse_text(text, path="m.txt"), ruleset) if d.code == "GK306"]
    assert len(culprits) == 1 and culprits[0].severity.value == "info"
    assert "改动任何单独一个单元格都不能使其全部成立" in culprits[0].message
