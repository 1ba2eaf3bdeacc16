"""Every finding of the national pack on every real report is pinned, so a rule change that adds or drops a
finding shows up in review. After an intended change: python tests/snapshots/snapshot.py, then read the diff."""
import difflib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "snapshots"))

import snapshot  # noqa: E402


def test_findings_on_real_reports_are_pinned():
    want = snapshot.SNAPSHOT.read_text(encoding="utf-8")
    got = snapshot.render()
    if got != want:
        diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True), "findings.txt", "now", n=0))
        raise AssertionError("findings changed (run tests/snapshots/snapshot.py if intended):\n" + diff[:6000])


def test_seed_004_has_no_error_and_no_warning():
    text = snapshot.render().split("## ")
    seed = next(part for part in text if part.startswith("seeds/004"))
    assert " error " not in seed and " warning " not in seed, seed
