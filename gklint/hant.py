"""Traditional characters folded to Simplified for matching, one character for one (positions unchanged).

Mirror sites and some CMSs render a report in Traditional characters (``一、總體情況``, ``主動公開``, ``規章``);
the parser, the template labels and the rules speak Simplified. :func:`to_simplified` maps every character
that OpenCC's data (``TSCharacters.txt``, with the Hong Kong and Taiwan variant tables folded in first, as
shipped by the ``opencc-python-reimplemented`` package) converts to exactly one character, so every column of
the text keeps its place; phrase-level conversion is not needed for matching labels and headings.

Cold start: the check for Traditional text is one ``str.encode("gb2312")`` (GB2312 holds none of the
Traditional-only characters such as 開 體 況 務); only text that fails it, a few characters at most in a Simplified
report, loads the table (~5 ms to derive, once per user cache: ``table``; ~1 ms to read back, once per process),
and only its characters outside GB2312 are looked up.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from .resources import derived_entry

TABLES = ("HKVariantsRev.txt", "TWVariantsRev.txt", "TSCharacters.txt")   #: applied in this order
NOTE_MIN_CHARS = 3        #: a report is "in Traditional characters" from this many converted characters …
NOTE_MIN_SHARE = 0.02     #: … making at least this share of its Han characters (a quoted 臺灣 is not)


MAX_CACHED = 256 * 1024      #: bytes of the stored table (~40 KB)


def _entries(text: str):
    for line in text.splitlines():
        key, _, values = line.partition("\t")
        first = values.split(" ")[0] if values else ""
        if len(key) == 1 and len(first) == 1 and key != first:
            yield key, first


def _derive(texts: list[str]) -> dict[str, str]:
    """The table from the texts of ``TABLES``, in that order."""
    out: dict[str, str] = {}
    variants: dict[str, str] = {}
    for name, text in zip(TABLES, texts):
        for key, value in _entries(text):
            if name == "TSCharacters.txt":
                out.setdefault(key, value)
            else:
                variants.setdefault(key, value)
    for key, value in variants.items():
        out.setdefault(key, out.get(value, value))
    return out


@lru_cache(maxsize=1)
def table() -> dict[str, str]:
    """Traditional (or HK/TW variant) character → Simplified character, from OpenCC's dictionaries.

    Deriving it reads ~4,000 lines (~5 ms, paid by each process, each pool worker, that meets a Traditional or
    rare character); it is kept as JSON in the user cache (``resources.derived_entry``, named by the hash of the
    three files), the keys and the values each one string, so a later process reads it back in ~1 ms."""
    try:
        folder = resources.files("opencc") / "dictionary"
        blobs = [(folder / name).read_bytes() for name in TABLES]
    except (ModuleNotFoundError, OSError):  # another "opencc" distribution without the data files: Traditional
        return {}                            # text is then read as it is, never a crash
    entry, keep = derived_entry("hant", "opencc-chars", b"\0".join(blobs), MAX_CACHED)
    if entry is not None:
        keys, values = entry.get("keys"), entry.get("values")
        if isinstance(keys, str) and isinstance(values, str) and len(keys) == len(values):
            return dict(zip(keys, values))
    try:
        out = _derive([blob.decode("utf-8") for blob in blobs])
    except UnicodeDecodeError:
        return {}
    keep({"keys": "".join(out), "values": "".join(out.values())})
    return out


def _outside_gb2312(text: str) -> set[str]:
    """The characters of ``text`` from U+2E80 on (only those can be Traditional: a bullet or an NBSP outside
    GB2312 is no candidate) that GB2312 cannot write."""
    try:
        text.encode("gb2312")
        return set()
    except UnicodeEncodeError:
        pass
    # the codec writes "?" for each character it cannot write, in C (no Python error handler per character); no byte
    # of a two-byte GB2312 character is "?". Most texts that fail hold only a few common characters below U+2E80
    # that GB2312 lacks (an NBSP, a middle dot, an em dash: never candidates): when the "?" written are exactly the
    # text's own and those, there is no candidate, and the round trip below (a decode, a step per "?") is skipped
    written = text.encode("gb2312", "replace")
    if written.count(b"?") - text.count("?") == sum(map(text.count, _LOW_UNWRITABLE)):
        return set()
    # GB2312 maps one to one: the positions of "?" in the round trip are those characters and the text's own "?"
    back = written.decode("gb2312")
    if len(back) != len(text):          # (never: a safety net, the plain way)
        return {ch for ch in set(text) if ch >= "\u2e80" and _unwritable(ch)}
    out: set[str] = set()
    i = back.find("?")
    while i >= 0:
        ch = text[i]
        if ch >= "\u2e80":
            out.add(ch)
        i = back.find("?", i + 1)
    return out


def _unwritable(ch: str) -> bool:
    try:
        ch.encode("gb2312")
        return False
    except UnicodeEncodeError:
        return True


# (kept only if GB2312 indeed cannot write them: a writable one would be counted as a "?" the codec never wrote)
_LOW_UNWRITABLE = tuple(ch for ch in "\u00a0\u00b7\u2014\u2013\u2022" if ch < "\u2e80" and _unwritable(ch))


def to_simplified(text: str) -> tuple[str, int, bool]:
    """``text`` with its Traditional characters replaced one for one, how many characters changed, and whether
    the text is written in Traditional characters.

    Characters outside GB2312 that OpenCC converts are Traditional-only (開, 體, 況); when they make the text
    Traditional (:func:`is_traditional`), every character the table converts is replaced, including those GB2312
    also holds (於, 後, 徵: Traditional in such a text); in a Simplified text only the Traditional-only ones are,
    so a Simplified 乾 or 著 is left alone."""
    candidates = _outside_gb2312(text)
    if not candidates:
        return text, 0, False
    t = table()
    mapping = {ord(ch): t[ch] for ch in candidates if ch in t}
    if not mapping:
        return text, 0, False
    changed = sum(text.count(chr(o)) for o in mapping)
    traditional = is_traditional(text, changed)
    if traditional:
        mapping = {ord(ch): t[ch] for ch in set(text) if ch in t}
        changed = sum(text.count(chr(o)) for o in mapping)
    return text.translate(mapping), changed, traditional


@lru_cache(maxsize=1)
def _not_han() -> re.Pattern:
    # compiled when first asked for (a report with Traditional-only characters): the class spans ~21,000 code
    # points, ~10M instructions (~3 ms) to compile, which every process would pay at import
    return re.compile("[^\u4e00-\u9fff]+")


def is_traditional(text: str, changed: int) -> bool:
    """Whether ``changed`` Traditional-only characters make ``text`` a report written in Traditional characters."""
    if changed < NOTE_MIN_CHARS:
        return False
    han = len(_not_han().sub("", text))
    return changed >= NOTE_MIN_SHARE * max(han, 1)
