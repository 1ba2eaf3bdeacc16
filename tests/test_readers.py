"""The reader stage: readers are plugins, content wins over the suffix, directories pick up every reader's
forms, and positions in a mapped view come back as positions in the original file."""
from __future__ import annotations

from pathlib import Path

import pytest

from gklint import readers as R
from gklint.diagnostics import Diagnostic, Span
from gklint.lint import collect_paths
from gklint.plugins import get_plugin_manager, hookimpl
from gklint.readers import Origin, PositionMap, Segment, SimpleReader, Source

SEED = Path(__file__).parent / "reports" / "seeds" / "004_c12fc4cb6f2af7bf.txt"


def _read_csv_report(data: bytes, path: str) -> Source:
    """A toy form: ';'-separated rows, the view with tabs; every view character one for one in the file."""
    text = data.decode("utf-8").replace(";", "\t")
    pm = PositionMap({n: [Segment(0, Origin(line=n, column=1))] for n in range(1, text.count("\n") + 2)})
    return Source(path, text, "utf-8", (), "toy", pm, original=data.decode("utf-8"))


class ToyPlugin:
    @hookimpl
    def gklint_readers(self):
        return [SimpleReader("toy", (".toy",), _read_csv_report, sniff=lambda head: head.startswith(b"TOY;"),
                             priority=50)]


@pytest.fixture
def toy_reader():
    pm, _ = get_plugin_manager()
    plugin = ToyPlugin()
    pm.register(plugin, name="toy-reader")
    R.readers.cache_clear()
    yield
    pm.unregister(plugin)
    R.readers.cache_clear()


def test_builtin_readers_are_registered_through_the_hook():
    names = {r.name for r in R.readers()}
    assert {"text", "html", "docx", "pdf"} <= names
    assert {".txt", ".md", ".html", ".htm", ".shtml", ".docx", ".pdf"} <= set(R.report_suffixes())


def test_a_plugin_reader_is_chosen_by_suffix_and_by_content(toy_reader, tmp_path):
    (tmp_path / "a.toy").write_text("x;1;2\n", encoding="utf-8")
    (tmp_path / "misnamed.txt").write_text("TOY;1;2\n", encoding="utf-8")
    (tmp_path / "plain.txt").write_text("TOYS are not a report\n", encoding="utf-8")
    assert R.read_path(tmp_path / "a.toy").format == "toy"
    assert R.read_path(tmp_path / "misnamed.txt").format == "toy"       # content wins over the name
    assert R.read_path(tmp_path / "plain.txt").format == "text"
    assert str(tmp_path / "a.toy") in collect_paths([str(tmp_path)])


def test_a_reader_that_raises_becomes_a_diagnostic(tmp_path):
    pm, _ = get_plugin_manager()

    class Broken:
        @hookimpl
        def gklint_readers(self):
            def boom(data, path):
                raise ValueError("bad bytes")
            return [SimpleReader("broken", (".brk",), boom, priority=99)]

    plugin = Broken()
    pm.register(plugin, name="broken-reader")
    R.readers.cache_clear()
    try:
        (tmp_path / "x.brk").write_bytes(b"whatever")
        src = R.read_path(tmp_path / "x.brk")
        assert src.text == "" and [d.code for d in src.problems] == ["GK009"]
    finally:
        pm.unregister(plugin)
        R.readers.cache_clear()


def test_text_reader_keeps_lines_and_columns_unmapped():
    src = R.read_path(SEED)
    assert src.format == "text" and not src.mapped and src.excerpt_text == src.text


def test_position_map_places_view_positions_in_the_original():
    pm = PositionMap({
        1: [Segment(0, Origin(line=17, column=100)), Segment(4, Origin(line=17, column=130), linear=False)],
        3: [Segment(0, Origin(page=2, location="表格 1 第 3 行第 2 格"))],
    })
    src = Source("a.html", "一二三四五\n\n规章", "utf-8", (), "html", pm)
    assert src.place(1, 3) == {"line": 17, "column": 102}                # linear: offset carried over
    assert src.place(1, 5) == {"line": 17, "column": 130}                # not linear: the segment's start
    assert src.place(2, 1) == {"line": 17, "column": 100}                # an unmapped (blank) line: its neighbour
    assert src.place(3, 1) == {"page": 2, "location": "表格 1 第 3 行第 2 格"}
    d = Diagnostic.at(Span(1, 2, 1, 4), path="a.html", code="GK101", name="n", message="m")
    moved = src.relocate(d)
    assert (moved.line, moved.column, moved.end_line, moved.end_column) == (17, 101, 17, 103)
    w = src.relocate(Diagnostic.at(Span(3, 1, 3, 3), path="a.html", code="GK301", name="n", message="m"))
    assert (w.line, w.column, w.page, w.location) == (3, 1, 2, "表格 1 第 3 行第 2 格")
    assert "page" not in d.to_dict() and w.to_dict()["page"] == 2


def test_line_numbers_in_messages_follow_the_map():
    pm = PositionMap({1: [Segment(0, Origin(line=17, column=5))], 2: [Segment(0, Origin(line=19, column=1))],
                      3: [Segment(0, Origin(page=4, location="第 4 页"))]})
    html = Source("a.html", "x\ny\nz", "utf-8", (), "html", pm)
    d = Diagnostic.at(Span.point(1, 1), path="a.html", code="GK107", name="n", message="重复（第 2 行已有；第 1–2 行）")
    assert html.relocate(d).message == "重复（第 19 行已有；第 17–19 行）"
    d3 = Diagnostic.at(Span.point(3, 1), path="a.pdf", code="GK502", name="n", message="为 5（第 3 行）")
    assert html.relocate(d3).message == "为 5（第 4 页，文本视图第 3 行）"


def test_word_and_pdf_files_may_be_larger_than_the_text_limit(tmp_path):
    pdf = (Path(__file__).parent / "reports" / "published" / "pingtan_2025_lo.pdf").read_bytes()
    padded = tmp_path / "with-images.pdf"
    padded.write_bytes(pdf + b"\n%" + b"x" * (5 * 1024 * 1024) + b"\n")    # 5 MB: fonts and images, say
    src = R.read_path(padded)
    assert src.format == "pdf" and "六、其他需要报告的事项" in src.text and not src.problems
    text = tmp_path / "big.txt"
    text.write_bytes(b"a" * (5 * 1024 * 1024))
    assert [d.code for d in R.read_path(text).problems] == ["GK017"]
    huge = tmp_path / "huge.pdf"
    huge.write_bytes(pdf + b"\n%" + b"x" * (R.DEFAULT_MAX_FILE_SIZE * R.CONTAINER_FACTOR) + b"\n")
    assert [d.code for d in R.read_path(huge).problems] == ["GK017"]
