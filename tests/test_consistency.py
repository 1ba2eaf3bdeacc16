"""Extra tests for the GK5xx consistency checks (gklint/rules/checks/consistency.py): seeds stay clean, the corpus
never crashes and gives only the findings judged true, clause positions map back to the file, and the
ambiguous wordings stay silent."""
from pathlib import Path

import pytest

from gklint.api import parse_file, parse_text
from gklint.rules.checks.consistency import _cut_values, agency_kind, clauses
from gklint.rules.engine import load_ruleset, run_rules

REPORTS = Path(__file__).parent / "reports"
SEEDS = sorted((REPORTS / "seeds").glob("*.txt"))
CORPUS = sorted(p for p in (REPORTS / "corpus").glob("*") if p.suffix in (".txt", ".md"))
RULES = load_ruleset().select(["GK5"])
SEED_004 = (REPORTS / "seeds" / "004_c12fc4cb6f2af7bf.txt").read_text(encoding="utf-8")

# corpus findings of error/warning severity that a careful reader confirmed (see the MANIFEST notes)
JUDGED_TRUE = {
    ("007_pingtan_zonghe_shiyanqu_2023.txt", "GK507"),   # text 现行有效 393; table row “77132470” cannot hold 393
    ("031_ningshan_meizi_zhen_2024_partial.txt", "GK512"),  # township published 2025-02-06 (default 01-31, warning)
}


def _gk5(parsed):
    return [d for d in run_rules(parsed, RULES) if d.code.startswith("GK5") or d.code == "GK901"]


@pytest.mark.parametrize("path", SEEDS, ids=[p.name[:3] for p in SEEDS])
def test_seeds_have_no_gk5_error_or_warning(path):
    bad = [d for d in _gk5(parse_file(path)) if d.severity.value in ("error", "warning")]
    assert bad == [], [f"{d.line}:{d.column} {d.code} {d.message}" for d in bad]


@pytest.mark.parametrize("path", CORPUS, ids=[p.name[:3] for p in CORPUS])
def test_corpus_no_crash_and_only_judged_findings(path):
    diags = _gk5(parse_file(path))
    assert not [d for d in diags if d.code == "GK901"], [d.message for d in diags]
    for d in diags:
        if d.severity.value in ("error", "warning"):
            assert (path.name, d.code) in JUDGED_TRUE, f"{path.name}:{d.line}:{d.column} {d.code} {d.message}"


def test_clause_positions_map_to_the_original_lines():
    # seed 002 L31/L33: one paragraph broken in the middle of a word; the clause joins it
    report = parse_file(REPORTS / "seeds" / "002_def60ea53eab62a5.txt").report
    c = next(c for c in clauses(report) if "重要抓手" in c.f)
    a = c.f.index("抓手")
    span = c.span(a, a + 2)
    line = report.lines[span.line - 1]
    assert span.line == 33 and line[span.column - 1:span.column + 1] == "抓手"
    # full-width spaces and spaces around numbers are folded away, positions still point at the digit
    report = parse_text(SEED_004).report
    c = next(c for c in clauses(report) if "共收到依申请公开1件" in c.f)
    i = c.f.index("1件")
    span = c.span(i, i + 1)
    assert (span.line, report.lines[span.line - 1][span.column - 1]) == (21, "1")


def test_book_titles_are_masked():
    report = parse_text(SEED_004).report
    assert not any("中卫市商务局2023年政府信息公开工作年度报告" in c.f for c in clauses(report))


def test_cut_values():
    assert 393 not in _cut_values("77132470", 3, 2)
    assert 77 in _cut_values("77132470", 3, 0)
    assert _cut_values("000", 3, 1) == {0}
    assert _cut_values("00", 3, 0) == set()


@pytest.mark.parametrize("title, kind", [
    ("中卫市商务局\n\n2023 年政府信息公开工作年度报告", "department"),
    ("宁陕县梅子镇人民政府2024年度政府信息公开工作年度报告", "town"),
    ("沭阳县人民政府2025年政府信息公开工作年度报告", "government"),
    ("上海市人民政府办公厅2019年政府信息公开工作年度报告", "department"),
    ("广州市海珠区官洲街道办事处2023年政府信息公开工作年度报告", "town"),
    ("苍溪县乡村振兴局2023年政府信息公开工作年度报告", "department"),
    ("长春新区管委会2025年度政府信息公开工作年度报告", None),
    ("平潭综合实验区2021年度政府信息公开工作年度报告", None),
])
def test_agency_kind(title, kind):
    report = parse_text(title + "\n\n一、总体情况\n\n本年度未收到政府信息公开申请。\n").report
    got = agency_kind(report)
    assert (got[0] if got else None) == kind


S21 = "2023 年，我局共收到依申请公开 1 件，严格按照《中华人民共和国政府信息公开条例》按时登记受理，不存在违法、违规办理行为，无行政复议、行政诉讼的情况。"
R4 = "四、结转下年度继续办理\t\t0\t0\t0\t0\t0\t0\t0\t"
R4_1 = "四、结转下年度继续办理\t\t1\t0\t0\t0\t0\t0\t1\t"
T4 = "0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0"
T4_REVIEW = "1\t0\t0\t0\t1\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0"
T4_LITIGATION = "0\t0\t0\t0\t0\t1\t0\t0\t0\t1\t0\t0\t0\t0\t0"
NORM = "行政规范性文件\t0\t0\t0"
NORM_2_0_5 = "行政规范性文件\t2\t0\t5"

# (sentence replacing seed 004 L21, table edits, expected GK5 codes)
WORDINGS = [
    ("2023 年，我局未收到法人或其他组织提出的政府信息公开申请。", {}, []),
    ("2023 年，我局未收到通过信函方式提交的政府信息公开申请。", {}, []),
    ("2022 年，我局未收到政府信息公开申请。", {}, []),
    ("第四季度未收到政府信息公开申请。", {}, []),
    ("2023 年未收到有关政府信息公开行政复议、提起行政诉讼的申请。", {}, []),
    ("我局除 1 件外未收到其他政府信息公开申请。", {}, []),
    ("2023 年，没有发生依申请公开不规范的情况。", {}, []),
    ("2023 年，无依申请公开信息处理费收取情况。", {}, []),
    ("2023 年，我局没有收到政府信息公开申请。", {}, ["GK501"]),
    ("本年度我局无依申请公开事项。", {}, ["GK501"]),
    ("2023 年，本局未发生依申请公开事项。", {}, ["GK501"]),
    ("2023 年，所有提案与建议已经全部办理完毕。", {R4: R4_1}, []),
    ("2023 年，收到的申请均已按时答复。", {R4: R4_1}, ["GK504"]),
    ("2023 年，所有申请均在法定期限内答复。", {R4: R4_1}, []),
    ("2023 年，所有申请均按时办结。", {R4: R4_1}, ["GK504"]),
    ("2023 年，上年结转的申请均已办结。", {R4: R4_1}, []),
    ("2023 年，除 1 件外其余申请均已按时办结。", {R4: R4_1}, []),
    ("无行政复议、行政诉讼的情况。", {T4: T4_LITIGATION}, ["GK505"]),
    ("无行政复议情况。", {T4: T4_LITIGATION}, []),
    ("对无法提供的，告知申请人可依法申请行政复议或提起行政诉讼。", {T4: T4_REVIEW}, []),
    ("未经行政复议直接提起行政诉讼的 1 件。", {T4: T4_LITIGATION}, []),
    ("行政复议未被纠错。", {T4: T4_REVIEW}, []),
    ("因政府信息公开被申请行政复议 1 件，行政诉讼 1 件。", {T4: T4_REVIEW}, ["GK505"]),
    ("我局办理行政复议案件 120 件。", {T4: T4_REVIEW}, []),
    ("2023 年，我局共收到行政复议申请 2 件。", {}, []),
    ("2023 年，我局共收到依申请公开 1 件，其中予以公开及部分公开 1 件。", {}, ["GK506"]),
    ("2023 年，我局共收到依申请公开 1 件，其他处理 1 件。", {}, []),
    ("2023 年，人大代表建议和政协提案办理结果予以公开 8 件。", {}, []),
    ("2023 年主动公开政府信息 108 件，其中行政规范性文件 0 件。", {NORM: NORM_2_0_5}, []),
    ("2023 年制发行政规范性文件 2 件，现行有效 5 件。", {NORM: NORM_2_0_5}, []),
    ("2023 年制发行政规范性文件 2 件，现行有效行政规范性文件 6 件。", {NORM: NORM_2_0_5}, ["GK507"]),
    ("2023 年，对现行有效的行政规范性文件 9 件进行清理，废止 2 件。", {NORM: NORM_2_0_5}, []),
    ("2023 年，我局共收到网上政府信息公开申请 2 件。", {}, []),
    ("2023 年，收到并办结政府信息公开申请 2 件。", {}, []),
    ("2023 年，我局共收到政府信息公开申请 2 件。", {}, ["GK502"]),
    ("2023 年，共收到申请 1 件，1 件结转下年度继续办理。", {R4: R4_1}, []),
    ("2023 年，共收到申请 1 件，无下年度结转。", {R4: R4_1}, ["GK503"]),
    ("2023 年，上年结转 1 件。", {R4: R4_1}, []),
]


@pytest.mark.parametrize("sentence, tables, expected", WORDINGS, ids=[w[0][:24] for w in WORDINGS])
def test_wordings(sentence, tables, expected):
    text = SEED_004.replace(S21, sentence)
    for old, new in tables.items():
        assert old in text
        text = text.replace(old, new)
    got = sorted({d.code for d in _gk5(parse_text(text))})
    assert got == sorted(expected)


def test_unit_subject_in_a_government_report_is_not_the_whole_table():
    text = SEED_004.replace("中卫市商务局\n\n2023 年政府信息公开工作年度报告", "中卫市人民政府\n\n2023 年政府信息公开工作年度报告")
    assert [d.code for d in _gk5(parse_text(text.replace(S21, "2023 年，市政府办公室未收到政府信息公开申请。")))] == []
    assert [d.code for d in _gk5(parse_text(text.replace(S21, "2023 年，全市未收到政府信息公开申请。")))] == ["GK501"]


def test_stray_year_only_where_a_paragraph_opens_with_it():
    text = SEED_004.replace("2023 年我局不断完善公开渠道", "2023 年我局在 2020 年工作基础上不断完善公开渠道，2021 年，被评为先进单位")
    assert [d.code for d in _gk5(parse_text(text))] == []
