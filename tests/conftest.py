import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPORTS = Path(__file__).parent / "reports"
SEEDS = sorted((REPORTS / "seeds").glob("*.txt"))
CORPUS = sorted(p for p in (REPORTS / "corpus").iterdir() if p.suffix in (".txt", ".md"))


@pytest.fixture(scope="session", autouse=True)
def _own_cache_dir(tmp_path_factory):
    """Every test run keeps gklint's caches (results, grammar tables, loaded packs) in a folder of its own, not
    in the user's cache: runs of other checkouts never meet, and the folder goes with the run."""
    saved = os.environ.get("GKLINT_CACHE_DIR")
    os.environ["GKLINT_CACHE_DIR"] = str(tmp_path_factory.mktemp("gklint-cache"))
    yield
    if saved is None:
        os.environ.pop("GKLINT_CACHE_DIR", None)
    else:
        os.environ["GKLINT_CACHE_DIR"] = saved


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    return REPORTS / "seeds"


@pytest.fixture
def reports(tmp_path) -> Path:
    """A folder of three seed reports of the test's own (the result-cache tests change and add files in it)."""
    d = tmp_path / "reports"
    d.mkdir()
    for f in SEEDS[:3]:
        shutil.copy(f, d / f.name)
    return d


ROOT = Path(__file__).resolve().parent.parent


def gk(*args, cwd=None, env=None, stdin=None, timeout=300):
    """Run this checkout's gklint CLI in a subprocess (text in and out)."""
    env = {**os.environ, **(env or {}), "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "gklint", *args], capture_output=True, text=True, input=stdin,
                          cwd=cwd, env=env, timeout=timeout)


def readme_blocks(section: str, lang: str) -> list[str]:
    """The ``lang`` code blocks of the README section headed ``## section`` (the configurations tests run)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    body = text[text.index(f"\n## {section}\n"):]
    body = body[:body.index("\n## ", 5)]
    return re.findall(rf"```{lang}\n(.*?)```", body, re.S)
