"""Project configuration: ``.gklint.toml``, ``.gklint.yaml`` or ``[tool.gklint]`` in ``pyproject.toml``.

Found upwards from the checked path (the closest file wins). Keys: ``select``, ``ignore``, ``severity``
(code or name → error|warning|info), ``per-file-ignores`` (glob → codes), ``packs`` (extra rule-pack folders,
relative to the config file), ``max-file-size`` (bytes, or "4MB"/"512KB"; 0: no limit) and
``max-findings-per-rule`` (per rule and file; 0: no cap) and ``min-severity`` (error|warning|info: the lowest
severity the rich format shows in full; lower ones are counted per rule, like Vale's MinAlertLevel) and
``baseline`` (a baseline file, relative to the config file: only new findings are reported; gklint.baseline),
``score`` (a scoring file, relative to the config file: 扣分 per rule and caps; ``--score`` wins),
``cache-dir`` (the result cache's folder, relative to the config file: gklint.cache; ``--cache-dir`` and
``GKLINT_CACHE_DIR`` win). ``overrides``: blocks of ``files`` globs
with their own ``severity``/``ignore`` (gklint.overrides). Unknown keys are an error (exit 2), so a typo never
silently disables nothing; so is a rule code that does not exist (checked by the CLI against the loaded rules).
Discovery never raises: a path that cannot be resolved or a folder that cannot be read ends the search
(the path itself then gets its GK001 when it is read).
"""
from __future__ import annotations

import os
import re
from dataclasses import field
from pathlib import Path

from .records import mutable

KEYS = {"select", "ignore", "severity", "per-file-ignores", "packs", "max-file-size", "max-findings-per-rule",
        "min-severity", "baseline", "overrides", "score", "cache-dir"}
_SIZE = r"(?i)^\s*(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?\s*$"   # as text: compiled when a size is given


def parse_size(value) -> int:
    """Bytes from 4194304, "4MB", "4 MiB", "512K" (binary units); ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        if value < 0:
            raise ValueError(value)
        return value
    m = re.match(_SIZE, str(value))
    if not m:
        raise ValueError(value)
    unit = (m.group(2) or "b").lower()[0]
    return int(float(m.group(1)) * {"b": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}[unit])


class ConfigError(ValueError):
    pass


@mutable
class Config:
    """A project's configuration (see the module docstring for each key); the defaults when there is none."""

    path: Path | None = None
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    packs: list[Path] = field(default_factory=list)
    max_file_size: int | None = None          # None: gklint.readers.DEFAULT_MAX_FILE_SIZE
    max_findings_per_rule: int | None = None  # None: gklint.rules.engine.DEFAULT_MAX_FINDINGS
    min_severity: str | None = None           # shown in full by the formats people read; None: "warning"
    baseline: str | None = None               # a baseline file (gklint.baseline), relative to this file
    overrides: list = field(default_factory=list)   # per-directory blocks (gklint.overrides.Block)
    score: str | None = None                  # a scoring file (扣分 per rule and caps: gklint.review.summary)
    cache_dir: str | None = None              # the result cache's folder (gklint.cache), relative to this file

    def __init__(self, path: Path | None = None, select: list[str] | None = None, ignore: list[str] | None = None,
                 severity: dict[str, str] | None = None, per_file_ignores: dict[str, list[str]] | None = None,
                 packs: list[Path] | None = None, max_file_size: int | None = None,
                 max_findings_per_rule: int | None = None, min_severity: str | None = None,
                 baseline: str | None = None, overrides: list | None = None, score: str | None = None,
                 cache_dir: str | None = None) -> None:
        # (a dataclass: gklint.records; None for a list or mapping: a new empty one, the field's default)
        self.path = path
        self.select = [] if select is None else select
        self.ignore = [] if ignore is None else ignore
        self.severity = {} if severity is None else severity
        self.per_file_ignores = {} if per_file_ignores is None else per_file_ignores
        self.packs = [] if packs is None else packs
        self.max_file_size = max_file_size
        self.max_findings_per_rule = max_findings_per_rule
        self.min_severity = min_severity
        self.baseline = baseline
        self.overrides = [] if overrides is None else overrides
        self.score = score
        self.cache_dir = cache_dir

    def adjusted(self, path: str, diags: list) -> list:
        """One file's diagnostics under the ``overrides`` blocks whose ``files`` match it."""
        if not self.overrides:
            return diags
        from .overrides import adjust

        return adjust(self.overrides, path, self.path.parent if self.path else None, diags)

    def ignored_for(self, path: str) -> list[str]:
        if not self.per_file_ignores:
            return []
        import fnmatch

        out: list[str] = []
        rel = path
        if self.path is not None:
            try:
                rel = str(Path(path).resolve().relative_to(self.path.parent.resolve()))
            except ValueError:
                rel = path
        for pattern, codes in self.per_file_ignores.items():
            if fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(Path(path).name, pattern):
                out.extend(codes)
        return out


def _as_list(value, key: str, where: Path) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise ConfigError(f"{where}: {key} 应为字符串列表")


def load_config_file(path: Path) -> Config:
    import tomllib

    from .overrides import parse_blocks

    try:
        if path.name == "pyproject.toml":
            data = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {}).get("gklint", {})
        elif path.suffix == ".toml":
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        else:
            data = _yaml(path.read_text(encoding="utf-8"), path)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: 无法读取配置：{exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: 配置应为键值映射")
    unknown = set(data) - KEYS
    if unknown:
        raise ConfigError(f"{path}: 未知的配置项 {', '.join(sorted(unknown))}（允许：{', '.join(sorted(KEYS))}）")
    sev = data.get("severity", {})
    if not isinstance(sev, dict) or any(v not in ("error", "warning", "info") for v in sev.values()):
        raise ConfigError(f"{path}: severity 应为 规则 → error|warning|info 的映射")
    pfi = data.get("per-file-ignores", {})
    if not isinstance(pfi, dict):
        raise ConfigError(f"{path}: per-file-ignores 应为 文件模式 → 规则列表 的映射")
    try:
        max_size = parse_size(data["max-file-size"]) if "max-file-size" in data else None
    except ValueError:
        raise ConfigError(f"{path}: max-file-size 应为字节数或如 \"4MB\" 的大小（0 表示不限）") from None
    max_findings = data.get("max-findings-per-rule")
    if max_findings is not None and (not isinstance(max_findings, int) or isinstance(max_findings, bool)
                                     or max_findings < 0):
        raise ConfigError(f"{path}: max-findings-per-rule 应为非负整数（0 表示不限）")
    min_severity = data.get("min-severity")
    if min_severity is not None and min_severity not in ("error", "warning", "info"):
        raise ConfigError(f"{path}: min-severity 应为 error、warning 或 info")
    cache_dir = data.get("cache-dir")
    if cache_dir is not None and (not isinstance(cache_dir, str) or not cache_dir.strip()):
        raise ConfigError(f"{path}: cache-dir 应为目录路径（相对于配置文件）")
    return Config(path, _as_list(data.get("select", []), "select", path), _as_list(data.get("ignore", []), "ignore", path),
                  dict(sev), {k: _as_list(v, k, path) for k, v in pfi.items()},
                  [(path.parent / p) for p in _as_list(data.get("packs", []), "packs", path)],
                  max_size, max_findings, min_severity,
                  str(path.parent / data["baseline"]) if isinstance(data.get("baseline"), str) else None,
                  parse_blocks(data.get("overrides"), path, ConfigError),
                  str(path.parent / data["score"]) if isinstance(data.get("score"), str) else None,
                  str(path.parent / Path(cache_dir).expanduser()) if cache_dir else None)


def _yaml(text: str, path: Path):
    import yaml     # only for a YAML configuration: a start-up without one does not import it

    try:
        return yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: 无法读取配置：{exc}") from None


def _is_file(p: Path) -> bool:
    try:
        return p.is_file()
    except (OSError, ValueError):
        return False


def find_config(start: Path) -> Path | None:
    """The closest configuration file upwards from ``start``; None when there is none or ``start`` cannot be
    resolved (a symlink loop, a folder without permission …: never an exception)."""
    try:
        start = start.resolve()
        d = start if start.is_dir() else start.parent
    except (OSError, RuntimeError, ValueError):
        try:
            d = Path(os.path.abspath(start)).parent
        except (OSError, ValueError):
            return None
    for folder in (d, *d.parents):
        for name in (".gklint.toml", ".gklint.yaml", "gklint.toml"):
            if _is_file(folder / name):
                return folder / name
        py = folder / "pyproject.toml"
        if _is_file(py):
            import tomllib      # only when there is a pyproject.toml to read (~2 ms to import)

            try:
                if "gklint" in tomllib.loads(py.read_text(encoding="utf-8")).get("tool", {}):
                    return py
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                pass
    return None
