"""The view pieces the HTML reader builds (shared by the tree walk in ``html_layout`` and the table grid in
``html_table``): which elements are blocks, skipped or site chrome, the kinds of pieces, a view line
(``VLine``) and the ``Builder`` that joins text pieces into view lines with CSS-like whitespace."""
from __future__ import annotations

import re
import unicodedata


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


