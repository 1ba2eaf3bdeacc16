"""``github``: GitHub Actions workflow commands, which the runner turns into annotations.

::

    ::group::reports/2023.md
    ::error file=reports/2023.md,line=3,col=7,endLine=3,endColumn=8,title=GK301 table-balance::消息
    ::endgroup::

Severity maps to ``error`` / ``warning`` / ``notice``. The diagnostics of each file are wrapped in a
``::group::`` so the log folds per file (ecosystem.md §5.6). GitHub supports columns only within one line,
so ``col``/``endColumn`` are left out when a span crosses lines.
"""
from __future__ import annotations

from itertools import groupby
from typing import Any, TextIO

from ..diagnostics import Diagnostic, Severity

#: gklint severity → workflow command.
COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message: ``%`` → ``%25``, CR → ``%0D``, LF → ``%0A``."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value: as :func:`escape_data`, plus ``:`` → ``%3A`` and ``,`` → ``%2C``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def properties(d: Diagnostic) -> dict[str, str]:
    """The command's properties for ``d``, in GitHub's documented order."""
    props = {"file": d.path.replace("\\", "/"), "line": str(max(d.line, 1))}
    same_line = d.end_line <= d.line
    if same_line:
        props["col"] = str(max(d.column, 1))
    props["endLine"] = str(max(d.end_line, d.line, 1))
    if same_line:
        props["endColumn"] = str(max(d.end_column, d.column, 1))
    props["title"] = f"{d.code} {d.name}".strip()
    return props


def format_command(d: Diagnostic) -> str:
    """The ``::error …::message`` line for one diagnostic, without the trailing newline."""
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties(d).items())
    where = f"（{d.where}）" if d.where else ""
    return f"::{COMMANDS[d.severity]} {props}::{escape_data(d.message + where)}"


def write(diagnostics: list[Diagnostic], stream: TextIO, *, files_checked: int | None = None,
          **_options: Any) -> None:
    """Write one group per file (in the order given), one command per diagnostic; and the job summary
    table when ``GITHUB_STEP_SUMMARY`` is set (``github_summary``)."""
    for path, group in groupby(diagnostics, key=lambda d: d.path):
        stream.write(f"::group::{escape_data(path)}\n")
        for d in group:
            stream.write(format_command(d) + "\n")
        stream.write("::endgroup::\n")
    from .github_summary import append

    append(diagnostics, files_checked)
