"""gklint.startup.quick_exit: the command line's exit without the interpreter's teardown must be a normal exit in
everything a user or a script sees (status, output, exit functions), and fall back to one when it could not be."""
import json
import subprocess
import sys

import pytest

from conftest import ROOT, SEEDS, gk


def _run(body: str):
    code = f"import atexit, sys, threading, time\nfrom gklint.startup import quick_exit\n{body}"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)


@pytest.mark.parametrize("code,status", [(None, 0), (0, 0), (1, 1), (2, 2), (130, 130), (256, 0), (-1, 255)])
def test_status_output_and_exit_functions(code, status):
    got = _run("atexit.register(lambda: print('exit function ran', flush=False))\n"
               "sys.stdout.write('x' * 100000)\n"            # buffered, not yet written
               f"quick_exit({code!r})")
    assert got.returncode == status
    assert got.stdout == "x" * 100000 + "exit function ran\n"


def test_a_message_code_is_printed_as_sys_exit_does():
    got = _run("quick_exit('未能读取配置')")
    assert (got.returncode, got.stderr) == (1, "未能读取配置\n")


def test_a_running_thread_is_waited_for():
    got = _run("def late():\n    time.sleep(0.3)\n    print('thread done', flush=True)\n"
               "threading.Thread(target=late).start()\n"
               "atexit.register(lambda: print('exit function ran'))\n"
               "quick_exit(3)")
    assert got.returncode == 3
    assert got.stdout == "thread done\nexit function ran\n"


def test_the_command_exits_with_its_status_and_whole_output():
    got = gk("check", "--no-cache", "--format", "json", *map(str, SEEDS))
    assert got.returncode == 1
    assert len(json.loads(got.stdout)) > 20        # all of it, flushed before the process ended
    assert gk("check", "--no-cache", "--exit-zero", str(SEEDS[0])).returncode == 0
    assert gk("check", "--no-such-option").returncode == 2


def test_a_profiler_still_writes_its_results(tmp_path):
    """``python -m cProfile -o FILE -m gklint …`` writes FILE once the program returns: no quick exit then."""
    out = tmp_path / "gklint.prof"
    got = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), "-m", "gklint", "check", "--no-cache",
                          "--exit-zero", str(SEEDS[0])], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert got.returncode == 0 and out.stat().st_size > 1000
