"""The rules engine: strict rule loading, crash isolation, plugins, messages, positions end to end."""
from pathlib import Path

import pytest

from gklint.api import parse_file, parse_text
from gklint.rules.checks import Finding, kind
from gklint.rules.engine import load_ruleset, run_rules
from gklint.rules.loader import RuleError, load_pack, render_message

from conftest import REPORTS

GOOD = """code: XX101
name: my-rule
summary: s
severity: warning
kind: unique_heading
message: m
rationale: r
examples: {good: a, bad: b}
"""


def write_pack(tmp_path, text, name="XX101.yaml", prefix="XX"):
    d = tmp_path / "pack"
    d.mkdir(exist_ok=True)
    (d / "pack.yaml").write_text(f"name: test\nprefix: {prefix}\n", encoding="utf-8")
    (d / name).write_text(text, encoding="utf-8")
    return d


def errors_for(tmp_path, text, name="XX101.yaml"):
    rs = load_ruleset([write_pack(tmp_path, text, name)])
    return [e for e in rs.errors if "pack" in e.path]


def test_valid_pack_loads(tmp_path):
    rs = load_ruleset([write_pack(tmp_path, GOOD)])
    assert "XX101" in rs.by_code() and not [e for e in rs.errors if "pack" in e.path]


@pytest.mark.parametrize("mutation, line, words", [
    (GOOD + "colour: red\n", 9, "colour"),
    (GOOD.replace("severity: warning", "severity: fatal"), 4, "fatal"),
    (GOOD.replace("kind: unique_heading", "kind: nonsense"), 5, "nonsense"),
    (GOOD.replace("message: m", "message: [m]"), 6, "message"),
    (GOOD + "options: {sections: [1]}\n", 9, "sections"),
    (GOOD.replace("kind: unique_heading", "kind: equation") + "options:\n  expr: 't3[1][total] =='\n", 10, "expr"),
    (GOOD.replace("name: my-rule", "name: My Rule"), 2, "My Rule"),
    ("code: [\n", 2, "YAML"),
])
def test_bad_rule_is_an_error_naming_file_and_line(tmp_path, mutation, line, words):
    errs = errors_for(tmp_path, mutation)
    assert len(errs) == 1, errs
    assert errs[0].line == line and words in errs[0].message and errs[0].path.endswith("XX101.yaml")


def test_file_name_must_be_the_code(tmp_path):
    assert "XX102.yaml" in str(errors_for(tmp_path, GOOD, name="XX102.yaml")[0])


def test_yaml_is_loaded_safely(tmp_path):
    errs = errors_for(tmp_path, GOOD.replace("summary: s", "summary: !!python/object/apply:os.system ['echo hi']"))
    assert errs and "YAML" in errs[0].message


def test_messages_substitute_names_only():
    assert render_message("{a} 与 {b.__class__} {c}", {"a": 1, "b": "x"}) == "1 与 {b.__class__} {c}"


def test_crashing_rule_becomes_gk901_and_others_go_on(tmp_path):
    @kind("boom_for_test")
    def boom(rule, report, ctx):
        raise ZeroDivisionError("division by zero")
        yield  # pragma: no cover

    rs = load_ruleset([write_pack(tmp_path, GOOD.replace("kind: unique_heading", "kind: boom_for_test"))])
    parsed = parse_file(REPORTS / "seeds" / "001_25e742924a94a485.txt")
    diags = run_rules(parsed, rs.select(["XX101", "GK107"]))
    codes = [d.code for d in diags]
    assert "GK901" in codes and "GK107" in codes
    assert "XX101" in next(d.message for d in diags if d.code == "GK901")


def test_position_survives_every_stage():
    """A cell's line and column reach the diagnostic and the concise line (the python-hcl2 #291 lesson)."""
    text = (REPORTS / "seeds" / "004_c12fc4cb6f2af7bf.txt").read_text(encoding="utf-8")
    text = text.replace("(七) 总计\t1\t0\t0\t0\t0\t0\t1", "(七) 总计\t1\t0\t0\t0\t0\t0\t7")
    rs = load_ruleset().select(["GK301"])
    d = [d for d in run_rules(parse_text(text, "x.txt"), rs) if d.code == "GK301"]
    assert [(x.line, x.column, x.end_column) for x in d] == [(80, 20, 21)]
    assert "总计为 7" in d[0].message and "之和为 1" in d[0].message


def test_every_rule_is_documented():
    rs = load_ruleset()
    assert not rs.errors
    for r in rs.rules:
        assert r.summary and r.rationale.strip() and r.examples["good"] is not None and r.examples["bad"] is not None
        assert r.references, r.code


def test_rule_codes_are_in_their_ranges():
    ranges = {"1": "structure", "2": "tables", "3": "relations", "4": "content", "5": "consistency", "6": "typography"}
    for r in load_ruleset().rules:
        if r.code.startswith("GK"):
            # GK0xx (input, parsing) and GK9xx (engine, configuration) are gklint's own codes, kind internal
            assert r.code[2] in ranges or (r.code[2] in "09" and r.kind == "internal"), r.code


def test_explain_works_for_every_rule():
    from gklint.rules.explain import explain_text

    for r in load_ruleset().rules:
        text = explain_text(r)
        assert r.code in text and "## 为什么" in text and "## 错误示例" in text and "## 正确示例" in text


def test_resolver_finds_the_cells_report_cell_finds():
    """The expression resolver's per-report cell index answers exactly as Report.cell, known or not."""
    from gklint.rules.engine import Resolver

    for path in sorted((REPORTS / "seeds").glob("*.txt"))[:3]:
        report = parse_file(path).report
        resolver = Resolver(report)
        keys = {(tid, r.id, c.col) for tid, t in report.tables.items() for r in t.rows for c in r.cells}
        keys |= {("t3", "1", "nope"), ("t3", "9.9", "total"), ("t9", "1", "total")}
        assert keys
        for key in keys:
            assert resolver.cell(*key) is report.cell(*key)


def test_lazy_re_compiles_at_first_use_and_is_the_compiled_pattern_after():
    import re

    from gklint.rules.checks import lazy_re

    rx = lazy_re(r"(?P<n>\d+)件", re.I)
    assert "search" not in vars(rx) and rx.pattern == r"(?P<n>\d+)件"
    assert rx.search("共 12件").group("n") == "12"
    assert "search" in vars(rx) and rx.groupindex == {"n": 1}
    assert [m.group(0) for m in rx.finditer("1件2件")] == ["1件", "2件"] and rx.sub("N", "3件") == "N"
    with pytest.raises(AttributeError):
        rx.nonsense


def test_check_kinds_compile_no_pattern_at_import():
    import subprocess
    import sys

    import os

    from conftest import ROOT

    code = ("import gc, gklint.rules.checks as c; c.builtin_kinds(); "
            "lazy = [o for o in gc.get_objects() if isinstance(o, c.lazy_re)]; "
            "print(len(lazy), sum('search' in vars(o) for o in lazy), c.lazy_re.__module__)")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    total, compiled, module = out.stdout.split()
    assert int(total) > 50 and compiled == "0" and module == "gklint.rules.checks"


def test_runnable_rules_are_the_selected_non_internal_rules_of_the_template_in_order():
    rs = load_ruleset().select(None, ["GK6"])
    for template in ("2021", "2019", None):
        got = rs.runnable(template)
        want = [r for r in rs.rules if r.kind != "internal" and r.applies_to(template)]
        assert [r for r, _check in got] == want and want
        assert all(check is rs.kinds[r.kind].func for r, check in got)
        assert rs.runnable(template) is got                  # worked out once per template
    assert not any(r.code.startswith("GK6") for r, _ in rs.runnable("2021"))
