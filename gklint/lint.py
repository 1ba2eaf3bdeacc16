"""Linting files end to end: read → parse → rules, one file at a time or in parallel."""
from __future__ import annotations

import os
import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from .api import parse_source
from .diagnostics import Diagnostic
from . import fixes, suppress
from .rules.engine import RuleSet, finish, load_ruleset, run_rules
from .readers import Source, read_bytes, read_path, report_suffixes


# A report repository's own documents, which are Markdown or text but no report: skipped in directory walks
# (a file named on the command line is still checked). The pre-commit hook excludes the same names
# (.pre-commit-hooks.yaml; a test keeps the two equal).
NOT_REPORTS = re.compile(r"(?i)(^|/)(readme|changelog|changes|history|news|license|licence|copying|contributing"
                         r"|code_of_conduct|security|authors|notice|todo)(\.[^/]*)?$|(^|/)\.github/")


def collect_paths(paths: Iterable[str]) -> list[str]:
    """Files as given; directories are searched recursively for the files some reader reads (.txt, .md, .html …)."""
    return collect(paths)[0]


def collect(paths: Iterable[str]) -> tuple[list[str], list[str]]:
    """(files, directories given that hold no report file). A directory that cannot be listed (no permission,
    a symlink loop) is returned as a file of its own, so reading it gives its GK001; hidden files and
    folders are skipped, and so are the repository's own documents (``NOT_REPORTS``: README.md …); symlinked
    folders are not followed (no loops)."""
    out: list[str] = []
    empty: list[str] = []
    suffixes = report_suffixes()
    for p in paths:
        if p == "-":
            out.append(p)
            continue
        try:
            is_dir = os.path.isdir(p)
        except (OSError, ValueError):
            is_dir = False
        if not is_dir:
            out.append(p)
            continue
        found: list[str] = []
        errors: list[str] = []
        for root, dirs, names in os.walk(p, onerror=lambda e: errors.append(e.filename or p)):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(names):
                if not name.startswith(".") and name.lower().endswith(suffixes) and not NOT_REPORTS.search(name):
                    found.append(os.path.join(root, name))
        out.extend(sorted(errors) + sorted(found, key=lambda f: Path(f).parts))
        if not found and not errors:
            empty.append(p)
    return out, empty


def lint_source(source: Source, ruleset: RuleSet, severities: dict[str, str] | None = None,
                max_findings: int | None = None, facts: list | None = None) -> list[Diagnostic]:
    """The file's diagnostics; ``facts``: a list that gets the report's ``gklint.review.facts.Facts``
    (who, when, the cells and sentences cross-year rules compare)."""
    parsed = parse_source(source)
    found = run_rules(parsed, ruleset, severities=severities, max_findings=max_findings)
    if facts is not None:
        from .review.facts import safe_facts

        facts.append(safe_facts(parsed, source))
    found = [fixes.relocate(source, d) for d in found] if source.mapped else found
    kept, about = suppress.apply(source, found, ruleset)          # suppression comments and sidecar files
    return kept + finish(about, ruleset, severities, 0) if about else kept


_WORKER: dict = {}


def _init_worker(extra_dirs, select, ignore, severities, max_size=None, max_findings=None) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C is the parent's to handle (it stops the pool)
    _WORKER["rs"] = load_ruleset(extra_dirs).select(select, ignore)
    _WORKER["sev"] = severities
    _WORKER["limits"] = (max_size, max_findings)


def _lint_one(path: str) -> tuple[str, str, list[Diagnostic], object]:
    max_size, max_findings = _WORKER.get("limits", (None, None))
    src = read_path(path, max_size)
    facts: list = []
    return path, src.excerpt_text, lint_source(src, _WORKER["rs"], _WORKER["sev"], max_findings, facts), facts[0]


def lint_paths(paths: list[str], ruleset: RuleSet, *, jobs: int = 1, stdin_data: bytes | None = None,
               stdin_name: str = "-", extra_dirs=(), select=None, ignore=None, severities=None,
               max_size: int | None = None, max_findings: int | None = None, facts: list | None = None):
    """Yield (path, text, diagnostics) per file, in the order given. ``max_size``: bytes beyond which a file
    is not read (GK017; None: the default, 0: no limit); ``max_findings``: per code and file (GK019);
    ``facts``: a list that gets each file's ``Facts`` in the same order (for :func:`corpus_diagnostics`)."""
    files = [p for p in paths if p != "-"]
    if "-" in paths and stdin_data is not None:
        src = read_bytes(stdin_data, stdin_name, max_size)
        yield stdin_name, src.excerpt_text, lint_source(src, ruleset, severities, max_findings, facts)
    if jobs == 0:
        jobs = os.cpu_count() or 1
    if jobs > 1 and len(files) > 8:
        from concurrent.futures import ProcessPoolExecutor   # imported here: a one-file check never needs it

        with ProcessPoolExecutor(jobs, initializer=_init_worker,
                                 initargs=(list(extra_dirs), select, ignore, severities, max_size, max_findings)) as ex:
            try:
                for path, text, diags, f in ex.map(_lint_one, files, chunksize=max(1, min(16, len(files) // (jobs * 4)))):
                    if facts is not None:
                        facts.append(f)
                    yield path, text, diags
            except (GeneratorExit, KeyboardInterrupt):   # stopped early (Ctrl-C): drop the files not started
                ex.shutdown(wait=True, cancel_futures=True)
                raise
        return
    for p in files:
        src = read_path(p, max_size)
        yield p, src.excerpt_text, lint_source(src, ruleset, severities, max_findings, facts)


def corpus_diagnostics(facts: list, ruleset: RuleSet, severities: dict[str, str] | None = None,
                       agencies=None) -> dict[str, list[Diagnostic]]:
    """The cross-year rules (kind ``corpus``, GK52x) over the reports of one run, grouped by agency: path →
    its new diagnostics, after select/ignore/severity. ``agencies``: a ``gklint.review.agency.AgencyMap``."""
    from .review.crossyear import run_corpus_rules
    from .rules.engine import finish

    by_path: dict[str, list[Diagnostic]] = {}
    for d in run_corpus_rules([f for f in facts if f is not None], ruleset, agencies):
        by_path.setdefault(d.path, []).append(d)
    return {p: finish(ds, ruleset, severities, 0) for p, ds in by_path.items()}
