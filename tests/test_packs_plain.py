"""packs.for_report keeps, per rule set, whether any pack has a policy (issue 9): a rule set without one gives
itself back for every report, one with one applies it on every report, whichever was asked first."""
from __future__ import annotations

from gklint.api import parse_text
from gklint.packs import for_report
from gklint.rules.engine import load_ruleset
from test_packs import GANSU, SEEDS, installed_like, write_pack


def test_policy_or_none_is_kept_per_rule_set(tmp_path):
    pack = write_pack(tmp_path / "gansu", GANSU)
    text = (SEEDS / "004_c12fc4cb6f2af7bf.txt").read_text(encoding="utf-8").replace("中卫", "武威")
    report = parse_text(text, path="r.txt").report
    plain, gansu = load_ruleset(), load_ruleset(extra_plugins=[installed_like(pack)])
    for _ in range(2):
        assert for_report(plain, report, None)[0] is plain
        got = for_report(gansu, report, None)[0]
        assert got is not gansu and "GK405" in {r.code for r in gansu.rules} - {r.code for r in got.rules}
        assert for_report(gansu.select(["GK4"]), report, None)[0].rules == [r for r in got.rules if r.code.startswith("GK4")]
