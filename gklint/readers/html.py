"""Reader for web pages (.html .htm .shtml .xhtml, or any file that starts as HTML).

The view is what a reader of the page sees of the report, in the layout the parser reads (``html_layout``):
paragraphs, and tables expanded onto their grid as tab-separated rows. Every piece of the view maps to the
1-based line and column of its text in the HTML source (``html_source``), so diagnostics and ``gklint parse``
cells point where an editor opening the .html shows them.

**Parser: lxml (libxml2), not selectolax (lexbor).** Both parse a typical report page in well under a
millisecond (pingtan sample, 66 KB: lxml ≈ 0.6 ms, lexbor ≈ 0.5 ms), so speed does not decide. Positions do:
neither library gives columns, so positions come from our own tokenisation of the source matched to the
tree's text nodes in document order. That needs a tree whose text is in source order: libxml2 builds the
tree without HTML5 tree-construction reordering (stray text in a ``<table>`` is not foster-parented before
it, misnested formatting is not re-parented), and since libxml2 2.14 it tokenises by HTML5 rules, the rules
``html_source`` follows. lxml also gives each element's ``sourceline`` (used to find an empty cell's tag) and
is robust on tag soup (missing ``</td>``/``</tr>``/``</p>``, unclosed ``<font>``). lexbor follows HTML5 tree
construction (reordering) and exposes no source position at all. (With an older libxml2, as bundled with
lxml < 6, a node the two tokenisers read differently is placed at its first characters: local, not fatal.)

**What is kept.** The report's region is the lowest element holding its section headings (一、总体情况 …
六、其他需要报告的事项); the view is the article title (the closest title-like line before the region), the
lines between title and region that are not site furniture, and the region without share/print/comment
widgets. A page without such a region (an index page, a fragment) keeps everything but furniture (nav,
breadcrumbs, header, footer, link lists), so a page that is no report still gets the parser's GK005.
Scripts, styles, ``<head>`` and hidden elements are never text. Metadata the rules use is kept as view lines
mapped to their source, each part at its own text: one info line ``发布时间：2026-03-10 12:56　来源：…``
(the page's visible 发布时间/来源 text, else ``<meta name=PubDate>``/``article:published_time`` … and
``<meta name=ContentSource>``; the parser reads the date from such a line), and when the page shows no
title, ``<meta name=ArticleTitle>`` or ``<title>`` without its site suffix (after ``_``, ``|``, `` - ``) as the
first line. Info/tool bars (浏览次数, 字号, 打印, 分享到 …) are dropped once their date and publisher are taken.
Table rows are listed in ``Source.exact_rows``: the parser then takes an empty first or last field of such a
row for the blank cell it is, not for a lost row edge as in pasted text.

**Sniffing** (``gklint.readers.builtin.sniff_html``: it runs on every file, so it lives apart from this
module)**.** ``sniff`` is true only for content that *starts* as HTML (after a BOM, whitespace, comments,
an XML prolog): a document root or ``<meta>``/``<title>``, or a fragment starting with ``<div>``/``<table>``/
``<p>`` … that has no Markdown headings or pipe rows. A .txt holding a page is read here; an .html holding
plain text (no more than a stray tag per four lines) is handed to the text reader.

**Encoding.** BOM, then ``<meta charset>`` / ``<meta http-equiv=Content-Type content="…charset=…">`` /
``<?xml encoding?>``; GBK, GB2312 and GB18030 are all decoded as GB18030; a declaration the bytes do not
satisfy (a GBK page re-saved as UTF-8, or the reverse) falls back to ``text.decode`` (UTF-8, then GB18030).
``Source.encoding`` is the declared charset when it held, else what ``decode`` found.

**Bounds.** ``read_bytes`` refuses files over ``max-file-size`` first (GK017, 4 MB by default); this reader
refuses more than 32 MiB even when that limit is lifted (GK014). Everything else is linear in the page size: one regex
tokenisation, one libxml2 parse (``huge_tree``: 2048 levels; a page nested deeper, which in practice is
unclosed ``<font>``/``<span>``, is re-parsed with inline tags blanked out, same length so that positions
hold; then nested ``<div>``s; deeper still is a GK014 warning), iterative tree walks (no recursion on depth),
bounded searches per text node, rowspan/colspan clamped to the table. The 66 KB sample reads in about 10 ms;
a 2.6 MB page in about 1.5 s (pure Python after the parse: about 0.6 µs per source byte).
"""
from __future__ import annotations

import codecs
import re

from ..diagnostics import Severity
from .base import Origin, PositionMap, Segment, Source, failed, problem
from .builtin import BOM_UTF16 as _BOM_UTF16, HTML as READER, sniff_html as sniff   # noqa: F401 (READER)

MAX_BYTES = 32 * 1024 * 1024
_ANY_MARKUP = re.compile(rb"</?(?:html|body|head|meta|p|div|table|tr|td|th|br|span|font|h[1-6]|li|b|strong)[\s>/]", re.I)
_CHARSET = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.I)
_XML_ENC = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.\-]+)""", re.I)
_GB = frozenset({"gbk", "gb2312", "gb18030", "gb_2312-80", "x-gbk", "cp936", "windows-936", "csgb2312",
                 "gb_2312", "chinese", "iso-ir-58", "euc-cn", "x-euc-cn"})
_WEAK = frozenset({"iso-8859-1", "latin1", "latin-1", "windows-1252", "cp1252", "us-ascii", "ascii", "utf-16",
                   "utf-16le", "utf-16be", "utf16"})
_NON_ASCII = re.compile(rb"[\x80-\xff]")
_TEXT_BYTES = bytes([9, 10, 11, 12, 13, 27, *range(32, 256)])
_CTRL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_INLINE_TAG = re.compile(r"</?(?:span|font|b|i|u|s|em|strong|small|big|sub|sup|strike|a|o:p|st1:\w+)\b[^<>]*>",
                         re.I)
_BOX_TAG = re.compile(r"</?(?:div|section|article|center|blockquote|ul|ol|dl|form|main|header|footer|nav|aside)\b"
                      r"[^<>]*>", re.I)


def _codec(label: str) -> str | None:
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_html(data: bytes, path: str) -> tuple[str, str, list]:
    """Text, encoding name and decoding problems of an HTML file (see the module docstring)."""
    from .text import decode

    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig", []
    if data.startswith(_BOM_UTF16):
        try:
            return data.decode("utf-16"), "utf-16", []
        except UnicodeDecodeError:
            pass
    head = data[:16384]
    m = _CHARSET.search(head) or _XML_ENC.match(head)
    label = m.group(1).decode("ascii", "replace").lower() if m else None
    if label and label not in _WEAK:
        if label in _GB:
            name = "gb18030"
        else:
            name = _codec(label)
        if name and name not in ("utf-8",):
            # a page declared GBK but saved as UTF-8 (non-ASCII that is valid UTF-8): the bytes win
            if _NON_ASCII.search(data, 0, 65536):
                try:
                    return data.decode("utf-8"), f"utf-8 (declared {label})", []
                except UnicodeDecodeError:
                    pass
            try:
                return data.decode(name), label if label in _GB else name, []
            except UnicodeDecodeError:
                pass
        elif name == "utf-8":
            try:
                return data.decode("utf-8"), "utf-8", []
            except UnicodeDecodeError:
                pass
    src = decode(data, path)
    # the page as written, comments included (lxml skips them; gklint.suppress reads its own)
    return (src.original or src.text), src.encoding, list(src.problems)


def _parse(text: str):
    """The lxml tree of a decoded page; a page nested beyond libxml2's limit is re-parsed flattened."""
    from lxml import etree

    def run(t: str):
        parser = etree.HTMLParser(encoding="utf-8", huge_tree=True, no_network=True, recover=True)
        root = etree.fromstring(t.encode("utf-8", errors="replace"), parser)
        deep = any("depth" in (e.message or "").lower() for e in parser.error_log)
        return root, deep

    def blank(m: re.Match) -> str:
        # same length, same line breaks: offsets and source lines still hold; '<?…>' is a bogus comment
        return "<?" + re.sub(r"[^\n]", "x", m.group(0)[2:-1]) + ">"

    root, deep = run(text)
    for tags in (_INLINE_TAG, _BOX_TAG):    # unclosed <font>/<span> first; then nested boxes (div soup)
        if not deep:
            break
        text = tags.sub(blank, text)
        root2, deep = run(text)
        if root2 is not None:
            root = root2
    return root, deep


def _is_markup(data: bytes) -> bool:
    """A file that does not start as HTML is still read as HTML when tags are its fabric, not a stray few."""
    head = data[:65536]
    tags = len(_ANY_MARKUP.findall(head))
    return tags >= 3 and tags * 4 >= head.count(b"\n")


_BINARY = ("文件不是有效的网页（含有二进制内容），无法检查；请确认文件内容，"
           "或提供网页另存为的 .html、报告的 .docx/.pdf 或文本")


def _binary(data: bytes) -> bool:
    """Control bytes that no text encoding of a web page has (UTF-16 aside, which has a BOM or many NULs)."""
    head = data[:8192]
    if head.startswith(_BOM_UTF16) or not head:
        return False
    bad = len(head.translate(None, _TEXT_BYTES))
    return bad > max(8, len(head) // 100) and head.count(0) * 3 < len(head)


def read(data: bytes, path: str) -> Source:
    if len(data) > MAX_BYTES:
        return failed(path, "html", "GK014", "html-unreadable",
                      f"网页文件过大（{len(data) // (1024 * 1024)} MB，上限 32 MB），未读取；请只保存报告正文所在的页面")
    if _binary(data):
        return failed(path, "html", "GK014", "html-unreadable", _BINARY)
    if not sniff(data[:8192]) and not _is_markup(data):
        from .text import read_text   # an .html file that holds plain text is read as text
        return read_text(data, path)
    text, encoding, problems = decode_html(data, path)
    if any(p.code == "GK003" for p in problems):
        return failed(path, "html", "GK014", "html-unreadable", _BINARY, encoding)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _CTRL.search(text):   # one for one, so no offset moves; libxml2 would drop or refuse them
        text = _CTRL.sub(lambda m: "\ufffd" if m.group(0) == "\x00" else " ", text)
    from .html_layout import Walker
    from .html_pieces import Builder
    from .html_page import assemble
    from .html_source import SourceText

    src = SourceText(text)
    root, deep = _parse(text)
    walker = Walker(src)
    lines = []
    if root is not None:
        out = Builder()
        walker.walk(root, out)
        lines = out.close()
    view, segments, rows, meta = assemble(lines, walker, src)
    empty = not "".join(view).strip()
    if deep:
        problems.append(problem(path, "GK014", "html-unreadable",
                                "网页的标签嵌套过深（超过 2048 层），" + (
                                    "读不出正文，无法检查；请在浏览器中打开后另存为网页或复制正文为文本" if empty else
                                    "嵌套最深处之后的内容可能未读出，检查结果可能不完整"),
                                Severity.ERROR if empty else Severity.WARNING))
    elif empty:
        problems.append(problem(path, "GK014", "html-unreadable",
                                "网页中没有可读的正文文字（可能是由脚本动态加载的页面或只有图片），无法检查；"
                                "请在浏览器中打开后另存为完整网页，或提供报告的 .docx/.pdf/文本"))
    pm = PositionMap()
    for n, segs in enumerate(segments, 1):
        if segs:
            pm.set_line(n, [Segment(start, Origin(line, col), linear) for start, line, col, linear in segs])
    return Source(path, "\n".join(view), encoding, tuple(problems), "html", pm, original=text,
                  exact_rows=frozenset(rows), meta_lines=frozenset(meta))
