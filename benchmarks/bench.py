"""Benchmark gklint (not a test). In one run, on the same machine and files:

* the floor: a fresh Python process that only reads, decodes and runs one regex over each file;
* ``gklint check`` over the corpus without the result cache (cold), then again with a cache filled by a first
  run (warm), as ratios of the floor;
* one file, cold start (a fresh process: imports, rule set, grammars);
* the editor path: re-linting a 50 KB report in-process (what the language server does on each change);
* peak memory (the largest single process) of ``gklint check`` at two corpus sizes;
* the reading cost of the published forms (HTML, Word, PDF: ms per page, beside pypdfium2's raw text extraction).

    python benchmarks/bench.py [--reports 1000] [--memory 1000,5000] [--warm-reports 10000] [--quick]
                               [--checkout DIR]

``--checkout DIR`` (or ``GKLINT_BENCH_CHECKOUT``) times the gklint of that source tree (``python -m gklint`` with
DIR on ``PYTHONPATH``; the in-process figures import it too) instead of the console script beside the
interpreter, so two checkouts can be compared on one machine.

The corpus is built from the real reports in tests/reports (the seeds and the corpus, text and Markdown),
every copy made distinct: copy j of a report has each table number multiplied by j + 1 and a marker of its own
in every paragraph, so no two files, paragraphs or tables are the same and nothing can be served from a content
cache across copies in the cold figure.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "tests" / "reports"
PUBLISHED = REPORTS / "published"


def bases() -> list[Path]:
    return sorted(p for p in [*(REPORTS / "seeds").iterdir(), *(REPORTS / "corpus").iterdir()]
                  if p.suffix in (".txt", ".md") and p.name != "README.md")


_INT = re.compile(r"(?<![\d.])\d{1,6}(?![\d.])")
_CELL_LINE = re.compile(r"\s*\d{1,6}\s*$")       # a cell of a table written a cell a line


def vary(text: str, j: int) -> str:
    """Copy ``j`` of a report (0: the report itself): table numbers × (j + 1), which keeps every sum balanced
    that was balanced (in rows of cells and in tables written a cell a line: a line that is a number), and
    ``（j）`` before the last full stop of each paragraph."""
    if j == 0:
        return text
    out = []
    for line in text.split("\n"):
        if "\t" in line or line.lstrip().startswith("|") or _CELL_LINE.match(line):
            line = _INT.sub(lambda m: str(int(m.group(0)) * (j + 1)), line)
        elif len(line) >= 20 and "。" in line:
            i = line.rfind("。")
            line = f"{line[:i]}（{j}）{line[i:]}"
        out.append(line)
    return "\n".join(out)


def generate(out: Path, n: int) -> int:
    """``n`` distinct reports in ``out``; returns their total size in bytes."""
    out.mkdir(parents=True, exist_ok=True)
    src = bases()
    texts = [p.read_text(encoding="utf-8") for p in src]
    size = 0
    for i in range(n):
        b, j = i % len(texts), i // len(texts)
        data = vary(texts[b], j).encode("utf-8")
        (out / f"r{i:05d}{src[b].suffix}").write_bytes(data)
        size += len(data)
    return size


def big_report(kb: int = 50) -> str:
    """A report of about ``kb`` KB: the longest seed with its section 一 paragraphs written out again (varied)
    until it is that long, as a large agency's report is."""
    seed = max((p for p in (REPORTS / "seeds").glob("*.txt")), key=lambda p: p.stat().st_size)
    text = seed.read_text(encoding="utf-8")
    head, sep, rest = text.partition("\n二、")
    paras = [p for p in head.split("\n") if len(p) > 60]
    extra, k = [], 0
    while len(("\n".join([head, *extra]) + sep + rest).encode("utf-8")) < kb * 1024:
        extra.append(vary(paras[k % len(paras)], k // len(paras) + 1))
        k += 1
    return "\n".join([head, *extra]) + sep + rest


# The floor, timed from outside like the gklint runs it is compared with.
FLOOR = """
import os, re, sys
num = re.compile(r"\\d+")
n = 0
for root, _dirs, names in os.walk(sys.argv[1]):
    for name in names:
        with open(os.path.join(root, name), "rb") as fh:
            n += len(num.findall(fh.read().decode("utf-8", "replace")))
print(n)
"""

# Peak memory of one command: the largest single process among it and its workers (ru_maxrss of the waited-for
# descendants), measured in a fresh wrapper process per command.
PEAK = """
import resource, subprocess, sys
sys.exit(subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
         or print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
"""


def gklint_cmd(checkout: str | None = None) -> list[str]:
    """The installed console script beside this interpreter (no version-manager shim in between), or
    ``python -m gklint`` for a given checkout (put on PYTHONPATH by ``main``)."""
    script = Path(sys.executable).parent / "gklint"
    if script.exists() and not checkout:
        return [str(script)]
    return [sys.executable, "-P", "-m", "gklint"]    # -P: the current folder (maybe another checkout) not first


def wall_s(cmd: list[str], repeat: int, env=None) -> float:
    """Median wall seconds of a whole process (start-up included)."""
    return statistics.median(once(cmd, env) for _ in range(repeat))


def once(cmd: list[str], env=None) -> float:
    """Wall seconds of one run of a whole process. A command that fails stops the benchmark: a broken install
    exits at once and would otherwise be timed as very fast."""
    t0 = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    dt = time.perf_counter() - t0
    if done.returncode != 0:
        sys.exit(f"benchmark stopped: {' '.join(cmd)} exited with {done.returncode}\n"
                 f"{done.stderr.decode('utf-8', 'replace')[-2000:]}")
    return dt


def paired(floor: list[str], cmds: list[list[str]], rounds: int, env=None) -> tuple[float, list[tuple[float, float]]]:
    """(median floor, (median seconds, median ratio to the floor) of each command), timed in rounds: each round
    runs the floor, then each command once, and a ratio is a command's time over its own round's floor. A
    virtual machine's speed drifts over a benchmark's minutes; a ratio of two medians taken minutes apart
    carries that drift, a ratio within a round hardly does."""
    floors, times = [], [[] for _ in cmds]
    for _ in range(rounds):
        floors.append(once(floor))
        for t, cmd in zip(times, cmds):
            t.append(once(cmd, env))
    return statistics.median(floors), [(statistics.median(t), statistics.median(x / f for x, f in zip(t, floors)))
                                       for t in times]


def peak_mib(cmd: list[str], env=None) -> float:
    done = subprocess.run([sys.executable, "-c", PEAK, *cmd], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        sys.exit(f"benchmark stopped: {' '.join(cmd)} exited with {done.returncode}")
    return int(done.stdout.strip()) / 1024


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def bench_readers(repeat: int) -> None:
    """Reading cost of the published forms: ms per HTML page, per .docx, per PDF page (text view + map)."""
    import pypdfium2

    from gklint.readers import read_path

    def raw_pdf_text(path: Path) -> None:      # the floor for PDFs: pypdfium2's own text extraction, no layout
        for page in pypdfium2.PdfDocument(str(path)):
            page.get_textpage().get_text_range()

    print(f"{'published sample':<28}{'KB':>6}{'read ms':>9}{'pages':>6}{'ms/page':>9}{'raw pdfium ms/page':>20}")
    for p in sorted(PUBLISHED.iterdir()):
        if p.suffix not in (".html", ".docx", ".pdf"):
            continue
        read_path(p)  # warm up: lazy imports
        ms = median_ms(lambda: read_path(p), repeat)
        pages = len(pypdfium2.PdfDocument(str(p))) if p.suffix == ".pdf" else 1
        raw = f"{median_ms(lambda: raw_pdf_text(p), repeat) / pages:>20.2f}" if p.suffix == ".pdf" else ""
        print(f"{p.name:<28}{p.stat().st_size / 1024:>6.0f}{ms:>9.1f}{pages:>6}{ms / pages:>9.1f}{raw}")


def bench_editor(repeat: int) -> None:
    """The language server's path on each change: the document's bytes → diagnostics, in-process."""
    from gklint.config import Config
    from gklint.rules.engine import load_ruleset
    from gklint.server import Profile, lint_bytes

    data = big_report(50).encode("utf-8")
    prof = Profile(Config(), load_ruleset(), None)
    lint_bytes(prof, data, "report.txt")    # warm: the grammars and rule set are loaded once per server
    ms = median_ms(lambda: lint_bytes(prof, data, "report.txt"), repeat)
    print(f"editor re-lint, one {len(data) / 1024:.0f} KB report in-process: {ms:.1f} ms (median of {repeat})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=1000, help="corpus size for the floor, cold and warm figures")
    ap.add_argument("--memory", default="1000,5000", help="corpus sizes for the peak-memory figure")
    ap.add_argument("--warm-reports", type=int, default=0,
                    help="also time a first and a second (cached) run over this many reports (e.g. 10000)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per whole-process figure (the median is shown)")
    ap.add_argument("--quick", action="store_true", help="skip the published forms and the memory figure")
    ap.add_argument("--checkout", default=os.environ.get("GKLINT_BENCH_CHECKOUT"),
                    help="time the gklint of this source tree (python -m gklint with it on PYTHONPATH)")
    args = ap.parse_args()
    tree = Path(args.checkout).resolve() if args.checkout else ROOT
    sys.path.insert(0, str(tree))
    if args.checkout:
        os.environ["PYTHONPATH"] = os.pathsep.join([str(tree), *filter(None, [os.environ.get("PYTHONPATH")])])
    gk = gklint_cmd(args.checkout)
    print(f"gklint: {' '.join(gk)} ({tree}); {os.cpu_count()} CPUs; Python {sys.version.split()[0]}")
    if not args.quick:
        bench_readers(max(5, args.repeat * 3))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        env = {**os.environ, "GKLINT_CACHE_DIR": str(tmp / "cache")}
        corpus = tmp / "corpus"
        size = generate(corpus, args.reports)
        check = [*gk, "check", "--format", "concise", "--exit-zero"]
        subprocess.run([*check, str(corpus)], capture_output=True, env=env)   # grammar tables stored once
        cold = (("cold, --no-cache, --jobs 1", ["--no-cache", "--jobs", "1"]),
                ("cold, --no-cache (parallel by default)", ["--no-cache"]))
        floor, figures = paired([sys.executable, "-c", FLOOR, str(corpus)],
                                [[*check, *extra, str(corpus)] for _label, extra in cold], max(5, args.repeat), env)
        print(f"{args.reports} distinct reports ({size / 1e6:.1f} MB), floor (read + decode + one regex, "
              f"one process): {floor:.3f} s; cold runs in {max(5, args.repeat)} rounds of the floor and each, "
              "ratios within a round")
        for (label, _extra), (dt, ratio) in zip(cold, figures):
            print(f"  gklint {label:<40} {dt:7.2f} s  {args.reports / dt:6.0f} reports/s  {ratio:5.1f}x the floor")
        subprocess.run([*check, str(corpus)], capture_output=True, env=env)   # fill the result cache
        dt = wall_s([*check, str(corpus)], args.repeat, env)
        print(f"  gklint {'warm (result cache filled by a first run)':<40} {dt:7.2f} s  "
              f"{args.reports / dt:6.0f} reports/s  {dt / floor:5.1f}x the floor")
        one = sorted(corpus.iterdir())[4]
        cold = wall_s([*check, "--no-cache", str(one)], max(5, args.repeat * 2), env)
        print(f"one file, cold start (gklint check, a fresh process): {cold * 1000:.0f} ms")
        bench_editor(max(20, args.repeat * 7))
        if not args.quick:
            for n in (int(x) for x in args.memory.split(",") if x):
                d = tmp / f"mem{n}"
                generate(d, n)
                print(f"peak memory, {n} reports: --jobs 1 {peak_mib([*check, '--no-cache', '--jobs', '1', str(d)], env):.0f} MiB,"
                      f" parallel {peak_mib([*check, '--no-cache', str(d)], env):.0f} MiB (largest process)")
                shutil.rmtree(d)
        if args.warm_reports:
            d = tmp / "big"
            generate(d, args.warm_reports)
            env2 = {**env, "GKLINT_CACHE_DIR": str(tmp / "cache-big")}
            first = wall_s([*check, str(d)], 1, env2)
            second = wall_s([*check, str(d)], 1, env2)
            print(f"{args.warm_reports} reports: first run {first:.2f} s, second unchanged run {second:.2f} s "
                  f"({first / second:.1f}x faster)")


if __name__ == "__main__":
    main()
