"""Stage 3: parse tree → the typed ``Report`` model, with the three tables aligned to the template."""
from __future__ import annotations

import re
from dataclasses import replace
from operator import itemgetter

from ..parse.lalr_driver import Token, Tree

from ..diagnostics import Diagnostic, Severity, Span
from .flattened import CUT_OFF, align_flattened, flattened_table
from .nodes import Heading, Line, Paragraph, Report, Section, Table, TableRegion, Title, new_paragraph, new_table
from ..parse.outline import match_section_heading, parse_outline
from ..readers import Source
from ..records import mutable
from .tables import Piece, align_tables, pieces_of, table_votes
from .template import load_template
from ..textnorm import cn_number, folded
from ..hant import to_simplified

_TITLE_RE = re.compile(r"^(?:标题[:：])?(?P<agency>.*?)(?:关于)?(?P<year>(?:19|20)\d{2})年度?的?(?P<rest>.*)$")
_STANDARD_TAIL = re.compile(r"^政府信息公开工作年度报告$")
_HEADING_NUM = re.compile(r"^\(?([一二三四五六七八九十]+|\d+)")
_TITLE_LABEL = re.compile(r"^标题[:：]")
_NUMBER_FIELD = re.compile(r"(^|[\t|])\s*\d+\s*($|[\t|])")     # a field of a row that is a number
_DATE = re.compile(r"(?:发布时间|发布日期|成文日期|时间|日期)\s*[:：]\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


@mutable
class Parsed:
    """A parsed report and the problems met parsing it."""

    report: Report
    problems: list[Diagnostic]
    source: Source | None = None     # what was read: its map places view positions in the original file

    def __init__(self, report: Report, problems: list[Diagnostic], source: Source | None = None) -> None:
        self.report, self.problems, self.source = report, problems, source


def _line(tok: Token, lines: list[tuple[str, Line]]) -> Line:
    return lines[tok.start_pos][1]


def _title(tok: Token, lines: list[Line], before: list) -> Title:
    line = _line(tok, lines)
    f = folded(line.text)
    span = line.span(len(line.text) - len(line.text.lstrip(" #\u3000\u00a0")), len(line.text.rstrip()))
    text = f
    m = _TITLE_RE.match(f)
    if m and not m.group("agency") and m.group("rest").startswith("政府信息公开") and before:
        # title split over two lines (seed 004): the agency is the short line above
        prev = before[-1]
        if isinstance(prev, Paragraph) and len(prev.lines) == 1:
            pf = folded(prev.lines[0].text)
            if 2 <= len(pf) <= 30 and not re.search(r"[。，,；;:：]", pf) and not re.search(r"登录|注册|首页|网站|导航", pf):
                text = pf + f
                p = prev.lines[0]
                span = Span(p.line, p.column + len(p.text) - len(p.text.lstrip(" #\u3000\u00a0")), span.end_line,
                            span.end_column)
                m = _TITLE_RE.match(text)
    elif not m and f.startswith("政府信息公开") and before:
        # "中卫市商务局" / "政府信息公开工作年度报告": the agency on the line above, only the year missing
        prev = before[-1]
        if isinstance(prev, Paragraph) and len(prev.lines) == 1 and _agency_line(folded(prev.lines[0].text)):
            p = prev.lines[0]
            return Title(folded(p.text) + f, folded(p.text), None, Span(
                p.line, p.column + len(p.text) - len(p.text.lstrip(" #\u3000\u00a0")), span.end_line,
                span.end_column), False)
    return _title_parts(text, span, m)


def _agency_line(pf: str) -> bool:
    """A short line that can be the agency half of a title split over two lines."""
    return 2 <= len(pf) <= 30 and not re.search(r"[。，,；;:：]", pf) and not re.search(r"登录|注册|首页|网站|导航", pf) \
        and not re.search(r"\d", pf) and bool(re.search(r"(?:局|委|办|厅|府|院|室|中心|会|处|所|部|街道|镇|乡|区|县|市)$", pf))


def _title_parts(text: str, span: Span, m) -> Title:
    agency = year = None
    well = False
    if m:
        agency = m.group("agency").strip("《》") or None
        year = int(m.group("year"))
        rest = m.group("rest")
        well = bool(agency) and bool(_STANDARD_TAIL.match(rest))
        if agency is None and "政府信息公开" in rest and not rest.startswith("政府信息公开"):
            # "2025年度长春新区管委会政府信息公开工作年度报告": the agency after the year
            agency = rest[: rest.index("政府信息公开")]
            well = False
    return Title(_TITLE_LABEL.sub("", text), agency, year, span, well)


_TITLE_HEAD = re.compile(r"(?:19|20)\d{2}\s*年度?(?:政府|政府信息|政府信息公开)?$")


def _joined_title(front: list) -> tuple[Title, int] | None:
    """A title broken over two lines that neither line is alone (``某局2020年度政府`` / ``信息公开工作报告``):
    the Title and how many front blocks it took."""
    lines = [(i, line) for i, b in enumerate(front[:6]) if isinstance(b, Paragraph) for line in b.lines]
    for (i, a), (j, b) in zip(lines, lines[1:]):
        fa, fb = folded(a.text), folded(b.text)
        if not (len(fa) <= 40 and len(fb) <= 40 and _TITLE_HEAD.search(fa) and "。" not in fa + fb):
            continue
        text = fa + fb
        if not re.search(r"信息公开.*(?:年度报告|年报|工作报告)$", text):
            continue
        span = Span(a.line, a.column + len(a.text) - len(a.text.lstrip(" #\u3000\u00a0")), b.line,
                    b.column + len(b.text.rstrip()))
        return _title_parts(text, span, _TITLE_RE.match(text)), j + 1
    return None


_HEADING_KINDS = {"SUBHEAD": "sub", "ITEMHEAD": "item", "TOPHEAD": "top"}
_LINE = itemgetter(1)       # the line of a (terminal, line) pair (in C: a table's run has hundreds)


def _blocks(toks: list, lines: list, out_regions: list) -> tuple[list, Title | None, list[Line]]:
    """The blocks of a part of the outline from its terminals (grammars/report.lark): a PARA, TABLE or CHROME
    terminal is a run of lines, ``lines[tok.start_pos:tok.end_pos]``."""
    blocks: list = []
    title = None
    chrome: list[Line] = []
    for tok in toks:
        kind = tok.type
        if kind == "PARA":
            a, b = tok.start_pos, tok.end_pos       # (most paragraphs are one line: no slice, no map)
            blocks.append(new_paragraph((lines[a][1],) if b == a + 1 else tuple(map(_LINE, lines[a:b]))))
        elif kind == "TABLE":
            run = lines[tok.start_pos:tok.end_pos]
            blocks.append(TableRegion(tuple(map(_LINE, run))))
            out_regions.append(run)
        elif kind == "CHROME":
            chrome.extend(map(_LINE, lines[tok.start_pos:tok.end_pos]))
        elif kind == "TITLE":
            t = _title(tok, lines, blocks)
            if title is None:
                title = t
                if blocks and t.span.line < tok.line:
                    blocks.pop()
            else:
                blocks.append(Paragraph((_line(tok, lines),)))
        elif kind in _HEADING_KINDS:
            line = _line(tok, lines)
            f = folded(line.text)
            m = _HEADING_NUM.match(f)
            num = (cn_number(m.group(1)) if m and not m.group(1).isdigit() else int(m.group(1)) if m else None)
            blocks.append(Heading(_HEADING_KINDS[kind], line.text.strip(" #\u3000\u00a0*"), line.span(), num))
    return blocks, title, chrome


def _first_difference(a: str, b: str) -> int:
    """The index of the first character where two equally long, different texts differ (compared a block at a
    time: the first Traditional character can be far into a long report)."""
    i, step, end = 0, 256, min(len(a), len(b))
    while i < end and a[i:i + step] == b[i:i + step]:
        i += step
    return next(j for j in range(i, min(i + step, end)) if a[j] != b[j])


def _fold_traditional(source: Source) -> tuple[Source, Diagnostic | None]:
    """The source with Traditional characters read as Simplified (one for one), and the note saying so."""
    text, changed, traditional = to_simplified(source.text)
    if not changed:
        return source, None
    folded_source = replace(source, text=text, original=source.excerpt_text)
    if not traditional:
        return folded_source, None
    first = _first_difference(source.text, text)
    line = source.text.count("\n", 0, first) + 1
    column = first - (source.text.rfind("\n", 0, first) + 1) + 1
    return folded_source, Diagnostic.at(
        Span.point(line, column), path=source.path, code="GK027", name="traditional-characters",
        severity=Severity.INFO, message=f"报告使用繁体字（{changed} 个字，如“{source.text[first]}”）：已按简体字识别标题、"
                                        "表格和用语，位置不变；正式发布的报告一般应使用规范汉字（简体）")


def build(source: Source) -> Parsed:
    source, hant_note = _fold_traditional(source)
    problems = list(source.problems) + ([hant_note] if hant_note else [])
    physical = source.text.split("\n")
    lines, tree = parse_outline(source.text, physical)
    text_lines = tuple(physical)
    front_regions: list = []
    front, title, chrome = _blocks(tree.children[0].children, lines, front_regions)
    if title is None and (joined := _joined_title(front)) is not None:
        title, taken = joined
        front = front[taken:]
    regions: list[tuple[int | None, list]] = [(None, r) for r in front_regions]
    sections: list[Section] = []
    sec_trees = [c for c in tree.children[1:] if isinstance(c, Tree)]
    for i, st in enumerate(sec_trees):
        head = st.children[0]
        line = _line(head, lines)
        f = folded(line.text)
        hm = match_section_heading(f)   # folding drops tabs: a tab-separated heading row matches as well
        sec_regions: list = []
        blocks, _t, ch = _blocks(st.children[1:], lines, sec_regions)
        chrome.extend(ch)
        regions.extend((hm.number if hm else None, r) for r in sec_regions)
        nxt = sec_trees[i + 1].children[0].line - 1 if i + 1 < len(sec_trees) else len(text_lines)
        text = line.text.strip(" #\u3000\u00a0*\t")
        lead = len(line.text) - len(line.text.lstrip(" #\u3000\u00a0*\t"))
        sections.append(Section(hm.number if hm else None, hm.numeral if hm else None, text,
                                line.span(lead, len(line.text.rstrip(" \u00a0\u3000*\t"))), hm.canonical if hm else False,
                                hm.alias if hm else False, tuple(blocks), nxt))

    # tables: a region belongs to the table of its section (二/三/四), otherwise to the table its labels vote for
    by_table: dict[str, list[Piece]] = {"t2": [], "t3": [], "t4": []}
    table_section: dict[str, int | None] = {}
    for number, region in regions:
        ps = pieces_of(region, source.exact_rows)
        tid = {2: "t2", 3: "t3", 4: "t4"}.get(number or 0)
        if tid is None:
            votes = table_votes(ps)
            best = max(votes, key=votes.get)
            if votes[best] < 2:
                continue
            tid = best
        by_table[tid].extend(ps)
        table_section.setdefault(tid, number)
    tables, version, signals = align_tables(by_table, table_section)
    flat_notes, cutoffs, flats = _flattened_tables(tables, sections)

    pub = pub_span = None
    for cl in chrome:
        m = _DATE.search(cl.text)
        if m:
            pub = (int(m.group(1)), int(m.group(2)), int(m.group(3)))
            pub_span = cl.span(m.start(), m.end())
            break

    chrome = [c for c in chrome if c.line not in source.meta_lines]   # the page's own metadata is not pasted chrome
    report = Report(source.path, source.text, source.encoding, text_lines, title, tuple(front),
                    tuple(sections), tables, version, signals, tuple(chrome), pub, pub_span,
                    _truncation(sections, text_lines, tables))
    problems.extend(_parse_problems(report, source, flat_notes, flats))
    for tid, (span, what) in cutoffs.items():
        problems.append(Diagnostic.at(span, path=report.path, code="GK018", name="too-ambiguous-to-check",
                                      severity=Severity.WARNING,
                                      message=f"第{'二三四'[int(tid[1]) - 2]}部分统计表连在一起的数字{'、'.join(what)}"
                                              "可能的拆法太多，超出了检查的上限，这些单元格未拆分、未检查；"
                                              "请用分隔的表格（制表符或表格格式）提供该表"))
    return Parsed(report, problems, source)


def _flattened_tables(tables: dict[str, Table], sections: list[Section]):
    """Tables 二/三/四 found only as run-together text: recover what the template's sums allow.

    Returns the notes per recovered table, per table where and which runs the bounded split search gave up on
    (GK018), and per table looked for what ``flattened_table`` gave (``_parse_problems`` asks again)."""
    notes: dict[str, list[str]] = {}
    cutoffs: dict[str, tuple[Span, list[str]]] = {}
    flats: dict[str, Paragraph | None] = {}
    for tid, num in (("t2", 2), ("t3", 3), ("t4", 4)):
        t = tables.get(tid)
        if t is None or t.found:        # (the usual case: the section is not looked for)
            continue
        sec = next((s for s in sections if s.number == num), None)
        if sec is None:
            continue
        p = flats[tid] = flattened_table(sec)
        if p is None:
            continue
        tdef = load_template(t.template or "2021").tables[tid]
        new, ns, resolved = align_flattened(tdef, p, num)
        cut = [n.replace(CUT_OFF, "") for n in ns if n.endswith(CUT_OFF)]
        if cut:
            cutoffs[tid] = (p.span, cut)
        if new.found:
            tables[tid] = new_table(tid, t.template, new.rows, new.span, num, (), tuple(["flattened", *ns]))
            notes[tid] = (ns, resolved)
    return notes, cutoffs, flats


_SENTENCE_END = tuple("。！？；;.!?…”）)】")


def truncation(report: Report) -> Span | None:
    """Where a report that stops early stops, or None.

    A report is taken as cut off (a stored web page or a file that ends early) when sections are missing at
    its end and either two or more are missing, or its last table lacks its final rows, or its last line
    stops mid-sentence. A complete report that merely lacks 六 is not cut off: that is GK103's business.
    """
    return _truncation(report.sections, report.lines, report.tables)


def _truncation(sections, lines, tables: dict[str, Table]) -> Span | None:
    """``truncation`` of a report from its parts (the builder asks before the Report is made)."""
    if not sections:
        return None
    last = max((s.number or 0) for s in sections)
    if last >= 6:
        return None
    end = len(lines)
    while end > 1 and not lines[end - 1].strip():
        end -= 1
    if 6 - last >= 2 or any(t.found and not t.rows[-1].present for t in tables.values()) \
            or not (lines[end - 1].strip() if lines else "").endswith(_SENTENCE_END):    # (the cheap test first)
        return Span(end, 1, end, len(lines[end - 1]) + 1)
    return None


def is_legacy(report: Report) -> bool:
    """A report for 2018 or earlier: the pre-2019 regime, out of scope for the current format's rules."""
    return report.year is not None and report.year <= 2018


def _parse_problems(report: Report, source: Source, flat_notes=None, flats=None) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    path = report.path
    if source.encoding == "gb18030":
        out.append(Diagnostic.at(Span.point(1, 1), path=path, code="GK004", name="decoded-as-gb18030",
                                 severity=Severity.INFO,
                                 message="文件不是 UTF-8 编码，已按 GB18030（GBK）解码；发布到网页前建议另存为 UTF-8"))
    if not source.text or source.text.isspace():       # (``not text.strip()``, without a copy of the text)
        return out
    if not report.sections and report.title is None and not any(t.found for t in report.tables.values()):
        out.append(Diagnostic.at(Span.point(1, 1), path=path, code="GK005", name="no-report-structure",
                                 severity=Severity.ERROR,
                                 message="未识别出年度报告的结构（没有标题、六个部分的标题或统计表），请确认文件是政府信息公开工作年度报告"))
        return out
    if is_legacy(report):
        out.append(Diagnostic.at(report.title.span if report.title else Span.point(1, 1), path=path, code="GK006",
                                 name="legacy-format", severity=Severity.INFO,
                                 message=f"这是 {report.year} 年度的报告，适用 2008 年施行的旧条例，不按现行年报格式检查"))
        return out
    if report.truncated_at is not None:
        last = max((s.number or 0) for s in report.sections)
        missing = "、".join("一二三四五六"[n - 1] for n in range(last + 1, 7))
        cut_tables = [f"表{'二三四'[int(t.id[1]) - 2]}" for t in report.tables.values() if t.found and not t.rows[-1].present]
        what = f"第{missing}部分" + (f"和{'、'.join(cut_tables)}的后面各行" if cut_tables else "")
        out.append(Diagnostic.at(report.truncated_at, path=path, code="GK012", name="report-truncated",
                                 severity=Severity.WARNING,
                                 message=f"报告在第 {report.truncated_at.line} 行中断，缺少{what}：像是不完整的网页或文件，"
                                         "请核对原文；缺少的部分不再逐项报告"))
    for tid, num, name in (("t2", 2, "二"), ("t3", 3, "三"), ("t4", 4, "四")):
        t = report.tables.get(tid)
        if flat_notes and tid in flat_notes and t is not None:
            ns, resolved = flat_notes[tid]
            how = {"t2": "只读出了能唯一拆分的单元格",
                   "t3": "已按每行“总计 = 各列之和”拆分，因此无法再核对行合计",
                   "t4": "已按每组“总计 = 四种结果之和”拆分，因此无法再核对各组总计"}[tid]
            if resolved:
                how += f"；{'、'.join(f'“{x}”' for x in resolved)}还用了列的勾稽关系才能确定，这几列的勾稽关系也无法再核对"
            rest = "；" + "；".join(ns) + "，这些单元格无法确定，未检查" if ns else ""
            out.append(Diagnostic.at(t.span, path=path, code="GK011", name="table-cells-run-together",
                                     severity=Severity.WARNING if ns else Severity.INFO,
                                     message=f"第{name}部分的统计表单元格连在一起（网页抓取），{how}{rest}"))
            continue
        if t is None or t.found:        # (the usual case: the section is not looked for)
            continue
        sec = report.section(num)
        if sec is None:
            continue
        # the section's run-together line as ``_flattened_tables`` found it (the same table and section)
        flat = flats[tid] if flats is not None and tid in flats else flattened_table(sec)
        digits = [flat] if flat is not None else []
        if digits:
            out.append(Diagnostic.at(digits[0].span, path=path, code="GK011", name="table-cells-run-together",
                                     severity=Severity.WARNING,
                                     message=f"第{name}部分的统计表单元格连在一起（如“{max(re.findall(r'[0-9]+', digits[0].text), key=len)}”），"
                                             "无法可靠地拆分为各个单元格，表格未检查"))
        elif region_lines := [b for b in sec.blocks if isinstance(b, TableRegion)
                              and sum(1 for l in b.lines if _NUMBER_FIELD.search(l.text)) >= 3]:
            out.append(Diagnostic.at(region_lines[0].span, path=path, code="GK010", name="table-not-aligned",
                                     severity=Severity.WARNING,
                                     message=f"第{name}部分有表格内容，但无法与模板的行标签对齐，表格未检查"))
    return out
