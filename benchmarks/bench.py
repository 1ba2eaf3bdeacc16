"""Benchmark gklint (not a test): reading cost of the published forms (HTML, Word, PDF: ms per page, beside
pypdfium2's raw text extraction), parse and lint times per report, CLI cold start, throughput with --jobs, and
that throughput as a ratio of the floor (a process that only reads, decodes and runs one regex over each file).

    python benchmarks/bench.py [--reports 200] [--repeat 20] [--readers-only]

The generated corpus is the five seed reports with agencies, years and table numbers varied (balanced, so the
rules do real work), written to a temporary directory.
"""
from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "tests" / "reports" / "seeds").glob("*.txt"))


def generate(out: Path, n: int, seed: int = 7) -> list[Path]:
    rnd = random.Random(seed)
    texts = [p.read_text(encoding="utf-8") for p in SEEDS]
    paths = []
    for i in range(n):
        t = texts[i % len(texts)]
        t = t.replace("商务局", rnd.choice(["商务局", "统计局", "卫生健康委员会", "审计局", "司法局"]), 1)
        t = re.sub(r"20(2[1-4])", lambda m: str(2021 + rnd.randrange(4)) if rnd.random() < 0.1 else m.group(0), t)
        p = out / f"report_{i:04d}.txt"
        p.write_text(t, encoding="utf-8")
        paths.append(p)
    return paths


# The floor: what any tool must pay to look at the files at all — a fresh Python process that reads, decodes and
# runs one regex over each file (timed from outside, like the gklint runs it is compared with).
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


def wall_s(cmd: list[str], repeat: int = 3) -> float:
    """Median wall seconds of a whole process (start-up included)."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


PUBLISHED = ROOT / "tests" / "reports" / "published"


def pdf_pages(path: Path) -> int:
    import pypdfium2

    return len(pypdfium2.PdfDocument(str(path)))


def raw_pdf_text(path: Path) -> None:
    """The floor for PDF reading: pypdfium2's own text extraction, page by page, no layout."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(path))
    for page in doc:
        page.get_textpage().get_text_range()


def bench_readers(repeat: int) -> None:
    """Reading cost of the published forms: ms per HTML page, per .docx, per PDF page (text view + map)."""
    from gklint.readers import read_path

    print(f"{'published sample':<28}{'KB':>6}{'read ms':>9}{'pages':>6}{'ms/page':>9}{'raw pdfium ms/page':>20}")
    for p in sorted(PUBLISHED.iterdir()):
        if p.suffix not in (".html", ".docx", ".pdf"):
            continue
        read_path(p)  # warm up: lazy imports
        ms = median_ms(lambda: read_path(p), repeat)
        pages = pdf_pages(p) if p.suffix == ".pdf" else 1
        raw = f"{median_ms(lambda: raw_pdf_text(p), repeat) / pages:>20.2f}" if p.suffix == ".pdf" else ""
        print(f"{p.name:<28}{p.stat().st_size / 1024:>6.0f}{ms:>9.1f}{pages:>6}{ms / pages:>9.1f}{raw}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--readers-only", action="store_true", help="only the reading cost of HTML/Word/PDF")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    bench_readers(max(5, args.repeat // 2))
    if args.readers_only:
        return
    from gklint.api import parse_source
    from gklint.rules.engine import load_ruleset, run_rules
    from gklint.readers import read_path

    ruleset = load_ruleset()
    parse_source(read_path(SEEDS[0]))  # warm up: grammar compiled once per process
    print(f"{'seed':<28}{'KB':>6}{'parse ms':>10}{'ms/20KB':>9}{'lint ms':>9}")
    per20 = []
    for s in SEEDS:
        src = read_path(s)
        kb = len(s.read_bytes()) / 1024
        pm = median_ms(lambda: parse_source(src), args.repeat)
        lm = median_ms(lambda: run_rules(parse_source(src), ruleset), args.repeat)
        per20.append(pm / kb * 20)
        print(f"{s.name:<28}{kb:>6.1f}{pm:>10.2f}{pm / kb * 20:>9.2f}{lm:>9.2f}")
    print(f"median parse time per 20 KB: {statistics.median(per20):.2f} ms")

    gk = shutil.which("gklint") or f"{sys.executable} -m gklint"
    cold = median_ms(lambda: subprocess.run([*gk.split(), "check", "--format", "concise", str(SEEDS[4])],
                                            capture_output=True), 5)
    print(f"CLI cold start, one file (gklint check): {cold:.0f} ms")
    with tempfile.TemporaryDirectory() as d:
        paths = generate(Path(d), args.reports)
        floor = wall_s([sys.executable, "-c", FLOOR, d])
        print(f"{len(paths)} reports, floor (read + decode + one regex, one process): {floor:.2f} s")
        for jobs in (1, 0):
            dt = wall_s([*gk.split(), "check", "--format", "concise", "--jobs", str(jobs), d], 1)
            print(f"{len(paths)} reports, --jobs {jobs}: {dt:.2f} s, {len(paths) / dt:.0f} reports/s, "
                  f"{dt / floor:.1f}x the floor")


if __name__ == "__main__":
    main()
