"""A full collection every ``startup.FULL_EVERY`` files of a ``check`` run (gklint/startup.py ``file_done``), in
the process that lints the files and in each pool worker, so that the free lists and old garbage do not grow with
the number of files; nothing of the kind for a library caller."""
from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys
from pathlib import Path

from gklint import startup

ROOT = Path(__file__).resolve().parent.parent

# counts the full collections of each process (the callback is inherited by forked pool workers)
PROBE = """
import gc, os, sys
from gklint import startup
startup.FULL_EVERY = 5
parent = os.getpid()
def seen(phase, info):
    if phase == "stop" and info["generation"] == 2:
        # one write of the whole line (print writes its pieces one by one: two processes' lines interleaved)
        os.write(2, b"FULL parent\\n" if os.getpid() == parent else b"FULL worker\\n")
gc.callbacks.append(seen)
from gklint.cli import main
main(["check", "--no-cache", "--format", "concise", "--exit-zero", *sys.argv[1:]])
"""


def _copies(seed_dir: Path, tmp_path: Path, n: int) -> Path:
    seed = seed_dir / "000_c9328f5ee1a3fe62.txt"
    for i in range(n):
        shutil.copy(seed, tmp_path / f"r{i:02d}.txt")
    return tmp_path


def _run(*args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, timeout=300)
    assert "GK" in out.stdout, out.stdout + out.stderr      # the files were checked
    return out.stderr


def test_a_serial_check_collects_in_full_every_so_many_files(seed_dir, tmp_path):
    err = _run("--jobs", "1", str(_copies(seed_dir, tmp_path, 12)))
    # 12 files, one full collection after the 5th and the 10th (and maybe one at the end of the run's start-up)
    assert 2 <= err.count("FULL parent") <= 3, err


def test_pool_workers_collect_in_full_every_so_many_of_their_files(seed_dir, tmp_path):
    err = _run("--jobs", "2", str(_copies(seed_dir, tmp_path, 24)))
    # 24 files between two workers: at least 10 each way or the other, so each full collection after its 5th;
    # the parent counts the 24 it receives
    assert err.count("FULL worker") >= 3, err
    assert err.count("FULL parent") >= 4, err


def test_a_library_caller_is_never_collected_for(monkeypatch):
    monkeypatch.setattr(startup, "_countdown", 0)      # no check run's start-up in this process
    monkeypatch.setattr(startup, "FULL_EVERY", 1)
    full = []
    cb = lambda phase, info: full.append(info["generation"]) if phase == "stop" else None   # noqa: E731
    gc.callbacks.append(cb)
    try:
        for _ in range(5):
            startup.file_done()
    finally:
        gc.callbacks.remove(cb)
    assert 2 not in full
