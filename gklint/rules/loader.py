"""Rule files: the ``Rule`` type and the strict, safe YAML loader.

One rule per YAML file, ``rules/<pack>/<CODE>.yaml`` (the file stem is the code). Loading is strict: an unknown
key, a wrong type, an unknown kind or an unknown option is a ``RuleError`` that names the file and line.
YAML is loaded with ``yaml.safe_load`` semantics (SafeLoader); nothing in a rule file is executed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .checks import Kind
from ..diagnostics import Severity

# libyaml's safe loader when PyYAML was built with it (10× faster), else the pure-Python safe loader
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

CODE_RE = re.compile(r"^[A-Z]{2,4}\d{3}$")
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")

# key → (type, required)
SCHEMA: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "code": (str, True),
    "name": (str, True),
    "summary": (str, True),
    "severity": (str, True),
    "kind": (str, True),
    "scope": (str, False),
    "options": (dict, False),
    "message": (str, True),
    "messages": (dict, False),
    "rationale": (str, True),
    "references": (list, False),
    "examples": (dict, True),
    "templates": (list, False),
    "aliases": (list, False),
    "tags": (list, False),
}
SCOPES = ("report", "title", "preamble", "section", "table", "cell", "text")


class RuleError(ValueError):
    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    summary: str
    severity: Severity
    kind: str
    message: str
    rationale: str
    examples: dict[str, str]
    options: dict[str, Any] = field(default_factory=dict)
    messages: dict[str, str] = field(default_factory=dict)
    scope: str = "report"
    references: tuple[str, ...] = ()
    templates: tuple[str, ...] = ("2021", "2019")
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    pack: str = ""
    path: str = ""

    def opt(self, name: str) -> Any:
        return self.options.get(name)

    def applies_to(self, template: str | None) -> bool:
        return template is None or template in self.templates


_PLACEHOLDER = re.compile(r"\{([a-zA-Z_][a-zA-Z0-9_]*)\}")


def render_message(template: str, params: dict[str, Any]) -> str:
    """Substitute ``{name}`` from params; nothing else is interpreted (no attribute access, no format specs)."""
    return _PLACEHOLDER.sub(lambda m: str(params[m.group(1)]) if m.group(1) in params else m.group(0), template)


def _key_lines(node: yaml.Node) -> dict[str, int]:
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for k, _v in node.value:
            lines[str(k.value)] = k.start_mark.line + 1
    return lines


def _typename(t) -> str:
    if isinstance(t, tuple):
        return " 或 ".join(_typename(x) for x in t)
    return {str: "字符串", dict: "映射", list: "列表", int: "整数", bool: "布尔值", float: "数字"}.get(t, t.__name__)


def load_rule(path: Path, kinds: dict[str, Kind], pack: str = "") -> Rule:
    p = str(path)
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RuleError(p, mark.line + 1 if mark else 1, f"YAML 语法错误：{getattr(exc, 'problem', exc)}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(p, 1, f"无法读取规则文件：{exc}") from None
    if not isinstance(data, dict):
        raise RuleError(p, 1, "规则文件必须是一个映射（key: value）")
    lines = _key_lines(node)
    for key in data:
        if key not in SCHEMA:
            raise RuleError(p, lines.get(str(key), 1), f"未知的键 {key!r}（允许：{', '.join(SCHEMA)}）")
    for key, (typ, required) in SCHEMA.items():
        if key not in data:
            if required:
                raise RuleError(p, 1, f"缺少必需的键 {key!r}")
            continue
        if not isinstance(data[key], typ):
            raise RuleError(p, lines.get(key, 1), f"{key!r} 应为{_typename(typ)}，实际是 {type(data[key]).__name__}")
    code = data["code"]
    if not CODE_RE.match(code):
        raise RuleError(p, lines["code"], f"规则代码 {code!r} 不符合 前缀+三位数字 的格式（如 GK301）")
    if path.stem != code:
        raise RuleError(p, lines["code"], f"文件名应与规则代码一致（{code}.yaml）")
    if not NAME_RE.match(data["name"]):
        raise RuleError(p, lines["name"], f"规则名称 {data['name']!r} 应为小写短横线形式（如 table-row-sum）")
    try:
        severity = Severity.parse(data["severity"])
    except ValueError as exc:
        raise RuleError(p, lines["severity"], str(exc)) from None
    kind = kinds.get(data["kind"])
    if kind is None:
        raise RuleError(p, lines["kind"], f"未知的检查类型 {data['kind']!r}（可用：{', '.join(sorted(kinds))}）")
    scope = data.get("scope", "report")
    if scope not in SCOPES:
        raise RuleError(p, lines.get("scope", 1), f"未知的作用范围 {scope!r}（可用：{', '.join(SCOPES)}）")
    options = dict(data.get("options") or {})
    opt_lines = {}
    for k, v in node.value:
        if k.value == "options":
            opt_lines = _key_lines(v)
    for key, value in options.items():
        spec = kind.options.get(key)
        if spec is None:
            raise RuleError(p, opt_lines.get(key, lines.get("options", 1)),
                            f"检查类型 {kind.name} 没有选项 {key!r}（可用：{', '.join(kind.options) or '无'}）")
        if not isinstance(value, spec.type) or (isinstance(value, bool) and spec.type in (int, (int, float))):
            raise RuleError(p, opt_lines.get(key, 1), f"选项 {key!r} 应为{_typename(spec.type)}")
    for key, spec in kind.options.items():
        if key not in options:
            if spec.required:
                raise RuleError(p, lines.get("options", 1), f"检查类型 {kind.name} 需要选项 {key!r}")
            options[key] = spec.default
    examples = data["examples"]
    if not isinstance(examples.get("bad"), str) or not isinstance(examples.get("good"), str):
        raise RuleError(p, lines["examples"], "examples 需要 bad 和 good 两个文本示例")
    messages = data.get("messages") or {}
    for k, v in messages.items():
        if not isinstance(v, str):
            raise RuleError(p, lines.get("messages", 1), f"messages.{k} 应为字符串")
    templates = tuple(str(t) for t in data.get("templates", ("2021", "2019")))
    rule = Rule(code, data["name"], data["summary"], severity, data["kind"], data["message"], data["rationale"],
                {k: str(v) for k, v in examples.items()}, options, dict(messages), scope,
                tuple(str(r) for r in data.get("references", ())), templates,
                tuple(str(a) for a in data.get("aliases", ())), tuple(str(t) for t in data.get("tags", ())), pack, p)
    validator = getattr(kind.func, "validate", None)
    if validator is not None:
        try:
            validator(rule)
        except ValueError as exc:
            line = next((opt_lines[k] for k in opt_lines if str(exc).startswith(k)), lines.get("options", 1))
            raise RuleError(p, line, str(exc)) from None
    return rule


@dataclass(frozen=True)
class Pack:
    name: str
    path: Path
    prefix: str
    version: str
    description: str


def load_pack(directory: Path, kinds: dict[str, Kind]) -> tuple[Pack, list[Rule], list[RuleError]]:
    """All rules of one pack folder (``pack.yaml`` + ``<CODE>.yaml``); errors are collected, not raised."""
    meta_path = directory / "pack.yaml"
    meta: dict[str, Any] = {}
    errors: list[RuleError] = []
    if meta_path.exists():
        try:
            meta = yaml.load(meta_path.read_text(encoding="utf-8"), Loader=_Loader) or {}
        except yaml.YAMLError as exc:
            errors.append(RuleError(str(meta_path), 1, f"YAML 语法错误：{exc}"))
    pack = Pack(str(meta.get("name", directory.name)), directory, str(meta.get("prefix", "GK")),
                str(meta.get("version", "0")), str(meta.get("description", "")))
    rules: list[Rule] = []
    for f in sorted(directory.glob("*.yaml")):
        if f.name == "pack.yaml":
            continue
        try:
            rule = load_rule(f, kinds, pack.name)
        except RuleError as exc:
            errors.append(exc)
            continue
        if not rule.code.startswith(pack.prefix):
            errors.append(RuleError(str(f), 1, f"规则代码 {rule.code} 不以规则包前缀 {pack.prefix} 开头"))
            continue
        rules.append(rule)
    return pack, rules, errors
