"""Pack lifecycle commands: `gklint packs`, `gklint test-pack DIR`, `gklint config [PATH]`, `gklint new-pack NAME`,
`gklint kinds [NAME]`."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click


def _config_for(path: Path | None, config_path: str | None = None, no_config: bool = False):
    from .config import Config, ConfigError, find_config, load_config_file

    try:
        cfg_file = Path(config_path) if config_path else (None if no_config else find_config(path or Path.cwd()))
        return load_config_file(cfg_file) if cfg_file else Config()
    except ConfigError as exc:
        click.echo(f"gklint: 配置错误：{exc}", err=True)
        sys.exit(2)


def _pack_of_error(err, packs) -> str:
    for p in packs:
        if str(err.path).startswith(str(p.path)):
            return p.name
    return Path(err.path).parent.name if err.path != "<plugins>" else "<插件>"


@click.command("packs")
@click.option("--pack", "packs", multiple=True, type=click.Path(file_okay=False), help="额外的规则包目录")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def packs_cmd(packs, fmt):
    """列出已安装和已配置的规则包：名称、前缀、版本、来源、规则数，以及加载失败的规则包和原因。"""
    from .rules.engine import load_ruleset

    cfg = _config_for(None)
    rs = load_ruleset([*cfg.packs, *(Path(p) for p in packs)])
    counts: dict[str, int] = {}
    for r in rs.known or rs.rules:
        counts[r.pack] = counts.get(r.pack, 0) + 1
    rows = [{"name": p.name, "prefix": p.prefix, "version": p.version, "source": p.source, "path": str(p.path),
             "rules": counts.get(p.name, 0), "description": p.description}
            for p in sorted(rs.packs, key=lambda p: (p.source != "gklint 内置", p.name))]
    failed = [{"pack": _pack_of_error(e, rs.packs), "file": e.path, "line": e.line, "why": e.message} for e in rs.errors]
    if fmt == "json":
        click.echo(json.dumps({"packs": rows, "failed": failed}, ensure_ascii=False, indent=1))
    else:
        for r in rows:
            click.echo(f"{r['name']:<16} {r['prefix']:<4} {r['version']:<10} {r['rules']:>4} 条规则  {r['source']}")
        if failed:
            click.echo("\n加载失败：")
            for f in failed:
                click.echo(f"  {f['pack']}: {f['file']}:{f['line']}: {f['why']}")
    sys.exit(2 if failed else 0)


# ---------------------------------------------------------------------------------------------------------
# test-pack
# ---------------------------------------------------------------------------------------------------------


def find_pack_dir(directory: Path) -> Path | None:
    """The pack folder: DIR itself when it has pack.yaml, else the one pack.yaml below it (not under tests/)."""
    if (directory / "pack.yaml").is_file():
        return directory
    found = [p.parent for p in sorted(directory.rglob("pack.yaml"))
             if not any(part.startswith(".") or part in ("tests", "build", "dist") for part in p.relative_to(directory).parts[:-1])]
    return found[0] if len(found) == 1 else None


def pack_ruleset(pack_dir: Path):
    """gklint's rules with the pack under test loaded from ``pack_dir`` (an installed copy of the same pack is
    replaced by it). Python check kinds come only from installed distributions: a pack whose kinds are not
    installed fails with 未知的检查类型 (install it with ``pip install -e``)."""
    from .rules.engine import RuleSet, load_ruleset
    from .rules.loader import load_pack
    from .packs import vet_ruleset

    base = load_ruleset()
    pack, rules, errors = load_pack(pack_dir, base.kinds)
    others = [r for r in (base.known or base.rules) if r.pack != pack.name]
    packs = [p for p in base.packs if p.name != pack.name] + [pack]
    packs, all_rules, more = vet_ruleset(packs, others + rules, base.kinds, extra_dirs=[pack_dir])
    all_rules.sort(key=lambda r: r.code)
    errs = [e for e in base.errors if _pack_of_error(e, base.packs) != pack.name] + errors + more
    return pack, RuleSet(all_rules, base.kinds, packs, errs, tuple(all_rules))


def run_pack_tests(directory: Path) -> tuple[list[str], int, int]:
    """(report lines, passed, failed) for the pack in ``directory``."""
    from .testing import example_cases, load_cases, rule_has_cases

    out: list[str] = []
    pack_dir = find_pack_dir(directory)
    if pack_dir is None:
        return [f"FAIL  {directory}: 没有找到唯一的 pack.yaml"], 0, 1
    pack, rs = pack_ruleset(pack_dir)
    out.append(f"规则包 {pack.name}（前缀 {pack.prefix}，版本 {pack.version}）：{pack_dir}")
    failed = passed = 0
    own_errors = [e for e in rs.errors if str(e.path).startswith(str(pack_dir))]
    for e in own_errors:
        hint = "（检查类型由已安装的 Python 插件提供：先 pip install -e 本规则包；test-pack 不从目录导入 Python 代码）" \
            if "未知的检查类型" in e.message else ""
        out.append(f"FAIL  加载 {e.path}:{e.line}: {e.message}{hint}")
        failed += 1
    mine = rs.select([pack.prefix]) if any(r.pack == pack.name for r in rs.rules) else None
    if mine is None:
        out.append("FAIL  规则包没有加载任何规则")
        return out, passed, failed + 1
    mine = type(mine)([r for r in mine.rules if r.pack == pack.name], mine.kinds, mine.packs, mine.errors,
                      mine.known, mine.ignored)
    case_dirs = [d for d in (directory / "tests" / "cases", pack_dir / "tests" / "cases", pack_dir / "cases",
                             pack_dir.parent.parent.parent / "tests" / "cases") if d.is_dir()]
    cases = []
    if case_dirs:
        try:
            cases = load_cases(case_dirs[0], pack_dir / "examples")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            out.append(f"FAIL  用例文件 {case_dirs[0]}: {exc.__class__.__name__}: {exc}")
            failed += 1
    examples = example_cases(mine)
    loaded = {r.code for r in rs.rules}
    for case in cases + examples:
        if case.rule not in loaded:
            failed += 1
            out.append(f"FAIL  {case.id}（{case.source}）：规则 {case.rule} 没有加载（见上）")
            continue
        try:
            case.check(rs)
        except AssertionError as exc:
            failed += 1
            out.append(f"FAIL  {case.id}（{case.source}）\n" + "\n".join("      " + l for l in str(exc).splitlines()))
        except Exception as exc:  # noqa: BLE001 - a broken case is a failure, not a crash
            failed += 1
            out.append(f"FAIL  {case.id}（{case.source}）: {exc.__class__.__name__}: {exc}")
        else:
            passed += 1
            out.append(f"ok    {case.id}")
    for r in mine.rules:
        has_fail, has_pass = rule_has_cases(r, cases)
        if not (has_fail and has_pass):
            out.append(f"note  {r.code} 没有{'失败' if not has_fail else '通过'}用例（tests/cases/{r.code}.yaml）")
    return out, passed, failed


@click.command("test-pack")
@click.argument("directory", type=click.Path(file_okay=False, exists=True))
def test_pack_cmd(directory):
    """运行规则包的数据用例（tests/cases/*.yaml）和每条规则文档中的示例。退出码：0 全部通过；1 有失败。"""
    lines, passed, failed = run_pack_tests(Path(directory))
    for line in lines:
        click.echo(line)
    click.echo(f"\n{passed} 通过，{failed} 失败")
    sys.exit(1 if failed else 0)


# ---------------------------------------------------------------------------------------------------------
# config
# ---------------------------------------------------------------------------------------------------------


def resolved(path: Path | None, config_path: str | None = None, no_config: bool = False, extra=()) -> dict:
    """The settings in force for ``path`` (a report, or a folder), and where each came from."""
    from .packs import policies_of, report_effective
    from .rules.engine import load_ruleset

    cfg = _config_for(path, config_path, no_config)
    where = str(cfg.path) if cfg.path else None
    rs = load_ruleset([*cfg.packs, *(Path(p) for p in extra)])
    sel = rs.select(cfg.select, cfg.ignore)
    data: dict = {"path": str(path) if path else None, "config": where, "report": None, "packs": [],
                  "rules": {"loaded": len(rs.rules), "selected": len(sel.rules)},
                  "select": [{"value": s, "from": where} for s in cfg.select],
                  "off": [], "severity": [], "options": [],
                  "errors": [str(e) for e in rs.errors]}
    for s in cfg.ignore:
        data["off"].append({"rule": s, "from": f"{where} ignore"})
    eff = None
    is_file = path is not None and path.is_file()
    if is_file:
        from .api import parse_file
        from .rules.checks.content import report_year

        report = parse_file(str(path)).report
        data["report"] = {"agency": report.agency, "year": report_year(report), "template": report.template}
        eff = report_effective(rs, report)
        enabled = {pol.name: why for pol, why in eff.enabled}
        disabled = {pol.name: why for pol, why in eff.disabled}
    for pol in policies_of(rs):
        p = pol.pack
        row = {"name": p.name, "prefix": p.prefix, "version": p.version, "source": p.source}
        if eff is not None:
            row["enabled"] = p.name in enabled
            row["why"] = enabled.get(p.name) or disabled.get(p.name, "")
        data["packs"].append(row)
    if eff is not None:
        for code, pack in eff.off.items():
            data["off"].append({"rule": code, "from": f"规则包 {pack}（pack.yaml overrides.disable）"})
        for code, (opts, pack) in eff.options.items():
            data["options"].append({"rule": code, "options": opts, "from": f"规则包 {pack}（pack.yaml overrides）"})
        data["conflicts"] = list(eff.conflicts)
    defaults = {r.code: r.severity.value for r in (rs.known or rs.rules)}
    names = {r.name: r.code for r in (rs.known or rs.rules)}
    sev: dict[str, dict] = {}
    if eff is not None:
        for code, (s, pack) in eff.severity.items():
            sev[code] = {"rule": code, "default": defaults.get(code), "severity": s,
                         "from": f"规则包 {pack}（pack.yaml overrides.severity）"}
    for key, s in cfg.severity.items():
        code = names.get(key, key)
        sev[code] = {"rule": code, "default": defaults.get(code), "severity": s, "from": f"{where} severity"}
    matched = set(cfg.ignored_for(str(path))) if path is not None else None
    for pattern, codes in cfg.per_file_ignores.items():
        for c in codes:
            if matched is None or c in matched:
                data["off"].append({"rule": c, "from": f"{where} per-file-ignores[{pattern!r}]"})
    from .overrides import matching

    for b in cfg.overrides:
        applies = path is not None and b in matching([b], str(path), cfg.path.parent if cfg.path else None)
        if not applies and path is not None:
            continue
        scope = "" if applies else "（仅对匹配的文件）"
        for c in b.ignore:
            data["off"].append({"rule": c, "from": b.label + scope})
        for key, s in b.severity.items():
            code = names.get(key, key)
            sev[code] = {"rule": code, "default": defaults.get(code), "severity": s, "from": b.label + scope}
    data["severity"] = sorted(sev.values(), key=lambda x: x["rule"])
    return data


def config_text(d: dict) -> str:
    out = [f"路径：{d['path'] or '（当前目录）'}", f"配置文件：{d['config'] or '无（使用默认设置）'}"]
    if d["report"]:
        r = d["report"]
        out.append(f"报告：机关 {r['agency'] or '未识别'}，年度 {r['year'] or '未识别'}，模板 {r['template'] or '未识别'}")
    out.append("\n规则包：")
    for p in d["packs"]:
        state = "" if "enabled" not in p else (" 启用" if p["enabled"] else " 未启用") + f"：{p['why']}"
        out.append(f"  {p['name']:<14} {p['prefix']:<4} {p['version']:<10} {p['source']}{state}")
    out.append(f"\n规则：已加载 {d['rules']['loaded']} 条，选中 {d['rules']['selected']} 条"
               + (f"（select：{', '.join(s['value'] for s in d['select'])}，来自 {d['config']}）" if d["select"] else ""))
    if d["off"]:
        out.append("\n关闭的规则：")
        out += [f"  {o['rule']:<8} 来自 {o['from']}" for o in d["off"]]
    if d["severity"]:
        out.append("\n级别调整：")
        out += [f"  {s['rule']:<8} {s['default'] or '?'} → {s['severity']}  来自 {s['from']}" for s in d["severity"]]
    if d["options"]:
        out.append("\n选项调整：")
        out += [f"  {o['rule']:<8} {json.dumps(o['options'], ensure_ascii=False)}  来自 {o['from']}" for o in d["options"]]
    for c in d.get("conflicts") or []:
        out.append(f"\n冲突（GK910）：{c}")
    for e in d["errors"]:
        out.append(f"\n规则包错误：{e}")
    return "\n".join(out)


@click.command("config")
@click.argument("path", required=False, type=click.Path(exists=True))
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="配置文件（默认向上查找）")
@click.option("--no-config", is_flag=True, help="不读取任何配置文件")
@click.option("--pack", "packs", multiple=True, type=click.Path(file_okay=False), help="额外的规则包目录")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def config_cmd(path, config_path, no_config, packs, fmt):
    """显示对一个文件（或目录）生效的设置：配置文件、规则包（是否启用及原因）、选中的规则、级别和选项，以及各自的来源。"""
    d = resolved(Path(path) if path else None, config_path, no_config, packs)
    click.echo(json.dumps(d, ensure_ascii=False, indent=1) if fmt == "json" else config_text(d))


# ---------------------------------------------------------------------------------------------------------
# new-pack
# ---------------------------------------------------------------------------------------------------------


@click.command("new-pack")
@click.argument("name")
@click.option("--prefix", required=True, help="规则代码前缀：2 到 4 个大写字母（如 WW、SD）")
@click.option("--dir", "parent", type=click.Path(file_okay=False), default=".", show_default=True,
              help="在此目录下创建 gklint-pack-NAME/")
def new_pack_cmd(name, prefix, parent):
    """创建一个可直接编辑的规则包骨架：pyproject（入口点）、pack.yaml、一条示例规则、示例报告和用例。"""
    from .packs_skeleton import create

    try:
        root = create(name, prefix, Path(parent))
    except ValueError as exc:
        click.echo(f"gklint: {exc}", err=True)
        sys.exit(2)
    click.echo(f"已创建 {root}\n下一步：编辑 {root}/src/*/rules/*.yaml，然后 gklint test-pack {root}；"
               f"发布：python -m build {root}（或 pip install {root}）")


# ---------------------------------------------------------------------------------------------------------
# kinds
# ---------------------------------------------------------------------------------------------------------


def _type_name(t) -> str:
    if isinstance(t, tuple):
        return " or ".join(_type_name(x) for x in t)
    return {str: "string", int: "int", bool: "bool", float: "number", list: "list", dict: "mapping"}.get(t, t.__name__)


def kinds_markdown(kinds: dict) -> str:
    """Every check kind with its options, from the code (the option schemas and docstrings)."""
    out = []
    for name, k in sorted(kinds.items()):
        doc = " ".join(k.doc.split("\n\n")[0].split())
        out.append(f"### `{name}`\n\n{doc}\n")
        if k.options:
            out.append("| option | type | default | meaning |\n|---|---|---|---|")
            for o, spec in k.options.items():
                default = "（必填）" if spec.required else json.dumps(spec.default, ensure_ascii=False)
                default = default if len(default) <= 40 else default[:37] + "…"
                out.append(f"| `{o}` | {_type_name(spec.type)} | `{default.replace('|', chr(92) + '|')}` | "
                           f"{' '.join(spec.doc.split()).replace('|', chr(92) + '|')} |")
            out.append("")
    return "\n".join(out)


@click.command("kinds")
@click.argument("name", required=False)
def kinds_cmd(name):
    """列出所有检查类型（kind）及其选项：类型、默认值、含义（来自代码，包括已安装插件的检查类型）。"""
    from .rules.engine import load_ruleset

    kinds = load_ruleset().kinds
    if name is not None:
        if name not in kinds:
            click.echo(f"gklint: 没有检查类型 {name!r}（可用：{', '.join(sorted(kinds))}）", err=True)
            sys.exit(2)
        kinds = {name: kinds[name]}
    click.echo(kinds_markdown(kinds))

