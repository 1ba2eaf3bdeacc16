"""GK407's scan (issue 9): content._HINT_SCAN finds a hint exactly where _PLACEHOLDER_HINT (the definition) does,
in a line and over lines joined by "\\n" (lines_with gives the same lines as a search per line)."""
from __future__ import annotations

import random

from gklint.rules.checks import content
from test_prefilters import PLACEHOLDER_SAMPLES

ALPHABET = "文字描述填写报入某XＸ×xｘ{｛【[［_＿ a1中。\n"


def _texts():
    rng = random.Random(407)
    yield from PLACEHOLDER_SAMPLES
    for _ in range(3000):
        yield "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 12)))


def test_hint_scan_is_the_alternation():
    for text in _texts():
        assert (content._HINT_SCAN.search(text) is None) is (content._PLACEHOLDER_HINT.search(text) is None), text
        assert content._placeholder_hint(text) is (content._PLACEHOLDER_HINT.search(text) is not None), text


def test_hint_scan_over_joined_lines_finds_the_lines_a_search_per_line_does():
    rng = random.Random(9)
    texts = [t.replace("\n", "") for t in _texts()]
    for _ in range(300):
        lines = rng.sample(texts, rng.randint(1, 8))
        text, starts = "\n".join(lines), tuple(sum(len(t) + 1 for t in lines[:k]) for k in range(len(lines)))
        assert content.lines_with(text, starts, content._HINT_SCAN) == \
            [k for k, t in enumerate(lines) if content._PLACEHOLDER_HINT.search(t)]
