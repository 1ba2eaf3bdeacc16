"""``gklint check 年报.docx --annotate 年报-审阅.docx``: a reviewed copy with one Word comment per finding, on
the paragraph or table cell the finding is about; the original is never changed; anything but a single .docx
input is a usage error."""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn

from fixtures.docx.make_docx import national_docx, ole2_bytes
from gklint.cli import main

SEEDS = Path(__file__).parent / "reports" / "seeds"
SEED = SEEDS / "004_c12fc4cb6f2af7bf.txt"


def run(*args):
    return CliRunner().invoke(main, list(args))


def anchored(doc) -> dict[int, str]:
    """comment id → the text between its commentRangeStart and commentRangeEnd, in document order."""
    open_ranges: dict[int, list[str]] = {}
    out: dict[int, str] = {}
    for el in doc.element.body.iter(qn("w:commentRangeStart"), qn("w:commentRangeEnd"), qn("w:t")):
        if el.tag == qn("w:commentRangeStart"):
            open_ranges[int(el.get(qn("w:id")))] = []
        elif el.tag == qn("w:commentRangeEnd"):
            cid = int(el.get(qn("w:id")))
            out[cid] = "".join(open_ranges.pop(cid))
        else:
            for parts in open_ranges.values():
                parts.append(el.text or "")
    return out


def text_at(doc, location: str) -> str:
    """The text (w:t only, list numbers are not text) of the paragraph or cell a location names."""
    import re

    m = re.fullmatch(r"第 (\d+) 段", location)
    if m:
        return "".join(t.text or "" for t in doc.paragraphs[int(m.group(1)) - 1]._p.iter(qn("w:t")))
    m = re.fullmatch(r"表格 (\d+) 第 (\d+) 行第 (\d+) 格", location)
    assert m, location
    t, r, c = (int(x) for x in m.groups())
    tc = doc.tables[t - 1]._tbl.tr_lst[r - 1].tc_lst[c - 1]
    return "".join(x.text or "" for x in tc.iter(qn("w:t")))


@pytest.fixture
def planted(tmp_path):
    """A report drafted in Word with two planted defects: a wrong 表三 total and no fee sentence in 六."""
    built = national_docx(SEED.read_text(encoding="utf-8"), tmp_path / "年报.docx", distract=False,
                          cells={("t3", "1", "total"): "5"}, sections={6: ["本机关无其他需要报告的事项。"]})
    return built.path


def test_one_comment_per_finding_on_its_paragraph_or_cell(planted, tmp_path):
    before = hashlib.sha256(planted.read_bytes()).hexdigest()
    out = tmp_path / "年报-审阅.docx"
    result = run("check", "--format", "json", str(planted), "--annotate", str(out))
    assert result.exit_code == 1, result.output          # the planted errors: exit code as without --annotate
    found = json.loads(result.stdout)
    assert hashlib.sha256(planted.read_bytes()).hexdigest() == before
    doc = Document(str(out))
    comments = list(doc.comments)
    assert len(comments) == len(found) >= 3
    assert Counter(c.text for c in comments) == Counter(f"{d['code']} {d['message']}" for d in found)
    assert {(c.author, c.initials) for c in comments} == {("gklint", "GK")}
    ranges = anchored(doc)
    by_text = {}
    for c in comments:
        by_text.setdefault(c.text, []).append(ranges[c.comment_id])
    for d in found:
        spans = by_text[f"{d['code']} {d['message']}"]
        if "location" in d:
            assert text_at(doc, d["location"]) in spans, d
    total = next(d for d in found if d["code"] == "GK301")
    assert total["location"] == "表格 2 第 4 行第 8 格" and by_text[f"GK301 {total['message']}"] == ["5"]
    fee = next(d for d in found if d["code"] == "GK401")
    # on the 六 heading (its 六、 is Word's numbering, not text) or on the section's only paragraph
    assert text_at(doc, fee["location"]) in ("其他需要报告的事项", "本机关无其他需要报告的事项。")


def test_findings_without_a_place_go_on_the_first_paragraph_with_text(tmp_path):
    from gklint.diagnostics import Diagnostic, Severity, Span
    from gklint.formatters.annotate_docx import write_annotated

    path = national_docx(SEED.read_text(encoding="utf-8"), tmp_path / "r.docx", distract=False).path
    doc = Document(str(path))
    doc.paragraphs[0].insert_paragraph_before("")          # an empty first paragraph is skipped
    doc.save(str(path))
    whole_file = Diagnostic.at(Span.point(1, 1), path=str(path), code="GK999", name="whole-file",
                               severity=Severity.WARNING, message="整个文件的问题")
    unknown = whole_file.moved(location="第 9999 段")
    out = tmp_path / "r-审阅.docx"
    assert write_annotated(str(path), str(out), [whole_file, unknown]) == 2
    doc = Document(str(out))
    ranges = anchored(doc)
    first = next(p for p in doc.paragraphs if p.text.strip())
    assert [ranges[c.comment_id] for c in doc.comments] == [first.text, first.text]
    assert first.text == "中卫市商务局"


def test_a_clean_report_gets_no_comment_and_the_copy_still_opens(tmp_path):
    path = national_docx((SEEDS / "000_c9328f5ee1a3fe62.txt").read_text(encoding="utf-8"), tmp_path / "c.docx").path
    out = tmp_path / "c-审阅.docx"
    result = run("check", "--format", "json", "--select", "GK3", str(path), "--annotate", str(out))
    assert result.exit_code == 0 and json.loads(result.stdout) == []
    assert len(list(Document(str(out)).comments)) == 0


@pytest.mark.parametrize("name, data", [("r.txt", "一、总体情况\n".encode()), ("r.doc", ole2_bytes()),
                                        ("r.docx", b"not a zip at all")])
def test_annotate_needs_one_docx(tmp_path, name, data):
    src = tmp_path / name
    src.write_bytes(data)
    out = tmp_path / "out.docx"
    result = run("check", str(src), "--annotate", str(out))
    assert result.exit_code == 2
    assert "--annotate" in result.stderr and ".docx" in result.stderr
    assert not out.exists()


def test_annotate_refuses_several_inputs_and_the_input_itself(planted, tmp_path):
    other = national_docx(SEED.read_text(encoding="utf-8"), tmp_path / "b.docx", distract=False).path
    result = run("check", str(planted), str(other), "--annotate", str(tmp_path / "o.docx"))
    assert result.exit_code == 2 and "单个" in result.stderr
    before = planted.read_bytes()
    result = run("check", str(planted), "--annotate", str(planted))
    assert result.exit_code == 2 and planted.read_bytes() == before
