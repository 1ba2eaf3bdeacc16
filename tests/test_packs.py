"""Rule packs as provinces ship them (issue 11): pack.yaml policy, overrides where a pack is enabled, conflicts,
per-directory overrides in a project's configuration, the lifecycle commands, and plugin safety.

Installation is real where it matters: packs are pip-installed (``--no-deps --no-build-isolation --target``) and
``python -m gklint`` runs in a subprocess that sees them through their entry points, or does not.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from gklint.api import parse_file, parse_text
from gklint.cli import main
from gklint.rules.engine import load_ruleset, run_rules

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "reports" / "seeds"
WUWEI = ROOT / "plugins" / "gklint-pack-wuwei"
WUWEI_BASE = WUWEI / "src" / "gklint_pack_wuwei" / "rules" / "examples" / "base.txt"
WUWEI_REPORTS = WUWEI / "tests" / "reports"


def write_pack(folder: Path, pack_yaml: str, rules: dict[str, str] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pack.yaml").write_text(textwrap.dedent(pack_yaml), encoding="utf-8")
    for code, text in (rules or {}).items():
        (folder / f"{code}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def installed_like(folder: Path):
    """A plugin object as an entry point would give it (not a configured folder: applies-to decides)."""
    return SimpleNamespace(gklint_rule_dirs=lambda: [folder], __name__=f"plugin_{folder.name}")


def codes(path_or_text, rs, *, text=False) -> list[tuple[str, int, str]]:
    parsed = parse_text(path_or_text, path="r.txt") if text else parse_file(str(path_or_text))
    return [(d.code, d.line, d.severity.value) for d in run_rules(parsed, rs)]


# ---------------------------------------------------------------------------------------------------------
# Overrides, only where the pack is enabled
# ---------------------------------------------------------------------------------------------------------


# a provincial pack enabled for one city's agencies only, overriding two national rules there
GANSU = """
        name: gansu
        prefix: GS
        extends: [national]
        applies-to: {agency: [武威]}
        overrides:
          disable: [GK405]
          severity: {GK603: warning}
    """


def test_pack_overrides_apply_only_to_reports_of_its_jurisdiction(tmp_path):
    pack = write_pack(tmp_path / "gansu", GANSU)
    rs = load_ruleset(extra_plugins=[installed_like(pack)])
    assert not rs.errors
    seed = SEEDS / "004_c12fc4cb6f2af7bf.txt"                                        # 中卫: not enabled
    assert codes(seed, rs) == codes(seed, load_ruleset())
    assert ("GK603", 15, "info") in codes(seed, rs) and ("GK405", 90, "info") in codes(seed, rs)
    as_wuwei = seed.read_text(encoding="utf-8").replace("中卫", "武威")              # the same report, in 武威
    got = codes(as_wuwei, rs, text=True)
    assert ("GK603", 15, "warning") in got and not [c for c in got if c[0] == "GK405"]
    assert [c for c in got if c[0] not in ("GK603", "GK405")] == \
        [c for c in codes(as_wuwei, load_ruleset(), text=True) if c[0] not in ("GK603", "GK405")]


def test_a_configured_pack_folder_is_enabled_for_every_report(tmp_path):
    pack = write_pack(tmp_path / "mine", """
        name: mine
        prefix: MN
        extends: [national]
        overrides: {disable: [GK405]}
    """)
    rs = load_ruleset([pack])
    assert not [c for c in codes(SEEDS / "004_c12fc4cb6f2af7bf.txt", rs) if c[0] == "GK405"]


def test_option_override_and_jurisdiction_label_aliases(tmp_path):
    """莱州 (seed 002) writes 社会组织 for 社会公益组织; a 山东 pack accepts it there, not the typo 本年度止件数."""
    pack = write_pack(tmp_path / "shandong", """
        name: shandong
        prefix: SX
        extends: [national]
        applies-to: {agency: [莱州]}
        overrides:
          aliases: [社会组织]
    """)
    seed = SEEDS / "002_def60ea53eab62a5.txt"
    before = [c for c in codes(seed, load_ruleset()) if c[0] == "GK204"]
    after = [c for c in codes(seed, load_ruleset(extra_plugins=[installed_like(pack)])) if c[0] == "GK204"]
    assert before == [("GK204", 50, "warning"), ("GK204", 70, "warning")]
    assert after == [("GK204", 50, "warning")]


def test_two_packs_that_disagree_are_an_error_naming_both(tmp_path):
    a = write_pack(tmp_path / "a", """
        name: city-a
        prefix: CA
        extends: [national]
        overrides: {disable: [GK405]}
    """)
    b = write_pack(tmp_path / "b", """
        name: province-b
        prefix: PB
        extends: [national]
        overrides: {severity: {GK405: warning}}
    """)
    rs = load_ruleset([a, b])
    got = run_rules(parse_file(str(SEEDS / "004_c12fc4cb6f2af7bf.txt")), rs)
    conflict = [d for d in got if d.code == "GK910"]
    assert len(conflict) == 1 and conflict[0].severity.value == "error"
    assert "city-a" in conflict[0].message and "province-b" in conflict[0].message and "GK405" in conflict[0].message
    assert [(d.code, d.severity.value) for d in got if d.code == "GK405"] == [("GK405", "info")]  # neither applied
    # the same override twice is no conflict
    c = write_pack(tmp_path / "c", """
        name: city-c
        prefix: CC
        extends: [national]
        overrides: {disable: [GK405]}
    """)
    got = run_rules(parse_file(str(SEEDS / "004_c12fc4cb6f2af7bf.txt")), load_ruleset([a, c]))
    assert not [d for d in got if d.code in ("GK910", "GK405")]


@pytest.mark.parametrize("yaml_text, message", [
    ('requires-gklint: ">=99"', "要求 gklint >=99"),
    ('requires-gklint: "banana"', "不是有效的版本要求"),
    ("extends: [gansu]", "extends 的规则包 gansu 没有加载"),
    ("overrides: {disable: [GK999]}", "GK999 不存在"),
    ("overrides: {disable: [GK405]}", "不在 extends 中"),
    ("extends: [national]\noverrides: {options: {GK204: {tables: 3}}}", "类型不对"),
    ("extends: [national]\noverrides: {options: {GK204: {colour: red}}}", "没有选项 'colour'"),
    ("extends: [national]\noverrides: {severity: {GK204: fatal}}", "error|warning|info"),
    ("templates: {since: soon}", "应为年份"),
    ("homepage: x", "未知的键 homepage"),
])
def test_bad_pack_yaml_refuses_the_pack_with_a_message(tmp_path, yaml_text, message):
    pack = write_pack(tmp_path / "p", "name: p\nprefix: PP\n" + yaml_text + "\n", {"PP101": """
        code: PP101
        name: pp-rule
        summary: 示例
        severity: info
        kind: pattern
        options: {pattern: 不存在的词语, mode: forbidden}
        message: 示例
        rationale: 示例
        examples: {good: 我局, bad: 不存在的词语}
    """})
    rs = load_ruleset([pack])
    assert any(message in e.message for e in rs.errors), [e.message for e in rs.errors]
    assert "PP101" not in {r.code for r in rs.rules} and "p" not in {p.name for p in rs.packs}


def test_templates_bound_the_years_a_pack_applies_to(tmp_path):
    pack = write_pack(tmp_path / "y", """
        name: y
        prefix: YY
        extends: [national]
        templates: {since: 2024, until: 2024}
        overrides: {disable: [GK405]}
    """, )
    rs = load_ruleset([pack])
    seed_2023, seed_2024 = SEEDS / "004_c12fc4cb6f2af7bf.txt", SEEDS / "001_25e742924a94a485.txt"
    assert [c for c in codes(seed_2023, rs) if c[0] == "GK405"]
    assert ("GK405" in {c[0] for c in codes(seed_2024, load_ruleset())}
            and not [c for c in codes(seed_2024, rs) if c[0] == "GK405"])


# ---------------------------------------------------------------------------------------------------------
# A project's configuration: per-directory overrides, and `gklint config`
# ---------------------------------------------------------------------------------------------------------


def _project(tmp_path) -> Path:
    seed = (SEEDS / "000_c9328f5ee1a3fe62.txt").read_text(encoding="utf-8")   # GK401 error at line 96
    for d in ("archive", "current"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "r.txt").write_text(seed, encoding="utf-8")
    (tmp_path / ".gklint.toml").write_text(textwrap.dedent("""
        ignore = ["GK605"]

        [[overrides]]
        files = ["archive/*"]
        severity = { GK401 = "info" }
    """), encoding="utf-8")
    return tmp_path


def test_config_override_downgrades_a_rule_for_one_directory_only(tmp_path):
    proj = _project(tmp_path)
    res = CliRunner().invoke(main, ["check", str(proj), "--format", "json"])
    data = json.loads(res.stdout)
    items = data if isinstance(data, list) else data.get("diagnostics", data.get("results", []))
    gk401 = {(Path(d["path"]).parent.name, d["severity"]) for d in items if d["code"] == "GK401"}
    assert gk401 == {("archive", "info"), ("current", "error")}
    assert not [d for d in items if d["code"] == "GK605"]


def test_gklint_config_shows_the_override_and_where_it_came_from(tmp_path):
    proj = _project(tmp_path)
    res = CliRunner().invoke(main, ["config", str(proj / "archive" / "r.txt")])
    assert res.exit_code == 0, res.output
    assert f"配置文件：{proj / '.gklint.toml'}" in res.output
    assert "GK401    error → info  来自" in res.output and "overrides[0]（files = archive/*）" in res.output
    assert "GK605    来自" in res.output and "濮阳县商务局" in res.output
    res = CliRunner().invoke(main, ["config", str(proj / "current" / "r.txt"), "--format", "json"])
    d = json.loads(res.stdout)
    assert not [s for s in d["severity"] if s["rule"] == "GK401"]
    assert {p["name"]: p["enabled"] for p in d["packs"]}["national"] is True


def test_an_unknown_code_in_an_override_block_is_a_configuration_error(tmp_path):
    proj = _project(tmp_path)
    (proj / ".gklint.toml").write_text('[[overrides]]\nfiles = ["archive/*"]\nseverity = { GK4O1 = "info" }\n',
                                       encoding="utf-8")
    res = CliRunner().invoke(main, ["check", str(proj)])
    assert res.exit_code == 2 and "GK4O1" in res.output


# ---------------------------------------------------------------------------------------------------------
# Installed packs: pip, entry points, `gklint packs`, plugin safety
# ---------------------------------------------------------------------------------------------------------


def pip_install(project: Path, target: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                    "--no-index", "--target", str(target), str(project)], check=True, capture_output=True)


def gklint(*args, paths=(), cwd=None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([*map(str, paths), str(ROOT)])}
    return subprocess.run([sys.executable, "-m", "gklint", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=cwd or ROOT, timeout=120)


@pytest.fixture(scope="module")
def wuwei_installed(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("site")
    pip_install(WUWEI, target)
    return target


def test_installed_wuwei_pack_finds_2025_wuwei_reports_and_vanishes_when_uninstalled(wuwei_installed):
    files = [WUWEI_REPORTS / "wuwei_shangwu_2025_no_platform_counts.txt",
             WUWEI_REPORTS / "wuwei_shangwu_2025_valid_mismatch.txt"]
    res = gklint("check", *files, "--format", "concise", paths=[wuwei_installed])
    lines = [l for l in res.stdout.splitlines() if " WW" in l]
    assert sorted(l.split(": ", 1)[0].rsplit("/", 1)[-1] + " " + l.split()[2] for l in lines) == \
        ["wuwei_shangwu_2025_no_platform_counts.txt:13:1 WW201"] * 4 + ["wuwei_shangwu_2025_valid_mismatch.txt:23:63 WW302"]
    assert res.returncode == 1 and "政府网站" in res.stdout and "现行有效行政规范性文件 15 件" in res.stdout
    # the seeds (2022–2024, not 武威) and a 平潭 2025 report: none
    res = gklint("check", SEEDS, ROOT / "tests/reports/corpus/013_pingtan_zonghe_shiyanqu_2025.txt",
                 "--format", "concise", paths=[wuwei_installed])
    assert res.stdout and " WW" not in res.stdout
    # not installed: gone
    res = gklint("check", *files, "--format", "concise")
    assert res.stdout and " WW" not in res.stdout
    listed = gklint("packs", "--format", "json", paths=[wuwei_installed])
    row = next(p for p in json.loads(listed.stdout)["packs"] if p["name"] == "wuwei")
    assert (row["prefix"], row["version"], row["rules"]) == ("WW", "2025.1.0", 7)
    assert row["source"] == "已安装（入口点 gklint:wuwei）"
    assert "wuwei" not in gklint("packs").stdout


def test_test_pack_on_the_installed_wuwei_pack(wuwei_installed):
    res = gklint("test-pack", WUWEI, paths=[wuwei_installed])
    assert res.returncode == 0, res.stdout
    assert "32 通过，0 失败" in res.stdout
    res = gklint("test-pack", WUWEI)                 # kinds not installed: a clear failure, no import from DIR
    assert res.returncode == 1 and "未知的检查类型 'counted_items'" in res.stdout and "pip install -e" in res.stdout


def _fake_dist(where: Path, name: str, entry: str) -> Path:
    info = where / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[gklint]\n{name} = {entry}\n", encoding="utf-8")
    return where


def test_a_plugin_that_fails_to_import_is_a_diagnostic_naming_it(tmp_path):
    site = _fake_dist(tmp_path / "site", "brokenpack", "gklint_no_such_module_xyz")
    res = gklint("packs", paths=[site])
    assert res.returncode == 2 and "brokenpack" in res.stdout and "ModuleNotFoundError" in res.stdout
    assert "national" in res.stdout
    res = gklint("check", SEEDS / "000_c9328f5ee1a3fe62.txt", "--format", "concise", paths=[site])
    assert "GK902" in res.stdout and "brokenpack" in res.stdout and "GK401" in res.stdout   # the others go on
    assert res.returncode == 2


def test_plugin_code_is_never_imported_from_the_repository_being_linted(tmp_path):
    """An entry point naming a module that only exists in the checked repository (the current directory) does
    not load it: the module's code does not run."""
    site = _fake_dist(tmp_path / "site", "shadowpack", "gklint_shadow_pack")
    repo = tmp_path / "repo"
    repo.mkdir()
    marker = tmp_path / "ran"
    (repo / "gklint_shadow_pack.py").write_text(f"open({str(marker)!r}, 'w').write('pwned')\n", encoding="utf-8")
    (repo / "r.txt").write_text((SEEDS / "001_25e742924a94a485.txt").read_text(encoding="utf-8"), encoding="utf-8")
    res = gklint("check", "r.txt", "--format", "concise", paths=[site], cwd=repo)
    assert not marker.exists()
    assert "shadowpack" in res.stdout and "ModuleNotFoundError" in res.stdout
    # YAML packs from a configured path are data: they load (nothing in them is executed)
    write_pack(repo / "rules" / "local", """
        name: local
        prefix: LC
        extends: [national]
        overrides: {disable: [GK107]}
    """)
    (repo / ".gklint.toml").write_text('packs = ["rules/local"]\n', encoding="utf-8")
    res = gklint("check", "r.txt", "--format", "concise", cwd=repo)
    assert "GK107" not in res.stdout and "GK902" not in res.stdout


# ---------------------------------------------------------------------------------------------------------
# new-pack → edit → test-pack → pip install, from scratch
# ---------------------------------------------------------------------------------------------------------


def test_new_pack_edit_test_and_install(tmp_path):
    res = gklint("new-pack", "lanzhou", "--prefix", "LZ", "--dir", tmp_path)
    assert res.returncode == 0, res.stderr
    root = tmp_path / "gklint-pack-lanzhou"
    res = gklint("test-pack", root)
    assert res.returncode == 0 and "4 通过，0 失败" in res.stdout, res.stdout
    # edit: a second rule, with its cases; first with a wrong expected line (test-pack must fail), then fixed
    rules = root / "src" / "gklint_pack_lanzhou" / "rules"
    (rules / "LZ102.yaml").write_text(textwrap.dedent("""
        code: LZ102
        name: contact-phone
        summary: 第六部分写明联系电话
        severity: info
        kind: pattern
        scope: section
        options: {pattern: 电话, mode: required, section: 6}
        message: '{where}没有写明联系电话'
        rationale: 示例规则：兰州要求年报末尾写明联系电话。
        examples: {good: 电话（传真）：0955—7068880, bad: 传真：0955—7068880}
    """), encoding="utf-8")
    case = root / "tests" / "cases" / "LZ102.yaml"
    case.write_text(textwrap.dedent("""
        rule: LZ102
        cases:
          - {name: pass_base, file: base.txt, expect: []}
          - name: fail_no_phone
            file: base.txt
            edits: [{replace: 电话（传真）, with: 传真}]
            expect: [{code: LZ102, line: 1}]
    """), encoding="utf-8")
    res = gklint("test-pack", root)
    assert res.returncode == 1 and "FAIL  LZ102-fail_no_phone" in res.stdout
    case.write_text(case.read_text(encoding="utf-8").replace("line: 1}", "line: 96}"), encoding="utf-8")
    res = gklint("test-pack", root)
    assert res.returncode == 0 and "8 通过，0 失败" in res.stdout, res.stdout
    site = tmp_path / "site"
    pip_install(root, site)
    listed = json.loads(gklint("packs", "--format", "json", paths=[site]).stdout)
    row = next(p for p in listed["packs"] if p["name"] == "lanzhou")
    assert (row["prefix"], row["rules"], row["source"]) == ("LZ", 2, "已安装（入口点 gklint:lanzhou）")
    bad = tmp_path / "r.txt"
    bad.write_text((rules / "examples" / "base.txt").read_text(encoding="utf-8")
                   .replace("电话（传真）", "传真"), encoding="utf-8")
    res = gklint("check", bad, "--format", "concise", paths=[site])
    assert "r.txt:96:1: info LZ102" in res.stdout
    assert "LZ102" not in gklint("check", bad, "--format", "concise").stdout


def test_gklint_kinds_lists_every_kind_with_its_options_from_the_code():
    res = CliRunner().invoke(main, ["kinds"])
    assert res.exit_code == 0
    from gklint.rules.engine import load_ruleset as load

    for name, k in load().kinds.items():
        assert f"### `{name}`" in res.output
        for opt in k.options:
            assert f"| `{opt}` |" in res.output
    one = CliRunner().invoke(main, ["kinds", "pattern"])
    assert "| `subsection` | string |" in one.output and "### `equation`" not in one.output
    assert CliRunner().invoke(main, ["kinds", "nope"]).exit_code == 2


def test_requires_gklint_answers_as_packaging_does():
    """The quick ">=X.Y" path of requires-gklint gives PEP 440's answer (packaging is the reference)."""
    import itertools

    from packaging.specifiers import SpecifierSet

    from gklint.packs import requires_ok

    for spec, version in itertools.product([">=0.1", ">= 0.1.0", ">=0.2", ">=1", ">=0.0.9", ">=0.1.0.0", ">=0.1,<2",
                                            "~=0.1", "==0.1.*", "<0.1"],
                                           ["0.1.0", "0.1", "1.0", "0.0.9", "0.10.0", "2", "0.1.0rc1", "0.2.dev3"]):
        assert requires_ok(spec, version) == SpecifierSet(spec).contains(version, prereleases=True), (spec, version)
