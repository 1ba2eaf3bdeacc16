"""Fixes: ``--fix``, ``--unsafe-fixes``, ``--diff``, ``--show-fixes``; encodings, BOM and newlines kept; atomic
writes; fixing twice equals fixing once over every real report; numbers never touched; Word/PDF never written."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gklint import fixes
from gklint.lint import lint_source
from gklint.readers import read_bytes
from gklint.rules.engine import load_ruleset
from conftest import gk  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "tests" / "reports"
SEED002 = next((REPORTS / "seeds").glob("002_*.txt"))
RS = load_ruleset()
REAL = sorted(p for p in [*(REPORTS / "seeds").iterdir(), *(REPORTS / "corpus").iterdir()]
              if p.suffix in (".txt", ".md") and p.name != "README.md")


def lint(data: bytes, path: str):
    src = read_bytes(data, path, 0)
    return src, lint_source(src, RS)


def test_fix_on_seed_002_corrects_the_two_labels_and_nothing_else(tmp_path):
    f = tmp_path / "002.txt"
    shutil.copyfile(SEED002, f)
    before = SEED002.read_bytes()
    diff = gk("check", "--no-config", "--diff", str(f))
    assert diff.returncode == 1 and f.read_bytes() == before                   # --diff writes nothing
    removed = [l for l in diff.stdout.splitlines() if l.startswith("-") and not l.startswith("---")]
    added = [l for l in diff.stdout.splitlines() if l.startswith("+") and not l.startswith("+++")]
    assert removed == ["-信息内容\t本年制发件数\t本年度止件数\t现行有效件数",
                       "-\t\t\t商业企业\t科研机构\t社会组织\t法律服务机构\t其他\t"]
    assert added == ["+信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
                     "+\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t"]
    run = gk("check", "--no-config", "--fix", "--format", "concise", str(f))
    assert "已修复 2 个问题（1 个文件）" in run.stderr and "剩余" in run.stderr
    after = f.read_bytes()
    expected = before.replace("本年度止件数".encode(), "本年废止件数".encode()) \
                     .replace("科研机构\t社会组织".encode(), "科研机构\t社会公益组织".encode())
    assert after == expected                       # the rest of the file byte-identical
    assert "GK204" not in run.stdout and "GK203" in run.stdout     # what remains is reported
    again = gk("check", "--no-config", "--fix", str(f))
    assert f.read_bytes() == after and "已修复 0 个问题" in again.stderr
    assert gk("check", "--no-config", "--diff", str(f)).stdout == ""


def test_unsafe_fixes_also_change_heading_wording(tmp_path):
    f = tmp_path / "002.txt"
    shutil.copyfile(SEED002, f)
    out = gk("check", "--no-config", "--show-fixes", "--format", "concise", str(f)).stderr
    assert re.search(r":64:1: GK106 可修复，不安全（--unsafe-fixes）：改为“三、收到和处理政府信息公开申请情况”", out)
    assert re.search(r":50:13: GK204 可修复，安全：改为“本年废止件数”", out)
    gk("check", "--no-config", "--fix", "--unsafe-fixes", str(f))
    text = f.read_text(encoding="utf-8")
    assert "三、收到和处理政府信息公开申请情况" in text and "行政机关收到和处理" not in text


@pytest.mark.parametrize("encoding,bom,newline", [("gb18030", b"", "\r\n"), ("utf-8", b"\xef\xbb\xbf", "\n"),
                                                  ("utf-16-le", b"\xff\xfe", "\r\n"), ("utf-8", b"", "\r")])
def test_encoding_bom_and_newlines_are_kept(tmp_path, encoding, bom, newline):
    text = SEED002.read_text(encoding="utf-8").replace("\n", newline)
    f = tmp_path / "002.txt"
    f.write_bytes(bom + text.encode(encoding))
    os.chmod(f, 0o640)
    gk("check", "--no-config", "--fix", str(f))
    fixed = text.replace("本年度止件数", "本年废止件数").replace("科研机构\t社会组织", "科研机构\t社会公益组织")
    assert f.read_bytes() == bom + fixed.encode(encoding)
    assert os.stat(f).st_mode & 0o777 == 0o640                  # the file's mode survives the rename
    assert [p.name for p in tmp_path.iterdir()] == ["002.txt"]   # no temporary file left behind


def test_a_file_that_does_not_reencode_to_itself_is_not_written(tmp_path):
    f = tmp_path / "bad.txt"
    data = SEED002.read_bytes() + b"\n\xff\xfe\xfd broken\n"
    f.write_bytes(data)
    run = gk("check", "--no-config", "--fix", str(f))
    assert f.read_bytes() == data and "无法原样写回" in run.stderr


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name[:24])
def test_fixing_twice_equals_fixing_once_and_never_touches_a_number(path):
    data = path.read_bytes()
    once = fixes.fix_bytes(str(path), data, lambda b: lint(b, path.name), unsafe=True)
    twice = fixes.fix_bytes(str(path), once.after, lambda b: lint(b, path.name), unsafe=True)
    assert twice.after == once.after and twice.fixed == 0
    rows = lambda b: [re.findall(r"\d+", l) for l in b.decode("utf-8", "replace").splitlines() if "\t" in l]  # noqa: E731
    assert rows(once.after) == rows(data)                  # every table row keeps its numbers
    assert not [d for d in once.remaining if fixes.wanted(d, True)]   # everything fixable was fixed


def test_fix_structure_and_json_output():
    src, diags = lint(SEED002.read_bytes(), "002.txt")
    label = next(d for d in diags if d.code == "GK204" and d.line == 50)
    assert label.fix == {"applicability": "safe", "message": "改为“本年废止件数”", "edits": [
        {"line": 50, "column": 13, "end_line": 50, "end_column": 19, "old": "本年度止件数", "text": "本年废止件数"}]}
    import json

    out = json.loads(gk("check", "--no-config", "--format", "json", str(SEED002)).stdout)
    items = out["diagnostics"] if isinstance(out, dict) else out
    assert any(d.get("fix", {}).get("edits", [{}])[0].get("text") == "本年废止件数" for d in items)


def test_chrome_lines_are_deleted_with_their_line_end(tmp_path):
    seed = next((REPORTS / "seeds").glob("003_*.txt"))
    f = tmp_path / "003.txt"
    shutil.copyfile(seed, f)
    gk("check", "--no-config", "--fix", "--select", "GK602", str(f))
    before, after = seed.read_text(encoding="utf-8").split("\n"), f.read_text(encoding="utf-8").split("\n")
    gone = [l for l in before if l not in after]
    assert gone == [before[4], "扫一扫在手机打开当前页"] and before[4].startswith("来源:")
    assert before[-1] == "扫一扫在手机打开当前页"        # the file's last line, without a line end of its own
    assert "\n".join(after) == "\n".join(before[:4] + before[5:-1]) + "\n"


def test_word_and_pdf_files_are_never_written_and_the_annotated_copy_offers_the_fix(tmp_path):
    docx = pytest.importorskip("docx")
    doc = docx.Document()
    for line in SEED002.read_text(encoding="utf-8").split("\n"):
        if "\t" in line:
            cells = line.split("\t")
            t = doc.add_table(rows=1, cols=len(cells))
            for c, v in zip(t.rows[0].cells, cells):
                c.text = v
        else:
            doc.add_paragraph(line)
    f = tmp_path / "年报.docx"
    doc.save(f)
    before = f.read_bytes()
    run = gk("check", "--no-config", "--fix", str(f))
    assert f.read_bytes() == before and "不直接修改" in run.stderr
    out = tmp_path / "审阅.docx"
    gk("check", "--no-config", str(f), "--annotate", str(out))
    comments = [c.text for c in docx.Document(out).comments]
    assert any("GK204" in c and "修改建议：改为“本年废止件数”" in c for c in comments)


def test_html_fixes_are_placed_in_the_page_source(tmp_path):
    rows, out = [], ['<!DOCTYPE html>', '<html><head><meta charset="utf-8"><title>年报</title></head><body>']
    for line in SEED002.read_text(encoding="utf-8").split("\n"):
        if "\t" in line:
            rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in line.split("\t")) + "</tr>")
            continue
        if rows:
            out += ["<table>", *rows, "</table>"]
            rows = []
        if line.strip():
            out.append(f"<p>{line}</p>")
    out.append("</body></html>")
    page = tmp_path / "年报.html"
    page.write_text("\n".join(out) + "\n", encoding="utf-8")
    before = page.read_text(encoding="utf-8")
    gk("check", "--no-config", "--fix", str(page))
    assert page.read_text(encoding="utf-8") == before.replace("<td>本年度止件数</td>", "<td>本年废止件数</td>") \
        .replace("<td>社会组织</td>", "<td>社会公益组织</td>")


def test_readme_fix_commands(tmp_path):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("\n## Fixes\n"):]
    (block,) = re.findall(r"```sh\n(.*?)```", section[:section.index("\n## ", 5)], re.S)
    commands = [line.split("#")[0].split() for line in block.splitlines() if line.startswith("gklint ")]
    assert [c[-1] for c in commands] == ["--diff", "--fix", "--unsafe-fixes", "--show-fixes"]
    shutil.copytree(REPORTS / "seeds", tmp_path / "reports")
    seed = next((tmp_path / "reports").glob("002_*.txt"))
    before = {p.name: p.read_bytes() for p in (tmp_path / "reports").iterdir()}
    diff = gk(*commands[0][1:], cwd=tmp_path)
    assert diff.returncode == 1 and "+信息内容\t本年制发件数\t本年废止件数" in diff.stdout
    assert {p.name: p.read_bytes() for p in (tmp_path / "reports").iterdir()} == before
    show = gk(*commands[3][1:], cwd=tmp_path)
    assert "GK204 可修复，安全" in show.stdout + show.stderr
    fix = gk(*commands[1][1:], cwd=tmp_path)
    assert "已修复" in fix.stderr and "本年废止件数" in seed.read_text(encoding="utf-8")
    assert "三、行政机关收到和处理" in seed.read_text(encoding="utf-8")           # unsafe: not yet
    gk(*commands[2][1:], cwd=tmp_path)
    assert "三、行政机关收到和处理" not in seed.read_text(encoding="utf-8")
    assert gk(*commands[0][1:], cwd=tmp_path).stdout == ""                       # nothing left to fix safely
