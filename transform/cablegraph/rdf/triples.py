"""One CableRecord -> quads: the cable's own named graph plus descriptions of shared things.

The cable graph (`graph/cable/<ID>`) holds everything only this cable asserts, so a store
can replace a cable whole. Tags, posts, addressees and people are shared by many cables;
their descriptions go to `graph/shared`, keyed by subject so the pipeline writes each once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from pyoxigraph import Literal, NamedNode, Quad

from cablegraph import __version__, tables
from cablegraph.entities import people
from cablegraph.entities.addressees import addressee_key
from cablegraph.entities.posts import post_label, post_station
from cablegraph.linking.linker import Link, Linker, Repair
from cablegraph.linking.tables import PostEntry, sources
from cablegraph.parse.ids import resource_key
from cablegraph.rdf.mint import Minter
from cablegraph.rdf.vocab import CG, CGV, CITO, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SCHEMA, SEMAPV, SKOS, SSSOM, XSD
from cablegraph.record import CableRecord, Recipient

#: How the parser read a TAGS token as another code (parse/tags.py), in the words of cg:repairRule.
PARSER_RULES = {
    "table": "known misspelling (tag-fix table)",
    "typo": "one letter too many for exactly one known code",
    "glued": "codes written without spaces, split into known codes",
}

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


def _text(value: str, language: str | None = None) -> Literal:
    try:
        return Literal(value, language=language)
    except (UnicodeEncodeError, ValueError):  # lone surrogates cannot cross into Rust: replace, do not fail
        return Literal(value.encode("utf-8", "replace").decode("utf-8"), language=language)


def _english(value: str) -> Literal:
    """Prose people wrote to be read, tagged `@en` (the rule is in ontology/README.md): the subject line,
    the text, summary, comment and action request, and our own notes. Codes, identifiers, names and header
    fields kept as written stay untagged strings, so that they compare and join as they are written."""
    return _text(value, "en")


def _typed(value: str | int | bool, datatype: NamedNode) -> Literal:
    if isinstance(value, bool):
        value = "true" if value else "false"
    return Literal(str(value), datatype=datatype)


P = {name: _n(getattr(CG, name)) for name in CG.__annotations__}
TYPE, LABEL = _n(RDF.type), _n(RDFS.label)
# External terms as pyoxigraph nodes, built once: attribute access on rdflib namespaces and the
# conversion cost more than the rest of the transform when done per triple.
ID, TITLE, CREATED, REFERENCES, SUBJECT, IS_PART_OF, IS_VERSION_OF = (
    _n(t) for t in (DCTERMS.identifier, DCTERMS.title, DCTERMS.created, DCTERMS.references, DCTERMS.subject,
                    DCTERMS.isPartOf, DCTERMS.isVersionOf))
DATE_SENT, TEXT, POSITION, SENDER = (_n(t) for t in (SCHEMA.dateSent, SCHEMA.text, SCHEMA.position, SCHEMA.sender))
ATTRIBUTED_TO, DERIVED_FROM = _n(PROV.wasAttributedTo), _n(PROV.wasDerivedFrom)
NOTATION, IN_SCHEME, PREF_LABEL, FOAF_NAME = (_n(t) for t in (SKOS.notation, SKOS.inScheme, SKOS.prefLabel, FOAF.name))
EXACT_MATCH, EDITORIAL_NOTE, ALT_LABEL = _n(SKOS.exactMatch), _n(SKOS.editorialNote), _n(SKOS.altLabel)
FOAF_PERSON, MESSAGE, CONCEPT = _n(FOAF.Person), _n(SCHEMA.Message), _n(SKOS.Concept)
TOP_CONCEPT_OF = _n(SKOS.topConceptOf)  # (skos:hasTopConcept, its inverse, is the scheme's: not ours to add)
STATEMENT, RDF_SUBJECT, RDF_PREDICATE, RDF_OBJECT = (_n(t) for t in (RDF.Statement, RDF.subject, RDF.predicate,
                                                                      RDF.object))
GENERATED_AT, SOURCE, RIGHTS = _n(PROV.generatedAtTime), _n(DCTERMS.source), _n(DCTERMS.rights)
CITES = _n(CITO.cites)
# A link record is also a mapping as SSSOM's RDF writes one: an owl:Axiom naming the triple it annotates,
# with the matching process that justifies it.
AXIOM, ANNOTATED_SOURCE, ANNOTATED_PROPERTY, ANNOTATED_TARGET = (
    _n(t) for t in (OWL.Axiom, OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget))
JUSTIFICATION = _n(SSSOM.mapping_justification)
#: The SEMAPV matching process behind each link method: a table row is a curated cross-reference, except
#: the post tables, whose rows were matched by rules (place name, mission type, jurisdiction); a label link
#: and an online answer (an exact label or code asked of Wikidata) are lexical matches.
JUSTIFICATIONS = {"table": _n(SEMAPV.ManualMappingCuration), "label": _n(SEMAPV.LexicalMatching),
                  "online": _n(SEMAPV.LexicalMatching)}
RULE_MATCHED_SOURCES = {"us-posts-routing": _n(SEMAPV.CompositeMatching),
                        "us-missions-wikidata": _n(SEMAPV.CompositeMatching)}
# A link record names its source with prov:hadPrimarySource (a kind of prov:wasDerivedFrom): the plain
# property marks cable graphs, whose shape targets its subjects.
PRIMARY_SOURCE = _n(PROV.hadPrimarySource)
XSD_DATETIME, XSD_DATE, XSD_INTEGER, XSD_BOOLEAN = (_n(t) for t in (XSD.dateTime, XSD.date, XSD.integer, XSD.boolean))


@lru_cache(maxsize=4096)
def _concept(path: str) -> NamedNode:
    """A concept of our vocabularies, e.g. `classification/SECRET`."""
    return NamedNode(str(CGV[path]))


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

    def __init__(self, minter: Minter | None = None, linker: Linker | None = None):
        self.mint = minter or Minter()
        self.linker = linker or Linker()
        self.shared_graph = self.mint.shared_graph()
        self.agent = NamedNode(self.mint.base + SOFTWARE_AGENT)
        self._shared: dict[str, list[Quad]] = {}  # bounded: one entry per tag, post, person, addressee
        self._post_rows: dict[str, PostEntry] = {}  # the table row each post was first described from

    def transform(self, record: CableRecord) -> CableQuads:
        out = CableQuads()
        cid = resource_key(record.reference_id, record.reference_id_raw)
        cable = self.mint.cable(cid)
        graph = self.mint.cable_graph(cid)

        def add(s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> None:
            out.cable.append(Quad(s, p, o, graph))

        def lit(s: NamedNode, p: object, value: str | None) -> None:
            if value:
                add(s, p, _text(value))

        def prose(s: NamedNode, p: object, value: str | None) -> None:
            if value:
                add(s, p, _english(value))

        add(cable, TYPE, P["Cable"])
        add(cable, TYPE, MESSAGE)  # said in the data, not only in the ontology: clients need no inference
        add(cable, ID, _text(record.reference_id))
        lit(cable, P["rawReferenceId"], record.reference_id_raw)
        if cid != record.reference_id:
            add(cable, IS_VERSION_OF, self.mint.cable(record.reference_id))
        prose(cable, TITLE, record.subject)
        if record.created:
            # One datatype for every cable: the day is dcterms:created (an xsd:date, so dates sort and compare);
            # the moment, when the date-time group tells it, is schema:dateSent.
            add(cable, CREATED, _typed(record.created[:10], XSD_DATE))
            if "T" in record.created:
                add(cable, DATE_SENT, _datetime(record.created))
        if record.file_date:
            add(cable, P["fileDate"], _typed(record.file_date, XSD_DATE))
        lit(cable, P["dateTimeGroup"], record.dtg)
        self._classification(add, lit, cable, record)
        self._origin(add, lit, out, cable, record)
        lit(cable, P["transmissionId"], record.transmission_id)
        if record.precedence:
            add(cable, P["precedence"], _concept("precedence/" + record.precedence.replace(" ", "_")))
        if record.sections is not None:
            add(cable, P["sectionCount"], _typed(record.sections, XSD_INTEGER))
        add(cable, P["isPartialExtract"], _typed(record.is_partial, XSD_BOOLEAN))
        lit(cable, P["sourceFile"], _source_name(record.source))
        self._addresses(add, lit, out, cable, cid, record)
        self._tags(add, lit, out, cable, cid, record)
        self._references(add, lit, cable, cid, record)
        self._authority(add, lit, out, cable, record)
        self._paragraphs(add, lit, prose, cable, cid, record)
        prose(cable, P["summary"], record.summary)
        prose(cable, P["comment"], record.comment)
        prose(cable, P["actionRequest"], record.action_request)
        prose(cable, TEXT, record.text)
        add(graph, ATTRIBUTED_TO, self.agent)
        add(graph, DERIVED_FROM, cable)
        return out

    # -- parts -----------------------------------------------------------------------------------

    def _classification(self, add, lit, cable: NamedNode, record: CableRecord) -> None:
        lit(cable, P["classificationText"], record.classification)
        level = _level(record.classification)
        if level:
            add(cable, P["classification"], _concept("classification/" + level))
        for caveat in record.caveats:
            if caveat.startswith("REL "):
                add(cable, P["caveat"], _concept("caveat/REL"))
                lit(cable, P["releasableTo"], caveat[4:])
            elif caveat in KNOWN_CAVEATS:
                add(cable, P["caveat"], _concept("caveat/" + caveat))

    def _origin(self, add, lit, out: CableQuads, cable: NamedNode, record: CableRecord) -> None:
        lit(cable, P["originRoutingIndicator"], record.origin_routing)
        if not record.station:
            return
        station = post_station(record.station)
        label = post_label(station) or record.origin
        entry = self.linker.post(station, record.origin_routing, label)
        post = self._post(out, station, entry, record.origin, written=record.station)
        add(cable, P["originPost"], post)
        if record.origin_routing and re.fullmatch(r"R[A-Z]{3,6}", record.origin_routing):
            # The indicators a post sends through: each is its own shared fact.
            self._share(out, post, [(post, P["routingIndicator"], _text(record.origin_routing))],
                        key=f"{post.value} {record.origin_routing}")

    def _post(self, out: CableQuads, station: str | None, entry: PostEntry | None,
              label: str | None = None, written: str | None = None) -> NamedNode:
        """A post by its station code (or, for a post known only by its routing indicator, by that),
        with what the post table knows of it: kind, city, country and the US mission's Wikidata item.
        The code is the post's own (entities/posts.py): `KIEV`, written in a cable id, is post KYIV."""
        written = written or station
        station = post_station(station) if station else None
        if entry is not None and not station and entry.source == "cable-address":
            post = self.mint.address_post(addressee_key(entry.name))  # shared relays (RHMFIUU) carry many
        else:
            post = self.mint.post(station or (entry.routing_indicator if entry else ""))
        description = [(post, TYPE, P["Post"])]
        if station:
            description.append((post, P["stationCode"], _text(station)))
        label = (post_label(station) if station else None) or label or (entry.name if entry else None)
        if label:
            description.append((post, LABEL, _text(label)))
        self._share(out, post, description)
        self._alt_label(out, post, written, station)
        if entry is not None:
            routing = entry.routing_indicator
            # A station's post is described by its best row, whichever indicator reached it here: the
            # description is shared, so it must not depend on which cable made it first.
            # The first row used for a post is kept: the detail and the tags it points to are then the
            # same for every later cable, so a batch never gets a country without that country's tag.
            entry = self._post_rows.setdefault(post.value, (self.linker.post(station) if station else None) or entry)
            detail = [(post, P["postKind"], _concept("post-kind/" + entry.kind))]
            if entry.city:
                detail.append((post, P["city"], _text(entry.city)))
            if entry.country_fips:
                detail.append((post, P["country"], self._tag_node(out, entry.country_fips)))
            link = self.linker.post_link(entry)
            if link is not None:
                detail += self._link_triples(out, post, link)
            self._share(out, post, detail, key=f"{post.value} detail")
            if routing:  # a post told by its origin label alone may have none
                self._share(out, post, [(post, P["routingIndicator"], _text(routing))], key=f"{post.value} {routing}")
        return post

    def _addresses(self, add, lit, out: CableQuads, cable: NamedNode, cid: str, record: CableRecord) -> None:
        roles = (("from", record.from_, SENDER), ("to", record.to, P["toAddressee"]),
                 ("info", record.info, P["infoAddressee"]))
        for role, recipients, link in roles:
            for position, recipient in enumerate(recipients, start=1):
                addressee = self._addressee(out, recipient)
                add(cable, link, addressee)
                line = self.mint.address_line(cid, role, position)
                add(cable, P["addressLine"], line)
                add(line, TYPE, P["AddressLine"])
                add(line, P["addressRole"], _concept("address-role/" + role))
                add(line, P["addressee"], addressee)
                add(line, POSITION, _typed(position, XSD_INTEGER))
                lit(line, P["routingIndicator"], recipient.routing)
                lit(line, P["messageControlNumber"], recipient.mcn)
                if recipient.precedence:
                    add(line, P["precedence"], _concept("precedence/" + recipient.precedence.replace(" ", "_")))

    def _addressee(self, out: CableQuads, recipient: Recipient) -> NamedNode:
        key = addressee_key(recipient.name, recipient.routing)  # one node per address (entities/addressees.py)
        node = self.mint.addressee(key)
        self._share(out, node, [(node, TYPE, P["Addressee"]), (node, LABEL, _text(key))])
        self._alt_label(out, node, recipient.name, key)
        if recipient.routing:
            # One address can be reached through several routing indicators: each is its own fact.
            facts = [(node, P["routingIndicator"], _text(recipient.routing))]
            entry = self.linker.recipient_post(recipient.routing, recipient.name)
            if entry is not None:
                facts.append((node, P["post"], self._post(out, entry.station or None, entry)))
            self._share(out, node, facts, key=f"{node.value} {recipient.routing}")
        return node

    def _tags(self, add, lit, out: CableQuads, cable: NamedNode, cid: str, record: CableRecord) -> None:
        glued = {tag.written for tag in record.tags if tag.repair == "glued"}
        for tag in record.tags:
            code, kind, repair = self.linker.read_tag(tag.code, tag.kind, record.text or "")
            if repair is None and tag.written and tag.repair:
                repair = Repair(tag.written, code, PARSER_RULES[tag.repair], f"{tag.written} read as {code}")
            if repair is not None:
                # One glued token is several repairs: each gets its own node.
                key = f"{repair.written}-{repair.code}" if repair.written in glued else repair.written
                node = self.mint.tag_repair(cid, key)
                add(cable, P["tagRepair"], node)
                add(node, TYPE, P["TagRepair"])
                add(node, P["writtenCode"], _text(repair.written))
                add(node, P["repairedTag"], self.mint.tag(repair.code))
                add(node, P["repairRule"], _english(f"{repair.rule}: {repair.evidence}"))
            add(cable, SUBJECT, self._tag_node(out, code, kind))

    def _tag_node(self, out: CableQuads, code: str, kind: str = "geographic") -> NamedNode:
        """A tag concept, described once: its kind, label and, where known, its Wikidata link."""
        node = self.mint.tag(code)
        if node.value in out.shared:
            return node
        info = tables.tag_info(code)
        kind = info.kind if info else kind
        scheme = _concept("tags/" + kind)
        description = [
            (node, TYPE, P["Tag"]),  # the superclasses too: validation and queries need no inference
            (node, TYPE, _n(TAG_CLASSES.get(kind, CG.UnknownTag))),
            (node, TYPE, CONCEPT),
            (node, NOTATION, _text(code)),
            (node, IN_SCHEME, scheme),
            (node, TOP_CONCEPT_OF, scheme),  # the TAGS schemes are flat: every code is a top concept
            (node, P["tagKind"], _text(kind)),
        ]
        if info and info.label:
            description.append((node, PREF_LABEL, Literal(info.label, language="en")))
        geo = self.linker.geo_status(code) if kind == "geographic" else None
        if geo is not None and geo.kind == "region":
            description.append((node, TYPE, P["RegionTag"]))
        link = self.linker.tag_link(code) if kind in ("geographic", "organization") else None
        if link is not None:
            description += self._link_triples(out, node, link)
        elif geo is not None and geo.note:
            description.append((node, EDITORIAL_NOTE, Literal("No Wikidata link: " + geo.note, language="en")))
        self._share(out, node, description)
        return node

    def _link_triples(self, out: CableQuads, subject: NamedNode, link: Link) -> list:
        """`subject skos:exactMatch wd:Q…`, and the record of how that link was made."""
        target = NamedNode(link.iri)
        record = self.mint.link(subject)
        triples = [
            (subject, EXACT_MATCH, target),
            (record, TYPE, P["WikidataLink"]),
            (record, TYPE, STATEMENT),
            (record, RDF_SUBJECT, subject),
            (record, RDF_PREDICATE, EXACT_MATCH),
            (record, RDF_OBJECT, target),
            (record, P["linkMethod"], _concept("link-method/" + link.method)),
            (record, TYPE, AXIOM),
            (record, ANNOTATED_SOURCE, subject),
            (record, ANNOTATED_PROPERTY, EXACT_MATCH),
            (record, ANNOTATED_TARGET, target),
            (record, JUSTIFICATION, _justification(link)),
        ]
        if link.note:
            triples.append((record, P["linkNote"], _english(link.note)))
        if link.method == "online":
            triples.append((record, PRIMARY_SOURCE, NamedNode(link.source)))
            if link.date:
                triples.append((record, GENERATED_AT, _typed(link.date, XSD_DATETIME)))
            if link.query:
                triples.append((record, P["wikidataQuery"], _text(link.query)))
        else:
            triples.append((record, PRIMARY_SOURCE, self._link_source(out, link.source)))
        return triples

    def _link_source(self, out: CableQuads, source_id: str) -> NamedNode:
        node = self.mint.link_source(source_id)
        source = sources()[source_id]
        self._share(out, node, [
            (node, TYPE, P["LinkSource"]),
            (node, TITLE, _english(source.title)),
            (node, P["sourceTable"], _text(source.file)),
            (node, SOURCE, _text(source.upstream)),
            (node, RIGHTS, _text(source.licence)),
        ])
        return node

    def _references(self, add, lit, cable: NamedNode, cid: str, record: CableRecord) -> None:
        for position, reference in enumerate(record.references, start=1):
            node = self.mint.reference(cid, position)
            add(cable, P["reference"], node)
            add(node, TYPE, P["Reference"])
            add(node, POSITION, _typed(position, XSD_INTEGER))
            lit(node, P["referenceLetter"], reference.letter)
            lit(node, P["referenceText"], reference.raw)
            add(node, P["referenceKind"], _concept("reference-kind/" + reference.kind))
            if reference.cable_id:
                cited = self.mint.cable(reference.cable_id)
                add(node, P["citedCable"], cited)
                add(cable, REFERENCES, cited)
                add(cable, CITES, cited)  # CiTO's term for the same link, the one citation tools look for

    def _authority(self, add, lit, out: CableQuads, cable: NamedNode, record: CableRecord) -> None:
        lit(cable, P["executiveOrder"], record.executive_order)
        if record.declassify_on:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", record.declassify_on):
                add(cable, P["declassifyOn"], _typed(record.declassify_on, XSD_DATE))
            else:
                lit(cable, P["declassificationInstruction"], record.declassify_on)
        for reason in record.reasons:
            lit(cable, P["classificationReason"], reason)
        year = int(record.created[:4]) if record.created and record.created[:4].isdigit() else None
        post = post_station(record.station) if record.station else None  # people are placed by post
        classifier = None
        if record.classified_by:
            lit(cable, P["classifiedByText"], record.classified_by.raw)
            lit(cable, P["classifierTitle"], record.classified_by.title)
            if record.classified_by.name:
                classifier = people.resolve(record.classified_by.name, post, year)
                if classifier is not None:
                    add(cable, P["classifiedBy"], self._person(out, classifier, record.classified_by.name))
        if record.signer:
            lit(cable, P["signerText"], record.signer)
            full = tables.signer_name_at(record.signer, record.station)
            person = people.resolve_signer(record.signer, full, classifier, post, year)
            if person is not None:
                add(cable, P["signer"], self._person(out, person, record.signer))

    def _person(self, out: CableQuads, person: people.Person, written: str) -> NamedNode:
        """One node per person (entities/people.py decides who), labelled with the person's name;
        each spelling a cable used is kept as an alternative label."""
        node = self.mint.person(person.key)
        description = [(node, TYPE, P["Person"]), (node, TYPE, FOAF_PERSON),
                       (node, FOAF_NAME, _text(person.label)), (node, LABEL, _text(person.label))]
        link = self.linker.person_link(person.label)
        if link is not None:
            description += self._link_triples(out, node, link)
        self._share(out, node, description)
        if person.note:  # why this spelling was not merged: one note per reason
            self._share(out, node, [(node, EDITORIAL_NOTE, Literal(person.note, language="en"))],
                        key=f"{node.value} note {person.note}")
        self._alt_label(out, node, written, person.label)
        return node

    def _alt_label(self, out: CableQuads, node: NamedNode, written: str | None, label: str | None) -> None:
        """Keep a spelling a cable used for a reconciled thing (`KIEV` for post KYIV, `Matt Tueller` for
        Matthew H. Tueller) as a skos:altLabel, once per spelling; not when it is the label itself."""
        spelling = " ".join((written or "").split())
        if spelling and spelling != label:
            self._share(out, node, [(node, ALT_LABEL, _text(spelling))], key=f"{node.value} alt {spelling}")

    def _paragraphs(self, add, lit, prose, cable: NamedNode, cid: str, record: CableRecord) -> None:
        seen: dict[int, int] = {}
        for order, paragraph in enumerate(record.paragraphs, start=1):
            count = seen[paragraph.number] = seen.get(paragraph.number, 0) + 1
            index = str(paragraph.number) if count == 1 else f"{paragraph.number}-{count}"
            node = self.mint.paragraph(cid, index)
            add(cable, P["paragraph"], node)
            add(node, TYPE, P["Paragraph"])
            add(node, IS_PART_OF, cable)
            add(node, P["paragraphNumber"], _typed(paragraph.number, XSD_INTEGER))
            add(node, POSITION, _typed(order, XSD_INTEGER))  # document order: numbers repeat and restart
            prose(node, TEXT, paragraph.text)
            if paragraph.marking:
                lit(node, P["marking"], paragraph.marking)
                level, caveats = _marking_parts(paragraph.marking)
                if level:
                    add(node, P["markingLevel"], _concept("classification/" + level))
                for caveat in caveats:
                    add(node, P["markingCaveat"], _concept("caveat/" + caveat))

    def _share(self, out: CableQuads, subject: NamedNode, triples: list, key: str | None = None) -> None:
        """Attach a shared description to this cable's output. The first description made for a key
        in this process is the one used from then on (it is also the one the output keeps)."""
        key = key or subject.value
        if key in out.shared:
            return
        quads = self._shared.get(key)
        if quads is None:
            quads = self._shared[key] = [Quad(s, p, o, self.shared_graph) for s, p, o in triples]
        out.shared[key] = quads


def _justification(link: Link) -> NamedNode:
    """The SEMAPV matching process of a link (sssom:mapping_justification), told by its method and source."""
    if link.method == "table" and link.source in RULE_MATCHED_SOURCES:
        return RULE_MATCHED_SOURCES[link.source]
    return JUSTIFICATIONS[link.method]


def _datetime(value: str) -> Literal:
    """`2009-09-10T16:27Z` -> xsd:dateTime `2009-09-10T16:27:00Z`; a bare date -> xsd:date."""
    if "T" not in value:
        return _typed(value, XSD_DATE)
    date, time = value.split("T", 1)
    zone = "Z" if time.endswith("Z") else ""
    clock = time.rstrip("Z")
    if clock.count(":") == 1:
        clock += ":00"
    return _typed(f"{date}T{clock}{zone}", XSD_DATETIME)


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
