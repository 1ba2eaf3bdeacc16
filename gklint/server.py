"""``gklint server``: a language server (LSP over stdio, pygls 2) for the editors reports are written in.

- Diagnostics on open, on change (debounced by ``DEBOUNCE`` seconds, only the changed document) and on save;
  cleared on close. Each document is linted in-process from the text the editor holds, with the reader its
  file name calls for (``.txt``/``.md``/``.html``), and the rule set loaded once per configuration file.
- ``code`` is the rule code, ``codeDescription.href`` the rule's documentation file; hover over a finding shows
  ``gklint explain``. Severities: error → Error, warning → Warning, info → Information.
- The configuration found upwards from the document (``.gklint.toml`` …) is honoured and re-read when its
  modification time changes or the client reports a changed watched file.
- Code actions: a quick fix for every finding that carries a fix (``gklint.fixes``), "disable CODE here"
  (a ``gklint-disable-next-line`` comment in Markdown/HTML, the sidecar ``.gklint.toml`` for plain text) and
  ``source.fixAll.gklint`` for all safe fixes.
- Positions: gklint counts 1-based code points; the LSP wants 0-based positions in the negotiated encoding
  (UTF-16 code units unless the client asks otherwise), converted with pygls's position codec, so Chinese text
  and characters outside the BMP (𠀾, emoji) land on the right character.

Imports of pygls and the rule engine happen in :func:`run`, so ``gklint --help`` stays fast.
"""
from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field
from pathlib import Path

DEBOUNCE = 0.3
FIX_ALL = "source.fixAll.gklint"
SEVERITIES = {"error": 1, "warning": 2, "info": 3}


@dataclass
class Profile:
    """The rule set and configuration for the documents under one configuration file."""

    cfg: object
    ruleset: object
    mtime: float | None
    problem: str | None = None


@dataclass
class Linted:
    version: int | None
    findings: list = field(default_factory=list)     # (lsp Diagnostic, gklint Diagnostic)


def run() -> None:  # pragma: no cover - exercised through the stdio test
    build().start_io()


def build():
    from lsprotocol import types as t
    from pygls.lsp.server import LanguageServer
    from pygls.uris import to_fs_path

    from . import __version__

    server = LanguageServer("gklint", __version__, text_document_sync_kind=t.TextDocumentSyncKind.Incremental)
    profiles: dict[str | None, Profile] = {}
    linted: dict[str, Linted] = {}
    pending: dict[str, asyncio.Task] = {}

    def profile(path: str) -> Profile:
        from .config import Config, ConfigError, find_config, load_config_file
        from .rules.engine import load_ruleset

        cfg_path = find_config(Path(path))
        key = str(cfg_path) if cfg_path else None
        mtime = _mtime(cfg_path)
        got = profiles.get(key)
        if got is not None and got.mtime == mtime:
            return got
        problem = None
        try:
            cfg = load_config_file(cfg_path) if cfg_path else Config()
        except ConfigError as exc:
            cfg, problem = Config(), str(exc)
        base = profiles.get("<rules>")
        rs = load_ruleset(cfg.packs) if cfg.packs or base is None else base.ruleset
        if base is None and not cfg.packs:
            profiles["<rules>"] = Profile(Config(), rs, None)
        got = Profile(cfg, rs.select(cfg.select, cfg.ignore), mtime, problem)
        profiles[key] = got
        return got

    def lint(uri: str) -> None:
        doc = server.workspace.get_text_document(uri)
        path = to_fs_path(uri) or uri
        prof = profile(path)
        _src, diags = lint_bytes(prof, doc.source.encode("utf-8"), path)
        lines = doc.lines
        rules = {r.code: r for r in prof.ruleset.known}
        out = Linted(doc.version)
        for d in diags:
            out.findings.append((_lsp_diagnostic(t, doc, lines, d, rules.get(d.code)), d))
        if prof.problem:
            out.findings.insert(0, (t.Diagnostic(range=t.Range(t.Position(0, 0), t.Position(0, 0)),
                                                 message=f"配置错误：{prof.problem}", source="gklint",
                                                 severity=t.DiagnosticSeverity.Error), None))
        linted[uri] = out
        server.text_document_publish_diagnostics(t.PublishDiagnosticsParams(
            uri=uri, version=doc.version, diagnostics=[x for x, _d in out.findings]))

    @server.feature(t.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls, params: t.DidOpenTextDocumentParams):
        lint(params.text_document.uri)

    @server.feature(t.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls, params: t.DidSaveTextDocumentParams):
        lint(params.text_document.uri)

    @server.feature(t.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls, params: t.DidChangeTextDocumentParams):
        uri = params.text_document.uri
        if (task := pending.pop(uri, None)) is not None:
            task.cancel()

        async def later():
            await asyncio.sleep(DEBOUNCE)
            pending.pop(uri, None)
            lint(uri)

        pending[uri] = asyncio.ensure_future(later())

    @server.feature(t.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls, params: t.DidCloseTextDocumentParams):
        uri = params.text_document.uri
        if (task := pending.pop(uri, None)) is not None:
            task.cancel()
        linted.pop(uri, None)
        server.text_document_publish_diagnostics(t.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(t.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls, params: t.DidChangeWatchedFilesParams):
        profiles.clear()
        for uri in list(linted):
            lint(uri)

    @server.feature(t.TEXT_DOCUMENT_HOVER)
    def hover(ls, params: t.HoverParams):
        from .rules.explain import explain_text

        got = linted.get(params.text_document.uri)
        if not got:
            return None
        p = params.position
        for lsp_d, d in got.findings:
            r = lsp_d.range
            if d is not None and (r.start.line, r.start.character) <= (p.line, p.character) <= (r.end.line, r.end.character):
                rule = next((x for x in profile(d.path).ruleset.known if x.code == d.code), None)
                if rule is not None:
                    return t.Hover(contents=t.MarkupContent(kind=t.MarkupKind.Markdown,
                                                            value=f"```text\n{explain_text(rule)}\n```"), range=r)
        return None

    @server.feature(t.TEXT_DOCUMENT_CODE_ACTION, t.CodeActionOptions(
        code_action_kinds=[t.CodeActionKind.QuickFix, FIX_ALL]))
    def code_action(ls, params: t.CodeActionParams):
        uri = params.text_document.uri
        got = linted.get(uri)
        if not got:
            return []
        doc = server.workspace.get_text_document(uri)
        only = params.context.only
        actions = []
        if not only or any(k == t.CodeActionKind.QuickFix or str(k) == "quickfix" for k in only):
            wanted = {(x.range.start.line, x.range.start.character, str(x.code)) for x in params.context.diagnostics}
            rng = params.range
            for lsp_d, d in got.findings:
                if d is None:
                    continue
                key = (lsp_d.range.start.line, lsp_d.range.start.character, str(lsp_d.code))
                inside = rng.start.line <= lsp_d.range.start.line <= rng.end.line
                if key not in wanted and not inside:
                    continue
                if d.fix:
                    edits = [_text_edit(t, doc, e) for e in d.fix["edits"]]
                    label = d.fix.get("message", "修复")
                    actions.append(t.CodeAction(
                        title=f"gklint：{label}（{d.code}）" + ("" if d.fix["applicability"] == "safe" else "，可能改变含义"),
                        kind=t.CodeActionKind.QuickFix, diagnostics=[lsp_d],
                        is_preferred=d.fix["applicability"] == "safe",
                        edit=t.WorkspaceEdit(changes={uri: edits})))
                disable = _disable_edit(t, uri, doc, d)
                if disable is not None:
                    actions.append(t.CodeAction(title=f"gklint：在此处禁用 {d.code}", kind=t.CodeActionKind.QuickFix,
                                                diagnostics=[lsp_d], edit=disable))
        if not only or any(str(k).startswith("source") for k in only):
            fixed = _fix_all(doc, uri)
            if fixed is not None:
                end = doc.position_codec.position_to_client_units(doc.lines, t.Position(len(doc.lines), 0))
                actions.append(t.CodeAction(
                    title="gklint：修复全部可安全修复的问题", kind=FIX_ALL,
                    edit=t.WorkspaceEdit(changes={uri: [t.TextEdit(range=t.Range(t.Position(0, 0), end),
                                                                   new_text=fixed)]})))
        return actions

    def _fix_all(doc, uri: str) -> str | None:
        from . import fixes

        path = to_fs_path(uri) or uri
        prof = profile(path)
        result = fixes.fix_bytes(path, doc.source.encode("utf-8"), lambda data: lint_bytes(prof, data, path))
        return result.after.decode("utf-8") if result.changed and not result.problem else None

    return server


def lint_bytes(prof: Profile, data: bytes, path: str):
    """(source, diagnostics) of a document's text, as ``gklint check`` would report them for ``path``:
    the reader for its suffix, the rules, severities, per-file-ignores and ``overrides`` of its configuration."""
    from .lint import lint_source
    from .readers import read_bytes

    src = read_bytes(data, path, 0)
    diags = lint_source(src, prof.ruleset, prof.cfg.severity, prof.cfg.max_findings_per_rule)
    ignored = prof.cfg.ignored_for(path)
    diags = [d for d in diags if not any(d.code.startswith(c) or d.name == c for c in ignored)]
    return src, prof.cfg.adjusted(path, diags)


def _mtime(path: Path | None) -> float | None:
    try:
        return os.stat(path).st_mtime_ns if path else None
    except OSError:
        return None


def _position(t, doc, line: int, column: int):
    """gklint's 1-based code-point position → the client's 0-based position (UTF-16 code units by default)."""
    lines = doc.lines
    ln = max(line - 1, 0)
    if ln >= len(lines):
        return t.Position(len(lines), 0)
    text = lines[ln].rstrip("\r\n")
    col = min(max(column - 1, 0), len(text))
    return doc.position_codec.position_to_client_units(lines, t.Position(ln, col))


def _lsp_diagnostic(t, doc, lines, d, rule):
    start = _position(t, doc, d.line, d.column)
    end = _position(t, doc, d.end_line, d.end_column)
    if (end.line, end.character) < (start.line, start.character):
        end = start
    href = Path(rule.path).resolve().as_uri() if rule is not None and getattr(rule, "path", None) else None
    where = f"（{d.where}）" if d.where else ""
    return t.Diagnostic(range=t.Range(start, end), message=d.message + where, source="gklint", code=d.code,
                        code_description=t.CodeDescription(href=href) if href else None,
                        severity=t.DiagnosticSeverity(SEVERITIES[d.severity.value]),
                        data={"fix": d.fix} if d.fix else None)


def _text_edit(t, doc, e: dict):
    return t.TextEdit(range=t.Range(_position(t, doc, e["line"], e["column"]),
                                    _position(t, doc, e["end_line"], e["end_column"])), new_text=e["text"])


def _disable_edit(t, uri: str, doc, d):
    """A ``gklint-disable-next-line`` comment above the finding (Markdown/HTML), or the code added to the
    plain-text file's sidecar ``.gklint.toml``."""
    from pygls.uris import from_fs_path, to_fs_path

    from .suppress import SIDECAR_SUFFIX

    path = to_fs_path(uri) or ""
    if path.lower().endswith((".md", ".markdown", ".html", ".htm", ".shtml")):
        line = max(d.line - 1, 0)
        indent = doc.lines[line][: len(doc.lines[line]) - len(doc.lines[line].lstrip())] if line < len(doc.lines) else ""
        return t.WorkspaceEdit(changes={uri: [t.TextEdit(
            range=t.Range(t.Position(line, 0), t.Position(line, 0)),
            new_text=f"{indent}<!-- gklint-disable-next-line {d.code} -- 原因 -->\n")]})
    if not path:
        return None
    side = Path(path + SIDECAR_SUFFIX)
    import tomllib

    try:
        data = tomllib.loads(side.read_text(encoding="utf-8")) if side.is_file() else {}
    except (OSError, ValueError):
        return None
    codes = list(dict.fromkeys([*data.get("ignore", []), d.code]))
    reason = data.get("reason", "")
    content = "ignore = [" + ", ".join(f'"{c}"' for c in codes) + "]\n" + (f'reason = "{reason}"\n' if reason else "")
    side_uri = from_fs_path(str(side))
    return t.WorkspaceEdit(document_changes=[
        t.CreateFile(uri=side_uri, options=t.CreateFileOptions(overwrite=True)),
        t.TextDocumentEdit(text_document=t.OptionalVersionedTextDocumentIdentifier(uri=side_uri, version=None),
                           edits=[t.TextEdit(range=t.Range(t.Position(0, 0), t.Position(0, 0)), new_text=content)])])
