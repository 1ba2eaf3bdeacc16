"""The reports of one agency as corpus checks see them (gklint.review.group): a sequence that unpacks each report
from the run's fact store when asked for and keeps only a few, so the cross-year checks give the findings of
fully unpacked reports while memory does not grow with the size of an agency group."""
import pickle
import weakref

import pytest

from conftest import REPORTS
from gklint.review import group as group_mod
from gklint.review.crossyear import run_corpus_rules
from gklint.review.facts import report_facts
from gklint.review.group import Group
from gklint.review.store import FactStore, Packed
from gklint.rules.engine import load_ruleset
from gklint.api import parse_text

SEED = (REPORTS / "seeds" / "004_c12fc4cb6f2af7bf.txt").read_text(encoding="utf-8")
ROW2 = "二、上年结转政府信息公开申请数量\t\t0\t0\t0\t0\t0\t0\t0\t"
ROW4 = "四、结转下年度继续办理\t\t0\t0\t0\t0\t0\t0\t0\t"


def year_copy(year: int, n: int) -> str:
    """The seed as ``year``'s report; ``n`` varies the carried-over figures (so some years disagree) and the
    narrative (so some copies of one year are a second report, others the same one)."""
    text = SEED.replace("2023 年政府信息公开工作年度报告", f"{year} 年政府信息公开工作年度报告", 1)
    text = text.replace(ROW2, f"二、上年结转政府信息公开申请数量\t\t{n % 3}\t0\t0\t0\t0\t0\t{n % 3}\t", 1)
    text = text.replace(ROW4, f"四、结转下年度继续办理\t\t{n % 2}\t0\t0\t0\t0\t0\t{n % 2}\t", 1)
    return text + (f"\n本年度第{n}次补充说明：我们认真开展了各项政府信息公开工作并取得良好成效。\n" if n % 4 else "")


@pytest.fixture(scope="module")
def facts():
    years = [2019, 2019, 2020, 2020, 2020, 2022, 2022, 2023, 2023, 2023, 2024, 2024]
    return [report_facts(p, p.source) for p in (parse_text(year_copy(y, n), path=f"r{n:02d}_{y}.txt")
                                                for n, y in enumerate(years))]


def packed(facts):
    store = FactStore()
    for f in facts:
        store.append(Packed.of(f))
    return list(store)


def test_a_group_is_the_sequence_of_its_reports(facts, monkeypatch):
    monkeypatch.setattr(group_mod, "KEEP", 3)
    g = Group(packed(facts))
    assert len(g) == len(facts) and list(g) == facts
    assert g[0] == facts[0] and g[-1] == facts[-1] and g[4] == facts[4] and g[2:9:3] == facts[2:9:3]
    assert g.years == tuple(f.year for f in facts)
    with pytest.raises(IndexError):
        g[len(facts)]
    assert Group(facts)[1] is facts[1]            # Facts given as they are (a plugin's test, gklint.testing)


def test_a_group_unpacks_on_access_and_keeps_a_bounded_number(facts, monkeypatch):
    monkeypatch.setattr(group_mod, "KEEP", 2)
    unpacked = []
    real = Packed.unpack
    monkeypatch.setattr(Packed, "unpack", lambda self: unpacked.append(self.path) or real(self))
    g = Group(packed(facts))
    assert g.years and unpacked == []               # the years without unpacking any report
    for _ in range(2):
        assert [r.path for r in g] == [f.path for f in facts]
    # the first KEEP once, every other report once per walk
    assert len(unpacked) == 2 + 2 * (len(facts) - 2)
    assert len(g._kept) == 2


def test_the_built_in_checks_over_a_group_keep_a_report_per_year_and_find_the_same(facts, monkeypatch):
    """Each built-in check walks the group keeping at most one report per year (the previous year's first, the
    first of each year); what it finds is what it finds over the fully unpacked reports."""
    rules = load_ruleset().select(["GK52"])
    expected = run_corpus_rules(facts, rules)
    assert {d.code for d in expected} >= {"GK520", "GK522", "GK523", "GK524"}
    monkeypatch.setattr(group_mod, "KEEP", 0)
    alive, most = [0], [0]
    real = Packed.unpack

    def counted(self):
        f = real(self)
        alive[0] += 1
        most[0] = max(most[0], alive[0])
        weakref.finalize(f, lambda: alive.__setitem__(0, alive[0] - 1))
        return f

    monkeypatch.setattr(Packed, "unpack", counted)
    got = run_corpus_rules(packed(facts), rules)
    assert got == expected
    years = len({f.year for f in facts})
    assert most[0] <= years + 3, most[0]


def test_a_blob_from_a_cache_entry_is_unpacked_once_before_the_checks(facts, monkeypatch):
    """Packed facts from a cache entry are not known to unpack: ``sound_one`` unpacks them once (a damaged
    blob gives the facts of the file read again), and what a pool worker packs stays known through pickling."""
    fresh = Packed.of(facts[0])
    assert fresh.sound and fresh.sound_one() is fresh
    assert pickle.loads(pickle.dumps(fresh)).sound
    entry = Packed(*fresh.scalars(), fresh.blob())
    assert not entry.sound and entry.sound_one() is entry and entry.sound
    path = REPORTS / "seeds" / "004_c12fc4cb6f2af7bf.txt"
    damaged = Packed(str(path), *fresh.scalars()[1:], b'[[["t3"]],[1],"zz",[],[1],[]]')
    again = damaged.sound_one()
    assert again is not damaged and again.sound and again.unpack().path == str(path) and again.unpack().cells
    import gklint.review.store as store

    monkeypatch.setattr(store, "_reread", lambda path: None)     # no facts to be had again: no cross-year part
    assert Packed(*fresh.scalars(), b"[]").sound_one() is None


def test_the_store_hashes_as_facts_arrive_what_it_would_read_back(facts):
    """A run with a result cache keys its cross-year findings by the hash of every report's facts: made as they
    are appended, it is the hash of reading them all back (and another set of facts gives another)."""
    later, now = FactStore(), FactStore()
    now.hash_as_appended()
    for f in [*facts[:5], None, *facts[5:]]:
        later.append(f)
        now.append(f)
    assert now.digest() == later.digest()
    other = FactStore()
    other.hash_as_appended()
    for f in facts[1:]:
        other.append(f)
    assert other.digest() != now.digest()


def test_the_store_gives_back_what_was_appended_and_who_without_reading(facts, monkeypatch):
    """A run's store keeps each report's scalars and blob in its file and only where it is, its agency and its
    year in memory: indexing gives the packed facts back equal (None for a report without facts), ``who``
    gives (agency, year) without reading the file, and a cache entry's odd year is kept, not lost."""
    store = FactStore()
    items = [Packed.of(facts[0]), None, Packed.of(facts[3])]
    odd = Packed(*items[2].scalars()[:3], 1 << 70, *items[2].scalars()[4:], items[2].blob())
    for p in [*items, odd]:
        store.append(p)
    assert len(store) == 4 and store[1] is None and store[0] == items[0] and store[-2] == items[2]
    assert store[0].sound and not store[3].sound and store[3] == odd and store[3].year == 1 << 70
    assert [p.unpack() for p in store if p is not None][:2] == [facts[0], facts[3]]
    monkeypatch.setattr(FactStore, "read", lambda *a: pytest.fail("who() read the file"))
    assert list(store.who()) == [(facts[0].agency, facts[0].year), (None, None), (facts[3].agency, facts[3].year),
                                 (facts[3].agency, 1 << 70)]
    with pytest.raises(IndexError):
        store[4]


def test_the_built_in_checks_unpack_only_the_reports_whose_findings_need_their_places(facts, monkeypatch):
    """Reports are compared by their packed values and hashes (the same report in a year twice, a year and the
    year before): a report is unpacked only for the places of a finding on one of its cells or sentences; a
    finding about the whole report (a year twice, a gap: at its title) and the report a finding names need none.
    What is found is what is found over the unpacked reports."""
    rules = load_ruleset().select(["GK52"])
    same_twice = [facts[0], facts[0], facts[5], facts[5]]       # 2019 twice, 2022 twice: one report each
    expected = run_corpus_rules(same_twice, rules)
    assert [d.code for d in expected] == ["GK524"]
    unpacked = []
    real = Packed.unpack
    monkeypatch.setattr(Packed, "unpack", lambda self: unpacked.append(self.path) or real(self))
    assert run_corpus_rules(packed(same_twice), rules) == expected and unpacked == []
    other = [facts[0], facts[1], facts[5]]       # 2019: two reports that differ, the second reported
    expected = run_corpus_rules(other, rules)
    assert [d.path for d in expected if d.code == "GK523"] == [facts[1].path]
    assert run_corpus_rules(packed(other), rules) == expected and unpacked == []
    years = facts[:5]        # 2019 twice, 2020 three times: carried-over figures that disagree with the year before
    expected = run_corpus_rules(years, rules)
    on_cells = {d.path for d in expected if d.code not in ("GK523", "GK524")}
    assert run_corpus_rules(packed(years), rules) == expected
    assert on_cells and set(unpacked) == on_cells and len(on_cells) < len(years)


def test_packed_facts_are_the_same_bytes_in_every_process():
    """The result cache keys a run's cross-year findings by the hash of its packed facts: a report packs to the
    same bytes whatever the process's hash seed (no set order leaks into them)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys\nfrom gklint.api import parse_source\nfrom gklint.readers import read_path\n"
            "from gklint.review.facts import report_facts\nfrom gklint.review.store import Packed\n"
            "s = read_path(sys.argv[1])\nsys.stdout.write(Packed.of(report_facts(parse_source(s), s)).blob().hex())\n")
    root = Path(__file__).resolve().parent.parent
    path = str(REPORTS / "seeds" / "004_c12fc4cb6f2af7bf.txt")
    blobs = {subprocess.run([sys.executable, "-c", code, path], capture_output=True, text=True, check=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(root), "PYTHONHASHSEED": seed}).stdout
             for seed in ("1", "2", "3")}
    assert len(blobs) == 1 and len(next(iter(blobs))) > 100


def test_values_and_hashes_come_from_the_first_line_and_equal_the_unpacked_reports(facts):
    """What tells two reports apart (duplicate-year asks it of every report of an agency's year that has another:
    a page and its PDF) is the blob's first line; the places (~100 numbers) are on the second, read only when a
    report is unpacked whole."""
    store = packed(facts)
    for i, f in enumerate(facts):
        p = store[i]
        assert p.values_and_hashes() == f.values_and_hashes()
        tell, places, *_texts = p.blob().split(b"\n")
        damaged = Packed(*p.scalars(), b"\n".join([tell, b"[not json"]), sound=True)
        assert damaged.values_and_hashes() == f.values_and_hashes()       # the places were not read
        assert Packed(*p.scalars(), p.blob(), sound=True).unpack() == f
