"""China's administrative divisions down to the county level (``divisions/divisions-2023.tsv``): which places a
name in a report can be, and whether two places are one inside the other.

A name is found by its full form (宝鸡市, 眉县, 延边朝鲜族自治州) or its short form (宝鸡, 延边: the full form
without 省/市/县/区/自治州 …, when two or more characters are left). One name can be several places (鼓楼区 is
four, 朝阳 five): every look-up gives all of them, and two names are *related* when any place of one contains,
or is, any place of the other (codes: a province has two digits, a prefecture four, a county six, each
beginning with its parent's).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from ..resources import data_dir

# 56 民族 as they appear in the names of autonomous areas (长阳土家族自治县 → 长阳)
_ETHNIC = ("蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 "
           "景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 "
           "保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各").split()
_AUTONOMOUS = re.compile(rf"(?:(?:{'|'.join(sorted(_ETHNIC, key=len, reverse=True))})族?)*自治[区州县旗]")
_SUFFIX = re.compile(r"(?:特别行政区|地区|林区|新区|省|市|州|盟|县|区|旗)$")
MAX_NAME = 12          # characters of the longest full name looked for


@dataclass(frozen=True)
class Division:
    code: str           # 2 (province), 4 (prefecture) or 6 (county) digits
    name: str


def short_name(name: str) -> str | None:
    """宝鸡市 → 宝鸡, 长阳土家族自治县 → 长阳, 内蒙古自治区 → 内蒙古; None when fewer than two characters remain."""
    if "自治" in name:
        cut = next((i for i in range(2, len(name)) if _AUTONOMOUS.fullmatch(name, i)), None)
        return name[:cut] if cut else None
    stem = _SUFFIX.sub("", name)
    return stem if len(stem) >= 2 and stem != name else None


@lru_cache(maxsize=1)
def _index() -> dict[str, tuple[Division, ...]]:
    index: dict[str, list[Division]] = {}
    with open(data_dir("divisions") / "divisions-2023.tsv", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or "\t" not in line:
                continue
            code, name = line.rstrip("\n").split("\t")
            d = Division(code, name)
            for key in (name, short_name(name)):
                if key:
                    index.setdefault(key, []).append(d)
    return {k: tuple(v) for k, v in index.items()}


def lookup(name: str) -> tuple[Division, ...]:
    """Every place the full or short name can be (empty when it is none)."""
    return _index().get(name, ())


def places_in(text: str) -> list[tuple[int, int, tuple[Division, ...]]]:
    """The division names in a short text (an agency's name), longest first at each position, left to right:
    (start, end, places)."""
    index, out, i = _index(), [], 0
    while i < len(text):
        for j in range(min(len(text), i + MAX_NAME), i + 1, -1):
            hit = index.get(text[i:j])
            if hit:
                out.append((i, j, hit))
                i = j
                break
        else:
            i += 1
    return out


def ending(head: str) -> tuple[str, tuple[Division, ...]] | None:
    """The longest division name that ``head`` ends with (…通过宝鸡 → 宝鸡), with its places."""
    index = _index()
    for k in range(min(len(head), MAX_NAME), 1, -1):
        hit = index.get(head[-k:])
        if hit:
            return head[-k:], hit
    return None


def related(a: Iterable[Division], b: Iterable[Division]) -> bool:
    """Whether some place of ``a`` is, contains or lies in some place of ``b``."""
    b = tuple(b)
    return any(x.code.startswith(y.code) or y.code.startswith(x.code) for x in a for y in b)
