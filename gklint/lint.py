"""Linting files end to end: read → parse → rules, one file at a time or in parallel."""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from .api import parse_source
from .diagnostics import Diagnostic
from .rules.engine import RuleSet, load_ruleset, run_rules
from .readers import Source, read_bytes, read_path, report_suffixes


def collect_paths(paths: Iterable[str]) -> list[str]:
    """Files as given; directories are searched recursively for the files some reader reads (.txt, .md, .html …)."""
    out: list[str] = []
    suffixes = report_suffixes()
    for p in paths:
        if p == "-":
            out.append(p)
            continue
        path = Path(p)
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                if f.is_file() and f.name.lower().endswith(suffixes) and not any(
                        part.startswith(".") for part in f.relative_to(path).parts):
                    out.append(str(f))
        else:
            out.append(p)
    return out


def lint_source(source: Source, ruleset: RuleSet, severities: dict[str, str] | None = None) -> list[Diagnostic]:
    parsed = parse_source(source)
    found = run_rules(parsed, ruleset, severities=severities)
    return [source.relocate(d) for d in found] if source.mapped else found


_WORKER: dict = {}


def _init_worker(extra_dirs, select, ignore, severities) -> None:
    _WORKER["rs"] = load_ruleset(extra_dirs).select(select, ignore)
    _WORKER["sev"] = severities


def _lint_one(path: str) -> tuple[str, str, list[Diagnostic]]:
    src = read_path(path)
    return path, src.excerpt_text, lint_source(src, _WORKER["rs"], _WORKER["sev"])


def lint_paths(paths: list[str], ruleset: RuleSet, *, jobs: int = 1, stdin_data: bytes | None = None,
               stdin_name: str = "-", extra_dirs=(), select=None, ignore=None, severities=None):
    """Yield (path, text, diagnostics) per file, in the order given."""
    files = [p for p in paths if p != "-"]
    if "-" in paths and stdin_data is not None:
        src = read_bytes(stdin_data, stdin_name)
        yield stdin_name, src.excerpt_text, lint_source(src, ruleset, severities)
    if jobs == 0:
        jobs = os.cpu_count() or 1
    if jobs > 1 and len(files) > 8:
        with ProcessPoolExecutor(jobs, initializer=_init_worker,
                                 initargs=(list(extra_dirs), select, ignore, severities)) as ex:
            yield from ex.map(_lint_one, files, chunksize=max(1, len(files) // (jobs * 4)))
        return
    for p in files:
        src = read_path(p)
        yield p, src.excerpt_text, lint_source(src, ruleset, severities)
