"""Reader for Word documents (.docx, .docm; and the old binary .doc/.wps, which it recognises and refuses).

The text view (what the parser reads, design.md "Positions in non-text inputs"): one line per body paragraph
(automatic list numbers written out, so ``一、总体情况`` is found when Word numbers it), one line per table row
with TAB-separated cells laid out on the table grid (merged cells give their text once and empty cells for the
grid columns and rows they cover). Every piece carries a ``location``: ``第 N 段`` or
``表格 T 第 R 行第 C 格`` (see ``docx_body`` for how paragraphs, tables, rows and cells are counted; the
annotator finds the element again from that location).

What a file is, is decided from its bytes, whatever its name:

- an OLE2 compound file (``D0 CF 11 E0 A1 B1 1A E1``): an old binary .doc/.wps → GK020 (or an encrypted
  .docx → GK022, an old Excel/PowerPoint file → GK021);
- a zip: a Word document when its package names a WordprocessingML main part; any other zip (.xlsx, .pptx,
  .odt, .ofd, a plain archive …) → GK021 saying what it is; a truncated zip or corrupt XML → GK022;
- neither (an empty file, RTF, a web archive saved as .doc …): GK020/GK021/GK022; text that only carries a
  Word suffix is read as text.

Only ``word/document.xml`` (the main part), ``numbering.xml`` and ``styles.xml`` are parsed (lxml), with entity
resolution and network access off and a size cap, so time stays bounded.
"""
from __future__ import annotations

import io
import posixpath

from .base import Origin, PositionMap, Segment, Source, failed
from .builtin import DOCX as READER, OLE2_MAGIC, ZIP_MAGIC, sniff_docx as sniff   # noqa: F401 (READER)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W_STRICT_NS = "http://purl.oclc.org/ooxml/wordprocessingml/main"

MAX_PART_BYTES = 64 * 1024 * 1024        # an uncompressed XML part larger than this is not a report

_WORD_MAIN_TYPES = ("wordprocessingml.document.main", "word.document.macroEnabled.main",
                    "wordprocessingml.template.main", "word.template.macroEnabledTemplate.main")

OLD_BINARY = ("这是旧版 Word/WPS 二进制文件（.doc/.wps），gklint 无法读取：请在 Word 或 WPS 中另存为 .docx 后再检查")
SAVE_AS = "请在 Word 或 WPS 中打开并另存为 .docx 后再检查"


class _Refused(Exception):
    def __init__(self, code: str, name: str, message: str):
        super().__init__(message)
        self.code, self.name, self.message = code, name, message


def _not_word(what: str, advice: str = SAVE_AS) -> _Refused:
    return _Refused("GK021", "not-a-word-document", f"这不是 Word 文档，而是{what}：{advice}")


def _broken(why: str) -> _Refused:
    return _Refused("GK022", "broken-docx", f"Word 文档已损坏，无法读取（{why}）：请在 Word 或 WPS 中打开，"
                                            "能打开时另存为新的 .docx 再检查，否则请重新获取该文件")


# -- what a file is, when it is not a .docx --------------------------------------------------------------------

def _ole2(data: bytes) -> _Refused:
    """An OLE2 compound file: which application wrote it, from the stream names in its directory."""
    def has(name: str) -> bool:
        return name.encode("utf-16-le") in data

    if has("EncryptedPackage") or has("EncryptionInfo"):
        return _Refused("GK022", "broken-docx", "文件设置了打开密码（已加密），gklint 无法读取：请在 Word 或 WPS 中"
                                                "取消密码后另存为 .docx 再检查")
    if has("WordDocument"):
        return _Refused("GK020", "old-binary-word", OLD_BINARY)
    if has("Workbook") or has("Book"):
        return _not_word("旧版 Excel 工作簿（.xls）", "请提供 Word 格式（.docx）的年度报告")
    if has("PowerPoint Document"):
        return _not_word("旧版 PowerPoint 演示文稿（.ppt）", "请提供 Word 格式（.docx）的年度报告")
    return _Refused("GK020", "old-binary-word", OLD_BINARY)


def _other_zip(zf, names: set[str]) -> _Refused:
    """A zip without a Word main part: say what it is."""
    mimetype = ""
    if "mimetype" in names:
        try:
            mimetype = zf.read("mimetype")[:100].decode("ascii", "replace").strip()
        except Exception:  # noqa: BLE001 - only used to name the file
            mimetype = ""
    if "xl/workbook.xml" in names or any(n.startswith("xl/") for n in names):
        return _not_word("Excel 工作簿（.xlsx，可能被改了扩展名）", "请提供 Word 格式（.docx）的年度报告")
    if "ppt/presentation.xml" in names or any(n.startswith("ppt/") for n in names):
        return _not_word("PowerPoint 演示文稿（.pptx）", "请提供 Word 格式（.docx）的年度报告")
    if mimetype == "application/vnd.oasis.opendocument.text":
        return _not_word("OpenDocument 文本（.odt）")
    if mimetype.startswith("application/vnd.oasis.opendocument"):
        return _not_word(f"OpenDocument 文件（{mimetype.rsplit('.', 1)[-1]}）", "请提供 Word 格式（.docx）的年度报告")
    if mimetype == "application/epub+zip":
        return _not_word("EPUB 电子书", "请提供 Word 格式（.docx）的年度报告")
    if "OFD.xml" in names or "ofd.xml" in {n.lower() for n in names}:
        return _not_word("OFD 版式文件", "请提供原始的 Word 文档（.docx），或把 OFD 转换为 PDF 后检查")
    inner = sorted(n for n in names if n.lower().endswith((".docx", ".doc", ".pdf", ".txt", ".html", ".wps")))
    if inner:
        shown = "、".join(posixpath.basename(n) for n in inner[:3]) + ("等" if len(inner) > 3 else "")
        return _not_word(f"一个 zip 压缩包（其中有 {shown}）", "请解压后检查其中的报告文件")
    return _not_word("一个 zip 压缩包（里面没有 word/document.xml）", "请提供 Word 格式（.docx）的年度报告")


def _not_a_container(data: bytes, path: str) -> Source | _Refused:
    """Bytes that are neither zip nor OLE2 but reached this reader by their name."""
    if not data:
        return _broken("文件是空的，0 字节")
    head = data[:4096].lstrip()
    low = head[:400].lower()
    if head.startswith(b"{\\rtf"):
        return _not_word("RTF 格式文件")
    if low.startswith(b"mime-version:") or b"multipart/related" in low:
        return _not_word("网页存档（MHT/MHTML）文件")
    if b"schemas.microsoft.com/office/word/2003/wordml" in data[:8192]:
        return _not_word("Word 2003 XML 文件")
    if b"schemas.microsoft.com/office/2006/xmlPackage" in data[:8192]:
        return _not_word("Word XML 文件（平面 OPC）")
    from .text import decode

    as_text = decode(data, path)
    if not any(d.code == "GK003" for d in as_text.problems) and as_text.text.strip():
        return Source(as_text.path, as_text.text, as_text.encoding, as_text.problems, "text")
    if path.lower().endswith((".doc", ".wps")):
        return _Refused("GK020", "old-binary-word", OLD_BINARY)
    return _broken("不是有效的 .docx 文件：.docx 应当是 zip 格式，这个文件不是")


# -- the package ---------------------------------------------------------------------------------------------

def _xml(zf, name: str):
    from lxml import etree

    info = zf.getinfo(name)
    if info.file_size > MAX_PART_BYTES:
        raise _broken(f"{name} 过大（{info.file_size // (1024 * 1024)} MB）")
    with zf.open(info) as fh:
        raw = fh.read(MAX_PART_BYTES + 1)
    if len(raw) > MAX_PART_BYTES:
        raise _broken(f"{name} 过大")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
    try:
        return etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        raise _broken(f"{name} 的 XML 有错误：{exc}") from None


def _rels(zf, names: set[str], part: str) -> dict[str, str]:
    """Relationship type (last path segment, e.g. ``numbering``) → target part name, for ``part``."""
    folder, base = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    if rels_name not in names:
        return {}
    try:
        root = _xml(zf, rels_name)
    except _Refused:
        return {}
    out: dict[str, str] = {}
    for rel in root:
        if not isinstance(rel.tag, str) or rel.get("TargetMode") == "External":
            continue
        kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
        target = rel.get("Target") or ""
        if not target or kind in out:
            continue
        target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[kind] = target
    return out


def _content_type(zf, names: set[str], part: str) -> str:
    if "[Content_Types].xml" not in names:
        return ""
    try:
        root = _xml(zf, "[Content_Types].xml")
    except _Refused:
        return ""
    ext = part.rsplit(".", 1)[-1].lower()
    default = ""
    for el in root:
        if not isinstance(el.tag, str):
            continue
        if el.tag.endswith("Override") and (el.get("PartName") or "").lstrip("/") == part:
            return el.get("ContentType") or ""
        if el.tag.endswith("Default") and (el.get("Extension") or "").lower() == ext:
            default = el.get("ContentType") or ""
    return default


def main_part(zf, names: set[str]) -> str | None:
    """The package's Word main document part name, or None when the package has none."""
    target = _rels(zf, names, "").get("officeDocument")
    if target and target in names:
        ctype = _content_type(zf, names, target)
        if not ctype or any(t in ctype for t in _WORD_MAIN_TYPES):
            return target
        return None          # the package's main part is a workbook, a presentation …
    return "word/document.xml" if "word/document.xml" in names else None


def _load(data: bytes):
    """(document root, numbering root or None, styles root or None, namespace) of a .docx, or raise _Refused."""
    import zipfile

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise _broken("zip 结构不完整，文件可能被截断或下载未完成") from None
    except Exception as exc:  # noqa: BLE001 - any unreadable zip is a broken file
        raise _broken(f"无法打开 zip：{exc}") from None
    with zf:
        try:
            names = set(zf.namelist())
            part = main_part(zf, names)
            if part is None:
                raise _other_zip(zf, names)
            root = _xml(zf, part)
            ns = root.tag[1:].split("}", 1)[0] if isinstance(root.tag, str) and root.tag.startswith("{") else ""
            if ns not in (W_NS, W_STRICT_NS):
                raise _broken(f"{part} 不是 WordprocessingML 文档")
            rels = _rels(zf, names, part)
            extra = []
            for kind in ("numbering", "styles"):
                target = rels.get(kind)
                el = None
                if target and target in names:
                    try:
                        el = _xml(zf, target)
                    except _Refused:
                        el = None     # a broken numbering or styles part costs the numbers, not the text
                extra.append(el)
        except _Refused:
            raise
        except RuntimeError as exc:
            if "encrypt" in str(exc).lower() or "password" in str(exc).lower():
                raise _broken("zip 中的内容设置了密码") from None
            raise _broken(f"zip 内容无法解压：{exc}") from None
        except Exception as exc:  # noqa: BLE001 - CRC/zlib errors, truncated members, unsupported compression
            raise _broken(f"zip 内容无法解压：{exc.__class__.__name__}: {exc}") from None
    return root, extra[0], extra[1], ns


def view(document_root, numbering_root, styles_root, ns: str = W_NS):
    """The text view, position map and table-row lines of a parsed document (lines, PositionMap, rows)."""
    from .docx_body import Walker
    from .docx_numbering import Numbering

    body = document_root.find("{%s}body" % ns)
    walker = Walker(ns, Numbering(numbering_root, styles_root, ns))
    lines: list[str] = []
    rows: set[int] = set()
    positions = PositionMap()
    if body is None:
        return lines, positions, rows
    for block in walker.walk(body):
        if block.kind == "p":
            for text in block.lines:
                lines.append(text)
                positions.set_line(len(lines), [Segment(0, Origin(location=block.location))])
            continue
        parts: list[str] = []
        segs: list[Segment] = []
        offset = 0
        leading = True
        for cell in block.cells:
            text = cell.text.replace("\t", " ").replace("\n", " ")
            if cell.first or cell.continuation:
                # a continuation at the start of a row gets no segment: column 1 is then the row's own first cell
                if cell.location and not (leading and cell.continuation):
                    if not segs or segs[-1].origin.location != cell.location:
                        segs.append(Segment(offset, Origin(location=cell.location)))
                if not cell.continuation and cell.location:
                    leading = False
            parts.append(text)
            offset += len(text) + 1
        if not segs:
            segs = [Segment(0, Origin(location=block.location))]
        lines.append("\t".join(parts))
        positions.set_line(len(lines), segs)
        rows.add(len(lines))
    return lines, positions, rows


def read(data: bytes, path: str) -> Source:
    if data.startswith(OLE2_MAGIC):
        r = _ole2(data)
        return failed(path, "docx", r.code, r.name, r.message)
    if not data.startswith(ZIP_MAGIC):
        r = _not_a_container(data, path)
        return r if isinstance(r, Source) else failed(path, "docx", r.code, r.name, r.message)
    try:
        root, numbering, styles, ns = _load(data)
    except _Refused as r:
        return failed(path, "docx", r.code, r.name, r.message)
    lines, positions, rows = view(root, numbering, styles, ns)
    # every table row is laid out on its grid: an empty first or last field is a blank cell (exact_rows)
    return Source(path, "\n".join(lines), "utf-8", (), "docx", positions, exact_rows=frozenset(rows))
