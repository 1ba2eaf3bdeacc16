"""`gklint check --format html`: the self-contained review report, opened in a real headless Chromium."""
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from conftest import REPORTS
from conftest import gk  # noqa: E402

ARTIFACTS = Path(__file__).parent / "artifacts"     # screenshots (not committed: .gitignore)
INPUTS = [str(REPORTS / "seeds"), str(REPORTS / "corpus"), str(REPORTS / "published")]


@pytest.fixture(scope="module")
def review(tmp_path_factory):
    out = tmp_path_factory.mktemp("html") / "review.html"
    score = out.parent / "score.yaml"
    score.write_text("base: 100\ndeductions: {GK3: 2, GK2: 1, GK52: 5}\ncaps: {GK2: 5}\n", encoding="utf-8")
    p = gk("check", *INPUTS, "--format", "html", "-o", str(out), "--score", str(score))
    assert p.returncode == 1, p.stderr
    found = json.loads(gk("check", *INPUTS, "--format", "json").stdout)
    return out, found


def test_self_contained(review):
    html = review[0].read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=|@import|url\(|@font-face", html)
    assert html.startswith("<!DOCTYPE html>") and 'charset="utf-8"' in html


def test_in_headless_chromium(review):
    from browser.cdp import Browser, chromium_path

    if chromium_path() is None:
        if os.environ.get("GKLINT_REQUIRE_CHROMIUM"):
            pytest.fail("chromium is not installed (.ci/run installs it)")
        pytest.skip("chromium not installed (.ci/run installs Debian's chromium)")
    path, found = review
    per_file = Counter(d["path"] for d in found)
    b = Browser()
    try:
        b.open(path.resolve().as_uri())
        assert b.console_problems() == []
        # the overview: one grid row per agency, 平潭 with its five years; the rule chart; the ranking
        assert b.eval("document.querySelectorAll('#grid tr').length") > 10
        row = b.eval("Array.from(document.querySelectorAll('#grid tr')).find(r => r.cells[0].textContent === "
                     "'平潭综合实验区').querySelectorAll('td:not(.absent)').length")
        assert row == 5   # 2018, 2021, 2023, 2024, 2025 (2025: the crawl and the three published forms)
        assert b.eval("document.querySelectorAll('#rule-chart rect').length") == min(25, len({d['code'] for d in found}))
        assert b.eval("document.querySelector('#ranking-table tr:nth-child(2) td:nth-child(7)').textContent") != ""
        # every report with all its findings
        sections = b.eval("Array.from(document.querySelectorAll('section.report')).map(s => "
                          "[s.querySelector('h3').textContent, s.querySelectorAll('tr.finding').length])")
        assert {p: n for p, n in sections if n} == dict(per_file)
        from gklint.lint import collect_paths

        assert [p for p, _ in sections] == collect_paths(INPUTS)
        pdf = b.eval("Array.from(document.querySelectorAll('section.report')).find(s => "
                     "s.querySelector('h3').textContent.endsWith('hongzequ_2023.pdf')).querySelector('tr.finding td:nth-child(2)').textContent")
        assert re.search(r"第 \d+ 页", pdf)
        # Chinese is drawn with an installed CJK font, not boxes: the same text is wider than Latin fallback
        assert b.eval("document.fonts.check('16px \"WenQuanYi Zen Hei\"') || document.fonts.check('16px \"Noto Sans CJK SC\"')")
        # the filters
        def visible():
            return b.eval("Array.from(document.querySelectorAll('tr.finding')).filter(t => t.offsetParent !== null).length")

        assert visible() == len(found)
        b.eval("var s=document.getElementById('f-severity'); s.value='error'; s.dispatchEvent(new Event('change'))")
        assert visible() == sum(d["severity"] == "error" for d in found) > 0
        assert b.eval("Array.from(document.querySelectorAll('section.report')).filter(s => s.offsetParent !== null)"
                      ".every(s => s.querySelector('tr.finding:not(.hidden)'))")
        b.eval("var s=document.getElementById('f-severity'); s.value=''; s.dispatchEvent(new Event('change'));"
               "var r=document.getElementById('f-rule'); r.value='GK524'; r.dispatchEvent(new Event('change'))")
        assert visible() == sum(d["code"] == "GK524" for d in found) == 1
        b.eval("var r=document.getElementById('f-rule'); r.value=''; r.dispatchEvent(new Event('change'));"
               "var a=document.getElementById('f-agency'); a.value='平潭综合实验区'; a.dispatchEvent(new Event('change'))")
        pingtan = b.eval("Array.from(document.querySelectorAll('section.report')).filter(s => s.offsetParent !== null)"
                         ".map(s => s.dataset.agency)")
        assert set(pingtan) == {"平潭综合实验区"} and len(pingtan) == 8
        # the explain text of a rule, linked from a finding
        assert "## 为什么" in b.eval("document.getElementById('rule-GK524').textContent")
        b.eval("var a=document.getElementById('f-agency'); a.value=''; a.dispatchEvent(new Event('change'))")
        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / "review.png"
        b.screenshot(shot)
        assert shot.stat().st_size > 20_000
        assert b.console_problems() == []
    finally:
        b.close()
