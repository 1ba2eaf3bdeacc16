"""Compiled regular expressions kept in the user cache, so that a command does not compile its patterns again.

``re`` compiles a pattern in pure Python (its parser, then its code generator, whose character-set optimiser is
slow on the CJK ranges gklint's patterns are full of): ~200 patterns, ~40 ms of a one-file check and ~50 ms of
each pool worker's first reports (those compiled on first use). What it makes of a pattern and its flags — the
program it hands to ``_sre.compile`` — depends on nothing else than the Python build, so it is kept in one JSON
file per build (``cache_dir()/regex``) and handed to ``_sre.compile`` directly the next time: ~20 µs a pattern.

This goes through ``re``'s internal compiler interface (``re._compiler.compile`` and ``_sre.compile``, the same
from 3.11 to 3.13), so it stays on the safe side of it: ``install`` does nothing on another Python or when that
interface does not look as expected; a program is stored only when the pattern it gives compares equal to what
``re`` compiles itself (``re.Pattern`` equality compares the program); a stored program is checked by
``_sre.compile``'s own validation, and a program that fails it, or any other failure, is compiled again by
``re``. Bytes patterns and DEBUG compiles are left to ``re``. The file is bounded (``MAX_ENTRIES``, ``MAX_BYTES``):
a pack with many patterns only stops adding to it.

Installed by the command line (``gklint.cli``) for the process it runs in; forked pool workers inherit it and store
what they compile at the end of each chunk (``flush``), the main process at exit.
"""
from __future__ import annotations

import base64
import os
import sys
import time
from array import array

MAX_ENTRIES = 4096             # patterns kept in the file
MAX_BYTES = 16 * 1024 * 1024   # bytes of the file
MAX_CODE = 1 << 16             # code words of one kept program (a larger one is compiled each time)
LOCK_TRIES = 50                # 10 ms apart: how long a flush waits for another process's
_VERSIONS = ((3, 11), (3, 12), (3, 13))

_table: dict | None = None     # "flags:pattern" → [flags, code (base64 of 32-bit words), groups, groupindex, indexgroup]
_new: dict = {}                # entries made in this process and not yet stored
_where = None                  # the file, fixed when it is first read


def install() -> bool:
    """Route ``re``'s compiles through the kept programs; True when installed (also already)."""
    try:
        import _sre
        from re import _compiler, _parser

        if getattr(_compiler.compile, "_kept", False):
            return True
        if (sys.implementation.name != "cpython" or sys.version_info[:2] not in _VERSIONS
                or _sre.CODESIZE != 4 or array("I").itemsize != 4 or not hasattr(_parser, "parse")
                or not hasattr(_compiler, "_code")):
            return False
        # what reading and writing the table needs, imported before the hook is in place: their own patterns
        # (json's, platformdirs') are then never compiled while the table is being read
        import hashlib, json  # noqa: E401,F401
        from .resources import cache_dir

        cache_dir()
    except (ImportError, AttributeError):
        return False
    original = _compiler.compile

    def compile(p, flags=0):
        if type(p) is not str or not isinstance(flags, int) or flags & _compiler.SRE_FLAG_DEBUG:
            return original(p, flags)
        flags = int(flags)      # re passes an int; a RegexFlag from elsewhere is the same key
        key = f"{flags}:{p}"
        kept = (_table if _table is not None else _load()).get(key) or _new.get(key)
        if kept is not None and _well_formed(kept):      # (checked here, when used: most entries of a run are not)
            try:
                return _sre.compile(p, kept[0], _code_of(kept[1]), kept[2], kept[3], tuple(kept[4]))
            except Exception:  # noqa: BLE001 - damaged or foreign: compile it as re does
                pass
        made = original(p, flags)
        _keep(key, p, flags, made, _sre, _compiler, _parser)
        return made

    compile._kept = True
    compile.__wrapped__ = original
    _compiler.compile = compile
    import atexit

    atexit.register(flush)
    return True


def _keep(key, p, flags, made, _sre, _compiler, _parser) -> None:
    """Remember the program of a pattern ``re`` has just compiled (``made``), when the same program made here gives
    an equal pattern: what re._compiler.compile does, step by step, so that its arguments can be kept."""
    if len(_new) + len(_table or ()) >= MAX_ENTRIES:
        return
    try:
        parsed = _parser.parse(p, flags)
        code = _compiler._code(parsed, flags)
        if len(code) > MAX_CODE:
            return
        groupindex = dict(parsed.state.groupdict)
        indexgroup = [None] * parsed.state.groups
        for name, i in groupindex.items():
            indexgroup[i] = name
        entry = [flags | parsed.state.flags, _text_of(code), parsed.state.groups - 1, groupindex, indexgroup]
        again = _sre.compile(p, entry[0], _code_of(entry[1]), entry[2], entry[3], tuple(entry[4]))
    except Exception:  # noqa: BLE001 - not ours to keep
        return
    if again == made:
        _new[key] = entry


def _text_of(code: list) -> str:
    return base64.b64encode(array("I", code).tobytes()).decode("ascii")


def _code_of(text: str) -> list:
    words = array("I")
    words.frombytes(base64.b64decode(text, validate=True))
    return words.tolist()


def _file():
    import hashlib

    import _sre

    from .resources import cache_dir

    build = f"{sys.version}\0{sys.implementation.cache_tag}\0{_sre.MAGIC}\0{_sre.MAXREPEAT}\0{_sre.MAXGROUPS}"
    return cache_dir() / "regex" / f"{hashlib.sha256(build.encode()).hexdigest()[:24]}.json"


def _load() -> dict:
    """The kept programs (read once a process; an empty table when the file is missing, damaged or too large)."""
    global _table, _where
    _table = {}       # first: a compile while the file is read (none is expected) finds an empty table
    try:
        _where = _file()
        _table.update(_read(_where, checked=False))
    except Exception:  # noqa: BLE001 - the table is a cache: without it every pattern is compiled as re does
        _where = None
    return _table


def _read(path, checked: bool = True) -> dict:
    """The stored table (its first ``MAX_ENTRIES``), only the well-formed entries unless not ``checked``."""
    import json

    from .resources import read_cached

    raw = read_cached(path, MAX_BYTES)
    try:
        data = json.loads(raw) if raw is not None else {}
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    if not checked:
        return data if len(data) <= MAX_ENTRIES else dict(list(data.items())[:MAX_ENTRIES])
    return {k: v for k, v in list(data.items())[:MAX_ENTRIES] if _well_formed(v)}


def _well_formed(entry) -> bool:
    return (type(entry) is list and len(entry) == 5 and type(entry[0]) is int and type(entry[1]) is str
            and type(entry[2]) is int and type(entry[3]) is dict and type(entry[4]) is list
            and all(type(v) is int for v in entry[3].values())
            and all(n is None or type(n) is str for n in entry[4]))


def flush() -> None:
    """Store the programs made in this process since the last flush, with those the file holds now (another
    process may have added some): best effort, atomic (a reader sees the old file or the new one), and under a
    lock where the system has one, so that two workers storing at once keep both their additions."""
    if not _new or _where is None:
        return
    import json

    from .resources import store_cached

    with _locked(_where):
        merged = _read(_where)
        for key, entry in list(_new.items()):
            if len(merged) >= MAX_ENTRIES:
                break
            merged[key] = entry
        payload = json.dumps(merged, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        if len(payload) <= MAX_BYTES:
            store_cached(_where, payload)
    _table.update(_new)
    _new.clear()


class _locked:
    """An exclusive ``flock`` on ``<file>.lock`` for the time of a read-merge-write (none where there is no
    ``fcntl``, the lock file cannot be made or the lock is not had within ``LOCK_TRIES`` tries: then the last
    writer's additions win, the others come back on a later run)."""

    def __init__(self, path):
        self.path, self.fd = path, None

    def __enter__(self):
        try:
            import fcntl

            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.fd = os.open(f"{self.path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
            for _ in range(LOCK_TRIES):        # bounded: a holder that never lets go costs at most ~0.5 s
                try:
                    fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    time.sleep(0.01)
        except (ImportError, OSError):
            if self.fd is not None:
                os.close(self.fd)
            self.fd = None
        return self

    def __exit__(self, *exc):
        if self.fd is not None:
            os.close(self.fd)        # closing the last descriptor releases the lock
