"""gklint's own features, registered as a plugin exactly like a provincial pack would be."""
from __future__ import annotations

from .plugins import hookimpl


@hookimpl
def gklint_rule_dirs():
    from .resources import rules_dir

    return [rules_dir() / "national"]


@hookimpl
def gklint_check_kinds():
    from .rules.checks import builtin_kinds
    from .review.crossyear import check_corpus  # noqa: F401 - registers the `corpus` kind

    return builtin_kinds()


@hookimpl
def gklint_corpus_checks():
    from .review.checks import builtin_corpus_checks

    return builtin_corpus_checks()


@hookimpl
def gklint_readers():
    from .readers.builtin import builtin_readers

    return builtin_readers()


@hookimpl
def gklint_formatters():
    from .formatters import FORMATTERS

    return dict(FORMATTERS)
