"""The plugin manager: hookspecs, built-ins, then installed plugins from the ``gklint`` entry-point group."""
from __future__ import annotations

import os
import re
import sys
from contextlib import contextmanager
from functools import lru_cache, reduce
from importlib import import_module

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
    for ep in installed_entry_points("gklint"):
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


# ---------------------------------------------------------------------------------------------------------
# Entry points, read from the installed distributions' entry_points.txt
# ---------------------------------------------------------------------------------------------------------
# ``importlib.metadata.entry_points`` costs ~20-25 ms of a one-file check's start-up (importing it brings in
# email, zipfile, csv …; then its scan); reading the few entry_points.txt files directly costs ~1 ms. What is read
# is what importlib.metadata reads, in its order: each sys.path folder's *.dist-info and *.egg-info entries, the
# first distribution of each (normalized) name winning. Nothing is cached, so an install or uninstall is seen at
# once. Whatever this reader does not handle exactly as importlib.metadata does (a zip or an egg on sys.path,
# another distribution finder, a name not in the folder's name, an unreadable or odd file) is left to it.

_EP_VALUE = re.compile(r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$")
"""importlib.metadata.EntryPoint.pattern: ``module``, ``package.module:object.attr``, optional ``[extras]``."""


class EntryPoint:
    """One entry point: importlib.metadata.EntryPoint's ``name``, ``value``, ``group`` and ``load``."""

    __slots__ = ("name", "value", "group")

    def __init__(self, name: str, value: str, group: str) -> None:
        self.name, self.value, self.group = name, value, group

    def load(self):
        """The module, or the object the value names in it (importlib.metadata.EntryPoint.load)."""
        match = _EP_VALUE.match(self.value)
        module = import_module(match.group("module"))
        attrs = filter(None, (match.group("attr") or "").split("."))
        return reduce(getattr, attrs, module)

    def __repr__(self) -> str:
        return f"EntryPoint(name={self.name!r}, value={self.value!r}, group={self.group!r})"


class _Unusual(Exception):
    """Something only importlib.metadata knows how to read."""


def installed_entry_points(group: str) -> list:
    """The entry points of ``group``, as ``importlib.metadata.entry_points(group=group)`` lists them."""
    try:
        return _read_entry_points(group)
    except _Unusual:
        from importlib.metadata import entry_points

        return list(entry_points(group=group))


_SEPARATORS = re.compile(r"[-_.]+")


def _normalize(name: str) -> str:
    return _SEPARATORS.sub("-", name).lower().replace("-", "_")   # importlib.metadata.Prepared.normalize


def _read_entry_points(group: str) -> list[EntryPoint]:
    from importlib.machinery import PathFinder

    if any(f is not PathFinder and hasattr(f, "find_distributions") for f in sys.meta_path):
        raise _Unusual
    seen: set[str] = set()
    out: list[EntryPoint] = []
    for root in list(sys.path):
        if not isinstance(root, str):
            raise _Unusual
        try:
            children = os.listdir(root or ".")
        except OSError:
            if os.path.isfile(root or "."):
                raise _Unusual from None    # a zip file on sys.path
            continue
        is_egg = os.path.basename(root).lower().endswith(".egg")
        by_name: dict[str, list[str]] = {}   # importlib.metadata's Lookup: grouped by name, in listing order
        for child in children:
            low = child.lower()
            if low.endswith((".dist-info", ".egg-info")):
                by_name.setdefault(_normalize(low.rpartition(".")[0].partition("-")[0]), []).append(child)
            elif is_egg and low == "egg-info":
                raise _Unusual
        for name, infos in by_name.items():
            for child in infos:
                if not child.endswith((".dist-info", ".egg-info")):
                    raise _Unusual          # its name would come from its METADATA file
                if name in seen:
                    continue
                seen.add(name)
                out.extend(ep for ep in _parse(_read(os.path.join(root, child, "entry_points.txt"))) if ep.group == group)
    return out


def _read(path: str) -> str:
    # most distributions have no entry_points.txt: asked first without an exception (a failed open raises one,
    # ~20 K instructions); read as bytes and decoded (the text a text-mode read gives but for its newline
    # translation, which splitlines does alike)
    if not os.access(path, os.F_OK):
        return ""
    try:
        with open(path, "rb") as fh:
            return fh.read().decode("utf-8")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError):
        return ""
    except (OSError, ValueError):
        raise _Unusual from None


def _parse(text: str) -> list[EntryPoint]:
    """importlib.metadata's reading of entry_points.txt: ``[group]`` lines, ``name = value`` lines, ``#`` comments."""
    out = []
    section = None
    for line in map(str.strip, text.splitlines()):
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line.strip("[]")
            continue
        if section is None:
            continue
        if "=" not in line:
            raise _Unusual                  # importlib.metadata fails on it, as it always has
        name, value = line.split("=", 1)
        out.append(EntryPoint(name.strip(), value.strip(), section))
    return out
