"""The job summary of the ``github`` format: when ``GITHUB_STEP_SUMMARY`` names a file (GitHub Actions sets
it for every step), a Markdown table of the findings per file and rule is appended to it, so the run's page
shows what gklint found without opening the log."""
from __future__ import annotations

import os
from collections import Counter

from ..diagnostics import Diagnostic, Severity


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(diagnostics: list[Diagnostic], files_checked: int | None = None) -> str:
    sev = Counter(d.severity for d in diagnostics)
    n_files = files_checked if files_checked is not None else len({d.path for d in diagnostics})
    lines = ["## gklint", "",
             f"检查了 {n_files} 个文件：{sev[Severity.ERROR]} 个错误，{sev[Severity.WARNING]} 个警告，"
             f"{sev[Severity.INFO]} 个提示。", ""]
    if not diagnostics:
        return "\n".join(lines) + "\n"
    lines += ["| 文件 | 行 | 级别 | 规则 | 问题 |", "|---|---:|---|---|---|"]
    for d in diagnostics:
        lines.append(f"| {_cell(d.path)} | {d.line} | {d.severity.value} | {d.code} | {_cell(d.message)} |")
    return "\n".join(lines) + "\n\n"


def append(diagnostics: list[Diagnostic], files_checked: int | None = None) -> None:
    """Append the summary to ``$GITHUB_STEP_SUMMARY`` if it is set (an unwritable file is skipped quietly:
    the annotations in the log are the findings; the summary is a convenience)."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    try:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(markdown(diagnostics, files_checked))
    except OSError:
        pass
