"""`gklint extract`: the cells of every report as rows (csv, json, xlsx via openpyxl), equal to `gklint parse`."""
import csv
import json
import subprocess
import sys

import pytest

from conftest import REPORTS
from conftest import gk  # noqa: E402

FILES = [*sorted(str(p) for p in (REPORTS / "seeds").glob("*.txt")),
         *sorted(str(p) for p in (REPORTS / "published").iterdir() if p.suffix in (".html", ".docx", ".pdf")),
         *sorted(str(p) for p in (REPORTS / "corpus").glob("0*_pingtan_zonghe_shiyanqu_202*.txt"))]
KEYS = ("table", "row", "col", "value", "raw", "kind", "line", "column", "page", "location")


@pytest.fixture(scope="module")
def parsed():
    """What `gklint parse --format json` gives (the same function, in process; the first file through the CLI)."""
    from gklint.api import parse_file, report_to_json

    out = {f: json.loads(json.dumps(report_to_json(parse_file(f)), ensure_ascii=False)) for f in FILES}
    assert json.loads(gk("parse", "--format", "json", FILES[0]).stdout) == out[FILES[0]]
    return out


def expected_cells(parsed):
    return [(f, *(c.get(k) for k in KEYS)) for f, d in parsed.items() for c in d["cells"]]


def test_xlsx_round_trip(tmp_path, parsed):
    from openpyxl import load_workbook

    out = tmp_path / "extract.xlsx"
    p = gk("extract", *FILES, "--format", "xlsx", "-o", str(out))
    assert p.returncode == 0, p.stderr
    wb = load_workbook(out)
    assert wb.sheetnames == ["表二", "表三", "表四", "问题", "报告"]
    got = []
    for name in ("表二", "表三", "表四"):
        ws = wb[name]
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref
        head = [c.value for c in ws[1]]
        for row in ws.iter_rows(min_row=2, values_only=True):
            r = dict(zip(head, row))
            got.append((r["file"], *((r[k] if r[k] is not None or k != "raw" else "") for k in KEYS)))
    assert sorted(got, key=str) == sorted(expected_cells(parsed), key=str)
    # who and when on every row; 表三 of the 2025 web page: 新收 自然人 and its source position
    ws = wb["表三"]
    head = [c.value for c in ws[1]]
    rows = [dict(zip(head, r)) for r in ws.iter_rows(min_row=2, values_only=True)]
    page = next(r for r in rows if r["file"].endswith("pingtan_2025.html") and r["row"] == "1" and r["col"] == "natural")
    assert (page["agency"], page["year"], page["label"], page["column_label"]) == (
        "平潭综合实验区", 2025, "一、本年新收政府信息公开申请数量", "自然人")
    assert page["value"] == next(c["value"] for c in parsed[page["file"]]["cells"]
                                 if c["table"] == "t3" and c["row"] == "1" and c["col"] == "natural")
    assert all(r["agency"] and r["year"] for r in rows)
    pdf = [r for r in rows if r["file"].endswith("hongzequ_2023.pdf")]
    assert pdf and all(r["page"] for r in pdf if r["kind"] != "missing")
    # the findings sheet: those of gklint check, cross-year ones included
    found = json.loads(gk("check", *FILES, "--format", "json").stdout)
    ws = wb["问题"]
    head = [c.value for c in ws[1]]
    sheet = [dict(zip(head, r)) for r in ws.iter_rows(min_row=2, values_only=True)]
    assert sorted((r["file"], r["line"], r["code"], r["message"]) for r in sheet) == \
        sorted((d["path"], d["line"], d["code"], d["message"]) for d in found)
    assert any(r["code"] == "GK524" for r in sheet)          # a cross-year finding (years missing) is there too


def test_csv_and_json(tmp_path, parsed):
    out = tmp_path / "cells.csv"
    assert gk("extract", *FILES[:3], "--format", "csv", "-o", str(out)).returncode == 0
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    want = [c for f in FILES[:3] for c in parsed[f]["cells"]]
    assert len(rows) == len(want)
    assert [(r["table"], r["row"], r["col"], r["raw"]) for r in rows] == [(c["table"], c["row"], c["col"], c["raw"])
                                                                        for c in want]
    assert (tmp_path / "cells.csv.findings.csv").read_text(encoding="utf-8-sig").startswith("agency,year,file,")
    data = json.loads(gk("extract", *FILES[:3], "--format", "json").stdout)
    assert [(c["file"], c["table"], c["row"], c["col"], c["value"]) for c in data["cells"]] == \
        [(f, c["table"], c["row"], c["col"], c["value"]) for f in FILES[:3] for c in parsed[f]["cells"]]
    assert [r["file"] for r in data["reports"]] == FILES[:3]


def test_xlsx_needs_output():
    p = gk("extract", FILES[0], "--format", "xlsx")
    assert p.returncode == 2 and "-o" in p.stderr
