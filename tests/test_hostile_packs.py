"""Hostile rule packs (issue 8, item 4): each is refused at load with GK902 naming the file, line and limit, or
stopped at run time with GK903, in bounded time and memory.

The memory bound is measured in a child process (``test_hostile_packs_in_bounded_memory``): every case below
is loaded there under an address-space limit, and the child's peak RSS is checked.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from gklint.api import parse_text
from gklint.rules.engine import load_ruleset, run_rules

RULE = """code: XX101
name: my-rule
summary: s
severity: warning
kind: {kind}
message: m
messages: {{problems: m}}
rationale: r
examples: {{good: a, bad: b}}
"""

LAUGHS = "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 10))
LAUGHS = "l0: &l0 [lol]\n" + LAUGHS


def rule(kind: str = "pattern", options: str = "", extra: str = "") -> str:
    text = RULE.format(kind=kind) + extra
    return text + ("options:\n" + textwrap.indent(options, "  ") if options else "")


def _ids(n: int, prefix: str = "r") -> str:
    return "[" + ", ".join(f"{prefix}{i}" for i in range(n)) + "]"


# (id, rule file text, words the GK902 message must contain, line it must point at (None: any))
CASES = [
    ("regex-expansion-10", rule(options="pattern: '(?:(?:a{1000}){1000}){10}'"), ["展开", "上限 10000"], 11),
    ("regex-expansion-50", rule(options="pattern: '(?:(?:a{1000}){1000}){50}'"), ["展开", "上限"], 11),
    ("regex-expansion-exceptions", rule(options="pattern: a\nexceptions: ['(?:x{200}){200}']"), ["exceptions", "上限"], 12),
    ("regex-expansion-subsection", rule(options="pattern: a\nsubsection: '(?:(?:b{100}){100})'"), ["subsection"], 12),
    ("regex-too-long", rule(options="pattern: '" + "a" * 600 + "'"), ["过长", "上限 500"], 11),
    ("regex-keywords-group", rule("section_keywords", "groups: {problems: '(?:(?:a{1000}){1000}){10}'}"),
     ["groups", "上限"], 11),
    ("regex-aspects", rule("overall_aspects", "aspects: {主动公开: '(?:a{5000}){5000}'}", "messages: {government: g}\n"),
     ["aspects", "上限"], None),
    ("regex-prior-year-words", rule("prior_year_followup", "words: '(?:(?:a{1000}){1000}){10}'"), ["words", "上限"], 11),
    ("regex-page-chrome", rule("page_chrome", "front: ['(?:(?:a{1000}){1000}){10}']"), ["front", "上限"], 11),
    ("laughs-references", LAUGHS + rule(extra="references: *l9\n", options="pattern: a"), ["别名", "*l0"], 2),
    ("laughs-tags", LAUGHS + rule(extra="tags: *l9\n", options="pattern: a"), ["别名"], None),
    ("alias-anywhere", rule(options="pattern: a").replace("examples:", "tags: &t [a, b]\naliases: *t\nexamples:"),
     ["别名"], None),
    ("laughs-foreach", rule("equation", "expr: t3[$r][total] >= 0\nforeach: {r: *l9}").replace("code:", LAUGHS + "code:"),
     ["别名"], None),
    ("laughs-message", LAUGHS + rule(options="pattern: a").replace("message: m", "message: *l9"), ["别名"], None),
    ("foreach-three-2000", rule("equation", f"expr: t3[$a][$b] >= $c\nforeach: {{a: {_ids(2000)}, b: {_ids(2000)}, c: {_ids(2000)}}}"),
     ["过长", "500 项的上限"], 12),
    ("foreach-product", rule("equation", f"expr: t3[$a][$b] >= 0\nforeach: {{a: {_ids(400)}, b: {_ids(400)}, c: {_ids(400)}}}"),
     ["foreach", "组合过多", "上限 10000"], 12),
    ("list-too-long", rule(options="pattern: a", extra=f"references: {_ids(1000)}\n"), ["过长"], None),
    ("nesting-too-deep", rule(options="pattern: a", extra="references: " + "[" * 200 + "]" * 200 + "\n"), ["嵌套过深"], None),
    ("file-too-large", rule(options="pattern: a", extra="rationale2: " + "长" * 100_000 + "\n"), ["文件过大", "256 KB"], 1),
]


def load_case(tmp_path: Path, text: str, name: str = "XX101.yaml", meta: str = "name: test\nprefix: XX\n"):
    d = tmp_path / "pack"
    d.mkdir(exist_ok=True)
    (d / "pack.yaml").write_text(meta, encoding="utf-8")
    (d / name).write_text(text, encoding="utf-8")
    return load_ruleset([d]), d


@pytest.mark.parametrize("case_id, text, words, line", CASES, ids=[c[0] for c in CASES])
def test_hostile_pack_is_refused_with_gk902(tmp_path, case_id, text, words, line):
    t = time.process_time()
    rs, d = load_case(tmp_path, text)
    elapsed = time.process_time() - t
    errs = [e for e in rs.errors if str(d) in e.path]
    assert errs, f"{case_id}: accepted"
    assert "XX101" not in rs.by_code()
    e = errs[0]
    assert e.path.endswith("XX101.yaml"), e.path
    assert all(w in e.message for w in words), e.message
    if line is not None:
        assert e.line == line, (e.line, e.message)
    assert elapsed < 2.0, f"{case_id}: {elapsed:.1f} s to refuse"


def test_hostile_pack_yaml_bomb_in_pack_yaml(tmp_path):
    rs, d = load_case(tmp_path, rule(options="pattern: a"), meta=LAUGHS + "name: *l9\nprefix: XX\n")
    errs = [e for e in rs.errors if e.path.endswith("pack.yaml")]
    assert errs and "别名" in errs[0].message


def test_hostile_pack_too_many_files(tmp_path, monkeypatch):
    from gklint.rules import loader

    monkeypatch.setattr(loader, "MAX_RULES", 20)   # the same check, without writing 2,000 files
    d = tmp_path / "pack"
    d.mkdir()
    (d / "pack.yaml").write_text("name: test\nprefix: XX\n", encoding="utf-8")
    for i in range(25):
        (d / f"XX{i:03d}.yaml").write_text(rule(options="pattern: a").replace("XX101", f"XX{i:03d}"), encoding="utf-8")
    rs = load_ruleset([d])
    assert any("规则文件过多" in e.message and "上限" in e.message for e in rs.errors)
    assert not [r for r in rs.rules if r.code.startswith("XX")]


REPORT = """某县商务局2023年政府信息公开工作年度报告

一、总体情况

（一）{head}

本年度，我局主动公开政府信息20条。

六、其他需要报告的事项

本年度未收取信息处理费。
"""


@pytest.mark.parametrize("options", [
    "pattern: 信息\nsubsection: '(a|a)+$'\ntimeout: 0.3",
    "pattern: '(a|a)+$'\ntimeout: 0.3",
    "pattern: 信息\nexceptions: ['(a|aa)+c']\ntimeout: 0.3",
])
def test_catastrophic_regex_stops_with_gk903_in_bounded_time(tmp_path, options):
    rs, d = load_case(tmp_path, rule(options=options))
    assert not [e for e in rs.errors if str(d) in e.path]
    text = REPORT.format(head="a" * 30 + "情况").replace("主动公开政府信息20条。", "主动公开政府信息20条。" + "a" * 60 + "!")
    t = time.process_time()      # CPU time: a busy CI machine does not make it fail
    diags = run_rules(parse_text(text, "t.txt"), rs.select(["XX101"]))
    elapsed = time.process_time() - t
    assert [d.code for d in diags if d.code == "GK903"], [(d.code, d.message) for d in diags]
    assert elapsed < 2.0


def test_national_pack_patterns_are_all_within_the_limits():
    rs = load_ruleset()
    assert rs.errors == []


CHILD = r"""
import json, resource, sys, time
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (1536 * 1024 * 1024, 1536 * 1024 * 1024))
from gklint.rules.engine import load_ruleset
out = {}
for d in sorted(Path(sys.argv[1]).iterdir()):
    t = time.process_time()
    rs = load_ruleset([d])
    out[d.name] = [time.process_time() - t, len([e for e in rs.errors if str(d) in e.path])]
out["maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps(out))
"""


def test_hostile_packs_in_bounded_memory(tmp_path):
    """All the cases in one child process under a 1.5 GB address-space limit: each refused; peak RSS small."""
    root = tmp_path / "packs"
    for case_id, text, _words, _line in CASES:
        d = root / case_id
        d.mkdir(parents=True)
        (d / "pack.yaml").write_text("name: test\nprefix: XX\n", encoding="utf-8")
        (d / "XX101.yaml").write_text(text, encoding="utf-8")
    r = subprocess.run([sys.executable, "-c", CHILD, str(root)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    got = json.loads(r.stdout)
    assert got.pop("maxrss_kb") < 400 * 1024, "more than 400 MB peak RSS"
    for name, (secs, n_errors) in got.items():
        assert n_errors >= 1, f"{name} accepted"
        assert secs < 2.0, f"{name}: {secs:.1f} s"
