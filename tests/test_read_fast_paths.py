"""The text reader's shortcuts give the Source the plain way gives: the control-character check done on the bytes
(gklint.readers.text._no_control_bytes) and files read unbuffered in pieces (gklint.readers._read_raw)."""
from __future__ import annotations

import os
import random

import pytest

from gklint.readers import read_bytes, read_path
from gklint.readers import text as T


def _plain_verdict(text: str) -> bool:
    """The character-by-character verdict the byte check stands in for: is this a text report?"""
    return not ("\x00" in text or not T._looks_like_text(text))


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_control_bytes_decide_as_the_characters_do(encoding):
    rng = random.Random(9)
    base = "二〇二三年政府信息公开工作年度报告\n一、总体情况\t共 12 件。\r\n".encode(encoding)
    controls = [*range(0x00, 0x09), *range(0x0e, 0x20), 0x7f]
    for n in (0, 1, 2, 3, 5, 40):         # below, at and above the threshold of a short file
        data = bytearray(base * 3)
        for _ in range(n):
            data.insert(rng.randrange(len(data) + 1), rng.choice(controls))
        data = bytes(data)
        src = T.decode(data, "r.txt")
        text = data.decode(encoding, errors="replace")
        assert ("GK003" in [d.code for d in src.problems]) is (not _plain_verdict(text)), (n, data)
        assert T._no_control_bytes(data) is (n == 0)


def test_no_control_bytes_means_no_control_characters():
    for encoding in ("utf-8", "gb18030"):
        text = "".join(chr(c) for c in range(0x20, 0x3000) if c != 0x7f and not 0xd800 <= c < 0xe000)
        text += "\t\n\x0b\x0c\r中文，（括号）《书名》"
        data = text.encode(encoding, errors="ignore")
        assert T._no_control_bytes(data)
        assert _plain_verdict(data.decode(encoding))


def test_invalid_utf8_with_control_bytes_still_checked():
    data = "报告".encode("utf-8") + b"\xff\xfe\x01\x02\x03\x04\x05" * 50
    src = read_bytes(data, "r.txt")
    assert "GK003" in [d.code for d in src.problems]


def test_carriage_returns_and_comments_as_before():
    src = read_bytes("一、总体情况\r\n<!-- 注释 -->正文\r第三行\n".encode("utf-8"), "r.md")
    assert src.text == "一、总体情况\n" + " " * 11 + "正文\n第三行\n"
    assert src.original == "一、总体情况\n<!-- 注释 -->正文\n第三行\n"
    assert src.format == "markdown" and src.encoding == "utf-8"
    assert read_bytes(" \n\t\u3000".encode("utf-8"), "r.txt").problems[-1].code == "GK015"


def test_read_path_reads_whole_files_in_pieces(tmp_path):
    big = tmp_path / "big.txt"
    body = ("政府信息公开工作年度报告。" * 9000 + "\n").encode("utf-8")   # ~350 KB: several reads
    big.write_bytes(body)
    assert read_path(big).text == body.decode("utf-8")
    assert read_path(big, max_size=0).text == body.decode("utf-8")
    assert [d.code for d in read_path(big, max_size=len(body) - 1).problems] == ["GK017"]
    assert read_path(big, max_size=len(body)).text == body.decode("utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert [d.code for d in read_path(empty).problems] == ["GK015"]


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_read_path_of_an_endless_device_stops_at_the_limit():
    assert [d.code for d in read_path("/dev/zero", max_size=1000).problems] == ["GK017"]
