"""The cross-year facts of a whole run, kept small: each report's ``Facts`` travels from its worker (and sits in
the result cache) *packed*, and a run keeps only who and when of each report in memory.

``Packed``: the scalar fields cross-year rules group reports by (agency, year …) as they are, and the rest
(table cells, sentence hashes, places, sentence texts) as one blob (two lines of JSON, then the sentences' texts): one bytes
object to send instead of dozens of tuples, stored as it is after a cache entry's JSON line. ``FactStore``: the
run's list of them, in input order: the scalars and blobs go to an unnamed temporary file as they arrive and are
read back one agency group at a time (``gklint.review.crossyear``), so memory does not grow with each report's
sentences (~1–2 KB of text). What stays in memory per report is where its entry is, its agency (an index into
the run's distinct agency names) and its year: 32 bytes in arrays, so memory stays flat in the number of
reports.

A blob is data only (JSON and text); one that cannot be unpacked (a damaged cache entry) gives the facts of the file
read and parsed again, so a foreign entry never changes what cross-year rules see.

Facts served from the result cache stay there: their ``Packed`` holds a *reference* to the blob (the entry's
file, where the blob is in it, and the SHA-256 of the blob as it was read), not the blob. That is what travels
from a pool worker and what the run's store keeps, so a warm run does not move each report's 2.5 KB twice more
(to the parent, into its spool); the blob is read again only if the cross-year findings are not cached, and an
entry that changed in between (its hash differs) is as a damaged one: the file is read again.
"""
from __future__ import annotations

import hashlib
import json
import re
import tempfile
from array import array
from decimal import Decimal
from itertools import chain
from operator import attrgetter, itemgetter

from ..memo import remember
from .facts import Facts, Place, facts_of, safe_gather

_SCALARS = ("path", "agency", "agency_source", "year", "year_source", "template", "format")
_STR_OR_NONE = (str, type(None))
_get_scalars = attrgetter(*_SCALARS)


class Packed:
    """One report's facts, packed (see the module). ``unpack()`` gives the ``Facts`` back, equal."""

    __slots__ = (*_SCALARS, "_blob", "_store", "_at", "_size", "sound", "ref")

    def __init__(self, path, agency, agency_source, year, year_source, template, format, blob: bytes | None,
                 store: "FactStore | None" = None, at: int = 0, size: int = 0, sound: bool = False,
                 ref: tuple | None = None):
        self.path, self.agency, self.agency_source, self.year = path, agency, agency_source, year
        self.year_source, self.template, self.format = year_source, template, format
        self._blob, self._store, self._at, self._size = blob, store, at, size
        # (file, offset, size, SHA-256 of the blob): where a blob served from the result cache is (see the module)
        self.ref = ref
        # the blob is known to unpack: packed by ``of`` (in this run, or a pool worker), or unpacked once; a blob
        # from a cache entry is not (another user's or a damaged entry) until ``sound_one`` has unpacked it
        self.sound = sound

    @classmethod
    def of(cls, f: Facts | None) -> "Packed | None":
        if f is None:
            return None
        cells, sentences = f.cells, f.sentences
        places = [f.title_place, *map(_second, cells.values()), *map(_third, sentences)]
        # line, column, end line, end column of the title, each cell, then each sentence (C-level: tens a report)
        ints = list(chain.from_iterable(map(_four, places)))
        # [index, page, location] of the places that have them (Word, PDF); text reports have none
        wheres = [] if set(map(_where, places)) <= _NOWHERE else [
            [i, p[4], p[5]] for i, p in enumerate(places) if p[4] is not None or p[5] is not None]
        return cls.gathered((f.path, f.agency, f.agency_source, f.year, f.year_source, f.template, f.format,
                             tuple(cells), list(map(_first, cells.values())), ints, wheres,
                             list(map(_first, sentences)), list(map(_second, sentences))))

    @classmethod
    def gathered(cls, g: tuple | None) -> "Packed | None":
        """Packed facts of ``gklint.review.facts.gather``'s flat data (what a worker packs: no ``Facts`` made)."""
        if g is None:
            return None
        path, agency, a_src, year, y_src, template, fmt, keys, values, ints, wheres, hashes, texts = g
        # what tells two reports apart (``values_and_hashes``: read for every report of an agency's year that has
        # another, such as a page and its PDF) on the first line, the places on the second: ~100 numbers, half
        # of the JSON and most of its decoding, read only when the report is unpacked whole. Both lines are
        # written as json.dumps would write them, by joins: lists of ints are the usual case, and a JSON encoder
        # costs as much to make and call as what it writes (~40 % of packing, in instructions)
        tell = "[%s,%s,\"%s\"]" % (_key_json(keys), _ints(values) if _all_ints(values) else _dumps(
            [v if type(v) is int else ["D", str(v)] for v in values]), b"".join(hashes).hex())
        where = _dumps([ints, wheres]) if wheres or not _all_ints(ints) else f"[{_ints(ints)},[]]"
        # the sentences' texts after the JSON, one a line (a sentence never holds a line break): no JSON string
        # decoding for what is read only when a copied-narrative finding quotes them
        return cls(path, agency, a_src, year, y_src, template, fmt,
                   "\n".join([tell, where, *texts]).encode("utf-8", "surrogatepass"), sound=True)

    def blob(self) -> bytes:
        """The blob; ValueError when it is a cache entry's that is gone or changed since it was read."""
        if self._blob is not None:
            return self._blob
        return read_ref(self.ref) if self.ref is not None else self._store.read(self._at, self._size)

    @property
    def referenced(self) -> bool:
        """Whether the blob is in a cache entry (``ref``), not here or in a store."""
        return self.ref is not None and self._blob is None

    def digest(self) -> bytes:
        """The SHA-256 of the blob (a referenced one's as it was read: the entry is not read again)."""
        return self.ref[3] if self.referenced else hashlib.sha256(self.blob()).digest()

    def scalars(self) -> list:
        return list(_get_scalars(self))

    def unpack(self) -> Facts | None:
        """The ``Facts``; for a blob that does not unpack (damaged or foreign), those of the file read again."""
        try:
            return self._unpacked()
        except _NOT_PACKED:
            return _reread(self.path)

    def _unpacked(self) -> Facts:
        tell, places, *texts = self.blob().decode("utf-8", "surrogatepass").split("\n")
        return _unpack(self, [*json.loads(tell), *json.loads(places)], texts)

    def values_and_hashes(self) -> tuple[dict, set]:
        """``Facts.values_and_hashes`` (what telling two reports apart needs, ``gklint.review.checks.same_report``),
        from the blob's first line (``values_and_hash_list``)."""
        values, hashes = self.values_and_hash_list()
        return values, set(hashes)

    def values_and_hash_list(self) -> tuple[dict, list]:
        """``Facts.values_and_hash_list`` (cell key → value, the sentences' hashes in order: what the cross-year
        checks compare) from the blob's first line only, without the places and texts a whole unpack reads and
        builds. For a blob known to unpack (``sound``); else from ``unpack``."""
        if self.sound:
            try:
                head = self.blob().split(b"\n", 1)[0].decode("utf-8", "surrogatepass")
            except ValueError:      # a referenced cache entry changed since (as unpack: the file read again)
                pass
            else:
                keys, values, hashes = json.loads(head)[:3]
                values = [v if type(v) is int else Decimal(str(v[1])) for v in values]
                raw = bytes.fromhex(hashes)
                return dict(zip(_keys(keys), values)), [raw[i:i + 8] for i in range(0, len(raw), 8)]
        f = self.unpack()
        return f.values_and_hash_list() if f else ({}, [])

    def title_place(self) -> Place:
        """``Facts.title_place``: for a blob known to unpack whose places have no page or location (a text report,
        a web page), the first four numbers of its places line, without decoding the rest (what a finding about
        the whole report needs, ``gklint.review.checks``); else from ``unpack``."""
        if self.sound:
            try:
                places = self.blob().split(b"\n", 2)[1]
            except (ValueError, IndexError):      # a referenced cache entry changed since (as unpack)
                pass
            else:
                m = _TITLE_INTS.match(places)
                if m is not None and places.endswith(b",[]]"):
                    return _tuple_new(Place, (*map(int, m.groups()), None, None))
        f = self.unpack()
        return f.title_place if f else Place(1, 1, 1, 1)

    def sound_one(self) -> "Packed | None":
        """Packed facts whose blob unpacks: these (unpacked once to know, unless known), else those of the file
        read again, packed anew; None when there are none (the report then takes no cross-year part)."""
        if not self.sound:
            try:
                self._unpacked()
            except _NOT_PACKED:
                return Packed.of(_reread(self.path))
            self.sound = True
        return self

    def __eq__(self, other) -> bool:
        return type(other) is Packed and self.scalars() == other.scalars() and self.blob() == other.blob()

    __hash__ = None

    def __reduce__(self):    # a blob in the spool travels with its bytes; a referenced one as its reference
        if self.referenced:
            return Packed, (*self.scalars(), None, None, 0, 0, self.sound, self.ref)
        return Packed, (*self.scalars(), self.blob(), None, 0, 0, self.sound)

    def __repr__(self) -> str:
        return f"Packed({self.path!r}, {self.agency!r}, {self.year!r})"


_TITLE_INTS = re.compile(rb"\[\[(\d+),(\d+),(\d+),(\d+)[,\]]")    # the places line's start: the title's place
_tuple_new = tuple.__new__
_first, _second, _third, _four = itemgetter(0), itemgetter(1), itemgetter(2), itemgetter(0, 1, 2, 3)
_where = itemgetter(4, 5)       # (page, location)
_NOWHERE = {(None, None)}
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_KEY_JSON: dict[tuple, str] = {}
_INT = {int}


def _key_json(keys: tuple) -> str:
    """The cells' keys as JSON of the text ``_keys`` reads back; reports of one template have the same (kept,
    bounded)."""
    got = _KEY_JSON.get(keys)
    if got is None:
        got = remember(_KEY_JSON, keys, _dumps("\x1f".join("\x1e".join(k) for k in keys)), 256)
    return got


def _all_ints(xs: list) -> bool:
    return set(map(type, xs)) <= _INT      # (not bool: JSON writes it otherwise)


def _ints(xs: list) -> str:
    """A list of ints as json.dumps writes it (``_all_ints``): one %-format of them all, the format kept per
    length (ints are written one by one in C; ``map(str, …)`` costs twice as much, json.dumps 1.5 times)."""
    f = _INT_FORMATS.get(len(xs))
    if f is None:
        f = remember(_INT_FORMATS, len(xs), "[%s]" % ",".join(["%d"] * len(xs)), 256)
    return f % tuple(xs)


_INT_FORMATS: dict[int, str] = {}


_NOT_PACKED = (ValueError, TypeError, KeyError, IndexError, AttributeError, ArithmeticError, RecursionError)


def _unpack(p: Packed, x: list, texts: list[str]) -> Facts:
    # Checked as a whole (a blob may come from a cache entry someone else wrote), built with C-level calls:
    # a run unpacks every report of every agency group, in the parent, after the workers are done.
    keys, values, hashes, ints, wheres = x
    keys = _keys(keys)
    n_cells, n_sent = len(keys), len(texts)
    if not (len(values) == n_cells and len(hashes) == 16 * n_sent and len(ints) == 4 * (1 + n_cells + n_sent)
            and set(map(type, ints)) == {int}):
        raise TypeError("not packed facts")
    for _i, page, loc in wheres:         # (the index is checked by indexing the places: ``facts_of``)
        if not (type(page) in (int, type(None)) and type(loc) in _STR_OR_NONE):
            raise TypeError("not a place")
    if not _all_ints(values):
        values = list(map(_value, values))
    raw = bytes.fromhex(hashes)
    if not (all(type(v) in _STR_OR_NONE for v in (p.path, p.agency, p.agency_source, p.year_source, p.template))
            and type(p.format) is str and type(p.year) in (int, type(None))):
        raise TypeError("not facts")
    return facts_of((p.path, p.agency, p.agency_source, p.year, p.year_source, p.template, p.format, keys, values,
                     ints, wheres, [raw[i:i + 8] for i in range(0, 8 * n_sent, 8)], texts))


def _value(v) -> object:
    """A cell value of a blob: an int, or ["D", its text] for a Decimal."""
    if type(v) is int:
        return v
    if v[0] != "D":
        raise TypeError("not a cell value")
    return Decimal(str(v[1]))


_KEYS: dict[str, tuple] = {}


def _keys(text: str) -> tuple:
    """The cells' (table, row, column) keys, written ``t\x1er\x1ec`` joined by ``\x1f``: parsed once per set of
    keys (reports of one template have the same), and the tuples shared."""
    got = _KEYS.get(text)
    if got is None:
        got = tuple(tuple(k.split("\x1e")) for k in text.split("\x1f")) if text else ()
        if any(len(k) != 3 for k in got):
            raise TypeError("not cell keys")
        remember(_KEYS, text, got, 256)
    return got


def packed_facts(parsed, source=None) -> Packed | None:
    """The report's facts packed (``safe_gather``), as a pool worker sends them: no ``Facts`` made."""
    return Packed.gathered(safe_gather(parsed, source))


def read_ref(ref: tuple) -> bytes:
    """The blob a reference points at, if it is still the one that was read (its SHA-256); else ValueError."""
    file, at, size, sha = ref
    try:
        with open(file, "rb") as fh:
            fh.seek(at)
            got = fh.read(size)
    except (OSError, TypeError, ValueError) as exc:
        raise ValueError("the cache entry is gone") from exc
    if hashlib.sha256(got).digest() != sha:
        raise ValueError("the cache entry changed")
    return got


def _reread(path: str) -> Facts | None:
    from ..api import parse_source
    from ..readers import read_path
    from .facts import safe_facts

    try:
        src = read_path(path, 0)
        return safe_facts(parse_source(src), src)
    except Exception:  # noqa: BLE001 - bad input never crashes gklint; the report takes no cross-year part
        return None


def from_json(x, ref: tuple | None = None) -> Packed | None:
    """Facts from a cache entry (scalars, then the blob), None for none; raises TypeError for anything else.
    ``ref``: (the entry's file, the blob's offset in it): the facts then hold a reference, not the blob."""
    if x is None:
        return None
    path, agency, a_src, year, y_src, template, fmt, blob = x
    if not (type(path) is str and type(agency) in _STR_OR_NONE and type(a_src) in _STR_OR_NONE
            and type(year) in (int, type(None)) and type(y_src) in _STR_OR_NONE and type(template) in _STR_OR_NONE
            and type(fmt) is str and type(blob) in (str, bytes)):
        raise TypeError("not facts")
    blob = blob if type(blob) is bytes else blob.encode("utf-8", "surrogatepass")
    if ref is not None:
        return Packed(path, agency, a_src, year, y_src, template, fmt, None,
                      ref=(ref[0], ref[1], len(blob), hashlib.sha256(blob).digest()))
    return Packed(path, agency, a_src, year, y_src, template, fmt, blob)


class FactStore:
    """A run's packed facts in input order (``append``, ``len``, indexing and iteration give ``Packed``): each
    report's scalars and blob in an unnamed temporary file, and in memory only where it is, its agency as
    written (an index into the run's distinct names) and its year: a few bytes a report in arrays, so a run's
    memory does not grow with its number of reports. ``who()`` gives (agency, year) of each report without
    reading the file: what grouping by agency needs (``gklint.review.crossyear``)."""

    def __init__(self):
        self._at = array("q")        # per report: where its entry starts in the spool; -1: no facts
        self._head = array("l")      # the length of its header (the scalars as JSON and a line break)
        self._size = array("q")      # the length of its blob, after the header (0: a reference in the header)
        self._agency = array("l")    # index into _names; -1: None
        self._year = array("q")      # its year; _NO_YEAR: None
        self._names: list = []       # the agencies as written, each once
        self._name_at: dict = {}
        self._odd_years: dict = {}   # index → a year beyond 64 bits
        self._spool = None
        self._end = 0
        self._read_since = False
        self._hash = None       # ``digest``'s hash, made as the facts arrive (``hash_as_appended``)

    def hash_as_appended(self) -> None:
        """Make ``digest``'s hash as the facts are appended (called before the first): a run with a result
        cache asks for it at its end, and reading every blob back then is serial work after the workers."""
        if not self._at:
            self._hash = hashlib.sha256()

    def append(self, f) -> None:
        if isinstance(f, Facts):
            f = Packed.of(f)
        if f is None:
            self._at.append(-1)
            self._head.append(0)
            self._size.append(0)
            self._agency.append(-1)
            self._year.append(_NO_YEAR)
            return
        scalars, ref = f.scalars(), f.ref
        if f.referenced:        # a cache entry's: its reference only (see the module)
            blob = b""
            if self._hash is not None:
                _hash(self._hash, scalars, ref[3])
            head = (json.dumps([*scalars, f.sound, [ref[0], ref[1], ref[2], ref[3].hex()]]) + "\n").encode("ascii")
        else:
            blob = f.blob()
            if self._hash is not None:
                _hash(self._hash, scalars, hashlib.sha256(blob).digest())
            # the scalars as JSON (ASCII: a path's lone surrogates survive), whether the blob is known to unpack
            head = (json.dumps([*scalars, f.sound]) + "\n").encode("ascii")
        if self._spool is None:
            self._spool = tempfile.TemporaryFile()
        if self._read_since:      # a seek flushes what was buffered: only after a read moved the position
            self._spool.seek(self._end)
            self._read_since = False
        self._spool.write(head + blob)
        self._at.append(self._end)
        self._head.append(len(head))
        self._size.append(len(blob))
        self._end += len(head) + len(blob)
        a = f.agency
        if a is None:
            self._agency.append(-1)
        else:
            k = self._name_at.get(a)
            if k is None:
                k = self._name_at[a] = len(self._names)
                self._names.append(a)
            self._agency.append(k)
        y = f.year
        if y is not None and not _NO_YEAR < y < 1 << 63:    # (a cache entry's, say): kept aside, never lost
            self._odd_years[len(self._at) - 1] = y
            y = None
        self._year.append(_NO_YEAR if y is None else y)

    def who(self):
        """(agency as written, year) of each report in order, None for what it has not (read from memory)."""
        names, odd = self._names, self._odd_years
        return ((None if a < 0 else names[a], odd.get(i) if y == _NO_YEAR else y)
                for i, (a, y) in enumerate(zip(self._agency, self._year)))

    def digest(self) -> str:
        """A hash of every report's facts, in order: what the run's cross-year findings are a function of
        (only asked for with a result cache: the spool is read once more, in order)."""
        if self._hash is not None:
            return self._hash.hexdigest()
        h = hashlib.sha256()
        for f in self:
            if f is not None:
                _hash(h, f.scalars(), f.digest())
        return h.hexdigest()

    def read(self, at: int, size: int) -> bytes:
        self._read_since = True
        self._spool.seek(at)
        return self._spool.read(size)

    def __getitem__(self, i: int) -> Packed | None:
        at = self._at[i]      # IndexError as a list gives it
        if at < 0:
            return None
        head = self._head[i]
        *scalars, sound = json.loads(self.read(at, head))
        if type(sound) is list:     # a reference (``append``)
            scalars, sound, (file, offset, size, sha) = scalars[:-1], scalars[-1], sound
            return Packed(*scalars, None, sound=sound, ref=(file, offset, size, bytes.fromhex(sha)))
        return Packed(*scalars, None, self, at + head, self._size[i], sound)

    def __iter__(self):
        return (self[i] for i in range(len(self._at)))

    def __len__(self) -> int:
        return len(self._at)

    def close(self) -> None:
        if self._spool is not None:
            self._spool.close()


#: a report without a year, in ``FactStore._year`` (no year of a report is this)
_NO_YEAR = -(1 << 63)


def _hash(h, scalars: list, sha: bytes) -> None:
    """What ``digest`` hashes of one report: its scalars (str, int, None: their repr is exact), then its blob's
    SHA-256 (what a referenced blob has without being read again)."""
    h.update(b"%s\n" % repr(scalars).encode("utf-8", "surrogatepass"))
    h.update(sha)
