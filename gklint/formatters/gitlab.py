"""``gitlab``: a GitLab Code Quality report (also read by Gitee and other GitLab-compatible hosts).

A JSON array, one issue per diagnostic, as GitLab's documentation of the Code Quality report format asks::

    [{"description": "GK204 表头写作“本年度止件数”，模板为“本年废止件数”", "check_name": "GK204",
      "fingerprint": "…", "severity": "major", "location": {"path": "reports/a.txt", "lines": {"begin": 50}}}]

``severity`` is one of GitLab's (``info``, ``minor``, ``major``, ``critical``, ``blocker``): error → critical,
warning → major, info → info. ``fingerprint`` is the structural fingerprint of the baseline
(``gklint.baseline``: rule, file, message without line numbers, the text pointed at), made unique per file
by an occurrence number, so GitLab's merge-request widget tells new findings from old ones across edits.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, TextIO

from ..diagnostics import Diagnostic, Severity
from .sarif import normalised_path

SEVERITIES = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "info"}


def issues(diagnostics: list[Diagnostic], sources: dict | None = None) -> list[dict[str, Any]]:
    from ..baseline import fingerprint

    seen: dict[str, int] = {}
    out = []
    for d in diagnostics:
        fp = fingerprint(d, (sources or {}).get(d.path), Path.cwd())
        seen[fp] = seen.get(fp, 0) + 1
        where = f"（{d.where}）" if d.where else ""
        out.append({
            "type": "issue",
            "description": f"{d.code} {d.message}{where}",
            "check_name": d.code,
            "categories": ["Style"],
            "fingerprint": hashlib.md5(f"{fp}:{seen[fp]}".encode()).hexdigest(),
            "severity": SEVERITIES[d.severity],
            "location": {"path": normalised_path(d.path), "lines": {"begin": max(d.line, 1), "end": max(d.end_line, d.line, 1)}},
        })
    return out


def write(diagnostics: list[Diagnostic], stream: TextIO, *, sources: dict | None = None,
          **_options: Any) -> None:
    json.dump(issues(diagnostics, sources), stream, ensure_ascii=False, indent=1)
    stream.write("\n")
