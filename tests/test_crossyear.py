"""Cross-year checks (GK52x) through the real CLI: several reports of one agency checked together."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPORTS
from conftest import gk  # noqa: E402

SEED = (REPORTS / "seeds" / "004_c12fc4cb6f2af7bf.txt").read_text(encoding="utf-8")
ROW2 = "二、上年结转政府信息公开申请数量\t\t0\t0\t0\t0\t0\t0\t0\t"
ROW4 = "四、结转下年度继续办理\t\t0\t0\t0\t0\t0\t0\t0\t"
CORPUS = REPORTS / "corpus"
PINGTAN = sorted(str(p) for p in CORPUS.glob("0*_pingtan_zonghe_shiyanqu_*.txt"))


def year_copy(year: int, *, row2: str | None = None, row4: str | None = None, agency: str = "中卫市商务局") -> str:
    text = SEED.replace("2023 年政府信息公开工作年度报告", f"{year} 年政府信息公开工作年度报告", 1)
    text = text.replace("\n中卫市商务局\n", f"\n{agency}\n", 1)
    if row2:
        text = text.replace(ROW2, row2, 1)
    if row4:
        text = text.replace(ROW4, row4, 1)
    assert f"{year} 年政府信息公开工作年度报告" in text
    return text


def findings(*paths, extra=()):
    p = gk("check", "--format", "json", "--select", "GK52", *extra, *map(str, paths))
    assert p.returncode in (0, 1), p.stderr
    return json.loads(p.stdout)


def test_broken_carryover_is_an_error_at_this_years_cell(tmp_path):
    (tmp_path / "a_2023.txt").write_text(year_copy(2023, row4="四、结转下年度继续办理\t\t3\t1\t0\t0\t0\t0\t4\t"),
                                         encoding="utf-8")
    (tmp_path / "b_2024.txt").write_text(year_copy(2024, row2="二、上年结转政府信息公开申请数量\t\t3\t0\t0\t0\t0\t0\t3\t"),
                                         encoding="utf-8")
    found = [d for d in findings(tmp_path) if d["code"] == "GK520"]
    # 自然人 3 = 3 agrees; 商业企业 0 ≠ 1 and 总计 3 ≠ 4 do not
    assert [(Path(d["path"]).name, d["line"], d["severity"]) for d in found] == [("b_2024.txt", 58, "error")] * 2
    line = year_copy(2024).split("\n")[57]
    cols = sorted(d["column"] for d in found)
    assert cols[0] - 1 == line.index("\t0\t0\t0\t0\t0\t0\t") + 3   # the 商业企业 cell ("3\t" then "0")
    business = next(d for d in found if "商业企业" in d["message"])
    assert "为 0" in business["message"] and "2023 年" in business["message"] and "a_2023.txt" in business["message"]
    assert "同一列为 1" in business["message"]
    assert business["extra"]["agency"] == "中卫市商务局" and business["extra"]["year"] == 2024


def test_consistent_years_give_no_carryover_finding_and_copies_are_said(tmp_path):
    carried = "\t\t2\t0\t0\t0\t0\t0\t2\t"
    (tmp_path / "2023.txt").write_text(year_copy(2023, row4="四、结转下年度继续办理" + carried), encoding="utf-8")
    (tmp_path / "2024.txt").write_text(year_copy(2024, row2="二、上年结转政府信息公开申请数量" + carried), encoding="utf-8")
    found = findings(tmp_path)
    assert not [d for d in found if d["code"] in ("GK520", "GK521")]
    copied = [d for d in found if d["code"] == "GK522"]
    assert len(copied) == 1 and copied[0]["path"].endswith("2024.txt") and "（100%）" in copied[0]["message"]
    assert copied[0]["extra"]["copied_sentences"][0]["line"] == copied[0]["line"]


def test_moving_one_year_away_gives_no_cross_year_finding(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    (tmp_path / "x" / "2023.txt").write_text(year_copy(2023, row4=ROW4.replace("\t0\t0\t0\t0\t0\t0\t0", "\t1\t0\t0\t0\t0\t0\t1")),
                                             encoding="utf-8")
    (tmp_path / "y" / "2024.txt").write_text(year_copy(2024), encoding="utf-8")
    assert [d["code"] for d in findings(tmp_path)].count("GK520") == 2
    assert findings(tmp_path / "x") == [] and findings(tmp_path / "y") == []


def test_duplicate_year_gap_and_agency_mapping(tmp_path):
    (tmp_path / "a.txt").write_text(year_copy(2021, row4=ROW4.replace("\t0\t0\t0\t0\t0\t0\t0", "\t1\t0\t0\t0\t0\t0\t1")),
                                    encoding="utf-8")
    (tmp_path / "b.txt").write_text(year_copy(2022), encoding="utf-8")
    (tmp_path / "c.txt").write_text(year_copy(2024), encoding="utf-8")
    (tmp_path / "d.txt").write_text(year_copy(2024, agency="中卫商务局", row4=ROW4.replace(
        "\t0\t0\t0\t0\t0\t0\t0", "\t2\t0\t0\t0\t0\t0\t2")), encoding="utf-8")       # a different 2024 report
    found = findings(tmp_path)
    assert [(d["code"], Path(d["path"]).name) for d in found if d["code"] in ("GK523", "GK524")] == [
        ("GK524", "c.txt")]
    assert "缺少 2023 年度" in next(d for d in found if d["code"] == "GK524")["message"]
    assert [Path(d["path"]).name for d in found if d["code"] == "GK520"] == ["b.txt", "b.txt"]
    mapping = tmp_path.parent / "agencies.yaml"
    mapping.write_text("中卫市商务局:\n  - 中卫商务局\n", encoding="utf-8")
    mapped = findings(tmp_path, extra=("--agencies", str(mapping)))
    dup = [d for d in mapped if d["code"] == "GK523"]
    assert [Path(d["path"]).name for d in dup] == ["d.txt"] and "c.txt" in dup[0]["message"]


def test_normalised_agency():
    from gklint.review.agency import AgencyMap, normalise

    assert normalise("平潭综合实验区管委会办公室") == normalise("平潭综合实验区") == "平潭综合实验区"
    assert normalise("平潭综合实验区管理委员会") == "平潭综合实验区"
    assert normalise("沭阳县政府") == "沭阳县人民政府"
    assert normalise("武汉市汉阳区人民政府办公室") == "武汉市汉阳区人民政府办公室"   # a department of its own
    assert AgencyMap({"中卫商务局": "中卫市商务局"})("中卫 商务局") == "中卫市商务局"


def test_pingtan_crawls_check_together_without_false_error():
    """平潭 2018, 2021, 2023, 2024, 2025: carry-over agrees 2023→2024→2025 (0, 0); the gaps are said once."""
    found = findings(*PINGTAN)
    assert [d["code"] for d in found] == ["GK524"]
    assert "缺少 2019、2020、2022 年度" in found[0]["message"]


def test_select_ignore_and_severity_apply(tmp_path):
    (tmp_path / "2023.txt").write_text(year_copy(2023), encoding="utf-8")
    (tmp_path / "2024.txt").write_text(year_copy(2024), encoding="utf-8")
    p = gk("check", "--format", "json", "--ignore", "GK522", str(tmp_path))
    assert not [d for d in json.loads(p.stdout) if d["code"] == "GK522"]
    cfg = tmp_path.parent / "g.toml"
    cfg.write_text('severity = { GK522 = "info" }\n', encoding="utf-8")
    p = gk("check", "--format", "json", "--config", str(cfg), "--select", "GK522", str(tmp_path))
    assert [d["severity"] for d in json.loads(p.stdout)] == ["info"]


def test_one_report_as_page_and_attachment_is_not_reported_twice(tmp_path):
    """A reviewer downloads the web page and its PDF/Word attachment: one report in three forms, no GK523."""
    published = REPORTS / "published"
    forms = [published / n for n in ("pingtan_2025.html", "pingtan_2025.docx", "pingtan_2025_lo.pdf")]
    assert not [d for d in findings(*forms) if d["code"] == "GK523"]
    other = tmp_path / "平潭2025-另一版.txt"           # same agency and year, different figures: a second report
    other.write_text(year_copy(2025, agency="平潭综合实验区"), encoding="utf-8")
    dup = [d for d in findings(forms[0], other) if d["code"] == "GK523"]
    assert [Path(d["path"]).name for d in dup] == [other.name]
