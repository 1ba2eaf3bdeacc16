"""Rule files: the ``Rule`` type and the strict, safe YAML loader.

One rule per YAML file, ``rules/<pack>/<CODE>.yaml`` (the file stem is the code). Loading is strict: an unknown
key, a wrong type, an unknown kind or an unknown option is a ``RuleError`` that names the file and line.
YAML is loaded with ``yaml.safe_load`` semantics (SafeLoader); nothing in a rule file is executed.

A pack is data from someone else, so loading it is bounded too (issue 8): a file over ``MAX_RULE_FILE`` bytes,
YAML aliases (``*name``: the billion laughs), nesting deeper than ``MAX_YAML_DEPTH``, a list or mapping longer
than ``MAX_ITEMS``, more than ``MAX_RULES`` rule files, a regular expression that would cost too much
(``gklint.rules.saferegex``) or a ``foreach`` of more than ``MAX_BINDINGS`` combinations is refused: a
``RuleError`` (GK902) naming the file, the line and the limit.
"""
from __future__ import annotations

import functools
import re
from dataclasses import field
from pathlib import Path
from typing import Any

from .checks import Kind
from ..diagnostics import Severity
from ..records import frozen

_set = object.__setattr__       # (Rule and Pack are frozen dataclasses: gklint.records)



def _yaml():
    """PyYAML and its safe loader: libyaml's when PyYAML was built with it (10× faster), else the pure-Python one.
    Imported only when a pack is read from its files (a start-up with the packs cached reads none: pack_cache)."""
    import yaml

    return yaml, getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_RULE_FILE = 256 * 1024      # bytes of one rule file or pack.yaml
MAX_RULES = 2000                 # rule files in one pack
MAX_YAML_DEPTH = 20              # nesting of mappings and lists
MAX_ITEMS = 500                  # entries of one list or mapping
MAX_YAML_NODES = 50_000          # scalars, lists and mappings in one file

# as text: re compiles (and keeps) them when a rule file is read, not at every start-up (packs are cached)
CODE_RE = r"^[A-Z]{2,4}\d{3}$"
NAME_RE = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"

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


@frozen
class Rule:
    """One rule, as its YAML file gives it (checked against SCHEMA and its kind's options)."""

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

    def __init__(self, code: str, name: str, summary: str, severity: Severity, kind: str, message: str,
                 rationale: str, examples: dict[str, str], options: dict[str, Any] | None = None,
                 messages: dict[str, str] | None = None, scope: str = "report", references: tuple[str, ...] = (),
                 templates: tuple[str, ...] = ("2021", "2019"), aliases: tuple[str, ...] = (),
                 tags: tuple[str, ...] = (), pack: str = "", path: str = "") -> None:
        _set(self, "code", code)
        _set(self, "name", name)
        _set(self, "summary", summary)
        _set(self, "severity", severity)
        _set(self, "kind", kind)
        _set(self, "message", message)
        _set(self, "rationale", rationale)
        _set(self, "examples", examples)
        _set(self, "options", {} if options is None else options)       # (None: a new mapping, the default)
        _set(self, "messages", {} if messages is None else messages)
        _set(self, "scope", scope)
        _set(self, "references", references)
        _set(self, "templates", templates)
        _set(self, "aliases", aliases)
        _set(self, "tags", tags)
        _set(self, "pack", pack)
        _set(self, "path", path)

    def opt(self, name: str) -> Any:
        return self.options.get(name)

    def applies_to(self, template: str | None) -> bool:
        return template is None or template in self.templates


_PLACEHOLDER = re.compile(r"\{([a-zA-Z_][a-zA-Z0-9_]*)\}")


def render_message(template: str, params: dict[str, Any]) -> str:
    """Substitute ``{name}`` from params; nothing else is interpreted (no attribute access, no format specs). A
    name params lacks stays as written."""
    parts = _message_parts(template)
    if len(parts) == 1:
        return template
    out = [parts[0]]
    for i in range(1, len(parts), 2):
        name = parts[i]
        out.append(str(params[name]) if name in params else "{" + name + "}")
        out.append(parts[i + 1])
    return "".join(out)


@functools.lru_cache(maxsize=1024)
def _message_parts(template: str) -> tuple[str, ...]:
    """The template split at its placeholders: text, name, text, …, text (a rule's few templates, once each)."""
    return tuple(_PLACEHOLDER.split(template))


def _key_lines(node: yaml.Node) -> dict[str, int]:
    yaml, _loader = _yaml()
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for k, _v in node.value:
            lines[str(k.value)] = k.start_mark.line + 1
    return lines


def _typename(t) -> str:
    if isinstance(t, tuple):
        return " 或 ".join(_typename(x) for x in t)
    return {str: "字符串", dict: "映射", list: "列表", int: "整数", bool: "布尔值", float: "数字"}.get(t, t.__name__)


def read_limited(path: Path) -> str:
    """A pack file's text, refused (RuleError) over MAX_RULE_FILE bytes without reading it all."""
    p = str(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_RULE_FILE + 1)
        if len(data) > MAX_RULE_FILE:
            raise RuleError(p, 1, f"文件过大（超过 {MAX_RULE_FILE // 1024} KB 的上限）")
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(p, 1, f"无法读取规则文件：{exc}") from None


def safe_yaml(text: str, p: str) -> tuple[Any, yaml.Node | None]:
    """Load a pack's YAML with bounded cost: the event stream is checked first (no aliases, bounded depth,
    node count and list/mapping lengths), then the document is composed and constructed."""
    yaml, _Loader = _yaml()
    try:
        depth, nodes, counts = 0, 0, [0]
        per_item = [1]                             # events per entry: 2 in a mapping (key and value), 1 in a list
        for ev in yaml.parse(text, Loader=_Loader):
            line = ev.start_mark.line + 1
            if isinstance(ev, yaml.AliasEvent):
                raise RuleError(p, line, f"不允许使用 YAML 别名（*{ev.anchor}）：规则包中每个值都要写出来")
            if isinstance(ev, (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                nodes += 1
                counts[-1] += 1
                if nodes > MAX_YAML_NODES:
                    raise RuleError(p, line, f"YAML 内容过多（超过 {MAX_YAML_NODES} 个值的上限）")
                if counts[-1] > per_item[-1] * MAX_ITEMS:
                    raise RuleError(p, line, f"列表或映射过长（超过 {MAX_ITEMS} 项的上限）")
            if isinstance(ev, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                counts.append(0)
                per_item.append(2 if isinstance(ev, yaml.MappingStartEvent) else 1)
                if depth > MAX_YAML_DEPTH:
                    raise RuleError(p, line, f"YAML 嵌套过深（超过 {MAX_YAML_DEPTH} 层的上限）")
            elif isinstance(ev, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
                counts.pop()
                per_item.pop()
        loader = _Loader(text)                     # compose once and construct from that node (one more pass saved)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RuleError(p, mark.line + 1 if mark else 1, f"YAML 语法错误：{getattr(exc, 'problem', exc)}") from None
    return data, node


def load_rule(path: Path, kinds: dict[str, Kind], pack: str = "") -> Rule:
    p = str(path)
    text = read_limited(path)
    data, node = safe_yaml(text, p)
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
    if not re.match(CODE_RE, code):
        raise RuleError(p, lines["code"], f"规则代码 {code!r} 不符合 前缀+三位数字 的格式（如 GK301）")
    if path.stem != code:
        raise RuleError(p, lines["code"], f"文件名应与规则代码一致（{code}.yaml）")
    if not re.match(NAME_RE, data["name"]):
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
        if getattr(spec, "regex", False) and value:
            from .saferegex import check as check_regex

            items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) \
                else [(None, value)]
            for sub, pattern in items:
                name = key if sub is None else f"{key}[{sub!r}]" if isinstance(value, dict) else f"{key}[{sub}]"
                try:
                    check_regex(pattern)
                except ValueError as exc:
                    raise RuleError(p, opt_lines.get(key, 1), f"选项 {name}：{exc}") from None
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


@frozen
class Pack:
    """One rule pack: its folder and what its pack.yaml says."""

    name: str
    path: Path
    prefix: str
    version: str
    description: str
    meta: dict = field(default_factory=dict, compare=False)   # all of pack.yaml (gklint.packs reads the rest)
    source: str = ""                                          # where it came from (set by load_ruleset)

    def __init__(self, name: str, path: Path, prefix: str, version: str, description: str, meta: dict | None = None,
                 source: str = "") -> None:
        _set(self, "name", name)
        _set(self, "path", path)
        _set(self, "prefix", prefix)
        _set(self, "version", version)
        _set(self, "description", description)
        _set(self, "meta", {} if meta is None else meta)       # (None: a new mapping, the default)
        _set(self, "source", source)


def load_pack(directory: Path, kinds: dict[str, Kind]) -> tuple[Pack, list[Rule], list[RuleError]]:
    """All rules of one pack folder (``pack.yaml`` + ``<CODE>.yaml``); errors are collected, not raised."""
    meta_path = directory / "pack.yaml"
    meta: dict[str, Any] = {}
    errors: list[RuleError] = []
    if meta_path.exists():
        try:
            meta = safe_yaml(read_limited(meta_path), str(meta_path))[0] or {}
            if not isinstance(meta, dict):
                raise RuleError(str(meta_path), 1, "pack.yaml 必须是一个映射（key: value）")
        except RuleError as exc:
            errors.append(exc)
            meta = {}
    pack = Pack(str(meta.get("name", directory.name)), directory, str(meta.get("prefix", "GK")),
                str(meta.get("version", "0")), str(meta.get("description", "")), dict(meta))
    rules: list[Rule] = []
    files = []
    for f in directory.glob("*.yaml"):
        if f.name != "pack.yaml":
            files.append(f)
            if len(files) > MAX_RULES:
                errors.append(RuleError(str(directory), 1, f"规则文件过多（超过 {MAX_RULES} 个的上限），规则包未加载"))
                return pack, [], errors
    for f in sorted(files):
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
