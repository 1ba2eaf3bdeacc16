"""The command line as users run it: exit codes, formats, stdin, selection, configuration."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPORTS
from conftest import gk  # noqa: E402

SEED = REPORTS / "seeds"
S002 = str(SEED / "002_def60ea53eab62a5.txt")
S004 = str(SEED / "004_c12fc4cb6f2af7bf.txt")


def test_clean_report_exits_0():
    p = gk("check", "--format", "concise", "--select", "GK1,GK2,GK3", S004)
    assert p.returncode == 0, p.stdout + p.stderr


def test_errors_exit_1_with_concise_lines():
    p = gk("check", "--format", "concise", "--select", "GK203", S002)
    assert p.returncode == 1
    lines = p.stdout.strip().splitlines()
    assert lines[0].startswith(f"{S002}:71:4: error GK203 ")
    assert len(lines) == 3


def test_exit_zero_flag():
    assert gk("check", "--format", "concise", "--exit-zero", S002).returncode == 0


def test_json_contract():
    p = gk("check", "--format", "json", "--select", "GK204", S002)
    data = json.loads(p.stdout)
    assert {(d["line"], d["column"], d["code"], d["severity"]) for d in data} == {(50, 13, "GK204", "warning"),
                                                                                 (70, 14, "GK204", "warning")}
    assert {"path", "line", "column", "end_line", "end_column", "severity", "code", "name", "message"} <= set(data[0])


def test_sarif_and_github_formats():
    sarif = json.loads(gk("check", "--format", "sarif", "--select", "GK203", S002).stdout)
    assert sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 71
    gh = gk("check", "--format", "github", "--select", "GK203", S002).stdout
    assert "::error file=" in gh and "line=71" in gh


def test_rich_format_has_excerpt_and_summary():
    out = gk("check", "--format", "rich", "--no-color", "--select", "GK107",
             str(SEED / "001_25e742924a94a485.txt")).stdout
    assert "一、总体情况" in out and "^" in out and "1 个警告" in out


def test_stdin_with_filename():
    text = Path(S002).read_text(encoding="utf-8")
    p = gk("check", "--format", "concise", "--select", "GK203", "--stdin-filename", "莱州.txt", "-", stdin=text)
    assert p.stdout.startswith("莱州.txt:71:4: error GK203")


def test_directory_is_searched(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.md").write_text(Path(S002).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "ignore.bin").write_bytes(b"\x00\x01")
    p = gk("check", "--format", "concise", "--select", "GK203", str(tmp_path))
    assert p.returncode == 1 and p.stdout.count("GK203") == 3


def test_select_and_ignore_by_name_and_prefix():
    p = gk("check", "--format", "concise", "--select", "GK2", "--ignore", "row-value-count", S002)
    assert "GK203" not in p.stdout and "GK204" in p.stdout
    assert gk("check", "--select", "NOPE999", S002).returncode == 2


def test_config_file_found_upwards(tmp_path):
    (tmp_path / ".gklint.toml").write_text('ignore = ["GK203"]\nseverity = {GK204 = "error"}\n', encoding="utf-8")
    (tmp_path / "reports").mkdir()
    f = tmp_path / "reports" / "r.txt"
    f.write_text(Path(S002).read_text(encoding="utf-8"), encoding="utf-8")
    out = gk("check", "--format", "concise", str(f)).stdout
    assert "GK203" not in out and ":50:13: error GK204" in out


def test_bad_config_exits_2(tmp_path):
    (tmp_path / ".gklint.toml").write_text('selekt = ["GK2"]\n', encoding="utf-8")
    f = tmp_path / "r.txt"
    f.write_text("x", encoding="utf-8")
    p = gk("check", str(f))
    assert p.returncode == 2 and "selekt" in p.stderr


def test_missing_file_is_a_diagnostic_not_a_traceback(tmp_path):
    p = gk("check", "--format", "concise", str(tmp_path / "nope.txt"), S004)
    assert "GK001" in p.stdout and "Traceback" not in p.stderr


def test_rules_and_explain():
    assert "GK301" in gk("rules").stdout
    out = gk("explain", "GK301").stdout
    assert "t3-row-total" in out and "错误示例" in out and "正确示例" in out
    assert gk("explain", "t3-balance").returncode == 0
    assert gk("explain", "GK999").returncode == 2


def test_parse_tree_and_json():
    tree = gk("parse", S004).stdout
    assert "第三部分  L52" in tree and "中卫市商务局" in tree
    data = json.loads(gk("parse", "--format", "json", S004).stdout)
    assert len(data["cells"]) == 200


def test_jobs_gives_same_result(tmp_path):
    for i in range(10):
        (tmp_path / f"r{i}.txt").write_text(Path(S002).read_text(encoding="utf-8"), encoding="utf-8")
    one = gk("check", "--format", "concise", "--select", "GK2", str(tmp_path)).stdout
    two = gk("check", "--format", "concise", "--select", "GK2", "--jobs", "2", str(tmp_path)).stdout
    assert one == two and one.count("GK203") == 30


def test_statistics_counts_per_rule():
    out = gk("check", "--statistics", "--select", "GK203,GK204", S002).stdout.splitlines()
    assert out[0].split()[:3] == ["3", "GK203", "error"] and out[1].split()[:3] == ["2", "GK204", "warning"]
