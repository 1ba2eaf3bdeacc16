"""The reviewer's command line: progress on a terminal only, Ctrl-C, the per-agency summary and score."""
import os
import re
import pty
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import REPORTS

SEEDS = sorted((REPORTS / "seeds").glob("*.txt"))
CORPUS = REPORTS / "corpus"


def run_on_pty(args, interrupt_after=None):
    """Run gklint with stderr on a pseudo-terminal; (exit status, stdout, what the terminal got).
    ``interrupt_after``: send SIGINT (Ctrl-C) once the progress bar shows that many files done."""
    master, slave = pty.openpty()
    p = subprocess.Popen([sys.executable, "-m", "gklint", *args], stdout=subprocess.PIPE, stderr=slave,
                         stdin=subprocess.DEVNULL, text=True, start_new_session=True)
    os.close(slave)
    err = b""
    if interrupt_after is not None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            err += os.read(master, 65536)
            counts = [int(n) for n in re.findall(rb"(\d+)/1000", err)]
            if counts and max(counts) >= interrupt_after:
                break
        os.killpg(p.pid, signal.SIGINT)   # as a terminal's Ctrl-C: the whole process group, workers included
    out, _ = p.communicate(timeout=120)
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        err += chunk
    os.close(master)
    return p.returncode, out, err.decode("utf-8", "replace")


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    d = tmp_path_factory.mktemp("many")
    for i in range(200):    # 1000 files: a run interrupted after 20 is far from done, even on a loaded machine
        for f in SEEDS:
            shutil.copy(f, d / f"{i:03d}_{f.name}")
    return d


def test_progress_on_a_terminal_only():
    rc, out, err = run_on_pty(["check", str(REPORTS / "seeds"), "--format", "concise"])
    assert rc == 1 and "5/5" in err and "检查" in err
    piped = subprocess.run([sys.executable, "-m", "gklint", "check", str(REPORTS / "seeds"), "--format", "concise"],
                           capture_output=True, text=True, timeout=120)
    assert piped.stderr == "" and piped.stdout == out


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_reports_what_was_done(many, jobs):
    start = time.monotonic()
    # --no-cache: the other parametrisation's run over the same files must not make this one all cache hits
    rc, out, err = run_on_pty(["check", str(many), "--format", "concise", "--jobs", jobs, "--no-cache"],
                              interrupt_after=20)
    assert rc == 130, err[-500:]
    assert "已中断（Ctrl-C）" in err and "Traceback" not in err
    done = int(err.split("已中断（Ctrl-C）：")[1].split("/")[0])
    assert 0 < done < 1000 and len({l.split(":")[0] for l in out.splitlines()}) <= done
    assert all(":" in l and (" error " in l or " warning " in l or " info " in l) for l in out.splitlines())
    assert time.monotonic() - start < 20   # the files not started are dropped, not checked


@pytest.mark.parametrize("fmt", ["concise", "rich"])
def test_ctrl_c_while_a_files_findings_are_taken(monkeypatch, fmt):
    """Ctrl-C lands where it lands: here while the command line takes a file's findings (between two files, out
    of the progress loop's reach), which must stop the run the same way (was click's "Aborted!", exit 1)."""
    from click.testing import CliRunner

    from gklint.cli import main
    from gklint.formatters import spool

    taken = []

    def interrupted(self, *args):
        taken.append(args)
        if len(taken) == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr(spool.Spool, "add_encoded" if fmt == "concise" else "add", interrupted)
    res = CliRunner().invoke(main, ["check", *map(str, SEEDS), "--format", fmt, "--jobs", "1", "--no-cache"])
    assert res.exit_code == 130 and "Aborted" not in res.output
    assert "已中断（Ctrl-C）：3/5 个文件已检查" in res.stderr and len(taken) == 3


def test_statistics_per_agency_and_score(tmp_path):
    score = tmp_path / "score.toml"
    score.write_text('base = 100\n[deductions]\nGK6 = 1\nGK602 = 2\nGK5 = 3\n[caps]\nGK602 = 4\n', encoding="utf-8")
    pingtan = sorted(str(p) for p in CORPUS.glob("0*_pingtan_zonghe_*"))
    files = [*pingtan, str(CORPUS / "029_xinfeng_xian_weijianwei_2023_partial.txt")]
    p = subprocess.run([sys.executable, "-m", "gklint", "check", *files, "--statistics", "--score", str(score)],
                       capture_output=True, text=True, timeout=120)
    table = p.stdout.split("排名")[1].splitlines()
    assert "得分" in table[0]
    rows = {l.split()[1]: l.split() for l in table[1:] if l.strip()}
    assert set(rows) == {"平潭综合实验区", "信丰县卫生健康委"}
    assert rows["平潭综合实验区"][2] == "2018、2021、2023、2024、2025" and rows["平潭综合实验区"][3] == "5"
    import json

    found = json.loads(subprocess.run([sys.executable, "-m", "gklint", "check", *pingtan, "--format", "json"],
                                      capture_output=True, text=True, timeout=120).stdout)
    lost = min(4, 2 * sum(d["code"] == "GK602" for d in found)) + \
        sum(1 for d in found if d["code"].startswith("GK6") and d["code"] != "GK602") + \
        3 * sum(1 for d in found if d["code"].startswith("GK5"))
    assert float(rows["平潭综合实验区"][7]) == 100 - lost
    bad = tmp_path / "bad.yaml"
    bad.write_text("deduction: {GK6: 1}\n", encoding="utf-8")
    p = subprocess.run([sys.executable, "-m", "gklint", "check", *files, "--statistics", "--score", str(bad)],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 2 and "评分文件错误" in p.stderr


def test_scoring_groups_and_caps():
    from gklint.review.summary import Scoring

    s = Scoring(100, {"GK3": 2, "GK303": 5, "GK6": 1}, {"GK3": 3})
    assert s.deduct(["GK301", "GK302", "GK303", "GK601", "GK101"]) == (100 - 3 - 5 - 1, {"GK3": 3, "GK303": 5, "GK6": 1})


def test_score_from_the_project_config_and_who_and_when_in_outputs(tmp_path):
    import json

    (tmp_path / "score.toml").write_text('base = 100\n[deductions]\nGK4 = 5\n', encoding="utf-8")
    (tmp_path / ".gklint.toml").write_text('score = "score.toml"\n', encoding="utf-8")
    seed = tmp_path / "年报.txt"
    seed.write_text((REPORTS / "seeds" / "000_c9328f5ee1a3fe62.txt").read_text(encoding="utf-8"), encoding="utf-8")
    p = subprocess.run([sys.executable, "-m", "gklint", "check", str(seed), "--statistics"], capture_output=True,
                       text=True, timeout=120, cwd=tmp_path)
    table = p.stdout.split("排名")[1].splitlines()
    assert "得分" in table[0]
    found = json.loads(subprocess.run([sys.executable, "-m", "gklint", "check", str(seed), "--format", "json"],
                                      capture_output=True, text=True, timeout=120, cwd=tmp_path).stdout)
    lost = 5 * sum(d["code"].startswith("GK4") for d in found)
    assert lost and float(next(l for l in table[1:] if l.strip()).split()[7]) == 100 - lost
    assert {(d["agency"], d["year"]) for d in found} == {("濮阳县商务局", 2023)}
