"""Reader for plain text and Markdown: the view is the file, its lines and columns those of the original.

Decoding: UTF-8 (with or without BOM), UTF-16 with BOM, then GB18030 (a superset of GBK and GB2312, the usual
encodings of Chinese government files). Nothing is guessed silently: a file that is not valid UTF-8 but is
valid GB18030 is decoded as GB18030 and says so (``Source.encoding``); one that is neither is an error
diagnostic (GK002) and is decoded with replacement characters so that the rest of the pipeline still runs.

Newlines (CRLF, CR) are normalised to LF; that changes no line or column. The BOM is dropped, so column 1 is
the first character of the text.
"""
from __future__ import annotations

from ..diagnostics import Diagnostic, Severity, Span
from .base import SimpleReader, Source


def _looks_like_text(text: str) -> bool:
    """Reject decodings full of control characters (binary files decode 'successfully' as GB18030)."""
    if not text:
        return True
    bad = sum(1 for ch in text[:20000] if (ord(ch) < 32 and ch not in "\t\n\r\f\v") or ch == "\x7f")
    return bad <= max(2, len(text[:20000]) // 200)


def decode(data: bytes, path: str = "<stdin>") -> Source:
    problems: list[Diagnostic] = []
    encoding = None
    text = None
    if data.startswith(b"\xef\xbb\xbf"):
        data, encoding = data[3:], "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text, encoding = data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            text = None
    if text is None:
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
    if "\x00" in text or not _looks_like_text(text):
        problems.append(Diagnostic.at(
            Span.point(1, 1), path=path, code="GK003", name="not-a-text-report", severity=Severity.ERROR,
            message="文件不是文本格式的报告（含有二进制内容），无法检查；请提供 .txt、.md 或网页文本"))
        text = ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Source(path, text, encoding or "utf-8", tuple(problems))


def _is_markdown(path: str) -> bool:
    return path.lower().endswith((".md", ".markdown"))


def read_text(data: bytes, path: str) -> Source:
    src = decode(data, path)
    return Source(src.path, src.text, src.encoding, src.problems, "markdown" if _is_markdown(path) else "text")


READER = SimpleReader("text", (".txt", ".text", ".md", ".markdown"), read_text)
