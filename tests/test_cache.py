"""The result cache (gklint.cache): a second run gives the same output without linting again, and never serves
results for changed content, rules, packs, configuration or gklint version; parallel runs give the serial run's
results from workers that inherit the loaded rule set."""
import json
import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

import gklint
import gklint.lint
from gklint.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "tests" / "reports" / "seeds").glob("*.txt"))
PUBLISHED = ROOT / "tests" / "reports" / "published"


@pytest.fixture(autouse=True)
def no_env(monkeypatch):
    monkeypatch.delenv("GKLINT_CACHE_DIR", raising=False)
    monkeypatch.delenv("GKLINT_NO_CACHE", raising=False)


@pytest.fixture
def linted(monkeypatch):
    """How many files went through the lint pipeline (read → parse → rules) in this process."""
    calls = []
    real = gklint.lint._findings

    def counting(source, *args, **kwargs):
        calls.append(source.path)
        return real(source, *args, **kwargs)

    monkeypatch.setattr(gklint.lint, "_findings", counting)
    return calls


def check(*args, env=None, input=None):
    res = CliRunner().invoke(main, ["check", "--format", "json", "--jobs", "1", *map(str, args)], env=env,
                             input=input, catch_exceptions=False)
    assert res.exit_code in (0, 1), res.output
    return json.loads(res.stdout)


def entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("results/v*/*/*.json"))


def test_second_run_is_served_from_the_cache(tmp_path, reports, linted):
    cache = tmp_path / "cache"
    files = [reports, PUBLISHED / "pingtan_2025.html", PUBLISHED / "pingtan_2025.docx"]
    first = check(*files, "--cache-dir", cache)
    assert len(linted) == 5 and len(entries(cache)) == 5
    linted.clear()
    assert check(*files, "--cache-dir", cache) == first
    assert linted == []
    assert check(*files, "--no-cache") == first


def test_every_bundled_report_reads_back_equal(tmp_path, linted):
    """Each report of tests/reports (text, Markdown, web page, Word, PDF): what the cache serves is what
    linting gives, findings (with their extra), text and cross-year facts alike."""
    from gklint.cache import ResultCache, run_key
    from gklint.rules.engine import load_ruleset

    rs = load_ruleset().select([], [])
    cache = ResultCache.open(tmp_path, run_key(rs))
    files = sorted(str(p) for p in (ROOT / "tests" / "reports").rglob("*")
                   if p.suffix in (".txt", ".md", ".html", ".docx", ".pdf") and p.name != "README.md")
    for f in files:
        fresh = gklint.lint.lint_file(f, rs)
        assert gklint.lint.lint_file(f, rs, cache=cache) == fresh
        linted.clear()
        served = gklint.lint.lint_file(f, rs, cache=cache)
        assert linted == [] and served == fresh, f
        assert [d.extra for d in served[2]] == [d.extra for d in fresh[2]]
    assert len(entries(tmp_path)) == len(files)


def test_edited_file_is_linted_again(tmp_path, reports, linted):
    cache, f = tmp_path / "cache", reports / SEEDS[0].name
    before = check(f, "--cache-dir", cache)
    text = f.read_text(encoding="utf-8")
    f.write_text(text.replace("一、总体情况", "一、总体情况\n一、总体情况", 1), encoding="utf-8")
    linted.clear()
    after = check(f, "--cache-dir", cache)
    assert linted == [str(f)] and after != before and after == check(f, "--no-cache")
    assert len(entries(cache)) == 1          # the edit replaced the entry of that file


RULE = """
    code: TP101
    name: cache-probe
    summary: 第六部分写明某个词
    severity: warning
    kind: pattern
    scope: section
    options: {{pattern: 不会出现的词语, mode: required, section: 6}}
    message: '{message}'
    rationale: 测试用。
    examples: {{good: 不会出现的词语, bad: 无}}
"""


def test_changed_rule_file_in_a_pack_is_not_served_stale(tmp_path, reports, linted):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "pack.yaml").write_text("name: probe\nprefix: TP\n", encoding="utf-8")
    rule = pack / "TP101.yaml"
    rule.write_text(textwrap.dedent(RULE.format(message="旧的说明")), encoding="utf-8")
    cache = tmp_path / "cache"
    first = check(reports, "--pack", pack, "--cache-dir", cache)
    assert {d["message"] for d in first if d["code"] == "TP101"} == {"旧的说明"}
    rule.write_text(textwrap.dedent(RULE.format(message="新的说明")), encoding="utf-8")
    linted.clear()
    second = check(reports, "--pack", pack, "--cache-dir", cache)
    assert {d["message"] for d in second if d["code"] == "TP101"} == {"新的说明"} and len(linted) == 3


@pytest.mark.parametrize("before, after", [
    ('select = ["GK1", "GK2"]\n', 'select = ["GK2"]\n'),
    ('severity = { GK204 = "warning" }\n', 'severity = { GK204 = "error" }\n'),
    ("max-findings-per-rule = 100\n", "max-findings-per-rule = 1\n"),
])
def test_changed_configuration_is_not_served_stale(tmp_path, reports, linted, before, after):
    config, cache = reports / ".gklint.toml", tmp_path / "cache"
    config.write_text(before, encoding="utf-8")
    first = check(reports, "--cache-dir", cache)
    config.write_text(after, encoding="utf-8")
    linted.clear()
    second = check(reports, "--cache-dir", cache)
    assert len(linted) == 3 and second != first and second == check(reports, "--no-cache")


def test_another_gklint_version_is_not_served(tmp_path, reports, linted, monkeypatch):
    cache = tmp_path / "cache"
    first = check(reports, "--cache-dir", cache)
    monkeypatch.setattr(gklint, "__version__", "99.0")
    linted.clear()
    assert check(reports, "--cache-dir", cache) == first and len(linted) == 3
    linted.clear()
    check(reports, "--cache-dir", cache)
    assert linted == []                      # the new version has its own entries


@pytest.mark.parametrize("damage", [
    lambda b: b[: len(b) // 2],                                   # an interrupted write
    lambda b: b"\x00\xff" * 20,                                   # garbage
    lambda b: b'{"path": 1}',                                     # someone else's JSON
    lambda b: b.replace(b'"diagnostics":[[', b'"diagnostics":[["x",', 1),   # the right shape, wrong types
    lambda b: b"[" * 100000,                                      # nested past the decoder's recursion limit
])
def test_damaged_entry_is_a_miss(tmp_path, reports, linted, damage):
    cache = tmp_path / "cache"
    first = check(reports, "--cache-dir", cache)
    for e in entries(cache):
        e.write_bytes(damage(e.read_bytes()))
    linted.clear()
    assert check(reports, "--cache-dir", cache) == first and len(linted) == 3
    linted.clear()
    assert check(reports, "--cache-dir", cache) == first and linted == []   # rewritten whole


def test_no_cache_neither_reads_nor_writes(tmp_path, reports, linted):
    cache = tmp_path / "cache"
    check(reports, "--no-cache", "--cache-dir", cache)
    assert entries(cache) == []
    check(reports, "--cache-dir", cache)
    linted.clear()
    check(reports, "--no-cache", "--cache-dir", cache)
    assert len(linted) == 3
    linted.clear()
    check(reports, "--cache-dir", cache, env={"GKLINT_NO_CACHE": "1"})
    assert len(linted) == 3


def test_standard_input_is_never_cached(tmp_path):
    cache = tmp_path / "cache"
    got = check("-", "--stdin-filename", "年报.txt", "--cache-dir", cache, input=SEEDS[0].read_bytes())
    assert got and entries(cache) == []


def test_cache_folder_from_environment_and_configuration(tmp_path, reports):
    env_dir, cfg_dir = tmp_path / "from-env", reports / "from-config"
    (reports / ".gklint.toml").write_text('cache-dir = "from-config"\n', encoding="utf-8")
    check(reports)
    assert len(entries(cfg_dir)) == 3
    check(reports, env={"GKLINT_CACHE_DIR": str(env_dir)})
    assert len(entries(env_dir)) == 3
    top = cfg_dir / "results"
    assert (top / "CACHEDIR.TAG").exists() and (top / ".gitignore").read_text() == "*\n"


def test_old_run_folders_are_pruned(tmp_path, reports, monkeypatch):
    import gklint.cache

    monkeypatch.setattr(gklint.cache, "KEEP_RUNS", 2)
    cache = tmp_path / "cache"
    for select in ("GK1", "GK2", "GK3", "GK4"):
        check(reports, "--select", select, "--cache-dir", cache)
    assert len(list(cache.glob("results/v*/*"))) == 2


def test_sidecar_suppression_added_later_still_applies(tmp_path, reports, linted):
    cache, f = tmp_path / "cache", reports / SEEDS[1].name
    first = check(f, "--cache-dir", cache)
    code = first[0]["code"]
    (reports / (f.name + ".gklint.toml")).write_text(f'ignore = ["{code}"]\n', encoding="utf-8")
    linted.clear()
    second = check(f, "--cache-dir", cache)
    assert linted == [] and code not in {d["code"] for d in second}


def test_unwritable_cache_folder_means_no_cache(tmp_path, reports):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    assert check(reports, "--cache-dir", blocker / "cache") == check(reports, "--no-cache")


# --- parallel by default -------------------------------------------------------------------------------------

def test_parallel_workers_inherit_the_loaded_rules(tmp_path, monkeypatch):
    """12 files over 2 workers: the serial results, in input order, and no worker loads the rules again."""
    from gklint.rules.engine import load_ruleset

    for i in range(12):
        shutil.copy(SEEDS[i % len(SEEDS)], tmp_path / f"{i:02d}.txt")
    files = sorted(str(p) for p in tmp_path.iterdir())
    rs = load_ruleset().select([], [])
    serial_facts: list = []
    serial = list(gklint.lint.lint_paths(files, rs, jobs=1, facts=serial_facts))

    def refuse(*_a, **_k):
        raise AssertionError("a worker rebuilt the rule set")

    monkeypatch.setattr(gklint.lint, "load_ruleset", refuse)
    parallel_facts: list = []
    parallel = list(gklint.lint.lint_paths(files, rs, jobs=2, facts=parallel_facts))
    assert [p for p, _t, _d in parallel] == files
    assert parallel == serial and parallel_facts == serial_facts


def test_parallel_run_mixing_cached_and_new_files_keeps_the_order(tmp_path):
    from gklint.cache import ResultCache, run_key
    from gklint.rules.engine import load_ruleset

    for i in range(30):
        shutil.copy(SEEDS[i % len(SEEDS)], tmp_path / f"{i:02d}.txt")
    files = sorted(str(p) for p in tmp_path.glob("*.txt"))
    rs = load_ruleset().select([], [])
    cache = ResultCache.open(tmp_path / "cache", run_key(rs))
    list(gklint.lint.lint_paths(files[::3], rs, jobs=1, cache=cache))          # every third file cached
    serial_facts: list = []
    serial = list(gklint.lint.lint_paths(files, rs, jobs=1, facts=serial_facts))
    for _ in range(2):                                                         # half cached, then all cached
        got_facts: list = []
        assert list(gklint.lint.lint_paths(files, rs, jobs=2, cache=cache, facts=got_facts)) == serial
        assert got_facts == serial_facts


def test_jobs_accepts_auto_and_numbers(reports):
    runner = CliRunner()
    for value in ("auto", "0", "1", "2"):
        res = runner.invoke(main, ["check", "--format", "concise", "--no-cache", "--jobs", value, str(reports)])
        assert res.exit_code in (0, 1), res.output
    res = runner.invoke(main, ["check", "--no-cache", "--jobs", "-1", str(reports)])
    assert res.exit_code == 2 and "--jobs" in res.output


# --- packed facts and the cross-year findings of a whole run ---------------------------------------------------

def test_packed_facts_unpack_equal_and_a_damaged_blob_is_read_again(tmp_path):
    """What travels from a worker and sits in an entry (gklint.review.store) gives the same Facts back; a blob
    that does not unpack (a foreign entry) gives the facts of the file read again, never an error."""
    from gklint.api import parse_source
    from gklint.readers import read_path
    from gklint.review.facts import report_facts
    from gklint.review.store import FactStore, Packed

    files = [*SEEDS[:2], PUBLISHED / "pingtan_2025.docx"]
    store = FactStore()
    full = []
    for f in files:
        src = read_path(str(f))
        full.append(report_facts(parse_source(src), src))
        store.append(Packed.of(full[-1]))
    assert [p.unpack() for p in store] == full
    bad = Packed(*store[0].scalars(), b'[[["t3"]],[1],"zz",[],[1],[]]')
    assert bad.unpack() == full[0]


def test_unchanged_run_serves_its_cross_year_findings(tmp_path, monkeypatch):
    """The cross-year findings are kept per set of facts: an unchanged run does not run the corpus rules (nor
    unpack any facts); a changed report, or another agency map, runs them again."""
    import gklint.review.crossyear as crossyear

    reports = ROOT / "tests" / "reports" / "corpus"
    d = tmp_path / "reports"
    shutil.copytree(reports, d)
    cache = tmp_path / "cache"
    first = check(d, "--cache-dir", cache)
    assert any(x["code"].startswith("GK52") for x in first)
    calls = []
    real = crossyear.run_corpus_rules
    monkeypatch.setattr(crossyear, "run_corpus_rules", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert check(d, "--cache-dir", cache) == first and calls == []
    agencies = tmp_path / "agencies.yaml"
    agencies.write_text("某某县人民政府: [某某县政府办公室]\n", encoding="utf-8")
    check(d, "--cache-dir", cache, "--agencies", agencies)
    assert calls == [1]
    victim = sorted(d.glob("*.txt"))[0]
    victim.write_text(victim.read_text(encoding="utf-8").replace("2", "3"), encoding="utf-8")
    changed = check(d, "--cache-dir", cache)
    assert calls == [1, 1] and changed == check(d, "--no-cache")


def test_workers_serve_hits_on_a_large_run(tmp_path, monkeypatch):
    """Past WORKERS_PROBE_FROM files the workers look files up in the cache themselves (the parent does not):
    half cached, then all cached, the serial results in input order; edited files are linted again."""
    from gklint.cache import ResultCache, run_key
    from gklint.rules.engine import load_ruleset

    monkeypatch.setattr(gklint.lint, "WORKERS_PROBE_FROM", 4)
    parent_probes = []
    real = gklint.lint.cached_file
    monkeypatch.setattr(gklint.lint, "cached_file", lambda *a: parent_probes.append(a[0]) or real(*a))
    for i in range(20):
        shutil.copy(SEEDS[i % len(SEEDS)], tmp_path / f"{i:02d}.txt")
    files = sorted(str(p) for p in tmp_path.glob("*.txt"))
    rs = load_ruleset().select([], [])
    cache = ResultCache.open(tmp_path / "cache", run_key(rs))
    list(gklint.lint.lint_paths(files[::2], rs, jobs=1, cache=cache))
    serial_facts: list = []
    serial = list(gklint.lint.lint_paths(files, rs, jobs=1, facts=serial_facts))
    for _ in range(2):
        got_facts: list = []
        assert list(gklint.lint.lint_paths(files, rs, jobs=2, cache=cache, facts=got_facts)) == serial
        assert got_facts == serial_facts
    assert parent_probes == []
    assert len(entries(tmp_path / "cache")) == 20
    Path(files[3]).write_text(Path(files[3]).read_text(encoding="utf-8") + "\n多出的一段。\n", encoding="utf-8")
    fresh = list(gklint.lint.lint_paths(files, rs, jobs=1))
    assert list(gklint.lint.lint_paths(files, rs, jobs=2, cache=cache)) == fresh


def test_cached_facts_stay_in_their_entries_and_a_changed_entry_is_read_again(tmp_path):
    """A hit's facts refer to their place in the cache entry (gklint.review.store): the run's store holds no
    blob of theirs, yet gives the same facts, digest and cross-year findings as a run without the cache; an
    entry rewritten since it was read gives the facts of the file read again."""
    from gklint.cache import ResultCache, run_key
    from gklint.review.store import FactStore, read_ref
    from gklint.rules.engine import load_ruleset

    d = tmp_path / "reports"
    shutil.copytree(ROOT / "tests" / "reports" / "corpus", d)
    files = sorted(str(p) for p in d.glob("*.txt"))
    rs = load_ruleset().select([], [])
    cache = ResultCache.open(tmp_path / "cache", run_key(rs))
    list(gklint.lint.lint_paths(files, rs, jobs=1, cache=cache))       # fills the cache
    served, fresh = FactStore(), FactStore()
    assert list(gklint.lint.lint_paths(files, rs, jobs=1, cache=cache, facts=served)) == \
        list(gklint.lint.lint_paths(files, rs, jobs=1, facts=fresh))
    assert all(p is None or p.ref is not None for p in served)
    assert served._end * 4 < fresh._end         # headers only: the blobs stayed in the entries
    assert [p and p.unpack() for p in served] == [p and p.unpack() for p in fresh]
    assert served.digest() == fresh.digest()
    found = gklint.lint.corpus_diagnostics(served, rs)
    assert found and found == gklint.lint.corpus_diagnostics(fresh, rs)
    i, victim = next((i, p) for i, p in enumerate(served) if p is not None)
    entry, at, size, _sha = victim.ref
    raw = bytearray(Path(entry).read_bytes())
    raw[at:at + size] = b"x" * size
    Path(entry).write_bytes(bytes(raw))
    with pytest.raises(ValueError):
        read_ref(victim.ref)
    assert victim.unpack() == fresh[i].unpack()
    victim.sound = True      # (known to unpack before the entry changed: its head is read, and is not there)
    assert victim.values_and_hashes() == fresh[i].values_and_hashes()
    Path(entry).unlink()
    assert served[i].unpack() == fresh[i].unpack()
