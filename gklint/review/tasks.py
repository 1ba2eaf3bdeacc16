"""The unit of work one worker does for one file (a process of the pool, a Dask worker): read, parse,
lint, and the small facts; for ``gklint extract`` also the cells. Module-level and picklable."""
from __future__ import annotations

from functools import lru_cache

from ..diagnostics import Diagnostic, Severity, Span


@lru_cache(maxsize=4)
def _ruleset(extra_dirs: tuple, select: tuple | None, ignore: tuple | None):
    from ..rules.engine import load_ruleset

    return load_ruleset(list(extra_dirs)).select(list(select or ()), list(ignore or ()))


def options(extra_dirs=(), select=None, ignore=None, severities=None, max_size=None, max_findings=None) -> dict:
    """The lint options as the tasks take them (hashable, picklable)."""
    return {"extra_dirs": tuple(str(d) for d in extra_dirs), "select": tuple(select or ()),
            "ignore": tuple(ignore or ()), "severities": dict(severities or {}), "max_size": max_size,
            "max_findings": max_findings}


def lint_task(path: str, opts: dict, cells: bool = False):
    """(path, text for excerpts, diagnostics, facts, cells or None). Never raises: a failure is a GK009."""
    from ..api import parse_source, report_to_json
    from ..readers import read_path
    from ..rules.engine import run_rules
    from .facts import safe_facts

    try:
        rs = _ruleset(opts["extra_dirs"], opts["select"], opts["ignore"])
        src = read_path(path, opts["max_size"])
        parsed = parse_source(src)
        found = run_rules(parsed, rs, severities=opts["severities"], max_findings=opts["max_findings"])
        diags = [src.relocate(d) for d in found] if src.mapped else found
        data = report_to_json(parsed) if cells else None
        return path, src.excerpt_text, diags, safe_facts(parsed, src), data
    except Exception as exc:  # noqa: BLE001 - one bad file is a diagnostic, never a lost result
        return path, "", [Diagnostic.at(Span.point(1, 1), path=path, code="GK009", name="parser-failure",
                                        severity=Severity.ERROR,
                                        message=f"解析报告时出现内部错误（{exc.__class__.__name__}: {exc}），"
                                                "请把该文件报告给 gklint 维护者")], None, None


def lint_batch(paths: list[str], opts: dict, cells: bool = False) -> list:
    """``lint_task`` for each path, in order (one Dask task for a few files)."""
    return [lint_task(p, opts, cells) for p in paths]
