"""Suppressing findings in place: comments in Markdown and HTML, a sidecar file for plain text and the rest.

Comments (read from the original text, so they never disturb the outline or table reading: the text reader
blanks them out of the view, the HTML reader never reads them)::

    <!-- gklint-disable GK601,GK603 -- 原文照录 -->   … from here
    <!-- gklint-enable -->                            … to here (or: gklint-enable GK601; or the end of file)
    <!-- gklint-disable-next-line GK204 -- 本单位表格沿用旧称 -->
    <!-- gklint-disable-file GK605 -->

Codes may be codes, prefixes (``GK6``) or rule names, separated by commas or spaces; the text after ``--``
is the reason. ``gklint-disable`` without codes suppresses every rule. A sidecar ``年报.txt.gklint.toml`` beside
any report suppresses for the whole file::

    ignore = ["GK601", "GK603"]
    reason = "原文照录，不改动"

A suppression that names no rule, or that suppressed nothing although its rule ran, is reported itself
(GK030 ``unused-suppression``, as Ruff's RUF100 reports unused ``noqa``).
"""
from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import field
from pathlib import Path

from .diagnostics import Diagnostic, Severity, Span
from .records import mutable

CODE, NAME = "GK030", "unused-suppression"
SIDECAR_SUFFIX = ".gklint.toml"
_ABSENT = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)    # errors Path.is_file() takes for "no file"
# the body is bounded, so an unclosed comment costs one bounded look-ahead, not a scan to the end of the file
_DIRECTIVE = re.compile(r"<!--[ \t]*gklint-(disable-next-line|disable-file|disable|enable)(?![\w-])(.{0,500}?)-->", re.S)


@mutable
class Suppression:
    """One suppression comment (or the sidecar file): which codes it silences, on which lines, and where it is."""

    kind: str                       # disable | disable-next-line | disable-file | sidecar
    codes: list[str]                # empty: every rule
    line: int                       # where it is written (the sidecar: 1)
    column: int
    first: int                      # lines it covers, inclusive
    last: int
    reason: str = ""
    where: str = ""                 # the sidecar's path, for messages
    used: set[str] = field(default_factory=set)

    def __init__(self, kind: str, codes: list[str], line: int, column: int, first: int, last: int, reason: str = "",
                 where: str = "", used: set[str] | None = None) -> None:
        self.kind, self.codes, self.line, self.column, self.first, self.last = kind, codes, line, column, first, last
        self.reason, self.where = reason, where
        self.used = set() if used is None else used

    def covers(self, d: Diagnostic) -> bool:
        return self.first <= d.line <= self.last and (not self.codes or any(_matches(c, d) for c in self.codes))


def _matches(sel: str, d: Diagnostic) -> bool:
    return d.code == sel or d.name == sel or (bool(re.fullmatch(r"[A-Z]{2,4}\d{0,2}", sel)) and d.code.startswith(sel))


def _codes(arg: str) -> tuple[list[str], str]:
    head, _sep, reason = arg.partition("--")
    return [c for c in re.split(r"[,\s，]+", head.strip()) if c], reason.strip()


def comments(text: str) -> list[Suppression]:
    """The suppression comments of a Markdown/HTML text (1-based lines, code points)."""
    lines = text.split("\n")
    starts = [0]
    for ln in lines:
        starts.append(starts[-1] + len(ln) + 1)
    import bisect

    def pos(i: int) -> tuple[int, int]:
        n = bisect.bisect_right(starts, i)
        return n, i - starts[n - 1] + 1

    out: list[Suppression] = []
    open_ranges: list[Suppression] = []
    end = len(lines)
    for m in _DIRECTIVE.finditer(text):
        kind = m.group(1)
        codes, reason = _codes(m.group(2))
        line, col = pos(m.start())
        last_line, _ = pos(m.end() - 1)
        if kind == "disable-file":
            out.append(Suppression(kind, codes, line, col, 1, end, reason))
        elif kind == "disable-next-line":
            nxt = next((n for n in range(last_line + 1, end + 1) if lines[n - 1].strip()), last_line + 1)
            out.append(Suppression(kind, codes, line, col, nxt, nxt, reason))
        elif kind == "disable":
            s = Suppression(kind, codes, line, col, line, end, reason)
            out.append(s)
            open_ranges.append(s)
        else:  # enable: closes the open ranges it names (all when it names none)
            for s in list(open_ranges):
                if not codes or set(codes) & set(s.codes) or not s.codes:
                    s.last = line
                    open_ranges.remove(s)
    return out


def sidecar(path: str) -> tuple[list[Suppression], list[Diagnostic]]:
    """The sidecar ``<file>.gklint.toml`` of a report, if there is one, and any problem reading it."""
    if path in ("-", "<stdin>") or not path:
        return [], []
    try:
        # asked for every file checked, and almost always absent: one stat, no Path (as Path.is_file does it)
        if not stat.S_ISREG(os.stat(path + SIDECAR_SUFFIX).st_mode):
            return [], []
    except OSError as exc:
        if exc.errno in _ABSENT:
            return [], []
        return [], [_diag(path, Span.point(1, 1), f"无法读取抑制文件 {Path(path + SIDECAR_SUFFIX).name}：{exc}")]
    except ValueError:              # a path Path.is_file() calls absent (an embedded NUL)
        return [], []
    import tomllib

    side = Path(path + SIDECAR_SUFFIX)
    try:
        data = tomllib.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        return [], [_diag(path, Span.point(1, 1), f"无法读取抑制文件 {side.name}：{exc}")]
    ignore = data.get("ignore", [])
    bad = sorted(set(data) - {"ignore", "reason"})
    if isinstance(ignore, str):
        ignore = [c for c in re.split(r"[,\s]+", ignore) if c]
    problems = [_diag(path, Span.point(1, 1), f"抑制文件 {side.name} 中有未知的键 {', '.join(bad)}（可用：ignore、reason）")] \
        if bad else []
    if not isinstance(ignore, list) or not all(isinstance(c, str) for c in ignore):
        return [], problems + [_diag(path, Span.point(1, 1), f"抑制文件 {side.name} 的 ignore 应为规则代码列表")]
    return [Suppression("sidecar", list(ignore), 1, 1, 1, 10 ** 9, str(data.get("reason", "")), side.name)], problems


def _diag(path: str, span: Span, message: str) -> Diagnostic:
    return Diagnostic.at(span, path=path, code=CODE, name=NAME, severity=Severity.WARNING, message=message)


#: what every suppression comment starts with, and the formats that can hold one
MARK = "gklint-"
COMMENTED_FORMATS = ("text", "markdown", "html")


def _suppressions(source) -> tuple[list[Suppression], list[Diagnostic]]:
    sups: list[Suppression] = []
    if source.format in COMMENTED_FORMATS and MARK in source.excerpt_text:
        sups = comments(source.excerpt_text)
    side, problems = sidecar(source.path)
    return sups + side, problems


def none_apply(source) -> bool:
    """Whether ``apply`` gives any diagnostics of ``source`` back as they are, and nothing about suppressions:
    no suppression comment, no sidecar (what lets a cached file's findings be served as they were stored)."""
    sups, problems = _suppressions(source)
    return not sups and not problems


def apply(source, diags: list[Diagnostic], ruleset) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """(kept diagnostics, GK030 diagnostics about the suppressions) for one file."""
    sups, problems = _suppressions(source)
    if not sups:
        return diags, problems
    kept = []
    for d in diags:
        hit = next((s for s in sups if s.covers(d)), None) if d.code != CODE else None
        if hit is None:
            kept.append(d)
            continue
        hit.used.add(d.code)
        for s in sups:               # every suppression that covers it counts as used
            if s is not hit and s.covers(d):
                s.used.add(d.code)
    return kept, problems + list(_unused(source.path, sups, ruleset))


def _unused(path: str, sups: list[Suppression], ruleset):
    for s in sups:
        place = Span.point(s.line, s.column, 1)
        what = f"抑制文件 {s.where}" if s.kind == "sidecar" else f"抑制注释“gklint-{s.kind}”"
        unknown = ruleset.unknown(s.codes) if s.codes else []
        if unknown:
            yield _diag(path, place, f"{what}中的 {', '.join(unknown)} 不是任何规则的代码或名称；"
                                     "用 gklint rules 查看全部规则")
        named = [c for c in s.codes if c not in unknown]
        # a code whose rule did not run (not selected) cannot be judged unused
        ran = [c for c in named if any(_rule_matches(c, r) and ruleset.keeps(r.code) for r in ruleset.known)]
        idle = [c for c in ran if not any(_matches_code(c, u, ruleset) for u in s.used)]
        if not s.codes and not s.used:
            yield _diag(path, place, f"{what}没有抑制任何问题，可以删除")
        elif idle:
            yield _diag(path, place, f"{what}中的 {', '.join(idle)} 没有抑制任何问题，可以删除")


def _rule_matches(sel: str, rule) -> bool:
    return rule.code == sel or rule.name == sel or sel in rule.aliases or (
        bool(re.fullmatch(r"[A-Z]{2,4}\d{0,2}", sel)) and rule.code.startswith(sel))


def _matches_code(sel: str, code: str, ruleset) -> bool:
    rule = next((r for r in ruleset.known if r.code == code), None)
    return code == sel or code.startswith(sel) if rule is None else _rule_matches(sel, rule)
