"""Fuzzing the whole pipeline over the real reports (issue 8), bounded to keep CI fast.

Hypothesis draws a real report (tests/reports/seeds and corpus), a list of structure-aware mutations and an
encoding (tests/fuzz/mutations.py: delete/duplicate/shuffle lines and table rows, run digits together, CJK
numerals, stray markup, truncation, re-encoding …). Each input must give no exception and no internal-error
diagnostic (GK009, GK9xx), within a per-input bound enforced by a CPU-time watchdog (tests/fuzz/harness.py:
``setitimer(ITIMER_PROF)`` counts only this process's CPU time, so a loaded machine does not trip it, and the
bound of 5 s is ~500× the typical input). Hypothesis's own wall-clock deadline is off for the same reason.
The long run is ``python tests/fuzz/fuzz.py -n 100000`` (README, "Limits").
"""
from __future__ import annotations

import random

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from gklint.rules.engine import load_ruleset  # noqa: E402
from tests.fuzz.harness import run_one  # noqa: E402
from tests.fuzz.mutations import ENCODINGS, LINE_OPS, corpus, make_input  # noqa: E402

CORPUS = corpus()
RULESET = load_ruleset()


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(doc=st.sampled_from(CORPUS), ops=st.lists(st.sampled_from(LINE_OPS), min_size=1, max_size=6),
       how=st.sampled_from(ENCODINGS), seed=st.integers(0, 2 ** 32 - 1), suffix=st.sampled_from([".txt", ".md"]))
def test_mutated_reports_never_crash_or_hang(doc, ops, how, seed, suffix):
    name, text = doc
    data = make_input(text, random.Random(seed), ops, how)
    internal, _secs = run_one(data, name.rsplit(".", 1)[0] + suffix, RULESET, cpu_seconds=5.0)
    assert not internal, [(d.code, d.message) for d in internal]
