"""Source positions for the HTML reader: where each text node of the parsed tree is in the HTML file.

lxml (libxml2) gives an element's ``sourceline`` only. Columns come from a light tokenisation of the source
done here: the markup (tags, comments, doctype, raw text of ``<script>``/``<style>``…) is skipped as an HTML5
tokeniser would, and the character data in between is decoded (entities) into one string ``D`` with, for every
stretch of ``D``, the source offset it came from (one for one for plain characters; an entity such as
``&nbsp;`` gives one character that maps to the ``&``).

libxml2 keeps text nodes in source order (it does no HTML5 foster-parenting or adoption-agency reordering;
since 2.14 its tokeniser follows HTML5, the same rules as here), and it only ever drops markup and
whitespace-only text between elements. So the tree's text nodes, taken in document order, are found one after
the other in ``D`` by a forward search from a cursor: ``locate`` returns the pieces of a node's text with their
source offsets. A text node that libxml2 merged across a dropped tag (``a</td>b``) is still one contiguous
stretch of ``D``. Where the two disagree anyway (exotic entities, broken attribute quoting), the node is
anchored at its first characters, or left unplaced: positions degrade, reading does not fail.

Cost: one regex pass over the source and one bounded ``str.find`` per text node (C speed).
"""
from __future__ import annotations

import bisect
import html
import re

# A piece of view text: (text, source offset or -1, linear: offset+k is the k-th character's source offset)
Frag = tuple

RAWTEXT = frozenset({"script", "style", "xmp", "iframe", "noembed", "noframes"})
_RCDATA = frozenset({"title", "textarea"})
_KEEP_TAGS = frozenset({"td", "th", "meta", "title"})
_NAME = re.compile(r"[A-Za-z][^\s/>\x00]*")
_TAG_REST = re.compile(r"""(?:[^>"']++|"[^"]*+"|'[^']*+')*+>""")
_ENTITY = re.compile(r"&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]*;?)")
_ATTR = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")
_END_CACHE: dict[str, re.Pattern] = {}
WINDOW = 1 << 17          # how far ahead of the cursor a text node is looked for
MAX_MISSES = 200          # after this many nodes not found, look only a little ahead (bounded time)


def _end_of(name: str) -> re.Pattern:
    p = _END_CACHE.get(name)
    if p is None:
        p = _END_CACHE[name] = re.compile(r"</" + re.escape(name) + r"(?=[\s/>])", re.I)
    return p


class Tag:
    """A start tag kept for later use (td/th: where an empty cell is; meta/title: page metadata)."""

    __slots__ = ("name", "start", "end", "raw")

    def __init__(self, name: str, start: int, end: int, raw: str):
        self.name, self.start, self.end, self.raw = name, start, end, raw

    def attrs(self) -> dict[str, tuple[str, int]]:
        """Attribute name → (value, source offset of the value)."""
        out: dict[str, tuple[str, int]] = {}
        body_at = 1 + len(self.name)
        for m in _ATTR.finditer(self.raw, body_at, len(self.raw) - 1):
            key = m.group(1).lower()
            for g in (2, 3, 4):
                if m.group(g) is not None:
                    out.setdefault(key, (m.group(g), self.start + m.start(g)))
                    break
            else:
                out.setdefault(key, ("", self.start + m.end()))
        return out


class SourceText:
    """The character data of an HTML source, decoded, with a map back to source offsets."""

    def __init__(self, text: str):
        self.text = text
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self._parts: list[str] = []
        self._d_starts: list[int] = []     # chunk start in D
        self._s_starts: list[int] = []     # chunk start in the source
        self._linear: list[bool] = []
        self._d_len = 0
        self.tags: list[Tag] = []
        self.title_runs: list[tuple[int, int]] = []   # (D start, D end) of <title> text
        self._tokenise()
        self.d = "".join(self._parts)
        del self._parts
        self.cursor = 0
        self.misses = 0
        self._tag_cursor: dict[str, int] = {}

    # -- tokenisation ------------------------------------------------------------------------------------
    def _chunk(self, s: str, src: int, linear: bool) -> None:
        if not s:
            return
        self._parts.append(s)
        self._d_starts.append(self._d_len)
        self._s_starts.append(src)
        self._linear.append(linear)
        self._d_len += len(s)

    def _run(self, a: int, b: int) -> None:
        """Character data source[a:b]: plain stretches and decoded entities."""
        t = self.text
        pos = a
        amp = t.find("&", a, b)
        if amp < 0:
            self._chunk(t[a:b], a, True)
            return
        for m in _ENTITY.finditer(t, amp, b):
            raw = m.group(0)
            dec = html.unescape(raw)
            if dec == raw:
                continue
            self._chunk(t[pos:m.start()], pos, True)
            self._chunk(dec, m.start(), False)
            pos = m.end()
        self._chunk(t[pos:b], pos, True)

    def _tokenise(self) -> None:
        t = self.text
        n = len(t)
        pos = 0
        run = 0          # start of the current character-data run
        while pos < n:
            lt = t.find("<", pos)
            if lt < 0 or lt + 1 >= n:
                break
            c = t[lt + 1]
            if c.isascii() and c.isalpha():
                m = _NAME.match(t, lt + 1)
                name = m.group(0).lower()
                r = _TAG_REST.match(t, m.end())
                if r is None:
                    gt = t.find(">", m.end())
                    end = n if gt < 0 else gt + 1
                else:
                    end = r.end()
                self._run(run, lt)
                if name in _KEEP_TAGS:
                    self.tags.append(Tag(name, lt, end, t[lt:end]))
                pos = run = end
                if name in RAWTEXT or name in _RCDATA:
                    close = _end_of(name).search(t, end)
                    stop = n if close is None else close.start()
                    if name in _RCDATA:
                        d0 = self._d_len
                        self._run(end, stop)
                        if name == "title":
                            self.title_runs.append((d0, self._d_len))
                    pos = run = stop
                elif name == "plaintext":
                    pos = n
                    break
                continue
            if c == "!" and t.startswith("<!--", lt):
                self._run(run, lt)
                if t.startswith("<!-->", lt):
                    end = lt + 5
                elif t.startswith("<!--->", lt):
                    end = lt + 6
                else:
                    e = t.find("-->", lt + 4)
                    end = n if e < 0 else e + 3
                pos = run = end
                continue
            if c == "/" and lt + 2 < n:
                self._run(run, lt)
                c2 = t[lt + 2]
                if c2.isascii() and c2.isalpha():           # end tag
                    r = _TAG_REST.match(t, lt + 2)
                    if r is None:
                        gt = t.find(">", lt + 2)
                        end = n if gt < 0 else gt + 1
                    else:
                        end = r.end()
                elif c2 == ">":                              # '</>' is dropped
                    end = lt + 3
                else:                                        # '</ x>' is a bogus comment
                    gt = t.find(">", lt + 2)
                    end = n if gt < 0 else gt + 1
                pos = run = end
                continue
            if c in "!?":                                    # doctype, <![CDATA[, <?xml: bogus comments
                self._run(run, lt)
                gt = t.find(">", lt + 2)
                end = n if gt < 0 else gt + 1
                pos = run = end
                continue
            pos = lt + 1     # '<' followed by anything else is text
        self._run(run, n)

    # -- positions ---------------------------------------------------------------------------------------
    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column (code points) of a source offset."""
        i = bisect.bisect_right(self.line_starts, offset) - 1
        return i + 1, offset - self.line_starts[i] + 1

    def _frags(self, a: int, b: int) -> list[Frag]:
        """The pieces of D[a:b] with their source offsets."""
        out: list[Frag] = []
        i = bisect.bisect_right(self._d_starts, a) - 1
        d = self.d
        while a < b and i < len(self._d_starts):
            ds = self._d_starts[i]
            de = self._d_starts[i + 1] if i + 1 < len(self._d_starts) else self._d_len
            lo, hi = max(a, ds), min(b, de)
            if lo < hi:
                if self._linear[i]:
                    out.append((d[lo:hi], self._s_starts[i] + lo - ds, True))
                else:
                    out.append((d[lo:hi], self._s_starts[i], False))
            if de >= b:
                break
            i += 1
        return out

    def locate(self, text: str) -> list[Frag]:
        """The next occurrence of a tree text node in the source, as placed pieces.

        Every text node of the tree must be asked for, in document order (the cursor only moves forward).
        Unplaced text comes back as one piece with offset -1.
        """
        if not text.strip(" \t\n\r\f"):
            return [(text, -1, False)]
        d = self.d
        start = self.cursor
        window = WINDOW if self.misses < MAX_MISSES else 4096
        i = d.find(text, start, start + len(text) + window)
        if i >= 0:
            self.cursor = i + len(text)
            return self._frags(i, i + len(text))
        self.misses += 1
        core = text.strip()
        for k in (len(core), 24, 8, 2):
            probe = core[:k]
            if not probe:
                continue
            i = d.find(probe, start, start + len(probe) + window)
            if i >= 0:
                lead = text.index(probe) if probe in text else 0
                n = len(text.rstrip()) - lead
                if k == len(core):
                    self.cursor = i + len(probe)
                    return [(text[:lead], -1, False), *self._frags(i, i + len(probe)),
                            (text[lead + len(probe):], -1, False)]
                self.cursor = i + len(probe)
                return [(text[:lead], -1, False), (text[lead:lead + n], self._s_of(i), False),
                        (text[lead + n:], -1, False)]
        return [(text, -1, False)]

    def _s_of(self, d_index: int) -> int:
        i = max(0, bisect.bisect_right(self._d_starts, d_index) - 1)
        if self._linear[i]:
            return self._s_starts[i] + d_index - self._d_starts[i]
        return self._s_starts[i]

    def tag_for(self, name: str, sourceline: int | None) -> Tag | None:
        """The next kept start tag ``name`` on line ``sourceline`` (elements are asked in document order)."""
        cur = self._tag_cursor.get(name, 0)
        tags = self.tags
        for k in range(cur, min(len(tags), cur + 400)):
            tg = tags[k]
            if tg.name != name:
                continue
            first, last = self.line_col(tg.start)[0], self.line_col(tg.end - 1)[0]
            if sourceline is None or first <= sourceline <= last or sourceline >= 65535:
                self._tag_cursor[name] = k + 1
                return tg
            if first > sourceline:
                break
        return None

    def title_text(self) -> tuple[str, list[Frag]] | None:
        """The text of the first <title>, with its pieces."""
        for a, b in self.title_runs:
            if self.d[a:b].strip():
                return self.d[a:b], self._frags(a, b)
        return None

    def offset_of_line(self, line: int) -> int:
        return self.line_starts[min(max(line, 1), len(self.line_starts)) - 1]
