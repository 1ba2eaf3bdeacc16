"""The rule test harness: data-driven pass/fail cases, shipped so that provincial packs can reuse it.

A case file ``<CODE>.yaml``::

    rule: GK203
    cases:
      - name: fail_short_rows            # named; pytest ids are GK203-fail_short_rows
        file: seeds/002_def60ea53eab62a5.txt   # relative to the fixtures folder, or
        text: |                          # an inline report
          ...
        edits:                           # optional textual edits applied to the report first
          - {replace: "共收到依申请公开 1 件", with: "未收到政府信息公开申请"}
        expect:                          # exactly the rule's diagnostics: code, line, optional column/severity
          - {code: GK203, line: 71, column: 4}
        expect_message: "只有 6 个数值"   # optional substring every diagnostic's message must contain

A cross-year case (rules of kind ``corpus``) gives ``reports:``, a list of ``{name, file or text, edits}``
checked together, and may name the ``report`` of each expected diagnostic.

``expect: []`` is a passing case. Only the case file's rule runs (plus parse problems, which are ignored).
Rule documentation examples are executed too (``example_cases``): in each rule's ``examples``, ``good`` is
text found in the pack's ``examples/base.txt`` (or ``examples.base``) and ``bad`` replaces it; the good report
must give no diagnostic of the rule and the bad one at least one. Rules of kind ``internal`` (the codes gklint's
stages emit) have no runnable examples: their tests are in gklint's own suite.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .api import parse_text
from .diagnostics import Diagnostic
from .rules.engine import RuleSet, load_ruleset, run_rules
from .rules.loader import Rule


@dataclass
class Case:
    id: str
    rule: str
    text: str
    expect: list[dict[str, Any]] | None
    expect_message: str | None = None
    at_least_one: bool = False
    source: str = ""
    reports: tuple[tuple[str, str], ...] = ()   # (name, text) of each report of a cross-year case

    def run(self, ruleset: RuleSet) -> list[Diagnostic]:
        rs = ruleset.select([self.rule])
        if self.reports:
            from .review.crossyear import run_corpus_rules
            from .review.facts import report_facts

            facts = [report_facts(p, p.source) for p in (parse_text(t, path=n) for n, t in self.reports)]
            return [d for d in run_corpus_rules(facts, rs) if d.code == self.rule]
        parsed = parse_text(self.text, path="case.txt")
        return [d for d in run_rules(parsed, rs) if d.code == self.rule]

    def check(self, ruleset: RuleSet) -> None:
        diags = self.run(ruleset)
        got = sorted((d.code, d.line, d.column, d.severity.value) for d in diags)
        shown = "\n".join(f"  {d.line}:{d.column} {d.severity.value} {d.code} {d.message}" for d in diags) or "  （无）"
        if self.at_least_one:
            assert diags, f"{self.id}: expected {self.rule} to fire, got nothing"
        elif self.expect is not None:
            want = self.expect
            assert len(got) == len(want), f"{self.id}: expected {len(want)} diagnostic(s), got {len(got)}:\n{shown}"
            remaining = list(diags)
            for w in want:
                match = next((d for d in remaining if d.code == w.get("code", self.rule) and d.line == w["line"]
                              and ("report" not in w or d.path == w["report"])
                              and ("column" not in w or d.column == w["column"])
                              and ("severity" not in w or d.severity.value == w["severity"])), None)
                assert match is not None, f"{self.id}: no diagnostic matching {w}; got:\n{shown}"
                remaining.remove(match)
        if self.expect_message:
            for d in diags:
                assert self.expect_message in d.message, f"{self.id}: message {d.message!r} lacks {self.expect_message!r}"


def _apply_edits(text: str, edits: list[dict[str, str]], where: str) -> str:
    for e in edits or []:
        old, new = e["replace"], e.get("with", "")
        if old not in text:
            raise ValueError(f"{where}: edit target not found: {old!r}")
        text = text.replace(old, new, 1 if e.get("count", 1) == 1 else -1)
    return text


def load_cases(case_dir: str | Path, fixtures: str | Path) -> list[Case]:
    out: list[Case] = []
    for f in sorted(Path(case_dir).glob("*.yaml")):
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        rule = data["rule"]
        for c in data["cases"]:
            where = f"{f.name}:{c['name']}"
            if "reports" in c:   # a cross-year case: several reports, each a file or text with edits
                reports = tuple((r.get("name", f"{i}.txt"), _apply_edits(
                    (Path(fixtures) / r["file"]).read_text(encoding="utf-8") if "file" in r else r["text"],
                    r.get("edits", []), where)) for i, r in enumerate(c["reports"], 1))
                out.append(Case(f"{rule}-{c['name']}", rule, "", c.get("expect"), c.get("expect_message"),
                                source=where, reports=reports))
                continue
            if "file" in c:
                text = (Path(fixtures) / c["file"]).read_text(encoding="utf-8")
            else:
                text = c["text"]
            text = _apply_edits(text, c.get("edits", []), where)
            out.append(Case(f"{rule}-{c['name']}", rule, text, c.get("expect"), c.get("expect_message"),
                            source=where))
    return out


def example_cases(ruleset: RuleSet | None = None) -> list[Case]:
    """Each rule's documented good/bad examples as runnable cases."""
    ruleset = ruleset or load_ruleset()
    out: list[Case] = []
    for r in ruleset.rules:
        if r.kind in ("internal", "corpus"):
            continue  # gklint's own codes, and cross-year rules (several reports: `reports:` cases): their
            # examples describe files and situations, not text edits
        base_name = r.examples.get("base", "examples/base.txt")
        base_path = Path(r.path).parent / base_name
        base = base_path.read_text(encoding="utf-8")
        good, bad = r.examples["good"], r.examples["bad"]
        if good not in base:
            out.append(Case(f"{r.code}-example-invalid", r.code, "", None, source=r.path))
            continue
        out.append(Case(f"{r.code}-example-good", r.code, base, [], source=r.path))
        out.append(Case(f"{r.code}-example-bad", r.code, base.replace(good, bad, 1), None, at_least_one=True,
                        source=r.path))
    return out


def rule_has_cases(rule: Rule, cases: list[Case]) -> tuple[bool, bool]:
    """(has a failing case, has a passing case) among the data cases of a rule."""
    mine = [c for c in cases if c.rule == rule.code]
    return any(c.expect for c in mine), any(c.expect == [] for c in mine)
