"""``internal``: the documentation-only kind of the codes gklint's own stages emit (GK0xx read/parse, GK9xx engine).

Those diagnostics come from the readers, the parser and the engine, not from a check; a rule of kind
``internal`` documents one of them so that ``select``/``ignore``/``severity``, ``gklint rules`` and
``gklint explain`` know it like any other rule. The engine never runs it.
"""
from __future__ import annotations

from . import Opt, kind


@kind("internal", options={
    "stage": Opt(str, "read", doc="the stage that emits the code: read, parse, model, engine or config"),
    "always": Opt(bool, False, doc="reported under any `select` (the file, or a selected rule, could not be "
                                   "checked at all: never silent); only `ignore` hides it"),
})
def check_internal(rule, report, ctx):
    """Never run: the code is emitted by gklint's stages (see ``stage``)."""
    return ()


def _validate(rule):
    if rule.opt("stage") not in ("read", "parse", "model", "engine", "config"):
        raise ValueError("stage 只能是 read、parse、model、engine 或 config")


check_internal.validate = _validate
