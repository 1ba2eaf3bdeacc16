"""Layout for the HTML reader: the lxml tree → view lines (paragraphs and tab-separated table rows).

Rendering follows what a browser shows, in the form the parser reads (design.md "Positions in non-text inputs"):

- block elements (``<p>``, ``<div>``, ``<h1>``, ``<li>`` …) are paragraphs, separated by a blank view line;
  ``<br>`` breaks the line inside a paragraph; inline elements (``<span>``, ``<font>``, ``<a>`` …) are joined,
  so a label split over several ``<span>``s is one string. Whitespace collapses as in CSS (one space, none at
  line ends; a source line break between two CJK characters is no space at all). ``&nbsp;`` is a space.
- a data ``<table>`` is expanded onto its grid (rowspan/colspan, ``<thead>``/``<tbody>``/``<tfoot>``, ``<th>``,
  missing ``</td>``/``</tr>`` closed by libxml2): one view line per row, one TAB-separated field per grid
  column; a slot covered by a merged cell is an empty field and the merged cell's text appears once, where
  it starts. A cell's paragraphs and ``<br>`` lines are joined into one field. An empty or ``&nbsp;``-only
  cell is an empty field: the parser reads it as a BLANK cell.
- a table that holds another table, or long prose cells, is page layout, not data: its cells are rendered
  as paragraphs.
- scripts, styles, forms' controls, ``<head>`` and hidden elements are not rendered. Site chrome is *marked*
  (``VLine.chrome``), not dropped: ``html.py`` decides what to keep once it knows where the report is.

Every piece of text keeps its source offset (``html_source``), so every view line gets exact segments.
"""
from __future__ import annotations

import re
import unicodedata

from .html_source import RAWTEXT, SourceText

BLOCK = frozenset("""address article aside blockquote body center dd details dialog dir div dl dt fieldset
figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main menu nav ol p pre section summary
table tbody thead tfoot tr td th caption ul legend""".split())
SKIP = frozenset("""script style noscript template iframe object embed applet svg math canvas audio video map
select button input textarea head title meta link base datalist""".split())
# class/id words of site furniture; ANY: never report text, PAGE: only outside the report's own region
CHROME_ANY = frozenset("""nav navbar navigation breadcrumb breadcrumbs crumb crumbs share sharebox bdsharebuttonbox
bdshare jiathis fenxiang comment comments pinglun sidebar toolbar copyright login search searchbox related xgwz
xgxx xglj qrcode erweima ewm gotop backtop print dayin guanbi pagination pager fontsize zihao""".split())
CHROME_PAGE = frozenset("""header head top topbar banner logo footer foot bottom menu side left right weizhi dqwz
position location links friendlink""".split())
_AFFIX = ("nav", "crumb", "share", "footer", "copyright", "sidebar", "comment", "toolbar", "menu")
_ROLES = {"navigation": 2, "banner": 1, "contentinfo": 1, "search": 2, "complementary": 1}
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_WORDS = re.compile(r"[A-Za-z]+|\d+")
_TOKENS = re.compile(r"[ \t\n\r\f\xa0]+|[^ \t\n\r\f\xa0]+")

TEXT, SPACE, BREAK, TAB, MARK = 0, 1, 2, 3, 4   # kinds of view pieces


class VLine:
    """One view line: pieces (text, source offset or -1, linear, kind) and where it came from."""

    __slots__ = ("frags", "kind", "block", "chrome", "links", "gap")

    def __init__(self, frags: list, kind: str, block: int, chrome: tuple, links: int, gap: bool):
        self.frags, self.kind, self.block, self.chrome, self.links, self.gap = frags, kind, block, chrome, links, gap

    @property
    def text(self) -> str:
        return "".join(f[0] for f in self.frags)


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _clean(frags: list) -> list:
    """Drop spaces at the ends and source line breaks between two CJK characters."""
    while frags and frags[-1][3] in (SPACE, BREAK):
        frags.pop()
    i = 0
    while i < len(frags) and frags[i][3] in (SPACE, BREAK):
        i += 1
    frags = frags[i:]
    if any(f[3] == BREAK for f in frags):
        out = []
        for k, f in enumerate(frags):
            if f[3] == BREAK and out and k + 1 < len(frags) and out[-1][0] and frags[k + 1][0] \
                    and _wide(out[-1][0][-1]) and _wide(frags[k + 1][0][0]):
                continue
            out.append(f)
        frags = out
    return frags


class Builder:
    """Collects pieces into lines: ``add`` text, ``br`` a line break, ``gap`` a paragraph break."""

    def __init__(self) -> None:
        self.lines: list[VLine] = []
        self.cur: list = []
        self.gap_pending = False
        self.first_src = -1            # first placed non-ASCII-space character (e.g. the &nbsp; of a blank cell)
        self.meta = (-1, ())           # block, chrome ancestors of the current line
        self.links = 0

    def add(self, frags: list, block: int, chrome: tuple, in_link: bool) -> None:
        cur = self.cur
        for text, src, linear in frags:
            for m in _TOKENS.finditer(text):
                tok = m.group(0)
                at = src + m.start() if (src >= 0 and linear) else src
                if self.first_src < 0 and at >= 0 and tok.strip(" \t\n\r\f"):
                    self.first_src = at
                c = tok[0]
                if c in " \t\n\r\f\xa0":
                    if not cur:
                        continue
                    kind = BREAK if "\n" in tok else SPACE
                    last = cur[-1]
                    if last[3] in (SPACE, BREAK):
                        if kind == SPACE and last[3] == BREAK:
                            cur[-1] = (" ", last[1], False, SPACE)
                        continue
                    cur.append((" ", at, linear and tok == " ", kind))
                else:
                    if not cur:
                        self.meta = (block, chrome)
                        self.links = 0
                    if in_link:
                        self.links += len(tok)
                    cur.append((tok, at, linear, TEXT))

    def br(self) -> None:
        self._finish()

    def gap(self) -> None:
        self._finish()
        self.gap_pending = True

    def _finish(self) -> None:
        if not self.cur:
            return
        frags = _clean(self.cur)
        self.cur = []
        if frags:
            block, chrome = self.meta
            self.lines.append(VLine(frags, "p", block, chrome, self.links, self.gap_pending and bool(self.lines)))
            self.gap_pending = False

    def row(self, frags: list, block: int, chrome: tuple) -> None:
        self._finish()
        self.lines.append(VLine(frags, "row", block, chrome, 0, self.gap_pending and bool(self.lines)))
        self.gap_pending = False

    def close(self) -> list[VLine]:
        self._finish()
        return self.lines


def _chrome_of(el) -> int:
    """2: furniture anywhere (nav, share …); 1: page furniture (header, footer …); 0: neither."""
    tag = el.tag
    if tag == "nav":
        return 2
    if tag in ("header", "footer", "aside"):
        return 1
    role = el.get("role")
    if role and role.lower() in _ROLES:
        return _ROLES[role.lower()]
    names = (el.get("class") or "") + " " + (el.get("id") or "")
    if not names.strip():
        return 0
    best = 0
    for w in _WORDS.findall(names.lower()):
        if w in CHROME_ANY or w.startswith(_AFFIX) or w.endswith(_AFFIX):
            return 2
        if w in CHROME_PAGE:
            best = 1
    return best


class Walker:
    """Walks the tree in document order; every text node is located in the source, rendered or not."""

    def __init__(self, src: SourceText):
        self.src = src
        self.parent: list[int] = []
        self.post: list[int] = []
        self.tags: list[str] = []

    # -- the tree, numbered in pre-order (region membership without holding element proxies) ----------------
    def _enter(self, el, parent: int) -> int:
        pre = len(self.tags)
        self.tags.append(el.tag if isinstance(el.tag, str) else "")
        self.parent.append(parent)
        self.post.append(pre)
        return pre

    def _leave(self, pre: int) -> None:
        self.post[pre] = len(self.tags) - 1

    def text(self, s: str | None) -> list:
        if not s:
            return []
        return self.src.locate(s)

    def walk(self, root, out: Builder) -> None:
        from lxml import etree

        from .html_table import is_layout_table, render_table

        stack: list[tuple] = []          # (pre, block?, skip?, chrome level, link?)
        skip = links = 0
        chrome: tuple = ()               # furniture ancestors: (pre, level) …
        blocks: list[int] = [-1]
        walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
        for ev, el in walker:
            if ev in ("comment", "pi"):
                tail = self.text(el.tail)
                if tail and not skip:
                    out.add(tail, blocks[-1], chrome, links > 0)
                continue
            if ev == "start":
                tag = el.tag if isinstance(el.tag, str) else ""
                pre = self._enter(el, stack[-1][0] if stack else -1)
                if tag in ("td", "th"):
                    self.src.tag_for(tag, el.sourceline)
                hidden = tag in SKIP or bool(_HIDDEN.search(el.get("style") or "")) or el.get("hidden") is not None
                ch = _chrome_of(el) if not skip else 0
                is_block = tag in BLOCK
                entry = (pre, is_block, hidden, ch, tag == "a")
                stack.append(entry)
                if hidden:
                    skip += 1
                if ch:
                    chrome = (*chrome, (pre, ch))
                if tag == "a":
                    links += 1
                if tag == "table" and not skip and not is_layout_table(el):
                    out.gap()
                    render_table(self, el, out, pre, chrome)
                    walker.skip_subtree()
                    continue
                if is_block:
                    blocks.append(pre)
                    if not skip:
                        out.gap()
                elif tag == "br" and not skip:
                    out.br()
                t = self.text(el.text) if tag not in RAWTEXT else None   # raw text is not in the source map
                if t and not skip:
                    out.add(t, blocks[-1], chrome, links > 0)
                continue
            # end
            pre, is_block, hidden, ch, is_link = stack.pop()
            self._leave(pre)
            if hidden:
                skip -= 1
            if is_link:
                links -= 1
            if ch:
                chrome = chrome[:-1]
            if is_block or el.tag == "table":
                if blocks[-1] == pre:
                    blocks.pop()
                if not skip:
                    out.gap()
            tail = self.text(el.tail)
            if tail and not skip:
                out.add(tail, blocks[-1], chrome, links > 0)

    # -- data tables ------------------------------------------------------------------------------------------
