"""Reader for PDF: a text view rebuilt from character positions, with the page of every piece.

How: all with pypdfium2, at about 3x the cost of its raw ``get_text_range`` on the same pages (table pages
~4-6 ms, text pages ~1.5 ms). pdfplumber is not used anywhere: the one thing it would add, table cells from
the ruling lines, comes from pypdfium2's path objects here (its ruled-table extraction costs ~25x):

1. ``pdf_page``: per page, every character with its box and the ruling lines of the tables, read from the
   page's path objects (FPDF_PAGEOBJ_PATH, also inside form XObjects), both in reading coordinates (the
   text's own direction, so rotated and landscape table pages read like upright ones).
2. ``pdf_layout``: tables from the ruling grids (cells by x/y position, a merged cell's text once and the
   cells it covers empty), rule-less table rows from wide gaps; ``pdf_text``: text lines from character
   positions — never from the text layer's order —, spaces from gaps, a label wrapped inside its cell joined.
3. ``pdf_flow``: page numbers and running headers/footers dropped, a table continued on the next page joined
   (repeated header rows dropped), paragraphs wrapped over several lines (and pages) joined into one line.

The view: one line per paragraph, one line per table row with TAB-separated cells, a blank line around each
table. Every piece (each paragraph line piece, each cell) has a Segment whose Origin carries ``page`` and
``location`` "第 N 页"; line/column stay those of the view (``gklint parse --text`` prints it).

Problems (never an exception): GK023 pdf-no-text (a scan: no text layer; gklint does no OCR — error when no
page has text, warning naming the pages when only some are images), GK024 pdf-encrypted (a password is
needed to open it; an owner-password-only PDF opens and is read), GK025 pdf-broken (pdfium cannot open it,
or a page cannot be read), GK026 pdf-too-long (warning: only the first ``MAX_PAGES`` = 100 pages are read).
Time is bounded: at most 100 pages, and per page at most ``pdf_page.MAX_CHARS`` characters and
``MAX_SEGMENTS`` path segments; a 200-page PDF (its first 100 pages) reads in about 0.15 s.
"""
from __future__ import annotations

from .base import Origin, PositionMap, Segment, Source, failed, problem
from .builtin import PDF as READER, sniff_pdf as sniff   # noqa: F401 (READER)
from ..diagnostics import Severity

MAX_PAGES = 100


def _fail(path: str, code: str, name: str, message: str) -> Source:
    return failed(path, "pdf", code, name, message)


def read(data: bytes, path: str) -> Source:
    try:
        import pypdfium2 as pdfium
    except ImportError:  # pragma: no cover - a declared dependency
        return _fail(path, "GK013", "unsupported-format", "读取 PDF 需要 pypdfium2：请运行 pip install pypdfium2")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == 4:      # FPDF_ERR_PASSWORD
            return _fail(path, "GK024", "pdf-encrypted",
                         "PDF 设置了打开密码（已加密），gklint 无法读取：请提供未加密的 PDF 或原始 Word 文件")
        reason = "文件不完整，可能下载中断" if b"%%EOF" not in data[-2048:] else "文件结构无法解析"
        return _fail(path, "GK025", "pdf-broken",
                     f"PDF 已损坏，无法读取（{reason}）：请重新下载或导出 PDF，或提供原始 Word 文件")
    try:
        return _read(pdf, path)
    finally:
        pdf.close()


def _read(pdf, path: str) -> Source:
    from .pdf_flow import continues, drop_furniture, join_tables, joined, page_edges
    from .pdf_layout import TableBlock, page_blocks
    from .pdf_page import read_page

    problems = []
    total = len(pdf)
    count = min(total, MAX_PAGES)
    pages, scanned, broken, partial = [], [], [], []
    chars = 0
    for i in range(count):
        try:
            content = read_page(pdf, i)
        except Exception:  # noqa: BLE001 - one unreadable page must not lose the others
            broken.append(i + 1)
            continue
        chars += len(content.glyphs)
        if not content.glyphs and content.images:
            scanned.append(i + 1)
        if content.truncated:
            partial.append(i + 1)
        try:
            pages.append(page_blocks(content))
        except Exception:  # noqa: BLE001 - geometry gone wrong: read the page as plain lines, no tables
            content.rules = []
            pages.append(page_blocks(content))
    if chars == 0:
        if broken and not scanned:
            return _fail(path, "GK025", "pdf-broken",
                         "PDF 已损坏，无法读取（页面内容无法解析）：请重新下载或导出 PDF，或提供原始 Word 文件")
        return _fail(path, "GK023", "pdf-no-text",
                     "PDF 没有文字层（可能是扫描件），gklint 不做文字识别：请提供带文字层的 PDF 或原始 Word 文件")
    if total > MAX_PAGES:
        problems.append(problem(path, "GK026", "pdf-too-long", severity=Severity.WARNING, message=(
            f"PDF 共 {total} 页，页数过多，只读取了前 {MAX_PAGES} 页（gklint 读取的上限），其后的内容未检查；"
            "年度报告一般只有十几页，请确认文件是否合并了其他内容")))
    if scanned:
        problems.append(problem(path, "GK023", "pdf-no-text", severity=Severity.WARNING, message=(
            f"PDF 第 {_pages(scanned)} 页没有文字层（可能是扫描的图片），gklint 不做文字识别，这些页未检查："
            "请提供带文字层的 PDF 或原始 Word 文件"), page=scanned[0], location=f"第 {scanned[0]} 页"))
    if broken:
        problems.append(problem(path, "GK025", "pdf-broken", severity=Severity.WARNING, message=(
            f"PDF 已损坏，无法读取第 {_pages(broken)} 页（页面内容无法解析），这些页未检查："
            "请重新导出 PDF 或提供原始 Word 文件"),
            page=broken[0], location=f"第 {broken[0]} 页"))
    if partial:
        problems.append(problem(path, "GK026", "pdf-too-long", severity=Severity.WARNING, message=(
            f"PDF 第 {_pages(partial)} 页内容过多（字符或图形超过读取上限），只读取了其中一部分"),
            page=partial[0], location=f"第 {partial[0]} 页"))

    drop_furniture(pages)
    join_tables(pages)
    edges = page_edges(pages)

    # units: ["p", [(text, page), ...]] a paragraph; ["t", cells, page] a table row; None a blank line
    units: list = []
    prev = None          # the previous text line, while the paragraph can go on
    for p in pages:
        for b in p.blocks:
            if isinstance(b, TableBlock) or b.cells is not None:
                rows = b.rows if isinstance(b, TableBlock) else [b.cells]
                last = units[-1] if units else None
                if last is not None and (last[0] == "p" or (isinstance(b, TableBlock) and not b.continued)):
                    units.append(None)
                units.extend(["t", row, p.number] for row in rows)
                prev = None
                continue
            if prev is not None and continues(prev, b, edges[prev.page], edges[p.number], prev.page == p.number):
                last = units[-1][1]
                last[-1] = (joined(last[-1][0], b.text, prev.space_after or b.space_before), last[-1][1])
                last.append((b.text, p.number))
            else:
                if units and units[-1] is not None and units[-1][0] == "t":
                    units.append(None)
                units.append(["p", [(b.text, p.number)]])
            prev = b
    return _view(path, units, problems)


def _pages(numbers: list[int]) -> str:
    shown = "、".join(str(n) for n in numbers[:10])
    return shown + ("等" if len(numbers) > 10 else "")


def _view(path: str, units: list, problems: list) -> Source:
    lines: list[str] = []
    positions = PositionMap()
    for u in units:
        if u is None:
            if lines and lines[-1] != "":
                lines.append("")
            continue
        segs: list[Segment] = []
        if u[0] == "p":
            text = ""
            for piece, page in u[1]:
                segs.append(Segment(len(text), Origin(page=page, location=f"第 {page} 页")))
                text += piece
        else:
            page = u[2]
            origin = Origin(page=page, location=f"第 {page} 页")
            text = ""
            for k, cell in enumerate(u[1]):
                if k:
                    text += "\t"
                segs.append(Segment(len(text), origin))
                text += cell
        lines.append(text)
        positions.set_line(len(lines), segs)
    while lines and lines[-1] == "":
        lines.pop()
    return Source(path, "\n".join(lines) + ("\n" if lines else ""), "utf-8", tuple(problems), "pdf", positions)
