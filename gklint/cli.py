"""The command line: `gklint check`, `gklint parse`, `gklint rules`, `gklint explain`."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gklint")
def main() -> None:
    """gklint：政府信息公开工作年度报告检查工具。"""


@main.command("parse")
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["tree", "json"]), default="tree", show_default=True)
def parse_cmd(path: str, fmt: str) -> None:
    """Show how gklint reads a report: sections, tables and every template cell."""
    from .api import parse_file, parse_source, report_to_json
    from .source import decode

    parsed = parse_source(decode(sys.stdin.buffer.read(), "-")) if path == "-" else parse_file(path)
    data = report_to_json(parsed)
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        click.echo(_tree(data))
    sys.exit(1 if any(d["severity"] == "error" for d in data["diagnostics"]) else 0)


def _tree(data: dict) -> str:
    out = [f"{data['path']}  (编码 {data['encoding']}, 模板 {data['template'] or '未识别'})"]
    t = data["title"]
    out.append(f"标题  L{t['line']}: {t['text']}  [机关: {t['agency']}, 年度: {t['year']}]" if t else "标题  （未找到）")
    if data["publication_date"]:
        out.append(f"发布日期  {data['publication_date']}")
    for s in data["sections"]:
        flag = "" if s["canonical"] else ("  (别名)" if s["alias"] else "  (非标准写法)")
        out.append(f"第{'一二三四五六'[s['number'] - 1]}部分  L{s['line']}: {s['heading']}{flag}")
        for b in s["blocks"]:
            if b["type"] == "heading":
                out.append(f"    L{b['line']}: {b['text']}")
    for tid, tab in data["tables"].items():
        cells = [c for c in data["cells"] if c["table"] == tid]
        filled = sum(1 for c in cells if c["value"] is not None)
        out.append(f"表 {tid}: {'已找到' if tab['found'] else '未找到'}  {filled}/{len(cells)} 个单元格有数值")
        for row in tab["rows"]:
            vals = [("—缺—" if c.get("missing") else (c["raw"] or "空")) for c in cells if c["row"] == row["id"]]
            where = f"L{row['line']}" if row["line"] else "—"
            out.append(f"    {row['id']:<24} {where:<6} {' | '.join(vals)}")
    for d in data["diagnostics"]:
        out.append(f"{d['line']}:{d['column']}: {d['severity']} {d['code']} {d['message']}")
    return "\n".join(out)
