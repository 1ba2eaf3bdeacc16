"""``gklint extract PATH... --format csv|json|xlsx -o FILE``: the three tables of every report as rows, plus
the findings, for reviewers who work in Excel/WPS.

A cell row: agency, year, table, row id, column id, label (the row's label as written, else the template's),
column label, value, raw text, kind, position (line, column, page, location) and file — the cells of
``gklint parse --format json``, one row each. xlsx (openpyxl): one sheet per table (表二/表三/表四) with
frozen, filtered headers, a 问题 sheet (findings, cross-year ones included) and a 报告 sheet (who and when of
each file). csv: the cells to FILE (UTF-8 with BOM, which Excel needs) and the findings beside it
(``FILE.findings.csv``). json: ``{"reports", "cells", "findings"}``.
"""
from __future__ import annotations

import csv
import io
import json
import sys

import click

CELL_FIELDS = ["agency", "year", "table", "row", "col", "label", "column_label", "value", "raw", "kind",
               "line", "column", "page", "location", "file"]
FINDING_FIELDS = ["agency", "year", "file", "line", "column", "page", "location", "severity", "code", "name",
                  "message"]
REPORT_FIELDS = ["file", "agency", "agency_as_written", "agency_source", "year", "year_source", "format",
                 "template", "errors", "warnings", "infos"]
SHEETS = {"t2": "表二", "t3": "表三", "t4": "表四"}


def cell_rows(data: dict, agency: str | None, year: int | None) -> list[dict]:
    """The extract rows of one report, from its ``gklint parse --format json`` data."""
    from ..model.template import load_template

    tmpl = load_template(data["template"] if data.get("template") in ("2019", "2021") else "2021")
    labels = {(tid, r["id"]): r["label"] or r["template_label"] for tid, t in data["tables"].items() for r in t["rows"]}
    out = []
    for c in data["cells"]:
        tdef = tmpl.tables.get(c["table"])
        col = tdef.columns.get(c["col"]) if tdef else None
        out.append({"agency": agency, "year": year, "table": c["table"], "row": c["row"], "col": c["col"],
                    "label": labels.get((c["table"], c["row"])), "column_label": col.label if col else c["col"],
                    "value": c["value"], "raw": c["raw"], "kind": c["kind"], "line": c.get("line"),
                    "column": c.get("column"), "page": c.get("page"), "location": c.get("location"),
                    "file": data["path"]})
    return out


def finding_row(d, reports: dict) -> dict:
    meta = reports.get(d.path) or {}
    return {"agency": meta.get("agency"), "year": meta.get("year"), "file": d.path, "line": d.line,
            "column": d.column, "page": d.page, "location": d.location, "severity": d.severity.value,
            "code": d.code, "name": d.name, "message": d.message}


def collect_extract(files, ruleset, *, scheduler=None, workers=None, agencies=None, **lint_options):
    """(reports, cell rows, findings) for ``files``: the work runs in the worker tasks (or on Dask)."""
    from ..lint import corpus_diagnostics
    from . import tasks
    from .run import Run

    run = Run(agencies) if agencies else Run()
    opts = tasks.options(**lint_options)
    if scheduler:
        from .dask_run import ordered_results

        results = ordered_results(files, scheduler, opts, cells=True, workers=workers)
    else:
        results = (tasks.lint_task(f, opts, True) for f in files)
    datas, findings = [], []
    for path, _text, diags, facts, data in results:
        run.facts.append(facts)
        findings.extend(diags)
        datas.append(data)
    for ds in corpus_diagnostics(run.facts, ruleset, lint_options.get("severities"), run.agencies).values():
        findings.extend(ds)
    reports = run.reports()
    cells = []
    for data in datas:
        if data is not None:
            meta = reports.get(data["path"]) or {}
            cells.extend(cell_rows(data, meta.get("agency"), meta.get("year")))
    report_rows = []
    for f, data in zip(files, datas):
        meta = reports.get(f) or {}
        mine = [d for d in findings if d.path == f]
        report_rows.append({"file": f, **{k: meta.get(k) for k in REPORT_FIELDS[1:7]},
                            "template": data.get("template") if data else None,
                            "errors": sum(d.severity.value == "error" for d in mine),
                            "warnings": sum(d.severity.value == "warning" for d in mine),
                            "infos": sum(d.severity.value == "info" for d in mine)})
    findings.sort(key=lambda d: d.sort_key)
    return report_rows, cells, [finding_row(d, reports) for d in findings]


def write_xlsx(path: str, reports, cells, findings) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)

    def sheet(title, fields, rows):
        ws = wb.create_sheet(title)
        ws.append(fields)
        for c in ws[1]:
            c.font = Font(bold=True)
        for r in rows:
            ws.append([r.get(k) for k in fields])
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
        return ws

    for tid, title in SHEETS.items():
        sheet(title, CELL_FIELDS, [c for c in cells if c["table"] == tid])
    sheet("问题", FINDING_FIELDS, findings)
    sheet("报告", REPORT_FIELDS, reports)
    wb.save(path)


def _csv(rows, fields) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fields, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


@click.command("extract")
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "xlsx"]), default="csv", show_default=True)
@click.option("--output-file", "--output", "-o", "output", type=click.Path(dir_okay=False),
              help="写入的文件（xlsx 必须给出；csv 的问题表写在 FILE.findings.csv）")
@click.option("--pack", "packs", multiple=True, type=click.Path(file_okay=False), help="额外的规则包目录")
@click.option("--agencies", type=click.Path(dir_okay=False, exists=True), help="机关名称对照表（见 gklint check）")
@click.option("--scheduler", metavar="tcp://HOST:8786|local", help="在 Dask 集群上读取和解析（见 gklint check）")
@click.option("--jobs", "-j", default=0, help="--scheduler local 的工作进程数（0：每个 CPU 一个）")
def extract_cmd(paths, fmt, output, packs, agencies, scheduler, jobs):
    """导出每份报告的三张表（每个单元格一行）和检查发现的问题：csv、json 或 xlsx（Excel/WPS）。"""
    from pathlib import Path

    from ..lint import collect
    from ..rules.engine import load_ruleset
    from .agency import AgencyMap

    if fmt == "xlsx" and not output:
        click.echo("gklint: --format xlsx 需要 -o FILE", err=True)
        sys.exit(2)
    files, _empty = collect(paths)
    files = [f for f in files if f != "-"]
    if not files:
        click.echo("gklint: 没有找到报告文件（no report files found）", err=True)
        sys.exit(2)
    try:
        amap = AgencyMap.load(agencies) if agencies else None
    except (OSError, ValueError) as exc:
        click.echo(f"gklint: 机关对照表错误：{exc}", err=True)
        sys.exit(2)
    ruleset = load_ruleset([Path(p) for p in packs])
    reports, cells, findings = collect_extract(files, ruleset, scheduler=scheduler, workers=jobs or None,
                                               agencies=amap, extra_dirs=[Path(p) for p in packs])
    if fmt == "xlsx":
        write_xlsx(output, reports, cells, findings)
    elif fmt == "json":
        text = json.dumps({"reports": reports, "cells": cells, "findings": findings}, ensure_ascii=False, indent=1)
        _emit(text + "\n", output)
    else:
        _emit(_csv(cells, CELL_FIELDS), output, bom=bool(output))
        if output:
            Path(output + ".findings.csv").write_text("\ufeff" + _csv(findings, FINDING_FIELDS), encoding="utf-8")
    click.echo(f"gklint: {len(reports)} 份报告，{len(cells)} 个单元格，{len(findings)} 条问题"
               + (f" → {output}" if output else ""), err=True)


def _emit(text: str, output: str | None, bom: bool = False) -> None:
    if output:
        with open(output, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
