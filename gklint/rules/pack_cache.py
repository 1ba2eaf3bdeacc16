"""Loaded rule packs kept as JSON in the user cache, so a start-up does not parse and check every rule file again.

Loading the national pack (YAML parsing with its bounds, the schema, each kind's option checks, compiling every
regular expression and rule expression once to validate it) is most of a one-file check's start-up. What
``load_pack`` returns — the pack, its rules and its errors — is plain data, so it is kept as JSON under
``gklint.resources.cache_dir() / "packs"``, with the ASTs of the rules' expressions (so that a start-up builds no
expression parser: gklint/rules/expr.py), named by a hash of everything it depends on: every file in the pack
folder, gklint's own code (``code_fingerprint``), the expression grammar, and each check kind's name, options and
the source file of its code (a plugin's kind included). Any change to any of them is another name, so a stale
entry is never read.
Reading and hashing ~100 rule files costs ~2.5 ms of every start-up, so once every file of a folder has been
still for ``STILL`` seconds, the hash of its bytes is also kept under a hash of its files' size, modification and
change times and inode (``still-<hash>.key``), and found there next time without reading them, as git's index
does: any write gives a file a new change time, and the wait covers the clock's tick (a file written twice
within one tick keeps its times; it is read until it has been still). An entry that is missing,
damaged or not what was written is a miss: the pack is loaded from its files (and stored again). A pack whose
data JSON cannot carry exactly (a YAML date, a mapping with number keys) is simply not stored.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from dataclasses import asdict, fields
from pathlib import Path

from ..diagnostics import Severity
from ..resources import cache_dir, code_fingerprint, grammar_path, prune_files, read_cached, store_cached
from .loader import MAX_RULE_FILE, MAX_RULES, Pack, Rule, RuleError, load_pack

MAX_ENTRY = 16 * 1024 * 1024      # bytes of one stored pack (the national pack's is ~0.3 MB)
# entries and still-folder indexes kept (the newest written): each gklint version, edited checkout, pack folder and
# set of kinds has entries of its own, which would otherwise stay forever; a pruned one is only a miss
KEEP_ENTRIES = 64
KEEP_INDEXES = 256
STILL = 2.0                       # seconds since a folder's last file change after which its stats are trusted
_TUPLES = tuple(f.name for f in fields(Rule) if f.type.startswith("tuple"))


def load_pack_cached(directory: Path, kinds: dict) -> tuple[Pack, list[Rule], list[RuleError]]:
    """``load_pack(directory, kinds)``, from the cache when an entry for exactly these files, this gklint and
    these kinds is there."""
    key = _key(directory, kinds)
    if key is None:
        return load_pack(directory, kinds)
    _KEYS[str(directory)] = key
    path = cache_dir() / "packs" / f"{key}.json"
    got = _read(path, directory)
    if got is not None:
        from .expr import keep_trees

        keep_trees(got[3])
        return got[:3]
    got = load_pack(directory, kinds)
    _write(path, directory, *got)
    return got


_KEYS: dict[str, str] = {}    # folder → the key it was loaded under in this process


def folder_key(directory) -> str | None:
    """The hash a pack folder was loaded under in this process (its files, gklint's code, the kinds), or None:
    what else depends on exactly these rules (the result cache's run key) need not read them again."""
    return _KEYS.get(str(directory))


def _key(directory: Path, kinds: dict) -> str | None:
    """A hash of the folder's files (names and bytes), gklint's code and the kinds; None when the folder cannot be
    listed or holds more files than a pack may (the loader reports it). A folder that has been still is found by
    its files' stats in a small index (``still-<hash>.key``) instead of being read (see the module docstring)."""
    try:
        names = sorted(os.listdir(directory))
        if len(names) > MAX_RULES + 1:
            return None
        names = [n for n in names if n.endswith(".yaml")]
        where = str(Path(directory).resolve())
        stats = [os.stat(os.path.join(directory, name)) for name in names]
    except OSError:
        return None
    try:
        rest = _kinds_signature(kinds) + grammar_path("expr.lark").read_bytes()   # what validated the expressions
    except OSError:
        return None
    now = time.time()
    index = None
    if all(now - max(st.st_mtime, st.st_ctime) > STILL for st in stats):
        sig = hashlib.sha256(f"{code_fingerprint()}\0{where}".encode() + rest)
        for name, st in zip(names, stats):
            sig.update(f"\0{name}\0{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}:{st.st_dev}".encode())
        index = cache_dir() / "packs" / f"still-{sig.hexdigest()[:32]}.key"
        known = (read_cached(index, 64) or b"").decode("ascii", "replace")
        if len(known) == 32 and not known.strip("0123456789abcdef"):   # else missing or damaged: read the files
            return known
    h = hashlib.sha256(code_fingerprint().encode())
    h.update(where.encode())
    try:
        for name in names:
            with open(os.path.join(directory, name), "rb") as fh:
                data = fh.read(MAX_RULE_FILE + 1)
            h.update(f"\0{name}\0{len(data)}\0".encode())
            h.update(data)
    except OSError:
        return None
    h.update(rest)
    key = h.hexdigest()[:32]
    if index is not None:
        store_cached(index, key.encode("ascii"))
        prune_files(index.parent, ".key", KEEP_INDEXES)
    return key


def _kinds_signature(kinds: dict) -> bytes:
    """Each kind's name, code (its module file's size and time) and options."""
    out = []
    for name in sorted(kinds):
        k = kinds[name]
        module = sys.modules.get(getattr(k.func, "__module__", ""), None)
        where = getattr(module, "__file__", None) or ""
        try:
            st = os.stat(where) if where else None
        except OSError:
            st = None
        out.append(repr((name, getattr(k.func, "__qualname__", ""), where, st and (st.st_size, st.st_mtime_ns),
                         sorted((o, repr(v)) for o, v in k.options.items()))))
    return "".join(out).encode()


def _read(path: Path, directory: Path):
    raw = read_cached(path, MAX_ENTRY)
    return None if raw is None else _parse(raw, directory)


def _parse(raw: bytes, directory: Path):
    try:
        data = json.loads(raw.decode("utf-8"))
        p = data["pack"]
        pack = Pack(p["name"], Path(directory), p["prefix"], p["version"], p["description"], dict(p["meta"]))
        rules = []
        for r in data["rules"]:
            r = dict(r)
            r["severity"] = Severity(r["severity"])
            for name in _TUPLES:
                r[name] = tuple(r[name])
            rules.append(Rule(**r))
        errors = [RuleError(e["path"], int(e["line"]), e["message"]) for e in data["errors"]]
        trees = data["exprs"]       # text → AST as data: checked when compile_expr reads it
        if not (isinstance(trees, dict) and all(isinstance(t, list) for t in trees.values())):
            return None
        return pack, rules, errors, trees
    except Exception:  # noqa: BLE001 - missing, damaged or foreign: load the pack from its files
        return None


def _write(path: Path, directory: Path, pack: Pack, rules: list[Rule], errors: list[RuleError]) -> None:
    from .expr import stored_trees

    trees = stored_trees(v for r in rules for v in r.options.values())   # compiled to validate the rules
    entry = {"pack": {"name": pack.name, "prefix": pack.prefix, "version": pack.version,
                      "description": pack.description, "meta": pack.meta},
             "rules": [{**asdict(r), "severity": r.severity.value} for r in rules],
             "errors": [{"path": e.path, "line": e.line, "message": e.message} for e in errors],
             "exprs": trees}
    try:
        payload = json.dumps(entry, ensure_ascii=False).encode("utf-8")
        back = _parse(payload, directory)
    except (TypeError, ValueError):
        return
    if back is not None and _plain(*back[:3]) == _plain(pack, rules, errors) and back[3] == trees:
        store_cached(path, payload)       # else JSON would not carry it exactly
        prune_files(path.parent, ".json", KEEP_ENTRIES)


def _plain(pack: Pack, rules: list[Rule], errors: list[RuleError]):
    return (pack, pack.meta), rules, [(e.path, e.line, e.message) for e in errors]
