"""The one place that knows where gklint's data lives.

In a source checkout (editable install) the grammars and rule packs are the top-level folders ``grammars/``
and ``rules/`` beside the package; in an installed wheel they are packaged as ``gklint/_data/grammars`` and
``gklint/_data/rules`` (see ``[tool.hatch.build.targets.wheel.force-include]`` in pyproject.toml).
"""
from __future__ import annotations

import itertools
import os
from functools import lru_cache
from pathlib import Path

_PKG = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def data_dir(kind: str) -> Path:
    """The folder of one kind of data: ``grammars``, ``rules``, ``templates`` or ``divisions``."""
    if kind in ("templates", "divisions"):
        return _PKG / "model" / kind
    for candidate in (_PKG.parent / kind, _PKG / "_data" / kind):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"gklint data folder {kind!r} not found beside {_PKG}")


def cache_dir() -> Path:
    """Where gklint keeps what it can rebuild (results, built grammar tables): ``$GKLINT_CACHE_DIR``, else the
    user cache folder (platformdirs: ``~/.cache/gklint`` on Linux)."""
    env = os.environ.get("GKLINT_CACHE_DIR")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("gklint", appauthor=False))


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """gklint's version and the size and time of each of its files (code and data: templates, divisions): what a
    kept result of gklint's work (a loaded rule pack, a file's findings) must be keyed by, so that a changed
    gklint, an edited checkout included, never gets results computed by another."""
    import hashlib

    from . import __version__

    lines = [__version__]

    def walk(folder: str, rel: str) -> None:     # os.scandir: one system call per file, ~3x os.walk's speed
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            return
        for e in entries:
            try:
                if e.is_dir():
                    if e.name != "__pycache__" and not e.name.startswith(".") and not e.is_symlink():
                        walk(e.path, f"{rel}/{e.name}")
                    continue
                if e.name.endswith((".pyc", ".pyo")):
                    continue
                st = e.stat()
            except OSError:
                continue
            lines.append(f"{rel}/{e.name}:{st.st_size}:{st.st_mtime_ns}")

    walk(str(_PKG), ".")
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def read_cached(path: Path, max_bytes: int) -> bytes | None:
    """A file of gklint's cache (``cache_dir()``): its bytes, or None when it is missing, unreadable or larger than
    ``max_bytes`` (a miss: the caller rebuilds what it holds)."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(max_bytes + 1)
    except OSError:
        return None
    return None if len(raw) > max_bytes else raw


def store_cached(path: Path, payload: bytes) -> None:
    """Keep ``payload`` as a file of gklint's cache, atomically (a parallel run reads the old file or the whole new
    one); best effort: a cache that cannot be written only costs the rebuild next time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, payload)
    except OSError:
        pass


def prune_files(folder, suffix: str, keep: int) -> None:
    """Remove all but the ``keep`` newest files of ``folder`` (by modification time) whose names end in ``suffix``:
    a cache folder whose entries are keyed by what produced them (a version, a configuration) would otherwise
    keep the old ones forever. Best effort: a file another process removed first is skipped."""
    try:
        with os.scandir(folder) as it:
            found = sorted((e.stat().st_mtime_ns, e.path) for e in it if e.name.endswith(suffix) and e.is_file())
    except OSError:
        return
    for _t, old in found[:-keep]:
        try:
            os.unlink(old)
        except OSError:
            pass


def derived_entry(kind: str, stem: str, source: bytes, max_bytes: int):
    """What gklint derives from one of its own data files (a template's YAML, the divisions table), kept as JSON
    in ``cache_dir()/kind``, named by the file's hash and gklint's version: ``(entry, keep)``. ``entry`` is the
    stored dict (its ``"source"`` is the file's hash), or None on a miss (missing, damaged or foreign: the caller
    derives it again); ``keep(fields)`` stores a new entry, only when JSON gives ``fields`` back exactly."""
    import hashlib
    import json

    from . import __version__

    digest = hashlib.sha256(source).hexdigest()
    key = hashlib.sha256(f"{digest}\0{__version__}".encode()).hexdigest()[:24]
    path = cache_dir() / kind / f"{stem}-{key}.json"
    raw = read_cached(path, max_bytes)
    entry = None
    if raw is not None:
        try:
            entry = json.loads(raw.decode("utf-8"))
        except (ValueError, RecursionError):     # undecodable, not JSON, or nested deeper than json.loads goes
            pass
    if not (isinstance(entry, dict) and entry.get("source") == digest):
        entry = None

    def keep(fields: dict) -> None:
        whole = {"source": digest, **fields}
        try:
            payload = json.dumps(whole, ensure_ascii=False).encode("utf-8")
        except (TypeError, ValueError):
            return              # a YAML date, a non-string key …: JSON would not carry it, so it is not kept
        if json.loads(payload) == whole:         # exactly (number keys would come back as strings)
            store_cached(path, payload)

    return entry, keep


def grammar_path(name: str) -> Path:
    return data_dir("grammars") / name


def rules_dir() -> Path:
    return data_dir("rules")


def template_path(version: str) -> Path:
    return data_dir("templates") / f"template-{version}.yaml"


def write_atomic(target, blob: bytes, *, keep_mode: bool = False, durable: bool = False) -> None:
    """Write atomically: a temporary file in the same folder (its name unique to this process), then
    ``os.replace``, so a reader sees the old file or the new one, never half of one. ``keep_mode``: the new file
    gets the mode of the one it replaces (a user's report rewritten by ``--fix``; else 0600, a cache file);
    ``durable``: flushed to disk before the rename."""
    tmp = f"{target}.{os.getpid()}.{next(_TMP_NUMBERS)}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            view = memoryview(blob)
            while view:
                view = view[os.write(fd, view):]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        if keep_mode:
            try:
                os.chmod(tmp, os.stat(target).st_mode & 0o7777)
            except OSError:
                pass
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


_TMP_NUMBERS = itertools.count()
