"""Runs every rule's data cases (tests/rules/cases/<CODE>.yaml) and every rule's documented examples."""
from pathlib import Path

import pytest

from gklint.rules.engine import load_ruleset
from gklint.testing import example_cases, load_cases, rule_has_cases

HERE = Path(__file__).parent
RULESET = load_ruleset()
CASES = load_cases(HERE / "cases", HERE.parent / "reports")
EXAMPLES = example_cases(RULESET)


def test_pack_loads_without_errors():
    assert RULESET.errors == []
    assert RULESET.rules


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule_case(case):
    case.check(RULESET)


@pytest.mark.parametrize("case", EXAMPLES, ids=[c.id for c in EXAMPLES])
def test_rule_example(case):
    assert not case.id.endswith("example-invalid"), f"{case.source}: examples.good is not text of the base report"
    case.check(RULESET)


CHECKS = [r for r in RULESET.rules if r.kind != "internal"]   # internal codes: tests/test_hardening.py


@pytest.mark.parametrize("rule", CHECKS, ids=[r.code for r in CHECKS])
def test_every_rule_has_failing_and_passing_cases(rule):
    failing, passing = rule_has_cases(rule, CASES)
    assert failing, f"{rule.code} has no failing case in tests/rules/cases/{rule.code}.yaml"
    assert passing, f"{rule.code} has no passing case in tests/rules/cases/{rule.code}.yaml"
