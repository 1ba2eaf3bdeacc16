"""The Word reader as users rely on it: the same cells and headings as the text form of a report, places a Word
user can find (``第 N 段``, ``表格 T 第 R 行第 C 格``), Word's own list numbers read, merged cells once,
text boxes / headers / deleted and hidden text left out, and every file that is not a readable .docx a clear
diagnostic instead of garbage, without stopping the other files of a run.

The Word files are built at test time (tests/fixtures/docx/make_docx.py) from real report texts."""
from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml import parse_xml

from fixtures.docx.make_docx import (DELETED_INLINE, DELETED_TEXT, FOOTER_TEXT, HEADER_TEXT, HIDDEN_TEXT, NS,
                                     TEXTBOX_TEXT, national_docx, ole2_bytes, xlsx_bytes)
from gklint.api import parse_file, parse_text, report_to_json
from gklint.cli import main
from gklint.readers import read_bytes, read_path, report_suffixes

REPORTS = Path(__file__).parent / "reports"
PUBLISHED = REPORTS / "published"
EXPECTED = json.loads((PUBLISHED / "expected.json").read_text(encoding="utf-8"))
SOURCES = sorted((REPORTS / "seeds").glob("*.txt")) + [REPORTS / "corpus" / "004_shuyang_xian_zhengfu_2025.md",
                                                      REPORTS / "corpus" / "017_xixian_taiping_zhen_2022_partial.txt"]
OLD_BINARY = "这是旧版 Word/WPS 二进制文件（.doc/.wps），gklint 无法读取：请在 Word 或 WPS 中另存为 .docx 后再检查"


def cells(data: dict) -> dict:
    return {(c["table"], c["row"], c["col"]): c["value"] for c in data["cells"] if not c.get("missing")}


def codes(src) -> list[str]:
    return [d.code for d in src.problems]


# -- the development sample -------------------------------------------------------------------------------

def test_pingtan_docx_every_expected_cell_heading_and_title():
    exp = EXPECTED["pingtan_2025.docx"]
    data = report_to_json(parse_file(PUBLISHED / "pingtan_2025.docx"))
    got = cells(data)
    want = {(t, r, c): v for t, rows in exp["cells"].items() for r, cols in rows.items() for c, v in cols.items()}
    assert {k: got.get(k, "<missing>") for k in want} == want
    assert data["title"]["text"] == exp["title"]
    assert [(s["number"], s["heading"], s["location"]) for s in data["sections"]] == [
        (s["number"], s["heading"], f"第 {s['paragraph']} 段") for s in exp["sections"]]
    assert not [d for d in data["diagnostics"] if d["severity"] == "error"]


def test_pingtan_paragraph_numbers_are_python_docx_paragraphs():
    doc = Document(str(PUBLISHED / "pingtan_2025.docx"))
    for s in EXPECTED["pingtan_2025.docx"]["sections"]:
        assert doc.paragraphs[s["paragraph"] - 1].text.strip() == s["heading"]


def test_pingtan_cell_places_count_cells_as_word_does():
    data = report_to_json(parse_file(PUBLISHED / "pingtan_2025.docx"))
    where = {(c["table"], c["row"], c["col"]): c["location"] for c in data["cells"]}
    # 表三 row （七）总计: the merged 三、本年度办理结果 cell, the label spanning two grid columns, 7 values
    assert where[("t3", "3.7", "natural")] == "表格 2 第 27 行第 3 格"
    assert where[("t3", "3.7", "total")] == "表格 2 第 27 行第 9 格"
    assert where[("t3", "1", "total")] == "表格 2 第 4 行第 8 格"
    assert where[("t2", "fee", "amount")] == "表格 1 第 14 行第 2 格"
    assert where[("t4", "litigation_after_review", "total")] == "表格 3 第 4 行第 15 格"


def test_pingtan_text_view_lays_merged_cells_on_the_grid():
    src = read_path(PUBLISHED / "pingtan_2025.docx")
    assert src.format == "docx" and not src.problems
    lines = src.lines
    row = next(x for x in lines if "（二）部分公开" in x)
    assert row.split("\t")[:3] == ["", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ""]
    assert lines.count("三、本年度办理结果\t（一）予以公开\t\t33\t0\t0\t0\t0\t0\t33") == 1
    t3_rows = [x for x in lines if "不予公开" in x or re.match(r"\t\t\d\.", x)]
    assert len(t3_rows) == 16 and all(x.count("\t") == 9 for x in t3_rows)
    assert not any("三、本年度办理结果" in x for x in lines[lines.index(row):])   # the merge is not repeated


TEMPLATE = Path("/work/shared/reference/template-2021.docx")


@pytest.mark.skipif(not TEMPLATE.exists(), reason="the blank national template is not available here")
def test_blank_national_template_reads_as_six_sections_and_blank_cells():
    data = report_to_json(parse_file(TEMPLATE))
    assert [s["number"] for s in data["sections"]] == [1, 2, 3, 4, 5, 6]
    t2t3 = [c for c in data["cells"] if c["table"] in ("t2", "t3")]
    assert len(t2t3) == 185 and all(c["value"] is None and not c.get("missing") for c in t2t3)
    assert not [d for d in data["diagnostics"] if d["code"].startswith("GK0")]


# -- generated Word documents in the national template shape ------------------------------------------------

@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem[:24])
def test_docx_gives_the_cells_headings_and_title_of_the_text_form(source, tmp_path):
    text = source.read_text(encoding="utf-8")
    built = national_docx(text, tmp_path / "report.docx")
    want = report_to_json(parse_text(text))
    got = report_to_json(parse_file(built.path))
    assert got["format"] == "docx"
    ours, theirs = cells(got), cells(want)
    assert {k: ours.get(k, "<missing>") for k in theirs} == theirs
    # a cell the text form lost (a row one cell short) is a blank cell of the Word table: blank, not missing
    assert all(ours[k] is None for k in set(ours) - set(theirs))
    assert len(theirs) >= 10
    heads = [(s["number"], re.sub(r"\s", "", s["heading"])) for s in got["sections"]]
    assert heads == [(s["number"], re.sub(r"\s", "", s["heading"])) for s in want["sections"]]
    first = {}
    for s in got["sections"]:
        first.setdefault(s["number"], s["location"])
    assert first == built.headings
    assert got["title"]["text"] == want["title"]["text"]


def test_distractions_are_not_read(tmp_path):
    built = national_docx((REPORTS / "seeds" / "004_c12fc4cb6f2af7bf.txt").read_text(encoding="utf-8"),
                          tmp_path / "r.docx")
    view = read_path(built.path).text
    lines = view.split("\n")
    assert lines.count(TEXTBOX_TEXT) == 1                                        # text box: neither copy
    assert "999" not in view                                                     # nor its tab row
    assert lines.count(HEADER_TEXT) == 1 and lines.count(FOOTER_TEXT) == 1       # the real headings only
    assert lines.count(HIDDEN_TEXT) == 1                                         # hidden paragraph left out
    assert lines.count(DELETED_TEXT) == 1 and DELETED_INLINE not in view          # tracked deletions left out
    assert "DOCPROPERTY" not in view and "2023 年政府信息公开工作年度报告" in lines  # field result
    assert built.tracked and built.tracked in lines    # tracked insertion kept: the paragraph reads as written
    assert "一、本年新收政府信息公开申请数量\t\t\t1" in "\n".join(lines)   # cell of two paragraphs: one cell text


def _doc_with(paragraphs_xml: str, numbering_xml: str = "", styles_xml: str = "") -> bytes:
    doc = Document()
    if numbering_xml:
        numbering = doc.part.numbering_part.element
        for el in parse_xml(f"<w:numbering {NS}>{numbering_xml}</w:numbering>"):
            numbering.append(el)
    if styles_xml:
        for el in parse_xml(f"<w:styles {NS}>{styles_xml}</w:styles>"):
            doc.styles.element.append(el)
    body = doc.element.body
    sect = body[-1]
    for el in parse_xml(f"<w:body {NS}>{paragraphs_xml}</w:body>"):
        sect.addprevious(el)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _p(text: str, num: int | None = None, ilvl: int = 0, style: str | None = None) -> str:
    ppr = (f'<w:pStyle w:val="{style}"/>' if style else "") + (
        f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num}"/></w:numPr>' if num is not None else "")
    return f"<w:p><w:pPr>{ppr}</w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"


def _lvl(ilvl: int, fmt: str, text: str, start: int = 1, extra: str = "") -> str:
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>{extra}'
            f'<w:lvlText w:val="{text}"/></w:lvl>')


NOTHING = '<w:suff w:val="nothing"/>'
NO_RESTART = '<w:lvlRestart w:val="0"/><w:isLgl/>'


def test_word_list_numbers_are_written_out():
    numbering = (
        f'<w:abstractNum w:abstractNumId="1">{_lvl(0, "chineseCountingThousand", "%1、", start=9)}'
        f'{_lvl(1, "chineseCounting", "（%2）", extra=NOTHING)}'
        f'{_lvl(2, "decimal", "%3.")}</w:abstractNum>'
        f'<w:abstractNum w:abstractNumId="2">{_lvl(0, "ideographTraditional", "%1．")}'
        f'{_lvl(1, "decimal", "%1.%2", extra=NO_RESTART)}</w:abstractNum>'
        f'<w:abstractNum w:abstractNumId="3">{_lvl(0, "bullet", "")}</w:abstractNum>'
        '<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>'
        '<w:num w:numId="5"><w:abstractNumId w:val="1"/></w:num>'
        '<w:num w:numId="2"><w:abstractNumId w:val="2"/></w:num>'
        '<w:num w:numId="3"><w:abstractNumId w:val="3"/></w:num>'
        '<w:num w:numId="4"><w:abstractNumId w:val="2"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/>'
        '</w:lvlOverride></w:num>')
    styles = ('<w:style w:type="paragraph" w:styleId="SectionHeading"><w:name w:val="报告一级标题"/>'
              '<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>'
              '<w:style w:type="paragraph" w:styleId="SectionHeading2"><w:name w:val="报告二级标题"/>'
              '<w:basedOn w:val="SectionHeading"/><w:pPr><w:numPr><w:ilvl w:val="1"/></w:numPr></w:pPr></w:style>')
    body = "".join([
        _p("第九项", 1), _p("子项", 1, 1), _p("子项", 1, 1), _p("条目", 1, 2),
        _p("第十项", style="SectionHeading"),          # numbered by its style
        _p("子项", style="SectionHeading2"),            # style through basedOn, level from the style: restarts
        _p("第十一项", 5),                               # another w:num of the same list continues it
        _p("不编号", 0), _p("甲项", 2), _p("一", 2, 1), _p("乙项", 2), _p("二", 2, 1),   # no restart (lvlRestart 0)
        _p("项目符号", 3),                                # a bullet: no number
        _p("重新开始", 4),                                # startOverride: a list of its own, from 1
    ])
    lines = read_bytes(_doc_with(body, numbering, styles), "n.docx").lines
    assert lines == ["九、第九项", "（一）子项", "（二）子项", "1.条目", "十、第十项", "（一）子项", "十一、第十一项",
                     "不编号", "甲．甲项", "1.1 一", "乙．乙项", "2.2 二", "项目符号", "甲．重新开始"]


def test_numbering_from_a_level_linked_style_and_a_word_2010_custom_format():
    custom = ('<w:lvl w:ilvl="0"><w:start w:val="1"/><mc:AlternateContent><mc:Choice Requires="w14">'
              '<w:numFmt w:val="custom" w:format="一, 二, 三, ..."/></mc:Choice><mc:Fallback>'
              '<w:numFmt w:val="chineseCounting"/></mc:Fallback></mc:AlternateContent>'
              '<w:pStyle w:val="BaoGaoBiaoTi"/><w:lvlText w:val="%1、"/></w:lvl>')
    numbering = (f'<w:abstractNum w:abstractNumId="7">{custom}</w:abstractNum>'
                 '<w:num w:numId="7"><w:abstractNumId w:val="7"/></w:num>')
    styles = '<w:style w:type="paragraph" w:styleId="BaoGaoBiaoTi"><w:name w:val="报告标题"/></w:style>'
    body = _p("总体情况", style="BaoGaoBiaoTi") + _p("正文") + _p("主动公开政府信息情况", style="BaoGaoBiaoTi")
    assert read_bytes(_doc_with(body, numbering, styles), "n.docx").lines == [
        "一、总体情况", "正文", "二、主动公开政府信息情况"]


@pytest.mark.parametrize("n, fmt, text", [
    (10, "chineseCounting", "十"), (21, "chineseCounting", "二十一"), (105, "chineseCountingThousand", "一百〇五"),
    (110, "chineseCountingThousand", "一百一十"), (12, "chineseLegalSimplified", "壹拾贰"), (3, "decimalEnclosedCircle", "③"),
    (4, "upperRoman", "IV"), (28, "lowerLetter", "bb"), (10, "ideographDigital", "一〇"), (2, "decimalFullWidth", "２"),
])
def test_number_formats(n, fmt, text):
    from gklint.readers.docx_numbering import format_number

    assert format_number(n, fmt) == text


def test_content_controls_fields_breaks_and_frames(tmp_path):
    body = (
        '<w:sdt><w:sdtPr><w:alias w:val="标题"/></w:sdtPr><w:sdtContent>'
        '<w:p><w:r><w:t>平潭测试局</w:t></w:r><w:r><w:br/></w:r><w:r><w:t>2024年政府信息公开工作年度报告</w:t></w:r></w:p>'
        '</w:sdtContent></w:sdt>'
        '<w:p><w:fldSimple w:instr=" DATE \\@ yyyy "><w:r><w:t>2025</w:t></w:r></w:fldSimple><w:r><w:t>年</w:t></w:r>'
        '<w:hyperlink><w:r><w:t>链接文字</w:t></w:r></w:hyperlink><w:r><w:tab/><w:t>尾</w:t></w:r></w:p>'
        # a one-column frame around two paragraphs and a small table: read as body content
        '<w:tbl><w:tblGrid><w:gridCol w:w="9000"/></w:tblGrid><w:tr><w:tc>'
        '<w:p><w:r><w:t>框内第一段</w:t></w:r></w:p><w:p><w:r><w:t>框内第二段</w:t></w:r></w:p>'
        '<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>'
        '<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr><w:tc><w:p><w:r><w:t>甲</w:t></w:r></w:p></w:tc>'
        '<w:tc><w:p><w:r><w:t>乙</w:t></w:r></w:p></w:tc></w:tr>'
        '<w:tr><w:trPr><w:del w:id="1" w:author="a"/></w:trPr><w:tc><w:p><w:r><w:t>删除的行</w:t></w:r></w:p></w:tc></w:tr>'
        '<w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>丙</w:t></w:r></w:p></w:tc>'
        '<w:tc><w:p><w:r><w:t>1</w:t></w:r><w:r><w:tab/><w:t>2</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'
        '</w:tc></w:tr></w:tbl>'
        '<w:p><w:r><w:t>正文</w:t></w:r></w:p>')
    src = read_bytes(_doc_with(body), "c.docx")
    assert src.lines == ["平潭测试局", "2024年政府信息公开工作年度报告", "2025年链接文字\t尾", "框内第一段", "框内第二段",
                         "\t甲\t乙", "丙\t\t1 2", "正文"]
    places = [src.place(n, 1).get("location") for n in range(1, 9)]
    assert places == ["第 1 段", "第 1 段", "第 2 段", "表格 1 第 1 行第 1 格第 1 段", "表格 1 第 1 行第 1 格第 2 段",
                      "表格 2 第 1 行第 1 格", "表格 2 第 2 行第 1 格", "第 3 段"]
    assert src.place(7, 4)["location"] == "表格 2 第 2 行第 2 格"


def test_a_vertically_merged_value_is_read_once(tmp_path):
    """Merged value cells give their value in the first row and blanks below, never a copy in every row."""
    text = (REPORTS / "seeds" / "004_c12fc4cb6f2af7bf.txt").read_text(encoding="utf-8")
    built = national_docx(text, tmp_path / "m.docx", distract=False)
    doc = Document(str(built.path))
    t3 = doc.tables[1]
    top = t3.cell(7, 4).merge(t3.cell(9, 4))     # 商业企业 of 3.3.1 … 3.3.3, all 0
    top.text = "0"
    doc.save(str(tmp_path / "m2.docx"))
    got = cells(report_to_json(parse_file(tmp_path / "m2.docx")))
    assert got[("t3", "3.3.1", "business")] == 0
    assert got[("t3", "3.3.2", "business")] is None and got[("t3", "3.3.3", "business")] is None


# -- what is not a readable .docx ---------------------------------------------------------------------------

def _zip(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, content in files.items():
            z.writestr(name, content)
    return buf.getvalue()


def test_old_binary_word_and_wps_by_content_whatever_the_name():
    for name in ("年报.doc", "年报.wps", "年报.docx", "年报.txt", "年报"):
        src = read_bytes(ole2_bytes(), name)
        assert src.text == "" and codes(src) == ["GK020"], name
        assert src.problems[0].message == OLD_BINARY
        assert src.problems[0].name == "old-binary-word"


def test_other_files_say_what_they_are(tmp_path):
    xlsx = read_bytes(xlsx_bytes(), "年报.docx")
    assert codes(xlsx) == ["GK021"] and "Excel" in xlsx.problems[0].message and xlsx.text == ""
    xls = read_bytes(ole2_bytes("Workbook"), "年报.doc")
    assert codes(xls) == ["GK021"] and "Excel" in xls.problems[0].message
    plain = read_bytes(_zip({"a.txt": "x", "年报.docx": "y"}), "年报.docx")
    assert codes(plain) == ["GK021"] and "zip" in plain.problems[0].message
    odt = read_bytes(_zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"}), "a.docx")
    assert codes(odt) == ["GK021"] and "OpenDocument" in odt.problems[0].message
    rtf = read_bytes(b"{\\rtf1\\ansi hello}", "a.doc")
    assert codes(rtf) == ["GK021"] and "RTF" in rtf.problems[0].message
    enc = read_bytes(ole2_bytes("EncryptedPackage"), "a.docx")
    assert codes(enc) == ["GK022"] and "密码" in enc.problems[0].message


def test_broken_files(tmp_path):
    good = national_docx((REPORTS / "seeds" / "000_c9328f5ee1a3fe62.txt").read_text(encoding="utf-8"),
                         tmp_path / "g.docx", distract=False).path.read_bytes()
    for data, why in ((good[: len(good) // 2], "截断"), (b"", "0 字节"), (b"\x00\x01garbage" * 50, "不是有效")):
        src = read_bytes(data, "年报.docx")
        assert codes(src) == ["GK022"] and src.text == "", why
        assert src.problems[0].name == "broken-docx"
    with zipfile.ZipFile(io.BytesIO(good)) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["word/document.xml"] = parts["word/document.xml"][:-200]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n, b in parts.items():
            z.writestr(n, b)
    src = read_bytes(buf.getvalue(), "年报.docx")
    assert codes(src) == ["GK022"] and "XML" in src.problems[0].message


def test_a_run_checks_every_file_and_exits_1(tmp_path):
    text = (REPORTS / "seeds" / "004_c12fc4cb6f2af7bf.txt").read_text(encoding="utf-8")
    national_docx(text, tmp_path / "a_good.docx")
    (tmp_path / "b_old.doc").write_bytes(ole2_bytes())
    (tmp_path / "c_sheet.docx").write_bytes(xlsx_bytes())
    good = (tmp_path / "a_good.docx").read_bytes()
    (tmp_path / "d_cut.docx").write_bytes(good[:3000])
    (tmp_path / "e_empty.docx").write_bytes(b"")
    (tmp_path / "f_old.wps").write_bytes(ole2_bytes())
    result = CliRunner().invoke(main, ["check", "--format", "json", str(tmp_path)])
    assert result.exit_code == 1, result.output
    found = json.loads(result.stdout)
    by_file = {}
    for d in found:
        by_file.setdefault(Path(d["path"]).name, []).append(d["code"])
    assert by_file["b_old.doc"] == ["GK020"] and by_file["f_old.wps"] == ["GK020"]
    assert by_file["c_sheet.docx"] == ["GK021"]
    assert by_file["d_cut.docx"] == ["GK022"] and by_file["e_empty.docx"] == ["GK022"]
    assert not any(c.startswith("GK0") for c in by_file.get("a_good.docx", []))
    assert {".docx", ".docm", ".doc", ".wps"} <= set(report_suffixes())


def test_parse_text_shows_the_places(tmp_path):
    result = CliRunner().invoke(main, ["parse", "--text", str(PUBLISHED / "pingtan_2025.docx")])
    assert result.exit_code == 0
    lines = result.output.split("\n")
    assert any(re.match(r"\s*5  第 5 段  一、总体情况$", x) for x in lines)
    assert any("表格 2 第 27 行第 2 格  \t（七）总计\t\t147" in x for x in lines)


def test_diagnostics_point_at_the_cell(tmp_path):
    text = (REPORTS / "seeds" / "004_c12fc4cb6f2af7bf.txt").read_text(encoding="utf-8")
    built = national_docx(text, tmp_path / "d.docx", cells={("t3", "1", "total"): "5"})
    result = CliRunner().invoke(main, ["check", "--format", "json", str(built.path)])
    row_total = [d for d in json.loads(result.stdout) if d["code"] == "GK301"]
    assert row_total and row_total[0]["location"] == "表格 2 第 4 行第 8 格"
