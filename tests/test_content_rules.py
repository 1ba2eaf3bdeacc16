"""Extra tests for the GK4xx content rules and GK6xx typography rules, and for the generic ``pattern`` kind.

The per-rule pass/fail cases live in tests/rules/cases/GK4*.yaml and GK6*.yaml; here: no crash on any real
report, the seed expectations of the issue, and the ``pattern`` kind (which no national rule uses).
"""
from pathlib import Path

import pytest

from gklint.api import parse_file, parse_text
from gklint.rules.checks import builtin_kinds
from gklint.diagnostics import Severity
from gklint.rules.engine import RuleSet, load_ruleset, run_rules
from gklint.rules.loader import RuleError, load_rule

HERE = Path(__file__).parent
SEEDS = sorted((HERE / "reports" / "seeds").glob("*.txt"))
CORPUS_DIR = Path("/work/shared/corpus")
CORPUS = sorted(p for p in CORPUS_DIR.glob("0*") if p.suffix in (".txt", ".md")) if CORPUS_DIR.is_dir() else []
MINE = load_ruleset().select(["GK4", "GK6"])


def diags(path: Path):
    return [d for d in run_rules(parse_file(path), MINE) if d.code.startswith(("GK4", "GK6", "GK9"))]


def seed(prefix: str) -> Path:
    return next(p for p in SEEDS if p.name.startswith(prefix))


@pytest.mark.parametrize("path", SEEDS + CORPUS, ids=[p.name for p in SEEDS + CORPUS])
def test_no_rule_crashes(path):
    crashed = [d for d in diags(path) if d.code == "GK901"]
    assert not crashed, crashed[0].message


def test_seed_004_has_no_error_and_no_warning():
    bad = [d for d in diags(seed("004")) if d.severity is not Severity.INFO]
    assert not bad, [(d.line, d.code, d.message) for d in bad]


def test_seed_000_fee_error_is_the_only_error():
    errors = [(d.code, d.line, d.column) for d in diags(seed("000")) if d.severity is Severity.ERROR]
    assert errors == [("GK401", 96, 1)]


def test_seed_003_notes_but_no_error():
    ds = diags(seed("003"))
    codes = {d.code for d in ds}
    assert {"GK402", "GK601", "GK602"} <= codes
    assert not [d for d in ds if d.severity is Severity.ERROR]
    assert [d.line for d in ds if d.code == "GK602"] == [5, 618]


@pytest.mark.parametrize("path", SEEDS, ids=[p.name for p in SEEDS])
def test_no_false_error_or_warning_on_seeds(path):
    got = {(d.code, d.line) for d in diags(path) if d.severity is not Severity.INFO}
    expected = {("GK401", 96)} if path.name.startswith("000") else set()
    assert got == expected


def test_messages_quote_and_are_chinese():
    for d in diags(seed("003")) + diags(seed("000")):
        assert "“" in d.message and "”" in d.message, d.message


# ----------------------------------------------------------------------------------------------------------
# the `pattern` kind
# ----------------------------------------------------------------------------------------------------------

KINDS = builtin_kinds()
REPORT = """某县商务局2023年政府信息公开工作年度报告

一、总体情况

本年度，我局主动公开政府信息20条，在政府网站发布。咨询电话 12345。

五、存在的主要问题及改进情况

一是公开的时效性不够。下一步，我局将加强培训。

六、其他需要报告的事项

本年度未收取信息处理费。
"""


def pattern_rule(tmp_path: Path, options: str, code: str = "XX001"):
    f = tmp_path / f"{code}.yaml"
    f.write_text(f"""code: {code}
name: test-pattern
summary: 测试
severity: warning
kind: pattern
options:
{options}
message: 出现了“{{match}}”
messages: {{}}
rationale: 测试
examples: {{good: a, bad: b}}
""", encoding="utf-8")
    return load_rule(f, KINDS)


def run(rule, text: str = REPORT):
    return [d for d in run_rules(parse_text(text, "t.txt"), RuleSet([rule], KINDS, [], [])) if d.code == rule.code]


def test_pattern_forbidden_points_at_each_match(tmp_path):
    rule = pattern_rule(tmp_path, "  pattern: 政府网站|信息处理费")
    got = [(d.line, d.column, d.message) for d in run(rule)]
    assert got == [(5, 20, "出现了“政府网站”"), (13, 7, "出现了“信息处理费”")]


def test_pattern_section_and_exceptions(tmp_path):
    rule = pattern_rule(tmp_path, "  pattern: 公开\n  section: 1\n  exceptions: ['主动公开']")
    assert run(rule) == []
    rule = pattern_rule(tmp_path, "  pattern: 公开\n  section: 5")
    assert [d.line for d in run(rule)] == [9]  # only section 五 is searched


def test_pattern_required(tmp_path):
    rule = pattern_rule(tmp_path, "  pattern: 上一?年度\n  mode: required\n  section: 5")
    d, = run(rule)
    assert (d.line, d.column) == (7, 1)
    rule = pattern_rule(tmp_path, "  pattern: 下一步\n  mode: required\n  section: 5")
    assert run(rule) == []
    # a section that is missing is the required-section rule's business
    rule = pattern_rule(tmp_path, "  pattern: 依申请\n  mode: required\n  section: 3")
    assert run(rule) == []


def test_pattern_required_across_a_line_break(tmp_path):
    text = REPORT.replace("下一步，我局将加强培训。", "下一步，我局将加强培\n训。")
    rule = pattern_rule(tmp_path, "  pattern: 加强培训\n  mode: required\n  section: 5")
    assert run(rule, text) == []


def test_pattern_fold_maps_back_to_original_columns(tmp_path):
    text = REPORT.replace("在政府网站发布", "在政府 网站发布")
    rule = pattern_rule(tmp_path, "  pattern: 政府网站\n  fold: true")
    d = run(rule, text)[0]
    assert (d.line, d.column, d.end_column) == (5, 20, 25)  # 政府 网站: the space is inside the span


@pytest.mark.parametrize("options, error", [
    ("  pattern: '" + "a" * 501 + "'", "过长"),
    ("  pattern: '(unclosed'", "不是有效的正则表达式"),
    ("  pattern: a\n  mode: sometimes", "mode"),
    ("  pattern: a\n  section: 7", "section"),
    ("  pattern: a\n  exceptions: ['" + "b" * 501 + "']", "过长"),
])
def test_pattern_rejects_bad_options(tmp_path, options, error):
    with pytest.raises(RuleError, match=error):
        pattern_rule(tmp_path, options)


def test_pattern_timeout_becomes_a_rule_timeout_not_a_hang(tmp_path):
    pytest.importorskip("regex")
    rule = pattern_rule(tmp_path, "  pattern: '(a|aa)+c'\n  timeout: 0.2")
    text = REPORT.replace("咨询电话 12345。", "咨询电话 " + "a" * 60 + "b。")
    got = [d for d in run_rules(parse_text(text, "t.txt"), RuleSet([rule], KINDS, [], []))
           if d.code == "GK903"]
    assert got and "超过" in got[0].message


def test_pattern_required_under_a_subsection_and_per_paragraph(tmp_path):
    seed = (HERE / "reports" / "seeds" / "004_c12fc4cb6f2af7bf.txt").read_text(encoding="utf-8")
    # under 总体情况's （二）依申请公开 sub-heading (line 19) the text says 收到依申请公开 1 件
    rule = pattern_rule(tmp_path, "  pattern: 收到\n  mode: required\n  section: 1\n  subsection: 依申请")
    assert run(rule, seed) == []
    rule = pattern_rule(tmp_path, "  pattern: 复议\n  mode: required\n  section: 1\n  subsection: 平台建设")
    assert [(d.line, d.column) for d in run(rule, seed)] == [(27, 1)]
    # each paragraph of 五 must name a problem or a measure: both of seed 004's do
    rule = pattern_rule(tmp_path, "  pattern: 不足|改进\n  mode: required\n  section: 5\n  unit: paragraph")
    assert run(rule, seed) == []
    rule = pattern_rule(tmp_path, "  pattern: 不足\n  mode: required\n  section: 5\n  unit: paragraph")
    assert [d.line for d in run(rule, seed)] == [94]
