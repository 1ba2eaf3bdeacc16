"""What ``gklint check``/``extract`` add around linting for a reviewer: the stream of per-file results
(in-process, a process pool or a Dask cluster), a progress bar on stderr, Ctrl-C, and the run's facts."""
from __future__ import annotations

import sys
from contextlib import contextmanager
from dataclasses import field

from ..records import mutable
from .agency import AgencyMap
from .store import FactStore


@mutable
class Run:
    """One run's per-report facts (input order; packed, ``gklint.review.store``) and whether it was interrupted."""

    agencies: AgencyMap = field(default_factory=AgencyMap)
    facts: FactStore = field(default_factory=FactStore)
    interrupted: bool = False
    done: int = 0

    def __init__(self, agencies: AgencyMap | None = None, facts: FactStore | None = None, interrupted: bool = False,
                 done: int = 0) -> None:
        self.agencies = AgencyMap() if agencies is None else agencies
        self.facts = FactStore() if facts is None else facts
        self.interrupted, self.done = interrupted, done

    def reports(self) -> dict[str, dict]:
        """path → {agency, agency_as_written, agency_source, year, year_source, format}."""
        out = {}
        for f in self.facts:
            if f is not None:
                out[f.path] = {"agency": self.agencies(f.agency), "agency_as_written": f.agency,
                               "agency_source": f.agency_source, "year": f.year, "year_source": f.year_source,
                               "format": f.format}
        return out


def load_agencies(path: str | None) -> AgencyMap:
    return AgencyMap.load(path) if path else AgencyMap()


def results(files, ruleset, run: Run, *, scheduler: str | None = None, **lint_options):
    """(path, text, diagnostics) per file in input order, from ``gklint.lint.lint_paths`` (``jobs``, ``cache``
    and the other ``lint_options`` are its) or, with ``scheduler`` (``tcp://host:8786`` or ``local``), from Dask
    workers (``jobs``: their number; no result cache); ``run.facts`` gets each file's facts."""
    if scheduler:
        from .dask_run import dask_lint_paths

        jobs = lint_options.pop("jobs", None)
        yield from dask_lint_paths(files, scheduler, facts=run.facts, workers=jobs if jobs and jobs > 0 else None,
                                   **lint_options)
        return
    from ..lint import lint_paths

    yield from lint_paths(files, ruleset, facts=run.facts, **lint_options)


def with_progress(items, total: int, run: Run, stream=None):
    """Yield ``items``; a rich progress bar on stderr when it is a terminal and there is more than one file.
    Ctrl-C, wherever it lands (here, in ``items`` or in the caller between two items), reaches the caller's loop,
    which stops the run with ``stop``: what was done so far stays in ``run``."""
    stream = stream or sys.stderr
    show = total > 1 and getattr(stream, "isatty", lambda: False)()
    with _bar(show, total, stream) as advance:
        for item in items:
            run.done += 1
            advance(item[0])
            yield item


def stop(run: Run, *iterators) -> None:
    """Ctrl-C: ``run`` is interrupted, and each of ``iterators`` that can be closed is (a pool's files not
    started are dropped)."""
    run.interrupted = True
    for items in iterators:
        close = getattr(items, "close", None)
        if close:
            try:
                close()
            except BaseException:  # noqa: BLE001 - a pool being torn down by the same Ctrl-C
                pass


@contextmanager
def _bar(show: bool, total: int, stream):
    if not show:
        yield lambda _path: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("检查"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  TextColumn("{task.description}"), console=Console(file=stream), transient=True) as bar:
        task = bar.add_task("", total=total)
        yield lambda path: bar.update(task, advance=1, description=str(path)[-40:])


def review_data(diagnostics, run: Run, files: list[str], ruleset, score_file: str | None = None) -> dict:
    """What the review outputs (``--statistics``, ``--format html``) show beyond the findings: each report's
    agency and year, the per-agency ranking (scored with ``score_file``), every reported rule's explain text."""
    from ..rules.explain import explain_text
    from .summary import Scoring, summarise

    scoring = Scoring.load(score_file) if score_file else None
    reports = run.reports()
    by_code = {r.code: r for r in (ruleset.known or ruleset.rules)}
    codes = {d.code for d in diagnostics}
    return {"reports": reports, "files": list(files),
            "ranking": summarise(diagnostics, reports, list(dict.fromkeys([*files, *(d.path for d in diagnostics)])), scoring),
            "scored": scoring is not None, "interrupted": run.interrupted,
            "explain": {c: explain_text(by_code[c]) for c in codes if c in by_code}}


def agency_table(rows) -> str:
    from .summary import agency_table as table

    return table(rows)
