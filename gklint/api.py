"""The in-process API: read and parse reports, and turn the model into the public JSON of `gklint parse`."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from .build import Parsed, build
from .diagnostics import Diagnostic, Severity, Span
from .model import MISSING, Heading, Paragraph, Report, TableRegion
from .source import Source, decode, read_path

REPORT_SUFFIXES = (".txt", ".md", ".markdown", ".text")


def parse_source(source: Source) -> Parsed:
    """Parse a decoded source; an unexpected failure becomes a GK009 diagnostic, never an exception."""
    try:
        return build(source)
    except Exception as exc:  # noqa: BLE001 - the contract: bad input never crashes gklint
        empty = build(Source(source.path, "", source.encoding, ()))
        return Parsed(empty.report, [*source.problems, Diagnostic.at(
            Span.point(1, 1), path=source.path, code="GK009", name="parser-failure", severity=Severity.ERROR,
            message=f"解析报告时出现内部错误（{exc.__class__.__name__}: {exc}），请把该文件报告给 gklint 维护者")])


def parse_file(path: str | Path) -> Parsed:
    return parse_source(read_path(path))


def parse_text(text: str, path: str = "<text>") -> Parsed:
    return parse_source(decode(text.encode("utf-8"), path))


def _num(v: Any) -> Any:
    if isinstance(v, Decimal):
        return float(v) if v == v.to_integral_value() or abs(v.as_tuple().exponent) <= 6 else str(v)
    return v


def _span(span: Span | None) -> dict[str, Any]:
    if span is None:
        return {"line": None, "column": None}
    return {"line": span.line, "column": span.column, "end_line": span.end_line, "end_column": span.end_column}


def report_to_json(parsed: Parsed) -> dict[str, Any]:
    """The public JSON contract of `gklint parse --format json` (design.md)."""
    r: Report = parsed.report
    out: dict[str, Any] = {
        "path": r.path,
        "encoding": r.encoding,
        "title": None if r.title is None else {"text": r.title.text, "agency": r.title.agency,
                                                "year": r.title.year, "well_formed": r.title.well_formed,
                                                **_span(r.title.span)},
        "agency": r.agency,
        "year": r.year,
        "template": r.template,
        "publication_date": "%04d-%02d-%02d" % r.publication_date if r.publication_date else None,
        "sections": [{"number": s.number, "numeral": s.numeral, "heading": s.heading, "canonical": s.canonical,
                      "alias": s.alias, **_span(s.span), "end_line_of_section": s.end_line,
                      "blocks": [_block(b) for b in s.blocks]} for s in r.sections],
        "tables": {},
        "cells": [],
        "diagnostics": [d.to_dict() for d in sorted(parsed.problems, key=lambda d: d.sort_key)],
    }
    for tid, t in r.tables.items():
        out["tables"][tid] = {
            "found": t.found, "template": t.template, "section": t.section,
            "rows": [{"id": row.id, "label": row.label, "template_label": row.template_label,
                      "label_match": row.label_match, "written": row.written, "expected": row.expected,
                      **_span(row.label_span)} for row in t.rows],
            "headers": [{"text": h.text, "template_label": h.template_label, "match": h.match, **_span(h.span)}
                        for h in t.headers],
        }
        for c in t.cells():
            cell = {"table": tid, "row": c.row, "col": c.col, "value": _num(c.value), "raw": c.raw,
                    "kind": c.kind, "line": c.span.line if c.span else None,
                    "column": c.span.column if c.span else None}
            if c.kind == MISSING:
                cell["missing"] = True
            out["cells"].append(cell)
    return out


def _block(b) -> dict[str, Any]:
    if isinstance(b, Heading):
        return {"type": "heading", "kind": b.kind, "text": b.text, **_span(b.span)}
    if isinstance(b, Paragraph):
        return {"type": "paragraph", "lines": len(b.lines), **_span(b.span)}
    if isinstance(b, TableRegion):
        return {"type": "table", "lines": len(b.lines), **_span(b.span)}
    return {"type": "unknown"}
