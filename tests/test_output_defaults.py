"""What a reviewer sees by default: errors and warnings in full, info notes counted per rule (issue 13)."""
import subprocess
import sys

from conftest import REPORTS
from conftest import gk  # noqa: E402

SEEDS = str(REPORTS / "seeds")


def concise_lines(*args):
    return [line for line in gk("check", "--format", "concise", *args).stdout.splitlines() if line.strip()]


def test_seeds_fit_one_screen_with_every_error_and_warning():
    out = gk("check", "--format", "rich", "--no-color", "--no-config", SEEDS).stdout
    lines = out.splitlines()
    everything = concise_lines("--no-config", SEEDS)
    serious = [line for line in everything if ": error " in line or ": warning " in line]
    infos = [line for line in everything if ": info " in line]
    assert serious and infos
    for line in serious:                       # every error and warning is shown, with its message
        assert line.split(" ", 3)[3] in out
    for line in infos:                         # no info note one by one ...
        assert line.split(" ", 3)[3] not in out
    codes = {line.split(" ")[2] for line in infos}
    for code in codes:                         # ... but each rule once, with its count
        n = sum(line.split(" ")[2] == code for line in infos)
        assert any(row.lstrip().startswith(code) and f"{n} 条" in row for row in lines), code
    assert len(lines) <= 50, len(lines)


def test_show_info_and_min_severity_config(tmp_path):
    everything = concise_lines("--no-config", SEEDS)
    infos = [line.split(" ", 3)[3] for line in everything if ": info " in line]
    shown = gk("check", "--format", "rich", "--no-color", "--no-config", "--show-info", SEEDS).stdout
    assert all(m in shown for m in infos) and "未逐条列出" not in shown
    (tmp_path / ".gklint.toml").write_text('min-severity = "info"\n', encoding="utf-8")
    via_config = gk("check", "--format", "rich", "--no-color", "--config", str(tmp_path / ".gklint.toml"),
                    SEEDS).stdout
    assert via_config == shown
    (tmp_path / "bad.toml").write_text('min-severity = "hint"\n', encoding="utf-8")
    bad = gk("check", "--config", str(tmp_path / "bad.toml"), SEEDS)
    assert bad.returncode == 2 and "min-severity" in bad.stderr


def test_concise_keeps_everything_whatever_min_severity(tmp_path):
    (tmp_path / ".gklint.toml").write_text('min-severity = "error"\n', encoding="utf-8")
    assert concise_lines("--config", str(tmp_path / ".gklint.toml"), SEEDS) == concise_lines("--no-config", SEEDS)
