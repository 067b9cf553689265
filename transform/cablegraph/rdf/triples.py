"""One CableRecord -> quads: the cable's own named graph plus descriptions of shared things.

The cable graph (`graph/cable/<ID>`) holds everything only this cable asserts, so a store
can replace a cable whole. Tags, posts, addressees and people are shared by many cables;
their descriptions go to `graph/shared`, keyed by subject so the pipeline writes each once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Quad

from cablegraph import __version__, tables
from cablegraph.parse.ids import resource_key
from cablegraph.rdf.mint import Minter
from cablegraph.rdf.vocab import CG, CGV, DCTERMS, FOAF, PROV, RDF, RDFS, SCHEMA, SKOS, XSD
from cablegraph.record import CableRecord, Recipient

TAG_CLASSES = {
    "subject": CG.SubjectTag, "geographic": CG.GeographicTag, "organization": CG.OrganizationTag,
    "program": CG.ProgramTag, "person": CG.PersonTag, "unknown": CG.UnknownTag,
}
LEVEL_CONCEPTS = {
    "UNCLASSIFIED": "UNCLASSIFIED", "CONFIDENTIAL": "CONFIDENTIAL", "SECRET": "SECRET", "TOP SECRET": "TOP_SECRET",
}
MARKING_LEVELS = {"U": "UNCLASSIFIED", "SBU": "UNCLASSIFIED", "FOUO": "UNCLASSIFIED", "LOU": "UNCLASSIFIED",
                  "C": "CONFIDENTIAL", "S": "SECRET", "TS": "TOP_SECRET"}
MARKING_CAVEATS = {"NF": "NOFORN", "NOFORN": "NOFORN", "SBU": "SBU", "FOUO": "FOUO", "REL": "REL", "ORCON": "ORCON"}
KNOWN_CAVEATS = {"NOFORN", "SIPDIS", "FOUO", "SBU", "NODIS", "EXDIS", "LIMDIS", "STADIS", "ORCON", "PROPIN",
                 "NOCONTRACT"}
SOFTWARE_AGENT = f"agent/cablegraph/{__version__}"


def _n(term: object) -> NamedNode:
    """rdflib URIRef (our vocabulary constants) -> pyoxigraph NamedNode."""
    return NamedNode(str(term))


def _text(value: str) -> Literal:
    # Lone surrogates cannot cross into Rust; replace them rather than fail the cable.
    return Literal(value.encode("utf-8", "replace").decode("utf-8"))


def _typed(value: str | int | bool, datatype: object) -> Literal:
    if isinstance(value, bool):
        value = "true" if value else "false"
    return Literal(str(value), datatype=_n(datatype))


P = {name: _n(getattr(CG, name)) for name in CG.__annotations__}
TYPE, LABEL = _n(RDF.type), _n(RDFS.label)


@dataclass(slots=True)
class CableQuads:
    """The quads of one cable: its own graph, and shared descriptions keyed by subject IRI."""

    cable: list[Quad] = field(default_factory=list)
    shared: dict[str, list[Quad]] = field(default_factory=dict)

    def all(self) -> Iterable[Quad]:
        yield from self.cable
        for quads in self.shared.values():
            yield from quads


class CableTransformer:
    """Turns records into quads under one base IRI."""

    def __init__(self, minter: Minter | None = None):
        self.mint = minter or Minter()
        self.shared_graph = self.mint.shared_graph()
        self.agent = NamedNode(self.mint.base + SOFTWARE_AGENT)

    def transform(self, record: CableRecord) -> CableQuads:
        out = CableQuads()
        cid = resource_key(record.reference_id, record.reference_id_raw)
        cable = self.mint.cable(cid)
        graph = self.mint.cable_graph(cid)

        def add(s: NamedNode, p: object, o: object) -> None:
            out.cable.append(Quad(s, p if isinstance(p, NamedNode) else _n(p), o, graph))

        def lit(s: NamedNode, p: object, value: str | None) -> None:
            if value:
                add(s, p, _text(value))

        add(cable, TYPE, P["Cable"])
        add(cable, DCTERMS.identifier, _text(record.reference_id))
        lit(cable, P["rawReferenceId"], record.reference_id_raw)
        if cid != record.reference_id:
            add(cable, DCTERMS.isVersionOf, self.mint.cable(record.reference_id))
        lit(cable, DCTERMS.title, record.subject)
        if record.created:
            created = _datetime(record.created)
            add(cable, DCTERMS.created, created)
            add(cable, SCHEMA.dateSent, created)
        if record.file_date:
            add(cable, P["fileDate"], _typed(record.file_date, XSD.date))
        lit(cable, P["dateTimeGroup"], record.dtg)
        self._classification(add, lit, cable, record)
        self._origin(add, lit, out, cable, record)
        lit(cable, P["transmissionId"], record.transmission_id)
        if record.precedence:
            add(cable, P["precedence"], _n(CGV["precedence/" + record.precedence.replace(" ", "_")]))
        if record.sections is not None:
            add(cable, P["sectionCount"], _typed(record.sections, XSD.integer))
        add(cable, P["isPartialExtract"], _typed(record.is_partial, XSD.boolean))
        lit(cable, P["sourceFile"], _source_name(record.source))
        self._addresses(add, lit, out, cable, cid, record)
        self._tags(add, out, cable, record)
        self._references(add, lit, cable, cid, record)
        self._authority(add, lit, out, cable, record)
        self._paragraphs(add, lit, cable, cid, record)
        lit(cable, P["summary"], record.summary)
        lit(cable, P["comment"], record.comment)
        lit(cable, P["actionRequest"], record.action_request)
        lit(cable, SCHEMA.text, record.text)
        add(graph, PROV.wasAttributedTo, self.agent)
        add(graph, PROV.wasDerivedFrom, cable)
        return out

    # -- parts -----------------------------------------------------------------------------------

    def _classification(self, add, lit, cable: NamedNode, record: CableRecord) -> None:
        lit(cable, P["classificationText"], record.classification)
        level = _level(record.classification)
        if level:
            add(cable, P["classification"], _n(CGV["classification/" + level]))
        for caveat in record.caveats:
            if caveat.startswith("REL "):
                add(cable, P["caveat"], _n(CGV["caveat/REL"]))
                lit(cable, P["releasableTo"], caveat[4:])
            elif caveat in KNOWN_CAVEATS:
                add(cable, P["caveat"], _n(CGV["caveat/" + caveat]))

    def _origin(self, add, lit, out: CableQuads, cable: NamedNode, record: CableRecord) -> None:
        lit(cable, P["originRoutingIndicator"], record.origin_routing)
        if not record.station:
            return
        post = self.mint.post(record.station)
        add(cable, P["originPost"], post)
        description = [
            (post, TYPE, P["Post"]),
            (post, P["stationCode"], _text(record.station)),
        ]
        if record.origin:
            description.append((post, LABEL, _text(record.origin)))
        self._share(out, post, description)

    def _addresses(self, add, lit, out: CableQuads, cable: NamedNode, cid: str, record: CableRecord) -> None:
        roles = (("from", record.from_, _n(SCHEMA.sender)), ("to", record.to, P["toAddressee"]),
                 ("info", record.info, P["infoAddressee"]))
        for role, recipients, link in roles:
            for position, recipient in enumerate(recipients, start=1):
                addressee = self._addressee(out, recipient)
                add(cable, link, addressee)
                line = self.mint.address_line(cid, role, position)
                add(cable, P["addressLine"], line)
                add(line, TYPE, P["AddressLine"])
                add(line, P["addressRole"], _n(CGV["address-role/" + role]))
                add(line, P["addressee"], addressee)
                add(line, SCHEMA.position, _typed(position, XSD.integer))
                lit(line, P["routingIndicator"], recipient.routing)
                lit(line, P["messageControlNumber"], recipient.mcn)
                if recipient.precedence:
                    add(line, P["precedence"], _n(CGV["precedence/" + recipient.precedence.replace(" ", "_")]))

    def _addressee(self, out: CableQuads, recipient: Recipient) -> NamedNode:
        node = self.mint.addressee(recipient.name)
        self._share(out, node, [(node, TYPE, P["Addressee"]), (node, LABEL, _text(recipient.name))])
        if recipient.routing:
            # One address can be reached through several routing indicators: each is its own fact.
            self._share(out, node, [(node, P["routingIndicator"], _text(recipient.routing))],
                        key=f"{node.value} {recipient.routing}")
        return node

    def _tags(self, add, out: CableQuads, cable: NamedNode, record: CableRecord) -> None:
        for tag in record.tags:
            node = self.mint.tag(tag.code)
            add(cable, DCTERMS.subject, node)
            info = tables.tag_info(tag.code)
            kind = info.kind if info else tag.kind
            description = [
                (node, TYPE, _n(TAG_CLASSES.get(kind, CG.UnknownTag))),
                (node, _n(SKOS.notation), _text(tag.code)),
                (node, _n(SKOS.inScheme), _n(CGV["tags/" + kind])),
                (node, P["tagKind"], _text(kind)),
            ]
            if info and info.label:
                description.append((node, _n(SKOS.prefLabel), Literal(info.label, language="en")))
            self._share(out, node, description)

    def _references(self, add, lit, cable: NamedNode, cid: str, record: CableRecord) -> None:
        for position, reference in enumerate(record.references, start=1):
            node = self.mint.reference(cid, position)
            add(cable, P["reference"], node)
            add(node, TYPE, P["Reference"])
            add(node, SCHEMA.position, _typed(position, XSD.integer))
            lit(node, P["referenceLetter"], reference.letter)
            lit(node, P["referenceText"], reference.raw)
            add(node, P["referenceKind"], _n(CGV["reference-kind/" + reference.kind]))
            if reference.cable_id:
                cited = self.mint.cable(reference.cable_id)
                add(node, P["citedCable"], cited)
                add(cable, DCTERMS.references, cited)

    def _authority(self, add, lit, out: CableQuads, cable: NamedNode, record: CableRecord) -> None:
        lit(cable, P["executiveOrder"], record.executive_order)
        if record.declassify_on:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", record.declassify_on):
                add(cable, P["declassifyOn"], _typed(record.declassify_on, XSD.date))
            else:
                lit(cable, P["declassificationInstruction"], record.declassify_on)
        for reason in record.reasons:
            lit(cable, P["classificationReason"], reason)
        if record.classified_by:
            lit(cable, P["classifiedByText"], record.classified_by.raw)
            lit(cable, P["classifierTitle"], record.classified_by.title)
            if record.classified_by.name:
                add(cable, P["classifiedBy"], self._person(out, record.classified_by.name))
        if record.signer:
            lit(cable, P["signerText"], record.signer)
            key = record.signer_name or f"{record.signer} {record.station or ''}"
            person = self._person(out, key, record.signer_name)
            add(cable, P["signer"], person)

    def _person(self, out: CableQuads, key: str, name: str | None = "") -> NamedNode:
        node = self.mint.person(key)
        full = key if name == "" else name
        description = [(node, TYPE, P["Person"])]
        if full:
            description += [(node, _n(FOAF.name), _text(full)), (node, LABEL, _text(full))]
        else:
            description.append((node, LABEL, _text(key.strip())))
        self._share(out, node, description)
        return node

    def _paragraphs(self, add, lit, cable: NamedNode, cid: str, record: CableRecord) -> None:
        seen: dict[int, int] = {}
        for paragraph in record.paragraphs:
            count = seen[paragraph.number] = seen.get(paragraph.number, 0) + 1
            index = str(paragraph.number) if count == 1 else f"{paragraph.number}-{count}"
            node = self.mint.paragraph(cid, index)
            add(cable, P["paragraph"], node)
            add(node, TYPE, P["Paragraph"])
            add(node, DCTERMS.isPartOf, cable)
            add(node, P["paragraphNumber"], _typed(paragraph.number, XSD.integer))
            lit(node, SCHEMA.text, paragraph.text)
            if paragraph.marking:
                lit(node, P["marking"], paragraph.marking)
                level, caveats = _marking_parts(paragraph.marking)
                if level:
                    add(node, P["markingLevel"], _n(CGV["classification/" + level]))
                for caveat in caveats:
                    add(node, P["markingCaveat"], _n(CGV["caveat/" + caveat]))

    def _share(self, out: CableQuads, subject: NamedNode, triples: list, key: str | None = None) -> None:
        out.shared.setdefault(key or subject.value, [Quad(s, p, o, self.shared_graph) for s, p, o in triples])


def _datetime(value: str) -> Literal:
    """`2009-09-10T16:27Z` -> xsd:dateTime `2009-09-10T16:27:00Z`; a bare date -> xsd:date."""
    if "T" not in value:
        return _typed(value, XSD.date)
    date, time = value.split("T", 1)
    zone = "Z" if time.endswith("Z") else ""
    clock = time.rstrip("Z")
    if clock.count(":") == 1:
        clock += ":00"
    return _typed(f"{date}T{clock}{zone}", XSD.dateTime)


def _level(classification: str | None) -> str | None:
    if not classification:
        return None
    head = classification.split("//")[0].strip().upper()
    return LEVEL_CONCEPTS.get(head)


def _marking_parts(marking: str) -> tuple[str | None, list[str]]:
    """`S/NF` -> ('SECRET', ['NOFORN']); `SBU` -> ('UNCLASSIFIED', ['SBU']); `S/REL NATO` -> ('SECRET', ['REL'])."""
    parts = [p.strip() for p in re.split(r"/{1,2}", marking) if p.strip()]
    level = MARKING_LEVELS.get(parts[0]) if parts else None
    caveats = []
    for part in parts if parts and parts[0] in ("SBU", "FOUO") else parts[1:]:
        caveat = MARKING_CAVEATS.get(part.split()[0])
        if caveat and caveat not in caveats:
            caveats.append(caveat)
    return level, caveats


def _source_name(source: str | None) -> str | None:
    if not source:
        return None
    return re.split(r"[\\/]", source)[-1]
