"""Long fuzz run over the real reports: ``python tests/fuzz/fuzz.py -n 100000 --jobs 2``.

Input ``i`` is ``make_input`` of a real report with ``random.Random(f"{seed}:{i}")``, so any input is reproduced
with ``--only i``. Reports exceptions, internal-error diagnostics (GK009, GK9xx), watchdog overruns, and the
slowest inputs (CPU time per input); crashing inputs are written to ``--out``.
"""
from __future__ import annotations

import argparse
import heapq
import os
import platform
import random
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.fuzz.harness import Overtime, run_one  # noqa: E402
from tests.fuzz.mutations import corpus, make_input  # noqa: E402

_STATE: dict = {}


def generate(seed: int, i: int) -> tuple[str, bytes]:
    rng = random.Random(f"{seed}:{i}")
    name, text = rng.choice(_STATE["corpus"])
    name = Path(name).stem + rng.choice((".txt", ".md", ".txt"))
    return name, make_input(text, rng)


def _init() -> None:
    from gklint.rules.engine import load_ruleset

    _STATE["corpus"] = corpus()
    _STATE["rs"] = load_ruleset()


def work(args: tuple[int, int, int, float, str]) -> dict:
    seed, start, stop, bound, out = args
    if "rs" not in _STATE:
        _init()
    slow: list[tuple[float, int, int]] = []
    problems: list[dict] = []
    total = 0.0
    for i in range(start, stop):
        name, data = generate(seed, i)
        try:
            internal, secs = run_one(data, name, _STATE["rs"], bound)
        except Overtime as exc:
            internal, secs = [f"overtime: {exc}"], bound
        except Exception:  # noqa: BLE001 - what the fuzzer is for
            internal, secs = [traceback.format_exc()], 0.0
        total += secs
        heapq.heappush(slow, (secs, i, len(data)))
        if len(slow) > 10:
            heapq.heappop(slow)
        if internal:
            problems.append({"i": i, "what": [str(getattr(d, "code", d)) + " " + getattr(d, "message", "")
                                              for d in internal]})
            if out:
                Path(out).mkdir(parents=True, exist_ok=True)
                (Path(out) / f"{seed}_{i}_{name}").write_bytes(data)
    return {"slow": slow, "problems": problems, "n": stop - start, "cpu": total}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--bound", type=float, default=10.0, help="CPU seconds per input before the watchdog fires")
    ap.add_argument("--out", default="", help="folder for crashing inputs")
    ap.add_argument("--only", type=int, default=None, help="run (and write to --out) input i only")
    a = ap.parse_args()
    if a.only is not None:
        _init()
        name, data = generate(a.seed, a.only)
        if a.out:
            Path(a.out).mkdir(parents=True, exist_ok=True)
            (Path(a.out) / name).write_bytes(data)
        print(name, len(data), "bytes", run_one(data, name, _STATE["rs"], a.bound))
        return 0
    t0 = time.time()
    chunk = 500
    tasks = [(a.seed, s, min(s + chunk, a.n), a.bound, a.out) for s in range(0, a.n, chunk)]
    slow: list = []
    problems: list = []
    done = cpu = 0
    with ProcessPoolExecutor(a.jobs) as ex:
        for r in ex.map(work, tasks):
            slow = heapq.nlargest(10, slow + r["slow"])
            problems += r["problems"]
            done += r["n"]
            cpu += r["cpu"]
            if done % 10000 < chunk:
                print(f"{done} inputs, {len(problems)} problems, {time.time() - t0:.0f} s", file=sys.stderr, flush=True)
    print(f"machine: {platform.machine()} {platform.processor() or ''} {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}")
    print(f"inputs: {done}, seed {a.seed}, jobs {a.jobs}, wall {time.time() - t0:.0f} s, "
          f"mean CPU per input {1000 * cpu / max(done, 1):.1f} ms")
    print(f"exceptions / internal-error diagnostics / overruns: {len(problems)}")
    for p in problems[:20]:
        print(f"  input {p['i']}: {p['what'][0][:300]}")
    print("slowest inputs (CPU s, input, bytes; reproduce with --only INPUT):")
    for secs, i, size in slow:
        print(f"  {secs:.3f}  {i}  {size}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
