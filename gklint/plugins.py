"""The plugin manager: hookspecs, built-ins, then installed plugins from the ``gklint`` entry-point group."""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from functools import lru_cache

import pluggy

from . import hookspecs

hookimpl = pluggy.HookimplMarker("gklint")
"""Marker to be imported and used in plugins."""


@contextmanager
def installed_code_only():
    """Import plugin code from installed distributions only: the current directory (``''``, ``.``, the cwd, which
    ``python -m gklint`` puts first on ``sys.path``) is taken off the import path while entry points load, so a
    ``mypack.py`` in the repository being linted can never stand in for an installed plugin module."""
    saved = list(sys.path)
    try:
        cwd = os.path.realpath(os.getcwd())
    except OSError:
        cwd = None
    sys.path[:] = [p for p in sys.path if p not in ("", ".") and (cwd is None or os.path.realpath(p) != cwd)]
    try:
        yield
    finally:
        sys.path[:] = saved


@lru_cache(maxsize=1)
def get_plugin_manager() -> tuple[pluggy.PluginManager, tuple[str, ...]]:
    """The manager and the plugin-loading problems (a broken plugin is reported, the others load)."""
    pm = pluggy.PluginManager("gklint")
    pm.add_hookspecs(hookspecs)
    problems: list[str] = []
    from importlib.metadata import entry_points

    for ep in entry_points(group="gklint"):
        if pm.has_plugin(ep.name):
            continue
        try:
            with installed_code_only():
                pm.register(ep.load(), name=ep.name)
        except Exception as exc:  # noqa: BLE001 - one broken plugin must not stop gklint
            problems.append(f"插件 {ep.name}（{ep.value}）加载失败：{exc.__class__.__name__}: {exc}")
    if not pm.has_plugin("national"):
        from . import builtin

        pm.register(builtin, name="national")
    pm.check_pending()
    return pm, tuple(problems)
