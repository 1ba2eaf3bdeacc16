"""The 武威 pack: its data cases and documented examples with gklint's harness, and where it applies.

The pack is used in-process here as its entry point would load it (``extra_plugins``); gklint's own
``tests/test_packs.py`` pip-installs it and runs the ``gklint`` command.
"""
from pathlib import Path

import pytest

import gklint_pack_wuwei
from gklint.api import parse_file
from gklint.rules.engine import load_ruleset, run_rules
from gklint.testing import example_cases, load_cases, rule_has_cases

HERE = Path(__file__).parent
REPO = HERE.parent.parent.parent
RULES_DIR = Path(gklint_pack_wuwei.__file__).parent / "rules"
ALL = load_ruleset(extra_plugins=[gklint_pack_wuwei])
RULES = ALL.select(["WW"])
CASES = load_cases(HERE / "cases", RULES_DIR / "examples")
EXAMPLES = example_cases(RULES)
REPORTS = HERE / "reports"


def ww(path) -> list[tuple[str, int, int, str]]:
    return [(d.code, d.line, d.column, d.severity.value) for d in run_rules(parse_file(str(path)), ALL)
            if d.code.startswith("WW")]


def test_pack_loads_with_its_policy():
    assert not ALL.errors
    assert [r.code for r in RULES.rules] == ["WW101", "WW201", "WW202", "WW203", "WW301", "WW302", "WW401"]
    assert "wuwei" in {p.name for p in ALL.packs}


@pytest.mark.parametrize("case", CASES + EXAMPLES, ids=[c.id for c in CASES + EXAMPLES])
def test_case(case):
    case.check(ALL)


def test_every_rule_has_a_failing_and_a_passing_case():
    for r in RULES.rules:
        assert rule_has_cases(r, CASES) == (True, True), r.code


def test_report_without_platform_counts():
    assert sorted(ww(REPORTS / "wuwei_shangwu_2025_no_platform_counts.txt")) == [("WW201", 13, 1, "warning")] * 4


def test_report_whose_valid_count_disagrees_with_table_2():
    path = REPORTS / "wuwei_shangwu_2025_valid_mismatch.txt"
    assert ww(path) == [("WW302", 23, 63, "error")]
    # the national GK507 still checks the other sections, not section 一 (the pack's options override)
    assert not [d for d in run_rules(parse_file(str(path)), ALL) if d.code == "GK507"]
    assert [d.code for d in run_rules(parse_file(str(path)), load_ruleset()) if d.code == "GK507"] == ["GK507"]


def test_a_real_2025_report_rewritten_as_liangzhou():
    """平潭 2025 (a crawled page, sub-headings inline) as if 凉州区 had written it: what it lacks by 武威's rules."""
    got = ww(REPORTS / "liangzhou_2025_from_pingtan.txt")
    codes = sorted(c for c, *_ in got)
    assert codes == ["WW201"] * 2 + ["WW202"] + ["WW203"] * 5 + ["WW301"] * 3 + ["WW401"] * 3
    assert {(line, col) for _c, line, col, _s in got} == {(10, 236)}   # the 一、总体情况 heading inside line 10


def test_the_pack_is_silent_on_every_real_report_that_is_not_wuwei_2025():
    """Seeds (2022–2024), the corpus (平潭 2025 included) and the published samples: nothing from WW, and the
    national findings are exactly those without the pack."""
    base = load_ruleset()
    files = [p for p in sorted((REPO / "tests" / "reports").rglob("*")) if p.is_file()
             and p.suffix in (".txt", ".md", ".html", ".docx", ".pdf") and p.name != "README.md"]
    assert len(files) > 30
    for f in files:
        parsed = parse_file(str(f))
        with_pack = [(d.code, d.line, d.column, d.severity) for d in run_rules(parsed, ALL)]
        without = [(d.code, d.line, d.column, d.severity) for d in run_rules(parsed, base)]
        assert with_pack == without, f


def test_base_report_of_2024_is_outside_the_pack():
    text = (RULES_DIR / "examples" / "base.txt").read_text(encoding="utf-8").replace("2025", "2024")
    from gklint.api import parse_text

    bad = text.replace("其中通过政府网站发布 126 条，", "")
    assert not [d for d in run_rules(parse_text(bad, path="x.txt"), ALL) if d.code.startswith("WW")]
    assert [d for d in run_rules(parse_text(bad.replace("2024", "2025"), path="x.txt"), ALL) if d.code == "WW201"]
