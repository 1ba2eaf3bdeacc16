"""Pack metadata beyond name/prefix/version: what a pack needs, where it applies, and what it overrides.

``pack.yaml`` keys (all optional except ``name``/``prefix``)::

    requires-gklint: ">=0.1"          # a version specifier (PEP 440), checked at load: else the pack is refused
    extends: [national]                # packs whose rules this one builds on and may override
    templates:                         # which reports it applies to by year and template version
      since: 2025                      # first report year (inclusive); until: last year
      versions: ["2021"]
    applies-to:                        # when an *installed* pack is enabled for a report (see below)
      agency: [武威, 凉州区, 民勤县]      # words, one of which the title's agency must contain
    overrides:                         # for reports where this pack is enabled only
      disable: [GK507]                 # national rules switched off (not `off:`: YAML reads that as false)
      severity: {GK605: info}          # severity changed
      options: {GK204: {accepted: [社会组织]}}   # options changed (validated against the rule's kind)
      aliases: [社会组织]                # label variants accepted in this jurisdiction (label-deviation rules)

**Enabled.** A pack folder named in the project's configuration (``packs``) or with ``--pack`` is enabled for
every report it is used on; a pack from an installed distribution (entry point) is enabled for a report whose
title's agency contains one of its ``applies-to`` agency words (no ``applies-to``: every report). In both cases
``templates`` must also admit the report (a report whose year is unknown is outside a pack that has
``since``/``until``). The national pack has neither, so it is enabled for every report.

**Conflicts.** Two packs enabled for the same report that override the same rule differently (one switches it
off and the other changes it, or two different severities or option values) are an error, GK910, that names
both packs; neither override is applied to that rule.
"""
from __future__ import annotations

import re
from dataclasses import field, replace
from typing import Any, Iterable

from .records import frozen, mutable
from .rules.loader import Pack, Rule, RuleError

PACK_KEYS = {"name", "prefix", "version", "description", "requires-gklint", "extends", "templates", "applies-to",
             "overrides"}
OVERRIDE_KEYS = {"disable", "severity", "options", "aliases"}
SEVERITIES = ("error", "warning", "info")


@frozen
class Policy:
    """The parsed, validated metadata of one pack."""

    pack: Pack
    extends: tuple[str, ...] = ()
    since: int | None = None
    until: int | None = None
    versions: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    configured: bool = False          # from the project's configuration or --pack: enabled for every report
    disable: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)
    options: dict[str, dict] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()

    def __init__(self, pack: Pack, extends: tuple[str, ...] = (), since: int | None = None, until: int | None = None,
                 versions: tuple[str, ...] = (), agencies: tuple[str, ...] = (), configured: bool = False,
                 disable: tuple[str, ...] = (), severity: dict[str, str] | None = None,
                 options: dict[str, dict] | None = None, aliases: tuple[str, ...] = ()) -> None:
        _set = object.__setattr__       # (a frozen dataclass: gklint.records)
        _set(self, "pack", pack)
        _set(self, "extends", extends)
        _set(self, "since", since)
        _set(self, "until", until)
        _set(self, "versions", versions)
        _set(self, "agencies", agencies)
        _set(self, "configured", configured)
        _set(self, "disable", disable)
        _set(self, "severity", {} if severity is None else severity)     # (None: a new mapping, the default)
        _set(self, "options", {} if options is None else options)
        _set(self, "aliases", aliases)

    @property
    def name(self) -> str:
        return self.pack.name

    def admits(self, year: int | None, template: str | None) -> tuple[bool, str]:
        """Whether ``templates`` admits a report of this year and template version, and why not."""
        if (self.since is not None or self.until is not None) and year is None:
            return False, "报告年度无法识别"
        if self.since is not None and year < self.since:
            return False, f"规则包自 {self.since} 年度报告起适用（本报告为 {year} 年度）"
        if self.until is not None and year > self.until:
            return False, f"规则包适用到 {self.until} 年度报告（本报告为 {year} 年度）"
        if self.versions and template is not None and template not in self.versions:
            return False, f"规则包只适用于 {'、'.join(self.versions)} 版模板（本报告为 {template} 版）"
        return True, ""

    def enabled_for(self, agency: str | None, year: int | None, template: str | None) -> tuple[bool, str]:
        """(enabled, why): the reason is shown by ``gklint config``."""
        ok, why = self.admits(year, template)
        if not ok:
            return False, why
        if self.configured:
            return True, f"配置启用（{self.pack.source}）"
        if not self.agencies:
            return True, "适用于所有报告（没有 applies-to）"
        hit = next((a for a in self.agencies if agency and a in agency), None)
        if hit:
            return True, f"机关“{agency}”含“{hit}”（applies-to）"
        return False, f"机关“{agency or '未识别'}”不在适用范围（applies-to: {'、'.join(self.agencies)}）"


def _err(pack: Pack, message: str) -> RuleError:
    return RuleError(str(pack.path / "pack.yaml"), 1, message)


def _strs(value, key: str, pack: Pack) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, (str, int)) for v in value):
        return tuple(str(v) for v in value)
    raise _err(pack, f"{key} 应为字符串列表")


def _year(value, key: str, pack: Pack) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 2000 <= value <= 2100:
        return value
    raise _err(pack, f"templates.{key} 应为年份（如 2025）")


_RELEASE = r"\d+(?:\.\d+)*"                     # as text: compiled by re when a pack asks for a version
_AT_LEAST = r"\s*>=\s*(\d+(?:\.\d+)*)\s*"


def requires_ok(spec: str, version: str) -> bool:
    """Whether gklint ``version`` satisfies ``spec`` (PEP 440, e.g. ">=0.1,<2"); ValueError for a bad spec."""
    if (m := re.fullmatch(_AT_LEAST, spec)) and re.fullmatch(_RELEASE, version):
        # the usual ">=X.Y" against a plain release: PEP 440 compares the zero-padded numbers (and the start-up
        # need not import packaging, ~10 ms, for it)
        want, have = (tuple(map(int, v.split("."))) for v in (m.group(1), version))
        width = max(len(want), len(have))
        return have + (0,) * (width - len(have)) >= want + (0,) * (width - len(want))
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        return SpecifierSet(spec).contains(version, prereleases=True)
    except InvalidSpecifier:
        raise ValueError(spec) from None


def parse_policy(pack: Pack, configured: bool = False) -> Policy:
    """A pack's policy from its ``pack.yaml``; RuleError (GK902) for a bad key or value or an unmet
    ``requires-gklint``."""
    from . import __version__

    meta = pack.meta
    unknown = set(meta) - PACK_KEYS
    if unknown:
        raise _err(pack, f"pack.yaml 中未知的键 {', '.join(sorted(unknown))}（允许：{', '.join(sorted(PACK_KEYS))}）")
    req = meta.get("requires-gklint")
    if req is not None:
        try:
            ok = requires_ok(str(req), __version__)
        except ValueError:
            raise _err(pack, f"requires-gklint {req!r} 不是有效的版本要求（如 \">=0.1,<2\"）") from None
        if not ok:
            raise _err(pack, f"规则包 {pack.name} 要求 gklint {req}，当前为 {__version__}；规则包未加载")
    tpl = meta.get("templates") or {}
    if not isinstance(tpl, dict) or set(tpl) - {"since", "until", "versions"}:
        raise _err(pack, "templates 应为映射，键为 since、until、versions")
    applies = meta.get("applies-to") or {}
    if not isinstance(applies, dict) or set(applies) - {"agency"}:
        raise _err(pack, "applies-to 应为映射，键为 agency（机关名称中的词）")
    ov = meta.get("overrides") or {}
    if isinstance(ov, dict) and any(isinstance(k, bool) for k in ov):
        raise _err(pack, "overrides 中有布尔值的键：YAML 把 off/on/yes/no 读作布尔值；关闭规则请用 disable:")
    if not isinstance(ov, dict) or set(ov) - OVERRIDE_KEYS:
        raise _err(pack, f"overrides 应为映射，键为 {', '.join(sorted(OVERRIDE_KEYS))}")
    sev = ov.get("severity") or {}
    if not isinstance(sev, dict) or any(v not in SEVERITIES for v in sev.values()):
        raise _err(pack, "overrides.severity 应为 规则代码 → error|warning|info 的映射")
    opts = ov.get("options") or {}
    if not isinstance(opts, dict) or not all(isinstance(v, dict) for v in opts.values()):
        raise _err(pack, "overrides.options 应为 规则代码 → 选项映射 的映射")
    return Policy(pack, _strs(meta.get("extends", []), "extends", pack), _year(tpl.get("since"), "since", pack),
                  _year(tpl.get("until"), "until", pack), _strs(tpl.get("versions", []), "templates.versions", pack),
                  _strs(applies.get("agency", []), "applies-to.agency", pack), configured,
                  _strs(ov.get("disable", []), "overrides.disable", pack), {str(k): v for k, v in sev.items()},
                  {str(k): dict(v) for k, v in opts.items()}, _strs(ov.get("aliases", []), "overrides.aliases", pack))


def vet(packs: list[Pack], rules: list[Rule], kinds: dict, configured: Iterable[str] = ()) \
        -> tuple[list[Rule], list[Policy], list[RuleError]]:
    """Parse every pack's policy; drop the rules of packs that are refused (bad pack.yaml, unmet
    ``requires-gklint``, an ``extends`` pack that is not loaded); check that overrides name rules of the
    extended packs and that overridden options are valid for the rule's kind."""
    configured = set(configured)
    policies: list[Policy] = []
    errors: list[RuleError] = []
    refused: set[str] = set()
    for p in packs:
        try:
            policies.append(parse_policy(p, p.name in configured))
        except RuleError as exc:
            errors.append(exc)
            refused.add(p.name)
    names = {p.name for p in policies}
    by_code = {r.code: r for r in rules}
    good: list[Policy] = []
    for pol in policies:
        problems = [f"extends 的规则包 {e} 没有加载" for e in pol.extends if e not in names]
        targets = {*pol.disable, *pol.severity, *pol.options}
        for code in sorted(targets):
            rule = by_code.get(code)
            if rule is None:
                problems.append(f"overrides 中的规则 {code} 不存在")
            elif rule.pack != pol.name and rule.pack not in pol.extends:
                problems.append(f"overrides 中的规则 {code} 属于规则包 {rule.pack}，不在 extends 中")
            elif code in pol.options:
                problems.extend(_check_options(rule, pol.options[code], kinds))
        if problems:
            errors.extend(_err(pol.pack, f"规则包 {pol.name}：{x}；规则包未加载") for x in problems)
            refused.add(pol.name)
        else:
            good.append(pol)
    return [r for r in rules if r.pack not in refused], good, errors


def _check_options(rule: Rule, options: dict, kinds: dict) -> list[str]:
    kind = kinds.get(rule.kind)
    out = []
    for key, value in options.items():
        spec = kind.options.get(key) if kind else None
        if spec is None:
            out.append(f"规则 {rule.code} 的检查类型 {rule.kind} 没有选项 {key!r}")
        elif not isinstance(value, spec.type) or isinstance(value, bool) and spec.type is not bool:
            out.append(f"规则 {rule.code} 的选项 {key!r} 类型不对")
    if not out:
        validator = getattr(kind.func, "validate", None) if kind else None
        if validator is not None:
            try:
                validator(replace(rule, options={**rule.options, **options}))
            except ValueError as exc:
                out.append(f"规则 {rule.code} 的选项：{exc}")
    return out


@mutable
class Effective:
    """What the enabled packs change for one report."""

    enabled: list[tuple[Policy, str]]              # (policy, why)
    disabled: list[tuple[Policy, str]]
    off: dict[str, str] = field(default_factory=dict)          # code → pack
    severity: dict[str, tuple[str, str]] = field(default_factory=dict)   # code → (severity, pack)
    options: dict[str, tuple[dict, str]] = field(default_factory=dict)   # code → (options, pack)
    aliases: dict[str, str] = field(default_factory=dict)      # label → pack
    conflicts: list[str] = field(default_factory=list)

    def __init__(self, enabled: list[tuple[Policy, str]], disabled: list[tuple[Policy, str]],
                 off: dict[str, str] | None = None, severity: dict[str, tuple[str, str]] | None = None,
                 options: dict[str, tuple[dict, str]] | None = None, aliases: dict[str, str] | None = None,
                 conflicts: list[str] | None = None) -> None:
        # (a dataclass: gklint.records; None: a new empty one, the field's default)
        self.enabled = enabled
        self.disabled = disabled
        self.off = {} if off is None else off
        self.severity = {} if severity is None else severity
        self.options = {} if options is None else options
        self.aliases = {} if aliases is None else aliases
        self.conflicts = [] if conflicts is None else conflicts


def effective(policies: list[Policy], agency: str | None, year: int | None, template: str | None,
              kinds_of: dict[str, str]) -> Effective:
    """The packs enabled for a report and their combined overrides (``kinds_of``: rule code → kind)."""
    eff = Effective([], [])
    for pol in policies:
        ok, why = pol.enabled_for(agency, year, template)
        (eff.enabled if ok else eff.disabled).append((pol, why))
    claims: dict[str, list[tuple[str, Any, str]]] = {}
    for pol, _why in eff.enabled:
        for code in pol.disable:
            claims.setdefault(code, []).append(("off", True, pol.name))
        for code, sev in pol.severity.items():
            claims.setdefault(code, []).append(("severity", sev, pol.name))
        for code, opts in pol.options.items():
            claims.setdefault(code, []).append(("options", opts, pol.name))
        for label in pol.aliases:
            eff.aliases.setdefault(label, pol.name)
    for code, cs in claims.items():
        packs = list(dict.fromkeys(p for _k, _v, p in cs))
        if len(packs) > 1 and len({(k, repr(v)) for k, v, _p in cs}) > 1:
            eff.conflicts.append(f"规则包 {packs[0]} 与 {packs[1]} 对规则 {code} 的覆盖设置冲突"
                                 f"（{'；'.join(f'{p}: {k}={v}' for k, v, p in cs)}），两者的覆盖都未生效")
            continue
        for k, v, p in cs:
            if k == "off":
                eff.off[code] = p
            elif k == "severity":
                eff.severity[code] = (v, p)
            else:
                eff.options[code] = (v, p)
    if eff.aliases:
        for code, kind in kinds_of.items():
            if kind == "label_deviation" and code not in eff.off:
                base, p = eff.options.get(code, ({}, next(iter(eff.aliases.values()))))
                eff.options[code] = ({**base, "accepted": [*base.get("accepted", []), *eff.aliases]}, p)
    return eff


def enabled_packs(policies: list[Policy]) -> frozenset[str]:
    return frozenset(p.name for p in policies)


def apply(rules: list[Rule], eff: Effective, disabled_packs: Iterable[str]) -> list[Rule]:
    """The rules that run on a report: those of disabled packs and those switched off are dropped, options
    replaced."""
    out = []
    skip = set(disabled_packs)
    for r in rules:
        if r.pack in skip or r.code in eff.off:
            continue
        if r.code in eff.options:
            r = replace(r, options={**r.options, **eff.options[r.code][0]})
        out.append(r)
    return out


# ---------------------------------------------------------------------------------------------------------
# Engine hook-up (gklint.rules.engine calls these two)
# ---------------------------------------------------------------------------------------------------------


def _sources(extra_plugins, extra_dirs) -> dict[str, str]:
    """Resolved pack folder → where it came from."""
    from pathlib import Path

    from .plugins import get_plugin_manager

    out: dict[str, str] = {}

    def key(p) -> str:
        try:
            return str(Path(p).resolve())
        except (OSError, RuntimeError):
            return str(p)

    pm, _problems = get_plugin_manager()
    for impl in pm.hook.gklint_rule_dirs.get_hookimpls():
        try:
            dirs = impl.function() or []
        except Exception:  # noqa: BLE001 - the engine reports a failing hook itself
            continue
        dist = pm.get_plugin(impl.plugin_name)
        where = "gklint 内置" if impl.plugin_name == "national" and getattr(dist, "__name__", "") == "gklint.builtin" \
            else f"已安装（入口点 gklint:{impl.plugin_name}）"
        for d in dirs:
            out.setdefault(key(d), where)
    for plugin in extra_plugins:
        for d in (getattr(plugin, "gklint_rule_dirs", lambda: [])() or []):
            out.setdefault(key(d), f"模块 {getattr(plugin, '__name__', plugin)}（未安装，测试用）")
    for d in extra_dirs:
        out[key(d)] = f"配置的目录 {d}"
    return out


def vet_ruleset(packs: list[Pack], rules: list[Rule], kinds: dict, extra_plugins=(), extra_dirs=()) \
        -> tuple[list[Pack], list[Rule], list[RuleError]]:
    """At load: each pack's source recorded, its pack.yaml checked; refused packs and their rules dropped."""
    from pathlib import Path

    src = _sources(extra_plugins, extra_dirs)
    configured_paths = {str(Path(d).resolve()) for d in extra_dirs if Path(d).is_dir()}
    packs = [replace(p, source=src.get(str(p.path.resolve()), str(p.path))) for p in packs]
    configured = [p.name for p in packs if str(p.path.resolve()) in configured_paths]
    rules, policies, errors = vet(packs, rules, kinds, configured)
    kept = {pol.name for pol in policies}
    return [p for p in packs if p.name in kept], rules, errors


_POLICY_CACHE: dict[tuple, list[Policy]] = {}


def policies_of(ruleset) -> list[Policy]:
    """The parsed policies of a rule set's (vetted) packs."""
    key = tuple((p.name, str(p.path), p.source) for p in ruleset.packs)
    if key not in _POLICY_CACHE:
        out = []
        for p in ruleset.packs:
            try:
                out.append(parse_policy(p, p.source.startswith("配置")))
            except RuleError:
                continue   # reported at load
        _POLICY_CACHE[key] = out
    return _POLICY_CACHE[key]


def report_effective(ruleset, report) -> Effective:
    from .rules.checks.content import report_year

    kinds_of = {r.code: r.kind for r in (ruleset.known or ruleset.rules)}
    return effective(policies_of(ruleset), report.agency, report_year(report), report.template, kinds_of)


def for_report(ruleset, report, severities: dict | None):
    """(rule set, severities, GK910 diagnostics) for one report: the rules of packs not enabled for it are
    dropped, pack overrides applied; the project's own ``severity`` wins over a pack's."""
    # whether any pack has a policy, once per rule set (as RuleSet.runnable keeps its list): most runs have
    # none, and this is asked for every report
    plain = ruleset.__dict__.get("_no_policies")
    if plain is None:
        plain = ruleset.__dict__["_no_policies"] = not any(
            p.agencies or p.since or p.until or p.versions or p.disable or p.severity or p.options or p.aliases
            for p in policies_of(ruleset))
    if plain:
        return ruleset, severities, []
    from .diagnostics import Diagnostic, Severity, Span

    eff = report_effective(ruleset, report)
    rules = apply(ruleset.rules, eff, [pol.name for pol, _why in eff.disabled])
    sev = {code: s for code, (s, _p) in eff.severity.items()}
    sev.update(severities or {})
    diags = [Diagnostic.at(Span.point(1, 1), path=report.path, code="GK910", name="pack-conflict",
                           severity=Severity.ERROR, message=m) for m in eff.conflicts]
    return replace(ruleset, rules=rules, known=ruleset.known or tuple(ruleset.rules)), sev or severities, diags
