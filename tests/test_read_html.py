"""The HTML reader as users rely on it: the cells, headings, title and publication date of a published web page,
each at the line and column of its text in the .html (what an editor opening it shows); merged cells expanded
like the text layouts; blank cells blank; site furniture left out; GBK pages; misnamed files read as what they
are; and bad pages a diagnostic, never a traceback.

Besides the development sample (tests/reports/published/pingtan_2025.html), pages are generated at test time
(tests/fixtures/html/make_html.py) from the real report texts in tests/reports/seeds, in four CMS layouts, and
must give the cells the text form gives."""
from __future__ import annotations

import html
import json
import re
import time
from functools import lru_cache
from pathlib import Path

import pytest
from click.testing import CliRunner

from fixtures.html.make_html import CHROME_TEXTS, STYLES, page, report_parts
from gklint.api import parse_bytes, parse_file, report_to_json
from gklint.cli import main
from gklint.readers import read_bytes, read_path

REPORTS = Path(__file__).parent / "reports"
PUBLISHED = REPORTS / "published"
SAMPLE = PUBLISHED / "pingtan_2025.html"
EXPECTED = json.loads((PUBLISHED / "expected.json").read_text(encoding="utf-8"))["pingtan_2025.html"]
SEEDS = sorted((REPORTS / "seeds").glob("*.txt"))


@lru_cache(maxsize=None)
def parts_of(seed: Path):
    return report_parts(seed)


def at(source: str, line: int, column: int) -> str:
    """What an editor shows from (line, column) on, tags and entities aside, spaces dropped."""
    rest = source.split("\n")[line - 1][column - 1:]
    return re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]*>", "", rest)))


def starts_with_text(source: str, line: int, column: int, text: str) -> bool:
    return at(source, line, column).startswith(re.sub(r"\s+", "", text))


def cells_of(data: dict) -> dict:
    return {(c["table"], c["row"], c["col"]): c for c in data["cells"] if not c.get("missing")}


def expected_cells() -> dict:
    return {(t, r, c): v for t, rows in EXPECTED["cells"].items() for r, cols in rows.items() for c, v in cols.items()}


def parse_html(text: str, name: str = "page.html", encoding: str = "utf-8") -> dict:
    return report_to_json(parse_bytes(text.encode(encoding), name))


# ------------------------------------------------------------------------------------------------------------
# The development sample
# ------------------------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def sample() -> dict:
    return report_to_json(parse_file(SAMPLE))


def test_sample_every_expected_cell_at_its_text():
    data = sample()
    source = SAMPLE.read_text(encoding="utf-8")
    got = cells_of(data)
    want = expected_cells()
    assert len(want) == 200
    wrong = {k: (got.get(k, {}).get("value"), v) for k, v in want.items() if k not in got or got[k]["value"] != v}
    assert not wrong
    for key, v in want.items():
        c = got[key]
        assert [c["line"]] == EXPECTED["lines"]["/".join(key)], key
        assert starts_with_text(source, c["line"], c["column"], c["raw"]), (key, c["raw"], at(source, c["line"], c["column"])[:20])
    assert data["format"] == "html" and data["encoding"] == "utf-8"


def test_sample_td_index_is_the_cell_holding_each_value():
    """expected.json's ``td``: the 0-based index of the <td> in document order that holds the cell. The column we
    report lies inside exactly that element's source (after its start tag, before the next <td>)."""
    source = SAMPLE.read_text(encoding="utf-8")
    line17 = source.split("\n")[16]
    starts = [m.end() for m in re.finditer(r"<td\b[^>]*>", line17)]
    got = cells_of(sample())
    for key, idx in EXPECTED["td"].items():
        c = got[tuple(key.split("/"))]
        offset = c["column"] - 1
        assert starts[idx] <= offset < (starts[idx + 1] if idx + 1 < len(starts) else len(line17)), key


def test_sample_headings_title_date_publisher():
    data = sample()
    source = SAMPLE.read_text(encoding="utf-8")
    heads = [(s["number"], s["heading"], s["line"]) for s in data["sections"]]
    assert heads == [(s["number"], s["heading"], s["line"]) for s in EXPECTED["sections"]]
    for s in data["sections"]:
        assert starts_with_text(source, s["line"], s["column"], s["heading"])
    # no visible title: the title comes from <meta name=ArticleTitle>, placed at its content
    t = data["title"]
    assert t["text"] == "平潭综合实验区2025年度政府信息公开工作年度报告" and t["well_formed"]
    assert t["line"] == 7 and source.split("\n")[6][t["column"] - 1:].startswith(t["text"])
    assert data["publication_date"] == "2026-03-10"
    src = read_path(SAMPLE)
    n, info = next((i, l) for i, l in enumerate(src.text.split("\n"), 1) if l.startswith("发布时间"))
    assert info == "发布时间：2026-03-10 12:56　来源：平潭综合实验区管委会办公室"
    lines = source.split("\n")
    for part, meta in (("2026-03-10", "PubDate"), ("平潭综合实验区管委会办公室", "ContentSource")):
        place = src.place(n, info.index(part) + 1)                   # each part at its <meta> content
        assert f'name="{meta}"' in lines[place["line"] - 1]
        assert lines[place["line"] - 1][place["column"] - 1:].startswith(part)


def test_sample_check_raises_no_error_and_no_unlisted_warning():
    res = CliRunner().invoke(main, ["check", "--format", "json", str(SAMPLE)])
    assert res.exit_code == 0, res.output
    found = json.loads(res.output)
    assert not [d for d in found if d["severity"] == "error"]
    listed = tuple(code for d in EXPECTED["defects"] for code in d["codes"])
    assert all(d["code"].startswith(listed) for d in found if d["severity"] == "warning")


def test_sample_view_rows_keep_the_grid():
    """A label spanning rows leaves empty fields in the rows below, as in the text layouts (seed 004 表三)."""
    rows = [line.split("\t") for line in read_path(SAMPLE).text.split("\n") if "\t" in line]
    t3 = [r for r in rows if len(r) == 10]
    assert ["", "", "2.其他法律行政法规禁止公开", "0", "0", "0", "0", "0", "0", "0"] in t3
    assert ["三、本年度办理结果", "（一）予以公开", "", "33", "0", "0", "0", "0", "0", "33"] in t3
    assert ["", "", "", "", "", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "结果维持", "结果纠正",
            "其他结果", "尚未审结", "总计"] in rows   # 结果<br/>纠正 joined, covered slots empty


# ------------------------------------------------------------------------------------------------------------
# Pages generated from the real reports, in four CMS layouts
# ------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_generated_page_gives_the_text_forms_cells(seed, style):
    parts = parts_of(seed)
    text_form = report_to_json(parse_file(seed))
    source = page(parts, style)
    data = parse_html(source)
    got = cells_of(data)
    for key, raw in parts.raw.items():
        c = got.get(key)
        assert c is not None, key
        assert c["kind"] == parts.kind[key], (key, c)
        want = next((x["value"] for x in text_form["cells"] if (x["table"], x["row"], x["col"]) == key), None)
        assert c["value"] == want, key
        if raw:
            assert starts_with_text(source, c["line"], c["column"], raw), (key, raw, at(source, c["line"], c["column"])[:20])
    assert [(s["number"], s["heading"]) for s in data["sections"]] == \
        [(s["number"], s["heading"]) for s in text_form["sections"]]
    for s in data["sections"]:
        assert starts_with_text(source, s["line"], s["column"], s["heading"][:2])
    if style != "fragment":
        assert data["title"]["text"] == text_form["title"]["text"]
        assert data["publication_date"] is not None
    assert not [d for d in data["diagnostics"] if d["severity"] == "error"]


@pytest.mark.parametrize("seed", [SEEDS[0], SEEDS[1], SEEDS[3], SEEDS[4]], ids=lambda p: p.name[:3])
def test_generated_pages_get_the_text_forms_errors_and_warnings(seed):
    from collections import Counter

    from gklint.lint import lint_source
    from gklint.rules.engine import load_ruleset

    rules = load_ruleset()

    def findings(src) -> Counter:
        return Counter((d.code, d.severity.value) for d in lint_source(src, rules) if d.severity.value != "info")

    want = findings(read_path(seed))
    for style in ("trs", "portal", "legacy"):
        assert findings(read_bytes(page(parts_of(seed), style).encode(), f"{style}.html")) == want, style


def test_portal_page_leaves_out_furniture_and_keeps_metadata():
    parts = parts_of(SEEDS[0])
    source = page(parts, "portal")
    src = read_bytes(source.encode("utf-8"), "portal.html")
    for word in CHROME_TEXTS + ["浏览次数"]:
        assert word not in src.text, word
    lines = src.text.split("\n")
    assert lines[0] == parts.title                                   # the visible <h1>
    assert f"发布时间：{parts.year + 1}-01-20 10:05　来源：{parts.agency}办公室" in lines
    data = report_to_json(parse_bytes(source.encode("utf-8"), "portal.html"))
    assert data["publication_date"] == f"{parts.year + 1}-01-20"
    assert data["title"]["line"] == source.split("\n").index(next(l for l in source.split("\n") if "<h1" in l)) + 1


def test_one_cell_per_source_line_gives_each_cell_its_own_line():
    source = page(parts_of(SEEDS[4]), "portal")
    got = cells_of(parse_html(source))
    t3 = [c for c in got.values() if c["table"] == "t3"]
    assert len({c["line"] for c in t3}) == len(t3) == 7 * 25
    for c in t3:
        assert source.split("\n")[c["line"] - 1].strip().startswith("<td>&nbsp;" + c["raw"])


def test_legacy_page_title_in_layout_cell_date_and_publisher_from_meta():
    parts = parts_of(SEEDS[0])
    source = page(parts, "legacy")
    data = parse_html(source)
    assert data["title"]["text"] == parts.title
    assert data["publication_date"] == f"{parts.year + 1}-01-25"
    view = read_bytes(source.encode(), "legacy.html").text.split("\n")
    assert f"发布时间：{parts.year + 1}-01-25 16:20:00　来源：{parts.agency}" in view
    assert "网站首页" not in "\n".join(view)
    # the date line of the view is placed at the <meta name="PubDate"> content
    src = read_bytes(source.encode(), "legacy.html")
    n = next(i for i, l in enumerate(src.text.split("\n"), 1) if l.startswith("发布时间："))
    meta_line = next(i for i, l in enumerate(source.split("\n"), 1) if 'name="PubDate"' in l)
    place = src.place(n, len("发布时间：") + 1)
    assert place["line"] == meta_line
    assert source.split("\n")[meta_line - 1][place["column"] - 1:].startswith(f"{parts.year + 1}-01-25 16:20:00")


def test_blank_cells_are_blank_and_reported_where_they_are():
    """&nbsp;-only and empty cells, first, middle and last in their rows, beside non-zero ones: BLANK (value
    null), never 0 and never missing, and GK205 points at the blank cell in the HTML."""
    cases = {SEEDS[2]: [("t2", "normative", "issued"), ("t2", "normative", "valid")],
             SEEDS[4]: [("t3", "1", "business"), ("t3", "3.7", "total"), ("t4", "review", "upheld"),
                        ("t2", "license", "decisions")]}
    for seed, blanks in cases.items():
        parts = parts_of(seed)
        raw = {k: ("" if k in blanks else v) for k, v in parts.raw.items()}
        for style in ("trs", "portal", "legacy"):
            source = page(parts, style, raw)
            name = f"blank_{style}.html"
            got = cells_of(parse_html(source, name))
            for key in parts.raw:
                if key in blanks:
                    assert got[key]["kind"] == "blank" and got[key]["value"] is None, (style, key)
                else:
                    assert got[key]["raw"] == parts.raw[key], (style, key)
            res = CliRunner().invoke(main, ["check", "--format", "json", "--select", "GK205", "-",
                                            "--stdin-filename", name], input=source)
            found = [d for d in json.loads(res.output) if d["code"] == "GK205"]
            rows = {(t, r) for (t, r, _c), v in raw.items() if v == ""}   # also the text form's own gaps
            assert len(found) == len(rows), (style, found)
            for d in found:
                rest = source.split("\n")[d["line"] - 1][d["column"] - 1:]
                assert rest.startswith("&nbsp;") or rest.startswith("<") and style == "legacy", (style, rest[:30])


def test_gbk_page_with_meta_charset():
    parts = parts_of(SEEDS[1])
    text = page(parts, "portal").replace('<meta charset="utf-8">',
                                         '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">')
    data = text.encode("gb18030")
    src = read_bytes(data, "gbk.htm")
    assert src.format == "html" and src.encoding == "gb2312"
    assert not [d for d in src.problems]
    got = cells_of(report_to_json(parse_bytes(data, "gbk.htm")))
    assert {k: c["raw"] for k, c in got.items()} == {k: v for k, v in parts.raw.items()}
    # the same page without a declaration: decoded as GB18030 and said so (GK004, info)
    bare = text.replace('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', "").encode("gb18030")
    parsed = parse_bytes(bare, "bare.html")
    assert parsed.source.encoding == "gb18030" and "GK004" in [d.code for d in parsed.problems]
    assert cells_of(report_to_json(parsed)).keys() == got.keys()


def test_declared_charset_that_the_bytes_do_not_hold_falls_back():
    text = page(parts_of(SEEDS[1]), "trs")
    assert read_bytes(text.replace("utf-8", "gbk").encode("utf-8"), "a.html").encoding.startswith("utf-8")
    src = read_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"), "bom.html")
    assert src.encoding == "utf-8-sig" and src.text.startswith(parts_of(SEEDS[1]).title)


HEADINGS = "".join(f"<p>{h}</p><p>本部分正文。</p>" for h in (
    "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况", "六、其他需要报告的事项"))


@pytest.mark.parametrize("sep", ["_", " | ", " - ", "｜"])
def test_title_from_the_title_element_without_the_site_suffix(sep):
    source = (f"<html><head><title>某县财政局2024年度政府信息公开工作年度报告{sep}某县人民政府网</title></head>\n"
              f"<body><div class=article>{HEADINGS}</div></body></html>")
    data = parse_html(source)
    t = data["title"]
    assert t["text"] == "某县财政局2024年度政府信息公开工作年度报告" and (t["line"], t["column"]) == (1, 20)


def test_a_column_heading_above_the_article_is_not_its_title():
    source = ("<html><body><div class=column><h2>政府信息公开工作年度报告</h2></div>\n<div class=art>"
              f"<h1>某县财政局2024年度政府信息公开工作年度报告</h1>{HEADINGS}</div></body></html>")
    t = parse_html(source)["title"]
    assert t["text"] == "某县财政局2024年度政府信息公开工作年度报告" and t["line"] == 2
    assert "政府信息公开工作年度报告" not in read_bytes(source.encode(), "a.html").text.split("\n")


# ------------------------------------------------------------------------------------------------------------
# Tables: spans, <th>, missing end tags, nested tables
# ------------------------------------------------------------------------------------------------------------
SMALL = """<html><body><h1>某县审计局2024年度政府信息公开工作年度报告</h1>
<p>一、总体情况</p><p>本局认真落实条例。</p><p>二、主动公开政府信息情况</p>
<table border=1>
<tr><th colspan=4>第二十条第（一）项
<tr><th>信息内容<th>本年制发件数<th>本年废止件数<th>现行有效件数
<tr><td><p><span>规</span><font color=red>章</font></p><td>1<td>2<td>3
<tr><td>行政规范性文件<td><td> &nbsp; <td>9
</table>
<p>三、收到和处理政府信息公开申请情况</p><p>四、政府信息公开行政复议、行政诉讼情况</p>
<p>五、存在的主要问题及改进情况</p><p>六、其他需要报告的事项</p></body></html>"""


def test_th_missing_end_tags_split_labels_and_blank_cells():
    got = cells_of(parse_html(SMALL))
    assert [got[("t2", "rules", c)]["value"] for c in ("issued", "repealed", "valid")] == [1, 2, 3]
    n = [got[("t2", "normative", c)] for c in ("issued", "repealed", "valid")]
    assert [(c["kind"], c["value"]) for c in n] == [("blank", None), ("blank", None), ("number", 9)]
    assert (got[("t2", "rules", "issued")]["line"], got[("t2", "rules", "valid")]["line"]) == (6, 6)
    assert starts_with_text(SMALL, 6, got[("t2", "rules", "valid")]["column"], "3")
    assert SMALL.split("\n")[6][got[("t2", "normative", "repealed")]["column"] - 1:].startswith("&nbsp; <td>9")


def test_nested_layout_tables_are_not_data():
    inner = SMALL.split("<body>")[1].split("</body>")[0]
    nested = f"<html><body><table><tr><td>导航</td><td><table><tr><td>{inner}</td></tr></table></td></tr></table></body></html>"
    got = cells_of(parse_html(nested))
    assert [got[("t2", "rules", c)]["value"] for c in ("issued", "repealed", "valid")] == [1, 2, 3]


# ------------------------------------------------------------------------------------------------------------
# Sniffing and misnamed files
# ------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("head,is_html", [
    (b"<!DOCTYPE html><html>", True), (b"\xef\xbb\xbf  <html lang=zh>", True), (b"<!-- saved -->\n<head>", True),
    (b"\n\n<BODY bgcolor=white>", True), (b"<div class=\"TRS_Editor\"><p>x</p></div>", True),
    (b"<table><tr><td>1</td></tr></table>", True), (b"<p>\xe6\x9c\xac\xe6\x8a\xa5\xe5\x91\x8a</p>", True),
    ("某局2024年度报告\n<p>正文</p>".encode(), False), (b"# Title\n\n<div>x</div>", False),
    (b"<div align=\"center\">\n\n# \xe6\x8a\xa5\xe5\x91\x8a\n\n</div>", False), (b"plain text <b>bold</b>", False),
    (b"%PDF-1.7", False), (b"PK\x03\x04", False),
])
def test_sniff_only_what_starts_as_html(head, is_html):
    from gklint.readers.html import READER

    assert READER.sniff(head) is is_html


def test_misnamed_files_are_read_as_what_they_are(tmp_path):
    html_text = page(parts_of(SEEDS[0]), "trs")
    (tmp_path / "report.txt").write_text(html_text, encoding="utf-8")
    src = read_path(tmp_path / "report.txt")
    assert src.format == "html" and "<p" not in src.text
    plain = SEEDS[0].read_text(encoding="utf-8")
    (tmp_path / "report.html").write_text(plain, encoding="utf-8")
    src = read_path(tmp_path / "report.html")
    assert src.format == "text" and src.text == plain.replace("\r\n", "\n")
    md = "# 某局2024年度政府信息公开工作年度报告\n\n一、总体情况<br>\n正文。\n"
    (tmp_path / "r.md").write_text(md, encoding="utf-8")
    assert read_path(tmp_path / "r.md").format == "markdown"


# ------------------------------------------------------------------------------------------------------------
# Bad pages
# ------------------------------------------------------------------------------------------------------------
INDEX = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开年报_某某市人民政府</title></head>
<body><div class="header"><a href="/">网站首页</a></div><div class="nav"><a>政务公开</a></div>
<h2 class="column-title">政府信息公开年报</h2>
<ul class="list">
<li><a href="/1.html">某某市人民政府2024年度政府信息公开工作年度报告</a><span>2025-01-20</span></li>
<li><a href="/2.html">某某市人民政府2023年度政府信息公开工作年度报告</a><span>2024-01-19</span></li>
</ul><div class="page">共2条 首页 上一页 下一页 尾页</div><div class="footer">版权所有</div></body></html>"""


def test_index_page_without_a_report_is_gk005():
    res = CliRunner().invoke(main, ["check", "--format", "json", "-", "--stdin-filename", "index.html"], input=INDEX)
    assert res.exit_code == 1 and res.exception is None or isinstance(res.exception, SystemExit)
    assert [d["code"] for d in json.loads(res.output)] == ["GK005"]


def test_truncated_and_broken_markup_still_reads():
    source = page(parts_of(SEEDS[4]), "portal")
    start = source.index("申请人情况")
    cut = source[: [m.start() for m in re.finditer("<tr>", source[start:])][14] + start]   # stops inside 表三
    data = parse_html(cut + '<td class="x', "cut.html")
    assert data["cells"] and [s["number"] for s in data["sections"]] == [1, 2, 3]
    assert ("t3", "3.3.8", "total") in cells_of(data)
    assert "GK012" in [d["code"] for d in data["diagnostics"]]
    broken = source.replace("</span>", "").replace("</p>", "").replace("<tbody>", "<tbody><tr><td><td></b></i>")
    assert cells_of(parse_html(broken))[("t3", "1", "total")]["raw"] == parts_of(SEEDS[4]).raw[("t3", "1", "total")]


def test_binary_junk_named_html_is_a_diagnostic():
    junk = bytes(range(256)) * 64 + b"<p " + bytes(range(255, -1, -1)) * 64
    src = read_bytes(junk, "junk.html")
    assert src.text == "" and [d.code for d in src.problems] == ["GK014"]
    assert "二进制" in src.problems[0].message


def test_script_only_page_says_there_is_no_text():
    src = read_bytes(b"<!DOCTYPE html><html><head><script>render('report')</script></head><body><div id=app></div>"
                     b"</body></html>", "app.html")
    assert [d.code for d in src.problems] == ["GK014"] and "脚本" in src.problems[0].message


def test_deep_and_huge_pages_in_bounded_time():
    body = page(parts_of(SEEDS[0]), "fragment")
    deep = "<html><body>" + "<font><span>" * 3000 + body + "</body></html>"
    t = time.perf_counter()
    data = parse_html(deep, "deep.html")
    assert time.perf_counter() - t < 5
    assert len(data["sections"]) == 6 and len(cells_of(data)) == 200
    walls = "<html><body>" + "<div>" * 3000 + "x" + "</div>" * 3000 + body + "</body></html>"
    data = parse_html(walls, "walls.html")                           # nested beyond libxml2's 2048 levels
    assert len(data["sections"]) == 6 and len(cells_of(data)) == 200
    cells = "<html><body>" + "<table><tr><td>" * 800 + "x" + body + "</body></html>"
    src = read_bytes(cells.encode(), "cells.html")                   # no way around: said, not hidden
    assert [d.code for d in src.problems] == ["GK014"] and "嵌套过深" in src.problems[0].message
    big = "<html><body>" + "<p>一段与报告无关的文字，用来把页面撑大。</p>\n" * 15000 + body + "</body></html>"
    t = time.perf_counter()
    src = read_bytes(big.encode(), "big.html")
    assert time.perf_counter() - t < 10 and "一、总体情况" in src.text


def test_parse_json_cli_places_cells_in_the_html(tmp_path):
    res = CliRunner().invoke(main, ["parse", "--format", "json", str(SAMPLE)])
    data = json.loads(res.output)
    c = next(c for c in data["cells"] if (c["table"], c["row"], c["col"]) == ("t2", "fee", "amount"))
    assert c["raw"] == "4166.241619" and c["line"] == 17
    assert SAMPLE.read_text(encoding="utf-8").split("\n")[16][c["column"] - 1:].startswith("4166.241619")
