"""Reader for plain text and Markdown: the view is the file, its lines and columns those of the original.

Decoding: UTF-8 (with or without BOM), UTF-16 with BOM (or without one: GK016), then GB18030 (a superset of GBK and GB2312, the usual
encodings of Chinese government files). Nothing is guessed silently: a file that is not valid UTF-8 but is
valid GB18030 is decoded as GB18030 and says so (``Source.encoding``); one that is neither is an error
diagnostic (GK002) and is decoded with replacement characters so that the rest of the pipeline still runs.

Newlines (CRLF, CR) are normalised to LF; that changes no line or column. The BOM is dropped, so column 1 is
the first character of the text. HTML comments are blanked out (``blank_html_comments``), also without moving
anything: a ``<!-- … -->`` after a heading must not unmake the heading.
"""
from __future__ import annotations

import re
from itertools import repeat
from operator import contains

from ..diagnostics import Diagnostic, Severity, Span
from .base import SimpleReader, Source

# control characters other than \t \n \v \f \r, and DEL; one regex scan instead of a Python loop per character
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
_CONTROL_BYTES = (*range(0x00, 0x09), *range(0x0e, 0x20), 0x7f)
_SAMPLE = 20000


def _looks_like_text(text: str) -> bool:
    """Reject decodings full of control characters (binary files decode 'successfully' as GB18030)."""
    if not text:
        return True
    bad = len(_CONTROL.findall(text, 0, _SAMPLE))
    return bad <= max(2, min(len(text), _SAMPLE) // 200)


def _plausible(ch: str) -> bool:
    o = ord(ch)
    return (32 <= o < 127 or ch in "\t\n\r" or 0x4E00 <= o <= 0x9FFF or 0x3000 <= o <= 0x303F
            or 0xFF00 <= o <= 0xFFEF or 0x2010 <= o <= 0x206F or 0x3400 <= o <= 0x4DBF or 0xA0 <= o <= 0xFF)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM: of the two byte orders, the one whose decoding is (at least 95 %) ASCII, CJK and
    CJK punctuation. Binary data decoded as UTF-16 spreads over the whole BMP and is refused; so is the wrong
    byte order of a real report (它的汉字变成谚文、数字变成注音符号). None when it is not UTF-16."""
    if len(data) < 4 or len(data) % 2:
        return None
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        sample = text[:20000]
        if "\x00" not in text and sum(map(_plausible, sample)) >= 0.95 * len(sample):
            return text
    return None


def decode(data: bytes, path: str = "<stdin>", fmt: str = "text") -> Source:
    problems: list[Diagnostic] = []
    encoding = None
    text = None
    decoded = None          # the bytes decoded as UTF-8 or GB18030 (see _no_control_bytes), else None
    if (data.find(0, 0, 65536) >= 0 and not data.startswith((b"\xff\xfe", b"\xfe\xff"))
            and (text := _utf16_without_bom(data)) is not None):
        encoding = "utf-16 (no BOM)"
        problems.append(Diagnostic.at(
            Span.point(1, 1), path=path, code="GK016", name="utf16-without-bom", severity=Severity.INFO,
            message="文件是没有字节顺序标记（BOM）的 UTF-16 编码，已按 UTF-16 解码；建议另存为 UTF-8"))
    elif data.startswith(b"\xef\xbb\xbf"):
        data, encoding = data[3:], "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text, encoding = data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            text = None
    if text is None:
        decoded = data
        try:
            text = data.decode("utf-8")
            encoding = encoding or "utf-8"
        except UnicodeDecodeError as exc:
            try:
                text = data.decode("gb18030")
                encoding = "gb18030"
            except UnicodeDecodeError:
                text = data.decode("utf-8", errors="replace")
                encoding = "utf-8 (with errors)"
                line = data[: exc.start].count(b"\n") + 1
                problems.append(Diagnostic.at(
                    Span.point(line, 1), path=path, code="GK002", name="undecodable-bytes",
                    severity=Severity.ERROR,
                    message=f"文件既不是有效的 UTF-8 也不是 GB18030 编码（第 {line} 行起有无法解码的字节），"
                            "无法解码的字符已用 � 代替，检查结果可能不完整"))
    if not _no_control_bytes(decoded) and ("\x00" in text or not _looks_like_text(text)):
        problems.append(Diagnostic.at(
            Span.point(1, 1), path=path, code="GK003", name="not-a-text-report", severity=Severity.ERROR,
            message="文件不是文本格式的报告（含有二进制内容），无法检查；请提供 .txt、.md 或网页文本"))
        text = ""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    view = blank_html_comments(text)
    # the text with its comments, for excerpts and for gklint's suppression comments (gklint.suppress)
    return Source(path, view, encoding or "utf-8", tuple(problems), fmt, original=text if view != text else None)


def _no_control_bytes(decoded: bytes | None) -> bool:
    """Whether text decoded from ``decoded`` (as UTF-8, with or without errors, or GB18030) is sure to hold no
    control character: both encodings write U+0000-U+001F and U+007F as that one byte and never use those bytes
    inside another character, so bytes without them decode to text without them. Looked for one byte value at
    a time (``in`` of an int is a ``memchr``, which goes through many bytes an instruction):
    28 such scans cost half of one ``bytes.translate`` pass (~12 instructions a byte) and a sixth of the regular
    expression over the text; only a file that has such a byte is then looked at character by character
    (``_looks_like_text``)."""
    return decoded is not None and not any(map(contains, repeat(decoded), _CONTROL_BYTES))


def blank_html_comments(text: str) -> str:
    """``<!-- … -->`` (Markdown and crawled text carry them; they are not the report's text) replaced by spaces,
    newlines kept, so no line or column moves. Linear: one find per comment, an unclosed one is left alone."""
    if "<!--" not in text:
        return text
    out, pos = [], 0
    while (i := text.find("<!--", pos)) >= 0:
        j = text.find("-->", i + 4)
        if j < 0:
            break
        out.append(text[pos:i])
        out.append("".join(ch if ch == "\n" else " " for ch in text[i:j + 3]))
        pos = j + 3
    out.append(text[pos:])
    return "".join(out)


def _is_markdown(path: str) -> bool:
    return path.lower().endswith((".md", ".markdown"))


def read_text(data: bytes, path: str) -> Source:
    return decode(data, path, "markdown" if _is_markdown(path) else "text")


READER = SimpleReader("text", (".txt", ".text", ".md", ".markdown"), read_text)
