"""The kept programs of compiled patterns (gklint.regexcache): what is stored compiles to exactly what ``re``
compiles, a kept pattern is served without ``re``'s compiler, a damaged file is a miss, the file is bounded, and a
parallel run stores what its workers compiled."""
import base64
import json
import re
import shutil
import sys
from array import array
from re import _compiler, _parser

import _sre
import pytest

from gklint import regexcache

from conftest import SEEDS, gk

RE_COMPILE = getattr(_compiler.compile, "__wrapped__", _compiler.compile)    # re's own, hook or not

pytestmark = pytest.mark.skipif(sys.version_info[:2] not in regexcache._VERSIONS,
                                reason="gklint keeps no compiled patterns on this Python")


def _stored(cache_dir):
    files = list((cache_dir / "regex").glob("*.json"))
    assert len(files) == 1
    return json.loads(files[0].read_text(encoding="utf-8"))


def _compiled(key, entry):
    flags, pattern = key.split(":", 1)
    code = array("I")
    code.frombytes(base64.b64decode(entry[1]))
    return pattern, int(flags), _sre.compile(pattern, entry[0], code.tolist(), entry[2], entry[3], tuple(entry[4]))


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    """This process's re with the hook installed afresh over an empty cache folder; all of it undone after."""
    monkeypatch.setenv("GKLINT_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(_compiler, "compile", RE_COMPILE)
    monkeypatch.setattr(regexcache, "_table", None)
    monkeypatch.setattr(regexcache, "_new", {})
    monkeypatch.setattr(regexcache, "_where", None)
    monkeypatch.setattr("atexit.register", lambda f: None)
    assert regexcache.install()
    return tmp_path


def _reset(monkeypatch):
    """As a new process would start: nothing read, nothing made."""
    monkeypatch.setattr(regexcache, "_table", None)
    monkeypatch.setattr(regexcache, "_new", {})
    monkeypatch.setattr(regexcache, "_where", None)


def test_a_check_stores_programs_that_compile_to_what_re_compiles(tmp_path):
    first = gk("check", "--no-cache", "--format", "json", str(SEEDS[4]), env={"GKLINT_CACHE_DIR": str(tmp_path)})
    stored = _stored(tmp_path)
    assert len(stored) > 50       # the model's, the rules' and the packs' patterns
    for key, entry in stored.items():
        pattern, flags, made = _compiled(key, entry)
        assert made == RE_COMPILE(pattern, flags), key      # Pattern equality compares flags and program
        assert made.groupindex == re.compile(pattern, flags).groupindex
    second = gk("check", "--no-cache", "--format", "json", str(SEEDS[4]), env={"GKLINT_CACHE_DIR": str(tmp_path)})
    assert (second.returncode, second.stdout) == (first.returncode, first.stdout)
    assert json.loads(second.stdout)


def test_a_kept_pattern_is_served_without_res_compiler(fresh, monkeypatch):
    pattern = r"(?P<year>20\d\d)年(?P<label>[一-龥]{2,8})(?:[、，](?P=label))?"
    made = _compiler.compile(pattern, re.I)
    assert made == RE_COMPILE(pattern, re.I)
    regexcache.flush()
    assert f"{re.I.value}:{pattern}" in _stored(fresh)
    _reset(monkeypatch)

    def no_parsing(*a, **k):
        raise AssertionError("re's parser was called for a kept pattern")

    monkeypatch.setattr(_parser, "parse", no_parsing)
    again = _compiler.compile(pattern, re.I)
    assert again == made and again.groupindex == {"year": 1, "label": 2}
    assert again.match("2023年主动公开、主动公开").group("label") == "主动公开"
    with pytest.raises(AssertionError):      # a pattern not kept goes to re's compiler (here: no parser)
        _compiler.compile(pattern + "x", re.I)


@pytest.mark.parametrize("damage", ["not json", "[1, 2]", '{"0:a+": [0, "!!", 0, {}, []]}',
                                    '{"0:a+": "x"}', "{\"0:a+\": [0, \"%s\", 0, {}, []]}"])
def test_a_damaged_file_is_a_miss(fresh, monkeypatch, damage):
    if "%s" in damage:     # base64 of a program _sre's validation refuses
        damage = damage % base64.b64encode(array("I", [99999, 1, 2]).tobytes()).decode()
    (fresh / "regex").mkdir()
    where = regexcache._file()
    where.write_text(damage, encoding="utf-8")
    made = _compiler.compile("a+", 0)
    assert made == RE_COMPILE("a+", 0) and made.match("aaa").group() == "aaa"


def test_the_file_is_bounded(fresh, monkeypatch):
    monkeypatch.setattr(regexcache, "MAX_ENTRIES", 3)
    for i in range(6):
        assert _compiler.compile(f"[甲-癸]{{{i + 1}}}", 0).fullmatch("甲" * (i + 1))
    regexcache.flush()
    assert len(_stored(fresh)) == 3


def test_bytes_and_debug_compiles_are_left_to_re(fresh):
    assert _compiler.compile(b"ab+", 0).match(b"abb")
    assert not regexcache._new
    regexcache.flush()
    assert not (fresh / "regex").exists() or not list((fresh / "regex").glob("*.json"))


def test_a_parallel_run_stores_what_its_workers_compiled(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    for i, seed in enumerate(SEEDS * 3):
        shutil.copy(seed, folder / f"{i:02d}_{seed.name}")
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    one = gk("check", "--no-cache", "--jobs", "1", "--format", "json", str(folder), env={"GKLINT_CACHE_DIR": str(serial)})
    two = gk("check", "--no-cache", "--jobs", "2", "--format", "json", str(folder),
             env={"GKLINT_CACHE_DIR": str(parallel)})
    assert one.stdout == two.stdout
    # the parent of a parallel run lints nothing: the patterns the checks compile on first use were the workers'
    assert set(_stored(serial)) <= set(_stored(parallel))


def test_installed_before_anything_else_is_imported(tmp_path):
    """A caller that installs the hook first (before json, which compiles patterns as it is imported) gets a
    working re and gklint, and the patterns kept."""
    import os
    import subprocess

    from conftest import ROOT

    code = ("from gklint import regexcache\nassert regexcache.install()\n"
            "import json, re\nfrom gklint.api import parse_file\n"
            f"print(len(parse_file({str(SEEDS[0])!r}).report.tables), bool(re.compile('[一-龥]+x').match('中文x')))\n")
    env = {**os.environ, "GKLINT_CACHE_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    for _ in range(2):      # the first run stores the table, the second reads it
        got = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
        assert (got.returncode, got.stdout.split()[1:]) == (0, ["True"]), got.stderr
        assert int(got.stdout.split()[0]) >= 3
    assert _stored(tmp_path)


def test_an_entry_that_is_not_well_formed_is_a_miss_when_used(fresh):
    """Entries are checked when a compile finds them (not all when the file is read): a valid program with
    group names that are not numbers is compiled by re, as a damaged file is."""
    regexcache._keep("0:(?P<g>a+)", "(?P<g>a+)", 0, RE_COMPILE("(?P<g>a+)", 0), _sre, _compiler, _parser)
    entry = regexcache._new.pop("0:(?P<g>a+)")
    entry[3] = {"g": "one"}
    (fresh / "regex").mkdir()
    regexcache._file().write_text(json.dumps({"0:(?P<g>a+)": entry, "0:b+": "x"}), encoding="utf-8")
    made = _compiler.compile("(?P<g>a+)", 0)
    assert made == RE_COMPILE("(?P<g>a+)", 0) and made.groupindex == {"g": 1}
    assert _compiler.compile("b+", 0) == RE_COMPILE("b+", 0)
