"""Formats written one file at a time (gklint.formatters.spool): a run keeps its findings in a spool, not in
memory, and writes exactly what sorting them all would give (paths in string order, cross-year findings in
their file's place, ties in arrival order)."""
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from gklint.cli import main
from gklint.formatters import render
from gklint.formatters.spool import Spool
from gklint.diagnostics import Diagnostic, Severity

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "reports" / "corpus"


def run(*args, jobs="1"):
    res = CliRunner().invoke(main, ["check", "--no-cache", "--jobs", jobs, "--color", "never", *map(str, args)],
                             catch_exceptions=False)
    assert res.exit_code in (0, 1), res.output
    return res.exit_code, res.stdout


@pytest.mark.parametrize("jobs", ["1", "2"])     # 2: findings encoded for the spool in the pool's workers
def test_streamed_formats_write_what_sorting_everything_gives(tmp_path, jobs):
    """Files met in an order other than their paths' (a/b.txt is checked before a-b.txt, which sorts first),
    with cross-year findings: concise and rich as render() writes them from the json findings."""
    files = sorted(CORPUS.glob("*.txt"))[:10]
    (tmp_path / "a").mkdir()
    for i, f in enumerate(files):
        target = tmp_path / ("a" if i % 2 else ".") / (f.name if i != 1 else "b.txt")
        shutil.copy(f, target)
    shutil.copy(files[2], tmp_path / "a-b.txt")
    code, out = run("--format", "json", tmp_path)
    found = [Diagnostic(**{**{k: v for k, v in d.items() if k not in ("agency", "year")},
                           "severity": Severity(d["severity"])}) for d in json.loads(out)]
    assert any(d.code.startswith("GK52") for d in found)
    for fmt in ("concise", "rich"):
        got_code, got = run("--format", fmt, tmp_path, jobs=jobs)
        import io

        want = io.StringIO()
        if fmt == "concise":
            render(found, fmt, want)
            assert got == want.getvalue()
        else:       # the rich summary names every checked file; the order of the file blocks is what matters
            blocks = [line for line in got.splitlines() if line.startswith(str(tmp_path))]
            assert blocks == sorted(blocks) and len(blocks) == len({d.path for d in found if d.severity.rank < 2})
        assert got_code == code


def test_spool_gives_each_path_sorted_with_the_findings_before_and_after():
    spool = Spool()
    d = lambda path, line, code="GK1": Diagnostic(path, line, 1, line, 2, Severity.ERROR, code, "n", "m")  # noqa: E731
    spool.add("b.txt", [d("b.txt", 3), d("b.txt", 1)])
    spool.add("a.txt", [d("a.txt", 2, "GK2"), d("elsewhere.txt", 1)])
    spool.add("b.txt", [d("b.txt", 2, "GK3", ).moved(fix={"edits": (1, 2)})])    # a fix JSON would not keep
    groups = list(spool.groups([d("a.txt", 2, "GK0")], [d("c.txt", 9), d("b.txt", 1, "GK0")]))
    assert [[(x.path, x.line, x.code) for x in g] for g in groups] == [
        [("a.txt", 2, "GK0"), ("a.txt", 2, "GK2")],
        [("b.txt", 1, "GK0"), ("b.txt", 1, "GK1"), ("b.txt", 2, "GK3"), ("b.txt", 3, "GK1")],
        [("c.txt", 9, "GK1")],
        [("elsewhere.txt", 1, "GK1")]]
    assert [bool(x.fix) for x in groups[1]] == [False, False, True, False]
    spool.close()


def test_a_spool_of_concise_lines_writes_what_the_findings_would():
    """Findings encoded in a worker as their concise lines sort and write as the findings themselves do."""
    import io

    from gklint.formatters import render_groups
    from gklint.formatters.spool import encode_concise

    d = lambda path, line, code, msg="m", sev=Severity.WARNING: Diagnostic(  # noqa: E731
        path, line, 1, line, 2, sev, code, "n", msg)
    files = {"b.txt": [d("b.txt", 3, "GK1"), d("b.txt", 1, "GK2", "多行\n消息")],
             "a.txt": [d("a.txt", 2, "GK2", "y"), d("a.txt", 2, "GK2", "x", Severity.ERROR), d("z.txt", 1, "GK1")]}
    before, after = [d("a.txt", 2, "GK2", "x")], [d("b.txt", 1, "GK0"), d("c.txt", 4, "GK5")]
    lines, plain = Spool(lines=True), Spool()
    errors = False
    for path, diags in files.items():
        encoded, error = encode_concise(path, diags)
        lines.add_encoded(encoded)
        plain.add(path, diags)
        errors = errors or error
    assert errors
    got, want = io.StringIO(), io.StringIO()
    render_groups(lines.groups(before, after), "concise", got)
    render(before + [x for ds in files.values() for x in ds] + after, "concise", want)
    assert got.getvalue() == want.getvalue() and "多行 消息" in got.getvalue()
    again = io.StringIO()
    render_groups(plain.groups(before, after), "concise", again)
    assert again.getvalue() == want.getvalue()


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_writing_a_spool_of_lines_at_once_writes_what_each_path_s_group_would(monkeypatch, encoding):
    """``Spool.write_lines`` (the concise output of a run): the bytes of many paths' lines copied to the
    stream's buffer when it is UTF-8, decoded otherwise, or when a line holds a lone surrogate (a file name
    that is no UTF-8); in order with what was written to the stream before, in batches of any size."""
    import io

    import gklint.formatters.spool as spool_mod
    from gklint.formatters import render_groups
    from gklint.formatters.spool import encode_concise

    monkeypatch.setattr(spool_mod, "WRITE_BATCH", 40)
    d = lambda path, line, code, msg="m": Diagnostic(path, line, 1, line, 2, Severity.WARNING, code, "n", msg)  # noqa: E731
    names = ["a.txt", "b.txt", "名\udcff.txt", "c.txt", "d.txt"]
    spool = Spool(lines=True)
    for name in names:
        spool.add_encoded(encode_concise(name, [d(name, 2, "GK2", "第二"), d(name, 1, "GK1")])[0])
    after = [d("b.txt", 1, "GK0"), d("e.txt", 4, "GK5")]
    want = io.StringIO()
    want.write("前言\n")
    render_groups(spool.groups((), after), "concise", want)
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding=encoding, errors="surrogateescape", newline="\n")
    stream.write("前言\n")
    spool.write_lines(stream, (), after)
    stream.flush()
    assert raw.getvalue().decode(encoding, "surrogateescape") == want.getvalue()
    text = io.StringIO()             # no buffer: written as text
    text.write("前言\n")
    spool.write_lines(text, (), after)
    assert text.getvalue() == want.getvalue()
    spool.close()
