"""Fixes: the text edits a diagnostic may carry, and applying them to a file.

The structure (``Diagnostic.fix``, also in ``--format json``)::

    {"applicability": "safe" | "unsafe",
     "message": "改为“本年废止件数”",                     # what the fix does, in Chinese
     "edits": [{"line": 50, "column": 13, "end_line": 50, "end_column": 19,   # 1-based code points, end exclusive,
                "old": "本年度止件数", "text": "本年废止件数"}]}            # in the original file

``old`` is the text the rule saw there: an edit is applied only where the file still has exactly that text,
so a fix never lands on text that moved or changed. *Safe* fixes restore the template's wording of a label,
remove page chrome or stray spaces, or turn half-width punctuation in Chinese prose into full-width; *unsafe*
ones change wording that may carry meaning (a heading variant → the template's heading). No fix ever changes
a digit (:func:`edit` refuses one). Fixes are made by the rules that know the replacement, through
:func:`replace` and :func:`delete_lines`.

Applying (``gklint check --fix``): edits are applied to the decoded original (its own newlines kept), the
file is linted again and fixed again until nothing changes (at most ``MAX_PASSES``), so applying twice equals
applying once; the result is encoded as the file was (encoding, BOM) and written atomically (a temporary file
in the same folder, then ``os.replace``). A file that does not re-encode to its own bytes is never written.
Word and PDF files are never written: their fixes are offered in ``--annotate``'s copy (Word comments).
"""
from __future__ import annotations

import codecs
import os
import re
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from . import resources
from .diagnostics import Diagnostic, Span

SAFE, UNSAFE = "safe", "unsafe"
MAX_PASSES = 10
WRITABLE_FORMATS = ("text", "markdown", "html")
_DIGIT = re.compile(r"\d|[零〇一二三四五六七八九十百千万]")
_NEWLINE = re.compile(r"\r\n|\r|\n")


def edit(lines: tuple[str, ...] | list[str], span: Span, new: str, expect: str | None = None) -> dict[str, Any] | None:
    """One edit replacing ``span`` (on one line of ``lines``, the report's text) by ``new``; None if the
    span is not on one line, its text is not ``expect`` (when given: what the rule read there), or the edit
    would change a number (a digit or a Chinese numeral)."""
    if span.line != span.end_line:
        return None
    return edit_at(lines, span.line, span.column, span.end_column, new, expect)


def edit_at(lines: tuple[str, ...] | list[str], line: int, column: int, end_column: int, new: str,
            expect: str | None = None) -> dict[str, Any] | None:
    """:func:`edit` of the span from ``column`` to ``end_column`` of ``line``, without making the span (for a rule
    that makes many edits, one per mark: GK601)."""
    if not 1 <= line <= len(lines):
        return None
    old = lines[line - 1][column - 1:end_column - 1]
    if not old or old == new or (expect is not None and old != expect) or _digits(old) != _digits(new):
        return None
    return {"line": line, "column": column, "end_line": line, "end_column": end_column, "old": old, "text": new}


def char_edits(lines: tuple[str, ...] | list[str], line: int, column: int, text: str, places: list[int],
               table: dict[str, str]) -> list[dict[str, Any]] | None:
    """The edits replacing the character of ``text`` (what the rule read on ``line`` from ``column``) at each of
    ``places`` by ``table``'s (a character the table lacks is left), as :func:`edit_at` makes them one by one, or
    None when one could not be made. ``table`` maps characters without a digit or numeral to other such
    characters (GK601's half-width → full-width marks: tests/test_rules_memos.py checks it), so of edit_at's
    refusals only "the file does not have that character there" can apply, and one comparison of the line's
    whole text answers it for every place (GK601 makes an edit per mark: a crawled paragraph has hundreds)."""
    if not 1 <= line <= len(lines):
        return None if any(text[j] in table for j in places) else []
    start = column - 1
    if lines[line - 1][start:start + len(text)] != text:         # rare: check each place as edit_at does
        row = lines[line - 1]
        if any(row[start + j:start + j + 1] != text[j] for j in places if text[j] in table):
            return None
    return [{"line": line, "column": column + j, "end_line": line, "end_column": column + j + 1, "old": ch,
             "text": table[ch]} for j in places if (ch := text[j]) in table]


@lru_cache(maxsize=256)
def _digits(text: str) -> list[str]:
    """The digits and Chinese numerals of ``text``, in order (what an edit must keep): the same few short texts
    (a punctuation mark, a label) come again and again. The list is shared: not to change."""
    return _DIGIT.findall(text)


def make(edits: Iterable[dict | None], message: str, applicability: str = SAFE) -> dict[str, Any] | None:
    """A fix from edits (None if any edit could not be made: a fix is applied whole or not at all)."""
    edits = list(edits)
    if not edits or any(e is None for e in edits):
        return None
    return {"applicability": applicability, "message": message, "edits": edits}


def replace(lines, span: Span, new: str, message: str, applicability: str = SAFE,
            expect: str | None = None) -> dict[str, Any] | None:
    """A fix replacing the text at ``span`` (which must read ``expect``, when given) by ``new``."""
    return make([edit(lines, span, new, expect)], message, applicability)


def delete_lines(lines, first: int, last: int, message: str) -> dict[str, Any] | None:
    """A safe fix deleting whole lines ``first``..``last`` (1-based) with their line ends."""
    if not 1 <= first <= last <= len(lines):
        return None
    old = "\n".join(lines[first - 1:last]) + "\n"
    return make([{"line": first, "column": 1, "end_line": last + 1, "end_column": 1, "old": old, "text": "",
                  "whole_lines": True}], message)


def relocate(source, d: Diagnostic) -> Diagnostic:
    """``source.relocate(d)`` with the fix's edits placed in the original file too (HTML); an edit whose text
    is not found at its mapped place (an entity, markup between) drops the fix. Word/PDF keep the fix as it
    is: it is shown (``--annotate``, ``--show-fixes``), never written."""
    moved = source.relocate(d)
    if not d.fix or not source.mapped or source.format not in WRITABLE_FORMATS:
        return moved
    lines = source.excerpt_text.split("\n")
    out = []
    for e in d.fix["edits"]:
        a, b = source.place(e["line"], e["column"]), source.place(e["end_line"], e["end_column"] - 1)
        if e.get("whole_lines") or "line" not in a or "line" not in b or a["line"] != b["line"]:
            return moved.moved(fix=None)
        col, end = a.get("column", 1), b.get("column", 1) + 1
        if lines[a["line"] - 1][col - 1:end - 1] != e["old"]:
            return moved.moved(fix=None)
        out.append({**e, "line": a["line"], "column": col, "end_line": a["line"], "end_column": end})
    return moved.moved(fix={**d.fix, "edits": out})


def wanted(d: Diagnostic, unsafe: bool) -> bool:
    return bool(d.fix) and (unsafe or d.fix.get("applicability") == SAFE)


# ---------------------------------------------------------------------------------------------------------
# applying edits to a file's text
# ---------------------------------------------------------------------------------------------------------


def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in _NEWLINE.finditer(text)]


def _offset(starts: list[int], text: str, line: int, column: int) -> int | None:
    if line == len(starts) + 1 and column == 1:
        return len(text)
    if not 1 <= line <= len(starts):
        return None
    return starts[line - 1] + column - 1


def apply(text: str, fixes: Iterable[dict]) -> tuple[str, int]:
    """``text`` with the fixes applied (each whole, in order, skipping one that overlaps an earlier one or
    whose ``old`` text is not where it says), and how many were applied."""
    starts = _line_starts(text)
    chosen: list[tuple[int, int, str]] = []
    count = 0
    for fix in fixes:
        spans = []
        try:
            edits = [(int(e["line"]), int(e["column"]), int(e["end_line"]), int(e["end_column"]), str(e["old"]),
                      str(e["text"]), bool(e.get("whole_lines"))) for e in fix["edits"]]
        except (KeyError, TypeError, ValueError):      # a plugin's malformed fix is not applied
            continue
        for line, column, end_line, end_column, old_text, new_text, whole in edits:
            a = _offset(starts, text, line, column)
            b = _offset(starts, text, end_line, end_column)
            if a is None or b is None or b < a:
                break
            old = text[a:b]
            if whole:
                old = _NEWLINE.sub("\n", old)
                if not old.endswith("\n"):
                    old += "\n"
            if old != old_text:
                break
            spans.append((a, b, new_text))
        else:
            if spans and not any(a < y and x < b or a == b == x for a, b, _ in spans for x, y, _t in chosen):
                chosen.extend(spans)
                count += 1
    for a, b, new in sorted(chosen, reverse=True):
        text = text[:a] + new + text[b:]
    return text, count


# ---------------------------------------------------------------------------------------------------------
# files: decode as written, fix to a fixed point, encode as written, write atomically
# ---------------------------------------------------------------------------------------------------------

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def decode_exact(data: bytes, encoding: str) -> tuple[str, bytes, str] | None:
    """(text, BOM, codec) such that ``bom + text.encode(codec) == data``; None when no codec reproduces the
    bytes (a file with undecodable bytes is never rewritten)."""
    bom = next((b for b, _c in _BOMS if data.startswith(b)), b"")
    candidates = [c for b, c in _BOMS if bom and b == bom] or [
        {"utf-8-sig": "utf-8", "gbk": "gb18030", "gb2312": "gb18030"}.get(encoding.lower(), encoding.lower()),
        "utf-8", "gb18030"]
    body = data[len(bom):]
    for codec in dict.fromkeys(candidates):
        try:
            text = body.decode(codec)
            if text.encode(codec) == body:
                return text, bom, codec
        except (LookupError, UnicodeError):
            continue
    return None


@dataclass
class FileFix:
    """One file's fixes: its bytes before and after, how many findings were fixed and which remain."""

    path: str
    before: bytes
    after: bytes
    fixed: int = 0
    remaining: list[Diagnostic] = field(default_factory=list)
    problem: str | None = None     # why the file was not fixed (undecodable, a Word/PDF file …)

    @property
    def changed(self) -> bool:
        return self.after != self.before

    def diff(self) -> str:
        import difflib

        def lines(b: bytes) -> list[str]:
            got = decode_exact(b, "utf-8")
            return (got[0] if got else b.decode("utf-8", "replace")).splitlines(keepends=True)

        a, b = (self.path, self.path) if os.path.isabs(self.path) else (f"a/{self.path}", f"b/{self.path}")
        return "".join(difflib.unified_diff(lines(self.before), lines(self.after), a, b))


def fix_bytes(path: str, data: bytes, lint: Callable[[bytes], tuple[Any, list[Diagnostic]]],
              unsafe: bool = False) -> FileFix:
    """Fix one file's bytes to a fixed point. ``lint(data) -> (source, diagnostics)`` lints in-process."""
    source, diags = lint(data)
    result = FileFix(path, data, data, remaining=diags)
    if not any(wanted(d, unsafe) for d in diags):
        return result
    if source.format not in WRITABLE_FORMATS:
        result.problem = f"{source.format} 文件不直接修改（Word 文件可用 --annotate 在副本中查看修改建议）"
        return result
    exact = decode_exact(data, source.encoding)
    if exact is None:
        result.problem = "文件的编码无法原样写回，未修改"
        return result
    text, bom, codec = exact
    for _ in range(MAX_PASSES):
        new_text, n = apply(text, [d.fix for d in diags if wanted(d, unsafe)])
        if n == 0 or new_text == text:
            break
        text = new_text
        result.fixed += n
        result.after = bom + text.encode(codec)
        source, diags = lint(result.after)
    result.remaining = diags
    return result


def write_atomic(path: str, data: bytes) -> None:
    """Replace the report at ``path`` by ``data`` at once (same folder, its mode kept, on disk before the rename)."""
    resources.write_atomic(path, data, keep_mode=True, durable=True)
