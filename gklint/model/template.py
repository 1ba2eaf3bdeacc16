"""The national template as data: sections, tables, rows, columns, labels and aliases (2021 and 2019).

The YAML files in ``gklint/model/templates/`` are the source of truth; this module only loads them and prepares the
folded label keys the aligner matches against. What a YAML file holds is kept as JSON in the user cache
(``gklint.resources.cache_dir() / "templates"``), named by a hash of the file's bytes, so a start-up with a warm
cache does not import a YAML parser at all (~10-15 ms); an edited file has another name, and an entry that is
missing, damaged or not what was written is a miss (the YAML is read and the entry written again).
"""
from __future__ import annotations

from functools import cached_property, lru_cache

from ..records import frozen
from ..resources import derived_entry, template_path
from ..textnorm import folded, strip_numbering

_set = object.__setattr__       # (the classes are frozen dataclasses: gklint.records)


@frozen
class ColumnDef:
    """One column of a template table: its label, the label variants accepted, and what its cells hold."""

    id: str
    label: str
    aliases: tuple[str, ...]
    type: str              # "int" or "decimal"
    signed: bool = False
    unit: str | None = None

    def __init__(self, id: str, label: str, aliases: tuple[str, ...], type: str, signed: bool = False,
                 unit: str | None = None) -> None:
        _set(self, "id", id)
        _set(self, "label", label)
        _set(self, "aliases", aliases)
        _set(self, "type", type)
        _set(self, "signed", signed)
        _set(self, "unit", unit)

    @cached_property
    def keys(self) -> tuple[str, ...]:
        return tuple(folded(x) for x in (self.label, *self.aliases))


@frozen
class RowDef:
    """One row of a template table: its label and variants, and the columns it has cells in."""

    id: str
    label: str
    aliases: tuple[str, ...]
    cols: tuple[str, ...]
    group: bool = False    # a row-spanning group label, not a data row

    def __init__(self, id: str, label: str, aliases: tuple[str, ...], cols: tuple[str, ...],
                 group: bool = False) -> None:
        _set(self, "id", id)
        _set(self, "label", label)
        _set(self, "aliases", aliases)
        _set(self, "cols", cols)
        _set(self, "group", group)

    @cached_property
    def keys(self) -> tuple[str, ...]:
        """The folded label and aliases."""
        return tuple(folded(x) for x in (self.label, *self.aliases))

    @cached_property
    def core(self) -> str:
        """The folded label without its numbering (一、 / (一) / 1.)."""
        return strip_numbering(folded(self.label))[1]

    @cached_property
    def numbering(self) -> str:
        return strip_numbering(folded(self.label))[0]

    @cached_property
    def alias_cores(self) -> tuple[str, ...]:
        return tuple(strip_numbering(folded(a))[1] for a in self.aliases)


@frozen
class TableDef:
    """One table of a template: its title, section, columns and rows."""

    id: str
    title: str
    section: int
    columns: dict[str, ColumnDef]
    rows: tuple[RowDef, ...]
    captions: tuple[str, ...]

    def __init__(self, id: str, title: str, section: int, columns: dict[str, ColumnDef], rows: tuple[RowDef, ...],
                 captions: tuple[str, ...]) -> None:
        _set(self, "id", id)
        _set(self, "title", title)
        _set(self, "section", section)
        _set(self, "columns", columns)
        _set(self, "rows", rows)
        _set(self, "captions", captions)

    def row(self, row_id: str) -> RowDef | None:
        for r in self.rows:
            if r.id == row_id:
                return r
        return None

    @property
    def data_rows(self) -> tuple[RowDef, ...]:
        return tuple(r for r in self.rows if not r.group)

    @property
    def col_order(self) -> list[str]:
        seen: list[str] = []
        for r in self.data_rows:
            for c in r.cols:
                if c not in seen:
                    seen.append(c)
        return seen

    @property
    def cell_count(self) -> int:
        return sum(len(r.cols) for r in self.data_rows)


@frozen
class SectionDef:
    """One of the six sections: its number and heading, and the heading variants accepted."""

    number: int
    heading: str
    aliases: tuple[str, ...]

    def __init__(self, number: int, heading: str, aliases: tuple[str, ...]) -> None:
        _set(self, "number", number)
        _set(self, "heading", heading)
        _set(self, "aliases", aliases)


@frozen
class Template:
    """One version of the national template (2021 or 2019): sections and tables."""

    version: str
    sections: tuple[SectionDef, ...]
    tables: dict[str, TableDef]

    def __init__(self, version: str, sections: tuple[SectionDef, ...], tables: dict[str, TableDef]) -> None:
        _set(self, "version", version)
        _set(self, "sections", sections)
        _set(self, "tables", tables)


def _table(tid: str, d: dict) -> TableDef:
    columns = {cid: ColumnDef(cid, c["label"], tuple(c.get("aliases", ())), c.get("type", "int"),
                              bool(c.get("signed", False)), c.get("unit"))
               for cid, c in d["columns"].items()}
    default_cols = tuple(d.get("row_cols", ()))
    rows = tuple(RowDef(str(r["id"]), r["label"], tuple(r.get("aliases", ())),
                        () if r.get("group") else tuple(r.get("cols", default_cols)), bool(r.get("group", False)))
                 for r in d["rows"])
    return TableDef(tid, d["title"], int(d["section"]), columns, rows, tuple(d.get("captions", ())))


MAX_CACHED = 1024 * 1024          # bytes of one stored template (the 2021 one is ~20 KB)


@lru_cache(maxsize=None)
def _raw(version: str) -> dict:
    """A template file's YAML, read once per process (2019 builds on 2021); callers never mutate it. Kept as
    JSON in the user cache (``resources.derived_entry``), so a warm start imports no YAML parser."""
    blob = template_path(version).read_bytes()
    entry, keep = derived_entry("templates", f"template-{version}", blob, MAX_CACHED)
    if entry is not None and isinstance(entry.get("data"), dict):
        return entry["data"]
    data = _parse_yaml(blob)
    keep({"data": data})
    return data


def _parse_yaml(blob: bytes) -> dict:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)     # libyaml when present; same data, ~10x faster
    return yaml.load(blob.decode("utf-8"), Loader=loader)


@lru_cache(maxsize=None)
def load_template(version: str) -> Template:
    raw = _raw(version)
    base = None
    if raw.get("sections") == "same" or any("same_as" in t for t in raw["tables"].values()):
        base = _raw("2021")
    sections_raw = base["sections"] if raw.get("sections") == "same" else raw["sections"]
    sections = tuple(SectionDef(s["number"], s["heading"], tuple(s.get("aliases", ()))) for s in sections_raw)
    tables = {}
    for tid, t in raw["tables"].items():
        if "same_as" in t:
            # the 2021 table with its rows replaced or dropped: a new mapping and new row mappings, the rest shared
            # (``_raw``'s data is never changed, and ``_table`` only reads it; a deep copy cost ~1 M instructions)
            merged = dict(base["tables"][tid])
            drop = set(t.get("rows_drop", ()))
            replace = t.get("rows_replace", {})
            merged["rows"] = [dict(replace.get(str(r["id"]), r)) for r in merged["rows"] if str(r["id"]) not in drop]
            t = merged
        tables[tid] = _table(tid, t)
    return Template(str(raw["version"]), sections, tables)


TEMPLATE_VERSIONS = ("2021", "2019")
