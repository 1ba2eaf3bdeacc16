"""Scale-out on Dask (``distributed``): ``--scheduler tcp://HOST:8786`` uses a running cluster,
``--scheduler local`` starts a ``LocalCluster``. The workers read, parse and lint (PDF extraction is the
cost of a national corpus, so it must not run on the client); results come back in input order into the
same formatters, cross-year pass and summary. A lost worker's tasks are retried by Dask (``retries``); a
failing file is a GK009 diagnostic from the task itself. Files are read by path on the workers: every
machine needs the same paths (a shared or copied folder) and the same gklint version.
"""
from __future__ import annotations

from collections import deque
from contextlib import contextmanager

from . import tasks

#: Tasks in flight per worker thread: enough to keep workers busy, few enough that the client holds little.
WINDOW_PER_THREAD = 4
#: Files per task: Dask's own cost per task (scheduling, transfer) is spread over a few files.
FILES_PER_TASK = 8


@contextmanager
def client_for(scheduler: str, workers: int | None = None):
    try:
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - depends on the install
        raise RuntimeError("--scheduler 需要 Dask：pip install 'gklint[dask]'") from None
    if scheduler == "local":
        with LocalCluster(n_workers=workers or None, threads_per_worker=1, processes=True,
                          dashboard_address=":0") as cluster, Client(cluster) as client:
            yield client
    else:
        with Client(scheduler, timeout="30s") as client:
            yield client


def ordered_results(files, scheduler: str, opts: dict, *, cells: bool = False, workers: int | None = None):
    """``tasks.lint_task`` results for ``files`` in input order, at most a window of tasks in flight."""
    with client_for(scheduler, workers) as client:
        threads = max(1, sum(client.nthreads().values()))
        window = threads * WINDOW_PER_THREAD
        pending: deque = deque()
        batches = (files[i:i + FILES_PER_TASK] for i in range(0, len(files), FILES_PER_TASK))
        todo = iter(enumerate(batches))

        def submit() -> bool:
            nxt = next(todo, None)
            if nxt is None:
                return False
            i, batch = nxt
            pending.append(client.submit(tasks.lint_batch, batch, opts, cells, key=f"gklint-{i}-{batch[0]}",
                                         pure=False, retries=3))
            return True

        while len(pending) < window and submit():
            pass
        try:
            while pending:
                fut = pending.popleft()
                batch = fut.result()
                fut.release()
                submit()
                yield from batch
        finally:
            for fut in pending:
                fut.cancel()


def dask_lint_paths(paths, scheduler: str, *, facts: list | None = None, stdin_data=None, stdin_name="-",
                    extra_dirs=(), select=None, ignore=None, severities=None, max_size=None, max_findings=None,
                    workers: int | None = None, cache=None):
    """Like ``gklint.lint.lint_paths``: (path, text, diagnostics) per file in input order, from Dask workers
    (standard input is read on the client). ``cache`` is not used: the result cache is a folder on this
    machine, and the files are read on the workers'."""
    from ..lint import lint_source
    from ..readers import read_bytes
    from ..rules.engine import load_ruleset

    if "-" in paths and stdin_data is not None:
        rs = load_ruleset(extra_dirs).select(select, ignore)
        src = read_bytes(stdin_data, stdin_name, max_size)
        yield stdin_name, src.excerpt_text, lint_source(src, rs, severities, max_findings, facts)
    files = [p for p in paths if p != "-"]
    opts = tasks.options(extra_dirs, select, ignore, severities, max_size, max_findings)
    for path, text, diags, f, _cells in ordered_results(files, scheduler, opts, workers=workers):
        if facts is not None:
            facts.append(f)
        yield path, text, diags
