"""Stage 5, report: turn diagnostics into text for people, editors and CI.

Every formatter is a function with one signature::

    write(diagnostics, stream, *, sources=None, color=None, rules=None, files_checked=None) -> None

It receives the diagnostics already sorted by :func:`sort_diagnostics` and writes to ``stream`` (a text
stream). Formatters ignore the keyword options they do not use, so a plugin formatter can be added to
:data:`FORMATTERS` and be called by :func:`render` the same way as the built-in ones.

Built-in formats: ``rich`` (the default, for people), ``concise`` (editors' problem matchers), ``json``,
``sarif`` (code scanning) and ``github`` (Actions workflow commands). ``rich`` imports the rich library
lazily, so the machine formats start fast.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, TextIO

from ..diagnostics import Diagnostic
from . import concise, github, gitlab, json_, junit, sarif

def who_and_when(review: dict | None, path: str) -> tuple[str | None, int | None]:
    """The report's agency (normalised) and year, as the run resolved them (``review["reports"]``)."""
    info = ((review or {}).get("reports") or {}).get(path) or {}
    return info.get("agency"), info.get("year")


__all__ = ["DEFAULT_FORMAT", "who_and_when", "FORMATTERS", "Formatter", "render", "render_groups", "rules_meta",
           "sort_diagnostics"]

Formatter = Callable[..., None]

DEFAULT_FORMAT = "rich"


def _rich(diagnostics: list[Diagnostic], stream: TextIO, **options: Any) -> None:
    """Lazy shim: import the rich formatter (and rich itself) only when this format is used."""
    from . import rich_

    rich_.write(diagnostics, stream, **options)


def _html(diagnostics: list[Diagnostic], stream: TextIO, **options: Any) -> None:
    """Lazy shim: the self-contained HTML review report (gklint/formatters/html_report.py)."""
    from . import html_report

    html_report.write(diagnostics, stream, **options)


#: Format name → formatter. Plugins may register more names here.
FORMATTERS: dict[str, Formatter] = {
    "rich": _rich,
    "concise": concise.write,
    "json": json_.write,
    "sarif": sarif.write,
    "github": github.write,
    "gitlab": gitlab.write,
    "junit": junit.write,
    "html": _html,
}


def rules_meta(ruleset) -> dict[str, dict]:
    """code → ``{"name", "summary", "severity"}`` of a rule set's rules: the ``rules=`` option of :func:`render`."""
    return {r.code: {"name": r.name, "summary": r.summary, "severity": r.severity.value} for r in ruleset.rules}


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sort by path, line, column, code (then message, so the order is total and stable)."""
    return sorted(diagnostics, key=lambda d: d.sort_key)


def render(diagnostics: list[Diagnostic], fmt: str, stream: TextIO, *,
           sources: dict | None = None, color: bool | None = None,
           rules: dict[str, dict] | None = None, files_checked: int | None = None,
           min_severity: str | None = None, **extra: Any) -> None:
    """Write ``diagnostics`` to ``stream`` in the format named ``fmt``.

    :param sources: path → decoded file text, or only the lines the findings point at
        (:class:`~gklint.formatters.lines.PointedLines`, what ``gklint check`` keeps), for source excerpts
        (``rich``, ``html``) and fingerprints (``gitlab``); its paths are the files checked (``junit``).
    :param color: True/False forces colour on/off; None lets the formatter detect it (``rich``).
    :param rules: code → ``{"name", "summary", "severity", "url"?}``, rule metadata (``sarif``).
    :param files_checked: how many files were checked, for the summary line (``rich``); defaults to the
        number of distinct paths among the diagnostics.
    :param min_severity: the lowest severity shown in full by the formats people read (``rich``; below it,
        counts per rule); None: the format's default. Machine formats keep every diagnostic.
    :param extra: more options for the formats that use them (``review=`` for ``html``: agencies, years, ranking).
    :raises ValueError: if ``fmt`` is not a registered format.
    """
    try:
        formatter = FORMATTERS[fmt]
    except KeyError:
        known = ", ".join(sorted(FORMATTERS))
        raise ValueError(f"unknown output format {fmt!r} (known: {known})") from None
    formatter(sort_diagnostics(diagnostics), stream, sources=sources, color=color, rules=rules,
              files_checked=files_checked, min_severity=min_severity, **extra)


def render_groups(groups, fmt: str, stream: TextIO, **options: Any) -> None:
    """:func:`render` for findings given one path at a time, each group sorted and the groups in path order
    (``gklint.formatters.spool``), in a format of ``spool.STREAMED``: the same text, written as it comes."""
    if fmt == "concise":
        for group in groups:
            if group and type(group[0]) is str:      # lines already written (a spool of concise lines)
                stream.write("".join(line + "\n" for line in group))
            else:
                concise.write(group, stream)
    elif fmt == "rich":
        from . import rich_

        rich_.write_groups(groups, stream, **options)
    else:
        raise ValueError(f"{fmt!r} is not written one file at a time")
