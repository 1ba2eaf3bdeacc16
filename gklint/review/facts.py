"""The small facts of one report that a whole run keeps (not the parsed report): who and when, the table
cells cross-year checks compare, and hashes of the narrative's sentences. Built on the worker that parsed
the report (also a Dask worker), so they travel back small and picklable."""
from __future__ import annotations

import hashlib
import re
from dataclasses import field
from itertools import repeat
from typing import NamedTuple

from ..diagnostics import Diagnostic, Span
from ..model import NUMBER, Paragraph
from ..records import frozen
from .agency import resolve_agency, resolve_year

#: (table, row) whose number cells are kept: 表三 二、上年结转 and 四、结转下年度; 表二 规章 and 行政规范性文件. In
#: this order (a tuple, not a set): the packed facts are then the same bytes in every process, whatever its hash
#: seed, which the result cache's key of a run's cross-year findings relies on (``gklint.review.store``)
FACT_ROWS = (("t2", "rules"), ("t2", "normative"), ("t3", "2"), ("t3", "4"))
_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]?")
#: what a sentence's key leaves out: spaces, digits, punctuation around figures
NOISE_CLASS = r"\s\d０-９.,，、%％·:：“”\"'（）()"
#: characters a key keeps, none of them noise: Chinese characters, Latin letters, the CJK punctuation of prose
KEPT_CLASS = "\u4e00-\u9fffA-Za-z。《》〈〉「」『』【】〔〕；！？*#"
# what is not noise, joined: the same text as substituting the noise away, in less time. Runs of the kept
# characters are taken first (a range test a character); any other character not noise is taken alone, as
# the negated class alone would take all of them, with two Unicode category look-ups each (\s, \d) after
# its set look-up: ~25 % fewer instructions a key than that class's runs
_CORE = re.compile(f"[{KEPT_CLASS}]+|[^{NOISE_CLASS}]")
MIN_SENTENCE_CHARS = 12


class Place(NamedTuple):
    """A position in the original file, as a diagnostic gives it (page/location for Word and PDF); a tuple,
    because a national run keeps tens of them per report."""

    line: int
    column: int
    end_line: int
    end_column: int
    page: int | None = None
    location: str | None = None


class Sentence(NamedTuple):
    hash: bytes
    text: str           # the sentence as written, cut to 60 characters (shown in the copied-narrative finding)
    place: Place


@frozen
class Facts:
    """The kept facts of one report (see the module docstring)."""

    path: str
    agency: str | None          # as written
    agency_source: str | None   # 标题 | 来源 | 署名
    year: int | None
    year_source: str | None     # 标题 | 统计期限 | 导语 | 发布日期
    template: str | None
    format: str
    title_place: Place
    cells: dict[tuple[str, str, str], tuple[object, Place]] = field(default_factory=dict)
    sentences: tuple[Sentence, ...] = ()

    def __init__(self, path: str, agency: str | None, agency_source: str | None, year: int | None,
                 year_source: str | None, template: str | None, format: str, title_place: Place,
                 cells: dict | None = None, sentences: tuple[Sentence, ...] = ()) -> None:
        _set = object.__setattr__       # (a frozen dataclass: gklint.records)
        _set(self, "path", path)
        _set(self, "agency", agency)
        _set(self, "agency_source", agency_source)
        _set(self, "year", year)
        _set(self, "year_source", year_source)
        _set(self, "template", template)
        _set(self, "format", format)
        _set(self, "title_place", title_place)
        _set(self, "cells", {} if cells is None else cells)     # (None: a new mapping, the field's default)
        _set(self, "sentences", sentences)

    def values_and_hashes(self) -> tuple[dict, set]:
        """(cell key → value, the set of the sentences' hashes): what tells two reports apart
        (``gklint.review.checks.same_report``)."""
        values, hashes = self.values_and_hash_list()
        return values, set(hashes)

    def values_and_hash_list(self) -> tuple[dict, list]:
        """(cell key → value, the sentences' hashes in order): what the cross-year checks compare."""
        return {k: v for k, (v, _p) in self.cells.items()}, [s.hash for s in self.sentences]


def _place(source, span: Span | None, path: str) -> Place:
    if source is None or not source.mapped:          # a text file: the span is the place (no diagnostic to move)
        return _tuple_new(Place, (*(span or _POINT), None, None))
    d = source.relocate(Diagnostic.at(span or _POINT, path=path, code="", name="", message=""))
    return _tuple_new(Place, (d.line, d.column, d.end_line, d.end_column, d.page, d.location))


_POINT = Span.point(1, 1)
_tuple_new = tuple.__new__      # a named tuple without its Python-level __new__ (tens per report)
#: a copy of this is a sentence's hash before its text: cheaper than a new one's keyword arguments (per sentence)
_BLAKE8 = hashlib.blake2b(digest_size=8)
_findall = _CORE.findall


def sentence_key(text: str) -> bytes | None:
    """A sentence's hash with digits, spaces and punctuation left out (a copy with new figures is a copy);
    None for a sentence too short to count."""
    if len(text) < MIN_SENTENCE_CHARS:
        return None                  # too short whatever the noise (removing it only shortens)
    # "，" and "、" taken out first (noise, the commonest): each splits the core into one more run, and a run
    # costs the regular expression more than its characters (~10 % fewer instructions a sentence)
    core = "".join(_findall(text.replace("，", "").replace("、", "")))
    if len(core) < MIN_SENTENCE_CHARS:
        return None
    h = _BLAKE8.copy()
    h.update(core.encode("utf-8"))
    return h.digest()


def report_facts(parsed, source=None) -> Facts:
    return facts_of(gather(parsed, source))


def gather(parsed, source=None) -> tuple:
    """The facts of a report as flat data, what ``Facts`` (``facts_of``) and their packed form
    (``gklint.review.store.Packed.gathered``) are made of, without the tuples of a ``Facts`` in between:
    (path, agency, agency source, year, year source, template, format, the cells' keys (a tuple), their
    values, ``places``, ``wheres``, the sentences' hashes, their texts). ``places``: line, column, end line,
    end column of the title, each cell, then each sentence, four ints each; ``wheres``: [index, page,
    location] of the places that have either (Word, PDF)."""
    r = parsed.report
    path = r.path
    agency, a_src = resolve_agency(r)
    year, y_src = resolve_year(r)
    mapped = source is not None and source.mapped
    title = _place(source, r.title.span if r.title else None, path)
    places: list[int] = [*title[:4]]
    wheres: list = [[0, title[4], title[5]]] if title[4] is not None or title[5] is not None else []
    cells: dict = {}
    tables = r.tables
    for tid, rid in FACT_ROWS:
        t = tables.get(tid)
        row = t.row(rid) if t else None
        for c in (row.cells if row else ()):
            if c.kind == NUMBER and c.value is not None:
                cells[(tid, rid, c.col)] = c
    values = [c.value for c in cells.values()]
    for c in cells.values():
        if mapped:
            _add_place(places, wheres, _place(source, c.span, path))
        else:
            places += c.span or _POINT
    hashes: list[bytes] = []
    texts: list[str] = []
    for s in r.sections:
        for p in s.paragraphs():
            _sentences(p, source if mapped else None, path, places, wheres, hashes, texts)
    return (path, agency, a_src, year, y_src, r.template,
            getattr(source, "format", "text") if source is not None else "text",
            tuple(cells), values, places, wheres, hashes, texts)


def _add_place(places: list, wheres: list, place: Place) -> None:
    if place[4] is not None or place[5] is not None:
        wheres.append([len(places) // 4, place[4], place[5]])
    places += place[:4]


def _sentences(p: Paragraph, source, path: str, places: list, wheres: list, hashes: list, texts: list) -> None:
    """Add the counted sentences of ``p`` (``source``: None for a text file, whose spans are the places): a loop,
    not a generator, tens per report."""
    lines = p.lines
    first = lines[0] if lines else None
    first_len = len(first.text) if lines else 0
    # a paragraph of one line (the usual one) is that line's text: ``p.text`` would join it alone and keep a
    # copy in the paragraph (which no rule reads but this)
    text = first.text if len(lines) == 1 else p.text
    for m in _SENTENCE.finditer(text):
        s = m.group()
        if len(s) < MIN_SENTENCE_CHARS:
            continue                 # (sentence_key's first test, without the call)
        key = sentence_key(s)
        if key is None:
            continue
        hashes.append(key)
        lead = s.lstrip()
        texts.append(lead.rstrip()[:60])
        start = m.start() + len(s) - len(lead)
        # the line of the sentence's start: the paragraph's one line in the usual case
        line, off = (first, start) if start < first_len else p.locate(start)
        col = line.column + off
        if source is None:
            places += (line.line, col, line.line, col + 1)
        else:
            _add_place(places, wheres, _place(source, _tuple_new(Span, (line.line, col, line.line, col + 1)), path))


def facts_of(g: tuple) -> Facts:
    """``Facts`` of ``gather``'s flat data (also that of packed facts, ``gklint.review.store``)."""
    path, agency, a_src, year, y_src, template, fmt, keys, values, ints, wheres, hashes, texts = g
    places = list(map(_tuple_new, repeat(Place), zip(ints[0::4], ints[1::4], ints[2::4], ints[3::4],
                                                      repeat(None), repeat(None))))
    for i, page, loc in wheres:
        places[i] = _tuple_new(Place, (*places[i][:4], page, loc))
    n = len(keys)
    return Facts(path, agency, a_src, year, y_src, template, fmt, places[0],
                 dict(zip(keys, zip(values, places[1:n + 1]))),
                 tuple(map(_tuple_new, repeat(Sentence), zip(hashes, texts, places[n + 1:]))))


def safe_facts(parsed, source=None) -> Facts | None:
    """``report_facts``, or None if the report is too damaged to give them (its own findings say why)."""
    g = safe_gather(parsed, source)
    return None if g is None else facts_of(g)


def safe_gather(parsed, source=None) -> tuple | None:
    """``gather``, or None (as ``safe_facts``)."""
    try:
        return gather(parsed, source)
    except Exception:  # noqa: BLE001 - bad input never crashes gklint; the report just takes no cross-year part
        return None
