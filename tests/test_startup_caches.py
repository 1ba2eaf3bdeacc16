"""What the start-up reads instead of doing work again: the templates and the divisions' index kept as JSON
(gklint/model/template.py, gklint/model/divisions.py) and the plugins' entry points read from entry_points.txt
(gklint/plugins.py). A hit gives exactly what the slow path
gives; an edited template, a damaged entry, an installed or removed distribution is seen at once."""
from __future__ import annotations

import importlib
import importlib.metadata
import json
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from gklint import plugins
from gklint.model import template
from gklint.model.template import TEMPLATE_VERSIONS


# ---------------------------------------------------------------------------------------------------------
# Templates
# ---------------------------------------------------------------------------------------------------------


@pytest.fixture()
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("GKLINT_CACHE_DIR", str(tmp_path / "cache"))
    template._raw.cache_clear()
    yield tmp_path / "cache" / "templates"
    template._raw.cache_clear()


def yaml_data(version: str) -> dict:
    return template._parse_yaml(template.template_path(version).read_bytes())


@pytest.mark.parametrize("version", TEMPLATE_VERSIONS)
def test_a_stored_template_is_exactly_the_yaml_and_is_read_without_yaml(cache, version, monkeypatch):
    first = template._raw(version)
    assert first == yaml_data(version)
    assert len(list(cache.glob(f"template-{version}-*.json"))) == 1
    template._raw.cache_clear()

    def refuse(_blob):
        raise AssertionError("the template was read as YAML again")

    monkeypatch.setattr(template, "_parse_yaml", refuse)
    assert template._raw(version) == first


@pytest.mark.parametrize("content", [b"", b"{not json", b"\xff\xfe", b'{"source": "0", "data": {}}', b"[1, 2]",
                                     b'{"source": null}', b"[" * 100_000 + b"]" * 100_000])
def test_a_damaged_or_foreign_entry_is_a_miss(cache, content):
    good = template._raw("2021")
    (entry,) = cache.glob("template-2021-*.json")
    entry.write_bytes(content)
    template._raw.cache_clear()
    assert template._raw("2021") == good
    assert json.loads(entry.read_bytes())["data"] == good     # written again


def test_an_edited_template_file_is_another_entry(cache, tmp_path, monkeypatch):
    template._raw("2021")
    edited = tmp_path / "template-2021.yaml"
    edited.write_text(template.template_path("2021").read_text(encoding="utf-8").replace(
        "总体情况", "总体情况（改）", 1), encoding="utf-8")
    monkeypatch.setattr(template, "template_path", lambda _v: edited)
    template._raw.cache_clear()
    assert "总体情况（改）" in json.dumps(template._raw("2021"), ensure_ascii=False)
    assert len(list(cache.glob("template-2021-*.json"))) == 2


def test_data_json_cannot_carry_is_not_stored(cache, tmp_path, monkeypatch):
    odd = tmp_path / "template-2021.yaml"
    odd.write_text("version: '2021'\ndate: 2021-01-01\n1: one\n", encoding="utf-8")
    monkeypatch.setattr(template, "template_path", lambda _v: odd)
    got = template._raw("2021")
    assert got[1] == "one"
    assert not list(cache.glob("*.json"))


def test_an_unwritable_cache_only_costs_the_yaml(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("GKLINT_CACHE_DIR", str(blocker))
    template._raw.cache_clear()
    try:
        assert template._raw("2021") == yaml_data("2021")
    finally:
        template._raw.cache_clear()


def test_a_check_with_warm_caches_imports_only_what_it_uses(tmp_path, seed_dir):
    """The one-file path: packs, grammars and templates from the cache, entry points from their files, no reader
    for another form, no command it does not run, no result cache under --no-cache."""
    code = ("import sys; from gklint.cli import main\n"
            "try:\n    main(['check', '--no-cache', '--format', 'concise', sys.argv[1]])\n"
            "except SystemExit:\n    pass\n"
            "print('IMPORTED', sorted(m for m in ('yaml', 'importlib.metadata', 'email', 'rich', 'gklint.cli_packs',\n"
            "    'gklint.review.extract', 'gklint.readers.html', 'gklint.readers.docx', 'gklint.readers.pdf',\n"
            "    'gklint.cache') if m in sys.modules))\n")
    env = {**__import__("os").environ, "GKLINT_CACHE_DIR": str(tmp_path / "c"),
           "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    seed = str(seed_dir / "000_c9328f5ee1a3fe62.txt")
    for _ in range(2):      # the first run fills the caches
        out = subprocess.run([sys.executable, "-c", code, seed], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert "GK401" in out.stdout and "IMPORTED []" in out.stdout, out.stdout + out.stderr


# ---------------------------------------------------------------------------------------------------------
# The divisions' index
# ---------------------------------------------------------------------------------------------------------


@pytest.fixture()
def div_cache(tmp_path, monkeypatch) -> Path:
    from gklint.model import divisions

    monkeypatch.setenv("GKLINT_CACHE_DIR", str(tmp_path / "cache"))
    divisions._index.cache_clear()
    yield tmp_path / "cache" / "divisions"
    divisions._index.cache_clear()


def gazetteer() -> dict:
    """Every name the index knows and its places as (code, name), through the public look-up."""
    from gklint.model import divisions

    return {name: [(d.code, d.name) for d in divisions.lookup(name)] for name in divisions._index()}


def test_the_divisions_index_is_stored_once_and_read_back_without_the_tsv_work(div_cache, monkeypatch):
    from gklint.model import divisions

    built = gazetteer()
    assert built["宝鸡"] == [("6103", "宝鸡市")] and len(built["鼓楼区"]) == 4
    assert len(list(div_cache.glob("divisions-2023-*.json"))) == 1
    divisions._index.cache_clear()

    def refuse(_text):
        raise AssertionError("the index was built from the TSV again")

    monkeypatch.setattr(divisions, "_build", refuse)
    assert gazetteer() == built
    assert [(a, b, ds[0].name) for a, b, ds in divisions.places_in("云南省昭通市彝良县审计局")] == \
        [(0, 3, "云南省"), (3, 6, "昭通市"), (6, 9, "彝良县")]


@pytest.mark.parametrize("content", [b"", b"{not json", b"\xff\xfe", b"[1, 2]", b'{"source": null}',
                                     b"[" * 100_000 + b"]" * 100_000,
                                     b'{"source": "0", "names": "a", "places": "1\\ta"}'])
def test_a_damaged_or_foreign_divisions_entry_is_a_miss(div_cache, content):
    from gklint.model import divisions

    good = gazetteer()
    (entry,) = div_cache.glob("divisions-2023-*.json")
    entry.write_bytes(content)
    divisions._index.cache_clear()
    assert gazetteer() == good
    assert json.loads(entry.read_bytes())["names"].split("\n") == list(good)      # written again


def test_a_divisions_entry_whose_halves_do_not_match_is_a_miss(div_cache):
    from gklint.model import divisions

    good = gazetteer()
    (entry,) = div_cache.glob("divisions-2023-*.json")
    stored = json.loads(entry.read_bytes())
    stored["places"] = stored["places"].rsplit("\n", 1)[0]           # one line short
    entry.write_text(json.dumps(stored, ensure_ascii=False), encoding="utf-8")
    divisions._index.cache_clear()
    assert gazetteer() == good


def test_an_edited_divisions_file_is_another_entry(div_cache, tmp_path, monkeypatch):
    from gklint.model import divisions

    assert "试设县" not in gazetteer() and len(gazetteer()["眉县"]) == 1
    folder = tmp_path / "data"
    folder.mkdir()
    source = divisions.data_dir("divisions") / "divisions-2023.tsv"
    (folder / "divisions-2023.tsv").write_text(source.read_text(encoding="utf-8") + "999999\t试设县\n999998\t眉县\n",
                                               encoding="utf-8")
    monkeypatch.setattr(divisions, "data_dir", lambda _kind: folder)
    divisions._index.cache_clear()
    assert gazetteer()["试设"] == gazetteer()["试设县"] == [("999999", "试设县")]
    assert gazetteer()["眉县"][1:] == [("999998", "眉县")]        # a name looked up before is looked up again
    assert len(list(div_cache.glob("divisions-2023-*.json"))) == 2


def test_an_unwritable_cache_only_costs_building_the_divisions_index(tmp_path, monkeypatch):
    from gklint.model import divisions

    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("GKLINT_CACHE_DIR", str(blocker))
    divisions._index.cache_clear()
    try:
        assert [d.name for d in divisions.lookup("眉县")] == ["眉县"]
    finally:
        divisions._index.cache_clear()


# ---------------------------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------------------------


def listed(eps) -> list[tuple[str, str, str]]:
    return [(ep.name, ep.value, ep.group) for ep in eps]


def stdlib(group: str):
    importlib.invalidate_caches()    # folders changed within a test are listed again
    return listed(importlib.metadata.entry_points(group=group))


def dist(where: Path, folder: str, text: str | None) -> None:
    info = where / folder
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {folder.split('-')[0]}\nVersion: 1.0\n")
    if text is not None:
        (info / "entry_points.txt").write_text(text, encoding="utf-8")


@pytest.mark.parametrize("group", ["gklint", "console_scripts", "pytest11"])
def test_the_installed_entry_points_are_those_importlib_metadata_lists(group):
    assert listed(plugins.installed_entry_points(group)) == stdlib(group)


def test_entry_points_of_fake_sites_in_path_order_first_distribution_of_a_name_wins(tmp_path, monkeypatch):
    a, b = tmp_path / "a", tmp_path / "b"
    dist(a, "alpha_pack-1.0.dist-info", "# a comment\n[gklint]\nalpha = alpha_pack:plugin [extra]\n"
                                        "alpha2=alpha_pack.sub:obj.attr\n\n[console_scripts]\nalpha = alpha_pack:main\n")
    dist(a, "Beta.Pack-2.0.dist-info", "[gklint]\n  beta = beta_pack  \n")
    dist(a, "nothing-1.0.dist-info", None)
    dist(a, "legacy-0.1.egg-info", "[gklint]\nlegacy = legacy_mod\n")
    (a / "single-1.0.egg-info").write_text("Metadata-Version: 1.0\nName: single\n")   # an egg-info file
    dist(b, "Alpha.Pack-3.0.dist-info", "[gklint]\nshadowed = never\n")             # same name, later on the path
    dist(b, "beta_pack-1.0.dist-info", "[gklint]\nbeta_again = beta_pack2\n")        # Beta.Pack normalises alike
    dist(b, "gamma-1.0.dist-info", "[gklint]\ngamma = gamma:plugin\n[gklint]\ngamma = gamma:again\n")
    monkeypatch.setattr(sys, "path", [str(a), str(tmp_path / "missing"), str(b), *sys.path])
    got = listed(plugins.installed_entry_points("gklint"))
    assert got == stdlib("gklint")
    assert ("shadowed", "never", "gklint") not in got and ("beta_again", "beta_pack2", "gklint") not in got
    assert {"alpha", "alpha2", "beta", "legacy", "gamma"} <= {n for n, _v, _g in got}


def test_an_install_or_uninstall_is_seen_at_once(tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.setattr(sys, "path", [str(site), *sys.path])
    before = listed(plugins.installed_entry_points("gklint"))
    dist(site, "newpack-1.0.dist-info", "[gklint]\nnewpack = newpack\n")
    assert listed(plugins.installed_entry_points("gklint")) == [("newpack", "newpack", "gklint"), *before]
    (site / "newpack-1.0.dist-info" / "entry_points.txt").unlink()
    assert listed(plugins.installed_entry_points("gklint")) == before


def test_what_only_importlib_metadata_reads_is_left_to_it(tmp_path, monkeypatch):
    """A zip on sys.path, an upper-case folder suffix, a line that is no entry point: importlib.metadata decides."""
    z = tmp_path / "dists.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("zipped-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: zipped\nVersion: 1.0\n")
        zf.writestr("zipped-1.0.dist-info/entry_points.txt", "[gklint]\nzipped = zipped_mod\n")
    monkeypatch.setattr(sys, "path", [str(z), *sys.path])
    assert ("zipped", "zipped_mod", "gklint") in listed(plugins.installed_entry_points("gklint")) == stdlib("gklint")

    site = tmp_path / "site"
    dist(site, "Upper-1.0.DIST-INFO", "[gklint]\nupper = upper_mod\n")
    monkeypatch.setattr(sys, "path", [str(site), *sys.path])
    assert listed(plugins.installed_entry_points("gklint")) == stdlib("gklint")

    bad = tmp_path / "bad"
    dist(bad, "bad-1.0.dist-info", "[gklint]\nno equals sign here\n")
    monkeypatch.setattr(sys, "path", [str(bad), *sys.path])
    with pytest.raises(Exception) as theirs:
        stdlib("gklint")
    with pytest.raises(theirs.type):        # whatever importlib.metadata does with it (a TypeError in 3.11)
        plugins.installed_entry_points("gklint")


@pytest.mark.parametrize("value, expected", [("json", "json"), ("json:dumps", "dumps"),
                                             ("os.path : join [x]", "join"), ("json:decoder.JSONDecoder", "JSONDecoder")])
def test_an_entry_point_loads_what_importlib_metadata_loads(value, expected):
    ours = plugins.EntryPoint("x", value, "gklint").load()
    theirs = importlib.metadata.EntryPoint("x", value, "gklint").load()
    assert ours is theirs and getattr(ours, "__name__", "") == expected


# ---------------------------------------------------------------------------------------------------------
# Pack cache keys: bytes while a pack folder changes, stats once it is still
# ---------------------------------------------------------------------------------------------------------


@pytest.fixture()
def pack_dir(tmp_path) -> Path:
    from gklint.resources import rules_dir

    d = tmp_path / "pack"
    d.mkdir()
    for code in ("GK001", "GK301"):
        (d / f"{code}.yaml").write_bytes((rules_dir() / "national" / f"{code}.yaml").read_bytes())
    return d


def rewrite_keeping_times(path: Path, old: str, new: str) -> None:
    """Another content of the same size, its modification time put back (what a racy edit looks like)."""
    import os

    st = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text and len(old.encode()) == len(new.encode())
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_a_folder_changed_lately_is_keyed_by_its_bytes(pack_dir):
    from gklint.rules import pack_cache

    before = pack_cache._key(pack_dir, {})
    rewrite_keeping_times(pack_dir / "GK001.yaml", "GK001", "GK00X")
    assert pack_cache._key(pack_dir, {}) != before


def test_a_still_folder_is_found_by_its_files_stats_without_reading_them(pack_dir, tmp_path, monkeypatch):
    import builtins

    from gklint.rules import pack_cache

    monkeypatch.setenv("GKLINT_CACHE_DIR", str(tmp_path / "cache"))
    by_bytes = pack_cache._key(pack_dir, {})                 # just written: read, and no index kept
    assert not list((tmp_path / "cache").rglob("still-*"))
    monkeypatch.setattr(pack_cache, "STILL", -1e9)        # from here on every file counts as still
    assert pack_cache._key(pack_dir, {}) == by_bytes        # read once more, and the index is kept
    (index,) = (tmp_path / "cache").rglob("still-*.key")
    real_open = builtins.open

    def no_rule_files(file, *a, **k):
        assert not str(file).endswith(".yaml"), "a still folder's files were read"
        return real_open(file, *a, **k)

    monkeypatch.setattr(builtins, "open", no_rule_files)
    assert pack_cache._key(pack_dir, {}) == by_bytes        # the same key: what depends on it keeps its entries
    monkeypatch.setattr(builtins, "open", real_open)
    time.sleep(0.05)       # past the file clock's tick (the wait STILL stands for, here switched off)
    rewrite_keeping_times(pack_dir / "GK001.yaml", "GK001", "GK00X")   # its change time still moves
    edited = pack_cache._key(pack_dir, {})
    assert edited != by_bytes
    monkeypatch.setattr(pack_cache, "STILL", 1e9)         # never still: by the bytes alone
    assert pack_cache._key(pack_dir, {}) == edited
    monkeypatch.setattr(pack_cache, "STILL", -1e9)
    for bad in (b"", b"not a key", b"0" * 31, b"Z" * 32):
        for f in (tmp_path / "cache").rglob("still-*.key"):
            f.write_bytes(bad)
        assert pack_cache._key(pack_dir, {}) == edited      # a damaged index is read past
