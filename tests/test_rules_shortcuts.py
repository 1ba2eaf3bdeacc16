"""Shortcuts of the rules stage (issue 9) against the plain per-item work they stand for."""
from __future__ import annotations

import random


def test_duplicated_words_look_at_the_lines_the_per_line_walk_finds_in():
    """GK604 looks only at the lines its scans of the joined text point at (a _DUP match, a doubled single): its
    findings are those of asking every prose line, on reports with doubled words and singles (的的, and a single
    that is a line break) in some lines."""
    from itertools import chain

    from gklint.api import parse_text
    from gklint.rules.checks import typography as ty
    from gklint.rules.checks.content import prose_units
    from gklint.rules.engine import Context, load_ruleset

    rule = next(r for r in load_ruleset().rules if r.code == "GK604")
    rng = random.Random(604)
    pieces = ["资金资金", "的的", "目的的", "的的确确", "常常", "工作", "信息公开", "，", "。", "2023年", "x", "了了"]
    for _ in range(60):
        paras = ["".join(rng.choice(pieces) for _ in range(rng.randrange(1, 8))) for _ in range(rng.randrange(1, 6))]
        text = "2023年度某某局政府信息公开工作年度报告\n\n一、总体情况\n\n" + "\n\n".join(paras) + "\n"
        report = parse_text(text).report
        for singles in (["的"], ["的", "了"], ["\n"], []):
            r = type(rule)(**{**vars(rule), "options": {**rule.options, "single": singles}})
            got = [(f.span, f.params) for f in ty.check_duplicated_words(r, report, Context(report))]
            allow = set(r.opt("allow") or [])
            want = [(line.span(a, b), {"word": line.text[a:b], "unit": w,
                                       "context": ty.quote(line.text[max(0, a - 6):b + 6], 24)})
                    for line in chain.from_iterable(prose_units(report))
                    for a, b, w in ty.duplicated_words(line.text, allow, [s for s in singles if len(s) == 1])]
            assert got == want, (text, singles)


def test_only_w_and_W_lower_to_w():
    """mask_urls asks for a w or W before making a lower-case copy of a text to look for www. in it."""
    import sys

    assert [c for c in map(chr, range(sys.maxunicode + 1)) if "w" in c.lower()] == ["W", "w"]


def test_mask_urls_is_the_scan_each_time():
    """mask_urls (its w/W test first, its memo of the texts with an address) gives what the plain scans give,
    asked again and again of texts with and without addresses, more of them than it keeps."""
    import re

    from gklint.rules.checks import content

    url = re.compile(content.URL_RE.pattern, re.I)
    web = re.compile(content._WEB_RE.pattern, re.I)

    def plain(text: str) -> str:
        if "@" in text:
            return url.sub(lambda m: " " * len(m.group(0)), text)
        if "://" in text or ("." in text and "www." in text.lower()):
            return web.sub(lambda m: " " * len(m.group(0)), text)
        return text

    rng = random.Random(507)
    pieces = ["网址", "http://a.gov.cn/x", "WWW.b.cn", "wWw.c", "www", ".", "@", "x@y.cn", "，", "申请", " ", "Ww.", "W"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randrange(8))) + str(i) for i in range(120)]
    for _ in range(3):
        for text in rng.sample(texts, len(texts)):
            assert content.mask_urls(text) == plain(text), text
