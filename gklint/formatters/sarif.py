"""``sarif``: SARIF 2.1.0 as plain dicts, for GitHub code scanning and other SARIF viewers.

One run; ``tool.driver.rules`` lists every code that occurs (metadata from the ``rules`` option when given);
each result has ``ruleId``, ``ruleIndex``, ``level``, ``message.text``, one physical location with a
1-based region (Word/PDF: no region — their lines are gklint's text view — but the place in the message, a
logical location and ``properties`` page/location/textViewLine), and ``partialFingerprints["gklint/v1"]``. Columns are Unicode code points
(``columnKind: "unicodeCodePoints"``), as gklint counts them; ``endColumn`` is exclusive in both.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import PurePosixPath, PureWindowsPath
from urllib.parse import quote
from typing import Any, TextIO

from ..diagnostics import Diagnostic, Severity

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
FINGERPRINT_KEY = "gklint/v1"

#: gklint severity → SARIF ``level``.
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def normalised_path(path: str) -> str:
    """Forward slashes, without a leading ``./``; otherwise as given (what fingerprints are made of)."""
    uri = path.replace("\\", "/")
    while uri.startswith("./"):
        uri = uri[2:]
    return uri


@lru_cache(maxsize=256)
def artifact_uri(path: str) -> str:
    """The path as a SARIF ``uri`` (an RFC 3986 URI reference): relative paths percent-encoded (``#``, ``%``,
    spaces and non-ASCII characters such as 年报 are encoded as UTF-8), absolute ones as ``file://`` URIs.
    Kept for the last few paths: a file's findings (and each fix) ask for its URI in turn, and the pathlib
    objects that make it were most of the format's cost."""
    norm = normalised_path(path)
    if PureWindowsPath(path).drive or norm.startswith("/"):
        p = PureWindowsPath(path) if PureWindowsPath(path).drive else PurePosixPath(norm)
        return p.as_uri()
    return quote(norm, safe="/")


def fingerprint(d: Diagnostic) -> str:
    """sha256 (hex) of code, path and message, NUL-separated; the line is left out on purpose.

    So the fingerprint survives edits elsewhere in the file (ecosystem.md §5.3). The path is normalised
    with :func:`normalised_path`, so ``./a.md`` and ``a.md`` give the same value.
    """
    key = "\0".join((d.code, normalised_path(d.path), d.message))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def region(d: Diagnostic) -> dict[str, int]:
    """The SARIF region of ``d``: 1-based, end column exclusive, never ending before it starts."""
    start_line = max(d.line, 1)
    start_col = max(d.column, 1)
    end_line = max(d.end_line, start_line)
    end_col = max(d.end_column, 1)
    if end_line == start_line:
        end_col = max(end_col, start_col)
    return {"startLine": start_line, "startColumn": start_col, "endLine": end_line, "endColumn": end_col}


def location(d: Diagnostic) -> dict[str, Any]:
    """The result's location: a region in text and HTML files; for Word/PDF, whose lines are those of
    gklint's text view (not of the file), the artifact and a logical location naming the place instead."""
    physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(d.path)}}
    if not d.where:
        physical["region"] = region(d)
        return {"physicalLocation": physical}
    return {"physicalLocation": physical, "logicalLocations": [{"name": d.where, "kind": "element"}]}


def sarif_fix(d: Diagnostic) -> dict[str, Any]:
    """A finding's fix (``gklint.fixes``) as a SARIF ``fix``: one artifact change, one replacement per edit."""
    return {"description": {"text": d.fix.get("message", "")},
            "artifactChanges": [{"artifactLocation": {"uri": artifact_uri(d.path)}, "replacements": [
                {"deletedRegion": {"startLine": e["line"], "startColumn": e["column"], "endLine": e["end_line"],
                                   "endColumn": e["end_column"]},
                 "insertedContent": {"text": e["text"]}} for e in d.fix["edits"]]}]}


def rule_descriptor(code: str, name: str, meta: dict[str, Any] | None) -> dict[str, Any]:
    """A ``reportingDescriptor`` for ``code``; ``meta`` is the entry of the ``rules`` option, if any.

    Without a ``summary``, the rule's readable name doubles as the short description.
    """
    meta = meta or {}
    rule: dict[str, Any] = {
        "id": code,
        "name": meta.get("name") or name,
        "shortDescription": {"text": meta.get("summary") or meta.get("name") or name},
    }
    if meta.get("url"):
        rule["helpUri"] = meta["url"]
    if meta.get("severity"):
        rule["defaultConfiguration"] = {"level": LEVELS[Severity.parse(meta["severity"])]}
    return rule


def to_sarif(diagnostics: list[Diagnostic], rules: dict[str, dict] | None = None,
             review: dict | None = None) -> dict[str, Any]:
    """The SARIF log for ``diagnostics`` (results in the order given).

    When code, path and message repeat within the run (the same finding at several places), the second
    and later results get ``:2``, ``:3`` … appended to the fingerprint, so code scanning keeps them apart.
    """
    from . import who_and_when

    rules = rules or {}
    codes = sorted({d.code: d.name for d in diagnostics}.items())
    index = {code: i for i, (code, _) in enumerate(codes)}
    seen: dict[str, int] = {}
    results = []
    for d in diagnostics:
        digest = fingerprint(d)
        seen[digest] = seen.get(digest, 0) + 1
        result = {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": LEVELS[d.severity],
            "message": {"text": d.message},
            "locations": [location(d)],
            "partialFingerprints": {
                FINGERPRINT_KEY: digest if seen[digest] == 1 else f"{digest}:{seen[digest]}"},
        }
        if d.fix and not d.where:
            result["fixes"] = [sarif_fix(d)]
        if d.where:
            result["message"]["text"] = f"{d.message}（{d.where}）"
            result["properties"] = {k: v for k, v in (("page", d.page), ("location", d.location),
                                                      ("textViewLine", d.line), ("textViewColumn", d.column))
                                    if v is not None}
        agency, year = who_and_when(review, d.path)
        if agency or year:
            result.setdefault("properties", {}).update({k: v for k, v in (("agency", agency), ("year", year)) if v})
        results.append(result)
    driver = {
        "name": "gklint",
        "rules": [rule_descriptor(code, name, rules.get(code)) for code, name in codes],
    }
    return {
        "$schema": SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [{"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results}],
    }


def write(diagnostics: list[Diagnostic], stream: TextIO, *, rules: dict[str, dict] | None = None,
          review: dict | None = None, **_options: Any) -> None:
    """Write the SARIF log as UTF-8 JSON, indented by 2, with a final newline."""
    from .json_ import dumps_indented     # json.dumps(…, ensure_ascii=False, indent=2), faster

    stream.write(dumps_indented(to_sarif(diagnostics, rules, review)) + "\n")
