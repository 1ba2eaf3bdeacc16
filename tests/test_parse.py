"""The core reader: every seed's 200 template cells, lines and sections; layouts; encodings; bad input."""
import json
from pathlib import Path

import pytest

from gklint.api import parse_file, parse_text, report_to_json
from gklint.readers import decode, read_path

from conftest import CORPUS, REPORTS, SEEDS

TRUTH = json.loads((REPORTS / "seeds" / "expected-cells.json").read_text(encoding="utf-8"))
GOLDEN = Path(__file__).parent / "golden"


def cells_of(path):
    data = report_to_json(parse_file(path))
    return data, {(c["table"], c["row"], c["col"]): c for c in data["cells"]}


@pytest.mark.parametrize("seed", SEEDS, ids=[s.name[:3] for s in SEEDS])
def test_seed_cells_values_and_lines(seed):
    truth = TRUTH[seed.name]
    data, cells = cells_of(seed)
    assert sum(1 for c in data["cells"] if c["table"] == "t2") == 10
    assert sum(1 for c in data["cells"] if c["table"] == "t3") == 175
    assert sum(1 for c in data["cells"] if c["table"] == "t4") == 15
    for t, rows in truth["cells"].items():
        for r, cols in rows.items():
            for c, want in cols.items():
                got = cells[(t, r, c)]
                if r in truth["rows_missing_one_cell"] and t == "t3":
                    continue
                assert got["value"] == want, (t, r, c, got)
                for key in (f"{t}/{r}/{c}", f"{t}/{r}"):
                    if key in truth["lines"]:
                        assert got["line"] == truth["lines"][key], (key, got)
                        break
    for r in truth["rows_missing_one_cell"]:
        row = [cells[("t3", r, c)] for c in ("natural", "business", "research", "nonprofit", "legal", "other", "total")]
        assert sum(1 for c in row if c["value"] is not None) == 6
        assert sum(1 for c in row if c.get("missing")) == 1
    firsts = {}
    for s in data["sections"]:
        firsts.setdefault(s["number"], s["line"])
    assert [firsts.get(n) for n in range(1, 7)] == truth["sections"]


@pytest.mark.parametrize("seed", SEEDS, ids=[s.name[:3] for s in SEEDS])
def test_seed_golden(seed):
    """Every cell (value, raw, line, column) and heading, pinned; regenerate with tests/golden/regen.py."""
    data, _ = cells_of(seed)
    golden = json.loads((GOLDEN / f"{seed.stem}.json").read_text(encoding="utf-8"))
    got = {"sections": [[s["number"], s["heading"], s["line"], s["column"]] for s in data["sections"]],
           "cells": [[c["table"], c["row"], c["col"], c["value"], c["raw"], c["line"], c["column"]] for c in data["cells"]]}
    assert got == golden


def test_duplicated_heading_found_twice():
    data, _ = cells_of(REPORTS / "seeds" / "001_25e742924a94a485.txt")
    assert [(s["number"], s["line"]) for s in data["sections"]][:2] == [(1, 5), (1, 7)]


def test_title_split_over_two_lines():
    r = parse_file(REPORTS / "seeds" / "004_c12fc4cb6f2af7bf.txt").report
    assert (r.title.agency, r.year, r.title.span.line, r.title.well_formed) == ("中卫市商务局", 2023, 3, True)


def test_title_after_web_chrome_and_publication_date():
    r = parse_file(REPORTS / "seeds" / "003_871f94abbc050ee9.txt").report
    assert r.title.span.line == 3 and r.agency == "遂宁市安居区商务局" and r.year == 2022
    assert r.publication_date == (2023, 1, 12) and r.publication_span.line == 5
    assert [c.line for c in r.chrome] == [5, 618]


def test_one_cell_per_line_positions():
    _, cells = cells_of(REPORTS / "seeds" / "003_871f94abbc050ee9.txt")
    assert cells[("t3", "1", "natural")]["line"] == 119
    assert cells[("t3", "1", "total")]["line"] == 131
    assert cells[("t4", "litigation_after_review", "total")]["line"] == 606


def test_table3_row_labels_never_open_sections():
    for seed in SEEDS:
        data, _ = cells_of(seed)
        assert all(not s["heading"].startswith(("一、本年", "四、结转")) for s in data["sections"])


def test_markdown_pipe_tables_split_into_fragments():
    """corpus 004 (沭阳县): table 三 as per-row pipe sub-tables with placeholder headers, table 四 in three parts."""
    data, cells = cells_of(REPORTS / "corpus" / "004_shuyang_xian_zhengfu_2025.md")
    row = lambda r: [cells[("t3", r, c)]["value"] for c in ("natural", "business", "research", "nonprofit", "legal", "other", "total")]
    assert row("1") == [705, 3, 0, 0, 5, 0, 713]
    assert row("3.7") == [710, 3, 0, 0, 5, 0, 718]
    assert row("4") == [31, 0, 0, 0, 0, 0, 31]
    assert [cells[("t4", "review", c)]["value"] for c in ("upheld", "corrected", "other", "pending", "total")] == [27, 10, 9, 15, 61]
    assert cells[("t2", "fee", "amount")]["value"] == pytest.approx(4068.208)


def test_inline_markdown_pipe_report():
    text = ("# 某县某局2023年政府信息公开工作年度报告\n\n## 一、总体情况\n\n我局认真落实条例。\n\n## 二、主动公开政府信息情况\n\n"
            "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n|---|---|---|---|\n| 规章 | 0 | 0 | 0 |\n"
            "| 行政规范性文件 | 3 | 1 | 12 |\n")
    r = parse_text(text).report
    assert r.agency == "某县某局" and r.sections[1].number == 2
    c = r.cell("t2", "normative", "valid")
    assert (c.value, c.span.line, c.span.column) == (12, 12, 21)


def test_gb18030_file_detected(tmp_path):
    seed = REPORTS / "seeds" / "004_c12fc4cb6f2af7bf.txt"
    f = tmp_path / "gbk.txt"
    f.write_bytes(seed.read_text(encoding="utf-8").encode("gb18030"))
    parsed = parse_file(f)
    assert parsed.report.encoding == "gb18030"
    assert [d.code for d in parsed.problems] == ["GK004"]
    _, utf = cells_of(seed)
    data = report_to_json(parsed)
    assert {(c["table"], c["row"], c["col"]): (c["value"], c["line"]) for c in data["cells"]} == \
           {k: (v["value"], v["line"]) for k, v in utf.items()}


def test_utf8_bom_and_crlf_keep_positions():
    seed = (REPORTS / "seeds" / "004_c12fc4cb6f2af7bf.txt").read_text(encoding="utf-8")
    src = decode(b"\xef\xbb\xbf" + seed.replace("\n", "\r\n").encode("utf-8"), "bom.txt")
    assert src.encoding == "utf-8-sig"
    r = parse_text(src.text).report
    assert r.cell("t3", "3.7", "total").span.line == 80


def test_bad_input_becomes_diagnostics(tmp_path):
    assert [d.code for d in read_path(tmp_path / "nope.txt").problems] == ["GK001"]
    binary = tmp_path / "x.txt"
    binary.write_bytes(bytes(range(256)) * 10)
    codes = [d.code for d in parse_file(binary).problems]
    assert "GK003" in codes or "GK002" in codes
    bad = tmp_path / "bad.txt"
    bad.write_bytes("一、总体情况\n".encode("utf-8") + b"\xff\xfe\xfd\x80\x81abc\x80")
    assert any(d.code in ("GK002", "GK004") for d in parse_file(bad).problems)
    assert [d.code for d in parse_text("随便写的一段话。").problems] == ["GK005"]


@pytest.mark.parametrize("path", CORPUS, ids=[p.name[:3] for p in CORPUS])
def test_corpus_parses(path):
    parsed = parse_file(path)
    data = report_to_json(parsed)
    assert not any(d["code"] == "GK009" for d in data["diagnostics"])
    json.dumps(data, ensure_ascii=False)


def test_cut_off_page_is_said_once():
    parsed = parse_file(REPORTS / "corpus" / "043_hezhang_xingfa_xiang_2024_partial.md")
    assert parsed.report.truncated_at.line == 127
    gk012 = [d for d in parsed.problems if d.code == "GK012"]
    assert len(gk012) == 1 and "第四、五、六部分" in gk012[0].message and "表三" in gk012[0].message


def test_complete_report_is_not_cut_off():
    for seed in SEEDS:
        assert parse_file(seed).report.truncated_at is None


def test_heading_split_by_a_tab_is_a_section_and_a_row_with_numbers_is_not():
    # a Word or web-page grid row holding a heading: the tab is not part of the heading's words
    text = "某局2023年政府信息公开工作年度报告\n一、\t总体情况\n本年度推进公开。\n二、主动公开政府信息情况\t\n本年度主动公开。\n"
    r = parse_text(text).report
    assert [(s.number, s.canonical) for s in r.sections] == [(1, True), (2, True)]
    r = parse_text("某局2023年政府信息公开工作年度报告\n一、\t总体情况\t5\n").report
    assert r.sections == ()
