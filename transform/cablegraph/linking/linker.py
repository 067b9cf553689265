"""What a tag, post or person links to in Wikidata, and how each link was made.

Every link carries its provenance: the bundled table and source it came from (`table`, `label`),
or the recorded online answer (`online`: endpoint, query and date). Nothing is guessed: a code
with no QID in any source stays unlinked, and the report lists it.

The one repair made before linking: a cable that writes an ISO 3166 code where the FIPS code
belongs (RU for Russia, whose FIPS code is RS) gets the FIPS code, but only when the ISO code is
not a known TAGS code and the country's name occurs as a word in the cable's text. The evidence
rule (the name may go on into an adjective: Russian, Iraqi, Japanese) keeps ISO look-alikes with
another meaning apart: in the corpus, SR stands for Serbia
(not ISO Suriname) and TC for the UAE (not ISO Turks and Caicos); neither cable names
Suriname or the Turks and Caicos, so neither is repaired.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from cablegraph import tables as tag_tables
from cablegraph.linking import tables
from cablegraph.linking.kinds import post_kind

WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"
QID = re.compile(r"^Q[1-9][0-9]*$")
ISO_RULE = "iso-for-fips"
ROUTING = re.compile(r"R[A-Z]{3,6}")
ADDRESS_MATCH = "kind from the address as written"
STATE_KINDS = ("embassy", "consulate", "mission", "office", "department")


@dataclass(frozen=True, slots=True)
class Link:
    """One link to a Wikidata item and how it was made."""

    qid: str
    method: str  # table | label | online
    source: str  # a `sources.csv` id, or the endpoint URL for an online answer
    note: str = ""
    query: str | None = None  # online answers: the SPARQL text asked
    date: str | None = None  # online answers: when (ISO 8601)

    @property
    def iri(self) -> str:
        return WIKIDATA_ENTITY + self.qid


@dataclass(frozen=True, slots=True)
class Repair:
    """A TAGS code written one way and read as another, with the rule that allowed it."""

    written: str
    code: str
    rule: str
    evidence: str


class Linker:
    """Offline tables, plus the online answers recorded in a cache file (`cablegraph link --online`)."""

    def __init__(self, cache_path: str | Path | None = None):
        self.online: dict[str, dict[str, dict[str, str]]] = {"geo": {}, "org": {}, "person": {}}
        if cache_path is not None and Path(cache_path).is_file():
            recorded = json.loads(Path(cache_path).read_text(encoding="utf-8")).get("links", {})
            for kind in self.online:
                self.online[kind].update(recorded.get(kind, {}))

    # -- tags --------------------------------------------------------------------------------

    def tag_link(self, code: str) -> Link | None:
        """A geographic code's country, else an organisation code's organisation, else a recorded
        online answer. A table row without a QID (geo kind `none`, org method `none`) links nothing:
        EU is FIPS Europa Island, which no source gives a QID, and its TAGS definition is not the
        European Union, so `tag/EU` stays unlinked (see `scripts/build_links.py`)."""
        geo = tables.geo_entries().get(code)
        if geo is not None and geo.wikidata:
            return Link(geo.wikidata, "table", geo.source)
        org = tables.org_entries().get(code.upper())
        if org is not None and org.wikidata:
            return Link(org.wikidata, org.method, org.source, org.note)
        for kind in ("geo", "org"):
            if code in self.online[kind]:
                return _online(self.online[kind][code])
        return None

    def geo_status(self, code: str) -> tables.GeoEntry | None:
        return tables.geo_entries().get(code)

    def read_tag(self, code: str, kind: str, text: str) -> tuple[str, str, Repair | None]:
        """The code and kind a TAGS entry is linked as, and the repair if one was made: an unknown code
        is repaired first (below), then the tables' kind wins over the parser's guess."""
        repair = self.repair(code, text) if kind == "unknown" else None
        if repair is not None:
            code, kind = repair.code, "geographic"
        info = tag_tables.tag_info(code)
        return code, (info.kind if info else kind), repair

    def repair(self, code: str, text: str) -> Repair | None:
        """The FIPS code for an ISO code written in its place, when the rule above allows it."""
        if len(code) != 2 or tag_tables.tag_info(code) is not None:
            return None
        fips = tables.iso_to_fips().get(code)
        if fips is None:
            return None
        name = tables.geo_entries()[fips].name
        if not text or not re.search(rf"\b{re.escape(name)}", text, flags=re.IGNORECASE):
            return None
        return Repair(code, fips, ISO_RULE, f"ISO 3166 code of {name}, named in the cable")

    # -- posts and people --------------------------------------------------------------------

    def post(self, station: str | None, routing_indicator: str | None = None,
             address: str | None = None) -> tables.PostEntry | None:
        """What the post table knows of a station's post, or of the post behind a routing indicator.

        A station's post is always described by the same row (the best of its routing
        indicators), whatever indicator one cable was sent through, so that every cable gives
        its post the same kind and link; a station no row names is described from the name the
        cable gives it (`address`: its origin label, "Embassy Manama"). A routing indicator not
        tied to a station describes a post of its own. One that no table knows (RUEHZL, a
        collective of European posts) is described from the address a cable writes beside it:
        its kind by the same naming rules the ACP book is read with (EUROPEAN POLITICAL
        COLLECTIVE is a collective).
        """
        if station:
            best = tables.posts_by_station().get(station)
            if best is not None:
                return best
            entry = tables.post_entries().get(routing_indicator or "")
            if entry is not None and not entry.station and entry.kind in STATE_KINDS:
                return entry  # a State Department post the book could not tie to a code; this cable does
            if address:
                return self.named_post(station, routing_indicator or "", address)
            return None
        entry = tables.post_entries().get(routing_indicator or "")
        if entry is not None:
            return entry
        if address and routing_indicator and ROUTING.fullmatch(routing_indicator):
            return tables.PostEntry(routing_indicator, "", address, post_kind(address), "", "", "",
                                    ADDRESS_MATCH, "cable-address")
        return None

    def named_post(self, station: str, routing_indicator: str, address: str) -> tables.PostEntry:
        """The post of a station an address names, reached through another station's indicator
        (RUEHSA/AMCONSUL JOHANNESBURG: Pretoria's indicator). The indicator's row describes the other
        post, so only the station's own row, or the address, may describe this one."""
        return tables.posts_by_station().get(station) or tables.PostEntry(
            routing_indicator, station, address, post_kind(address), "", "", "", ADDRESS_MATCH, "cable-address")

    def recipient_post(self, routing_indicator: str, address: str) -> tables.PostEntry | None:
        """The post an address line reaches: the indicator's row, unless the address names another
        embassy or consulate than that row (then that station's own post, see `named_post`)."""
        entry = self.post(None, routing_indicator, address)
        if entry is None:
            return None
        station = address_station(address, entry)
        return self.named_post(station, routing_indicator, address) if station else entry

    def post_link(self, entry: tables.PostEntry) -> Link | None:
        if entry.wikidata:
            return Link(entry.wikidata, "table", entry.source, entry.match)
        return None

    def person_link(self, name: str) -> Link | None:
        """People are linked only from recorded online answers with position evidence."""
        answer = self.online["person"].get(name)
        return _online(answer) if answer else None


def address_station(address: str, entry: tables.PostEntry) -> str | None:
    """The station an embassy or consulate address names, when it differs from the routing row's: an
    indicator may serve another post (RUEHSA/AMCONSUL JOHANNESBURG goes through Embassy Pretoria), and
    the ACP book has typos (RUEHYD is "AMEMBASSY VAOUNDE"; cables write YAOUNDE, the station of its ids)."""
    match = re.fullmatch(r"AM(?:EMBASSY|CONSUL|CONGEN)\s+([A-Z]+)", address.strip())
    if match and match.group(1) != entry.station:
        return match.group(1)
    return None


def _online(answer: dict[str, str]) -> Link | None:
    qid = answer.get("wikidata", "")
    if not QID.match(qid):
        return None
    return Link(qid, "online", answer.get("endpoint", ""), answer.get("evidence", ""), answer.get("query"),
                answer.get("date"))
