"""Baselines: written for the seeds, the next run exits 0; a planted defect still fails; moving a paragraph or
editing above a finding does not bring it back; fixed findings are stale; the ``baseline`` config key."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from conftest import gk, readme_blocks  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "reports" / "seeds"


def _repo(tmp_path: Path) -> Path:
    shutil.copytree(SEEDS, tmp_path / "reports")
    return tmp_path


def _commands(section: str) -> list[list[str]]:
    out = []
    for block in readme_blocks(section, "sh"):
        for line in block.splitlines():
            line = line.split("#")[0].strip()
            if line.startswith("gklint "):
                out.append(line.split()[1:])
    return out


def test_readme_baseline_commands(tmp_path):
    repo = _repo(tmp_path)
    write, use = [c for c in _commands("Suppressing findings") if "--write-baseline" in c or "--baseline" in c]
    assert gk(*use[:-2], "--format", "concise", cwd=repo).returncode == 1     # the seeds have errors
    w = gk(*write, cwd=repo)
    assert w.returncode == 0 and "基线已写入" in w.stderr
    data = json.loads((repo / ".gklint-baseline.json").read_text(encoding="utf-8"))
    assert data["gklint-baseline"] == 1 and all(e["path"].startswith("reports/") for e in data["findings"])
    run = gk(*use, "--format", "concise", cwd=repo)
    assert run.returncode == 0 and run.stdout == "" and "0 个新问题" in run.stderr
    # a planted new defect still fails
    seed = next((repo / "reports").glob("004_*.txt"))
    text = seed.read_text(encoding="utf-8")
    seed.write_text(text.replace("五、存在的主要问题及改进情况\n", ""), encoding="utf-8")   # a section lost
    run = gk(*use, "--format", "concise", cwd=repo)
    assert run.returncode == 1 and re.search(r"^reports/004_\S+:\d+:\d+: error GK103 缺少第五部分", run.stdout, re.M)


def test_moving_a_paragraph_or_editing_above_does_not_resurrect(tmp_path):
    repo = _repo(tmp_path)
    gk("check", "reports/", "--write-baseline", "base.json", cwd=repo)
    seed = next((repo / "reports").glob("000_*.txt"))
    lines = seed.read_text(encoding="utf-8").split("\n")
    # line 7 has GK605 ("and"); move that paragraph below the next one, and add two lines at the top
    para, nxt = lines[6], lines[8]
    lines[6], lines[8] = nxt, para
    seed.write_text("\n".join(["", "（内部审阅稿）"] + lines), encoding="utf-8")
    run = gk("check", "reports/", "--baseline", "base.json", "--format", "concise", cwd=repo)
    assert run.stdout == "" and run.returncode == 0, run.stdout


def test_fixed_findings_are_counted_as_stale(tmp_path):
    repo = _repo(tmp_path)
    gk("check", "reports/", "--write-baseline", "base.json", cwd=repo)
    seed = next((repo / "reports").glob("002_*.txt"))
    seed.write_text(seed.read_text(encoding="utf-8").replace("本年度止件数", "本年废止件数"), encoding="utf-8")
    run = gk("check", "reports/", "--baseline", "base.json", "--format", "concise", cwd=repo)
    assert run.returncode == 0 and "1 个已接受的问题不再出现（已修复）" in run.stderr
    # checking one other file does not call the rest stale
    one = gk("check", "reports/" + next((repo / "reports").glob("001_*.txt")).name, "--baseline", "base.json",
             cwd=repo)
    assert "不再出现" not in one.stderr


def test_baseline_config_key_from_readme(tmp_path):
    repo = _repo(tmp_path)
    (toml,) = [b for b in readme_blocks("Suppressing findings", "toml") if "baseline" in b]
    (repo / ".gklint.toml").write_text(toml, encoding="utf-8")
    gk("check", "reports/", "--write-baseline", ".gklint-baseline.json", cwd=repo)
    run = gk("check", "reports/", "--format", "concise", cwd=repo)
    assert run.returncode == 0 and run.stdout == ""
    bad = gk("check", "reports/", "--baseline", "nope.json", cwd=repo)
    assert bad.returncode == 2 and "无法读取基线文件" in bad.stderr
