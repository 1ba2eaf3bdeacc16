"""One report in all its published forms: the 平潭 2025 web page, its Word file and the PDF exported from it
give the same cells and the same error and warning findings (positions aside: a PDF line break is layout,
not an authoring defect). Each sample's cells are those a careful reader found (expected.json)."""
from __future__ import annotations

import json
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from gklint.api import parse_file, report_to_json
from gklint.lint import lint_source
from gklint.readers import read_path
from gklint.rules.engine import load_ruleset

PUBLISHED = Path(__file__).parent / "reports" / "published"
EXPECTED = json.loads((PUBLISHED / "expected.json").read_text(encoding="utf-8"))
SAMPLES = [k for k in EXPECTED if not k.startswith("_")]
PINGTAN = ["pingtan_2025.html", "pingtan_2025.docx", "pingtan_2025_lo.pdf"]


def cells_of(name: str) -> dict[str, object]:
    data = report_to_json(parse_file(PUBLISHED / name))
    return {f"{c['table']}/{c['row']}/{c['col']}": c["value"] for c in data["cells"] if not c.get("missing")}


def expected_cells(name: str) -> dict[str, object]:
    exp = EXPECTED[name]
    alt = {k: vs for k, vs in exp.get("alt_rows", {}).items()}      # "t3/3.6": ["3.6.3"]
    out = {}
    for t, rows in exp["cells"].items():
        for r, cols in rows.items():
            for c, v in cols.items():
                out[f"{t}/{r}/{c}"] = v
    return out, alt


def same_value(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return Decimal(str(a)) == Decimal(str(b))


@pytest.mark.parametrize("name", SAMPLES)
def test_every_expected_cell_and_heading(name):
    got = cells_of(name)
    want, alt = expected_cells(name)
    wrong = {}
    for key, v in want.items():
        t, r, c = key.split("/")
        g = got.get(key, "<missing>")
        for other in alt.get(f"{t}/{r}", []):
            g = got.get(f"{t}/{other}/{c}", g) if g == "<missing>" else g
        if g == "<missing>" or not same_value(g, v):
            wrong[key] = (g, v)
    assert not wrong, f"{len(wrong)} of {len(want)} cells differ (got, expected): {wrong}"
    data = report_to_json(parse_file(PUBLISHED / name))
    heads = [(s["number"], s["heading"]) for s in data["sections"]]
    assert heads == [(s["number"], s["heading"]) for s in EXPECTED[name]["sections"]]


def findings(name: str) -> Counter:
    found = lint_source(read_path(PUBLISHED / name), load_ruleset())
    return Counter((d.code, d.severity.value, re.sub(r"第 ?\d+ ?行", "第N行", d.message))
                   for d in found if d.severity.value in ("error", "warning"))


def test_one_report_in_three_forms_gives_the_same_cells_and_findings():
    cells = {n: cells_of(n) for n in PINGTAN}
    base = cells[PINGTAN[0]]
    for n in PINGTAN[1:]:
        diff = {k: (base.get(k), cells[n].get(k)) for k in set(base) | set(cells[n])
                if not same_value(base.get(k), cells[n].get(k))}
        assert not diff, f"{n} differs from the HTML page: {diff}"
    found = {n: findings(n) for n in PINGTAN}
    for n in PINGTAN[1:]:
        assert found[n] == found[PINGTAN[0]], f"{n}: {found[n]} vs html: {found[PINGTAN[0]]}"


@pytest.mark.parametrize("name", SAMPLES)
def test_no_error_that_is_not_a_listed_defect(name):
    found = lint_source(read_path(PUBLISHED / name), load_ruleset())
    errors = [d for d in found if d.severity.value == "error"]
    listed = [d for d in EXPECTED[name]["defects"] if not d.get("doubtful")]
    prefixes = {c for d in listed for c in d["codes"]}
    for e in errors:
        assert any(e.code.startswith(p) for p in prefixes), f"error not among the listed defects: {e}"


def test_hongzequ_defects_found_on_their_pages():
    found = lint_source(read_path(PUBLISHED / "hongzequ_2023.pdf"), load_ruleset())
    for defect in EXPECTED["hongzequ_2023.pdf"]["defects"]:
        hits = [d for d in found if any(d.code.startswith(c) for c in defect["codes"])
                and (not defect.get("pages") or d.page in defect["pages"])]
        assert hits, f"not found: {defect['what']}"


def test_page_metadata_is_read_but_not_reported_as_pasted_chrome():
    data = report_to_json(parse_file(PUBLISHED / "pingtan_2025.html"))
    assert data["publication_date"] == "2026-03-10"
    assert data["title"]["text"] == "平潭综合实验区2025年度政府信息公开工作年度报告"
    found = lint_source(read_path(PUBLISHED / "pingtan_2025.html"), load_ruleset())
    assert not [d for d in found if d.code == "GK602"]
