"""What ``gklint check`` does with the findings once every file is linted: fixes (``--fix``, ``--unsafe-fixes``,
``--diff``, ``--show-fixes``) and baselines (``--write-baseline``, ``--baseline`` or the ``baseline`` key).

``options`` adds these options to the command; ``after_lint`` runs them and says what happened on standard
error (never inside a machine format's output). ``--quiet`` keeps those messages out. Without any of them, a
format written one file at a time is written from the run's spool by ``write_streamed``.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

import click

from .diagnostics import Diagnostic
from .records import mutable

_OPTIONS = [
    click.option("--fix", "fix", is_flag=True, help="自动修复可安全修复的问题（标签写法、网页元素、半角标点），写回文件"),
    click.option("--unsafe-fixes", is_flag=True, help="同时应用可能改变含义的修复（如把标题改为模板写法）"),
    click.option("--diff", "diff", is_flag=True, help="只打印修复会做的改动（统一差异格式），不写文件"),
    click.option("--show-fixes", is_flag=True, help="列出每个可修复的问题和修复内容（rich 格式在标准输出，其他在标准错误）"),
    click.option("--write-baseline", type=click.Path(dir_okay=False), metavar="FILE",
                 help="把这次的全部问题写入基线文件（接受为已知问题）"),
    click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False), metavar="FILE",
                 help="只报告基线文件中没有的新问题（配置项 baseline 同此）"),
    click.option("--quiet", "-q", is_flag=True, help="只输出问题，不输出修复和基线的说明"),
    click.option("--no-color", "no_color", is_flag=True, help="同 --color never"),
]


def options(func):
    for opt in reversed(_OPTIONS):
        func = opt(func)
    return func


def color_choice(color: str | None, no_color: bool) -> bool | None:
    """``--color auto|always|never`` (and ``--no-color``) as the formatters' ``color``: None detects it."""
    if no_color:
        return False
    return {"always": True, "never": False}.get(color or "auto")


@mutable
class Outcome:
    """What a check run's workflow options made of its findings, and an exit code when one of them ends the run."""

    diags: list[Diagnostic]
    exit_code: int | None = None        # set: exit now with this code (``--diff``, ``--write-baseline``)

    def __init__(self, diags: list[Diagnostic], exit_code: int | None = None) -> None:
        self.diags, self.exit_code = diags, exit_code


def _say(quiet: bool, text: str) -> None:
    if not quiet:
        click.echo(f"gklint: {text}", err=True)


def after_lint(diags: list[Diagnostic], sources: dict, files: list[str], *,
               lint: Callable[[bytes, str], tuple[object, list[Diagnostic]]], fmt: str | None,
               fix: bool = False, unsafe_fixes: bool = False, diff: bool = False, show_fixes: bool = False,
               write_baseline: str | None = None, baseline_path: str | None = None, quiet: bool = False,
               **_ignored) -> Outcome:
    """Fixes, then the baseline, over the run's diagnostics. ``lint(data, path)`` lints bytes in-process as
    the run did (rules, severities, per-file-ignores). ``sources``: path → the lines the findings point at
    (``gklint.formatters.lines``; a whole text also does); a fixed file's entry is replaced. Fixes read
    each file again from disk."""
    if fix or unsafe_fixes or diff:
        out = _fix(diags, sources, files, lint, unsafe_fixes, diff, quiet)
        if out.exit_code is not None:
            return out
        diags = out.diags
    if write_baseline:
        from . import baseline

        n = baseline.write(write_baseline, diags, sources)
        _say(quiet, f"基线已写入 {write_baseline}：接受 {n} 个问题；以后用 --baseline {write_baseline} 只报告新问题")
        return Outcome(diags, 0)
    if baseline_path:
        from . import baseline

        try:
            got = baseline.apply(baseline_path, diags, sources, files)
        except (baseline.BaselineError, OSError, ValueError) as exc:
            click.echo(f"gklint: {exc}", err=True)
            return Outcome(diags, 2)
        stale = sum(e["count"] for e in got.stale)
        msg = f"基线 {baseline_path}：{got.accepted} 个已接受的问题未列出，{len(got.new)} 个新问题"
        if stale:
            msg += f"；{stale} 个已接受的问题不再出现（已修复），可用 --write-baseline 更新基线"
        _say(quiet, msg)
        diags = got.new
    if show_fixes:
        _show(diags, fmt)
    return Outcome(diags)


def _fix(diags, sources, files, lint, unsafe: bool, diff: bool, quiet: bool) -> Outcome:
    from . import fixes
    from .formatters.lines import keep_lines

    by_path: dict[str, list[Diagnostic]] = {}
    for d in diags:
        by_path.setdefault(d.path, []).append(d)
    fixed_total, changed_files, diffs = 0, 0, []
    for path in files:
        if not any(fixes.wanted(d, unsafe) for d in by_path.get(path, [])):
            continue
        if path == "-":
            _say(quiet, "标准输入不能修复：请给出文件路径")
            continue
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            _say(quiet, f"无法读取 {path}：{exc.strerror or exc}")
            continue
        result = fixes.fix_bytes(path, data, lambda b, p=path: lint(b, p), unsafe)
        if result.problem:
            _say(quiet, f"{path}：{result.problem}")
            continue
        if not result.changed:
            continue
        if diff:
            diffs.append(result.diff())
        else:
            try:
                fixes.write_atomic(path, result.after)
            except OSError as exc:
                _say(quiet, f"无法写入 {path}：{exc.strerror or exc}")
                continue
            by_path[path] = result.remaining
            got = fixes.decode_exact(result.after, "utf-8")
            if got:   # the lines the remaining findings point at, in the file as it is now
                text = got[0].replace("\r\n", "\n").replace("\r", "\n")
                sources[path] = keep_lines(text, result.remaining)
        fixed_total += result.fixed
        changed_files += 1
    if diff:
        sys.stdout.write("".join(diffs))
        sys.stdout.flush()
        _say(quiet, f"可修复 {fixed_total} 个问题（{changed_files} 个文件）；未写入文件（--diff）")
        return Outcome(diags, 1 if diffs else 0)
    remaining = [d for ds in by_path.values() for d in ds]
    left = sum(1 for d in remaining if d.fix)
    _say(quiet, f"已修复 {fixed_total} 个问题（{changed_files} 个文件），剩余 {len(remaining)} 个问题"
                + (f"，其中 {left} 个可用 --unsafe-fixes 修复" if left and not unsafe else ""))
    return Outcome(remaining)


def _show(diags: list[Diagnostic], fmt: str | None) -> None:
    from .fixes import SAFE

    lines = []
    for d in diags:
        if d.fix:
            kind = "安全" if d.fix.get("applicability") == SAFE else "不安全（--unsafe-fixes）"
            lines.append(f"{d.path}:{d.line}:{d.column}: {d.code} 可修复，{kind}：{d.fix.get('message', '')}")
    if lines:
        stream = sys.stdout if fmt == "rich" else sys.stderr     # machine formats keep their shape
        stream.write("\n".join(lines) + "\n")


def write_streamed(spool, before, corpus, run, fmt, output, color, score_file, files, sources, ruleset, min_severity):
    """``check``'s output for a format written one file at a time (``gklint.formatters.spool``): each path's
    findings read back from the spool as it is written. Exits 2 for a bad score file, as the other formats do."""
    from .formatters import render_groups, rules_meta

    try:
        if score_file:
            from .review.summary import Scoring

            Scoring.load(score_file)      # only checked: these formats show no ranking
    except (OSError, ValueError) as exc:
        click.echo(f"gklint: 评分文件错误：{exc}", err=True)
        sys.exit(2)
    options = dict(sources=sources, rules=rules_meta(ruleset),
                   files_checked=len(files), min_severity=min_severity,
                   review={"reports": run.reports()} if fmt == "rich" else None)

    def write(stream, color):
        if fmt == "concise" and spool.lines:       # lines made where the files were linted: bytes to copy
            spool.write_lines(stream, before, corpus)
        else:
            render_groups(spool.groups(before, corpus), fmt, stream, color=color, **options)

    try:
        if output:
            with open(output, "w", encoding="utf-8") as fh:
                write(fh, False)
        else:
            write(sys.stdout, color)
    finally:
        spool.close()
