"""Project configuration: ``.gklint.toml``, ``.gklint.yaml`` or ``[tool.gklint]`` in ``pyproject.toml``.

Found upwards from the checked path (the closest file wins). Keys: ``select``, ``ignore``, ``severity``
(code or name → error|warning|info), ``per-file-ignores`` (glob → codes), ``packs`` (extra rule-pack folders,
relative to the config file). Unknown keys are an error (exit 2), so a typo never silently disables nothing.
"""
from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

KEYS = {"select", "ignore", "severity", "per-file-ignores", "packs"}


class ConfigError(ValueError):
    pass


@dataclass
class Config:
    path: Path | None = None
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    packs: list[Path] = field(default_factory=list)

    def ignored_for(self, path: str) -> list[str]:
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
    try:
        if path.name == "pyproject.toml":
            data = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {}).get("gklint", {})
        elif path.suffix == ".toml":
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        else:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
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
    return Config(path, _as_list(data.get("select", []), "select", path), _as_list(data.get("ignore", []), "ignore", path),
                  dict(sev), {k: _as_list(v, k, path) for k, v in pfi.items()},
                  [(path.parent / p) for p in _as_list(data.get("packs", []), "packs", path)])


def find_config(start: Path) -> Path | None:
    start = start.resolve()
    d = start if start.is_dir() else start.parent
    for folder in (d, *d.parents):
        for name in (".gklint.toml", ".gklint.yaml", "gklint.toml"):
            if (folder / name).is_file():
                return folder / name
        py = folder / "pyproject.toml"
        if py.is_file():
            try:
                if "gklint" in tomllib.loads(py.read_text(encoding="utf-8")).get("tool", {}):
                    return py
            except (OSError, tomllib.TOMLDecodeError):
                pass
    return None
