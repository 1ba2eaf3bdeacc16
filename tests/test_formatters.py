"""Output formatters: exact concise lines, JSON round trip, rich carets under CJK/tabs, SARIF, GitHub."""
from __future__ import annotations

import io
import json

import pytest
from rich.cells import cell_len

from gklint.diagnostics import Diagnostic, Span
from gklint.formatters import FORMATTERS, render
from gklint.formatters.rich_ import excerpt

LONG = "甲" * 499 + "乙" + "甲" * 500          # 1,000 characters; "乙" is column 500
SOURCE = "\n".join([
    "XX市人民政府2023年政府信息公开工作年度报告",  # 1
    "一、总体情况",                              # 2
    "\t规章\t０\t１",                           # 3: "１" is column 7, after tabs and wide characters
    LONG,                                        # 4
    "",
])
SOURCES = {"reports/a.md": SOURCE, "reports/b.md": SOURCE}


def diag(line, column, end_column=None, *, path="reports/a.md", code="GK301", severity="error",
         message="本年新制作数量与合计不符", name="table-balance", end_line=None, **kw):
    end_line = end_line or line
    end_column = end_column or column + 1
    return Diagnostic.at(Span(line, column, end_line, end_column), path=path, code=code, name=name,
                         message=message, severity=severity, **kw)


DIAGS = [
    diag(4, 500, code="GK601", severity="info", message="段落过长", name="long-paragraph"),
    diag(3, 7),
    diag(2, 1, 3, path="reports/b.md", code="GK101", severity="warning", message="标题序号不规范",
         name="heading-number", fix={"applicability": "safe", "edits": []}),
]


def run(fmt, diagnostics=DIAGS, **options):
    out = io.StringIO()
    render(diagnostics, fmt, out, **options)
    return out.getvalue()


def caret_check(output: str, target: str) -> list[str]:
    """Assert that the caret under ``target``'s excerpt line sits at ``target``'s display column."""
    lines = output.splitlines()
    row = next(i for i, line in enumerate(lines) if target in line and "│" in line)
    src, carets = lines[row], lines[row + 1]
    assert "^" in carets
    assert cell_len(carets[:carets.index("^")]) == cell_len(src[:src.index(target)])
    return [src, carets]


# --- concise --------------------------------------------------------------------------------------

def test_concise_exact_lines_sorted():
    assert run("concise").splitlines() == [
        "reports/a.md:3:7: error GK301 本年新制作数量与合计不符",
        "reports/a.md:4:500: info GK601 段落过长",
        "reports/b.md:2:1: warning GK101 标题序号不规范",
    ]


def test_concise_keeps_one_line_per_diagnostic():
    assert run("concise", [diag(1, 1, message="第一行\n第二行")]) == \
        "reports/a.md:1:1: error GK301 第一行 第二行\n"


# --- json -----------------------------------------------------------------------------------------

def test_json_round_trip():
    text = run("json")
    assert "本年新制作数量与合计不符" in text  # ensure_ascii=False
    data = json.loads(text)
    assert [d["code"] for d in data] == ["GK301", "GK601", "GK101"]
    first = data[0]
    assert first == {"path": "reports/a.md", "line": 3, "column": 7, "end_line": 3, "end_column": 8,
                     "severity": "error", "code": "GK301", "name": "table-balance",
                     "message": "本年新制作数量与合计不符"}
    assert data[2]["fix"] == {"applicability": "safe", "edits": []}
    assert "fix" not in data[1]


# --- rich -----------------------------------------------------------------------------------------

def test_rich_no_ansi_and_caret_after_tabs_and_cjk():
    out = run("rich", [DIAGS[1]], sources=SOURCES, color=False)
    assert "\x1b" not in out
    assert "reports/a.md" in out and "GK301" in out and "本年新制作数量与合计不符" in out
    src, carets = caret_check(out, "１")
    assert "\t" not in src
    assert carets.endswith("^^")  # one double-width character underlined


def test_rich_color_true_emits_ansi():
    assert "\x1b[" in run("rich", [DIAGS[1]], sources=SOURCES, color=True)


def test_rich_underlines_span_in_cells():
    out = run("rich", [DIAGS[2]], sources=SOURCES, color=False)
    src, carets = caret_check(out, "一、")
    assert carets.endswith(" ^^^^")  # "一、" is two characters, four cells


@pytest.mark.parametrize("column, target", [(500, "乙"), (3, None), (1000, None)])
def test_rich_long_line_window(column, target):
    out = run("rich", [diag(4, column)], sources=SOURCES, color=False)
    lines = out.splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("  4 │"))
    src, carets = lines[row], lines[row + 1]
    assert cell_len(src) < 100 and "…" in src
    if target:
        caret_check(out, target)
    assert carets.count("^") == 2


def test_excerpt_caret_is_at_target_for_every_column():
    line = "\t规章\t０\t１ abc\t数"
    for column, ch in enumerate(line, start=1):
        ex = excerpt(line, column, column + 1)
        shown_before = excerpt(line[:column - 1], 1).text  # the same prefix, tabs expanded the same way
        assert ex.text.startswith(shown_before)
        assert ex.caret_offset == cell_len(shown_before)
        if ch != "\t":
            assert ex.text[len(shown_before)] == ch
            assert ex.caret_width == cell_len(ch)


def test_excerpt_clamps_and_marks_long_lines():
    assert excerpt("abc", 10).caret_offset == 3          # past the end: after the last character
    assert excerpt("abc", 2, None).caret_width == 2      # multi-line span: to the end of the line
    ex = excerpt(LONG, 1)
    assert not ex.text.startswith("…") and ex.text.endswith("…") and ex.caret_offset == 0


def test_rich_summary_counts():
    out = run("rich", DIAGS, sources=SOURCES, color=False)
    assert out.splitlines()[-1] == "共 2 个文件：1 个错误，1 个警告，1 个提示"
    assert run("rich", DIAGS, color=False, files_checked=5).splitlines()[-1].startswith("共 5 个文件：")
    assert run("rich", [], color=False).strip() == "未发现问题"
    assert run("rich", [], color=False, files_checked=3).strip() == "共 3 个文件：未发现问题"


def test_rich_groups_by_file():
    out = run("rich", DIAGS, sources=SOURCES, color=False, min_severity="info")
    assert out.index("reports/a.md") < out.index("GK301") < out.index("GK601") \
        < out.index("reports/b.md") < out.index("GK101")
    assert out.count("reports/a.md") == 1


def test_rich_default_shows_errors_and_warnings_and_counts_info_per_rule():
    info = [diag(n, 1, code="GK601", severity="info", message=f"半角标点 {n}", name="halfwidth-punctuation",
                 path=f"reports/{n}.md") for n in range(1, 51)]
    info.append(diag(2, 1, code="GK603", severity="info", message="断行", name="broken-line"))
    rules = {"GK601": {"summary": "中文正文中使用了半角标点"}}
    out = run("rich", DIAGS + info, sources=SOURCES, color=False, rules=rules)
    assert "GK301" in out and "GK101" in out                     # errors and warnings in full
    assert "段落过长" not in out and "半角标点 7" not in out        # info notes not one by one ...
    lines = out.splitlines()
    row = next(line for line in lines if line.lstrip().startswith("GK601"))
    assert "51 条" in row and "51 个文件" in row and "中文正文中使用了半角标点" in row   # ... but one line per rule
    assert sum(line.lstrip().startswith("GK60") for line in lines) == 2
    assert "--show-info" in out and lines[-1] == "共 52 个文件：1 个错误，1 个警告，52 个提示"
    assert len(lines) < 20


def test_rich_errors_before_warnings_within_a_file():
    d = [diag(1, 1, severity="warning", code="GK107", message="重复标题"), diag(3, 7)]
    out = run("rich", d, sources=SOURCES, color=False)
    assert out.index("GK301") < out.index("GK107")
    shown = run("rich", DIAGS, sources=SOURCES, color=False, min_severity="info")
    assert "段落过长" in shown and "未逐条列出" not in shown
    only_errors = run("rich", DIAGS, sources=SOURCES, color=False, min_severity="error")
    assert "标题序号不规范" not in only_errors and "GK101" in only_errors   # the warning is counted


def test_machine_formats_keep_info_whatever_min_severity():
    for fmt in ("concise", "json", "sarif", "github"):
        assert "GK601" in run(fmt, DIAGS, min_severity="error"), fmt


# --- sarif ----------------------------------------------------------------------------------------

def test_sarif_structure():
    rules = {"GK301": {"name": "table-balance", "summary": "表格合计须等于各项之和", "severity": "error",
                       "url": "https://example.org/GK301"}}
    log = json.loads(run("sarif", rules=rules))
    assert log["version"] == "2.1.0" and "$schema" in log
    (run_,) = log["runs"]
    assert run_["columnKind"] == "unicodeCodePoints"
    driver = run_["tool"]["driver"]
    assert driver["name"] == "gklint"
    assert [r["id"] for r in driver["rules"]] == ["GK101", "GK301", "GK601"]
    gk301 = driver["rules"][1]
    assert gk301["shortDescription"]["text"] == "表格合计须等于各项之和"
    assert gk301["helpUri"] == "https://example.org/GK301"
    assert [r["level"] for r in run_["results"]] == ["error", "note", "warning"]
    first = run_["results"][0]
    assert first["ruleId"] == "GK301" and driver["rules"][first["ruleIndex"]]["id"] == "GK301"
    assert first["message"]["text"] == "本年新制作数量与合计不符"
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "reports/a.md"
    assert location["region"] == {"startLine": 3, "startColumn": 7, "endLine": 3, "endColumn": 8}


def test_sarif_uri_forward_slashes():
    log = json.loads(run("sarif", [diag(1, 1, path="reports\\a.md")]))
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "reports/a.md"


def fingerprints(diagnostics):
    log = json.loads(run("sarif", diagnostics))
    return [r["partialFingerprints"]["gklint/v1"] for r in log["runs"][0]["results"]]


def test_sarif_fingerprint_ignores_line_only():
    (a,) = fingerprints([diag(3, 7)])
    (b,) = fingerprints([diag(30, 2)])
    (c,) = fingerprints([diag(3, 7, message="另一条消息")])
    (d,) = fingerprints([diag(3, 7, code="GK302")])
    assert a == b and len(a) == 64
    assert len({a, c, d}) == 3


def test_sarif_repeated_finding_gets_distinct_fingerprints():
    first, second = fingerprints([diag(3, 7), diag(9, 1)])
    assert second == first + ":2"


# --- github ---------------------------------------------------------------------------------------

def test_github_commands():
    lines = run("github").splitlines()
    assert lines[0] == "::group::reports/a.md"
    assert lines[1] == ("::error file=reports/a.md,line=3,col=7,endLine=3,endColumn=8,"
                        "title=GK301 table-balance::本年新制作数量与合计不符")
    assert lines[2].startswith("::notice file=reports/a.md,line=4,col=500,")
    assert lines[3] == "::endgroup::"
    assert lines[5].startswith("::warning file=reports/b.md,")


def test_github_escaping():
    d = diag(1, 1, path="dir,x/a:b.md", name="a,b:c", message="完成率 100%\r\n第二行: a,b")
    (line,) = [l for l in run("github", [d]).splitlines() if l.startswith("::error")]
    assert "file=dir%2Cx/a%3Ab.md," in line
    assert "title=GK301 a%2Cb%3Ac::" in line
    assert line.endswith("::完成率 100%25%0D%0A第二行: a,b")


def test_github_multiline_span_omits_columns():
    (line,) = [l for l in run("github", [diag(2, 3, 1, end_line=4)]).splitlines() if l.startswith("::error")]
    assert "line=2,endLine=4,title=" in line and "col=" not in line


# --- registry -------------------------------------------------------------------------------------

def test_unknown_format_raises():
    with pytest.raises(ValueError, match="nope"):
        run("nope")


def test_registry_names():
    assert {"rich", "concise", "json", "sarif", "github"} <= set(FORMATTERS)


# RFC 3986 URI-reference characters: unreserved, reserved and percent-encoded octets only
_URI_CHARS = __import__("re").compile(r"^(?:[A-Za-z0-9\-._~:/?\[\]@!$&'()*+,;=]|%[0-9A-F]{2})*$")


@pytest.mark.parametrize("path", ["年报 2023#1/报告 50%.txt", "reports/平潭 (2025).html", "/abs/年报.pdf",
                                  "C:\\年报\\a b.docx", "./x/y.md"])
def test_sarif_uri_is_a_percent_encoded_uri_reference(path):
    from urllib.parse import unquote, urlsplit

    d = Diagnostic.at(Span.point(1, 1), path=path, code="GK101", name="title-missing", message="m")
    uri = json.loads(run("sarif", [d]))["runs"][0]["results"][0]["locations"][0]["physicalLocation"][
        "artifactLocation"]["uri"]
    assert _URI_CHARS.match(uri), uri
    assert "#" not in uri and not urlsplit(uri).fragment
    tail = path.replace("\\", "/").lstrip("./").split("/")[-1]
    assert unquote(uri).endswith(tail)


def test_word_and_pdf_places_in_every_format():
    d = Diagnostic.at(Span.point(40, 3), path="年报.pdf", code="GK301", name="table-balance",
                      message="合计不符").moved(page=3, location="第 3 页")
    w = Diagnostic.at(Span.point(12, 1), path="年报.docx", code="GK401", name="fee-missing",
                      message="缺少收费").moved(location="表格 2 第 5 行第 3 格")
    assert run("concise", [d]).strip() == "年报.pdf:40:3: error GK301 合计不符 [第 3 页]"
    assert "表格 2 第 5 行第 3 格" in run("concise", [w])
    assert "第 3 页" in run("rich", [d]) and "第 3 页" in run("github", [d])
    j = json.loads(run("json", [d]))
    assert (j[0] if isinstance(j, list) else j["diagnostics"][0])["page"] == 3
    res = json.loads(run("sarif", [d, w]))["runs"][0]["results"]
    places = {"年报.pdf": "第 3 页", "年报.docx": "表格 2 第 5 行第 3 格"}
    for r in res:
        place = places[__import__("urllib.parse").parse.unquote(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])]
        loc = r["locations"][0]
        assert "region" not in loc["physicalLocation"]          # a PDF has no text lines of its own
        assert loc["logicalLocations"][0]["name"].endswith(place) and place in r["message"]["text"]
        assert r["properties"]["textViewLine"] in (40, 12)


# --- what a run keeps of each file (gklint.formatters.lines) ---------------------------------------

def test_excerpt_of_a_long_line_keeps_the_tab_stops_of_the_whole_line():
    from gklint.formatters.rich_ import display_pieces

    line = "甲" * 299 + "a\t乙\t丙" + "丁" * 700           # tabs in view, far into a long line
    whole = "".join(display_pieces(line))
    for column in (300, 301, 302, 304):
        ex = excerpt(line, column, column + 1)
        assert ex.text.startswith("…") and ex.text.endswith("…")
        assert ex.text[1:-1] in whole                       # the same cells as the line shown whole
        assert cell_len(ex.text) <= 60


def test_excerpt_of_a_huge_line_is_a_window():
    line = "甲" * 200_000 + "乙" + "甲" * 200_000
    ex = excerpt(line, 200_001, 200_002)
    assert cell_len(ex.text) <= 60 and ex.text[ex.text.index("乙") - 1] == "甲"
    assert cell_len(ex.text[:ex.text.index("乙")]) == ex.caret_offset and ex.caret_width == 2


@pytest.mark.parametrize("fmt", ["rich", "html", "gitlab", "junit"])
def test_kept_lines_give_the_same_output_as_whole_texts(fmt):
    from gklint.formatters.lines import keep_lines

    diags = [*DIAGS, diag(1, 1, 9, end_line=2, path="reports/b.md", severity="warning", code="GK107"),
             diag(9, 1, path="reports/b.md", severity="warning", code="GK108")]      # a line past the end
    kept = {p: keep_lines(text, [d for d in diags if d.path == p]) for p, text in SOURCES.items()}
    assert all(len(k.kept) < len(SOURCE.split("\n")) for k in kept.values())
    assert run(fmt, diags, sources=kept, color=False, min_severity="info") == \
        run(fmt, diags, sources=SOURCES, color=False, min_severity="info")


def test_a_line_not_kept_is_read_again():
    from gklint.formatters.lines import PointedLines, keep_lines

    reads = []
    kept = keep_lines(SOURCE, [], reread=lambda: reads.append(1) or SOURCE)   # no finding when results came
    assert kept.kept == {} and kept.get(9) is None and not reads           # past the end: nothing to read
    assert kept.get(2) == "一、总体情况" and kept.get(2) == "一、总体情况" and reads == [1]
    assert PointedLines.of("", [1]).get(1) == "" and PointedLines.of("", [1]).empty


def test_check_shows_the_excerpt_of_a_cross_year_finding(tmp_path):
    from test_crossyear import year_copy

    from conftest import gk

    (tmp_path / "a_2023.txt").write_text(year_copy(2023, row4="四、结转下年度继续办理\t\t3\t1\t0\t0\t0\t0\t4\t"),
                                         encoding="utf-8")
    (tmp_path / "b_2024.txt").write_text(year_copy(2024, row2="二、上年结转政府信息公开申请数量\t\t3\t0\t0\t0\t0\t0\t3\t"),
                                         encoding="utf-8")
    # GK520 (made after every file was linted) points at a line no finding of b_2024.txt pointed at before
    p = gk("check", "--no-cache", "--format", "rich", "--color", "never", "--select", "GK520", str(tmp_path))
    assert "GK520" in p.stdout and "  58 │ 二、上年结转政府信息公开申请数量" in p.stdout, p.stdout + p.stderr
