"""Standard terms a newcomer's tools understand: `@en` on English prose, CiTO citations, SSSOM link records.

The rule for language tags (ontology/README.md): English prose people wrote to be read is tagged `@en`;
codes, identifiers, names of people, places and addresses, and header fields kept as written are not, so
that they compare and join exactly as written. Citations are also `cito:cites`, the same cables as
`dcterms:references` and the REF entries. A Wikidata link record is also an SSSOM mapping in RDF: an
`owl:Axiom` naming the same triple, with a SEMAPV matching process as `sssom:mapping_justification`.
The site's compact JSON-LD keeps English keys plain strings and still expands to the very triples.
"""

from __future__ import annotations

from functools import cache

import pytest
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse
from test_shapes import FIXTURES, read_one

from cablegraph.linking.linker import Link
from cablegraph.parse import parse_cable
from cablegraph.rdf.triples import CableQuads, CableTransformer, _justification
from cablegraph.rdf.vocab import CG, CITO, DCTERMS, OWL, RDF, SCHEMA, SEMAPV, SKOS, SSSOM
from cablegraph.web import jsonld

#: Properties whose literals are English prose (tagged @en), by the rule.
ENGLISH = {str(term) for term in (
    DCTERMS.title, SCHEMA.text, CG.summary, CG.comment, CG.actionRequest, CG.linkNote, CG.repairRule,
    SKOS.prefLabel, SKOS.editorialNote)}
#: Identifiers, codes, names and header fields as written: never tagged.
UNTAGGED = {str(term) for term in (
    DCTERMS.identifier, CG.rawReferenceId, CG.transmissionId, CG.routingIndicator, CG.originRoutingIndicator,
    CG.messageControlNumber, CG.stationCode, SKOS.notation, CG.tagKind, CG.marking, CG.classificationReason,
    CG.executiveOrder, CG.dateTimeGroup, CG.classificationText, CG.classifiedByText, CG.classifierTitle,
    CG.signerText, CG.referenceText, CG.referenceLetter, CG.sourceFile, CG.sourceTable, CG.writtenCode,
    CG.wikidataQuery, CG.city, CG.releasableTo, CG.declassificationInstruction, DCTERMS.rights,
    DCTERMS.source, SKOS.altLabel, "http://www.w3.org/2000/01/rdf-schema#label", "http://xmlns.com/foaf/0.1/name")}


@cache
def sample_quads() -> tuple[Quad, ...]:
    """The fictional cable 09USNATO9001 with the shared descriptions it uses (a tag repair is not in it)."""
    return tuple(CableTransformer().transform(parse_cable(read_one(FIXTURES / "09USNATO9001.txt"))).all())


def objects(subject: str | None, predicate: object) -> set[str]:
    return {q.object.value for q in sample_quads()
            if q.predicate.value == str(predicate) and (subject is None or q.subject.value == subject)}


def test_english_prose_is_tagged_en_and_codes_and_names_are_not():
    seen: dict[str, set[str | None]] = {}
    for quad in sample_quads():
        if isinstance(quad.object, Literal) and quad.object.datatype.value.endswith(("#string", "#langString")):
            seen.setdefault(quad.predicate.value, set()).add(quad.object.language)
    assert {p for p, languages in seen.items() if languages == {"en"}} <= ENGLISH
    assert {p for p, languages in seen.items() if languages == {None}} <= UNTAGGED
    assert all(len(languages) == 1 for languages in seen.values()), seen  # one rule per property
    # The sample has the prose and the names that matter most: subject line, texts, a person and an address.
    for must in (DCTERMS.title, SCHEMA.text, CG.summary, CG.comment, CG.actionRequest):
        assert seen[str(must)] == {"en"}, must
    for must in (DCTERMS.identifier, "http://www.w3.org/2000/01/rdf-schema#label", "http://xmlns.com/foaf/0.1/name",
                 CG.classifiedByText, CG.signerText, CG.classificationReason):
        assert seen[str(must)] == {None}, must


def test_link_notes_are_english_too():
    transformer = CableTransformer()
    node = NamedNode("https://w3id.org/cablegraph/tag/WTRO")
    link = Link("Q7825", "label", "supraverden", "tags.csv label 'World Trade Organization' = supraverden entry")
    (note,) = [o for _, p, o in transformer._link_triples(CableQuads(), node, link) if p.value == str(CG.linkNote)]
    assert note.language == "en"


def test_cito_cites_the_cables_its_ref_entries_cite():
    cable = "https://w3id.org/cablegraph/cable/09USNATO9001"
    cites = objects(cable, CITO.cites)
    assert cites == objects(cable, DCTERMS.references) == {"https://w3id.org/cablegraph/cable/09STATE199001"}
    cited_by_refs = {q.object.value for ref in objects(cable, CG.reference) for q in sample_quads()
                     if q.subject.value == ref and q.predicate.value == str(CG.citedCable)}
    assert cites == cited_by_refs


def test_link_records_are_sssom_mappings_of_the_same_triple():
    records = {q.subject.value for q in sample_quads()
               if q.predicate.value == str(RDF.type) and q.object.value == str(CG.WikidataLink)}
    assert records
    for record in records:
        assert str(OWL.Axiom) in objects(record, RDF.type)
        for statement, mapping in ((RDF.subject, OWL.annotatedSource), (RDF.predicate, OWL.annotatedProperty),
                                   (RDF.object, OWL.annotatedTarget)):
            assert objects(record, mapping) == objects(record, statement) and objects(record, mapping)
        assert objects(record, SSSOM.mapping_justification) == {str(SEMAPV.ManualMappingCuration)}  # table rows


@pytest.mark.parametrize("method, source, process", [
    ("table", "fips-country-wikidata", SEMAPV.ManualMappingCuration),
    ("table", "org-tags-wikidata", SEMAPV.ManualMappingCuration),
    ("table", "us-posts-routing", SEMAPV.CompositeMatching),
    ("table", "us-missions-wikidata", SEMAPV.CompositeMatching),
    ("label", "supraverden", SEMAPV.LexicalMatching),
    ("online", "https://query.wikidata.org/sparql", SEMAPV.LexicalMatching),
])
def test_each_link_method_has_its_semapv_process(method, source, process):
    assert _justification(Link("Q1", method, source)).value == str(process)


# -- the site's compact JSON-LD ---------------------------------------------------------------------


def test_english_keys_compact_to_plain_strings_and_expand_to_the_same_triples():
    cable = NamedNode("https://w3id.org/cablegraph/cable/09X1")
    triples = [
        Quad(cable, NamedNode(str(DCTERMS.title)), Literal("NATO MEETS", language="en")),
        Quad(cable, NamedNode(str(CG.summary)), Literal("An untagged summary")),  # not by the rule: kept exact
        Quad(cable, NamedNode(str(CG.comment)), Literal("Un commentaire", language="fr")),
        Quad(cable, NamedNode(str(DCTERMS.identifier)), Literal("09X1")),
        Quad(cable, NamedNode(str(CITO.cites)), NamedNode("https://w3id.org/cablegraph/cable/09X0")),
    ]
    document = jsonld.document(triples)
    (node,) = document["@graph"]
    assert node["title"] == "NATO MEETS" and node["identifier"] == "09X1"
    assert node["summary"] == {"@value": "An untagged summary"}
    assert node["comment"] == {"@value": "Un commentaire", "@language": "fr"}
    assert node["cites"] == "https://w3id.org/cablegraph/cable/09X0"
    back = {(q.subject, q.predicate, q.object) for q in parse(jsonld.serialise(triples), format=RdfFormat.JSON_LD)}
    assert back == {(q.subject, q.predicate, q.object) for q in triples}
