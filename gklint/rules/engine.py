"""Stage 4: run a rule set over a parsed report.

Rules are grouped by check kind; each rule runs once per report over the shared model (no re-scanning of the
text per rule). A rule that raises becomes one GK901 diagnostic for that file (GK903 when its regular
expressions ran out of time); the other rules go on.

Every code gklint emits is a documented rule (the reader, parser and engine codes GK0xx/GK9xx are rules of kind
``internal`` that never run), so ``select``/``ignore``/``severity`` apply to all diagnostics alike; a code no
rule documents (a third-party reader's) is always kept. At most ``max_findings`` diagnostics per code and file
are kept; the rest are counted in one GK019.
"""
from __future__ import annotations

import re
import traceback
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Iterable

from ..model.build import Parsed
from .checks import Finding, Kind
from ..diagnostics import Diagnostic, Severity, Span, new_diagnostic
from ..model import Report
from . import expr_batch
from .loader import Pack, Rule, RuleError, render_message
from .pack_cache import load_pack_cached
from ..packs import for_report        # (at the top: a relative import in a function costs ~3 K instructions a call)
from .saferegex import RegexTimeout

DEFAULT_MAX_FINDINGS = 100       # per rule (code) and file; 0 = no cap


class _Cells:
    """``(row, col) → cell`` of one table (``get`` only), by place in its layout: what ``Table.cell_index`` maps,
    without the index (see expr_batch.rows_layout)."""

    __slots__ = ("places", "cells")

    def __init__(self, places: dict, cells: list) -> None:
        self.places, self.cells = places, cells

    def get(self, key: tuple[str, str], default=None):
        place = self.places.get(key)
        return default if place is None else self.cells[place]


class Resolver:
    """Cell lookup for the expression language, over one report's aligned tables."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.memo: dict = {}    # what the expression evaluator derives from rows()/cols(), once per report
        self._ids: dict[tuple[str, str], tuple[str, ...]] = {}    # (table, "rows"/"cols") → ids, once per report
        self._cells: dict[str, _Cells] = {}
        self._layouts: dict[str, tuple] = {}

    def table_cells(self, table: str) -> _Cells:
        """(row, col) → cell of one table, as the table's index (Table.cell_index) maps them (``get`` only): by
        place in its layout (the batch evaluation reads a table's cells through it)."""
        cells = self._cells.get(table)
        if cells is None:
            layout, by_place, _values = self.table_layout(table)
            cells = self._cells[table] = _Cells(layout.places, by_place)
        return cells

    def table_layout(self, table: str) -> tuple:
        """What expr_batch.rows_layout gives of the table's rows (its layout, cells and values in that order),
        once per report: the batch evaluation reads a table's cells and values by place through it."""
        hit = self._layouts.get(table)
        if hit is None:
            t = self.report.tables.get(table)
            hit = self._layouts[table] = expr_batch.rows_layout(t.rows if t is not None else ())
        return hit

    def lookup(self, key: tuple[str, str, str]):
        return self.table_cells(key[0]).get(key[1:])

    def cell(self, table: str, row: str, col: str):
        return self.table_cells(table).get((row, col))

    def listing(self, table: str, what: str) -> tuple[str, ...]:
        """The table's row ids (``what`` "rows") or column ids ("cols") in template order, once per report (the
        expression evaluator and the relation rules' foreach read them)."""
        ids = self._ids.get((table, what))
        if ids is None:
            t = self.report.tables.get(table)
            ids = self._ids[table, what] = () if t is None else (
                tuple([r.id for r in t.rows]) if what == "rows" else self._cols(table, t))
        return ids

    def _cols(self, table: str, t) -> tuple[str, ...]:
        """``t.col_ids``: its layout's (kept per layout, and the batch reads need the layout anyway) when the index
        holds every cell of the table (no row id or column of a row twice: the index is then every cell in
        order), else worked out in one pass."""
        layout, cells, _values = self.table_layout(table)
        if len(cells) - 1 == sum([len(r.cells) for r in t.rows]):      # (cells: the index's, then ABSENT)
            return layout.cols
        return tuple(dict.fromkeys([c.col for r in t.rows for c in r.cells]))

    def _listing(self, table: str, what: str) -> list[str]:
        return list(self.listing(table, what))

    def rows(self, table: str) -> list[str]:
        return self._listing(table, "rows")

    def cols(self, table: str) -> list[str]:
        return self._listing(table, "cols")


@dataclass
class Context:
    """What a check kind sees besides the rule and the report."""

    report: Report
    settings: dict = field(default_factory=dict)
    rules: tuple[Rule, ...] = ()    # every loaded rule (select/ignore aside): kinds that combine other rules
    evaluations: dict = field(default_factory=dict)   # (expression, binding) → result, once per report

    @cached_property
    def resolver(self) -> Resolver:
        return Resolver(self.report)

    def evaluate(self, expr, binding: dict):
        """``expr`` (compiled) under ``binding`` on this report, evaluated once however many kinds ask
        (the equation rules and the culprit check read the same relations)."""
        key = (id(expr), tuple(sorted(binding.items())))   # the entry keeps expr alive, so its id stays its own
        hit = self.evaluations.get(key)
        if hit is None:
            hit = self.evaluations[key] = (expr, expr.evaluate(self.resolver, binding))
        return hit[1]


@dataclass
class RuleSet:
    """The loaded rules (after select/ignore), the check kinds, the packs and their load errors."""

    rules: list[Rule]
    kinds: dict[str, Kind]
    packs: list[Pack]
    errors: list[RuleError]
    known: tuple[Rule, ...] = ()      # every loaded rule, before select/ignore
    ignored: frozenset[str] = frozenset()   # codes of known rules that `ignore` matched

    def runnable(self, template: str | None) -> list[tuple[Rule, object]]:
        """(rule, its kind's check function) for every rule that runs on a report of ``template``, in order:
        worked out once per rule set and template, not per report."""
        cache = self.__dict__.setdefault("_runnable", {})
        hit = cache.get(template)
        if hit is None:
            hit = cache[template] = [(r, k.func) for r in self.rules
                                     if r.kind != "internal" and r.applies_to(template)
                                     and (k := self.kinds.get(r.kind)) is not None]
        return hit

    def by_code(self) -> dict[str, Rule]:
        return {r.code: r for r in self.rules}

    @cached_property
    def selected_codes(self) -> frozenset[str]:
        return frozenset(r.code for r in self.rules)

    @cached_property
    def known_codes(self) -> frozenset[str]:
        return frozenset(r.code for r in (self.known or self.rules))

    @cached_property
    def always_codes(self) -> frozenset[str]:
        return frozenset(r.code for r in (self.known or self.rules) if r.kind == "internal" and r.opt("always"))

    def keeps(self, code: str) -> bool:
        """Whether a diagnostic with this code is reported under the current select/ignore: a selected code;
        a code no rule documents; or an ``always`` internal code (a file or a selected rule that could not be
        checked at all: GK001, GK017, GK901 …) that ``ignore`` does not name."""
        return (code in self.selected_codes or code not in self.known_codes
                or (code in self.always_codes and code not in self.ignored))

    def unknown(self, items: Iterable[str], *, prefixes: bool = True) -> list[str]:
        """The selectors among ``items`` that name no rule: not a code, a name, an alias, ``ALL`` or (when
        ``prefixes``) a prefix of a code. ``GK6O5`` or ``GK2O4`` (a letter O) is not a prefix of anything."""
        rules = self.known or tuple(self.rules)
        names = {r.name for r in rules} | {a for r in rules for a in r.aliases}
        codes = {r.code for r in rules}
        bad = []
        for item in items:
            s = item.strip()
            if not s or s in codes or s in names or s == "ALL":
                continue
            if prefixes and re.fullmatch(r"[A-Z]{2,4}\d{0,2}", s) and any(c.startswith(s) for c in codes):
                continue
            bad.append(s)
        return bad

    def select(self, select: Iterable[str] | None = None, ignore: Iterable[str] | None = None) -> "RuleSet":
        """Keep rules matching any of ``select`` (codes, prefixes or names) and none of ``ignore``."""
        sel = [s.strip() for s in (select or []) if s.strip()]
        ign = [s.strip() for s in (ignore or []) if s.strip()]

        def hit(rule: Rule, pats: list[str]) -> bool:
            return any(rule.code.startswith(p) or p == rule.name or p in rule.aliases or p == "ALL" for p in pats)

        rules = [r for r in self.rules if (not sel or hit(r, sel)) and not hit(r, ign)]
        known = self.known or tuple(self.rules)
        ignored = self.ignored | {r.code for r in known if hit(r, ign)}
        return RuleSet(rules, self.kinds, self.packs, self.errors, known, frozenset(ignored))


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
        pack, rs, errs = load_pack_cached(d, kinds)     # kept as JSON in the user cache
        packs.append(pack)
        errors.extend(errs)
        for r in rs:
            if r.code in seen:
                errors.append(RuleError(r.path, 1, f"规则代码 {r.code} 与 {seen[r.code]} 重复"))
                continue
            seen[r.code] = r.path
            rules.append(r)
    from ..packs import vet_ruleset   # pack.yaml: requires-gklint, extends, templates, applies-to, overrides

    packs, rules, more = vet_ruleset(packs, rules, kinds, extra_plugins, extra_dirs)
    errors.extend(more)
    rules.sort(key=lambda r: r.code)
    ruleset = RuleSet(rules, kinds, packs, errors, tuple(rules))
    from ..startup import resume_gc

    resume_gc()       # when the CLI paused the collector for the start-up: freeze what is loaded, collect again
    return ruleset


_NOWHERE = Span.point(1, 1)     # where a finding without a span is reported


def _diagnostic(rule: Rule, f: Finding, path: str) -> Diagnostic:
    """The finding as ``Diagnostic.at`` makes it, built directly (one per finding)."""
    template = rule.messages.get(f.message, rule.message) if f.message else rule.message
    span = f.span or _NOWHERE
    return new_diagnostic(path, span.line, span.column, span.end_line, span.end_column, f.severity or rule.severity,
                          rule.code, rule.name, render_message(template, f.params), f.fix, {})


def run_rules(parsed: Parsed, ruleset: RuleSet, settings: dict | None = None,
              severities: dict[str, str] | None = None, max_findings: int | None = None) -> list[Diagnostic]:
    """The rules' findings and the read/parse problems, under the rule set's select/ignore, ``severities``
    (code or name → severity, for every code) and the cap of ``max_findings`` per code (None: the default)."""
    report = parsed.report
    # the packs enabled for this report and their overrides
    ruleset, severities, conflicts = for_report(ruleset, report, severities)
    ctx = Context(report, settings or {}, tuple(ruleset.known or ruleset.rules))
    out: list[Diagnostic] = list(parsed.problems) + conflicts
    if not (not report.text.strip() and any(d.severity is Severity.ERROR for d in parsed.problems)) \
            and not any(d.code == "GK006" for d in parsed.problems):  # legacy format: reported once, no rules
        out.extend(_run(report, ruleset, ctx))
    return finish(out, ruleset, severities, DEFAULT_MAX_FINDINGS if max_findings is None else max_findings)


def _run(report: Report, ruleset: RuleSet, ctx: Context):
    for rule, check in ruleset.runnable(report.template):
        try:
            findings = list(check(rule, report, ctx))
        except RegexTimeout as exc:
            yield Diagnostic.at(Span.point(1, 1), path=report.path, code="GK903", name="rule-timeout",
                                severity=Severity.WARNING,
                                message=f"规则 {rule.code}（{rule.name}）在本文件上停止：{exc}；其他规则照常检查")
            continue
        except Exception as exc:  # noqa: BLE001 - a crashing rule must not stop the others
            tb = traceback.extract_tb(exc.__traceback__)[-1]
            yield Diagnostic.at(Span.point(1, 1), path=report.path, code="GK901", name="rule-crashed",
                                severity=Severity.ERROR,
                                message=f"规则 {rule.code}（{rule.name}）运行出错：{exc.__class__.__name__}: {exc}"
                                        f"（{Path(tb.filename).name}:{tb.lineno}），其他规则照常检查")
            continue
        for f in findings:
            yield _diagnostic(rule, f, report.path)


def finish(diags: Iterable[Diagnostic], ruleset: RuleSet, severities: dict[str, str] | None = None,
           max_findings: int = DEFAULT_MAX_FINDINGS) -> list[Diagnostic]:
    """Select/ignore, severity overrides and the per-code cap, for every diagnostic of one file."""
    out: list[Diagnostic] = []
    counts: dict[str, int] = {}
    names: dict[str, str] = {}
    for d in diags:
        if not ruleset.keeps(d.code):
            continue
        if severities:
            sev = severities.get(d.code) or severities.get(d.name)
            if sev:
                d = replace(d, severity=Severity.parse(sev))
        counts[d.code] = counts.get(d.code, 0) + 1
        names[d.code] = d.name
        if max_findings and counts[d.code] > max_findings:
            continue
        out.append(d)
    if max_findings:
        path = out[0].path if out else ""
        for code, n in counts.items():
            if n > max_findings and ruleset.keeps("GK019"):
                d = Diagnostic.at(Span.point(1, 1), path=path, code="GK019", name="findings-capped",
                                  severity=Severity.INFO,
                                  message=f"规则 {code}（{names[code]}）在本文件共有 {n} 条问题，只列出前 {max_findings} 条，"
                                          f"其余 {n - max_findings} 条未列出（--max-findings-per-rule 可调整上限）")
                sev = severities and (severities.get("GK019") or severities.get("findings-capped"))
                out.append(replace(d, severity=Severity.parse(sev)) if sev else d)
    return out
