"""Automatic list numbers of a Word document, as Word displays them (``一、``, ``（一）``, ``1.`` …).

Word does not store the number of a numbered paragraph: the paragraph says which list and level it belongs to
(``w:pPr/w:numPr``: ``w:numId`` + ``w:ilvl``, or the same inherited from its paragraph style), and
``numbering.xml`` says how that list counts: ``w:num`` → ``w:abstractNum`` (possibly through a
``w:numStyleLink``), each level with a start value, a number format (``decimal``, ``chineseCounting``,
``chineseCountingThousand``, ``ideographTraditional`` …), a level text (``%1、``, ``（%1）``, ``%1.%2``), when it
restarts (``w:lvlRestart``) and what follows the number (``w:suff``). The reader asks ``Numbering.label`` for
every paragraph in document order, so counters advance exactly as Word's do.

Counters: lists whose ``w:num`` has no override share one counter per abstract list (Word continues the list
across ``w:num`` instances of the same definition); a ``w:num`` with a ``w:lvlOverride`` counts on its own (a
restarted list).

Elements are lxml elements of the WordprocessingML namespace ``ns`` (transitional or strict).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_DIGITS = "〇一二三四五六七八九"
_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_LEGAL_TW = "零壹貳參肆伍陸柒捌玖"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_FULLSTOP = "⒈⒉⒊⒋⒌⒍⒎⒏⒐⒑⒒⒓⒔⒕⒖⒗⒘⒙⒚⒛"
_PAREN = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
          (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def _chinese_counting(n: int) -> str:
    """一 … 十, 十一 … 九十九; from 100 on digit by digit (一〇一), as Word's chineseCounting shows them."""
    if n <= 0:
        return _DIGITS[0] if n == 0 else str(n)
    if n < 10:
        return _DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")
    return "".join(_DIGITS[int(d)] for d in str(n))


def _chinese_thousand(n: int, digits: str = _DIGITS, units: str = "十百千") -> str:
    """一 … 十, 十一, 二十, 一百, 一百〇五, 一千〇一十 … (chineseCountingThousand)."""
    if n <= 0 or n >= 10000:
        return str(n)
    if n < 20 and units[0] == "十":
        return ("" if n < 10 else "十") + (digits[n % 10] if n % 10 or n < 10 else "")
    out = []
    zero = False
    for power, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        d = (n // power) % 10
        if d:
            if zero and out:
                out.append(digits[0])
            out.append(digits[d] + unit)
            zero = False
        else:
            zero = True
    return "".join(out)


def _letters(n: int, base: str) -> str:
    if n <= 0:
        return str(n)
    letter = base[(n - 1) % 26]
    return letter * ((n - 1) // 26 + 1)


def _roman(n: int) -> str:
    if n <= 0 or n >= 4000:
        return str(n)
    out = []
    for value, sym in _ROMAN:
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)


def _table(n: int, chars: str) -> str:
    return chars[n - 1] if 1 <= n <= len(chars) else str(n)


def format_number(n: int, fmt: str) -> str:
    """The text of counter value ``n`` in Word number format ``fmt`` (unknown formats: decimal)."""
    if fmt in ("chineseCounting", "taiwaneseCounting", "japaneseCounting", "koreanCounting"):
        return _chinese_counting(n)
    if fmt in ("chineseCountingThousand", "taiwaneseCountingThousand", "japaneseCountingThousand"):
        return _chinese_thousand(n)
    if fmt in ("chineseLegalSimplified",):
        return _chinese_thousand(n, _LEGAL, "拾佰仟")
    if fmt in ("ideographLegalTraditional", "japaneseLegal", "koreanLegal"):
        return _chinese_thousand(n, _LEGAL_TW, "拾佰仟")
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand", "koreanDigital"):
        return "".join(_DIGITS[int(d)] for d in str(n)) if n >= 0 else str(n)
    if fmt == "ideographTraditional":
        return _table(n, _STEMS)
    if fmt in ("ideographZodiac", "ideographZodiacTraditional"):
        return _table(n, _BRANCHES)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese", "ideographEnclosedCircle"):
        return _table(n, _CIRCLED)
    if fmt == "decimalEnclosedFullstop":
        return _table(n, _FULLSTOP)
    if fmt == "decimalEnclosedParen":
        return _table(n, _PAREN)
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return str(n).translate({ord(c): 0xFF10 + int(c) for c in "0123456789"})
    if fmt == "decimalZero":
        return f"{n:02d}" if 0 <= n < 10 else str(n)
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperLetter":
        return _letters(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    if fmt == "lowerLetter":
        return _letters(n, "abcdefghijklmnopqrstuvwxyz")
    if fmt == "none":
        return ""
    return str(n)


@dataclass
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str | None = None      # lvlText; None: the level shows nothing
    restart: int | None = None   # lvlRestart: restart after this (1-based) level; 0 never; None: after any higher
    legal: bool = False          # isLgl: numbers of all levels shown as decimal
    suffix: str = "tab"          # tab | space | nothing
    style: str | None = None     # pStyle linking this level to a paragraph style


@dataclass
class _Num:
    abstract: str
    starts: dict[int, int] = field(default_factory=dict)        # startOverride per level
    levels: dict[int, Level] = field(default_factory=dict)      # full level overrides


_MAX_LEVELS = 9
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


class Numbering:
    """Numbering definitions of one document and the running counters; ``label(p)`` in document order."""

    def __init__(self, numbering_root, styles_root, ns: str):
        self._w = "{%s}" % ns
        self.abstract: dict[str, dict[int, Level]] = {}
        self._style_link: dict[str, str] = {}        # abstractNumId → numStyleLink style id
        self.nums: dict[str, _Num] = {}
        self.style_numpr: dict[str, tuple[str | None, int | None]] = {}
        self.style_parent: dict[str, str] = {}
        self.default_style: str | None = None
        self._counters: dict[object, list[int | None]] = {}
        self._resolved: dict[str, tuple[str | None, int | None]] = {}
        self._level_styles: dict[str, tuple[str, int]] = {}     # style linked from a level (w:lvl/w:pStyle)
        if styles_root is not None:
            self._read_styles(styles_root)
        if numbering_root is not None:
            self._read_numbering(numbering_root)

    # -- definitions -----------------------------------------------------------------------------------------

    def _val(self, el, name: str):
        if el is None:
            return None
        child = el.find(self._w + name)
        return None if child is None else child.get(self._w + "val")

    def _int(self, el, name: str) -> int | None:
        v = self._val(el, name)
        try:
            return int(v) if v is not None else None
        except ValueError:
            return None

    def _numpr(self, ppr) -> tuple[str | None, int | None] | None:
        if ppr is None:
            return None
        numpr = ppr.find(self._w + "numPr")
        if numpr is None:
            return None
        return self._val(numpr, "numId"), self._int(numpr, "ilvl")

    def _read_styles(self, root) -> None:
        w = self._w
        for st in root.iter(w + "style"):
            if st.get(w + "type") not in (None, "paragraph"):
                continue
            sid = st.get(w + "styleId")
            if sid is None:
                continue
            if st.get(w + "default") in ("1", "true", "on"):
                self.default_style = sid
            parent = self._val(st, "basedOn")
            if parent:
                self.style_parent[sid] = parent
            np = self._numpr(st.find(w + "pPr"))
            if np is not None:
                self.style_numpr[sid] = np

    def _level(self, lvl, base: Level | None = None) -> Level:
        w = self._w
        out = Level() if base is None else Level(**base.__dict__)
        start = self._int(lvl, "start")
        if start is not None:
            out.start = start
        fmt = self._format(lvl)
        if fmt:
            out.fmt = fmt
        text_el = lvl.find(w + "lvlText")
        if text_el is not None:
            out.text = text_el.get(w + "val")
        elif base is None:
            out.text = None
        if lvl.find(w + "lvlPicBulletId") is not None:
            out.fmt = "bullet"
        restart = self._int(lvl, "lvlRestart")
        if restart is not None:
            out.restart = restart
        legal = lvl.find(w + "isLgl")
        if legal is not None:
            out.legal = legal.get(w + "val", "1") not in ("0", "false", "off")
        suff = self._val(lvl, "suff")
        if suff:
            out.suffix = suff
        pstyle = self._val(lvl, "pStyle")
        if pstyle:
            out.style = pstyle
        return out

    def _format(self, lvl) -> str | None:
        """The level's number format. Word 2010+ writes a custom format as an mc:AlternateContent whose
        choice is ``custom`` (``w:format="一, 二, 三, ..."``) and whose fallback is the nearest standard one."""
        w = self._w
        el = lvl.find(w + "numFmt")
        if el is not None:
            return el.get(w + "val")
        alt = lvl.find("{%s}AlternateContent" % _MC)
        if alt is None:
            return None
        found = []
        for branch in alt:
            f = branch.find(w + "numFmt")
            if f is not None and f.get(w + "val"):
                found.append((f.get(w + "val"), f.get(w + "format") or ""))
        for val, custom in found:
            if val == "custom":
                first = custom.split(",")[0].strip()
                if first in ("01", "001", "0001"):
                    return "decimalZero" if first == "01" else "decimal"
                continue
            return val
        return found[0][0] if found and found[0][0] != "custom" else None

    def _read_numbering(self, root) -> None:
        w = self._w
        for an in root.iter(w + "abstractNum"):
            aid = an.get(w + "abstractNumId")
            if aid is None:
                continue
            levels: dict[int, Level] = {}
            for lvl in an.findall(w + "lvl"):
                try:
                    il = int(lvl.get(w + "ilvl", "0"))
                except ValueError:
                    continue
                if 0 <= il < _MAX_LEVELS:
                    levels[il] = self._level(lvl)
            self.abstract[aid] = levels
            for il, lv in levels.items():
                if lv.style:
                    self._level_styles.setdefault(lv.style, (aid, il))
            link = self._val(an, "numStyleLink")
            if link:
                self._style_link[aid] = link
        for num in root.iter(w + "num"):
            nid = num.get(w + "numId")
            aid = self._val(num, "abstractNumId")
            if nid is None or aid is None:
                continue
            n = _Num(aid)
            for ov in num.findall(w + "lvlOverride"):
                try:
                    il = int(ov.get(w + "ilvl", "0"))
                except ValueError:
                    continue
                start = self._int(ov, "startOverride")
                if start is not None:
                    n.starts[il] = start
                lvl = ov.find(w + "lvl")
                if lvl is not None:
                    n.levels[il] = lvl
            self.nums[nid] = n

    def _abstract_of(self, num_id: str, depth: int = 0) -> str | None:
        """The abstract list that defines ``num_id``'s levels (following numStyleLink to the style's list)."""
        num = self.nums.get(num_id)
        if num is None:
            return None
        aid = num.abstract
        link = self._style_link.get(aid)
        if link and depth < 4:
            np = self._style_numbering(link)
            if np[0] and np[0] != num_id:
                target = self._abstract_of(np[0], depth + 1)
                if target is not None:
                    return target
        return aid

    def _style_numbering(self, style: str | None) -> tuple[str | None, int | None]:
        """numId/ilvl a paragraph style gives (through basedOn); (None, None) if none."""
        if style is None:
            return None, None
        if style in self._resolved:
            return self._resolved[style]
        seen = set()
        num_id, ilvl = None, None
        s: str | None = style
        while s is not None and s not in seen:
            seen.add(s)
            np = self.style_numpr.get(s)
            if np is not None:
                if num_id is None and np[0] is not None:
                    num_id = np[0]
                if ilvl is None and np[1] is not None:
                    ilvl = np[1]
                if num_id is not None and ilvl is not None:
                    break
            s = self.style_parent.get(s)
        if num_id is None and style in self._level_styles:
            # only the level names the style: the list is the first w:num of that abstract list
            aid, il = self._level_styles[style]
            num_id = next((nid for nid, n in self.nums.items() if n.abstract == aid), None)
            ilvl = il if ilvl is None else ilvl
        self._resolved[style] = (num_id, ilvl)
        return num_id, ilvl

    def _levels(self, num_id: str) -> tuple[object, dict[int, Level], dict[int, int]]:
        num = self.nums[num_id]
        aid = self._abstract_of(num_id) or num.abstract
        levels = dict(self.abstract.get(aid, {}))
        for il, lvl in num.levels.items():
            levels[il] = self._level(lvl, levels.get(il))
        key: object = ("num", num_id) if (num.starts or num.levels) else ("abstract", aid)
        return key, levels, num.starts

    # -- counting --------------------------------------------------------------------------------------------

    def label(self, p) -> tuple[str, str] | None:
        """(number text, suffix kind) Word shows before paragraph ``p``, advancing the counters; None if none."""
        if not self.nums:
            return None
        w = self._w
        ppr = p.find(w + "pPr")
        direct = self._numpr(ppr)
        style = self._val(ppr, "pStyle") or self.default_style
        num_id, ilvl = direct if direct is not None else (None, None)
        if num_id is None or ilvl is None:
            s_num, s_ilvl = self._style_numbering(style)
            from_style = num_id is None
            num_id = num_id if num_id is not None else s_num
            if ilvl is None:
                ilvl = s_ilvl
            if ilvl is None and from_style and num_id in self.nums:
                # a level linked to the style (w:lvl/w:pStyle) says which level the style's paragraphs take
                _k, levels, _s = self._levels(num_id)
                ilvl = next((il for il, lv in levels.items() if lv.style == style), 0)
        if num_id is None or num_id == "0" or num_id not in self.nums:
            return None
        ilvl = min(max(ilvl or 0, 0), _MAX_LEVELS - 1)
        key, levels, starts = self._levels(num_id)
        level = levels.get(ilvl)
        if level is None:
            return None
        counters = self._counters.setdefault(key, [None] * _MAX_LEVELS)

        def start_of(i: int) -> int:
            lv = levels.get(i)
            return starts.get(i, lv.start if lv else 1)

        counters[ilvl] = start_of(ilvl) if counters[ilvl] is None else counters[ilvl] + 1
        for deeper in range(ilvl + 1, _MAX_LEVELS):
            lv = levels.get(deeper)
            after = lv.restart if lv is not None and lv.restart is not None else deeper
            if after != 0 and ilvl < after:
                counters[deeper] = None
        if level.fmt == "bullet" or not level.text:
            return None

        def sub(m: re.Match) -> str:
            i = int(m.group(1)) - 1
            if not 0 <= i < _MAX_LEVELS:
                return ""
            value = counters[i] if counters[i] is not None else start_of(i)
            lv = levels.get(i)
            fmt = "decimal" if (level.legal and i < ilvl) else (lv.fmt if lv else "decimal")
            return "" if fmt == "bullet" else format_number(value, fmt)

        text = re.sub(r"%(\d)", sub, level.text)
        if not text.strip():
            return None
        return text, level.suffix
