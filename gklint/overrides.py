"""Per-directory overrides in a project's configuration: ``overrides`` blocks (ESLint's ``overrides``/``files``).

```toml
[[tool.gklint.overrides]]             # or [[overrides]] in .gklint.toml; a list under overrides: in YAML
files = ["archive/2020/*", "乡镇/*"]    # globs, relative to the configuration file's folder
severity = { GK401 = "warning" }      # changed for these files only
ignore = ["GK605"]                    # switched off for these files only
```

Blocks apply in order (a later one wins for the same code); they change what the project's own ``severity`` and
``ignore`` say, for the matching files only. ``gklint config FILE`` shows which block changed what.
"""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Block:
    index: int
    files: tuple[str, ...]
    severity: dict
    ignore: tuple[str, ...]
    where: str                      # the configuration file

    @property
    def label(self) -> str:
        return f"{self.where} overrides[{self.index}]（files = {', '.join(self.files)}）"

    def matches(self, path: str, base: Path | None) -> bool:
        rel = path
        if base is not None:
            try:
                rel = Path(path).resolve().relative_to(base.resolve()).as_posix()
            except (ValueError, OSError, RuntimeError):
                rel = path
        return any(fnmatch.fnmatch(rel, g) or fnmatch.fnmatch(rel, g.rstrip("/") + "/*")
                   or rel.startswith(g.rstrip("/*") + "/") and g.endswith(("/", "/**", "/*"))
                   for g in self.files)


def parse_blocks(value, where: Path, error) -> list[Block]:
    """``overrides`` of a configuration file; ``error(message)`` builds the ConfigError to raise."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(b, dict) for b in value):
        raise error(f"{where}: overrides 应为列表，每项含 files、severity、ignore")
    out = []
    for i, b in enumerate(value):
        unknown = set(b) - {"files", "severity", "ignore"}
        if unknown:
            raise error(f"{where}: overrides[{i}] 中未知的键 {', '.join(sorted(unknown))}（允许：files、severity、ignore）")
        files = b.get("files")
        if isinstance(files, str):
            files = [files]
        if not files or not isinstance(files, list) or not all(isinstance(f, str) for f in files):
            raise error(f"{where}: overrides[{i}].files 应为文件模式列表（相对于配置文件所在目录）")
        sev = b.get("severity", {})
        if not isinstance(sev, dict) or any(v not in SEVERITIES for v in sev.values()):
            raise error(f"{where}: overrides[{i}].severity 应为 规则 → error|warning|info 的映射")
        ign = b.get("ignore", [])
        if isinstance(ign, str):
            ign = [x.strip() for x in ign.split(",") if x.strip()]
        if not isinstance(ign, list) or not all(isinstance(x, str) for x in ign):
            raise error(f"{where}: overrides[{i}].ignore 应为规则列表")
        out.append(Block(i, tuple(files), dict(sev), tuple(ign), str(where)))
    return out


def codes(blocks: Iterable[Block]) -> tuple[list[str], list[str]]:
    """(selectors of ignore, codes/names of severity): for the CLI's check that every code exists."""
    ign, sev = [], []
    for b in blocks:
        ign.extend(b.ignore)
        sev.extend(b.severity)
    return ign, sev


def matching(blocks: Iterable[Block], path: str, base: Path | None) -> list[Block]:
    return [b for b in blocks if b.matches(path, base)]


def adjust(blocks: Iterable[Block], path: str, base: Path | None, diags: list) -> list:
    """The diagnostics of one file under the blocks that match it."""
    hits = matching(blocks, path, base)
    if not hits:
        return diags
    out = []
    for d in diags:
        if any(d.code.startswith(c) or d.name == c for b in hits for c in b.ignore):
            continue
        sev = None
        for b in hits:
            sev = b.severity.get(d.code) or b.severity.get(d.name) or sev
        if sev:
            from .diagnostics import Severity

            d = replace(d, severity=Severity.parse(sev))
        out.append(d)
    return out
