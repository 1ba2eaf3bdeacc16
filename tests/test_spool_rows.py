"""A ``lines`` spool's rows are written as json.dumps would write them (``gklint.formatters.spool._line_blob``
writes the usual ones directly): the same bytes for every kind of message, and for unusual types too."""
import json

import pytest

from gklint.diagnostics import Diagnostic, Severity, Span
from gklint.formatters import spool
from gklint.formatters.concise import format_line


def _as_json(diags):
    rows = sorted(([d.line, d.column, d.code, d.message, format_line(d)] for d in diags), key=lambda r: r[:4])
    return (json.dumps([[*r[:4], len(r[4])] for r in rows], ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8", "surrogatepass") + b"\0" + "".join(r[4] + "\n" for r in rows).encode("utf-8", "surrogatepass"))


def _d(line, column, code, message):
    return Diagnostic.at(Span(line, column, line, column + 1), path="报告.txt", code=code, name="x",
                         severity=Severity.WARNING, message=message)


def test_rows_as_json_dumps_writes_them():
    messages = ["表三“上年结转”与上年报告不一致", 'quote " and \\ backslash', "tab\tnew\nline\r\x00\x1f",
                "\u2028\u2029 separators", "emoji 😀 and 𝟘", "lone \udc80 surrogate", "", "中" * 300]
    diags = [_d(line, col, code, m) for line in (1, 2, 10 ** 6) for col in (1, 40)
             for code in ("GK601", "GK1") for m in messages]
    assert spool._line_blob(diags) == _as_json(diags)
    assert spool._line_blob([]) == _as_json([]) == b"[]\0"


def test_unusual_types_as_json_dumps_writes_them():
    d = _d(3, 2, "GK601", "m")
    odd = [d.moved(line=True), d.moved(column=2.5), d.moved(code=None), d.moved(line=-1)]
    for x in odd:
        assert spool._line_blob([x]) == _as_json([x])
    assert spool.line_blob_ok(spool._line_blob([d, d.moved(line=1)]))


@pytest.mark.parametrize("blob", [
    b'[[1,2,"GK601","m",3]]\0abc',          # the line not ended
    b'[[1,2,"GK601","m",3]]\0abc\nx',       # more text than the rows say
    b'[[1,2,"GK601","m",-1]]\0\n',          # a negative length
    b'[[true,2,"GK601","m",3]]\0abc\n',     # a bool for the line
    b'[[1,2,"GK601","m"]]\0abc\n',          # a row of four
    b'[[1,2,"GK601",5,3]]\0abc\n',          # a message that is no string
    b'[1]\0\n', b'{"a":1}\0', b'[[1,2,"GK601","m",3]]abc\n', b'\xff\0',
])
def test_a_damaged_line_blob_is_refused(blob):
    """What a result cache entry gives back as concise lines is checked before it is printed."""
    assert not spool.line_blob_ok(blob)
    assert spool.line_blob_ok(b'[[1,2,"GK601","m",3],[4,1,"GK1","n",0]]\0abc\n\n')
