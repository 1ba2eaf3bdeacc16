"""The one place that knows where gklint's data lives.

In a source checkout (editable install) the grammars and rule packs are the top-level folders ``grammars/``
and ``rules/`` beside the package; in an installed wheel they are packaged as ``gklint/_data/grammars`` and
``gklint/_data/rules`` (see ``[tool.hatch.build.targets.wheel.force-include]`` in pyproject.toml).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_PKG = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def data_dir(kind: str) -> Path:
    """The folder of one kind of data: ``grammars``, ``rules`` or ``templates``."""
    if kind == "templates":
        return _PKG / "model" / "templates"
    for candidate in (_PKG.parent / kind, _PKG / "_data" / kind):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"gklint data folder {kind!r} not found beside {_PKG}")


def grammar_path(name: str) -> Path:
    return data_dir("grammars") / name


def rules_dir() -> Path:
    return data_dir("rules")


def template_path(version: str) -> Path:
    return data_dir("templates") / f"template-{version}.yaml"
