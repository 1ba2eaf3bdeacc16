"""``gklint server`` with a real LSP client over stdio (pytest-lsp): diagnostics on open, change and close,
positions in UTF-16 code units, hover, quick fixes, "disable here", fixAll and the configuration file."""
from __future__ import annotations

import asyncio
import os
import shutil
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls")
pytest_lsp = pytest.importorskip("pytest_lsp")
from lsprotocol import types as t  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "reports" / "seeds"
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "gklint", "server"],
                                              server_env=ENV))
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(t.InitializeParams(capabilities=client_capabilities("visual-studio-code")))
    yield
    await lsp_client.shutdown_session()


def _open(client: LanguageClient, path: Path, text: str | None = None) -> str:
    uri = path.as_uri()
    client.text_document_did_open(t.DidOpenTextDocumentParams(text_document=t.TextDocumentItem(
        uri=uri, language_id="markdown" if path.suffix == ".md" else "plaintext", version=1,
        text=path.read_text(encoding="utf-8") if text is None else text)))
    return uri


async def _diagnostics(client: LanguageClient, uri: str, timeout: float = 20) -> list[t.Diagnostic]:
    await asyncio.wait_for(client.wait_for_notification(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), timeout)
    while uri not in client.diagnostics:
        await asyncio.wait_for(client.wait_for_notification(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), timeout)
    return client.diagnostics[uri]


def _copy(tmp_path: Path, seed: str, name: str = "年报.txt") -> Path:
    dst = tmp_path / name
    shutil.copyfile(next(SEEDS.glob(f"{seed}_*.txt")), dst)
    return dst


def _replace(client, uri, version, line, start, end, text):
    client.text_document_did_change(t.DidChangeTextDocumentParams(
        text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[t.TextDocumentContentChangePartial(
            range=t.Range(t.Position(line, start), t.Position(line, end)), text=text)]))


@pytest.mark.asyncio
async def test_seed_000_gk401_on_open_then_gone_after_an_edit_and_cleared_on_close(client, tmp_path):
    path = _copy(tmp_path, "000")
    uri = _open(client, path)
    diags = await _diagnostics(client, uri)
    fee = [d for d in diags if d.code == "GK401"]
    assert len(fee) == 1 and fee[0].range.start.line == 95           # line 96, 0-based
    assert fee[0].severity == t.DiagnosticSeverity.Error and fee[0].source == "gklint"
    assert fee[0].code_description.href.endswith("GK401.yaml")
    hover = await client.text_document_hover_async(t.HoverParams(
        text_document=t.TextDocumentIdentifier(uri=uri), position=fee[0].range.start))
    assert "GK401" in hover.contents.value and "信息处理费" in hover.contents.value
    # the edit: 六 says how the fee stands
    _replace(client, uri, 2, 95, 0, 1, "本年度未收取信息处理费。")
    client.diagnostics.pop(uri)
    diags = await _diagnostics(client, uri)
    assert not [d for d in diags if d.code == "GK401"]
    client.text_document_did_close(t.DidCloseTextDocumentParams(text_document=t.TextDocumentIdentifier(uri=uri)))
    client.diagnostics.pop(uri)
    assert list(await _diagnostics(client, uri)) == []


@pytest.mark.asyncio
async def test_quick_fix_code_action_fixes_the_label(client, tmp_path):
    path = _copy(tmp_path, "002")
    uri = _open(client, path)
    diags = await _diagnostics(client, uri)
    label = next(d for d in diags if d.code == "GK204" and d.range.start.line == 49)
    line = path.read_text(encoding="utf-8").split("\n")[49]
    assert line[label.range.start.character:label.range.end.character] == "本年度止件数"   # BMP: UTF-16 = code points
    actions = await client.text_document_code_action_async(t.CodeActionParams(
        text_document=t.TextDocumentIdentifier(uri=uri), range=label.range,
        context=t.CodeActionContext(diagnostics=[label])))
    fix = next(a for a in actions if "本年废止件数" in a.title)
    assert fix.kind == t.CodeActionKind.QuickFix and fix.is_preferred
    (edit,) = fix.edit.changes[uri]
    assert edit.new_text == "本年废止件数" and edit.range == label.range
    assert any(a.title.startswith("gklint：在此处禁用 GK204") for a in actions)
    # apply it as the editor would, and see the finding go
    _replace(client, uri, 2, 49, edit.range.start.character, edit.range.end.character, edit.new_text)
    client.diagnostics.pop(uri)
    diags = await _diagnostics(client, uri)
    assert not [d for d in diags if d.code == "GK204" and d.range.start.line == 49]
    assert [d for d in diags if d.code == "GK204" and d.range.start.line == 69]   # the other label is still there
    # source.fixAll.gklint: every safe fix (the other label), never the unsafe heading wording
    actions = await client.text_document_code_action_async(t.CodeActionParams(
        text_document=t.TextDocumentIdentifier(uri=uri), range=t.Range(t.Position(0, 0), t.Position(0, 0)),
        context=t.CodeActionContext(diagnostics=[], only=["source.fixAll.gklint"])))
    (all_,) = actions
    new_text = all_.edit.changes[uri][0].new_text
    assert "社会公益组织\t法律服务机构" in new_text and "三、行政机关收到和处理政府信息公开申请情况" in new_text


@pytest.mark.asyncio
async def test_positions_are_utf16_code_units_outside_the_bmp(client, tmp_path):
    # 𠀾 (U+2003E) is two UTF-16 code units: the half-width comma after "𠀾𠀾镇" is at code point 3, UTF-16 5
    text = "𠀾𠀾镇,我局认真落实政府信息公开工作。\n"
    path = tmp_path / "年报.md"
    path.write_text(text, encoding="utf-8")
    uri = _open(client, path)
    diags = await _diagnostics(client, uri)
    comma = next(d for d in diags if d.code == "GK601")
    assert (comma.range.start.line, comma.range.start.character, comma.range.end.character) == (0, 5, 6)


@pytest.mark.asyncio
async def test_disable_here_in_markdown_inserts_a_suppression_that_works(client, tmp_path):
    text = "某镇,我局认真落实政府信息公开工作。\n"
    path = tmp_path / "年报.md"
    path.write_text(text, encoding="utf-8")
    uri = _open(client, path)
    comma = next(d for d in await _diagnostics(client, uri) if d.code == "GK601")
    actions = await client.text_document_code_action_async(t.CodeActionParams(
        text_document=t.TextDocumentIdentifier(uri=uri), range=comma.range,
        context=t.CodeActionContext(diagnostics=[comma])))
    disable = next(a for a in actions if "禁用 GK601" in a.title)
    (edit,) = disable.edit.changes[uri]
    assert edit.new_text.startswith("<!-- gklint-disable-next-line GK601")
    client.text_document_did_change(t.DidChangeTextDocumentParams(
        text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[t.TextDocumentContentChangePartial(range=edit.range, text=edit.new_text)]))
    client.diagnostics.pop(uri)
    diags = await _diagnostics(client, uri)
    assert not [d for d in diags if d.code in ("GK601", "GK030")]


@pytest.mark.asyncio
async def test_workspace_configuration_is_honoured_and_reread(client, tmp_path):
    path = _copy(tmp_path, "000")
    cfg = tmp_path / ".gklint.toml"
    cfg.write_text('ignore = ["GK401"]\n', encoding="utf-8")
    uri = _open(client, path)
    assert not [d for d in await _diagnostics(client, uri) if d.code == "GK401"]
    cfg.write_text('ignore = ["GK605"]\n', encoding="utf-8")
    os.utime(cfg, ns=(1, 10 ** 18))          # a different modification time, whatever the clock's resolution
    client.workspace_did_change_watched_files(t.DidChangeWatchedFilesParams(
        changes=[t.FileEvent(uri=cfg.as_uri(), type=t.FileChangeType.Changed)]))
    client.diagnostics.pop(uri)
    diags = await _diagnostics(client, uri)
    assert [d for d in diags if d.code == "GK401"] and not [d for d in diags if d.code == "GK605"]


@pytest.mark.asyncio
async def test_disable_here_in_plain_text_writes_the_sidecar(client, tmp_path):
    path = _copy(tmp_path, "002")
    uri = _open(client, path)
    label = next(d for d in await _diagnostics(client, uri) if d.code == "GK204")
    actions = await client.text_document_code_action_async(t.CodeActionParams(
        text_document=t.TextDocumentIdentifier(uri=uri), range=label.range,
        context=t.CodeActionContext(diagnostics=[label])))
    disable = next(a for a in actions if "禁用 GK204" in a.title)
    create, edit = disable.edit.document_changes
    assert create.uri == (tmp_path / "年报.txt.gklint.toml").as_uri()
    content = edit.edits[0].new_text
    assert content == 'ignore = ["GK204"]\n'
    (tmp_path / "年报.txt.gklint.toml").write_text(content, encoding="utf-8")       # what the editor does
    client.text_document_did_save(t.DidSaveTextDocumentParams(text_document=t.TextDocumentIdentifier(uri=uri)))
    client.diagnostics.pop(uri)
    diags = await _diagnostics(client, uri)
    assert diags and not [d for d in diags if d.code in ("GK204", "GK030")]
