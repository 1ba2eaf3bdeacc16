"""The small facts of one report that a whole run keeps (not the parsed report): who and when, the table
cells cross-year checks compare, and hashes of the narrative's sentences. Built on the worker that parsed
the report (also a Dask worker), so they travel back small and picklable."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from ..diagnostics import Diagnostic, Span
from ..model import NUMBER, Paragraph
from .agency import resolve_agency, resolve_year

#: (table, row) whose number cells are kept: 表三 二、上年结转 and 四、结转下年度; 表二 规章 and 行政规范性文件. In
#: this order (a tuple, not a set): the packed facts are then the same bytes in every process, whatever its hash
#: seed, which the result cache's key of a run's cross-year findings relies on (``gklint.review.store``)
FACT_ROWS = (("t2", "rules"), ("t2", "normative"), ("t3", "2"), ("t3", "4"))
_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]?")
#: what a sentence's key leaves out: spaces, digits, punctuation around figures
NOISE_CLASS = r"\s\d０-９.,，、%％·:：“”\"'（）()"
# the runs that are not noise, joined: the same text as substituting the noise away, in ~20 % less time
_CORE = re.compile(f"[^{NOISE_CLASS}]+")
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


@dataclass(frozen=True)
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

    def values_and_hashes(self) -> tuple[dict, set]:
        """(cell key → value, the set of the sentences' hashes): what tells two reports apart
        (``gklint.review.checks.same_report``)."""
        return {k: v for k, (v, _p) in self.cells.items()}, {s.hash for s in self.sentences}


def _place(source, span: Span | None, path: str) -> Place:
    if source is None or not source.mapped:          # a text file: the span is the place (no diagnostic to move)
        span = span or Span.point(1, 1)
        return Place(span.line, span.column, span.end_line, span.end_column)
    d = source.relocate(Diagnostic.at(span or Span.point(1, 1), path=path, code="", name="", message=""))
    return Place(d.line, d.column, d.end_line, d.end_column, d.page, d.location)


def sentence_key(text: str) -> bytes | None:
    """A sentence's hash with digits, spaces and punctuation left out (a copy with new figures is a copy);
    None for a sentence too short to count."""
    if len(text) < MIN_SENTENCE_CHARS:
        return None                  # too short whatever the noise (removing it only shortens)
    core = "".join(_CORE.findall(text))
    if len(core) < MIN_SENTENCE_CHARS:
        return None
    return hashlib.blake2b(core.encode("utf-8"), digest_size=8).digest()


def report_facts(parsed, source=None) -> Facts:
    r = parsed.report
    agency, a_src = resolve_agency(r)
    year, y_src = resolve_year(r)
    cells = {}
    for tid, rid in FACT_ROWS:
        t = r.tables.get(tid)
        row = t.row(rid) if t else None
        for c in (row.cells if row else ()):
            if c.kind == NUMBER and c.value is not None:
                cells[(tid, rid, c.col)] = (c.value, _place(source, c.span, r.path))
    sentences: list[Sentence] = []
    for s in r.sections:
        for p in s.paragraphs():
            _sentences(p, source, r.path, sentences)
    title_span = r.title.span if r.title else None
    return Facts(r.path, agency, a_src, year, y_src, r.template,
                 getattr(source, "format", "text") if source is not None else "text",
                 _place(source, title_span, r.path), cells, tuple(sentences))


_tuple_new = tuple.__new__      # a named tuple without its Python-level __new__ (one per sentence)


def _sentences(p: Paragraph, source, path: str, out: list[Sentence]) -> None:
    """Append the counted sentences of ``p`` to ``out`` (a loop, not a generator: tens per report)."""
    text = p.text
    mapped = source is not None and source.mapped
    lines = p.lines
    first_len = len(lines[0].text) if lines else 0
    for m in _SENTENCE.finditer(text):
        s = m.group()
        if len(s) < MIN_SENTENCE_CHARS:
            continue                 # (sentence_key's first test, without the call)
        key = sentence_key(s)
        if key is None:
            continue
        start = m.start() + (len(s) - len(s.lstrip()))
        # the line of the sentence's start: the paragraph's one line in the usual case
        line, off = (lines[0], start) if start < first_len else p.locate(start)
        col = line.column + off
        place = _place(source, Span(line.line, col, line.line, col + 1), path) if mapped else \
            _tuple_new(Place, (line.line, col, line.line, col + 1, None, None))
        out.append(_tuple_new(Sentence, (key, s.strip()[:60], place)))


def safe_facts(parsed, source=None) -> Facts | None:
    """``report_facts``, or None if the report is too damaged to give them (its own findings say why)."""
    try:
        return report_facts(parsed, source)
    except Exception:  # noqa: BLE001 - bad input never crashes gklint; the report just takes no cross-year part
        return None
