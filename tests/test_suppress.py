"""Suppressions: comments in Markdown/HTML, the sidecar for plain text (the README's examples), GK030 for unused
or unknown ones, and the comments never disturbing the reading of the report."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from gklint.readers.text import blank_html_comments
from conftest import gk  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "reports" / "seeds"
SEED004 = next(SEEDS.glob("004_*.txt")).read_text(encoding="utf-8")
SEED002 = next(SEEDS.glob("002_*.txt")).read_text(encoding="utf-8")


def readme_block(section: str, lang: str, n: int = 0) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    body = text[text.index(f"\n## {section}\n"):]
    body = body[:body.index("\n## ", 5)]
    return re.findall(rf"```{lang}\n(.*?)```", body, re.S)[n]


def findings(path: Path, *extra) -> list[tuple[int, str]]:
    out = gk("check", "--no-config", "--format", "concise", *extra, str(path)).stdout
    return [(int(l.split(":")[1]), l.split(" ")[2]) for l in out.splitlines()]


def test_readme_markdown_comments_suppress_and_are_all_used(tmp_path):
    example = readme_block("Suppressing findings", "markdown")
    first = len(SEED004.split("\n")) + 1
    with_comments, without = tmp_path / "年报.md", tmp_path / "对照.md"
    with_comments.write_text(SEED004 + "\n" + example, encoding="utf-8")
    without.write_text(SEED004 + "\n" + blank_html_comments(example), encoding="utf-8")
    plain = {c for n, c in findings(without) if n >= first}
    assert plain == {"GK601", "GK604", "GK605"}                       # what the comments are there for
    assert not [c for n, c in findings(with_comments) if n >= first or c == "GK030"]


def test_readme_sidecar_suppresses_plain_text(tmp_path):
    f = tmp_path / "年报.txt"
    f.write_text(SEED002, encoding="utf-8")
    assert {"GK601", "GK603"} & {c for _n, c in findings(f)}
    (tmp_path / "年报.txt.gklint.toml").write_text(readme_block("Suppressing findings", "toml"), encoding="utf-8")
    got = {c for _n, c in findings(f)}
    assert "GK603" not in got and "GK204" in got
    # GK601 has nothing to suppress in seed 002: the sidecar says so
    out = gk("check", "--no-config", "--format", "concise", str(f)).stdout
    assert re.search(r"1:1: warning GK030 抑制文件 年报.txt.gklint.toml中的 GK601 没有抑制任何问题", out)


def test_unknown_and_unused_suppressions_are_gk030(tmp_path):
    f = tmp_path / "年报.md"
    f.write_text(SEED004 + "\n<!-- gklint-disable-next-line GK6O1 -->\n本段没有问题。\n"
                 "<!-- gklint-disable-next-line GK604 -->\n本段也没有问题。\n", encoding="utf-8")
    out = gk("check", "--no-config", "--format", "concise", str(f)).stdout
    n = len(SEED004.split("\n")) + 1
    assert f"{n}:1: warning GK030 抑制注释“gklint-disable-next-line”中的 GK6O1 不是任何规则的代码或名称" in out
    assert f"{n + 2}:1: warning GK030 抑制注释“gklint-disable-next-line”中的 GK604 没有抑制任何问题" in out
    # a rule that did not run cannot be called unused
    assert "GK604 没有抑制" not in gk("check", "--no-config", "--format", "concise", "--ignore", "GK604",
                                      str(f)).stdout
    assert "GK030" not in gk("check", "--no-config", "--format", "concise", "--ignore", "GK030", str(f)).stdout


def test_disable_enable_range_and_html(tmp_path):
    lines = SEED002.split("\n")
    lines.insert(49, "<!-- gklint-disable GK204 -- 沿用旧称 -->")        # before the first label (line 50)
    lines.insert(52, "<!-- gklint-enable -->")                            # closed before the second
    f = tmp_path / "年报.md"
    f.write_text("\n".join(lines), encoding="utf-8")
    got = [(n, c) for n, c in findings(f) if c == "GK204"]
    assert got == [(72, "GK204")]
    page = tmp_path / "年报.html"
    page.write_text("<html><body><p>某局2023年政府信息公开工作年度报告</p>\n"
                    "<!-- gklint-disable-file GK103,GK101 -- 只是片段 -->\n<p>我们认真做好做好工作。</p></body></html>",
                    encoding="utf-8")
    assert "GK103" not in {c for _n, c in findings(page)}


def test_comments_do_not_change_the_reading(tmp_path):
    lines = SEED002.split("\n")
    commented = list(lines)
    for i in (49, 63, 68):                        # above a table header row, a heading, inside table three
        commented[i] = commented[i] + "<!-- gklint-disable-next-line GK204 -->" if i == 63 else commented[i]
    commented.insert(66, "<!-- gklint-disable-next-line GK204 -- 说明 -->")
    a, b = tmp_path / "a.md", tmp_path / "b.md"
    a.write_text("\n".join(lines), encoding="utf-8")
    b.write_text("\n".join(commented), encoding="utf-8")
    pa = json.loads(gk("parse", "--format", "json", str(a)).stdout)
    pb = json.loads(gk("parse", "--format", "json", str(b)).stdout)
    strip = lambda cells: [(c["table"], c["row"], c["col"], c["raw"]) for c in cells]  # noqa: E731
    assert strip(pa["cells"]) == strip(pb["cells"])
    assert [s["heading"] for s in pa["sections"]] == [s["heading"] for s in pb["sections"]]


def test_unclosed_suppression_comments_are_bounded():
    import time

    from gklint import suppress

    start = time.process_time()
    assert suppress.comments("<!-- gklint-disable GK601 -- 原因\n" * 20000) == []
    assert time.process_time() - start < 2
