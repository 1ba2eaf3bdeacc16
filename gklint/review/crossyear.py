"""Cross-year checks (GK52x): rules over several reports of one agency, run after every file of a run is
linted, on the small ``Facts`` of each report (never the parsed reports).

A cross-year rule is a rule file of kind ``corpus`` whose ``check`` option names a corpus check; checks are
plugins (hook ``gklint_corpus_checks``: name → function), so a province adds its own exactly like gklint's
built-ins (``gklint.builtin``). A check is called once per agency as ``check(rule, reports, ctx)`` with the
agency's reports sorted by year (then input order) and yields ``CorpusFinding``s. ``reports`` is a read-only
sequence of ``Facts`` (``gklint.review.group``) that unpacks each report as it is asked for: a check keeps no
more of them than it needs, and its ``years`` gives their years without unpacking. Reports without a resolved
agency or year take no part. Select/ignore/severity overrides apply as to every other code.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import field
from typing import Any, Callable, Iterable, Sequence

from ..diagnostics import Diagnostic, Severity
from ..records import mutable
from ..rules.checks import Opt, kind
from .agency import AgencyMap
from .facts import Facts, Place
from .group import Group
from .store import Packed


@mutable
class CorpusFinding:
    """A cross-year check's finding about one report, before it becomes a Diagnostic."""

    report: Facts                 # the report the finding is about (the later year's): its path and year are read
    place: Place
    params: dict[str, Any] = field(default_factory=dict)
    message: str | None = None    # key into the rule's `messages`
    extra: dict[str, Any] = field(default_factory=dict)

    def __init__(self, report: Facts, place: Place, params: dict[str, Any] | None = None, message: str | None = None,
                 extra: dict[str, Any] | None = None) -> None:
        self.report, self.place, self.message = report, place, message
        self.params = {} if params is None else params
        self.extra = {} if extra is None else extra


@mutable
class CorpusContext:
    """What a cross-year check is given besides the group's reports: the agency and the run's agency map."""

    agency: str
    agencies: AgencyMap

    def __init__(self, agency: str, agencies: AgencyMap) -> None:
        self.agency, self.agencies = agency, agencies


CorpusCheck = Callable[..., Iterable[CorpusFinding]]


@kind("corpus", options={
    "check": Opt(str, None, required=True, doc="the corpus check that runs this rule (hook gklint_corpus_checks)"),
    "threshold": Opt(float, 0.6, doc="copied-narrative: share of identical sentences that is reported"),
    "min_sentences": Opt(int, 8, doc="copied-narrative: fewer counted sentences than this are not judged"),
    "show": Opt(int, 3, doc="how many examples the message quotes"),
})
def check_corpus(rule, report, ctx):
    """Never run per report: the rule runs over the reports of one agency after every file is linted."""
    return ()


def corpus_checks() -> dict[str, CorpusCheck]:
    """Every registered corpus check (built-ins and plugins), by name."""
    from ..plugins import get_plugin_manager

    pm, _problems = get_plugin_manager()
    out: dict[str, CorpusCheck] = {}
    for d in pm.hook.gklint_corpus_checks():
        out.update(d or {})
    return out


def group_by_agency(facts: Sequence, agencies: AgencyMap) -> dict[str, list[int]]:
    """Normalised agency → the positions in ``facts`` of its reports (with a year), sorted by year then input
    order. ``facts``: ``Facts``, ``Packed`` or None each, or a ``FactStore`` (read from its memory, not its file)."""
    who = getattr(facts, "who", None)
    pairs = who() if who is not None else ((None, None) if f is None else (f.agency, f.year) for f in facts)
    normal: dict = {}          # each agency as written → normalised, once
    groups: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for i, (agency, year) in enumerate(pairs):
        if agency is None or not year:
            continue
        a = normal.get(agency)
        if a is None:
            a = normal[agency] = agencies(agency) or ""
        if a:
            groups[a].append((year, i))
    return {a: [i for _y, i in sorted(rs)] for a, rs in groups.items()}


def run_corpus_rules(facts: list, ruleset, agencies: AgencyMap | None = None) -> list[Diagnostic]:
    """The cross-year findings of one run (before select/ignore/severity: the caller finishes them per file).
    ``facts``: a sequence of ``Facts``, ``gklint.review.store.Packed`` or None (a report without facts), such as
    a ``gklint.review.store.FactStore``; packed ones are unpacked as the checks walk each agency group."""
    from ..rules.loader import render_message

    agencies = agencies or AgencyMap()
    rules = [r for r in ruleset.rules if r.kind == "corpus"]
    if not rules or len(facts) < 2:
        return []
    checks = corpus_checks()
    out: list[Diagnostic] = []
    for agency, at in group_by_agency(facts, agencies).items():
        if len(at) < 2:
            continue
        reports = [u for u in (f.sound_one() if isinstance(f, Packed) else f for f in map(facts.__getitem__, at))
                   if u is not None]
        if len(reports) < 2:   # a report whose facts could not be had again
            continue
        reports = Group(reports)     # unpacked report by report as the checks ask (memory: a few at a time)
        ctx = CorpusContext(agency, agencies)
        for rule in rules:
            check = checks.get(rule.opt("check"))
            if check is None:
                out.append(Diagnostic.at(None, path=reports[0].path, code="GK901", name="rule-crashed",
                                         message=f"规则 {rule.code}（{rule.name}）的 check “{rule.opt('check')}”没有注册"))
                continue
            try:
                for f in check(rule, reports, ctx):
                    template = rule.messages.get(f.message, rule.message) if f.message else rule.message
                    p = f.place
                    out.append(Diagnostic(f.report.path, p.line, p.column, p.end_line, p.end_column, rule.severity,
                                          rule.code, rule.name, render_message(template, f.params), None,
                                          {"agency": agency, "year": f.report.year, **f.extra}, p.page, p.location))
            except Exception as exc:  # noqa: BLE001 - a crashing rule must not stop the others
                out.append(Diagnostic.at(None, path=reports[0].path, code="GK901", name="rule-crashed",
                                         severity=Severity.ERROR,
                                         message=f"规则 {rule.code}（{rule.name}）运行出错：{exc.__class__.__name__}: {exc}，"
                                                 "其他规则照常检查"))
    return out
