"""Check kinds for consistency between the narrative, the tables, the years and the dates (GK5xx).

The narrative is read clause by clause: paragraph text is folded (NFKC, spaces and quotes removed, see
``textnorm.fold``), split at 。；;！？ (never matched across them), and every match is mapped back to the line and
column of the original file. Each pattern needs an explicit subject bound to the number (``收到…申请 N 件``,
``制发行政规范性文件 N 件``); a clause that is ambiguous — a subset of applicants, another year, 提案/复议 mixed
with 申请, a list joined with 等 — is skipped. When the table cell a claim is compared with is missing, blank or
the table was not found, the claim is skipped silently (the table rules report those cells).

Kinds:

* ``text_vs_cell``        — one named claim set (option ``claims``) compared with cells of tables 二/三/四;
* ``period_year``         — the statistical period (…年1月1日至12月31日) against the title year;
* ``stray_years``         — years outside Y-1…Y+1 used as the time of a work statement (copy-paste smell);
* ``publication_deadline``— the page's publication date against 条例第四十九条;
* ``parts_claim``         — a preamble that announces 六部分 while sections are missing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from itertools import repeat
from typing import Callable, Iterable, Iterator, NamedTuple

from ...diagnostics import Severity, Span
from ...model import NUMBER, UNSPLIT, Heading, Paragraph, Report, Table
from ...model.nodes import new_line, new_paragraph
from ...textnorm import cn_number, fold, folded, folded_join
from . import Finding, Opt, kind, lazy_re, per_object
from .structure import numeral
from .table_shape import cell_name, col_label, row_label, statistical_year

# ----------------------------------------------------------------------------------------------------------
# Text units and clauses
# ----------------------------------------------------------------------------------------------------------


class Clause(NamedTuple):
    """One clause of narrative text (between 。；;！？), folded, with a map back to the original text (a tuple:
    a report has hundreds)."""

    f: str                  # folded text; 《…》 contents masked with □ (same length)
    at: int                 # where ``f`` starts in the folded text of the whole unit
    unit: Paragraph
    section: int | None     # the template section the text is in (None: preamble)
    topic: str              # folded text of the sub-heading / inline （二）… the clause falls under
    first: bool = False     # the first clause of its paragraph or heading

    def _orig(self, a: int, b: int) -> tuple[int, int]:
        """Indexes in the unit's text of folded characters ``a`` and ``b - 1`` (the map is made only for a
        finding: most clauses are matched and never located)."""
        idx = fold(self.unit.text)[1]
        mine = range(self.at, self.at + len(self.f))     # indexed like the clause's own map (IndexError past it)
        return idx[mine[a]], idx[mine[max(b, a + 1) - 1]]

    def span(self, a: int, b: int) -> Span:
        """Span of folded characters [a, b) in the original file."""
        i, j = self._orig(a, b)
        l1, o1 = self.unit.locate(i)
        l2, o2 = self.unit.locate(j)
        return Span(l1.line, l1.column + o1, l2.line, l2.column + o2 + 1)

    def quote(self, a: int, b: int, limit: int = 60) -> str:
        """The original text of folded characters [a, b), whitespace folded, shortened in the middle."""
        i, j = self._orig(a, b)
        text = self.unit.text[i:j + 1]
        text = re.sub(r"\s+", " ", text).strip()
        if len(text) > limit:
            text = text[: limit // 2] + "……" + text[-(limit // 2):]
        return text

    def subclause_start(self, a: int) -> int:
        """Folded index where the comma-delimited sub-clause containing ``a`` begins."""
        return max(self.f.rfind(",", 0, a), self.f.rfind(":", 0, a)) + 1

    def subclause_end(self, b: int) -> int:
        ends = [i for i in (self.f.find(",", b), self.f.find(":", b)) if i >= 0]
        return min(ends) if ends else len(self.f)


# A clause ends at 。；！？ (folded: 。;!?) and at a full stop that is not a decimal point: this pattern (its two
# cases share one '.', which scans ~1.6x faster than a branch for each)
_FULL_STOP = lazy_re(r"\.(?:(?<!\d\.)|(?!\d))")
_BOOK = lazy_re(r"《[^《》]*》")
_INLINE_TOPIC = lazy_re(r"^\(([一二三四五六七八九十]{1,2})\)")


def _mask_books(f: str) -> str:
    """Replace the contents of 《…》 by □ so that titles of documents never match (offsets unchanged)."""
    if "《" not in f:
        return f                             # no title at all: most units
    return _BOOK.sub(lambda m: "《" + "□" * (len(m.group(0)) - 2) + "》", f)


def _heading_unit(report: Report, h: Heading) -> Paragraph | None:
    """The heading's text as a unit, located in its line (the span may include Markdown marks such as ###)."""
    line = report.lines[h.span.line - 1] if 0 < h.span.line <= len(report.lines) else ""
    start = line.find(h.text, max(h.span.column - 1, 0))
    if start < 0 or not h.text:
        return None
    return new_paragraph((new_line(h.text, h.span.line, start + 1),))    # = Paragraph((Line(...),)), faster


def _units(report: Report) -> Iterator[tuple[int | None, Paragraph | None, str | None]]:
    """(section number, unit, heading text) for the preamble and every section, in document order."""
    for b in report.preamble:
        if isinstance(b, Paragraph) and b.lines:
            yield None, b, None
    for s in report.sections:
        for b in s.blocks:
            if isinstance(b, Paragraph) and b.lines:
                yield s.number, b, None
            elif isinstance(b, Heading):
                yield s.number, _heading_unit(report, b), b.text


@per_object
def clauses(report: Report) -> tuple[Clause, ...]:
    """All clauses of the report's narrative (made once per report)."""
    out: list[Clause] = []
    topic = ""
    current_section: object = object()
    for number, unit, heading in _units(report):
        if number != current_section:
            current_section, topic = number, ""
        is_heading = heading is not None
        if is_heading:
            topic = _mask_books(folded(heading))[:30]
        if unit is None:
            continue
        f = _mask_books(folded_join(l.text for l in unit.lines))   # = folded(unit.text); its lines are folded already
        # every clause end is one character, so the pieces between them (one split, no match objects) and their
        # lengths give each clause's place: the other ends are made 。 first (one character for one: the pieces
        # are the same), ;!? by str.replace (a plain scan, several times faster than the pattern's) and only a
        # full stop that is not a decimal point by the pattern
        start = 0
        f2 = f.replace(";", "。").replace("!", "。").replace("?", "。")    # (each gives its text back when absent)
        if "." in f2:
            f2 = _FULL_STOP.sub("。", f2)
        for piece in f2.split("。"):
            if piece:
                if not is_heading and piece[0] == "(" and _INLINE_TOPIC.match(piece):   # it starts with ^\(
                    topic = piece[:30]             # （二）依申请公开方面… written inside a paragraph
                out.append(_new_clause(Clause, (piece, start, unit, number, topic, start == 0)))
            start += len(piece) + 1
    return tuple(out)


_new_clause = tuple.__new__      # Clause(...) without the named tuple's Python-level __new__ (hundreds per report)


# ----------------------------------------------------------------------------------------------------------
# Numbers, years and cells
# ----------------------------------------------------------------------------------------------------------

# a count as written: 749 / 1,234 / 三 / 十二 (folded text, so full-width digits are already ASCII)
NUM = r"(?<![\d零〇一二两三四五六七八九十])(?P<n>\d{1,3}(?:,\d{3})+(?!\d)|\d+|[零〇一二两三四五六七八九十]{1,3})"


def to_int(s: str) -> int | None:
    s = s.replace(",", "")
    if s.isdigit():
        return int(s) if len(s) <= 15 else None   # not a count (and int() of 5,000 digits raises)
    if s in ("零", "〇"):
        return 0
    return cn_number(s.replace("两", "二"))


def report_year(report: Report) -> int | None:
    return report.year or statistical_year(report)


_YEAR_IN_TEXT = lazy_re(r"(?<!\d)((?:19|20)\d{2})年")


def other_year_before(c: Clause, a: int, year: int | None) -> bool:
    """True when the clause, before position ``a``, dates its statement to a year other than the report's."""
    if year is None:
        return False
    return any(int(m.group(1)) != year for m in _YEAR_IN_TEXT.finditer(c.f, 0, a))


@dataclass(frozen=True)
class CellRef:
    """A cell (or a sum of cells) of a table, with a description for messages."""

    value: int
    name: str       # “…”行“…”列 / “…”各行“总计”列之和
    lines: str      # 第 57 行 / 第 61–68 行


def _int_value(c) -> int | None:
    if c is None or c.kind != NUMBER or c.value is None:
        return None
    v = c.value
    if isinstance(v, Decimal):
        if v != v.to_integral_value():
            return None
        v = int(v)
    return v


def _lines_text(lines: list[int]) -> str:
    lines = sorted(set(lines))
    if not lines:
        return ""
    if len(lines) == 1:
        return f"第 {lines[0]} 行"
    return f"第 {lines[0]}–{lines[-1]} 行"


def cell_total(report: Report, table: str, rows: list[str], col: str) -> int | None:
    """The sum of ``col`` over ``rows`` of ``table``; None when the table, a row or a cell is unusable. Without
    the name and lines a finding quotes (``cell_sum``): what a claim set asks first, to know whether any claim can
    contradict the table (most reports make none)."""
    t: Table | None = report.tables.get(table)
    if t is None or not t.found:
        return None
    total = 0
    for rid in rows:
        v = _int_value(t.cell(rid, col))
        if v is None:
            return None
        total += v
    return total


def cell_sum(report: Report, table: str, rows: list[str], col: str, name: str | None = None) -> CellRef | None:
    """The sum of ``col`` over ``rows`` of ``table``; None when the table, a row or a cell is unusable."""
    total = cell_total(report, table, rows, col)
    if total is None:
        return None
    t = report.tables[table]
    lines = [c.line for c in map(t.cell, rows, repeat(col)) if c.line]
    if name is None:
        if len(rows) == 1:
            name = cell_name(t, rows[0], col)
        else:
            name = "、".join(f"“{row_label(t, r)}”" for r in rows) + f"行“{col_label(t, col)}”列之和"
    return CellRef(total, name, _lines_text(lines))


def _cut_values(digits: str, k: int, j: int) -> set[int]:
    """Every value column ``j`` can take when ``digits`` is cut into ``k`` numbers without leading zeros."""
    out: set[int] = set()

    def walk(pos: int, col: int, got: int | None) -> None:
        if col == k:
            if pos == len(digits) and got is not None:
                out.add(got)
            return
        left = k - col - 1
        for end in range(pos + 1, len(digits) - left + 1):
            piece = digits[pos:end]
            if len(piece) > 1 and piece[0] == "0":
                break
            walk(end, col + 1, int(piece) if col == j else got)

    if digits.isdigit() and len(digits) <= 24:
        walk(0, 0, None)
    return out


def unsplit_values(report: Report, table: str, row: str, col: str) -> tuple[str, int | None, set[int]] | None:
    """For a row whose digits were run together (kind unsplit): its raw digits, line, and the possible values of
    ``col``; None for any other cell."""
    t = report.tables.get(table)
    r = t.row(row) if t else None
    c = r.cell(col) if r else None
    if c is None or c.kind != UNSPLIT or not c.raw:
        return None
    cols = [x.col for x in r.cells]
    return c.raw, c.line, _cut_values(c.raw, len(cols), cols.index(col))


def _rows_of(report: Report, table: str, prefix: str) -> list[str]:
    """Data rows of a group, e.g. 3.3 → 3.3.1 … 3.3.8 (2019 template: 3.6 is a single row)."""
    t = report.tables.get(table)
    if t is None:
        return []
    subs = [r.id for r in t.rows if r.id.startswith(prefix + ".")]
    if subs:
        return subs
    return [prefix] if t.row(prefix) is not None else []


def _finding(c: Clause, a: int, b: int, ref: CellRef | None, message: str | None = None,
             severity: Severity | None = None, at: tuple[int, int] | None = None, **params) -> Finding:
    """A finding quoting clause text [a, b); it points at ``at`` (the number in the text) when given."""
    p = {"quote": c.quote(a, b)}
    if ref is not None:
        p.update({"cell": ref.name, "value": ref.value, "cell_line": ref.lines})
    p.update(params)
    return Finding(c.span(*(at or (a, b))), p, message=message, severity=severity)


# words that make a clause about something other than information-disclosure applications
_NOT_APPLICATIONS = r"复议|诉讼|投诉|举报|信访|提案|建议|咨询|来信|来电|留言|诉求|求助|许可|审批|政务服务|办件|热线|12345|意见|异议"
# channels of submission (“通过邮寄、网络提交的各类申请” lists them all; “网上申请 N 件” is a subset)
_CHANNEL = r"网上|网络|线上|线下|书面|当面|信函|邮寄|传真|电子邮件|纸质|现场|电话|邮件"
# words that restrict a statement to a subset (of applicants, channels, units or time)
_SUBSET = (r"自然人|法人|组织|企业|机构|律师|个人|境外|外籍|" + _CHANNEL + r"|"
           r"本级|部分|个别|其余|其他|其它|下属|所属|有的|少数|除|部门|镇街|乡镇|街道|区直|县直|市直|"
           r"季度|上半年|下半年|月份|\d{1,2}-\d{1,2}月|涉及|关于")
_GIP = lazy_re(r"信息公开|依申请|政务公开|公开申请|申请公开")


_OTHER_UNIT = lazy_re(r"(?<![我本该])(?:局|委员会|办公室|办公厅|中心|部门)")


def other_unit_subject(report: Report, c: Clause, a: int) -> bool:
    """In a report that may consolidate several agencies (a 人民政府 or an agency of unclear kind), a statement
    whose subject is one unit (“县政府办公室未收到…”) is not about the whole table."""
    ak = agency_kind(report)
    if ak is not None and ak[0] != "government":
        return False
    return bool(_OTHER_UNIT.search(c.f, 0, a))


def _application_context(c: Clause) -> bool:
    """The clause is about information-disclosure applications: it says 申请, or sits under a 依申请公开 heading."""
    return "申请" in c.f or "申请" in c.topic or c.section == 3


def _gip_context(c: Clause, topic: bool = False) -> bool:
    """The clause itself is about information disclosure (not the agency's own 行政复议 business, e.g. a 司法局),
    or it sits in section 四 or under a sub-heading about 复议/诉讼. With ``topic``, a 依申请公开 sub-heading is
    enough (for “无行政复议、行政诉讼”, which no agency writes about its own 复议 business)."""
    return bool(_GIP.search(c.f) or c.section == 4 or "复议" in c.topic or "诉讼" in c.topic
                or (topic and _GIP.search(c.topic)))


# ----------------------------------------------------------------------------------------------------------
# Claim sets for ``text_vs_cell``
# ----------------------------------------------------------------------------------------------------------

ClaimSet = Callable[[object, Report, Iterable[Clause]], Iterator[Finding]]
CLAIM_SETS: dict[str, ClaimSet] = {}


def claim_set(name: str):
    def deco(func):
        CLAIM_SETS[name] = func
        return func
    return deco


# 未收到/没有收到/未发生 … 政府信息公开申请 / 依申请公开
_NONE_APP = lazy_re(
    r"(?P<neg>尚未|均未|未曾|从未|未|没有|没|无)"
    r"(?P<verb>收到|接到|接收到|接收|受理|发生)?"
    r"(?P<gap>[^,:]{0,20}?)"
    r"(?P<obj>政府信息公开申请|信息公开申请|公开申请|申请公开|依申请公开|公开[^,:]{0,6}?的?申请)")
_NONE_GAP_BAD = lazy_re(_NOT_APPLICATIONS + r"|" + _SUBSET + r"|另|再|新|重复|上年|去年|往年|费|违法|违规|超期|逾期|不予|\d")
_NONE_PRE_BAD = lazy_re(_NOT_APPLICATIONS + r"|" + _SUBSET + r"|上年|去年|往年")
_NONE_REST_BAD = lazy_re(r"复议|诉讼|费|投诉|被|纠错|答复|超期|逾期|延期|不规范|不当|违法|违规|问题|纠纷|争议|\d+件")


@claim_set("applications_none")
def _applications_none(rule, report, cls):
    """“未收到政府信息公开申请” while 表三“本年新收”总计 > 0."""
    if (new := cell_total(report, "t3", ["1"], "total")) is None or new <= 0:
        return                               # nothing received: no none-claim can contradict the table
    year = report_year(report)
    for c in cls:
        if "申请" not in c.f or not ("未" in c.f or "没" in c.f or "无" in c.f):
            continue                         # _NONE_APP needs 申请 and a 未/没/无 (cheap tests before the scan)
        for m in _NONE_APP.finditer(c.f):
            if m.group("verb") in (None, "发生") and m.group("gap"):
                continue                     # bare 无/没有 and 未发生 must be followed by the object itself
            if _NONE_GAP_BAD.search(m.group("gap")) or _NONE_PRE_BAD.search(c.f[c.subclause_start(m.start()):m.start()]):
                continue
            if _NONE_REST_BAD.search(c.f[m.end():c.subclause_end(m.end())]):
                continue
            if other_year_before(c, m.start(), year) or other_unit_subject(report, c, m.start()):
                continue
            ref = cell_sum(report, "t3", ["1"], "total")
            if ref is not None and ref.value > 0:
                yield _finding(c, m.start(), m.end(), ref)
            break


# 共收到…申请 N 件 / 受理政府信息公开申请 N 件 / 共收到 N 件申请 / 收到 N 份政府信息公开申请
_RECV_VERBS = ("新收", "收到", "受理", "接收", "接到", "收悉")
_RECV = r"(?P<verb>" + "|".join(_RECV_VERBS) + ")"
_COUNT_GLUE = r"(?:共计|合计|总计|总数为|数量为|数量|共|计|为|达)?"
_RECV_A = lazy_re(_RECV + r"(?P<obj>[^,:]{0,24}?(?:申请(?:事项)?|依申请公开(?:事项)?|申请公开))"
                     + _COUNT_GLUE + NUM + r"(?P<unit>件|份|宗|项)")
_RECV_B = lazy_re(_RECV + r"了?" + _COUNT_GLUE + NUM + r"(?P<unit>件|份|宗|项)(?P<obj>[^,:]{0,12}?申请)")
_RECV_BAD = lazy_re(_NOT_APPLICATIONS + r"|" + _SUBSET + r"|结转|上年|去年|其中|\d|等|办结|办理|答复|处理|回复")
_RECV_ALL = lazy_re(r"各类|各种|所有|全部")


@claim_set("applications_count")
def _applications_count(rule, report, cls):
    """“共收到…申请 N 件” against 表三“本年新收”总计 (or 新收 + 上年结转, when the text or the sum says so)."""
    if cell_total(report, "t3", ["1"], "total") is None:
        return                               # no count to compare a claim with
    year = report_year(report)
    for c in cls:
        if "申请" not in c.f or not any(v in c.f for v in _RECV_VERBS):
            continue                         # both patterns need one of the verbs and an object saying 申请
        seen = set()
        for rx in (_RECV_A, _RECV_B):
            for m in rx.finditer(c.f):
                obj = m.group("obj")
                probe = re.sub(_CHANNEL, "", obj) if _RECV_ALL.search(obj) else obj   # “通过邮寄、网络…的各类申请”
                if m.start() in seen or _RECV_BAD.search(probe) or "申请" not in obj:
                    continue
                if "公开" not in obj and not ("公开" in c.f or "依申请" in c.topic):
                    continue
                pre = c.f[c.subclause_start(m.start()):m.start()]
                if re.search(r"(?:未|没有|无)$", pre) or re.search(_SUBSET, pre) or other_year_before(c, m.start(), year) \
                        or other_unit_subject(report, c, m.start()):
                    continue
                n = to_int(m.group("n"))
                if n is None:
                    continue
                seen.add(m.start())
                new = cell_sum(report, "t3", ["1"], "total")
                if new is None or n == new.value:
                    continue
                both = cell_sum(report, "t3", ["1", "2"], "total")
                if m.group("verb") != "新收" and both is not None and n == both.value:
                    continue                                  # 收到 = 新收 + 上年结转
                if both is not None and both.value != new.value and m.group("verb") != "新收":
                    yield _finding(c, m.start(), m.end(), new, message="with_carry", at=m.span("n"), n=n, both=both.value,
                                   both_cell=both.name, both_line=both.lines)
                else:
                    yield _finding(c, m.start(), m.end(), new, at=m.span("n"), n=n)


# 结转下年度 N 件 / N 件结转下年度 / 顺延到下年度 / 结转至2026年6件 / 无下年度结转
_NEXT = r"(?P<when>下一?年度?|下年|次年|明年|(?P<y>(?:19|20)\d{2})年度?)"
_CARRY_A = lazy_re(r"(?:结转|顺延|转入)(?:至|到|入)?" + _NEXT + r"(?:继续办理|继续处理|办理|处理|答复)?的?(?:申请)?"
                      + _COUNT_GLUE + NUM + r"件")
_CARRY_B = lazy_re(NUM + r"件(?P<gap>[^,:]{0,12}?)(?:结转|顺延|转入)(?:至|到|入)?" + _NEXT)
_CARRY_ZERO = lazy_re(r"(?:无|没有|不存在)(?:需要?)?(?:结转(?:至|到)?(?:下一?年度?|下年|次年|明年)|(?:下一?年度?|下年)结转)")
_CARRY_BAD = lazy_re(r"提案|建议|复议|诉讼|资金|项目|经费|预算|上年结转|去年结转")


@claim_set("carry_over")
def _carry_over(rule, report, cls):
    """“结转下年度 N 件” against 表三“四、结转下年度继续办理”总计."""
    if cell_total(report, "t3", ["4"], "total") is None:
        return                               # no count to compare a claim with
    year = report_year(report)
    for c in cls:
        if not _application_context(c) or not ("结转" in c.f or "顺延" in c.f or "转入" in c.f):
            continue                         # every pattern below says one of these verbs
        found = []
        for rx in (_CARRY_A, _CARRY_B):
            for m in rx.finditer(c.f):
                if _CARRY_BAD.search(c.f[c.subclause_start(m.start()):c.subclause_end(m.end())]):
                    continue
                if m.groupdict().get("gap") and re.search(r"\d|申请[^,]*申请", m.group("gap")):
                    continue
                y = m.group("y")
                if y and (year is None or int(y) != year + 1):
                    continue
                n = to_int(m.group("n"))
                if n is not None:
                    found.append((m.start(), m.end(), n, m.span("n")))
        for m in _CARRY_ZERO.finditer(c.f):
            if not _CARRY_BAD.search(c.f[c.subclause_start(m.start()):c.subclause_end(m.end())]):
                found.append((m.start(), m.end(), 0, None))
        for a, b, n, at in sorted(found)[:1]:
            if other_year_before(c, a, year):
                continue
            ref = cell_sum(report, "t3", ["4"], "total")
            if ref is not None and ref.value != n:
                yield _finding(c, a, b, ref, at=at, n=n)


# 所有申请均已办结 / 依申请公开事项已全部办结 / 申请均已按时答复
_ALL_DONE = lazy_re(
    r"(?P<subj>申请(?:公开)?(?:件|事项|案件)?)(?P<adv>均已|均|全部已|已全部|全部|都已|都|一律)(?P<already>已)?"
    r"(?:按时|按期|依法|及时|依法依规|在法定期限内|在法定时限内|在规定时限内|在规定期限内)*(?:予以|作出|进行)?"
    r"(?P<done>办结|办理完毕|办理完成|完成办理|答复完毕|处理完毕|答复|回复)")
_ALL_DONE_BAD = lazy_re(_NOT_APPLICATIONS + r"|其余|其他|其它|除|部分|大部分|绝大部分|以外|结转|上年|去年|%")


@claim_set("all_done")
def _all_done(rule, report, cls):
    """“所有申请均已办结 / 按时答复” while 表三“结转下年度继续办理”总计 > 0."""
    if (carried := cell_total(report, "t3", ["4"], "total")) is None or carried == 0:
        return                               # nothing carried over: every all-done claim holds
    year = report_year(report)
    for c in cls:
        if "申请" not in c.f:
            continue                         # _ALL_DONE's subject is 申请…
        for m in _ALL_DONE.finditer(c.f):
            sub = c.f[c.subclause_start(m.start()):m.end()]
            if _ALL_DONE_BAD.search(sub) or other_year_before(c, m.start(), year) or other_unit_subject(report, c, m.start()):
                continue
            if m.group("done") in ("答复", "回复") and "已" not in m.group("adv") + (m.group("already") or ""):
                continue                 # “均在法定期限内答复” is about timeliness; carried ones may still be in time
            nums = [to_int(x) for x in re.findall(r"(\d+)件", sub)]
            ref = cell_sum(report, "t3", ["4"], "total")
            if ref is None or ref.value == 0:
                continue
            carried = cell_sum(report, "t3", ["2"], "total")
            if re.search(r"新收|本年度?收到|今年收到", sub) and (carried is None or ref.value <= carried.value):
                continue                 # “本年新收的申请均已办结”: the carried-over ones may be last year's
            if nums:
                both = cell_sum(report, "t3", ["1", "2"], "total")
                if both is None or nums[-1] != both.value:
                    continue                                 # “收到的 3 件申请均已答复”: about a subset
            a = c.subclause_start(m.start())
            yield _finding(c, a, m.end(), ref)
            break


# 无行政复议、行政诉讼 / 没有发生…行政复议案 / 未发生因政府信息公开引起的行政复议、行政诉讼
_NONE_LEGAL = lazy_re(r"(?P<neg>不存在|尚未|未曾|从未|均未|未|没有|没|无)(?!经|法|需|论|关|能|予|必|权)"
                         r"(?P<verb>发生|出现|收到|接到|涉及|产生|被)?(?P<gap>[^,:]{0,24}?)(?P<obj>行政复议|行政诉讼)")
_NONE_LEGAL_GAP_BAD = lazy_re(r"纠错|纠正|败诉|撤销|确认违法|其他|其它|另|再|重大|违法|违规|\d|审结|结案|告知|权利|可以|可依法|途径|渠道")
_NONE_LEGAL_REST_BAD = lazy_re(r"纠错|纠正|败诉|撤销|确认违法|被判|赔偿|审结|结案|\d+件")
# 行政复议 N 件 / 行政诉讼案件 N 件 / 行政复议、行政诉讼共 N 件
_LEGAL_COUNT = lazy_re(r"(?P<what>行政复议(?:[、和及与]|以及)(?:提起)?行政诉讼|行政复议|行政诉讼)"
                          r"(?:案件|案|申请)?" + _COUNT_GLUE + NUM + r"(?:件|起|宗|个)")
_LEGAL_PRE_BAD = lazy_re(r"未审结|尚未|结转|上年|去年|维持|纠正|纠错|败诉|胜诉|撤销|确认违法|各|其他|其它|"
                            r"收到|受理|办理|审理|承办|" + _SUBSET)          # 收到/办理行政复议: as the 复议机关
_T4_GROUPS = {"review": "行政复议", "litigation_direct": "行政诉讼（未经复议直接起诉）",
              "litigation_after_review": "行政诉讼（复议后起诉）"}


@claim_set("review_litigation")
def _review_litigation(rule, report, cls):
    """“无行政复议、行政诉讼” against 表四 (any non-zero cell); “行政复议 N 件”/“行政诉讼 N 件” against its totals."""
    year = report_year(report)
    count_sev = Severity.parse(rule.opt("count_severity")) if rule.opt("count_severity") else None
    t4 = report.tables.get("t4")
    if t4 is None or not t4.found:
        return
    for c in cls:
        if "行政" not in c.f:
            continue                                 # both patterns name 行政复议 or 行政诉讼
        done: set[int] = set()                       # sub-clauses already read for a none-claim
        for m in _NONE_LEGAL.finditer(c.f) if _gip_context(c, topic=True) else ():
            if c.subclause_start(m.start()) in done:
                continue
            if m.group("verb") is None and len(m.group("gap")) > 12:
                continue
            if _NONE_LEGAL_GAP_BAD.search(m.group("gap")):
                continue
            end = c.subclause_end(m.end())
            rest = c.f[m.end():end]
            if _NONE_LEGAL_REST_BAD.search(rest) or other_year_before(c, m.start(), year):
                continue
            covered = c.f[m.start("obj"):end]
            groups = []
            if "复议" in covered:
                groups.append("review")
            if "诉讼" in covered:
                groups += ["litigation_direct", "litigation_after_review"]
            bad = None
            for g in groups:
                for col in ("total", "upheld", "corrected", "other", "pending"):
                    v = _int_value(t4.cell(g, col))
                    if v:
                        bad = (g, col, v, t4.cell(g, col).line)
                        break
                if bad:
                    break
            done.add(c.subclause_start(m.start()))
            if bad:
                g, col, v, line = bad
                ref = CellRef(v, cell_name(t4, g, col), _lines_text([line] if line else []))
                what = "行政复议、行政诉讼" if len(groups) == 3 else ("行政复议" if groups == ["review"] else "行政诉讼")
                f = _finding(c, m.start(), m.end("obj"), ref, message="none", what=what)
                f.params["quote"] = c.quote(c.subclause_start(m.start()), end)
                yield f
        for m in _LEGAL_COUNT.finditer(c.f) if _gip_context(c) else ():
            pre = c.f[c.subclause_start(m.start()):m.start()]
            if _LEGAL_PRE_BAD.search(pre) or re.search(r"(?:未|没有|无)$", pre) or other_year_before(c, m.start(), year):
                continue
            n = to_int(m.group("n"))
            what = m.group("what")
            if n is None:
                continue
            if what == "行政复议":
                ref = cell_sum(report, "t4", ["review"], "total", name=cell_name(t4, "review", "total"))
            elif what == "行政诉讼":
                ref = cell_sum(report, "t4", ["litigation_direct", "litigation_after_review"], "total",
                               name="行政诉讼“未经复议直接起诉”与“复议后起诉”的“总计”之和")
            else:
                what = "行政复议和行政诉讼"
                ref = cell_sum(report, "t4", list(_T4_GROUPS), "total", name="表四三组“总计”之和")
            if ref is not None and ref.value != n:
                yield _finding(c, m.start(), m.end(), ref, message="count", severity=count_sev, at=m.span("n"),
                               n=n, what=what)


# 予以公开 N 件 / 部分公开 N 件 / 不予公开 N 件 / 无法提供 N 件 / 不予处理 N 件 / 其他处理 N 件;
# “予以公开及部分公开 42 件” is the sum of two rows.
_OUTCOMES = {"予以公开": "3.1", "部分公开": "3.2", "不予公开": "3.3", "无法提供": "3.4", "不予处理": "3.5",
             "其他处理": "3.6"}
_LBL = r"(?:(?<!不)予以公开|部分公开|不予公开|无法提供|不予处理|其他处理)"
_OUTCOME = lazy_re(r"(?P<labels>" + _LBL + r"(?:(?:及|和|与|、|或|加|\+)" + _LBL + r")*)"
                      r"(?:的|申请)?" + _COUNT_GLUE + NUM + r"(?P<unit>件|份|个|宗|项|条)")


@claim_set("outcomes")
def _outcomes(rule, report, cls):
    """Outcome counts in the text against 表三 rows 3.1, 3.2, Σ3.3.*, Σ3.4.*, Σ3.5.*, Σ3.6.* (总计 column)."""
    year = report_year(report)
    t3 = report.tables.get("t3")
    if t3 is None or not t3.found:
        return
    for c in cls:
        if not (_application_context(c) or c.section == 3):
            continue
        if ("主动公开" in c.f and "申请" not in c.f) or "提案" in c.f or "建议" in c.f:
            continue
        if not ("公开" in c.f or "提供" in c.f or "处理" in c.f):
            continue                         # every outcome label says one of these
        for m in _OUTCOME.finditer(c.f):
            pre = c.f[c.subclause_start(m.start()):m.start()]
            if re.search(r"上年|去年|结转", pre) or other_year_before(c, m.start(), year):
                continue
            labels = re.findall(_LBL, m.group("labels"))
            n = to_int(m.group("n"))
            if n is None or len(set(labels)) != len(labels):
                continue
            rows: list[str] = []
            for lab in labels:
                rows += _rows_of(report, "t3", _OUTCOMES[lab])
            if not rows:
                continue
            name = "、".join(f"“{row_label(t3, _OUTCOMES[lab])}”" for lab in labels)
            name += "行“总计”列" if len(rows) == 1 else "各行“总计”列之和"
            ref = cell_sum(report, "t3", rows, "total", name=name)
            if ref is not None and ref.value != n:
                yield _finding(c, m.start(), m.end(), ref, at=m.span("n"), n=n, what="、".join(labels))


# 制发/印发/出台 行政规范性文件 N 件; 废止规章 N 件; 现行有效行政规范性文件 N 件; 行政规范性文件现行有效 N 件
_DOC = r"(?P<doc>(?:行政)?规范性文件|政府规章|规章(?!制度))"
_NORM_VERB = r"(?P<verb>新制发|制发|印发|出台|制定|废止|宣布废止|现行有效)"
_NORM_A = lazy_re(_NORM_VERB + r"(?:了|的)?(?:(?:本年度?|年度|全年)(?:制发|印发|出台)?的)?" + _DOC
                     + _COUNT_GLUE + NUM + r"件")
_NORM_B = lazy_re(_DOC + r"(?P<gap>[^,:、]{0,4}?)" + _NORM_VERB + r"的?" + _COUNT_GLUE + NUM + r"件")
_NORM_MORE = lazy_re(r"[、和及与]" + _DOC + _COUNT_GLUE + NUM + r"件")
_NORM_BAD = lazy_re(r"累计|历年|以来|近[\d一二三四五六七八九十]+年|转发|名义|代拟|起草|参与|牵头|协助|联合|审核|备案|审查|"
                       r"征求意见|解读|上级|梳理出|对[^,]*(?:制发|现行有效|规范性文件|规章)")   # 对现行有效的…N件进行清理
_NORM_COL = {"新制发": "issued", "制发": "issued", "印发": "issued", "出台": "issued", "制定": "issued",
             "废止": "repealed", "宣布废止": "repealed", "现行有效": "valid"}


@claim_set("normative_documents")
def _normative_documents(rule, report, cls):
    """规章/行政规范性文件 制发、废止、现行有效 counts in the text against 表二 第二十条第（一）项."""
    year = report_year(report)
    t2 = report.tables.get("t2")
    if t2 is None or not t2.found:
        return
    for c in cls:
        if "件" not in c.f or "规" not in c.f:
            continue                                 # every claim is “…规章/规范性文件…N件”
        claims = []
        for rx in (_NORM_A, _NORM_B):
            for m in rx.finditer(c.f):
                sub = c.f[c.subclause_start(m.start()):m.end()]
                if _NORM_BAD.search(sub) or other_year_before(c, m.start(), year):
                    continue
                verb = m.group("verb")
                claims.append((m.span("n"), m.start(), m.end(), verb, m.group("doc"), m.group("n")))
                if rx is _NORM_A:                            # 制发规章 6 件、行政规范性文件 9 件
                    pos = m.end()
                    while (more := _NORM_MORE.match(c.f, pos)) is not None:
                        claims.append((more.span("n"), m.start(), more.end(), verb, more.group("doc"), more.group("n")))
                        pos = more.end()
        seen = set()
        for at, a, b, verb, doc, n in sorted(claims):
            if at in seen:
                continue
            seen.add(at)
            n = to_int(n)
            row = "rules" if "规章" in doc else "normative"
            col = _NORM_COL[verb]
            ref = cell_sum(report, "t2", [row], col)
            if n is not None and ref is not None and ref.value != n:
                yield _finding(c, a, b, ref, at=at, n=n)
            elif n is not None and ref is None:
                # digits run together by a crawler (“77132470”): report only a number no cut can give
                un = unsplit_values(report, "t2", row, col)
                if un is not None and un[2] and n not in un[2]:
                    yield _finding(c, a, b, None, message="unsplit", at=at, n=n, raw=un[0],
                                   cell=cell_name(t2, row, col), cell_line=_lines_text([un[1]] if un[1] else []))


@kind("text_vs_cell", options={
    "claims": Opt(str, required=True, doc="claim set: " + ", ".join(sorted(CLAIM_SETS))),
    "count_severity": Opt(str, "", doc="severity of numeric mismatches when the set also has none-claims"),
    "sections": Opt(list, [], doc="sections whose text is read (empty: preamble and all sections)"),
})
def check_text_vs_cell(rule, report: Report, ctx):
    """A statement in the narrative against the table cell it describes (claim sets: see CLAIM_SETS)."""
    if not report.tables:
        return
    wanted = set(rule.opt("sections") or [])
    cls = [c for c in clauses(report) if c.section in wanted] if wanted else clauses(report)
    yield from CLAIM_SETS[rule.opt("claims")](rule, report, cls)


def _validate_text_vs_cell(rule):
    if rule.opt("claims") not in CLAIM_SETS:
        raise ValueError(f"claims 只能是 {'、'.join(sorted(CLAIM_SETS))}")
    if rule.opt("count_severity"):
        Severity.parse(rule.opt("count_severity"))


check_text_vs_cell.validate = _validate_text_vs_cell


# ----------------------------------------------------------------------------------------------------------
# Years and dates
# ----------------------------------------------------------------------------------------------------------

# 2023年1月1日至12月31日 / 自2024年1月1日起至2024年12月31日止 / 2023年1月1日-2023年12月31日
_PERIOD = lazy_re(r"(?P<y1>(?:19|20)\d{2})年度?1月1日(?:起|零时)?(?:至|到|-|~|—)(?:(?P<y2>(?:19|20)\d{2})年)?12月31日")
_PERIOD_CONTEXT = lazy_re(r"统计|期限|期间|时段|时间段|数据|报告")


@kind("period_year")
def check_period_year(rule, report: Report, ctx):
    """The statistical period (YYYY年1月1日至12月31日) is the year in the title."""
    title_year = report.year
    if title_year is None:
        return
    for c in clauses(report):
        if c.section not in (None, 1) or "1月1日" not in c.f:
            continue                         # _PERIOD cannot match without its literal 1月1日
        for m in _PERIOD.finditer(c.f):
            if not _PERIOD_CONTEXT.search(c.f) and c.subclause_start(m.start()) != m.start():
                continue                                     # a date range in passing, not the report's period
            y1 = int(m.group("y1"))
            y2 = int(m.group("y2")) if m.group("y2") else y1
            if y1 == title_year and y2 == title_year:
                continue
            wrong = "y1" if y1 != title_year else "y2"
            yield Finding(c.span(m.start(wrong), m.end(wrong)),
                          {"quote": c.quote(m.start(), m.end()), "period_year": y1 if wrong == "y1" else y2,
                           "title_year": title_year, "title_line": report.title.span.line})


# a year used as the time of a statement: “2021 年，我局…”, “2021 年度共…”
_STRAY = lazy_re(r"(?:^|(?<=[,:]))(?P<y>(?:19|20)\d{2})年度?(?=,|我|本|全|共|累计|主动|依申请|在|通过|对|各|县|市|区|镇|乡)")


@kind("stray_years", options={
    "sections": Opt(list, [1, 5, 6], doc="sections whose work statements are read"),
    "before": Opt(int, 1, doc="years before the report year that are normal (follow-up of last year)"),
    "after": Opt(int, 1, doc="years after the report year that are normal (plans)"),
})
def check_stray_years(rule, report: Report, ctx):
    """A work statement dated to a year far from the report year (copy-paste from an older report)."""
    years = {y for y in (report.year, statistical_year(report)) if y}
    if len(years) != 1:
        return                                  # no year, or title and period disagree (that is GK510's finding)
    year = years.pop()
    lo, hi = year - rule.opt("before"), year + rule.opt("after")
    sections = set(rule.opt("sections"))
    for c in clauses(report):
        if c.section not in sections or not c.first:
            continue
        m = _STRAY.match(c.f)           # only a paragraph that opens with the year; later mentions may be history
        if m is None or lo <= int(m.group("y")) <= hi:
            continue
        yield Finding(c.span(m.start("y"), m.end("y")),
                      {"quote": c.quote(m.start(), min(len(c.f), m.end() + 20)), "found": int(m.group("y")),
                       "year": year, "section": numeral(c.section)})


_TOWN = lazy_re(r"(?:乡|镇|街道|苏木)(?:人民政府|政府|办事处|党委)?$|街道办事处$|街道办$")
_GOVERNMENT = lazy_re(r"(?:人民政府|政府)$")
_DEPARTMENT = lazy_re(r"(?:局|委|委员会|办|办公室|办公厅|厅|中心|署)$")
_NOT_DEPARTMENT = lazy_re(r"管委会$|管理委员会$")
_TITLE_AGENCY = lazy_re(r"(?:19|20)\d{2}年度?(?P<agency>[^0-9]{2,30}?)政府信息公开")


@per_object
def agency_kind(report: Report) -> tuple[str, str] | None:
    """('town'|'government'|'department', agency name) by the agency's name, or None when unclear (once per
    report: asked for every claim)."""
    names = []
    if report.title is not None:
        if report.title.agency:
            names.append(report.title.agency)
        m = _TITLE_AGENCY.search(re.sub(r"\s+", "", report.title.text))
        if m:
            names.append(m.group("agency"))
    for name in names:
        name = re.sub(r"[\s《》“”\"]+", "", name)
        if _TOWN.search(name):
            return "town", name
        if _GOVERNMENT.search(name):
            return "government", name
        if _NOT_DEPARTMENT.search(name):
            continue
        if _DEPARTMENT.search(name):
            return "department", name
    return None


def _month_day(s: str) -> tuple[int, int]:
    m = re.fullmatch(r"(\d{1,2})-(\d{1,2})", s.strip())
    if not m:
        raise ValueError(f"期限应写成 MM-DD（如 01-31），不是 {s!r}")
    return int(m.group(1)), int(m.group(2))


@kind("publication_deadline", options={
    "department_deadline": Opt(str, "01-31", doc="县级以上人民政府部门: (Y+1)-MM-DD (条例第四十九条)"),
    "government_deadline": Opt(str, "03-31", doc="县级以上人民政府 own report: (Y+1)-MM-DD (条例第四十九条)"),
    "town_deadline": Opt(str, "01-31", doc="乡镇/街道 (not named in the 条例; provinces commonly use 01-31)"),
    "town_severity": Opt(str, "warning", doc="severity for a late township report"),
    "legacy_deadline": Opt(str, "03-31", doc="report years up to 2018 (2008 条例: 3月31日 for all agencies)"),
})
def check_publication_deadline(rule, report: Report, ctx):
    """The page's publication date is within the statutory deadline for the agency's kind (N/A without a date)."""
    date = report.publication_date
    years = {y for y in (report.year, statistical_year(report)) if y}
    if date is None or len(years) != 1:
        return                                   # no year, or title and period disagree (GK510)
    year = years.pop()
    span = report.publication_span
    shown = "%04d-%02d-%02d" % date
    if date < (year + 1, 1, 1):
        yield Finding(span, {"date": shown, "year": year}, message="early")
        return
    ak = agency_kind(report)
    severity = None
    if year <= 2018:
        md, who = _month_day(rule.opt("legacy_deadline")), "2019 年修订前的条例（所有行政机关）"
    elif ak is None:
        # unclear who published: apply the latest statutory deadline, so only a report late for everyone fires
        md, who = _month_day(rule.opt("government_deadline")), "县级以上人民政府（机关类型不明，按最宽的法定期限）"
    elif ak[0] == "town":
        md, who = _month_day(rule.opt("town_deadline")), f"乡镇/街道（{ak[1]}；条例未明确规定，按常见的省级要求）"
        severity = Severity.parse(rule.opt("town_severity"))
    elif ak[0] == "government":
        md, who = _month_day(rule.opt("government_deadline")), f"县级以上人民政府（{ak[1]}）"
    else:
        md, who = _month_day(rule.opt("department_deadline")), f"县级以上人民政府部门（{ak[1]}）"
    deadline = (year + 1, *md)
    if date <= deadline:
        return
    params = {"date": shown, "year": year, "deadline": "%04d-%02d-%02d" % deadline, "who": who}
    if date[0] > year + 1:
        # a date more than a year later may be a re-publication (site migration): say so, as a warning
        yield Finding(span, params, message="much_later", severity=Severity.WARNING)
    else:
        yield Finding(span, params, severity=severity)


def _validate_deadline(rule):
    for k in ("department_deadline", "government_deadline", "town_deadline", "legacy_deadline"):
        _month_day(rule.opt(k))
    Severity.parse(rule.opt("town_severity"))


check_publication_deadline.validate = _validate_deadline


# ----------------------------------------------------------------------------------------------------------
# The preamble's part count
# ----------------------------------------------------------------------------------------------------------

_PARTS = lazy_re(r"(?<!第)(?P<n>六|6)个?(?:部分|方面)")
_PARTS_CONTEXT = lazy_re(r"报告|组成|包括|分为|汇报")


@kind("parts_claim")
def check_parts_claim(rule, report: Report, ctx):
    """A preamble announcing 六部分 while a section in the middle is missing (a truncated report is not flagged)."""
    present = sorted({s.number for s in report.sections if s.number})
    if not present or len(present) >= 6:
        return
    missing = [n for n in range(1, 7) if n not in present]
    interior = present[-1] == 6 or (len(present) == 5 and all(n < present[-1] for n in missing))
    if not interior:
        return
    first_sub = None
    for c in clauses(report):
        if c.section not in (None, 1):
            continue
        if c.section == 1:
            # only the introduction of 一: stop at the first sub-topic (（一）主动公开 …)
            if first_sub is None:
                first_sub = c.topic
            if c.topic != first_sub:
                break
        for m in _PARTS.finditer(c.f):
            if not _PARTS_CONTEXT.search(c.f):
                continue
            yield Finding(c.span(m.start(), m.end()),
                          {"quote": c.quote(c.subclause_start(m.start()), m.end()), "found": len(present),
                           "missing": "、".join(f"{numeral(n)}" for n in missing)})
            return
