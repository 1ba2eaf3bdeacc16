"""Reading a file for linting (gklint.readers.read_within): its bytes up to the size limit, asked for by the file's
size (not the limit), and still bounded by the limit when the file grows while it is read."""
from types import SimpleNamespace

import gklint.lint
from gklint.readers import read_within


def test_read_within_the_limit(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes(b"x" * 100)
    assert read_within(str(p), 100) == b"x" * 100
    assert read_within(str(p), 99) is None
    assert read_within(str(p), 0) == b"x" * 100          # 0: no limit
    assert read_within(str(p), None) == b"x" * 100       # None: the default limit
    assert read_within(str(tmp_path / "missing.txt"), None) is None
    assert read_within(str(tmp_path), None) is None      # a folder: read_path says why


def test_a_file_that_grew_since_its_size_was_taken(tmp_path, monkeypatch):
    p = tmp_path / "a.txt"
    p.write_bytes(b"y" * 100)
    monkeypatch.setattr(gklint.lint.os, "fstat", lambda fd: SimpleNamespace(st_size=10))
    assert read_within(str(p), 1000) == b"y" * 100       # all of it, though the size said 10
    assert read_within(str(p), 50) is None               # but never more than the limit
    assert read_within(str(p), 100) == b"y" * 100
