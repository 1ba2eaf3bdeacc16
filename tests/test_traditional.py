"""Reports in Traditional characters (issue 13, class 2): read as Simplified, positions unchanged, said once.

Every seed and corpus report is converted to Traditional character by character with OpenCC's s2t data (the
opposite direction of what gklint uses, so the test does not check the table against itself); the findings
(code, line, column) must be exactly those of the Simplified report, plus one GK027 note.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import opencc
import pytest

from gklint.api import parse_text
from gklint.rules.engine import load_ruleset, run_rules

REPORTS = Path(__file__).parent / "reports"
FILES = sorted(p for d in ("seeds", "corpus") for p in (REPORTS / d).iterdir()
               if p.suffix in (".txt", ".md") and p.name != "README.md")
S2T = opencc.OpenCC("s2t")


def traditional(text: str) -> str:
    out = []
    for ch in text:
        t = S2T.convert(ch) if "\u4e00" <= ch <= "\u9fff" else ch
        out.append(t if len(t) == 1 else ch)
    return "".join(out)


@pytest.fixture(scope="module")
def ruleset():
    return load_ruleset()


def found(text: str, ruleset) -> list[tuple[str, int, int, str]]:
    return sorted((d.code, d.line, d.column, d.severity.value) for d in run_rules(parse_text(text, "r.txt"), ruleset))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_traditional_report_gives_the_same_findings(path, ruleset):
    text = path.read_text(encoding="utf-8")
    hant = traditional(text)
    assert len(hant) == len(text) and sum(a != b for a, b in zip(text, hant)) > 50
    simplified = found(text, ruleset)
    got = found(hant, ruleset)
    notes = [f for f in got if f[0] == "GK027"]
    assert len(notes) == 1 and notes[0][3] == "info"
    assert [f for f in got if f[0] != "GK027"] == simplified
    assert not any(f[0] == "GK027" for f in simplified)


def test_note_points_at_the_first_traditional_character(ruleset):
    text = "某某县人民政府2023年政府信息公开工作年度报告\n\n一、總體情況\n（一）主動公開\n本年度共發布規章0件。\n"
    diags = [d for d in run_rules(parse_text(text, "r.txt"), ruleset) if d.code == "GK027"]
    assert [(d.line, d.column) for d in diags] == [(3, 3)] and "“總”" in diags[0].message
    assert not [d for d in run_rules(parse_text(text, "r.txt"), ruleset) if d.code == "GK005"]


def test_a_few_traditional_characters_in_a_simplified_report_are_no_note(ruleset):
    text = (REPORTS / "seeds" / "004_c12fc4cb6f2af7bf.txt").read_text(encoding="utf-8")
    text = text.replace("中卫市商务局", "中衛市商務局", 1)    # a name quoted in Traditional once
    assert not [f for f in found(text, ruleset) if f[0] == "GK027"]


def test_simplified_reports_never_load_the_table():
    code = ("from gklint.api import parse_file\nfrom gklint import hant\nimport glob\n"
            "for p in sorted(glob.glob('tests/reports/seeds/*.txt')): parse_file(p)\n"
            "print(hant.table.cache_info().currsize)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).parent.parent)
    assert out.stdout.strip() == "0", out.stderr
