"""An example provincial pack: YAML rules with their own prefix (SD) and one Python check kind.

Installed with pip, it is found through the ``gklint`` entry-point group; nothing in gklint changes.
"""
from __future__ import annotations

from pathlib import Path

from gklint.rules.checks import Finding, Opt, kind
from gklint.plugins import hookimpl
from gklint.textnorm import folded


@kind("section_items", options={"section": Opt(int, 6, doc="the section number"),
                                "items": Opt(dict, required=True, doc="item name → list of keywords (any matches)")})
def section_items(rule, report, ctx):
    """Each named item is mentioned in the section (one finding per missing item, at the section heading)."""
    sec = report.section(rule.opt("section"))
    if sec is None:
        return
    text = folded(sec.text)
    for name, words in rule.opt("items").items():
        if not any(folded(w) in text for w in words):
            yield Finding(sec.span, {"item": name, "heading": sec.heading})


@hookimpl
def gklint_rule_dirs():
    return [Path(__file__).parent / "rules"]


@hookimpl
def gklint_check_kinds():
    return {"section_items": __import__("gklint.rules.checks", fromlist=["KINDS"]).KINDS["section_items"]}
