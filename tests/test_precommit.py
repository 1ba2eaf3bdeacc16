"""The pre-commit hooks with the real ``pre-commit``: ``pre-commit try-repo`` against this checkout, in a
temporary git repository of reports; then the README's ``.pre-commit-config.yaml`` blocking a real commit.

pre-commit installs the hook repository with pip into its own environment (from PyPI: hatchling and gklint's
dependencies), so these tests need the network to the package index, as CI has; they take about a minute.
The checkout is copied (its tracked and new files) into a fresh repository first, because ``try-repo`` only
sees what git tracks, and the work tree may hold files not yet added.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "reports" / "seeds"
PRE_COMMIT = shutil.which("pre-commit") or (
    str(Path(sys.executable).with_name("pre-commit")) if Path(sys.executable).with_name("pre-commit").exists() else None)

pytestmark = pytest.mark.skipif(PRE_COMMIT is None or shutil.which("git") is None, reason="needs pre-commit and git")


def git(*args, cwd):
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env)


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> tuple[Path, str]:
    """This checkout's package as a git repository with one commit (what `try-repo`/`repo:` install)."""
    dst = tmp_path_factory.mktemp("gklint-repo")
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(ROOT / name, dst / name)
    for name in ("gklint", "grammars", "rules"):
        shutil.copytree(ROOT / name, dst / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    git("init", "-q", cwd=dst)
    git("add", "-A", cwd=dst)
    assert git("commit", "-q", "-m", "gklint", cwd=dst).returncode == 0
    rev = git("rev-parse", "HEAD", cwd=dst).stdout.strip()
    return dst, rev


@pytest.fixture()
def reports_repo(tmp_path) -> Path:
    repo = tmp_path / "reports"
    repo.mkdir()
    git("init", "-q", cwd=repo)
    return repo


def pre_commit(*args, cwd, home):
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    env.pop("PYTHONPATH", None)        # the hook runs the gklint pre-commit installed, not this checkout
    return subprocess.run([PRE_COMMIT, *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=900)


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")     # shared: the hook environment is built once


def test_try_repo_blocks_a_bad_report_and_passes_a_good_one(hook_repo, reports_repo, home):
    src, _rev = hook_repo
    shutil.copyfile(next(SEEDS.glob("000_*.txt")), reports_repo / "2023年报.txt")
    (reports_repo / "README.md").write_text("# 年报仓库\n", encoding="utf-8")     # not a report: not checked
    git("add", "-A", cwd=reports_repo)
    bad = pre_commit("try-repo", str(src), "gklint", cwd=reports_repo, home=home)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert re.search(r"2023年报\.txt:96:1: error GK401 ", bad.stdout), bad.stdout
    assert "README.md" not in bad.stdout
    git("rm", "-q", "--cached", "2023年报.txt", cwd=reports_repo)
    os.remove(reports_repo / "2023年报.txt")
    shutil.copyfile(next(SEEDS.glob("004_*.txt")), reports_repo / "2024年报.txt")
    git("add", "-A", cwd=reports_repo)
    good = pre_commit("try-repo", str(src), "gklint", cwd=reports_repo, home=home)
    assert good.returncode == 0, good.stdout + good.stderr
    assert re.search(r"gklint\.+Passed", good.stdout)


def test_readme_config_with_the_fix_hook_blocks_the_commit_and_fixes_the_labels(hook_repo, reports_repo, home):
    src, rev = hook_repo
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("\n## Use with pre-commit\n"):]
    (block,) = re.findall(r"```yaml\n(.*?)```", section[:section.index("\n## ", 5)], re.S)
    config = yaml.safe_load(block)
    repo = config["repos"][0]
    repo["repo"], repo["rev"] = str(src), rev
    assert repo["hooks"] == [{"id": "gklint"}]
    repo["hooks"] = [{"id": "gklint-fix"}]                   # the README's alternative ("or: gklint-fix")
    (reports_repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    report = reports_repo / "2023年报.txt"
    shutil.copyfile(next(SEEDS.glob("002_*.txt")), report)
    git("add", "-A", cwd=reports_repo)
    assert pre_commit("install", cwd=reports_repo, home=home).returncode == 0
    commit = git("commit", "-m", "2023 年报", cwd=reports_repo)
    assert commit.returncode != 0                              # blocked: the hook changed the file, and errors remain
    out = commit.stdout + commit.stderr
    assert "已修复 2 个问题" in out and re.search(r"2023年报\.txt:71:4: error GK203 ", out), out
    fixed = report.read_text(encoding="utf-8")
    assert "本年废止件数" in fixed and "社会公益组织\t法律服务机构" in fixed
    assert git("log", "--oneline", cwd=reports_repo).returncode != 0 or not git("log", "--oneline",
                                                                               cwd=reports_repo).stdout
