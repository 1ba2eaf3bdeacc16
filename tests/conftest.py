from pathlib import Path

import pytest

REPORTS = Path(__file__).parent / "reports"
SEEDS = sorted((REPORTS / "seeds").glob("*.txt"))
CORPUS = sorted(p for p in (REPORTS / "corpus").iterdir() if p.suffix in (".txt", ".md"))


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    return REPORTS / "seeds"
