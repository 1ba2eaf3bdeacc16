"""A pool worker packs a report's facts straight from the parsed report (``gklint.review.store.packed_facts``:
``gather``'s flat data, no ``Facts`` in between); that must be the very blob ``Packed.of(report_facts(…))`` packs
(the result cache keys a run's cross-year findings by the blobs' hashes), and it must unpack to those facts."""
import json
import random
from decimal import Decimal

import pytest

from conftest import CORPUS, REPORTS, SEEDS
from gklint.api import parse_source, parse_text
from gklint.readers import read_path
from gklint.review import store
from gklint.review.facts import facts_of, gather, report_facts
from gklint.review.store import Packed, packed_facts

PUBLISHED = sorted(p for p in (REPORTS / "published").iterdir() if p.suffix in (".html", ".docx", ".pdf"))


@pytest.mark.parametrize("path", [*SEEDS[:6], *CORPUS[:6], *PUBLISHED], ids=lambda p: p.name)
def test_packed_in_the_worker_is_the_blob_of_the_facts(path):
    src = read_path(str(path))
    parsed = parse_source(src)
    facts = report_facts(parsed, src)
    want = Packed.of(facts)
    got = packed_facts(parsed, src)
    assert got.scalars() == want.scalars() and got.blob() == want.blob() and got.sound
    assert got.unpack() == facts == facts_of(gather(parsed, src))
    assert got.values_and_hashes() == facts.values_and_hashes()


def test_the_places_of_word_and_pdf_keep_their_page_and_location():
    src = read_path(str(REPORTS / "published" / "pingtan_2025.docx"))
    g = gather(parse_source(src), src)
    wheres = g[10]
    assert wheres and all(len(w) == 3 for w in wheres)
    assert packed_facts(parse_source(src), src).unpack() == report_facts(parse_source(src), src)


def test_decimal_cells_and_a_repeated_key_pack_as_json_would():
    """Cell values that are not ints take the JSON encoder's way; the rest is written by joins, byte for byte
    what json.dumps writes."""
    text = (SEEDS[0]).read_text(encoding="utf-8")
    parsed = parse_text(text, path="r.txt")
    path, agency, a_src, year, y_src, template, fmt, keys, values, ints, wheres, hashes, texts = gather(parsed)
    values = [Decimal("1.5") if i % 3 == 0 else v for i, v in enumerate(values)]
    g = (path, agency, a_src, year, y_src, template, fmt, keys, values, ints, wheres, hashes, texts)
    p = Packed.gathered(g)
    tell, places, *_ = p.blob().decode().split("\n")
    assert json.loads(tell)[1] == [["D", "1.5"] if type(v) is Decimal else v for v in values]
    assert json.loads(places) == [ints, []]
    assert p.unpack() == facts_of(g)


def test_ints_are_written_as_json_writes_them():
    rnd = random.Random(5)
    for n in (0, 1, 2, 7, 97, 300):
        xs = [rnd.choice([0, 1, -1, 7, 10 ** 6, rnd.randrange(-10 ** 12, 10 ** 12)]) for _ in range(n)]
        assert store._all_ints(xs)
        assert store._ints(xs) == json.dumps(xs, separators=(",", ":"))
    assert not store._all_ints([1, True]) and not store._all_ints([1, 2.0])


@pytest.mark.parametrize("path", [*SEEDS[:3], *CORPUS[:3]], ids=lambda p: p.name)
def test_sentences_of_one_line_paragraphs_as_of_their_joined_text(path, monkeypatch):
    """``_sentences`` reads a one-line paragraph's line, not ``Paragraph.text``: the same gathered facts."""
    from gklint.model import nodes
    from gklint.review import facts as facts_mod

    src = read_path(str(path))
    want = gather(parse_source(src), src)
    # every paragraph as if it had more lines than one: the general path, through Paragraph.text
    monkeypatch.setattr(facts_mod, "len", lambda x: 2 if type(x) is tuple and x and
                        isinstance(x[0], nodes.Line) else len(x), raising=False)
    assert gather(parse_source(src), src) == want
