"""``gklint check 年报.docx --annotate 年报-审阅.docx``: a copy of the Word document with one comment per finding.

Each comment (author ``gklint``, initials ``GK``, text ``CODE message``) is anchored on the paragraph or table
cell its diagnostic's ``location`` names (``第 N 段``, ``表格 T 第 R 行第 C 格``): the document is walked with
the reader's own walker (``gklint.readers.docx_body``), so places are counted exactly as the reader counted
them. A finding without a place in the document (a file-level one, e.g. a missing section) goes on the first
paragraph that has text. The original file is only read; the copy is written with python-docx.

Comment ranges are written as direct children of the paragraphs (``w:commentRangeStart`` after the paragraph
properties of the first paragraph, ``w:commentRangeEnd`` and the reference run at the end of the last), so
a paragraph with no runs of its own, or whose runs sit inside hyperlinks or tracked insertions, is anchored
the same way.
"""
from __future__ import annotations

import io
from pathlib import Path

AUTHOR = "gklint"
INITIALS = "GK"


class AnnotateError(Exception):
    """The annotated copy cannot be written (a usage problem or an unreadable document)."""


def _word_package(data: bytes) -> str | None:
    """None if ``data`` is a Word (.docx/.docm) package; else what it is, for the message."""
    import zipfile

    from ..readers.docx import OLE2_MAGIC, ZIP_MAGIC, main_part

    if data.startswith(OLE2_MAGIC):
        return "旧版二进制 Word/WPS 文件（.doc/.wps），请先另存为 .docx"
    if not data.startswith(ZIP_MAGIC):
        return "不是 Word 文档"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if main_part(zf, set(zf.namelist())) is None:
                return "不是 Word 文档（是其他格式的 zip 文件）"
    except zipfile.BadZipFile:
        return "Word 文档已损坏，无法读取"
    return None


def annotate_problem(files: list[str], output: str) -> str | None:
    """Why ``--annotate output`` cannot be done for these inputs (a usage error), or None."""
    if len(files) != 1 or files[0] == "-":
        n = len(files)
        return (f"--annotate 只能用于检查单个 .docx 文件（这次要检查 {n} 个文件）" if files != ["-"]
                else "--annotate 不能用于标准输入：请给出 .docx 文件的路径")
    src = Path(files[0])
    try:
        data = src.read_bytes()
    except OSError as exc:
        return f"--annotate：无法读取 {files[0]}：{exc.strerror or exc}"
    what = _word_package(data)
    if what is not None:
        return f"--annotate 需要 Word 文档（.docx），{files[0]} {what}"
    out = Path(output)
    try:
        if out.exists() and out.resolve() == src.resolve():
            return "--annotate 的输出文件不能是被检查的文件本身：请另给一个文件名，原文件不会被修改"
    except OSError:
        pass
    return None


_MAIN_TYPES = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
)


def _open(data: bytes):
    """A python-docx Document for a .docx, and for a .docm/.dotx too (python-docx's Document() refuses those)."""
    import docx  # noqa: F401 - registers python-docx's part classes
    from docx.opc.part import PartFactory
    from docx.package import Package
    from docx.parts.document import DocumentPart

    for ct in _MAIN_TYPES:
        PartFactory.part_type_for.setdefault(ct, DocumentPart)
    part = Package.open(io.BytesIO(data)).main_document_part
    if not isinstance(part, DocumentPart):
        raise AnnotateError("文档的主体部分不是 Word 文档")
    return part.document


def _targets(body) -> tuple[dict[str, list], list]:
    """location → the w:p elements a comment there spans; and every body paragraph in order."""
    from ..readers.docx_body import W_NS, Walker

    w = "{%s}" % W_NS
    places: dict[str, list] = {}
    paragraphs: list = []
    walker = Walker(W_NS)
    for block in walker.walk(body):
        if block.kind == "p":
            places[block.location] = [block.element]
            paragraphs.append((block.element, any(x.strip() for x in block.lines)))
            continue
        for cell in block.cells:
            if not cell.first or cell.location is None or cell.location in places:
                continue
            paras = [el for el in walker.block_elements(cell.element) if el.tag == w + "p"]
            if not paras:
                paras = [cell.element.makeelement(w + "p", {})]
                cell.element.append(paras[0])
            places[cell.location] = paras
            places.setdefault(block.location, paras)   # 表格 T 第 R 行: the row's first cell
    return places, paragraphs


def _anchor(paras: list, comment_id: int) -> None:
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement

    first, last = paras[0], paras[-1]
    start = OxmlElement("w:commentRangeStart", attrs={qn("w:id"): str(comment_id)})
    ppr = first.find(qn("w:pPr"))
    if ppr is not None:
        ppr.addnext(start)
    else:
        first.insert(0, start)
    last.append(OxmlElement("w:commentRangeEnd", attrs={qn("w:id"): str(comment_id)}))
    run = OxmlElement("w:r")
    run.append(OxmlElement("w:commentReference", attrs={qn("w:id"): str(comment_id)}))
    last.append(run)


def write_annotated(source_path: str, output: str, diagnostics) -> int:
    """Write ``output``: the document at ``source_path`` with one comment per diagnostic. Returns the count."""
    from docx.oxml.ns import qn

    data = Path(source_path).read_bytes()
    try:
        doc = _open(data)
    except AnnotateError:
        raise
    except Exception as exc:  # noqa: BLE001 - python-docx fails in many ways on damaged packages
        raise AnnotateError(f"无法打开 {source_path} 来写批注（{exc.__class__.__name__}: {exc}）") from None
    body = doc.element.body
    places, paragraphs = _targets(body)
    fallback = next((p for p, has_text in paragraphs if has_text), paragraphs[0][0] if paragraphs else None)
    if fallback is None:
        fallback = body.makeelement(qn("w:p"), {})
        body.insert(0, fallback)
    count = 0
    for d in sorted(diagnostics, key=lambda d: d.sort_key):
        paras = places.get(d.location or "") or [fallback]
        comment = doc.comments.add_comment(text=f"{d.code} {d.message}{_suggestion(d)}", author=AUTHOR,
                                           initials=INITIALS)
        _anchor(paras, comment.comment_id)
        count += 1
    try:
        doc.save(output)
    except OSError as exc:
        raise AnnotateError(f"无法写入 {output}：{exc.strerror or exc}") from None
    return count


def _suggestion(d) -> str:
    """A finding's fix, offered in the comment (gklint never edits the author's Word document itself)."""
    if not d.fix:
        return ""
    kind = "" if d.fix.get("applicability") == "safe" else "（可能改变含义，请斟酌）"
    return f"\n修改建议{kind}：{d.fix.get('message', '')}"
