"""The in-process API: read and parse reports, and turn the model into the public JSON of `gklint parse`."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from .model.build import Parsed, build
from .diagnostics import Diagnostic, Severity, Span
from .model import MISSING, Heading, Paragraph, Report, TableRegion
from .readers import Source, decode, read_bytes, read_path


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


def parse_bytes(data: bytes, path: str = "<stdin>") -> Parsed:
    return parse_source(read_bytes(data, path))


def parse_text(text: str, path: str = "<text>") -> Parsed:
    return parse_source(decode(text.encode("utf-8"), path))


def _num(v: Any) -> Any:
    if isinstance(v, Decimal):
        return float(v) if v == v.to_integral_value() or abs(v.as_tuple().exponent) <= 6 else str(v)
    return v


def _span(span: Span | None, src: Source | None = None) -> dict[str, Any]:
    """A node's position: in the original file when the source is mapped (HTML), plus page/location."""
    if span is None:
        return {"line": None, "column": None}
    out = {"line": span.line, "column": span.column, "end_line": span.end_line, "end_column": span.end_column}
    if src is not None and src.mapped:
        a = src.place(span.line, span.column)
        b = src.place(span.end_line, max(1, span.end_column - 1))
        if "line" in a:
            out.update(line=a["line"], column=a.get("column"), end_line=b.get("line", a["line"]),
                       end_column=b.get("column", a.get("column") or 0) + 1 if "line" in b else None)
        out.update({k: a[k] for k in ("page", "location") if k in a})
        if src.format in ("docx", "pdf"):
            out["view_line"] = span.line
    return out


def report_to_json(parsed: Parsed) -> dict[str, Any]:
    """The public JSON contract of `gklint parse --format json` (design.md)."""
    r: Report = parsed.report
    src = parsed.source if parsed.source is not None and parsed.source.mapped else None
    out: dict[str, Any] = {
        "path": r.path,
        "format": parsed.source.format if parsed.source is not None else "text",
        "encoding": r.encoding,
        "title": None if r.title is None else {"text": r.title.text, "agency": r.title.agency,
                                                "year": r.title.year, "well_formed": r.title.well_formed,
                                                **_span(r.title.span, src)},
        "agency": r.agency,
        "year": r.year,
        "template": r.template,
        "publication_date": "%04d-%02d-%02d" % r.publication_date if r.publication_date else None,
        "sections": [{"number": s.number, "numeral": s.numeral, "heading": s.heading, "canonical": s.canonical,
                      "alias": s.alias, **_span(s.span, src), "end_line_of_section": s.end_line,
                      "blocks": [_block(b, src) for b in s.blocks]} for s in r.sections],
        "tables": {},
        "cells": [],
        "diagnostics": [(src.relocate(d) if src else d).to_dict()
                        for d in sorted(parsed.problems, key=lambda d: d.sort_key)],
    }
    for tid, t in r.tables.items():
        out["tables"][tid] = {
            "found": t.found, "template": t.template, "section": t.section,
            "rows": [{"id": row.id, "label": row.label, "template_label": row.template_label,
                      "label_match": row.label_match, "written": row.written, "expected": row.expected,
                      **_span(row.label_span, src)} for row in t.rows],
            "headers": [{"text": h.text, "template_label": h.template_label, "match": h.match,
                         **_span(h.span, src)}
                        for h in t.headers],
        }
        for c in t.cells():
            cell = {"table": tid, "row": c.row, "col": c.col, "value": _num(c.value), "raw": c.raw,
                    "kind": c.kind, "line": c.span.line if c.span else None,
                    "column": c.span.column if c.span else None}
            if src is not None and c.span is not None:
                cell.update({k: v for k, v in _span(c.span, src).items() if k in ("line", "column", "page",
                                                                                "location", "view_line")})
            if c.kind == MISSING:
                cell["missing"] = True
            out["cells"].append(cell)
    return out


def _block(b, src: Source | None = None) -> dict[str, Any]:
    if isinstance(b, Heading):
        return {"type": "heading", "kind": b.kind, "text": b.text, **_span(b.span, src)}
    if isinstance(b, Paragraph):
        return {"type": "paragraph", "lines": len(b.lines), **_span(b.span, src)}
    if isinstance(b, TableRegion):
        return {"type": "table", "lines": len(b.lines), **_span(b.span, src)}
    return {"type": "unknown"}
