"""The pack's rule cases and documented examples, run with gklint's own harness."""
from pathlib import Path

import pytest

import gklint_pack_example
from gklint.rules.engine import load_ruleset
from gklint.testing import example_cases, load_cases

HERE = Path(__file__).parent
RULES = load_ruleset(extra_plugins=[gklint_pack_example]).select(["SD"])
CASES = load_cases(HERE / "cases", Path(gklint_pack_example.__file__).parent / "rules" / "examples")
EXAMPLES = example_cases(RULES)


def test_pack_loads():
    assert not [e for e in RULES.errors if "SD" in str(e)] and [r.code for r in RULES.rules] == ["SD101"]


@pytest.mark.parametrize("case", CASES + EXAMPLES, ids=[c.id for c in CASES + EXAMPLES])
def test_case(case):
    case.check(RULES)
