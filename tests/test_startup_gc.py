"""The cyclic collector during start-up (gklint/startup.py): ``gklint check`` pauses it until its rule set is
loaded, then freezes what exists and collects again; anyone else's collector is left as it was."""
from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

from gklint import startup

ROOT = Path(__file__).resolve().parent.parent


def run(code: str, *args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=300)
    return out.stdout + out.stderr


def test_check_collects_again_once_the_rules_are_loaded_with_the_start_up_frozen(seed_dir):
    code = ("import gc, sys\nfrom gklint.rules import engine\nfrom gklint.cli import main\n"
            "real = engine.load_ruleset\n"
            "def load(*a, **k):\n    print('DURING', gc.isenabled(), gc.get_freeze_count() == 0)\n"
            "    rs = real(*a, **k)\n    print('AFTER', gc.isenabled(), gc.get_freeze_count() > 10000, gc.get_threshold())\n"
            "    return rs\n"
            "engine.load_ruleset = load\n"
            "try:\n    main(['check', '--no-cache', '--format', 'concise', sys.argv[1]])\n"
            "except SystemExit:\n    pass\n")
    out = run(code, str(seed_dir / "000_c9328f5ee1a3fe62.txt"))
    # and the youngest generation collected every YOUNG allocations (a report's model walked about once)
    assert "DURING False True" in out and f"AFTER True True ({startup.YOUNG}, 10, 10)" in out and "GK401" in out, out


def test_other_commands_and_library_callers_keep_their_collector():
    code = ("import gc\nfrom gklint.cli import main\n"
            "try:\n    main(['rules'])\nexcept SystemExit:\n    pass\n"
            "print('RULES', gc.isenabled(), gc.get_freeze_count())\n"
            "from gklint.rules.engine import load_ruleset\n"
            "load_ruleset()\nprint('LIBRARY', gc.isenabled(), gc.get_freeze_count())\n"
            "gc.disable()\nload_ruleset()\nprint('OFF', gc.isenabled(), gc.get_freeze_count())\n")
    out = run(code)
    assert "RULES True 0" in out and "LIBRARY True 0" in out and "OFF False 0" in out, out
    assert "(700, 10, 10)" in run(code + "print(gc.get_threshold())\n")     # their thresholds as they were


def test_python_m_gklint_pauses_from_the_start_and_other_commands_collect_as_usual(seed_dir):
    def main(*args: str) -> str:
        # (printed by an exit function: the command ends the process itself, gklint.startup.quick_exit)
        return run("import atexit, gc, runpy, sys\nsys.argv = ['gklint', *sys.argv[1:]]\n"
                   "atexit.register(lambda: print('END', gc.isenabled(), gc.get_freeze_count() > 10000))\n"
                   "runpy.run_module('gklint', run_name='__main__')\n", *args)

    out = main("rules")
    assert "GK301" in out and "END True False" in out, out
    out = main("check", "--no-cache", "--format", "concise", str(seed_dir / "000_c9328f5ee1a3fe62.txt"))
    assert "GK401" in out and "END True True" in out, out


def test_a_pause_is_resumed_once_and_only_by_whoever_made_it(monkeypatch):
    calls = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(startup, "_countdown", startup._countdown)     # (what resume_gc sets: put back after)
    was = gc.isenabled()
    try:
        gc.enable()
        startup.pause_gc()
        assert not gc.isenabled()
        startup.resume_gc()
        startup.resume_gc()
        assert gc.isenabled() and calls == ["freeze"]
        gc.disable()                    # someone else's choice: not ours to undo
        startup.pause_gc()
        startup.resume_gc()
        assert not gc.isenabled() and calls == ["freeze"]
    finally:
        (gc.enable if was else gc.disable)()
