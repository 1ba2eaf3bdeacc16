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

from .html_pieces import _AFFIX, _HIDDEN, _ROLES, _WORDS, BLOCK, CHROME_ANY, CHROME_PAGE, SKIP, Builder
from .html_source import RAWTEXT, SourceText
from .html_table import is_layout_table, render_table


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
