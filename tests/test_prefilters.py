"""The exact pre-filters of the check kinds: a cheap test that lets a pattern be skipped must never skip a text the
pattern matches. Each list of literals is checked against its pattern by expanding the pattern into the shortest
strings of every branch (a pre-filter that forgets one branch fails here, not silently in a report)."""
import re
import re._parser as sre_parse
from itertools import product

import pytest

from gklint.rules import saferegex
from gklint.rules.checks import typography


def _expand(items, limit=4096):
    """The shortest strings of a parsed pattern of literals, (?:a|b), ?, * and \\d (enough for the pre-filtered
    patterns; anything else is an error, so a pattern that outgrows this test says so)."""
    outs = [""]
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            alts = [chr(av)]
        elif name == "SUBPATTERN":
            alts = _expand(av[-1])
        elif name == "BRANCH":
            alts = [s for b in av[1] for s in _expand(b)]
        elif name in ("MAX_REPEAT", "MIN_REPEAT"):
            lo, _hi, sub = av
            once = _expand(sub)
            alts = ([""] + once) if lo == 0 else ["".join(p) for p in product(once, repeat=lo)]
        elif name == "IN":
            alts = ["0"] if any(str(o) == "CATEGORY" for o, _ in av) else [chr(av[0][1])]
        else:
            raise AssertionError(f"pattern element {name} not expanded by this test")
        outs = [a + b for a in outs for b in alts]
        assert len(outs) <= limit
    return outs


def test_spam_literals_cover_every_branch():
    strings = _expand(sre_parse.parse(typography.SPAM))
    assert len(strings) > 20
    for s in strings:
        assert re.fullmatch(typography.SPAM, s), s
        assert any(lit in s for lit in typography.SPAM_LITERALS), s


def test_spam_needles_cover_every_literal():
    for lit in typography.SPAM_LITERALS:
        assert any(needle in lit for needle in typography.SPAM_NEEDLES), lit


@pytest.mark.parametrize("text,hit", [
    ("我局依法送达告知书，未收取费用。", False),
    ("注册即送88元\n本年度", True),
    ("皇冠体育", True),
    ("皇冠", False),                      # a literal without the rest of its branch: the search decides
    ("首页 > 信息公开", False),
])
def test_spam_prefilter_agrees_with_the_pattern(text, hit):
    assert typography._spam_in(text, saferegex.Budget()) is hit
    assert (re.search(typography.SPAM, text) is not None) is hit


# ---- the typography kinds look only at the lines a scan of the joined prose points at -----------------------

from gklint.api import parse_text  # noqa: E402

TEXT = """某某局2023年政府信息公开工作年度报告

本报告由某某局编制,资金资金的的安排 and 使用情况。
一、总体情况
2023年,我局 and 各单位(含下属)继续推进公开公开工作;
第二行没有问题。
第三行有的的和 the 与研究研究。
"""


def _naive(report, per_line):
    return [(line.line, hit) for unit in typography.prose_units(report) for line in unit
            for hit in per_line(line.text)]


def test_gated_typography_kinds_find_what_every_line_would():
    report = parse_text(TEXT, path="t.txt").report
    allow = set()                           # the rule below allows nothing
    dup = [(f.span.line, f.params["word"]) for f in typography.check_duplicated_words(_Rule(), report, None)]
    assert len(dup) == 4 and dup == [(n, h[2] * 2 if len(h[2]) > 1 else "的的") for n, h in
                           _naive(report, lambda t: typography.duplicated_words(t, allow, ["的"]))]
    acr = set()
    stray = [(f.span.line, f.params["word"]) for f in typography.check_stray_english(_Rule(), report, None)]
    assert len(stray) == 3 and [n for n, _ in stray] == [n for n, _ in
                                                         _naive(report, lambda t: typography.stray_words(t, acr))]
    half = [f.span.line for f in typography.check_halfwidth_punctuation(_Rule(), report, None)]
    marked = sorted({n for n, _ in _naive(report, lambda t: typography.halfwidth_marks(t, ",;:()?!"))})
    assert half == marked and len(half) == 2


class _Rule:
    OPTS = {"marks": ",;:()?!", "allow": None, "single": ["的"]}

    def opt(self, name):
        if name == "allow":
            return None
        return self.OPTS[name]


# ---- placeholders: the hint and each pattern's characters --------------------------------------------------

from gklint.rules.checks import content  # noqa: E402

PLACEHOLDER_SAMPLES = [
    "（文字描述，收取信息处理费情况在此处报告。）", "(请填写单位名称)", "20XX年我局", "19 ×× 年", "XX局", "ｘｘ县",
    "张某某和某某局", "{单位}", "｛ 名称 ｝", "【单位名称】", "[此处填写]", "［XX］", "联系电话：____", "＿＿＿",
    "X_＿", "xX", "没有占位符的一句话。", "文件填报某人", "《某某条例》", "http://xx.gov.cn/XX___",
]


@pytest.mark.parametrize("text", PLACEHOLDER_SAMPLES)
def test_placeholder_hint_is_the_alternation(text):
    assert content._placeholder_hint(text) is (content._PLACEHOLDER_HINT.search(text) is not None)


def test_each_placeholder_pattern_needs_its_characters():
    assert len(content._PLACEHOLDER_NEEDS) == len(content.PLACEHOLDERS)
    found = 0
    for (what, rx), needs in zip(content.PLACEHOLDERS, content._PLACEHOLDER_NEEDS):
        for text in PLACEHOLDER_SAMPLES:
            for m in rx.finditer(text):
                found += 1
                assert any(ch in m.group(0) for ch in needs), (what, m.group(0))
    assert found >= 12


@pytest.mark.parametrize("text", ["abc", "a", "-ab", "ab-", "x.y", "中文and中文", "AB岗", "iPhone", "a1b", "_ab", "ab_",
                                  "q@x", "/path/ok", "\\ab", "好 word 好", "思想 and 党的 the 事", "ab.cd ef"])
def test_stray_word_pattern_is_the_lookbehind_first_one(text):
    # the pattern as first written: the look-behind before the run
    plain = re.compile(r"(?<![A-Za-z0-9_.@/\\-])[A-Za-z]+(?![A-Za-z0-9_.@/\\-])")
    assert [m.span() for m in typography._WORD.finditer(text)] == [m.span() for m in plain.finditer(text)]


@pytest.mark.parametrize("text", ["见http://www.gov.cn/a.html。", "WWW.Example.com 网站", "邮箱 a.b@x.gov.cn 或", "1.2 万元",
                                  "HTTPS://X.CN", "无地址", "a@b", "www.a@b.cn", "Www.x.cn，"])
def test_mask_urls_is_the_whole_pattern(text):
    assert content.mask_urls(text) == content.URL_RE.sub(lambda m: " " * len(m.group(0)), text)


def test_lines_with_is_a_search_per_line():
    lines = ["没有", "有XX占位", "", "文文文", "末行_"]
    text, starts = "\n".join(lines), tuple(sum(len(t) + 1 for t in lines[:k]) for k in range(len(lines)))
    for rx in (content._PLACEHOLDER_CHARS, typography._DUP, re.compile("[文_]")):
        assert content.lines_with(text, starts, rx) == [k for k, t in enumerate(lines) if rx.search(t)]


@pytest.mark.parametrize("lines", [["没有", "有,逗号", "", "English words", "末行(x)"], ["a"], [""], ["", ""],
                                   ["全中文", "仍是中文"], ["结尾\u2028有分隔符:", "Ｆｕｌｌ　ｗｉｄｔｈ，", "x\ud800y?"]])
def test_ascii_lines_with_is_lines_with(lines):
    text, starts = "\n".join(lines), tuple(sum(len(t) + 1 for t in lines[:k]) for k in range(len(lines)))
    data = text.encode("ascii", "ignore")
    for marks in (",;:()?!", "A-Za-z", "?", "x"):
        rx = re.compile("[" + marks + "]")
        assert content.ascii_lines_with(data, re.compile(rx.pattern.encode())) == \
            content.lines_with(text, starts, rx) == [k for k, t in enumerate(lines) if rx.search(t)]
    assert typography._lines_rx(",;:()?!").pattern == rb"[,;:\(\)\?!]"
    assert typography._lines_rx("，;") is typography._any_of("，;")[0]    # a mark not ASCII: the text is scanned


@pytest.mark.parametrize("words", [("网", "公众号"), ("公众号",), ("ab", "b"), ("号",)])
def test_literal_lines_is_lines_with_the_alternation(words):
    lines = ["政府网站", "微信公众号与网站", "", "公众", "号网", "abab", "网", "末行公众号"]
    text, starts = "\n".join(lines), tuple(sum(len(t) + 1 for t in lines[:k]) for k in range(len(lines)))
    rx = re.compile("|".join(map(re.escape, words)))
    assert content.literal_lines(text, starts, words) == set(content.lines_with(text, starts, rx)) == \
        {k for k, t in enumerate(lines) if rx.search(t)}
