"""The result cache (issue 9; Ruff's idea): a file whose bytes, rules and settings are unchanged is not linted again.

Layout: ``<root>/results/v<SCHEMA>/<run key>/<entry>.json``. The root is ``--cache-dir``, else
``GKLINT_CACHE_DIR``, else the configuration's ``cache-dir``, else the user cache folder (``gklint.resources``).
The *run key* hashes everything besides the file that changes a file's findings: gklint's version, its code and
data files (an editable checkout never serves results of older code), every rule-pack folder's files, every
plugin with its version and code, the selected and ignored rules, severities, size and findings limits. A
changed setting therefore starts a fresh folder, as Ruff's ``.ruff_cache/<version>/<settings hash>`` does (the
``KEEP_RUNS`` most recently used are kept). One *entry* per file (named by its path) holds the SHA-256 of its
bytes and what linting them gave before suppressions (which read a sidecar file and are re-applied on every
run): diagnostics, the cross-year facts, the text the formatters show, and the diagnostics as concise lines
when a concise run wrote it. An edit overwrites the same entry: the cache grows with the files, not the edits.
An entry is one JSON line (path, hash, text, format, the facts' scalar fields and the sizes of what follows),
then the diagnostics (JSON), the packed facts' blob as it travels (``gklint.review.store``) and the concise lines
(``gklint.formatters.spool``): a hit decodes the line, and then either the diagnostics or, for a concise run
and a file no suppression applies to, only checks the lines and hands them on as they are; the facts' blob is
unpacked, and checked, only if cross-year rules run; a hit's facts refer to their place in the entry instead of
holding the blob (``gklint.review.store``), read again only if the run's cross-year findings are not cached.

``<run key>/corpus/<key>.json`` keeps a run's cross-year findings under the hash of all its reports' facts (in
order) and the agency map (``gklint.lint.corpus_diagnostics``): an unchanged run unpacks no facts at all. The
``KEEP_CORPUS`` most recent are kept.

Entries are JSON: data only, no object serialisation that could run code of whoever writes the folder. One
that is truncated, corrupt, foreign or for other bytes is a miss, never an error (a facts blob that does not
unpack gives the facts of the file read again); writes go to a temporary file in the same folder and are moved
into place (``os.replace``), so parallel runs and Ctrl-C never leave half an entry. A folder that cannot be
written only means no cache. There is no index: ``rm -r <root>/results`` purges. On a large run (more than
``gklint.lint.WORKERS_PROBE_FROM`` files) the pool's workers look the files up, so hits are served by every CPU.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .diagnostics import Diagnostic, Severity
from .resources import prune_files, write_atomic

SCHEMA = 4     # 2: facts packed (gklint.review.store); 3: diagnostics after the head line, concise lines kept;
               # 4: the packed facts' places on a line of their own
ENV = "GKLINT_CACHE_DIR"
#: files of one folder fingerprinted at most (a pack or plugin folder is a few dozen)
MAX_FOLDER_FILES = 2000
#: run folders (one per gklint version and settings) kept; older ones are removed when a new one starts
KEEP_RUNS = 16
#: a pack's files are hashed up to this size (rule files are at most 256 KB); a larger one by size and time
MAX_HASHED_FILE = 1 << 20
#: an entry larger than this many times its file (plus a slack) is not read: bounded work on a foreign file
MAX_ENTRY_SLACK = 1 << 20
#: a run's cross-year findings larger than this are not read back (bounded work on a foreign file)
MAX_CORPUS_ENTRY = 256 << 20
#: cross-year entries (one per set of reports checked together) kept per run folder
KEEP_CORPUS = 32


def cache_root(option: str | None, configured: str | None) -> Path:
    """``--cache-dir``, ``GKLINT_CACHE_DIR``, the configuration's ``cache-dir``, the user cache folder."""
    from .resources import cache_dir   # the one place that knows GKLINT_CACHE_DIR and the user cache folder

    if option:
        return Path(option).expanduser()
    if configured and not os.environ.get(ENV):
        return Path(configured)
    return cache_dir()


def _digest(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()


def _folder_signature(folder: Path, *, content: bool) -> list:
    """(relative path, content hash or size+mtime) of the files under ``folder``; hidden folders and
    ``__pycache__`` left out. ``content``: hash the bytes (rule files: small, edited in place, copied with
    their times kept)."""
    out: list = []
    try:
        for root, dirs, names in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
            for name in sorted(names):
                if len(out) >= MAX_FOLDER_FILES:
                    return out + ["…"]
                p = os.path.join(root, name)
                try:
                    st = os.stat(p)
                    sig = (st.st_size, st.st_mtime_ns)
                    if content and st.st_size <= MAX_HASHED_FILE:
                        with open(p, "rb") as fh:
                            sig = hashlib.sha256(fh.read(MAX_HASHED_FILE + 1)).hexdigest()
                except OSError:
                    sig = None
                out.append((p[len(str(folder)):], sig))
    except OSError:
        pass
    return out


def _code_signature(module) -> list:
    """Size and mtime of a plugin module's files (its whole package for a package): code changes without a
    new version in an editable install."""
    f = getattr(module, "__file__", None)
    if not f:
        return [getattr(module, "__name__", repr(module))]
    p = Path(f)
    if p.name == "__init__.py":
        return [str(p.parent), _folder_signature(p.parent, content=False)]
    try:
        st = p.stat()
        return [str(p), st.st_size, st.st_mtime_ns]
    except OSError:
        return [str(p)]


def run_key(ruleset, extra_dirs=(), severities=None, max_size=None, max_findings=None) -> str:
    """The hash of everything besides a file's bytes that its (pre-suppression) results depend on."""
    from . import __version__
    from .plugins import get_plugin_manager
    from .resources import code_fingerprint, data_dir
    from .rules.pack_cache import folder_key   # the pack's files were hashed when it loaded

    pm, problems = get_plugin_manager()
    plugins = sorted((name, _code_signature(p)) for name, p in pm.list_name_plugin() if p is not None)
    dists = sorted((d.project_name, d.version) for _p, d in pm.list_plugin_distinfo())
    folders = sorted({str(p.path) for p in ruleset.packs} | {str(d) for d in extra_dirs})
    return _digest(
        SCHEMA, __version__, sys.version_info[:2],
        code_fingerprint(), _folder_signature(data_dir("grammars"), content=False),
        plugins, dists, list(problems),
        [(f, folder_key(f) or _folder_signature(Path(f), content=True)) for f in folders],
        [(p.name, p.version, p.prefix, str(p.path), p.source) for p in ruleset.packs],
        [str(e) for e in ruleset.errors],
        sorted(ruleset.selected_codes), sorted(ruleset.ignored), sorted(ruleset.kinds),
        dict(severities or {}), max_size, max_findings)


# --- entries: JSON of the diagnostics and facts -------------------------------------------------------------

def _diag_out(d: Diagnostic, path: str) -> list:
    return [None if d.path == path else d.path, d.line, d.column, d.end_line, d.end_column, d.severity.value,
            d.code, d.name, d.message, d.fix, d.extra or None, d.page, d.location]


_SEVERITY = {s.value: s for s in Severity}
_STR_OR_NONE = {str, type(None)}
_INT_OR_NONE = {int, type(None)}
_DICT_OR_NONE = {dict, type(None)}
_FOUR_INTS_THREE_STR = (int, int, int, int, str, str, str)
#: Diagnostic's slots, set directly: a frozen dataclass's __init__ goes through object.__setattr__ per field,
#: twice the cost for the thousands of findings a warm run serves (and a pool's parent receives)
_P0, _P1, _P2, _P3, _P4, _P5, _P6, _P7, _P8, _P9, _P10, _P11, _P12 = (
    Diagnostic.__dict__[f].__set__ for f in ("path", "line", "column", "end_line", "end_column", "severity", "code",
                                             "name", "message", "fix", "extra", "page", "location"))


def diagnostic_of(r, new=object.__new__) -> Diagnostic:
    """A Diagnostic from its 13 fields, the severity as its value, unchecked (a worker's own results)."""
    d = new(Diagnostic)
    _P0(d, r[0]); _P1(d, r[1]); _P2(d, r[2]); _P3(d, r[3]); _P4(d, r[4]); _P5(d, _SEVERITY[r[5]])   # noqa: E702
    _P6(d, r[6]); _P7(d, r[7]); _P8(d, r[8]); _P9(d, r[9]); _P10(d, r[10]); _P11(d, r[11]); _P12(d, r[12])  # noqa: E702
    return d


def _diag_in(x: list, path: str) -> Diagnostic:
    if len(x) != 13:
        raise TypeError("not a diagnostic")
    p, line, col, eline, ecol, sev, code, name, msg, fix, extra, page, loc = x
    if not ((type(line), type(col), type(eline), type(ecol), type(code), type(name), type(msg)) == _FOUR_INTS_THREE_STR
            and type(p) in _STR_OR_NONE and type(fix) in _DICT_OR_NONE and type(extra) in _DICT_OR_NONE
            and type(page) in _INT_OR_NONE and type(loc) in _STR_OR_NONE):
        raise TypeError("not a diagnostic")   # a foreign entry must not crash a formatter later
    return diagnostic_of((p or path, line, col, eline, ecol, sev, code, name, msg, fix, extra or {}, page, loc))


@lru_cache(maxsize=None)
def _facts_types():   # imported once, not per entry (a relative import in a function is a lookup each time)
    from .review.facts import Facts, Place, Sentence
    from .review import store

    return Facts, Place, Sentence, store


@dataclass(frozen=True)
class Hit:
    """What linting a file gave, before suppressions: the text for excerpts, its reader's format, the
    diagnostics and the facts (``gklint.review.store.Packed``). ``lines``: the diagnostics as concise lines
    (``gklint.formatters.spool.encode_concise``), when the entry has them and they were asked for; the
    diagnostics are then not decoded (None), and the text is "" when the file holds no suppression comment
    (what the text is read for then: ``gklint.lint``)."""

    text: str
    format: str
    diagnostics: list[Diagnostic] | None
    facts: object
    lines: tuple | None = None


@dataclass(frozen=True)
class ResultCache:
    folder: Path

    @classmethod
    def open(cls, root: Path, key: str) -> "ResultCache | None":
        """The cache of one run key under ``root``; None when the folder cannot be made (no cache, no error)
        or the codec no longer knows the result types."""
        if not shapes_known():
            return None
        top = Path(root) / "results"
        folder = top / f"v{SCHEMA}" / key[:32]
        try:
            new = not top.exists()
            if folder.is_dir():
                os.utime(folder)          # in use: the last to be pruned
            else:
                folder.mkdir(parents=True)
                _prune(folder.parent)
            if new:   # backup tools skip the folder, git ignores it (as Ruff's .ruff_cache)
                write_atomic(top / "CACHEDIR.TAG", b"Signature: 8a477f597d28d172789f06886806bc55\n# gklint's result cache\n")
                write_atomic(top / ".gitignore", b"*\n")
        except OSError:
            return None
        return cls(folder)

    def _entry(self, path: str) -> str:
        """One entry per file as named (absolute and as given: diagnostics carry the given path)."""
        name = hashlib.sha256(f"{os.path.abspath(path)}\0{path}".encode("utf-8", "surrogateescape")).hexdigest()
        return os.path.join(self.folder, name[:32] + ".json")

    def get(self, path: str, data: bytes, lines: bool = False) -> Hit | None:
        """The stored results of ``path`` if they are for exactly these bytes; None otherwise. ``lines``: give
        the concise lines instead of the diagnostics when the entry has them."""
        limit = len(data) * 4 + MAX_ENTRY_SLACK
        entry = self._entry(path)
        try:
            fd = os.open(entry, os.O_RDONLY)
        except OSError:
            return None
        try:
            blob = os.read(fd, limit + 1)
        except OSError:
            return None
        finally:
            os.close(fd)
        if len(blob) > limit:
            return None
        return _load(blob, path, hashlib.sha256(data).hexdigest(), data, lines, entry)

    def put(self, path: str, data: bytes, hit: Hit, encoding: str) -> None:
        """Store ``hit`` for ``path`` with these bytes. The text is left out when decoding the bytes gives
        it back (a plain-text file). Never raises; results JSON would not give back equal are not stored."""
        if not all(_plain(d.fix) and _plain(d.extra) for d in hit.diagnostics):
            return                  # a plugin's fix or extra with tuples, sets, objects …
        try:
            decodes = bool(encoding) and data.decode(encoding) == hit.text
        except (LookupError, UnicodeDecodeError):
            decodes = False
        facts = hit.facts.blob() if hit.facts is not None else b""
        lines, error = hit.lines if hit.lines is not None else ([], False)
        try:
            diags = json.dumps({"diagnostics": [_diag_out(d, path) for d in hit.diagnostics]}, ensure_ascii=False,
                               separators=(",", ":")).encode()
            head = json.dumps({"path": path, "sha256": hashlib.sha256(data).hexdigest(),
                               "text": None if decodes else hit.text, "decode": encoding if decodes else None,
                               "format": hit.format, "diagnostics": len(diags),
                               "facts": None if hit.facts is None else [*hit.facts.scalars(), len(facts)],
                               "lines": None if hit.lines is None else [[p, len(b)] for p, b in lines] + [error]},
                              ensure_ascii=False, separators=(",", ":")).encode()
            write_atomic(self._entry(path), b"".join([head, b"\n", diags, facts, *(b for _p, b in lines)]))
        except (OSError, ValueError):   # a full disk; text with lone surrogates …
            pass

    # --- the cross-year findings of a whole run ------------------------------------------------------------

    def _corpus_entry(self, key: str) -> str:
        return os.path.join(self.folder, "corpus", key[:32] + ".json")

    def get_corpus(self, key: str) -> dict[str, list[Diagnostic]] | None:
        """The cross-year findings stored for a run whose facts hash to ``key`` (``gklint.lint``), or None."""
        try:
            fd = os.open(self._corpus_entry(key), os.O_RDONLY)
            try:
                blob = os.read(fd, MAX_CORPUS_ENTRY + 1)
            finally:
                os.close(fd)
            if len(blob) > MAX_CORPUS_ENTRY:
                return None
            x = json.loads(blob)
            if x["key"] != key:
                return None
            return {str(p): [_diag_in(d, p) for d in ds] for p, ds in x["diagnostics"]}
        except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError):
            return None

    def put_corpus(self, key: str, found: dict[str, list[Diagnostic]]) -> None:
        """Store a run's cross-year findings (one entry per set of facts; the ``KEEP_CORPUS`` newest kept)."""
        if not all(_plain(d.fix) and _plain(d.extra) for ds in found.values() for d in ds):
            return
        target = self._corpus_entry(key)
        try:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            write_atomic(target, json.dumps({"key": key, "diagnostics": [[p, [_diag_out(d, p) for d in ds]]
                                                                         for p, ds in found.items()]},
                                            ensure_ascii=False, separators=(",", ":")).encode())
            prune_files(os.path.dirname(target), ".json", KEEP_CORPUS)
        except (OSError, ValueError):
            pass


def _prune(runs: Path) -> None:
    """Keep the ``KEEP_RUNS`` most recently used run folders: each gklint upgrade or change of settings starts
    one, and the old ones would otherwise stay forever. A run using a removed folder only misses."""
    try:
        folders = sorted((e.stat().st_mtime, e.path) for e in os.scandir(runs) if e.is_dir())
    except OSError:
        return
    import shutil

    for _mtime, path in folders[:-KEEP_RUNS]:
        shutil.rmtree(path, ignore_errors=True)


def _plain(value, depth: int = 0) -> bool:
    """Whether JSON gives ``value`` back equal: dicts with str keys, lists, str, int, finite floats, bools, None."""
    if value is None or type(value) in (str, int, bool):
        return True
    if type(value) is float:
        return math.isfinite(value)
    if depth > 20:
        return False
    if type(value) is list:
        return all(_plain(v, depth + 1) for v in value)
    if type(value) is dict:
        return all(type(k) is str and _plain(v, depth + 1) for k, v in value.items())
    return False


def shapes_known() -> bool:
    """Whether the types an entry holds still have the fields this codec writes (a new field would be lost)."""
    from dataclasses import fields

    Facts, Place, Sentence, _store = _facts_types()
    return ([f.name for f in fields(Diagnostic)] == ["path", "line", "column", "end_line", "end_column", "severity",
                                                      "code", "name", "message", "fix", "extra", "page", "location"]
            and [f.name for f in fields(Facts)] == ["path", "agency", "agency_source", "year", "year_source",
                                                     "template", "format", "title_place", "cells", "sentences"]
            and Place._fields == ("line", "column", "end_line", "end_column", "page", "location")
            and Sentence._fields == ("hash", "text", "place"))


def _load(blob: bytes, path: str, digest: str, data: bytes, want_lines: bool = False,
          entry: str | None = None) -> Hit | None:
    """An entry's results if it is one for ``path`` with exactly these bytes (``digest``); None otherwise.
    An entry is a JSON line (path, hash, text, format, the sizes of what follows), then the diagnostics
    (``{"diagnostics": [...]}``, decoded only when they are needed), the packed facts' blob as it was
    (``gklint.review.store``: not decoded here, only if cross-year rules need it; its length is checked, its
    content when it is unpacked) and the concise lines (checked when asked for; the diagnostics are then not
    decoded: a concise run served from the cache decodes no finding). ``entry``: the entry's file, which the facts
    then refer to instead of holding their blob (``gklint.review.store``: read again only if needed)."""
    try:
        end = blob.index(b"\n")
        x = json.loads(blob[:end])
        if x["path"] != path or x["sha256"] != digest:
            return None
        text = x["text"]
        if type(text) is not str:
            text = None if want_lines and _unmarked(data, x["decode"]) else data.decode(x["decode"])
        at = end + 1 + _size(x["diagnostics"])
        diags = blob[end + 1:at]
        facts = x["facts"]
        if facts is not None:
            *scalars, size = facts
            facts = _facts_types()[3].from_json([*scalars, blob[at:at + _size(size)]],
                                                (entry, at) if entry is not None else None)
            at += size
        lines = x["lines"]
        if lines is not None:
            *sizes, error = lines
            if type(error) is not bool or not all(type(p) is str for p, _n in sizes):
                return None
            lines = [], error
            for p, n in sizes:
                lines[0].append((p, blob[at:at + _size(n)]))
                at += n
        if at != len(blob):
            return None     # truncated, or more than it says
        if want_lines and lines is not None:
            from .formatters.spool import line_blob_ok

            if all(line_blob_ok(b) for _p, b in lines[0]):
                return Hit("" if text is None else text, x["format"], None, facts, lines)
        if text is None:
            text = data.decode(x["decode"])
        return Hit(text, x["format"], [_diag_in(d, path) for d in json.loads(diags)["diagnostics"]], facts)
    except (ValueError, KeyError, TypeError, IndexError, AttributeError, LookupError, ArithmeticError,
            RecursionError):
        return None     # truncated, corrupt or foreign: a miss


def _unmarked(data: bytes, encoding) -> bool:
    """Whether text decoded from ``data`` cannot hold a suppression comment: ``data`` lacks the comment mark and
    the encoding writes the mark's ASCII as those bytes (UTF-8, GB18030 …: any ASCII character is its own byte
    there, so the text holds the mark only where the bytes do). Then a ``lines`` hit, whose text is read only
    for suppressions, is not decoded (~7 % of a cache look-up)."""
    from .suppress import MARK

    return _ascii_safe(encoding) and MARK.encode("ascii") not in data


@lru_cache(maxsize=16)
def _ascii_safe(encoding) -> bool:
    """Whether ``encoding`` writes every ASCII character as its own byte (a BOM-writing codec does not)."""
    import string

    try:
        return type(encoding) is str and (string.printable.encode(encoding) == string.printable.encode("ascii"))
    except (LookupError, UnicodeError, TypeError):
        return False


def _size(n) -> int:
    if type(n) is not int or n < 0:
        raise TypeError("not a size")
    return n
