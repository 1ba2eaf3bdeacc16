"""The concise lines a result cache entry keeps (gklint.cache, gklint.lint): a later concise run serves them as
they are when no suppression applies to the file, and otherwise (a comment, a sidecar added since, a damaged or
missing lines section) gives exactly what linting the file gives."""
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import gklint.lint
from gklint.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "tests" / "reports" / "seeds").glob("*.txt"))


def concise(*args) -> str:
    res = CliRunner().invoke(main, ["check", "--format", "concise", "--jobs", "1", *map(str, args)],
                             catch_exceptions=False)
    assert res.exit_code in (0, 1), res.output
    return res.stdout


@pytest.fixture
def linted(monkeypatch):
    calls = []
    real = gklint.lint._findings
    monkeypatch.setattr(gklint.lint, "_findings", lambda source, *a, **k: calls.append(source.path) or real(source, *a, **k))
    return calls


@pytest.fixture
def served_lines(monkeypatch):
    """The files whose stored lines were served as they are (looked up for lines, and not again for the
    diagnostics)."""
    from gklint.cache import ResultCache

    asked: dict = {}
    real = ResultCache.get

    def spy(self, path, data, lines=False):
        got = real(self, path, data, lines)
        asked[path] = lines and got is not None and got.diagnostics is None
        return got

    monkeypatch.setattr(ResultCache, "get", spy)

    class Served:
        def __iter__(self):
            return iter([p for p, lines in asked.items() if lines])

        def clear(self):
            asked.clear()

    return Served()


def entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("results/v*/*/*.json"))


def test_a_concise_run_serves_the_stored_lines(tmp_path, reports, linted, served_lines):
    cache = tmp_path / "cache"
    first = concise(reports, "--cache-dir", cache)
    assert first and len(linted) == 3
    linted.clear()
    assert concise(reports, "--cache-dir", cache) == first
    assert linted == [] and len(list(served_lines)) == 3
    assert concise(reports, "--no-cache") == first


def test_a_suppression_added_later_is_applied_to_stored_lines(tmp_path, reports, served_lines):
    cache = tmp_path / "cache"
    first = concise(reports, "--cache-dir", cache)
    victim = sorted(reports.iterdir())[0]
    code = next(line.split()[2] for line in first.splitlines() if line.startswith(str(victim)))
    (reports / (victim.name + ".gklint.toml")).write_text(f'ignore = ["{code}"]\n', encoding="utf-8")
    served_lines.clear()
    again = concise(reports, "--cache-dir", cache)
    assert again == concise(reports, "--no-cache") and again != first
    assert str(victim) not in list(served_lines) and len(list(served_lines)) == 2


def test_damaged_lines_give_the_diagnostics_and_entries_without_lines_serve_too(tmp_path, reports, linted):
    cache = tmp_path / "cache"
    first = concise(reports, "--cache-dir", cache)
    for e in entries(cache):       # the lines section ends the entry: its last line no longer ended
        blob = e.read_bytes()
        assert blob.endswith(b"\n")
        e.write_bytes(blob[:-1] + b"!")
    linted.clear()
    assert concise(reports, "--cache-dir", cache) == first and linted == []
    shutil.rmtree(cache)
    CliRunner().invoke(main, ["check", "--format", "json", "--jobs", "1", "--cache-dir", str(cache), str(reports)])
    linted.clear()
    assert concise(reports, "--cache-dir", cache) == first and linted == []   # a json run's entries: no lines


def test_suppression_comment_is_applied_when_lines_are_stored(tmp_path, linted):
    cache = tmp_path / "cache"
    d = tmp_path / "md"
    d.mkdir()
    text = SEEDS[0].read_text(encoding="utf-8")
    (d / "a.md").write_text(text, encoding="utf-8")
    plain = concise(d, "--no-cache")
    code = plain.splitlines()[0].split()[2]
    (d / "a.md").write_text(f"<!-- gklint-disable-file {code} -->\n" + text, encoding="utf-8")
    first = concise(d, "--cache-dir", cache)
    assert f" {code} " not in first
    linted.clear()
    assert concise(d, "--cache-dir", cache) == first and linted == []


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16"])
def test_a_lines_hit_reads_a_suppression_comment_in_any_encoding(tmp_path, encoding, served_lines):
    """A lines hit decodes its file only when the bytes may hold a suppression comment (gklint.cache
    ``_unmarked``): a file with the comment, in an encoding that writes ASCII as its own bytes or not (UTF-16),
    has it applied on the cached run as on the first; one without is served its lines."""
    from gklint.cache import _ascii_safe

    assert _ascii_safe("utf-8") and _ascii_safe("gb18030") and not _ascii_safe("utf-16") \
        and not _ascii_safe("utf-8-sig") and not _ascii_safe("no-such-codec")
    cache = tmp_path / "cache"
    d = tmp_path / "md"
    d.mkdir()
    text = SEEDS[0].read_text(encoding="utf-8")
    (d / "plain.md").write_text(text, encoding=encoding)
    code = concise(d, "--no-cache").splitlines()[0].split()[2]
    (d / "marked.md").write_text(f"<!-- gklint-disable-file {code} -->\n" + text, encoding=encoding)
    first = concise(d, "--cache-dir", cache)
    marked = [line for line in first.splitlines() if "marked.md" in line]
    assert marked and not any(f" {code} " in line for line in marked)
    assert any(f" {code} " in line for line in first.splitlines() if "plain.md" in line)
    served_lines.clear()
    assert concise(d, "--cache-dir", cache) == first
    assert [Path(p).name for p in served_lines] == ["plain.md"]
