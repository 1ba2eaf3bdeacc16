"""Structure-aware mutations of real reports, shared by the suite's fuzz test and ``tests/fuzz/fuzz.py``.

A report is mutated as lines: delete/duplicate/shuffle lines and table rows, run a table row's (or a whole
table's) digits together, insert CJK numerals, headings and stray markup, truncate, and finally re-encode
(UTF-8, BOM, GB18030, UTF-16 with or without BOM, CRLF, stray bytes). Every choice comes from one
``random.Random``, so input ``i`` of seed ``s`` is reproducible from ``(s, i)`` alone.
"""
from __future__ import annotations

import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "reports"


def corpus() -> list[tuple[str, str]]:
    """(name, text) of the real reports the fuzzers start from: the seeds and the corpus."""
    out = []
    for folder in ("seeds", "corpus"):
        for f in sorted((ROOT / folder).glob("*")):
            if f.suffix in (".txt", ".md"):
                out.append((f.name, f.read_text(encoding="utf-8")))
    return out


NUMERALS = "一二三四五六七八九十百千零〇两"
HEADINGS = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项",
            "七、附则", "（一）主动公开", "（十二）其他", "第三部分", "1.", "十、", "二十三、"]
MARKUP = ["<!-- 注释 -->", "<!--", "-->", "<br>", "<p>", "</td><td>", "&nbsp;", "|", "| --- |", "**", "#", "## ",
          "> ", "```", "<table>", "\\", "[链接](http://example.gov.cn)", "www.", "a@b.cn", "http://", "\u3000",
          "\u200b", "\ufeff", "\x0c", "\t", "\t\t", "、", "。", "（", "）", "《", "》", "“", "”", "……", "——", "×", "XX",
          "某某", "{单位}", "【名称】", "____"]
LABEL_RUNS = ["尚未审结总计", "本年新收政府信息公开申请数量", "行政事业性收费", "结果维持结果纠正其他结果尚未审结总计"]


def _table_lines(lines: list[str]) -> list[int]:
    return [i for i, l in enumerate(lines) if "\t" in l or l.count("|") >= 2 or sum(c.isdigit() for c in l) >= 4]


def mutate_lines(lines: list[str], rng: random.Random, op: str) -> list[str]:
    n = len(lines)
    if n == 0:
        return lines
    i = rng.randrange(n)
    tl = _table_lines(lines)
    if op == "delete":
        del lines[i:i + rng.choice((1, 1, 2, 5, 20))]
    elif op == "duplicate":
        lines[i:i] = lines[i:i + rng.choice((1, 2, 5))] * rng.choice((1, 2, 10))
    elif op == "shuffle":
        j = min(n, i + rng.choice((2, 5, 20)))
        part = lines[i:j]
        rng.shuffle(part)
        lines[i:j] = part
    elif op == "row_delete" and tl:
        del lines[rng.choice(tl)]
    elif op == "row_duplicate" and tl:
        k = rng.choice(tl)
        lines[k:k] = [lines[k]] * rng.choice((1, 3))
    elif op == "row_shuffle" and tl:
        a, b = rng.choice(tl), rng.choice(tl)
        lines[a], lines[b] = lines[b], lines[a]
    elif op == "run_together" and tl:
        k = rng.choice(tl)
        lines[k] = "".join(lines[k].replace("|", "\t").split())
    elif op == "flatten_table" and tl:
        a = rng.choice(tl)
        b = min(len(lines), a + rng.choice((3, 10, 40)))
        lines[a:b] = ["".join("".join(l.split()) for l in lines[a:b])]
    elif op == "digits":
        k = rng.choice(tl) if tl else i
        lines[k] = "".join(rng.choice(("1", "0", "11", "10", "1" * rng.randrange(1, 40), "-1", "1.5", "９"))
                           if c.isdigit() and rng.random() < 0.3 else c for c in lines[k])
    elif op == "label_run":
        lines.insert(i, rng.choice(LABEL_RUNS) + "".join(rng.choice("0123456789" if rng.random() < .5 else "1")
                                                          for _ in range(rng.randrange(10, 60))))
    elif op == "numerals":
        s = lines[i]
        p = rng.randrange(len(s) + 1)
        lines[i] = s[:p] + "".join(rng.choice(NUMERALS) for _ in range(rng.randrange(1, 6))) + rng.choice(("、", "", ".", "）")) + s[p:]
    elif op == "heading":
        lines.insert(i, rng.choice(HEADINGS) + rng.choice(("", " <!-- x -->", "。", "（续）", " ", "\t1")))
    elif op == "markup":
        s = lines[i]
        p = rng.randrange(len(s) + 1)
        lines[i] = s[:p] + rng.choice(MARKUP) + s[p:]
    elif op == "long_line":
        unit = rng.choice(("一", "a", "1", ".", "、", "（", "a@", "www.", lines[i][:5] or "x", "\t1", "年", "某"))
        lines.insert(i, unit * rng.choice((100, 1000, 5000)))
    elif op == "chars":
        s = lines[i]
        p = rng.randrange(len(s) + 1)
        lines[i] = s[:p] + "".join(chr(rng.choice((rng.randrange(32, 0x3000), rng.randrange(0x4e00, 0x9fff),
                                                   rng.randrange(0, 32), rng.randrange(0xe000, 0xffff))))
                                   for _ in range(rng.randrange(1, 8))) + s[p:]
    elif op == "truncate":
        cut = rng.randrange(n)
        lines = lines[:cut] + ([lines[cut][:rng.randrange(len(lines[cut]) + 1)]] if cut < n else [])
    elif op == "blank":
        lines.insert(i, rng.choice(("", " ", "\u3000", "\t")))
    return lines


LINE_OPS = ("delete", "duplicate", "shuffle", "row_delete", "row_duplicate", "row_shuffle", "run_together",
            "flatten_table", "digits", "label_run", "numerals", "heading", "markup", "long_line", "chars",
            "truncate", "blank")
ENCODINGS = ("utf-8", "utf-8", "utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "utf-16-be", "crlf",
             "bytes")


def encode(text: str, rng: random.Random, how: str) -> bytes:
    if how == "crlf":
        return text.replace("\n", "\r\n").encode("utf-8")
    if how == "bytes":
        data = bytearray(text.encode("utf-8"))
        for _ in range(rng.randrange(1, 5)):
            if data:
                data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    if how == "gb18030":
        return text.encode("gb18030", errors="replace")
    return text.encode(how, errors="surrogatepass" if how.startswith("utf-16") else "strict")


def make_input(base: str, rng: random.Random, ops: list[str] | None = None, how: str | None = None) -> bytes:
    """One mutated report as bytes: 1-6 line operations (or ``ops``), then an encoding (or ``how``)."""
    lines = base.split("\n")
    for op in ops if ops is not None else [rng.choice(LINE_OPS) for _ in range(rng.randrange(1, 7))]:
        lines = mutate_lines(lines, rng, op)
    try:
        return encode("\n".join(lines), rng, how or rng.choice(ENCODINGS))
    except UnicodeEncodeError:
        return "\n".join(lines).encode("utf-8", errors="surrogatepass")
