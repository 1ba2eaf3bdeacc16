"""The national pack over every real report in tests/reports, as one reviewable text snapshot.

    python tests/snapshots/snapshot.py          # rewrite findings.txt after an intended change; review the diff
"""
from __future__ import annotations

from pathlib import Path

from gklint.api import parse_file
from gklint.rules.engine import load_ruleset, run_rules

HERE = Path(__file__).parent
REPORTS = HERE.parent / "reports"
SNAPSHOT = HERE / "findings.txt"


def report_files() -> list[Path]:
    return sorted(p for d in ("seeds", "corpus") for p in (REPORTS / d).iterdir()
                  if p.suffix in (".txt", ".md") and p.name != "README.md")


def render() -> str:
    rules = load_ruleset()
    lines = []
    for path in report_files():
        rel = path.relative_to(REPORTS).as_posix()
        diags = sorted(run_rules(parse_file(path), rules), key=lambda d: d.sort_key)
        lines.append(f"## {rel}  ({sum(d.severity.value == 'error' for d in diags)} errors)")
        lines += [f"{d.line}:{d.column}: {d.severity.value} {d.code} {d.message}" for d in diags]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    SNAPSHOT.write_text(render(), encoding="utf-8")
    print(f"wrote {SNAPSHOT}")
