"""The bundled link tables (`cablegraph/data/links/`), read once per process.

Why separate from `cablegraph.tables`: these tables carry Wikidata identifiers and their own
provenance and licences (the organisation table is CC BY-SA 4.0), and only linking needs them.
Provenance and rules: `scripts/build_links.py`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib.resources import files


@dataclass(frozen=True, slots=True)
class GeoEntry:
    """A geographic TAGS code: a country (with its QID), a region concept, or a documented no-match."""

    code: str
    kind: str  # country | region | none
    name: str
    iso2: str
    wikidata: str
    source: str
    note: str


@dataclass(frozen=True, slots=True)
class OrgEntry:
    code: str
    name: str
    wikidata: str  # empty for method `none`
    method: str  # table | label | none (a documented no-link: `note` says why)
    source: str
    note: str


@dataclass(frozen=True, slots=True)
class PostEntry:
    """A post behind an ACP 117 routing indicator; `station` is its reference-id station code, if known."""

    routing_indicator: str
    station: str
    name: str
    kind: str
    city: str
    country_fips: str
    wikidata: str
    match: str
    source: str
    note: str = ""  # why a State Department post has no Wikidata item


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    title: str
    file: str
    upstream: str
    licence: str


def _rows(name: str) -> list[dict[str, str]]:
    text = (files("cablegraph") / "data" / "links" / name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


@cache
def geo_entries() -> dict[str, GeoEntry]:
    return {row["code"]: GeoEntry(**row) for row in _rows("geo.csv")}


@cache
def org_entries() -> dict[str, OrgEntry]:
    return {row["code"].upper(): OrgEntry(**row) for row in _rows("orgs.csv")}


@cache
def post_entries() -> dict[str, PostEntry]:
    return {row["routing_indicator"]: PostEntry(**row) for row in _rows("posts.csv")}


@cache
def posts_by_station() -> dict[str, PostEntry]:
    """The best-described post of each station: one with a Wikidata item, then one whose station was
    told by its origin label, then embassies before other kinds (a station can have several
    routing indicators: RUEHFR and RUEHFRA are both Embassy Paris)."""
    best: dict[str, PostEntry] = {}

    def rank(entry: PostEntry) -> tuple[bool, bool, bool, str]:
        return (not entry.wikidata, "origin label" not in entry.match, entry.kind != "embassy",
                entry.routing_indicator)

    for entry in post_entries().values():
        if entry.station and (entry.station not in best or rank(entry) < rank(best[entry.station])):
            best[entry.station] = entry
    return best


@cache
def sources() -> dict[str, Source]:
    return {row["id"]: Source(**row) for row in _rows("sources.csv")}


@cache
def iso_to_fips() -> dict[str, str]:
    """ISO 3166 alpha-2 -> FIPS code of the same country, for ISO codes that are not FIPS codes too."""
    entries = geo_entries()
    return {e.iso2: e.code for e in entries.values()
            if e.kind == "country" and e.iso2 and e.iso2 not in entries and e.iso2 != e.code}
