"""Garbage collection during a command's start-up.

Importing gklint and loading a rule set make hundreds of thousands of objects (modules, classes, compiled
patterns, rules) that live until the process ends and form few cycles; the cyclic collector would walk them ~100
times over for nothing (~10-15 ms of a one-file check). So ``gklint check`` pauses it from the start of the
command (``pause_gc``, in the CLI's group; with ``python -m gklint`` from before the CLI's modules are imported,
and the group resumes it at once for the other commands) until its rule set is loaded (``resume_gc``, at the end of
``load_ruleset``), and then freezes what exists so far: those objects are never walked again, and a worker
forked afterwards does not write to their pages (no copy-on-write). Collection then runs, its youngest
generation every ``YOUNG`` allocations, and a full collection every ``FULL_EVERY`` files (``file_done``).

Only a pause made here is resumed here: a library caller of ``load_ruleset`` (an editor, the tests) keeps its
collector as it is and has nothing frozen.
"""
from __future__ import annotations

import gc

_paused = False
YOUNG = 10_000      #: allocations between two collections of the youngest generation in a ``check`` run
#: files between two full collections in a ``check`` run (in each process that lints or receives files)
FULL_EVERY = 500
_countdown = 0      # files until the next full collection; 0: not a ``check`` run's process (nothing done)


def pause_gc() -> None:
    """Stop the cyclic collector until ``resume_gc`` (nothing when it is off already: someone else's choice)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_gc(freeze: bool = True) -> None:
    """Freeze what the start-up made (unless not ``freeze``: a command other than ``check``) and collect again,
    when ``pause_gc`` stopped the collector."""
    global _paused, _countdown
    if _paused:
        _paused = False
        if freeze:
            _countdown = FULL_EVERY
            gc.freeze()
            # the youngest generation collected every YOUNG allocations, not 700: a report's model (thousands of
            # objects, freed by reference counting when it is done) is then walked about once, not once for each
            # 700 objects made after it, ~1 % of a report's instructions; the garbage cycles a run leaves
            # between two collections stay a few MB at most
            gc.set_threshold(YOUNG, *gc.get_threshold()[1:])
        gc.enable()


def file_done() -> None:
    """One more file linted (or received from a pool worker) in a ``check`` run: every ``FULL_EVERY`` files, a
    full collection. With the youngest generation collected only every ``YOUNG`` allocations, the oldest is
    almost never collected over a run, and only a full collection empties the interpreter's free lists (up to
    2000 tuples of each size, lists and dicts kept for reuse): without it they and the garbage that reached
    the oldest generation fill up over thousands of files (peak memory +4 MiB from 1000 to 20,000 reports).
    With nothing but the run's own objects to walk (the start-up's are frozen), one costs ~3 ms."""
    global _countdown
    if _countdown:
        _countdown -= 1
        if not _countdown:
            gc.collect()
            _countdown = FULL_EVERY


def quick_exit(code) -> None:
    """End the process with ``code`` (a ``SystemExit`` code) without the interpreter's teardown.

    Tearing down a process that has loaded gklint frees every module, class, pattern and rule one by one: ~12 ms
    after a one-file check, ~30 ms after a check of 1000 reports, for nothing the user sees. Here the exit
    functions run (``atexit``: what gklint keeps in its cache, temporary folders), the standard streams are
    flushed, and ``os._exit`` ends the process. Whenever that would not be the same as a normal exit — another
    thread still runs, an exit code that is a message, a stream that cannot be flushed (a closed pipe), a
    profiler or tracer at work (``python -m cProfile -o``) — the normal exit is taken instead (``sys.exit``)."""
    import atexit
    import os
    import sys
    import threading

    code = 0 if code is None else code
    if (type(code) is not int or threading.active_count() != 1 or not hasattr(atexit, "_run_exitfuncs")
            or sys.getprofile() is not None or sys.gettrace() is not None):
        sys.exit(code)          # (a profiler or a tracer writes its results once the program has returned)
    atexit._run_exitfuncs()      # (they run once: a normal exit after this finds none left)
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        sys.exit(code)           # as Python reports it at exit (a closed pipe: status 120)
    os._exit(code & 0xFF)
