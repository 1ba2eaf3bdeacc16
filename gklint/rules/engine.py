"""Stage 4: run a rule set over a parsed report.

Rules are grouped by check kind; each rule runs once per report over the shared model (no re-scanning of the
text per rule). A rule that raises becomes one GK901 diagnostic for that file; the other rules go on.
"""
from __future__ import annotations

import traceback
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Iterable

from ..model.build import Parsed
from .checks import Finding, Kind
from ..diagnostics import Diagnostic, Severity, Span
from ..model import Report
from .loader import Pack, Rule, RuleError, load_pack, render_message


class Resolver:
    """Cell lookup for the expression language, over one report's aligned tables."""

    def __init__(self, report: Report) -> None:
        self.report = report

    def cell(self, table: str, row: str, col: str):
        return self.report.cell(table, row, col)

    def rows(self, table: str) -> list[str]:
        t = self.report.tables.get(table)
        return [r.id for r in t.rows] if t else []

    def cols(self, table: str) -> list[str]:
        t = self.report.tables.get(table)
        return t.col_ids if t else []


@dataclass
class Context:
    """What a check kind sees besides the rule and the report."""

    report: Report
    settings: dict = field(default_factory=dict)

    @cached_property
    def resolver(self) -> Resolver:
        return Resolver(self.report)


@dataclass
class RuleSet:
    rules: list[Rule]
    kinds: dict[str, Kind]
    packs: list[Pack]
    errors: list[RuleError]

    def by_code(self) -> dict[str, Rule]:
        return {r.code: r for r in self.rules}

    def select(self, select: Iterable[str] | None = None, ignore: Iterable[str] | None = None) -> "RuleSet":
        """Keep rules matching any of ``select`` (codes, prefixes or names) and none of ``ignore``."""
        sel = [s.strip() for s in (select or []) if s.strip()]
        ign = [s.strip() for s in (ignore or []) if s.strip()]

        def hit(rule: Rule, pats: list[str]) -> bool:
            return any(rule.code.startswith(p) or p == rule.name or p in rule.aliases or p == "ALL" for p in pats)

        rules = [r for r in self.rules if (not sel or hit(r, sel)) and not hit(r, ign)]
        return RuleSet(rules, self.kinds, self.packs, self.errors)


def load_ruleset(extra_dirs: Iterable[Path] = (), extra_plugins: Iterable[object] = ()) -> RuleSet:
    """All rules: installed plugins (entry points), ``extra_plugins`` (modules with hook functions, e.g. a pack
    under test that is not installed) and ``extra_dirs`` (rule-pack folders given with ``--pack``)."""
    from ..plugins import get_plugin_manager

    pm, plugin_problems = get_plugin_manager()
    kinds: dict[str, Kind] = {}
    dirs: list[Path] = []
    for d in pm.hook.gklint_check_kinds():
        kinds.update(d or {})
    for ds in pm.hook.gklint_rule_dirs():
        dirs.extend(Path(x) for x in ds or [])
    for plugin in extra_plugins:
        if hasattr(plugin, "gklint_check_kinds"):
            kinds.update(plugin.gklint_check_kinds() or {})
        if hasattr(plugin, "gklint_rule_dirs"):
            dirs.extend(Path(x) for x in plugin.gklint_rule_dirs() or [])
    dirs.extend(Path(x) for x in extra_dirs)
    rules: list[Rule] = []
    packs: list[Pack] = []
    errors: list[RuleError] = [RuleError("<plugins>", 1, p) for p in plugin_problems]
    seen: dict[str, str] = {}
    for d in dirs:
        if not d.is_dir():
            errors.append(RuleError(str(d), 1, "规则包目录不存在"))
            continue
        pack, rs, errs = load_pack(d, kinds)
        packs.append(pack)
        errors.extend(errs)
        for r in rs:
            if r.code in seen:
                errors.append(RuleError(r.path, 1, f"规则代码 {r.code} 与 {seen[r.code]} 重复"))
                continue
            seen[r.code] = r.path
            rules.append(r)
    rules.sort(key=lambda r: r.code)
    return RuleSet(rules, kinds, packs, errors)


def _diagnostic(rule: Rule, f: Finding, path: str) -> Diagnostic:
    template = rule.messages.get(f.message, rule.message) if f.message else rule.message
    return Diagnostic.at(f.span or Span.point(1, 1), path=path, code=rule.code, name=rule.name,
                         message=render_message(template, f.params), severity=f.severity or rule.severity,
                         fix=f.fix)


def run_rules(parsed: Parsed, ruleset: RuleSet, settings: dict | None = None,
              severities: dict[str, str] | None = None) -> list[Diagnostic]:
    report = parsed.report
    ctx = Context(report, settings or {})
    out: list[Diagnostic] = list(parsed.problems)
    if not report.text.strip() and any(d.severity is Severity.ERROR for d in parsed.problems):
        return out
    if any(d.code == "GK006" for d in parsed.problems):
        return out  # legacy format: reported once, no current-format rules
    for rule in ruleset.rules:
        if not rule.applies_to(report.template):
            continue
        kind = ruleset.kinds.get(rule.kind)
        if kind is None:
            continue
        try:
            findings = list(kind.func(rule, report, ctx))
        except Exception as exc:  # noqa: BLE001 - a crashing rule must not stop the others
            tb = traceback.extract_tb(exc.__traceback__)[-1]
            out.append(Diagnostic.at(Span.point(1, 1), path=report.path, code="GK901", name="rule-crashed",
                                     severity=Severity.ERROR,
                                     message=f"规则 {rule.code}（{rule.name}）运行出错：{exc.__class__.__name__}: {exc}"
                                             f"（{Path(tb.filename).name}:{tb.lineno}），其他规则照常检查"))
            continue
        for f in findings:
            d = _diagnostic(rule, f, report.path)
            if severities and (rule.code in severities or rule.name in severities):
                d = replace(d, severity=Severity.parse(severities.get(rule.code) or severities[rule.name]))
            out.append(d)
    return out
