"""China's administrative divisions down to the county level (``divisions/divisions-2023.tsv``): which places a
name in a report can be, and whether two places are one inside the other.

A name is found by its full form (宝鸡市, 眉县, 延边朝鲜族自治州) or its short form (宝鸡, 延边: the full form
without 省/市/县/区/自治州 …, when two or more characters are left). One name can be several places (鼓楼区 is
four, 朝阳 five): every look-up gives all of them, and two names are *related* when any place of one contains,
or is, any place of the other (codes: a province has two digits, a prefecture four, a county six, each
beginning with its parent's).

Working out the short names takes a regular expression per place (~20 ms for the 3,420 places), so the finished
index is kept as JSON in the user cache (``gklint.resources.cache_dir() / "divisions"``), named by a hash of the
TSV's bytes and gklint's version, like the templates (gklint/model/template.py): an edited file has another name,
and an entry that is missing, damaged or not what was written is a miss (the TSV is read and the entry written
again). The index is kept as two strings of as many lines (the names; each name's places, code and name after
code and name, joined by tabs: neither can hold a tab or a line break) that one ``zip`` makes a dict of, ~2 ms; a
name's places become ``Division`` objects when it is first looked up.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from ..records import frozen
from ..resources import data_dir, derived_entry

# 56 民族 as they appear in the names of autonomous areas (长阳土家族自治县 → 长阳)
_ETHNIC = ("蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 "
           "景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 "
           "保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各").split()
_AUTONOMOUS = re.compile(rf"(?:(?:{'|'.join(sorted(_ETHNIC, key=len, reverse=True))})族?)*自治[区州县旗]")
_SUFFIX = re.compile(r"(?:特别行政区|地区|林区|新区|省|市|州|盟|县|区|旗)$")
MAX_NAME = 12          # characters of the longest full name looked for


@frozen
class Division:
    """One place: its code and full name."""

    code: str           # 2 (province), 4 (prefecture) or 6 (county) digits
    name: str

    def __init__(self, code: str, name: str) -> None:
        object.__setattr__(self, "code", code)      # (a frozen dataclass: gklint.records)
        object.__setattr__(self, "name", name)


def short_name(name: str) -> str | None:
    """宝鸡市 → 宝鸡, 长阳土家族自治县 → 长阳, 内蒙古自治区 → 内蒙古; None when fewer than two characters remain."""
    if "自治" in name:
        cut = next((i for i in range(2, len(name)) if _AUTONOMOUS.fullmatch(name, i)), None)
        return name[:cut] if cut else None
    stem = _SUFFIX.sub("", name)
    return stem if len(stem) >= 2 and stem != name else None


MAX_CACHED = 4 * 1024 * 1024      # bytes of the stored index (it is ~0.2 MB)


def _build(tsv: str) -> tuple[str, str]:
    """The index of the TSV's places as two strings of as many lines: every full and short name, and its places
    in the file's order (code, name, code, name … joined by tabs)."""
    index: dict[str, list[str]] = {}
    for line in tsv.replace("\r\n", "\n").replace("\r", "\n").split("\n"):   # the lines text mode reads
        if line.startswith("#") or "\t" not in line:
            continue
        code, name = line.split("\t")
        for key in (name, short_name(name)):
            if key:
                index.setdefault(key, []).extend((code, name))
    return "\n".join(index), "\n".join("\t".join(v) for v in index.values())


@lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    """Full or short name → its places as ``_build`` writes them: from the user cache, else built and kept."""
    _PLACES.clear()         # made from the index this replaces (a test's)
    blob = (data_dir("divisions") / "divisions-2023.tsv").read_bytes()
    entry, keep = derived_entry("divisions", "divisions-2023", blob, MAX_CACHED)
    if entry is not None:
        try:
            names, places = entry["names"].split("\n"), entry["places"].split("\n")
            if len(names) == len(places):
                return dict(zip(names, places))
        except (KeyError, TypeError, AttributeError):   # foreign: built from the TSV
            pass
    names, places = _build(blob.decode("utf-8"))
    keep({"names": names, "places": places})
    return dict(zip(names.split("\n"), places.split("\n")))


_PLACES: dict[str, tuple[Division, ...]] = {}     # name → its places, made at its first look-up


def lookup(name: str) -> tuple[Division, ...]:
    """Every place the full or short name can be (empty when it is none)."""
    written = _index().get(name)      # first: a new index (a test's) empties _PLACES
    hit = _PLACES.get(name)
    if hit is None:
        if written is None:
            return ()
        parts = written.split("\t")
        hit = _PLACES[name] = tuple(map(Division, parts[0::2], parts[1::2]))
    return hit


def places_in(text: str) -> list[tuple[int, int, tuple[Division, ...]]]:
    """The division names in a short text (an agency's name), longest first at each position, left to right:
    (start, end, places)."""
    index, out, i = _index(), [], 0
    while i < len(text):
        for j in range(min(len(text), i + MAX_NAME), i + 1, -1):
            if text[i:j] in index:
                out.append((i, j, lookup(text[i:j])))
                i = j
                break
        else:
            i += 1
    return out


def ending(head: str) -> tuple[str, tuple[Division, ...]] | None:
    """The longest division name that ``head`` ends with (…通过宝鸡 → 宝鸡), with its places."""
    index = _index()
    for k in range(min(len(head), MAX_NAME), 1, -1):
        if head[-k:] in index:
            return head[-k:], lookup(head[-k:])
    return None


def related(a: Iterable[Division], b: Iterable[Division]) -> bool:
    """Whether some place of ``a`` is, contains or lies in some place of ``b``."""
    b = tuple(b)
    return any(x.code.startswith(y.code) or y.code.startswith(x.code) for x in a for y in b)
