"""Crawled pages whose table cells run together: recovered only where the template's sums allow one reading."""
from gklint.api import parse_file
from gklint.model.flattened import split_row

from conftest import REPORTS

COLS = ("natural", "business", "research", "nonprofit", "legal", "other", "total")


def row(report, r):
    return [report.cell("t3", r, c).value for c in COLS]


def test_split_row_uses_the_row_total():
    assert split_row("640020470", 7) == [(64, 0, 0, 2, 0, 4, 70)]
    assert len(split_row("270020130", 7)) == 2          # ambiguous on its own
    assert split_row("110024001510102", 5, 3) == [(1, 1, 0, 0, 2, 4, 0, 0, 1, 5, 1, 0, 1, 0, 2)]
    assert split_row("123", 7) == []


def test_pingtan_2021_matches_the_careful_reading():
    """Values as decoded by hand in the corpus manifest (005)."""
    parsed = parse_file(REPORTS / "corpus" / "005_pingtan_zonghe_shiyanqu_2021.txt")
    r = parsed.report
    assert row(r, "1") == [64, 0, 0, 2, 0, 4, 70]
    assert row(r, "3.1") == [27, 0, 0, 2, 0, 1, 30]       # resolved by the column relations
    assert row(r, "3.4.1") == [22, 0, 0, 0, 0, 3, 25]
    assert row(r, "3.7") == [63, 0, 0, 2, 0, 4, 69]
    assert r.cell("t3", "4", "total").value == 1
    assert [r.cell("t4", "review", c).value for c in ("upheld", "corrected", "other", "pending", "total")] == [1, 0, 2, 0, 3]
    assert r.cell("t4", "litigation_direct", "total").value == 12
    # table 二's 行政规范性文件 "693665" has several readings: left unknown, never guessed
    assert r.cell("t2", "normative", "issued").kind == "unsplit"
    assert r.cell("t2", "license", "decisions").value == 2293
    c = r.cell("t3", "1", "total")
    line = r.lines[c.span.line - 1]
    assert line[c.span.column - 1:c.span.end_column - 1] == "70"
    codes = {(d.code, d.severity.value) for d in parsed.problems}
    assert ("GK011", "warning") in codes and ("GK011", "info") in codes


def test_pingtan_2025_table_four_and_balance():
    r = parse_file(REPORTS / "corpus" / "013_pingtan_zonghe_shiyanqu_2025.txt").report
    assert r.cell("t3", "1", "total").value == 154 and r.cell("t3", "3.7", "total").value == 148
    assert r.cell("t3", "4", "total").value == 6
    assert [r.cell("t4", g, "total").value for g in ("review", "litigation_direct", "litigation_after_review")] == [36, 6, 3]


def test_a_run_of_one_digit_a_value_is_split_as_the_search_splits_it():
    # the shortcut for a run as long as its row has values gives what the bounded search gives, and a budget too
    # small for the search still runs out
    import itertools

    import pytest

    from gklint.model import flattened

    for k in range(1, 6):
        for digits in itertools.islice(itertools.product("0129", repeat=k), 300):
            s = "".join(digits)
            assert flattened._splits(s, k) == flattened._Search(s, k, 1, False, 50, 10_000).solutions()
            if k >= 2:
                want = flattened._Search(s, k, 1, True, flattened._MAX_SOLUTIONS, 10_000).solutions()
                assert split_row(s, k) == want
    assert split_row("1236", 4) == [(1, 2, 3, 6)] and split_row("1237", 4) == []
    with pytest.raises(flattened.TooAmbiguous):
        flattened._splits("123", 3, steps=3)


def test_rows_a_digit_or_two_longer_than_their_values_split_as_the_search_splits_them():
    # the one-sum split's cuts (every value left a digit, or all but one): what the bounded search finds
    import random

    from gklint.model import flattened

    rng = random.Random(5)
    for _ in range(3000):
        k = rng.randint(2, 7)
        vals = [rng.choice([rng.randint(0, 9), rng.randint(0, 9), rng.randint(10, 99)]) for _ in range(k - 1)]
        s = "".join(map(str, vals)) + str(sum(vals) + rng.choice([0, 0, 0, 9, 18, 1]))
        want = flattened._Search(s, k, 1, True, 50, 10 ** 9).solutions()
        assert flattened._one_sum_splits(s, k, 50) == want, (s, k)


def test_three_value_rows_split_as_the_search_splits_them():
    import itertools

    from gklint.model import flattened

    cases = ["".join(d) for n in range(1, 10) for d in itertools.islice(itertools.product("0105", repeat=n), 400)]
    cases += ["1" * 21, "1" * 22, "9" * 30, "0" * 3, "100200300", "١٢٣٤"]
    for s in cases:
        for limit in (50, 2):
            assert flattened._splits(s, 3, limit) == flattened._Search(s, 3, 1, False, limit, 10 ** 6).solutions(), s


def test_digit_values_as_int_reads_them():
    from gklint.model import flattened

    for s in ("0123456789", "640020470", "7", "١٢٣", "１２３", "12٣"):
        assert flattened._digit_values(s) == tuple(map(int, s))
