"""Baselines: accept today's findings, report only new ones (``--write-baseline FILE``, ``--baseline FILE``).

A finding's fingerprint is structural, never its line number: the rule, the file (relative to the
baseline's folder), the message with its line references (``第 37 行``) taken out, and the text the finding
points at, whitespace folded. The message already names the table, row and column or the section (``表三
“(一)予以公开”行“总计”列``) and quotes the text, so an edit above a finding, or moving the paragraph it is in,
leaves its fingerprint as it was. Equal fingerprints are counted: a baseline with two entries accepts two such
findings, a third is new. Entries that no longer match anything are *stale*: the finding was fixed.

The file::

    {"gklint-baseline": 1, "findings": [{"path": "reports/a.txt", "code": "GK204", "fingerprint": "…",
                                         "message": "…", "count": 1}]}
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic

VERSION = 1
_LINE_REF = re.compile(r"第\s*\d+(?:[–-]\d+)?\s*行")
_SPACE = re.compile(r"\s+")


class BaselineError(ValueError):
    pass


def _rel(path: str, base: Path) -> str:
    if path in ("-", "<stdin>"):
        return path
    try:
        return Path(os.path.relpath(os.path.abspath(path), base)).as_posix()
    except ValueError:
        return Path(path).as_posix()


def fingerprint(d: Diagnostic, text, base: Path) -> str:
    """The structural fingerprint of ``d`` (``text``: the file's text the line numbers refer to, or the
    lines of it a run kept, ``gklint.formatters.lines``)."""
    from .formatters.lines import line_at

    pointed = ""
    line = line_at(text, d.line)
    if line is not None:
        pointed = line[d.column - 1:d.end_column - 1] if d.end_line == d.line else line[d.column - 1:]
    parts = [d.code, _rel(d.path, base), _SPACE.sub("", _LINE_REF.sub("", d.message)), _SPACE.sub("", pointed),
             d.location and _LINE_REF.sub("", d.location) or ""]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def write(path: str, diags: list[Diagnostic], sources: dict) -> int:
    """Write the baseline of ``diags``; returns how many findings it accepts."""
    base = Path(path).resolve().parent
    counts: Counter = Counter()
    first: dict[str, Diagnostic] = {}
    for d in diags:
        fp = fingerprint(d, sources.get(d.path), base)
        counts[fp] += 1
        first.setdefault(fp, d)
    entries = [{"path": _rel(d.path, base), "code": d.code, "fingerprint": fp, "message": d.message,
                "count": counts[fp]} for fp, d in first.items()]
    entries.sort(key=lambda e: (e["path"], e["code"], e["fingerprint"]))
    data = {"gklint-baseline": VERSION, "findings": entries}
    Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return sum(counts.values())


@dataclass
class Filtered:
    new: list[Diagnostic]
    accepted: int          # findings the baseline accepted (not reported)
    stale: list[dict]      # baseline entries (with the unmatched count) that no longer match: fixed


def load(path: str) -> dict[str, int]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("gklint-baseline") != VERSION:
            raise ValueError("不是 gklint 基线文件（缺少 \"gklint-baseline\": 1）")
        return {e["fingerprint"]: int(e.get("count", 1)) for e in data["findings"]}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BaselineError(f"无法读取基线文件 {path}：{exc}") from None


def apply(path: str, diags: list[Diagnostic], sources: dict, checked: list[str]) -> Filtered:
    """Drop the findings the baseline at ``path`` accepts. Stale entries are counted only for files checked
    in this run (``checked``), so checking one file does not call the others' entries fixed."""
    base = Path(path).resolve().parent
    left = Counter(load(path))
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    new: list[Diagnostic] = []
    accepted = 0
    for d in diags:
        fp = fingerprint(d, sources.get(d.path), base)
        if left[fp] > 0:
            left[fp] -= 1
            accepted += 1
        else:
            new.append(d)
    here = {_rel(p, base) for p in checked}
    stale = [{**e, "count": left[e["fingerprint"]]} for e in data["findings"]
             if left[e["fingerprint"]] > 0 and e["path"] in here]
    return Filtered(new, accepted, stale)
