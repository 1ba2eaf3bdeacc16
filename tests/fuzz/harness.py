"""Run one fuzz input through the whole pipeline under a CPU-time watchdog.

The watchdog is ``setitimer(ITIMER_PROF)``: it counts the CPU time this process spends (user + system), not
wall-clock time, so a loaded CI machine or another process does not make it fire; only gklint's own work on
the input does. When it fires, SIGPROF raises ``Overtime`` inside the pipeline, which stops it there.
The bound is generous (seconds, against a typical ~20 ms), so it catches hangs and blow-ups, not noise.
"""
from __future__ import annotations

import signal
import time
from contextlib import contextmanager

INTERNAL = ("GK009", "GK9")      # internal errors: a reader/parser failure, a crashing/timing-out rule


class Overtime(Exception):
    pass


@contextmanager
def watchdog(cpu_seconds: float):
    def fire(signum, frame):
        raise Overtime(f"more than {cpu_seconds} s of CPU time on one input")

    old = signal.signal(signal.SIGPROF, fire)
    signal.setitimer(signal.ITIMER_PROF, cpu_seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, old)


def run_one(data: bytes, name: str, ruleset, cpu_seconds: float = 5.0) -> tuple[list, float]:
    """(internal-error diagnostics, CPU seconds) for one input; raises on an exception or Overtime."""
    from gklint.api import parse_source
    from gklint.readers import read_bytes
    from gklint.rules.engine import run_rules

    t = time.process_time()
    with watchdog(cpu_seconds):
        diags = run_rules(parse_source(read_bytes(data, name)), ruleset)
    return [d for d in diags if d.code.startswith(INTERNAL)], time.process_time() - t
