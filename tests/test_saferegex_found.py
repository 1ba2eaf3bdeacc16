"""Budget.found (issue 9): a pack's keyword pattern is looked for with its plain-text alternatives as substrings
first; whatever the pattern, the answer is exactly ``search() is not None``."""
from __future__ import annotations

import random

import pytest

from gklint.rules import saferegex
from gklint.rules.checks.content import ASPECTS, GOVERNMENT_ITEMS
from gklint.rules.checks.typography import FRONT_CHROME

PATTERNS = [*ASPECTS.values(), GOVERNMENT_ITEMS, *FRONT_CHROME, r"上一?年度?|去年|往年|前一?年度|上次年报|上一?期|以往年度",
            "a|b|c", "a||b", "a|", "(?i)ab|c", "(ab)|\\1", "(?P<x>a)|(?P=x)b", "a|(b|c)|[|]x", "x[]|]y|z",
            r"\d+|[一二]件|件数", "(?:a|b)c|d", "(?<=a)b|c", "^ab|cd$", "a.b|a\\.b|ab", "A|b", "\\p{Han}|x", "a?b?c|d?", "a?|b", "上一?年度?", "x?y?z?w?v|q"]


def test_found_is_search_on_every_pattern_and_text():
    rng = random.Random(9)
    alphabet = "abcdABxy|.1一二件数管理平台监督申请上年去年度期 \n"
    texts = ["", "ab", "a|b", "AB", "上年度", "去年", "2023年", "件数", "一件", "x]y", "a.b", "\n", "cd"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(300)]
    budget = saferegex.Budget()
    for pattern in PATTERNS:
        for text in texts:
            assert budget.found(pattern, text) == (budget.search(pattern, text) is not None), (pattern, text)


@pytest.mark.parametrize("pattern, literals, rest", [
    ("a|b|c", ("a", "b", "c"), None),
    (r"\d+|件数", ("件数",), r"\d+"),
    ("(?i)a|b", (), "(?i)a|b"),                 # a flag changes every alternative: not split
    (r"(a)|\1", (), r"(a)|\1"),                # a back-reference: not split
    ("a|(b|c)|[|]x", ("a",), "(b|c)|[|]x"),     # only top-level bars split
    ("上一?年度?|x", ("上年", "上一年", "上年度", "上一年度", "x"), None),     # what an optional character can make
    ("a??b|c", ("c",), "a??b"),
])
def test_literal_split(pattern, literals, rest):
    assert saferegex.literal_split(pattern) == (literals, rest)


def test_found_any_is_any_found():
    rng = random.Random(10)
    alphabet = "abcdABxy|.1一二件数管理平台监督申请上年去年度期首页访问量:： \\n"
    texts = ["", "首页 > 公开", "访问量：3", "打印", "当前位置", "ab"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20))) for _ in range(200)]
    budget = saferegex.Budget()
    sets = [tuple(FRONT_CHROME), (), ("",), ("(?i)ab", "x|y"), tuple(PATTERNS[:6]), ("a?b", "^c|d$", r"(ab)|\\1")]
    sets += [tuple(rng.sample(PATTERNS, 3)) for _ in range(30)]
    for patterns in sets:
        for text in texts:
            assert budget.found_any(patterns, text) == any(budget.search(p, text) is not None for p in patterns), \
                (patterns, text)
    assert saferegex.combined(tuple(FRONT_CHROME)) is not None          # the built-in chrome: two scans a line
    assert saferegex.combined(("a", "(?i)b")) is None                    # a flag: each pattern on its own


def test_a_long_word_list_is_left_to_the_budgeted_scan():
    many = "|".join(f"词{i}" for i in range(saferegex.MAX_WORDS + 1))
    assert saferegex.literal_split(many) == ((), many)
    assert saferegex.literal_split("|".join(f"词{i}" for i in range(saferegex.MAX_WORDS)))[1] is None
    budget = saferegex.Budget()
    assert budget.found(many, "有词64") and not budget.found(many, "无")
