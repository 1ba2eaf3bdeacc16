"""gklint's Lark grammars, built once and kept: their LALR tables as JSON in the user cache directory.

Building the tables of the report grammar and the rule-expression grammar costs ~40–90 ms per process, most
of a one-file check's start-up; loading them back costs ~5 ms. Lark's own cache option is not used: it
writes a Python object dump under a predictable name in the shared temp folder, and loading such a file runs
whatever code its writer put there (issue 8). Here the tables are plain JSON (strings, numbers, lists,
mappings) in the user's own cache folder (``gklint.resources.cache_dir``), named by a hash of the grammar text,
the options and the Lark and gklint versions; a file that is missing, unreadable, foreign or from another
version is ignored and rebuilt. Nothing in it is executed.
"""
from __future__ import annotations

import hashlib
import json
from functools import partial
from pathlib import Path

from lark import Lark
from lark import __version__ as LARK_VERSION
from lark.grammar import Rule
from lark.lexer import TerminalDef

from .. import __version__
from ..resources import cache_dir, grammar_path, read_cached, store_cached

MAX_TABLES = 8 * 1024 * 1024      # bytes of one stored table file (the two grammars' are ~40 KB and ~60 KB)
_ITEMS = "\u0000items"            # a mapping whose keys are not all strings, kept as [key, value] pairs
_CUSTOM = "\u0000custom-lexer"    # the lexer option when it is a class of ours (given again when loading)


def lalr(grammar: str, **options) -> Lark:
    """``Lark(<grammars/grammar>, parser="lalr", **options)``, its tables loaded from the cache when they
    are there, else built and stored (best effort: an unwritable cache only costs the build)."""
    text = grammar_path(grammar).read_text(encoding="utf-8")
    lexer = options.get("lexer")
    custom = lexer if isinstance(lexer, type) else None
    key = hashlib.sha256(json.dumps([text, LARK_VERSION, __version__, sorted(
        (k, f"{v.__module__}.{v.__qualname__}" if isinstance(v, type) else repr(v)) for k, v in options.items())],
        ensure_ascii=False).encode()).hexdigest()[:24]
    path = cache_dir() / "grammars" / f"{Path(grammar).stem}-{key}.json"
    loaded = _load(path, custom)
    if loaded is not None:
        return loaded
    parser = Lark(text, parser="lalr", **options)
    _store(path, parser)
    return parser


def _load(path: Path, custom: type | None) -> Lark | None:
    raw = read_cached(path, MAX_TABLES)
    if raw is None:
        return None
    try:
        stored = json.loads(raw.decode("utf-8"), object_hook=partial(_decode, custom))
        return Lark._load_from_dict(stored["data"], stored["memo"])
    except Exception:  # noqa: BLE001 - a missing, truncated or foreign file is a miss: build the tables instead
        return None


def _store(path: Path, parser: Lark) -> None:
    try:
        data, memo = parser.memo_serialize([TerminalDef, Rule])
        payload = json.dumps(_encode({"data": data, "memo": memo}), ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError):
        return
    store_cached(path, payload)


def _encode(o, in_mapping: bool = False):
    if isinstance(o, dict):
        if all(isinstance(k, str) for k in o):
            return {k: _encode(v, True) for k, v in o.items()}
        return {_ITEMS: [[_encode(k), _encode(v, True)] for k, v in o.items()]}
    if isinstance(o, (list, tuple)):
        return [_encode(x) for x in o]
    if o is None or isinstance(o, (str, int, float, bool)):
        return o
    if in_mapping and isinstance(o, type) and o.__module__.startswith("gklint."):
        return _CUSTOM                  # our lexer class (options.lexer, lexer_conf.lexer_type): a mapping's value
    raise TypeError(f"not JSON data: {type(o).__name__}")


def _decode(custom: type | None, o: dict):
    """``json.loads``' object_hook: each mapping as it is read (inner ones first), so the tables are rebuilt in
    one pass of the C decoder; ``_encode`` put ``_CUSTOM`` only where a mapping's value was."""
    if len(o) == 1 and _ITEMS in o:
        o = {k: v for k, v in o[_ITEMS]}
    if _CUSTOM in o.values():
        if custom is None:
            raise ValueError("tables of a custom lexer, none given")
        o = {k: custom if v == _CUSTOM else v for k, v in o.items()}
    return o
