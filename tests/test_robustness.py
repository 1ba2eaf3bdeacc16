"""Bad input never crashes gklint: damaged copies of every real report parse and lint without GK009/GK901."""
import random

import pytest

from gklint.api import parse_text
from gklint.rules.engine import load_ruleset, run_rules

from conftest import CORPUS, SEEDS

RULES = load_ruleset()
SOURCES = [p for p in SEEDS + CORPUS if p.name != "README.md"]


def damaged(text: str, rnd: random.Random) -> str:
    lines = text.split("\n")
    op = rnd.randrange(7)
    if op == 0 and lines:                       # cut the file anywhere
        return text[: rnd.randrange(len(text) + 1)]
    if op == 1:                                 # drop random lines
        return "\n".join(l for l in lines if rnd.random() > 0.2)
    if op == 2:                                 # shuffle a block of lines
        i = rnd.randrange(len(lines))
        block = lines[i:i + 30]
        rnd.shuffle(block)
        return "\n".join(lines[:i] + block + lines[i + 30:])
    if op == 3:                                 # tabs ↔ pipes, cells dropped
        return text.replace("\t", rnd.choice(["|", " | ", "\t\t", ""]))
    if op == 4:                                 # numbers replaced by junk
        return "".join(rnd.choice(["-", "/", "１", "x", "99999999", "0.5"]) if c.isdigit() and rnd.random() < 0.3
                       else c for c in text)
    if op == 5:                                 # everything on one line
        return text.replace("\n", " ")
    return "".join(chr(rnd.randrange(32, 0x9fff)) if rnd.random() < 0.02 else c for c in text)


@pytest.mark.parametrize("path", SOURCES, ids=[p.name[:3] for p in SOURCES])
def test_damaged_reports_never_crash(path):
    rnd = random.Random(path.name)
    text = path.read_text(encoding="utf-8")
    for _ in range(12):
        bad = damaged(text, rnd)
        diags = run_rules(parse_text(bad, "damaged.txt"), RULES)
        crashed = [d for d in diags if d.code in ("GK009", "GK901")]
        assert not crashed, crashed[0].message
