"""Link coverage over a set of cables: what share of tags, posts and people reach Wikidata.

Why counted from parsed records rather than from the RDF: the report must speak of
*occurrences* (how often cables use a code), which is what a reader of the corpus meets, and it
must name the codes that stay unlinked, with counts, so the tables can be improved where it pays.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from cablegraph import tables as tag_tables
from cablegraph.linking import tables
from cablegraph.linking.linker import Linker
from cablegraph.record import CableRecord

GENERIC_WORDS = {"embassy", "consulate", "mission", "general", "office", "secretary", "state", "states",
                 "united", "american", "the", "and", "post"}


@dataclass
class Occurrences:
    """What a set of cables uses: tag codes, posts and people, counted per use."""

    cables: int = 0
    geographic: Counter[str] = field(default_factory=Counter)
    organization: Counter[str] = field(default_factory=Counter)
    repaired: Counter[tuple[str, str]] = field(default_factory=Counter)  # (written, read as)
    unknown_two_letter: Counter[str] = field(default_factory=Counter)
    origin_stations: Counter[str] = field(default_factory=Counter)
    recipient_routes: Counter[str] = field(default_factory=Counter)
    recipient_addresses: Counter[tuple[str, str]] = field(default_factory=Counter)
    people: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # full name -> evidence terms

    def add(self, record: CableRecord, linker: Linker) -> None:
        self.cables += 1
        for tag in record.tags:
            code, kind, repair = linker.read_tag(tag.code, tag.kind, record.text or "")
            if repair is not None:
                self.repaired[(repair.written, repair.code)] += 1
            if kind == "geographic":
                self.geographic[code] += 1
            elif kind == "organization":
                self.organization[code] += 1
            elif kind == "unknown" and re.fullmatch(r"[A-Z]{2}", code):
                self.unknown_two_letter[code] += 1
        if record.station:
            self.origin_stations[record.station] += 1
        for recipient in (*record.to, *record.info):
            if recipient.routing:
                self.recipient_routes[recipient.routing] += 1
                self.recipient_addresses[(recipient.routing, recipient.name)] += 1
        terms = evidence_terms(record.station, linker)
        if record.signer_name:
            self.people[record.signer_name].update(terms)
        if record.classified_by and record.classified_by.name and " " in record.classified_by.name.strip():
            self.people[record.classified_by.name.strip()].update(terms)


def evidence_terms(station: str | None, linker: Linker) -> set[str]:
    """Words a position held by someone at this station would name: its country, city, and the
    organisation of a mission (USNATO -> NATO)."""
    entry = linker.post(station) if station else None
    terms: set[str] = set()
    if entry is not None:
        if entry.city:
            terms.add(entry.city)
        country = tables.geo_entries().get(entry.country_fips)
        if country is not None:
            terms.add(country.name)
    label = tag_tables.station_origin(station) if station else None
    for word in re.findall(r"[A-Za-z]{4,}", label or ""):
        if word.lower() not in GENERIC_WORDS:
            terms.add(word)
            if word.startswith("US") and len(word) > 4 and word.isupper():
                terms.add(word[2:])  # USNATO -> NATO, USOSCE -> OSCE
    return terms


@dataclass
class Coverage:
    occurrences: Occurrences
    geo_linked: Counter[str] = field(default_factory=Counter)
    geo_region: Counter[str] = field(default_factory=Counter)
    geo_unlinked: Counter[str] = field(default_factory=Counter)
    org_linked: Counter[str] = field(default_factory=Counter)
    org_unlinked: Counter[str] = field(default_factory=Counter)
    origin_linked: Counter[str] = field(default_factory=Counter)
    origin_described: Counter[str] = field(default_factory=Counter)
    recipient_described: Counter[str] = field(default_factory=Counter)
    recipient_linked: Counter[str] = field(default_factory=Counter)
    recipient_by_address: Counter[str] = field(default_factory=Counter)  # posts known only from the address
    origin_by_label: Counter[str] = field(default_factory=Counter)  # kind told by the origin label only
    people_linked: set[str] = field(default_factory=set)

    @property
    def origin_unlinked(self) -> Counter[str]:
        stations = self.occurrences.origin_stations
        return Counter({s: n for s, n in stations.items() if s not in self.origin_linked})

    @property
    def recipient_unknown(self) -> Counter[str]:
        routes = self.occurrences.recipient_routes
        return Counter({r: n for r, n in routes.items() if r not in tables.post_entries()})

    @property
    def geo_share(self) -> float:
        """Linked country-code occurrences over all but the region pseudo-codes (region concepts)."""
        countries = self.geo_linked.total() + self.geo_unlinked.total()
        return self.geo_linked.total() / countries if countries else 1.0

    @property
    def org_share(self) -> float:
        total = self.org_linked.total() + self.org_unlinked.total()
        return self.org_linked.total() / total if total else 1.0

    def lines(self, top: int = 25) -> list[str]:
        occ = self.occurrences

        def share(part: int, whole: int) -> str:
            return f"{part:,} of {whole:,} ({100 * part / whole:.1f}%)" if whole else "0 of 0"

        def codes(counter: Counter[str]) -> str:
            return ", ".join(f"{code} {n}" for code, n in counter.most_common(top)) or "none"

        recipients = occ.recipient_routes.total()
        origins = occ.origin_stations.total()
        return [
            f"cables: {occ.cables:,}",
            f"country codes: {share(self.geo_linked.total(), self.geo_linked.total() + self.geo_unlinked.total())}"
            f" occurrences linked to Wikidata; {self.geo_region.total():,} more are region pseudo-codes"
            " (region concepts, not linked)",
            f"  repaired before linking: {', '.join(f'{w}->{c} {n}' for (w, c), n in occ.repaired.most_common())}"
            if occ.repaired else "  repaired before linking: none",
            f"  unlinked: {codes(self.geo_unlinked)}",
            f"  regions: {codes(self.geo_region)}",
            f"  two-letter codes no table knows (left as unknown tags): {codes(occ.unknown_two_letter)}",
            f"organisation codes: {share(self.org_linked.total(), self.org_linked.total() + self.org_unlinked.total())}"
            " occurrences linked",
            f"  unlinked: {codes(self.org_unlinked)}",
            f"origin posts: {share(self.origin_described.total(), origins)} cables' posts with kind and routing "
            f"indicator; {share(self.origin_linked.total(), origins)} with the US mission's Wikidata item",
            f"  {share(self.origin_by_label.total(), origins)} more with the kind their origin label gives "
            f"(\"Embassy Manama\"): {codes(self.origin_by_label)}",
            f"  stations without a Wikidata item: {codes(self.origin_unlinked)}",
            f"recipients: {share(self.recipient_described.total(), recipients)} address lines with a routing "
            f"indicator reach a post the tables describe; {share(self.recipient_linked.total(), recipients)} "
            "one with a Wikidata item",
            f"  routing indicators in no table: {codes(self.recipient_unknown)}",
            f"  {share(self.recipient_by_address.total(), recipients)} more reach a post told by the address "
            "itself (a COLLECTIVE, an agency, or an embassy the indicator only relays for)",
            f"people: {share(len(self.people_linked), len(occ.people))} named signers and classifiers linked "
            "(online answers only: offline, no person is linked)",
        ]


def measure(records: Iterable[CableRecord], linker: Linker) -> Coverage:
    return coverage_of(collect(records, linker), linker)


def collect(records: Iterable[CableRecord], linker: Linker) -> Occurrences:
    """What the cables use. It depends on the tables' rules only, not on recorded online answers, so
    one pass over the cables serves the coverage before and after `link --online`."""
    occ = Occurrences()
    for record in records:
        occ.add(record, linker)
    return occ


def coverage_of(occ: Occurrences, linker: Linker) -> Coverage:
    coverage = Coverage(occ)
    for code, n in occ.geographic.items():
        geo = linker.geo_status(code)
        if geo is not None and geo.kind == "region":
            coverage.geo_region[code] += n
        elif linker.tag_link(code) is not None:
            coverage.geo_linked[code] += n
        else:
            coverage.geo_unlinked[code] += n
    for code, n in occ.organization.items():
        (coverage.org_linked if linker.tag_link(code) else coverage.org_unlinked)[code] += n
    for station, n in occ.origin_stations.items():
        entry = linker.post(station)
        if entry is not None:
            coverage.origin_described[station] += n
            if entry.wikidata:
                coverage.origin_linked[station] += n
        elif linker.post(station, None, tag_tables.station_origin(station)) is not None:
            coverage.origin_by_label[station] += n
    for (route, address), n in occ.recipient_addresses.items():
        entry = linker.recipient_post(route, address)  # the post the transform links the address line to
        if entry is None:
            continue
        counter = coverage.recipient_by_address if entry.source == "cable-address" else coverage.recipient_described
        counter[route] += n
        if ((linker.post(entry.station) if entry.station else None) or entry).wikidata:
            coverage.recipient_linked[route] += n
    coverage.people_linked = {name for name in occ.people if linker.person_link(name)}
    return coverage
