"""Linting files end to end: read → parse → rules, one file at a time or in parallel."""
from __future__ import annotations

import os
import re
import sys
from typing import Iterable

from .api import parse_source
from .diagnostics import Diagnostic
from . import fixes, suppress
from .rules.engine import RuleSet, finish, load_ruleset, run_rules
from .readers import Source, read_bytes, read_path, read_within, report_suffixes
from .regexcache import flush as flush_patterns, install as install_patterns
from .startup import file_done


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
        # by path components (a folder's files before a sibling folder named like them plus "-"), split on
        # the separator os.walk joined them with: Path().parts would intern every name for the whole run
        out.extend(sorted(errors) + sorted(found, key=lambda f: f.split(os.sep)))
        if not found and not errors:
            empty.append(p)
    return out, empty


def lint_source(source: Source, ruleset: RuleSet, severities: dict[str, str] | None = None,
                max_findings: int | None = None, facts: list | None = None) -> list[Diagnostic]:
    """The file's diagnostics; ``facts``: a list that gets the report's ``gklint.review.facts.Facts``
    (who, when, the cells and sentences cross-year rules compare)."""
    return _suppressed(source, _findings(source, ruleset, severities, max_findings, facts), ruleset, severities)


def _findings(source: Source, ruleset: RuleSet, severities, max_findings, facts: list | None,
              packed: bool = False) -> list[Diagnostic]:
    """Parse and rules, placed in the original file: what the result cache keeps (a function of the bytes).
    ``packed``: ``facts`` gets the facts packed (``gklint.review.store.Packed``), without making ``Facts``."""
    parsed = parse_source(source)
    found = run_rules(parsed, ruleset, severities=severities, max_findings=max_findings)
    if facts is not None:
        if packed:      # (one import statement a file: each costs ~1.5 µs)
            from .review.store import packed_facts

            facts.append(packed_facts(parsed, source))
        else:
            from .review.facts import safe_facts

            facts.append(safe_facts(parsed, source))
    return [fixes.relocate(source, d) for d in found] if source.mapped else found


def _suppressed(source: Source, found: list[Diagnostic], ruleset: RuleSet, severities) -> list[Diagnostic]:
    """Suppression comments and sidecar files (a sidecar is another file: applied after the cache too)."""
    kept, about = suppress.apply(source, found, ruleset)
    return kept + finish(about, ruleset, severities, 0) if about else kept


def lint_file(path: str, ruleset: RuleSet, severities: dict[str, str] | None = None, max_size: int | None = None,
              max_findings: int | None = None, cache=None, probe: bool = True,
              encode=None) -> tuple[str, str, list[Diagnostic], object]:
    """(path, text for excerpts, diagnostics, facts) of one file, from ``cache`` (a
    ``gklint.cache.ResultCache``) when it holds the results for these bytes, else linted (and stored). The
    facts are packed (``gklint.review.store.Packed``: what travels from a worker and what a run keeps).
    ``probe=False``: the caller already found no entry (a pool worker after the parent's ``cached_file``).
    ``encode``: see ``lint_paths`` (the text is then None); the concise lines
    (``gklint.formatters.spool.encode_concise``) are kept in the cache entry, and served from it as they are
    when no suppression applies to the file."""
    data = read_within(path, max_size)
    if data is None:   # a file too large or unreadable: read_path gives its GK017/GK001 (nothing to cache)
        return _linted(path, read_path(path, max_size), ruleset, severities, max_findings, encode)
    if cache is not None and probe and (got := _cached(path, data, ruleset, severities, cache, encode)) is not None:
        return got
    src = read_bytes(data, path, 0)       # as read_path does once the size is checked
    if cache is None:
        return _linted(path, src, ruleset, severities, max_findings, encode)
    from .cache import Hit

    facts: list = []
    found = _findings(src, ruleset, severities, max_findings, facts, True)
    lines = encode(path, found) if _keeps_lines(encode) else None
    hit = Hit(src.excerpt_text, src.format, found, facts[0], lines)
    cache.put(path, data, hit, src.encoding)
    if lines is not None and suppress.none_apply(src):
        return path, None, lines, hit.facts
    return _encoded((path, hit.text, _suppressed(src, found, ruleset, severities), hit.facts), encode)


def _linted(path: str, src: Source, ruleset: RuleSet, severities, max_findings, encode):
    """``lint_file``'s result for a source linted with no cache entry to make."""
    facts: list = []      # (what lint_source does, the facts packed)
    found = _suppressed(src, _findings(src, ruleset, severities, max_findings, facts, True), ruleset, severities)
    return _encoded((path, src.excerpt_text, found, facts[0]), encode)


def _keeps_lines(encode) -> bool:
    """Whether ``encode`` is the one whose output a cache entry keeps (the concise lines)."""
    if encode is None:
        return False
    spool = sys.modules.get("gklint.formatters.spool")   # loaded if encode is its function (no import statement)
    return spool is not None and encode is spool.encode_concise


def cached_file(path: str, ruleset: RuleSet, severities, max_size, cache, encode=None):
    """``lint_file``'s result when ``cache`` holds it, else None (nothing linted)."""
    data = read_within(path, max_size)
    return _cached(path, data, ruleset, severities, cache, encode) if data is not None else None


def _cached(path: str, data: bytes, ruleset: RuleSet, severities, cache, encode):
    """The result the cache holds for ``path`` with these bytes, or None: its stored concise lines as they are
    when no suppression applies (nothing decoded, nothing formatted), else its diagnostics with suppressions."""
    lines = _keeps_lines(encode)
    hit = cache.get(path, data, lines)
    if hit is not None and hit.diagnostics is None:
        if suppress.none_apply(_source(path, hit)):
            return path, None, hit.lines, hit.facts
        hit = cache.get(path, data)
    if hit is None:
        return None
    src = _source(path, hit)
    return _encoded((path, hit.text, _suppressed(src, hit.diagnostics, ruleset, severities), hit.facts), encode)


def _source(path: str, hit) -> Source:
    return Source(path, "", "", format=hit.format, original=hit.text)   # what suppressions read of a file


#: Up to this many files are linted in-process: starting a pool costs more than it saves.
SERIAL_UP_TO = 8
#: With a result cache and more files than this, the workers look each file up too (else the parent does,
#: serving hits itself): on a warm run the hits are the work, and two processes serve them faster than one.
WORKERS_PROBE_FROM = 256
#: Chunks in flight per worker: enough to keep every worker busy, few enough that finished results do not pile up.
WINDOW_PER_JOB = 4
#: Files per chunk at most: a file linted is ~2 ms of work, a chunk's round trip through the pool ~0.5 ms; a file
#: served from the cache is ~0.15 ms, so chunks of cache look-ups are larger (32 -> 128: an unchanged run over
#: 10,000 files 0.90, in alternation).
CHUNK_FILES = 16
PROBE_CHUNK_FILES = 128

_WORKER: dict = {}


def _init_worker(state: dict | None, recipe: tuple) -> None:
    """``state``: the parent's loaded rule set and options, inherited through fork (nothing rebuilt, nothing
    pickled); without fork (macOS, Windows) ``recipe`` rebuilds the rule set in each worker."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C is the parent's to handle (it stops the pool)
    if state is None:
        install_patterns()      # a spawned worker: not the command line's process (gklint.regexcache)
        extra_dirs, select, ignore, severities, max_size, max_findings, cache = recipe
        state = {"ruleset": load_ruleset(extra_dirs).select(select, ignore), "severities": severities,
                 "max_size": max_size, "max_findings": max_findings, "cache": cache}
    _WORKER.update(state)


def _lint_chunk(paths: list[str], probe: bool = False, encode=None) -> list:
    """``lint_file`` results for a worker's chunk, their diagnostics as plain tuples (``_rows``): pickled and
    rebuilt at a fraction of a dataclass's cost, in the parent that receives every file's. ``probe``: look the
    files up in the cache (else the parent already did); ``encode``: see ``lint_paths``."""
    results = []
    for p in paths:
        results.append(lint_file(p, **_WORKER, probe=probe, encode=encode))
        file_done()
    flush_patterns()     # what this worker compiled first (a forked worker's exit runs no atexit: gklint.regexcache)
    if encode is not None:
        return results
    return [(path, text, _rows(diags), facts) for path, text, diags, facts in results]


def _rows(diags: list[Diagnostic]) -> list[tuple]:
    return [(d.path, d.line, d.column, d.end_line, d.end_column, d.severity.value, d.code, d.name, d.message, d.fix,
             d.extra, d.page, d.location) for d in diags]


def _received(result, encode=None):
    if encode is not None:
        return result
    from .cache import diagnostic_of

    path, text, rows, facts = result
    return path, text, [diagnostic_of(r) for r in rows], facts


def _encoded(result, encode):
    """A result made in this process, in the form ``encode`` gives (as a worker would send it)."""
    if encode is None:
        return result
    path, _text, diags, facts = result
    return path, None, encode(path, diags), facts


def cpu_count() -> int:
    """The CPUs this process may run on (a container's or taskset's share, not the machine's)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def lint_paths(paths: list[str], ruleset: RuleSet, *, jobs: int | None = 1, stdin_data: bytes | None = None,
               stdin_name: str = "-", extra_dirs=(), select=None, ignore=None, severities=None,
               max_size: int | None = None, max_findings: int | None = None, facts: list | None = None,
               cache=None, encode=None):
    """Yield (path, text, diagnostics) per file, in the order given, each as soon as it and those before it
    are done. ``jobs``: worker processes (None or 0: one per CPU; a handful of files is linted in-process);
    ``max_size``: bytes beyond which a file is not read (GK017; None: the default, 0: no limit);
    ``max_findings``: per code and file (GK019); ``facts``: a list that gets each file's ``Facts`` in the same
    order (for :func:`corpus_diagnostics`); ``cache``: a ``gklint.cache.ResultCache`` (standard input never is);
    ``encode``: a module-level function, ``encode(path, diagnostics)`` is yielded instead of the diagnostics
    (and None instead of the text), made where the file was linted: from a worker only that crosses."""
    files = [p for p in paths if p != "-"]
    if cache is not None and hasattr(facts, "hash_as_appended"):
        facts.hash_as_appended()        # what corpus_diagnostics keys the run's cross-year findings by
    if "-" in paths and stdin_data is not None:
        src = read_bytes(stdin_data, stdin_name, max_size)
        found = lint_source(src, ruleset, severities, max_findings, facts)
        yield (stdin_name, src.excerpt_text, found) if encode is None else (stdin_name, None, encode(stdin_name, found))
    jobs = cpu_count() if not jobs else jobs
    if jobs > 1 and len(files) > SERIAL_UP_TO:
        results = _pooled(files, ruleset, jobs, (list(extra_dirs), select, ignore, severities, max_size,
                                                 max_findings, cache), encode)
    else:
        results = (lint_file(p, ruleset, severities, max_size, max_findings, cache, encode=encode) for p in files)
    try:
        for path, text, diags, f in results:
            if facts is not None:
                facts.append(f)
            file_done()
            yield path, text, diags
    finally:
        close = getattr(results, "close", None)
        if close:
            close()      # stopped early: the pool drops the chunks not started


class _Chunk:
    """Files for one worker task, and its future once submitted."""

    __slots__ = ("paths", "future", "left")

    def __init__(self):
        self.paths: list[str] = []
        self.future = None
        self.left = 0       # results not yet yielded


def _pooled(files: list[str], ruleset: RuleSet, jobs: int, recipe: tuple, encode=None):
    """``lint_file`` results in input order. Up to ``WORKERS_PROBE_FROM`` files, those the cache holds are served
    here (a worker would only add the cost of sending them back) and the others go to a process pool; beyond it,
    every file goes to the pool and the workers look it up in the cache themselves. Files travel in chunks, at
    most a window of chunks in flight; the pool starts at the first chunk."""
    from collections import deque

    *_, severities, max_size, max_findings, cache = recipe
    probe = cache is not None and len(files) > WORKERS_PROBE_FROM
    size = max(1, min(PROBE_CHUNK_FILES if probe else CHUNK_FILES, len(files) // (jobs * 4)))
    window = jobs * WINDOW_PER_JOB
    pending: deque = deque()       # per file in input order: its result, or (chunk, index) while it is linted
    chunk, flying, ex = _Chunk(), 0, None

    def submit() -> None:
        nonlocal chunk, flying, ex
        if ex is None:
            ex = _pool(ruleset, min(jobs, -(-len(files) // size)), recipe)
        chunk.future, chunk.left = ex.submit(_lint_chunk, chunk.paths, probe, encode), len(chunk.paths)
        chunk, flying = _Chunk(), flying + 1

    def take():
        nonlocal flying
        head = pending.popleft()
        if type(head[0]) is not _Chunk:
            return head
        c, i = head
        if c.future is None:       # the chunk still being filled: send it as it is
            submit()
        c.left -= 1
        if not c.left:
            flying -= 1
        got = _received(c.future.result()[i], encode)
        # the path as this process holds it (``files``), not the equal string unpickled: a run keeps one
        return (c.paths[i], *got[1:]) if got[0] == c.paths[i] else got

    def ready() -> bool:   # the first result is there, or so much is waiting behind it that we wait for it
        c = pending[0][0]
        return (type(c) is not _Chunk or flying >= window or len(pending) > window * size
                or (c.future is not None and c.future.done()))

    try:
        for left, p in zip(range(len(files), 0, -1), files):
            got = cached_file(p, ruleset, severities, max_size, cache, encode) if cache is not None and not probe else None
            if got is not None:
                pending.append(got)
            else:
                pending.append((chunk, len(chunk.paths)))
                chunk.paths.append(p)
                # chunks get smaller towards the end (at most a 2 * jobs-th of what is left), so the workers
                # finish together instead of one waiting for another's last full chunk
                if len(chunk.paths) >= min(size, max(1, left // (2 * jobs))):
                    submit()
            while pending and ready():
                yield take()
        while pending:
            yield take()
    except (GeneratorExit, KeyboardInterrupt):   # stopped early (Ctrl-C): drop the chunks not started
        if ex is not None:
            ex.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        if ex is not None:
            ex.shutdown(wait=True)


def _pool(ruleset: RuleSet, workers: int, recipe: tuple):
    """A process pool whose workers inherit the loaded rule set through fork (Linux), or rebuild it from
    ``recipe`` where fork is not the way (macOS, Windows)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor   # imported here: a one-file check never needs it

    fork = "fork" in multiprocessing.get_all_start_methods() and sys.platform.startswith("linux")
    if fork:      # what the workers inherit stays out of every collection: no copy-on-write of its pages for the
        import gc  # collector's bookkeeping, and the parent's own collections skip the loaded rule set
        gc.freeze()
    *_, severities, max_size, max_findings, cache = recipe
    state = {"ruleset": ruleset, "severities": severities, "max_size": max_size, "max_findings": max_findings,
             "cache": cache} if fork else None
    return ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(state, recipe),
                               mp_context=multiprocessing.get_context("fork" if fork else None))


def corpus_diagnostics(facts: list, ruleset: RuleSet, severities: dict[str, str] | None = None,
                       agencies=None, cache=None) -> dict[str, list[Diagnostic]]:
    """The cross-year rules (kind ``corpus``, GK52x) over the reports of one run, grouped by agency: path →
    its new diagnostics, after select/ignore/severity. ``agencies``: a ``gklint.review.agency.AgencyMap``;
    ``cache``: a ``gklint.cache.ResultCache`` that keeps them for ``facts`` given as a
    ``gklint.review.store.FactStore`` (an unchanged run then unpacks no facts at all)."""
    from .review.crossyear import run_corpus_rules
    from .rules.engine import finish

    key = _corpus_key(facts, agencies) if cache is not None else None
    if key is not None and (got := cache.get_corpus(key)) is not None:
        return got
    by_path: dict[str, list[Diagnostic]] = {}
    for d in run_corpus_rules(facts, ruleset, agencies):
        by_path.setdefault(d.path, []).append(d)
    out = {p: finish(ds, ruleset, severities, 0) for p, ds in by_path.items()}
    if key is not None:
        cache.put_corpus(key, out)
    return out


def _corpus_key(facts, agencies) -> str | None:
    """The facts (the store's hash of them) and the agency map; the folder is the run key's (rules, packs,
    plugins with the corpus checks, severities, gklint's version)."""
    import hashlib

    digest = getattr(facts, "digest", None)
    if digest is None:
        return None
    names = agencies.pairs() if agencies is not None else []
    return hashlib.sha256(repr((digest(), names)).encode("utf-8", "surrogatepass")).hexdigest()
