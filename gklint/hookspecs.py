"""The plugin contract: every hook gklint calls, grouped by pipeline stage.

A plugin is a module or object with functions marked ``@gklint.plugins.hookimpl``, registered through the
``gklint`` entry-point group (``[project.entry-points.gklint] mypack = "mypack"``). gklint's own national pack,
check kinds and formatters are registered the same way (``gklint.builtin``).
"""
from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("gklint")

# ---------------------------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------------------------


@hookspec
def gklint_rule_dirs() -> list:
    """Return folders of YAML rule packs (each with a ``pack.yaml`` and ``<CODE>.yaml`` files).

    :return: a list of ``pathlib.Path``; find packaged folders with ``importlib.resources.files``.
    """


@hookspec
def gklint_check_kinds() -> dict:
    """Return check kinds that rules may ``kind:`` (name → ``gklint.rules.checks.Kind``).

    Build them with ``gklint.rules.checks.kind`` (a decorator that also validates option schemas). Import heavy code
    lazily inside the hook.
    """


@hookspec
def gklint_corpus_checks() -> dict:
    """Return cross-year checks over several reports of one agency (name → ``check(rule, reports, ctx)``).

    A rule file of kind ``corpus`` names one in its ``check`` option; the check receives the agency's
    ``gklint.review.facts.Facts`` sorted by year, as a read-only sequence (``gklint.review.group.Group``: each
    report read back from the run's store when asked for; ``reports.years`` lists their years without reading
    them; copy it with ``list(reports)`` to sort or change it) and yields ``gklint.review.crossyear.CorpusFinding``
    (see ``gklint/review/checks.py`` for the built-ins: carry-over, 现行有效 continuity, copied narrative …).
    """


# ---------------------------------------------------------------------------------------------------------
# Reporting
# ---------------------------------------------------------------------------------------------------------


@hookspec
def gklint_formatters() -> dict:
    """Return output formats for ``gklint check --format`` (name → ``write(diagnostics, stream, **options)``)."""


# ---------------------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------------------


@hookspec
def gklint_readers() -> list:
    """Return readers for report forms (a list of ``gklint.readers.Reader``, e.g. ``SimpleReader``).

    A reader turns a file's bytes into a ``gklint.readers.Source`` (text view + position map) and never raises.
    Content sniffing (``sniff``) wins over the file suffix. Import heavy libraries lazily inside ``read``.
    """
