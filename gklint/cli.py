"""The command line: `gklint check`, `gklint parse`, `gklint rules`, `gklint explain`."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from . import __version__
from .workflow import options as workflow_options


class _LazyGroup(click.Group):
    """A group whose commands defined in other modules are imported only when run or listed (click's "lazily
    loading subcommands" pattern): ``gklint check`` does not import the pack, config and extract commands."""

    LAZY = {"packs": "cli_packs:packs_cmd", "test-pack": "cli_packs:test_pack_cmd", "config": "cli_packs:config_cmd",
            "new-pack": "cli_packs:new_pack_cmd", "kinds": "cli_packs:kinds_cmd",
            "extract": "review.extract:extract_cmd"}    # gklint extract (issue 12)

    def list_commands(self, ctx) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.LAZY})

    def get_command(self, ctx, cmd_name):
        if cmd_name in self.LAZY and cmd_name not in self.commands:
            from importlib import import_module

            module, name = self.LAZY[cmd_name].split(":")
            self.add_command(getattr(import_module(f"{__package__}.{module}"), name), cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gklint")
@click.pass_context
def main(ctx: click.Context) -> None:
    """gklint：政府信息公开工作年度报告检查工具。"""
    from .regexcache import install
    from .startup import pause_gc, resume_gc

    install()      # before the command imports its modules: their patterns come compiled from the cache

    if ctx.invoked_subcommand == "check":     # no cyclic collection until its rule set is loaded (gklint.startup)
        pause_gc()
    else:
        resume_gc(freeze=False)     # python -m gklint pauses it from the start (gklint/__main__.py)


def run() -> None:
    """The ``gklint`` command (its console script and ``python -m gklint``): ``main``, then a quick exit
    (``gklint.startup.quick_exit``). Tests and callers that run ``main`` themselves keep a normal exit."""
    from .startup import quick_exit

    try:
        main()
        code = 0
    except SystemExit as e:
        code = e.code
    quick_exit(code)


@main.command("parse")
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["tree", "json"]), default="tree", show_default=True)
@click.option("--text", "text_view", is_flag=True,
              help="只显示读取得到的文本视图（带行号；Word/PDF 的行列号都指这个视图）")
def parse_cmd(path: str, fmt: str, text_view: bool) -> None:
    """Show how gklint reads a report: sections, tables and every template cell."""
    from .api import parse_bytes, parse_file, report_to_json

    parsed = parse_bytes(sys.stdin.buffer.read(), "-") if path == "-" else parse_file(path)
    if text_view:
        click.echo(_text_view(parsed.source))
        sys.exit(1 if any(d.severity.value == "error" for d in parsed.source.problems) else 0)
    data = report_to_json(parsed)
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        click.echo(_tree(data))
    sys.exit(1 if any(d["severity"] == "error" for d in data["diagnostics"]) else 0)


def _text_view(src) -> str:
    """The text view with line numbers and, for Word/PDF, where each line comes from."""
    lines = src.text.split("\n")
    width = len(str(len(lines)))
    out = []
    for n, line in enumerate(lines, 1):
        place = src.place(n, 1)
        where = place.get("location") or (f"L{place['line']}" if "line" in place else "")
        out.append(f"{n:>{width}}  {where + '  ' if where else ''}{line}")
    for d in src.problems:
        out.append(f"{d.line}:{d.column}: {d.severity.value} {d.code} {d.message}")
    return "\n".join(out)


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


def _jobs(value) -> int | None:
    """``--jobs``: auto (None: one worker per CPU) or a number (0: also one per CPU)."""
    if value is None or str(value).strip().lower() == "auto":
        return None
    try:
        n = int(value)
    except ValueError:
        n = -1
    if n < 0:
        raise click.BadParameter(f"应为 auto 或非负整数，不是 {value!r}", param_hint="--jobs")
    return n


def _result_cache(option, cfg, ruleset, extra, max_size, max_findings):
    """The result cache of this run (gklint.cache), or None when its folder cannot be made."""
    from .cache import ResultCache, cache_root, run_key

    return ResultCache.open(cache_root(option, cfg.cache_dir),
                            run_key(ruleset, extra, cfg.severity, max_size, max_findings))


def _split(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


@main.command("check")
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", default=None, help="rich | concise | json | sarif | github（默认：终端 rich，否则 concise）")
@click.option("--select", multiple=True, help="只运行这些规则：代码、前缀或名称，逗号分隔（如 GK3,title-missing）")
@click.option("--ignore", multiple=True, help="不运行这些规则：代码、前缀或名称")
@click.option("--pack", "packs", multiple=True, type=click.Path(file_okay=False), help="额外的规则包目录")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="配置文件（默认向上查找）")
@click.option("--no-config", is_flag=True, help="不读取任何配置文件")
@click.option("--jobs", "-j", default="auto", show_default=True, metavar="N|auto", callback=lambda _c, _p, v: _jobs(v),
              help="并行进程数：auto 或 0 表示每个 CPU 一个（少量文件时在本进程检查），1 表示不并行")
@click.option("--no-cache", is_flag=True, envvar="GKLINT_NO_CACHE",
              help="不读也不写结果缓存（环境变量 GKLINT_NO_CACHE=1 同此）")
@click.option("--cache-dir", type=click.Path(file_okay=False), envvar="GKLINT_CACHE_DIR",
              help="结果缓存目录（默认：用户缓存目录；环境变量 GKLINT_CACHE_DIR 或配置项 cache-dir 同此）")
@click.option("--stdin-filename", default="-", help="从标准输入读取时使用的文件名")
@click.option("--exit-zero", is_flag=True, help="即使有错误也以 0 退出")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", is_flag=False,
              flag_value="always", help="是否使用颜色：auto（默认，终端中使用）、always、never")
@click.option("--output-file", "--output", "-o", "output", type=click.Path(dir_okay=False), help="写入文件而不是标准输出")
@click.option("--statistics", is_flag=True, help="只输出每条规则的问题数和涉及的文件数（批量审查用）")
@click.option("--max-file-size", default=None, metavar="SIZE",
              help="超过此大小的文件不检查（GK017）：字节数或 4MB、512KB；0 表示不限；默认 4MB")
@click.option("--max-findings-per-rule", type=click.IntRange(min=0), default=None,
              help="每条规则在每个文件最多列出的问题数，其余计入 GK019；0 表示不限；默认 100")
@click.option("--annotate", type=click.Path(dir_okay=False),
              help="把每个问题作为批注写入 Word 文档的副本（只用于检查单个 .docx；原文件不变）")
@click.option("--show-info", is_flag=True,
              help="rich 格式也逐条列出提示级别的问题（默认只按规则计数；配置项 min-severity 同此）")
@click.option("--agencies", type=click.Path(dir_okay=False, exists=True),
              help="机关名称对照表（YAML/TOML：规范名称: [其他名称, …]），用于无法按名称区分的机关")
@click.option("--score", type=click.Path(dir_okay=False, exists=True),
              help="评分文件（YAML/TOML：base、deductions 每条扣分、caps 每组上限），用于 --statistics 和 html 的机关排名")
@click.option("--scheduler", metavar="tcp://HOST:8786|local",
              help="在 Dask 集群上读取、解析和检查（local：在本机启动 LocalCluster）；需要 gklint[dask]")
@workflow_options   # --fix, --unsafe-fixes, --diff, --show-fixes, --write-baseline, --baseline, --quiet, --no-color
def check_cmd(paths, fmt, select, ignore, packs, config_path, no_config, jobs, stdin_filename, exit_zero, color, output,
              statistics, max_file_size, max_findings_per_rule, annotate, show_info, agencies=None, scheduler=None,
              score=None, no_cache=False, cache_dir=None, **more):
    """检查年度报告：文件、目录（递归查找 .txt/.md）或 -（标准输入）。

    退出码：0 没有错误；1 有错误级别的问题；2 用法、配置或规则包错误。
    """
    from .workflow import after_lint, color_choice

    color = color_choice(color, more.pop("no_color", False))
    from .config import Config, ConfigError, find_config, load_config_file, parse_size
    from .diagnostics import Diagnostic, Severity, Span
    from .rules.engine import load_ruleset
    from .formatters import render
    from .lint import collect

    try:
        cfg_file = Path(config_path) if config_path else (None if no_config else find_config(
            Path(paths[0]) if paths[0] != "-" else Path.cwd()))
        cfg = load_config_file(cfg_file) if cfg_file else Config()
    except ConfigError as exc:
        click.echo(f"gklint: 配置错误：{exc}", err=True)
        sys.exit(2)
    extra = [*cfg.packs, *(Path(p) for p in packs)]
    sel = _split(select) or cfg.select
    ign = _split(ignore) + cfg.ignore
    ruleset = load_ruleset(extra).select(sel, ign)
    bad = [*ruleset.unknown(sel + ign), *ruleset.unknown(cfg.severity, prefixes=False),
           *ruleset.unknown(c for cs in cfg.per_file_ignores.values() for c in cs),
           *ruleset.unknown(c for b in cfg.overrides for c in b.ignore),
           *ruleset.unknown((c for b in cfg.overrides for c in b.severity), prefixes=False)]
    if bad:
        where = f"（{cfg.path}）" if cfg.path else ""
        click.echo(f"gklint: 配置错误：没有这样的规则 {', '.join(dict.fromkeys(bad))}{where}；"
                   "select/ignore/per-file-ignores 可用代码、代码前缀或名称，severity 只能用代码或名称；"
                   "用 gklint rules 查看全部规则", err=True)
        sys.exit(2)
    try:
        max_size = parse_size(max_file_size) if max_file_size is not None else cfg.max_file_size
    except ValueError:
        click.echo(f"gklint: --max-file-size 应为字节数或如 4MB 的大小，不是 {max_file_size!r}", err=True)
        sys.exit(2)
    max_findings = max_findings_per_rule if max_findings_per_rule is not None else cfg.max_findings_per_rule
    if (sel or ign) and not ruleset.rules and not ruleset.errors:
        click.echo(f"gklint: --select/--ignore 没有选中任何规则（{', '.join(sel + ign)}）", err=True)
        sys.exit(2)
    files, empty_dirs = collect(paths)
    for d in empty_dirs:
        click.echo(f"gklint: 目录 {d} 中没有找到报告文件（gklint 读取 {', '.join(_suffixes())}）", err=True)
    if not files:
        click.echo("gklint: 没有找到报告文件（no report files found）", err=True)
        sys.exit(2)
    if annotate:
        from .formatters.annotate_docx import annotate_problem

        if (problem := annotate_problem(files, annotate)) is not None:
            click.echo(f"gklint: {problem}", err=True)
            sys.exit(2)
    stdin_data = _read_stdin(max_size) if "-" in files else None
    all_diags: list[Diagnostic] = []
    sources: dict = {}   # path → only the lines its findings point at (formatters.lines): memory stays flat
    from .rules.engine import finish

    all_diags.extend(finish((Diagnostic.at(
        Span.point(err.line, 1), path=err.path, code="GK902", name="bad-rule-pack", severity=Severity.ERROR,
        message=f"规则包错误：{err.message}") for err in ruleset.errors), ruleset, cfg.severity, 0))
    from .review import run as review
    from .formatters.lines import NO_LINES, keep_lines

    shown_fmt = fmt or ("rich" if (output is None and sys.stdout.isatty()) else "concise")
    # lines are kept for the formats that show them and for baselines (fingerprints quote the text pointed at)
    lines_read = shown_fmt not in NO_LINES or any((more.get("write_baseline"), more.get("baseline_path"), cfg.baseline))

    try:
        run = review.Run(review.load_agencies(agencies))
    except (OSError, ValueError) as exc:
        click.echo(f"gklint: 机关对照表错误：{exc}", err=True)
        sys.exit(2)
    cache = None if no_cache or scheduler or files == ["-"] else _result_cache(cache_dir, cfg, ruleset, extra, max_size,
                                                                               max_findings)
    # formats written one file at a time need no global view: findings go to a spool, not to memory
    from .formatters import spool as spooling

    streamed = shown_fmt in spooling.STREAMED and not (statistics or annotate or cfg.baseline or any(
        more.get(k) for k in ("fix", "unsafe_fixes", "diff", "show_fixes", "write_baseline", "baseline_path")))
    per_file = bool(cfg.per_file_ignores)     # ignored_for resolves the path: not for every file when there are none
    # concise, nothing to adjust: each file's findings are written as lines where it is linted (a pool worker)
    encoded = streamed and shown_fmt == "concise" and not (per_file or cfg.overrides or scheduler)
    spool = spooling.Spool(lines=encoded) if streamed else None
    stream = review.results(files, ruleset, run, scheduler=scheduler, jobs=jobs, stdin_data=stdin_data, cache=cache,
                            stdin_name=stdin_filename, extra_dirs=extra, select=sel, ignore=ign,
                            severities=cfg.severity, max_size=max_size, max_findings=max_findings,
                            **({"encode": spooling.encode_concise} if encoded else {}))
    checked, errors = 0, False
    progress = review.with_progress(stream, len(files), run)
    try:
        for path, text, diags in progress:
            checked += 1
            if encoded:
                spool.add_encoded(diags[0], path)
                errors = errors or diags[1]
                continue
            ignored = cfg.ignored_for(path) if per_file else None
            if ignored:
                diags = _not_ignored(diags, ignored)
            diags = cfg.adjusted(path, diags)   # per-directory `overrides` blocks
            if spool is None or lines_read:
                sources[path] = text if stdin_data is not None and path == stdin_filename else keep_lines(
                    text, diags if lines_read else (), _reread(path, max_size))   # stdin cannot be read again
            if spool is None:
                all_diags.extend(diags)
            else:
                spool.add(path, diags)
                errors = errors or any(d.severity is Severity.ERROR for d in diags)
    except KeyboardInterrupt:   # Ctrl-C, while the next file was awaited or while one's findings were taken here
        review.stop(run, progress, stream)
    if run.interrupted:
        click.echo(f"gklint: 已中断（Ctrl-C）：{checked}/{len(files)} 个文件已检查，下面只报告这些文件", err=True)
    from .lint import corpus_diagnostics

    corpus: list[Diagnostic] = []
    for path, diags in corpus_diagnostics(run.facts, ruleset, cfg.severity, run.agencies, cache).items():
        ignored = cfg.ignored_for(path) if per_file else ()
        corpus.extend(_not_ignored(diags, ignored))
    if spool is not None:
        from .workflow import write_streamed

        write_streamed(spool, all_diags, corpus, run, fmt or shown_fmt, output, color, score or cfg.score, files,
                       sources, ruleset, "info" if show_info else cfg.min_severity)
        _exit(run, ruleset, files, exit_zero,
              errors or any(d.severity is Severity.ERROR for d in [*all_diags, *corpus]))
    all_diags.extend(corpus)
    outcome = after_lint(all_diags, sources, files, lint=_relint(ruleset, cfg, max_findings), fmt=fmt,
                         **{**more, "baseline_path": more.get("baseline_path") or cfg.baseline})
    all_diags = outcome.diags
    if outcome.exit_code is not None:
        sys.exit(outcome.exit_code)
    if annotate:
        from .formatters.annotate_docx import AnnotateError, write_annotated

        try:
            write_annotated(files[0], annotate, [d for d in all_diags if d.path == files[0]])
        except AnnotateError as exc:
            click.echo(f"gklint: {exc}", err=True)
            sys.exit(2)
    try:
        review_data = review.review_data(all_diags, run, files, ruleset, score or cfg.score)
    except (OSError, ValueError) as exc:
        click.echo(f"gklint: 评分文件错误：{exc}", err=True)
        sys.exit(2)
    if statistics:
        click.echo(_statistics(all_diags, ruleset), nl=False)
        click.echo(review.agency_table(review_data["ranking"]), nl=False)
        sys.exit(0 if exit_zero or not any(d.severity is Severity.ERROR for d in all_diags) else 1)
    fmt = fmt or shown_fmt
    from .formatters import rules_meta as meta

    rules_meta = meta(ruleset)
    min_severity = "info" if show_info else cfg.min_severity
    try:
        if output:
            with open(output, "w", encoding="utf-8") as fh:
                render(all_diags, fmt, fh, sources=sources, color=False, rules=rules_meta, files_checked=len(files),
                       min_severity=min_severity, review=review_data)
        else:
            render(all_diags, fmt, sys.stdout, sources=sources, color=color, rules=rules_meta, files_checked=len(files),
                   min_severity=min_severity, review=review_data)
    except ValueError as exc:
        click.echo(f"gklint: {exc}", err=True)
        sys.exit(2)
    _exit(run, ruleset, files, exit_zero, any(d.severity is Severity.ERROR for d in all_diags))


def _not_ignored(diags, ignored) -> list:
    """``diags`` less those a ``per-file-ignores`` entry names (a code, a code prefix or a rule name)."""
    if not ignored:
        return list(diags)
    return [d for d in diags if not any(d.code.startswith(c) or d.name == c for c in ignored)]


def _exit(run, ruleset, files, exit_zero: bool, errors: bool):
    """``check``'s exit status: 130 interrupted, 2 a rule-pack error or none of the files exists, else 1 when
    an error-severity finding was reported (0 with --exit-zero)."""
    if run.interrupted:
        sys.exit(130)
    # (looked at the end, and only until one file exists: not a stat per file of a large run before it starts)
    if (ruleset.errors and ruleset.keeps("GK902")) or all(p != "-" and not os.path.exists(p) for p in files):
        sys.exit(2)
    sys.exit(0 if exit_zero or not errors else 1)


def _reread(path: str, max_size: int | None):
    """Read ``path`` again as ``check`` read it: for a finding made after its lines were kept (cross-year)."""
    def reread() -> str | None:
        from .readers import read_path

        return read_path(path, max_size).excerpt_text

    return reread


def _relint(ruleset, cfg, max_findings):
    """Lint bytes in-process as ``check`` does (for fixes): rules, severities, per-file-ignores."""
    from .lint import lint_source
    from .readers import read_bytes

    def lint(data: bytes, path: str):
        src = read_bytes(data, path, 0)
        diags = lint_source(src, ruleset, cfg.severity, max_findings)
        ignored = cfg.ignored_for(path)
        return src, cfg.adjusted(path, _not_ignored(diags, ignored))

    return lint


def _suffixes() -> list[str]:
    from .readers import report_suffixes

    return list(report_suffixes())


def _read_stdin(max_size: int | None) -> bytes:
    """Standard input, but no more than one byte over the size limit (the reader then says GK017)."""
    from .readers import DEFAULT_MAX_FILE_SIZE

    limit = DEFAULT_MAX_FILE_SIZE if max_size is None else max_size
    return sys.stdin.buffer.read(limit + 1) if limit else sys.stdin.buffer.read()


def _statistics(diags, ruleset) -> str:
    """Per rule: how many findings, in how many files (most frequent first)."""
    from collections import Counter, defaultdict

    counts: Counter = Counter(d.code for d in diags)
    files: dict[str, set] = defaultdict(set)
    names: dict[str, tuple[str, str]] = {}
    for d in diags:
        files[d.code].add(d.path)
        names[d.code] = (d.name, d.severity.value)
    lines = [f"{n:>6}  {code:<7} {names[code][1]:<8} {len(files[code]):>4} 个文件  {names[code][0]}"
             for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return "\n".join(lines) + ("\n" if lines else "")


@main.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--pack", "packs", multiple=True, type=click.Path(file_okay=False))
def rules_cmd(fmt, packs):
    """列出所有规则。"""
    from .rules.engine import load_ruleset

    rs = load_ruleset([Path(p) for p in packs])
    if fmt == "json":
        click.echo(json.dumps([{"code": r.code, "name": r.name, "severity": r.severity.value, "kind": r.kind,
                                "summary": r.summary, "pack": r.pack} for r in rs.rules], ensure_ascii=False, indent=1))
    else:
        for r in rs.rules:
            click.echo(f"{r.code}  {r.severity.value:<7}  {r.name:<34} {r.summary}")
    for e in rs.errors:
        click.echo(f"规则包错误：{e}", err=True)
    sys.exit(2 if rs.errors else 0)


@main.command("explain")
@click.argument("rule")
@click.option("--pack", "packs", multiple=True, type=click.Path(file_okay=False))
def explain_cmd(rule, packs):
    """显示一条规则的说明和示例（按代码或名称，如 GK301 或 t3-row-total）。"""
    from .rules.engine import load_ruleset

    rs = load_ruleset([Path(p) for p in packs])
    found = next((r for r in rs.rules if rule.upper() == r.code or rule == r.name or rule in r.aliases), None)
    if found is None:
        click.echo(f"gklint: 没有规则 {rule!r}；用 gklint rules 查看全部规则", err=True)
        sys.exit(2)
    from .rules.explain import explain_text

    click.echo(explain_text(found))


@main.command("server")
def server_cmd():
    """以语言服务器（LSP，标准输入输出）方式运行，供编辑器使用（需要 gklint[lsp]）。"""
    try:
        from .server import run
        import pygls  # noqa: F401
    except ImportError:
        click.echo("gklint: 语言服务器需要 pygls：pip install \"gklint[lsp]\"", err=True)
        sys.exit(2)
    run()

