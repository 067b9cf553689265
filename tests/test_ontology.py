"""The ontology (`ontology/cablegraph.ttl`) and the concept schemes (`ontology/vocabularies.ttl`).

They must parse, describe themselves, document every term, and agree with the term list the
transform uses (`cablegraph.rdf.vocab.CG`) in both directions. Everything runs offline: the
external terms the ontology aligns with are checked against rdflib's closed namespaces.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib import namespace as rdfns
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, VANN

from cablegraph.rdf import vocab as cg_vocab
from cablegraph.rdf.vocab import CG, CGV, ONTOLOGY_IRI, VOCAB_BASE

ROOT = Path(__file__).parents[1]
ONTOLOGY_FILE = ROOT / "ontology" / "cablegraph.ttl"
VOCAB_FILE = ROOT / "ontology" / "vocabularies.ttl"

ONTOLOGY = URIRef(ONTOLOGY_IRI)
CG_NS = str(CG._NS)
CG_NAMES = sorted(CG.__annotations__)
CG_TERMS = {CG[name] for name in CG_NAMES}

#: Namespaces whose terms the ontology may use; an IRI in one of them must be a real term.
#: (schema.org stays behind `cg_vocab.` and XSD behind `rdfns.`: as module globals, pytest's collector probes them for
#: attributes and these two open namespaces warn about every name they lack.)
KNOWN_NAMESPACES: tuple[type, ...] = (
    DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, cg_vocab.SCHEMA, SKOS, VANN, rdfns.XSD, cg_vocab.CITO, cg_vocab.SSSOM,
    cg_vocab.SEMAPV,
)
#: Properties whose values are English prose, tagged @en (the rule in ontology/README.md).
ENGLISH_PROPERTIES = {CG.summary, CG.comment, CG.actionRequest, CG.linkNote, CG.repairRule}
PROPERTY_TYPES = {OWL.ObjectProperty, OWL.DatatypeProperty}

TAG_KINDS = ("subject", "geographic", "organization", "program", "person", "unknown")
SCHEMES = (
    "classification", "caveat", "precedence", "reference-kind", "address-role", "post-kind", "link-method",
    *(f"tags/{kind}" for kind in TAG_KINDS),
)

#: Concepts the transform mints IRIs for, with their notation (None: none expected).
EXPECTED_CONCEPTS: dict[str, str | None] = {
    "classification/UNCLASSIFIED": "U",
    "classification/CONFIDENTIAL": "C",
    "classification/SECRET": "S",
    "classification/TOP_SECRET": "TS",
    "caveat/NOFORN": "NF",
    "caveat/SIPDIS": "SIPDIS",
    "caveat/FOUO": "FOUO",
    "caveat/SBU": "SBU",
    "caveat/NODIS": "NODIS",
    "caveat/EXDIS": "EXDIS",
    "caveat/LIMDIS": "LIMDIS",
    "caveat/STADIS": "STADIS",
    "caveat/ORCON": "OC",
    "caveat/PROPIN": "PR",
    "caveat/NOCONTRACT": "NC",
    "caveat/REL": "REL",
    "precedence/ROUTINE": "R",
    "precedence/PRIORITY": "P",
    "precedence/IMMEDIATE": "O",
    "precedence/NIACT_IMMEDIATE": None,
    "precedence/FLASH": "Z",
    "reference-kind/cable": "cable",
    "reference-kind/email": "email",
    "reference-kind/telcon": "telcon",
    "reference-kind/other": "other",
    "address-role/from": "FM",
    "address-role/to": "TO",
    "address-role/info": "INFO",
    **{f"post-kind/{kind}": kind for kind in ("embassy", "consulate", "mission", "office", "department", "agency",
                                              "military", "collective", "other")},
    **{f"link-method/{method}": method for method in ("table", "label", "online")},
}


# --------------------------------------------------------------------------- fixtures and helpers


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


@pytest.fixture(scope="module")
def vocab() -> Graph:
    return Graph().parse(VOCAB_FILE, format="turtle")


def english(graph: Graph, subject: URIRef, predicate: URIRef) -> list[str]:
    return [
        str(o) for o in graph.objects(subject, predicate) if isinstance(o, Literal) and o.language == "en"
    ]


def in_cg(term: object) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(CG_NS)


def class_members(graph: Graph, node: URIRef | BNode) -> set[URIRef | BNode]:
    """A named class, or the members of an owl:unionOf class expression."""
    union = graph.value(node, OWL.unionOf)
    return {node} if union is None else set(Collection(graph, union))


def concepts(vocab: Graph) -> set[URIRef]:
    return {s for s in vocab.subjects(RDF.type, SKOS.Concept) if isinstance(s, URIRef)}


def scheme_classes(onto: Graph) -> dict[URIRef, URIRef]:
    """scheme -> cg class, from the `rdfs:subClassOf [owl:hasValue scheme]` restrictions."""
    mapping: dict[URIRef, URIRef] = {}
    for cls in CG_TERMS:
        for sup in onto.objects(cls, RDFS.subClassOf):
            if onto.value(sup, OWL.onProperty) == SKOS.inScheme:
                scheme = onto.value(sup, OWL.hasValue)
                assert scheme not in mapping, f"{scheme} is claimed by two classes"
                mapping[scheme] = cls
    return mapping


# --------------------------------------------------------------------------- both files


@pytest.mark.parametrize("path", [ONTOLOGY_FILE, VOCAB_FILE], ids=lambda p: p.name)
def test_file_parses_as_turtle(path: Path) -> None:
    graph = Graph().parse(path, format="turtle")
    assert len(graph) > 100


# --------------------------------------------------------------------------- the ontology


def test_ontology_header(onto: Graph) -> None:
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in onto
    version = onto.value(ONTOLOGY, OWL.versionInfo)
    assert version == Literal("0.1.0")
    assert onto.value(ONTOLOGY, OWL.versionIRI) == URIRef(f"{ONTOLOGY_IRI}/{version}")
    assert onto.value(ONTOLOGY, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert onto.value(ONTOLOGY, VANN.preferredNamespacePrefix) == Literal("cg")
    assert onto.value(ONTOLOGY, VANN.preferredNamespaceUri) == Literal(CG_NS)
    assert english(onto, ONTOLOGY, DCTERMS.title)
    assert english(onto, ONTOLOGY, DCTERMS.description)
    assert onto.value(ONTOLOGY, DCTERMS.creator) == Literal("cablegraph contributors")
    for predicate in (DCTERMS.created, DCTERMS.modified):
        date = onto.value(ONTOLOGY, predicate)
        assert isinstance(date, Literal) and date.datatype == rdfns.XSD.date, predicate
    created, modified = (onto.value(ONTOLOGY, p).toPython() for p in (DCTERMS.created, DCTERMS.modified))
    assert created <= modified


@pytest.mark.parametrize("name", CG_NAMES)
def test_every_code_term_is_declared_and_documented(onto: Graph, name: str) -> None:
    term = CG[name]
    types = set(onto.objects(term, RDF.type))
    if name[0].isupper():
        assert types == {OWL.Class}, f"{name} should be declared an owl:Class only, is {types}"
    else:
        assert len(types & PROPERTY_TYPES) == 1 and types <= PROPERTY_TYPES, f"{name}: {types}"
    labels = english(onto, term, RDFS.label)
    comments = english(onto, term, RDFS.comment)
    assert len(labels) == 1, f"{name} needs exactly one rdfs:label@en"
    assert len(comments) == 1, f"{name} needs exactly one rdfs:comment@en"
    comment = comments[0]
    assert comment[0].isupper() and comment.endswith("."), f"{name}: the comment should be a sentence"
    assert len(comment.split()) >= 8, f"{name}: the comment is too short to say what the term means"
    assert "e.g." in comment, f"{name}: the comment should give an example from a cable"
    assert onto.value(term, RDFS.isDefinedBy) == ONTOLOGY


def test_ontology_declares_no_term_missing_from_code(onto: Graph) -> None:
    used = {t for triple in onto for t in triple if in_cg(t)}
    assert used - CG_TERMS == set(), "terms in cablegraph.ttl that vocab.CG does not list"


def test_labels_are_unique(onto: Graph) -> None:
    labels = Counter((str(onto.value(t, RDF.type)), str(onto.value(t, RDFS.label))) for t in CG_TERMS)
    assert [label for label, n in labels.items() if n > 1] == []


def test_property_domains_and_ranges(onto: Graph) -> None:
    declared_classes = {t for t in CG_TERMS if (t, RDF.type, OWL.Class) in onto}
    for prop in CG_TERMS - declared_classes:
        domain = onto.value(prop, RDFS.domain)
        assert domain is not None, f"{prop} has no rdfs:domain"
        assert class_members(onto, domain) <= declared_classes, f"{prop}: domain outside cg classes"
        range_ = onto.value(prop, RDFS.range)
        assert range_ is not None, f"{prop} has no rdfs:range"
        if prop in ENGLISH_PROPERTIES:
            assert range_ == RDF.langString, f"{prop}: English prose is tagged @en, its range rdf:langString"
        elif (prop, RDF.type, OWL.DatatypeProperty) in onto:
            assert range_ in rdfns.XSD, f"{prop}: a datatype property needs an xsd range, has {range_}"
        else:
            assert range_ in declared_classes, f"{prop}: an object property needs a cg class range"


def test_alignments_point_at_real_external_terms(onto: Graph) -> None:
    """Every IRI outside cg: and cgv: is a term of a known vocabulary (catches typos offline)."""
    unknown = set()
    for term in {t for triple in onto for t in triple if isinstance(t, URIRef)}:
        if in_cg(term) or str(term).startswith(VOCAB_BASE) or term == ONTOLOGY:
            continue
        if term in (URIRef(f"{ONTOLOGY_IRI}/0.1.0"), URIRef("https://creativecommons.org/licenses/by/4.0/")):
            continue
        if not any(term in ns for ns in KNOWN_NAMESPACES):
            unknown.add(term)
    assert unknown == set()


def test_expected_alignments(onto: Graph) -> None:
    expected = [
        (CG.Cable, RDFS.subClassOf, cg_vocab.SCHEMA.Message),
        (CG.Cable, RDFS.subClassOf, FOAF.Document),
        (CG.Cable, RDFS.subClassOf, PROV.Entity),
        (CG.Person, RDFS.subClassOf, FOAF.Person),
        (CG.Post, RDFS.subClassOf, ORG.Organization),
        (CG.Post, OWL.disjointWith, ORG.Post),
        (CG.Addressee, RDFS.subClassOf, ORG.Organization),
        (CG.toAddressee, RDFS.subPropertyOf, cg_vocab.SCHEMA.recipient),
        (CG.infoAddressee, RDFS.subPropertyOf, cg_vocab.SCHEMA.recipient),
        (CG.originPost, RDFS.subPropertyOf, PROV.wasAttributedTo),
    ]
    assert [t for t in expected if t not in onto] == []
    for cls in (CG.Tag, CG.ClassificationLevel, CG.Caveat, CG.Precedence, CG.ReferenceKind, CG.AddressRole):
        assert (cls, RDFS.subClassOf, SKOS.Concept) in onto
    for kind in ("Subject", "Geographic", "Organization", "Program", "Person", "Unknown"):
        assert (CG[f"{kind}Tag"], RDFS.subClassOf, CG.Tag) in onto
    # The classifier is deliberately not an attribution of the cable.
    assert (CG.classifiedBy, RDFS.subPropertyOf, PROV.wasAttributedTo) not in onto


def test_reference_chain_gives_cito_cites_a_kind_of_dcterms_references(onto: Graph) -> None:
    chain = onto.value(cg_vocab.CITO.cites, OWL.propertyChainAxiom)
    assert list(Collection(onto, chain)) == [CG.reference, CG.citedCable]
    assert (cg_vocab.CITO.cites, RDFS.subPropertyOf, DCTERMS.references) in onto


def test_link_records_are_sssom_mappings_and_source_files_point_to_prov(onto: Graph) -> None:
    assert (CG.WikidataLink, RDFS.subClassOf, cg_vocab.SEMAPV.Mapping) in onto
    assert (CG.sourceFile, RDFS.seeAlso, PROV.wasDerivedFrom) in onto


def test_every_scheme_restriction_names_a_scheme(onto: Graph, vocab: Graph) -> None:
    mapping = scheme_classes(onto)
    assert set(mapping) == {CGV[s] for s in SCHEMES}
    for scheme in mapping:
        assert (scheme, RDF.type, SKOS.ConceptScheme) in vocab


# --------------------------------------------------------------------------- the concept schemes


@pytest.mark.parametrize("scheme", SCHEMES)
def test_scheme_is_described(vocab: Graph, scheme: str) -> None:
    iri = CGV[scheme]
    assert (iri, RDF.type, SKOS.ConceptScheme) in vocab
    assert len(english(vocab, iri, DCTERMS.title)) == 1
    assert len(english(vocab, iri, SKOS.definition)) == 1


def test_no_unexpected_schemes(vocab: Graph) -> None:
    assert set(vocab.subjects(RDF.type, SKOS.ConceptScheme)) == {CGV[s] for s in SCHEMES}


def test_every_concept_is_complete(onto: Graph, vocab: Graph) -> None:
    schemes = set(vocab.subjects(RDF.type, SKOS.ConceptScheme))
    concept_classes = {c for c in CG_TERMS if (c, RDFS.subClassOf, SKOS.Concept) in onto}
    class_of_scheme = scheme_classes(onto)
    found = concepts(vocab)
    assert found
    for concept in found:
        assert len(english(vocab, concept, SKOS.prefLabel)) == 1, f"{concept}: one prefLabel@en"
        assert len(english(vocab, concept, SKOS.definition)) == 1, f"{concept}: one definition@en"
        notations = list(vocab.objects(concept, SKOS.notation))
        assert len(notations) == 1 or english(vocab, concept, SKOS.editorialNote), (
            f"{concept}: a notation, or an editorialNote saying why there is none"
        )
        in_schemes = set(vocab.objects(concept, SKOS.inScheme))
        assert len(in_schemes) == 1 and in_schemes <= schemes, f"{concept}: inScheme of a declared scheme"
        (scheme,) = in_schemes
        assert str(concept).startswith(f"{scheme}/"), f"{concept}: IRI not under its scheme {scheme}"
        assert set(vocab.objects(concept, SKOS.topConceptOf)) == {scheme}
        assert (scheme, SKOS.hasTopConcept, concept) in vocab
        cg_types = {t for t in vocab.objects(concept, RDF.type) if in_cg(t)}
        assert cg_types <= concept_classes and cg_types == {class_of_scheme[scheme]}, (
            f"{concept}: typed {cg_types}, its scheme calls for {class_of_scheme[scheme]}"
        )


def test_top_concepts_are_concepts_of_the_scheme(vocab: Graph) -> None:
    for scheme, concept in vocab.subject_objects(SKOS.hasTopConcept):
        assert (concept, SKOS.inScheme, scheme) in vocab, f"{scheme} lists {concept} it does not contain"


def test_notations_and_labels_unique_within_a_scheme(vocab: Graph) -> None:
    notations: dict[URIRef, Counter[str]] = defaultdict(Counter)
    labels: dict[URIRef, Counter[str]] = defaultdict(Counter)
    for concept in concepts(vocab):
        scheme = vocab.value(concept, SKOS.inScheme)
        notations[scheme].update(str(n) for n in vocab.objects(concept, SKOS.notation))
        labels[scheme].update(english(vocab, concept, SKOS.prefLabel))
    for counters in (notations, labels):
        for scheme, counter in counters.items():
            assert [value for value, n in counter.items() if n > 1] == [], f"duplicates in {scheme}"


@pytest.mark.parametrize(("path", "notation"), EXPECTED_CONCEPTS.items())
def test_expected_concept_exists(vocab: Graph, path: str, notation: str | None) -> None:
    concept = CGV[path]
    assert (concept, RDF.type, SKOS.Concept) in vocab
    assert vocab.value(concept, SKOS.inScheme) == CGV[path.rsplit("/", 1)[0]]
    if notation is None:
        assert vocab.value(concept, SKOS.notation) is None
    else:
        assert vocab.value(concept, SKOS.notation) == Literal(notation)


def test_flat_schemes_hold_exactly_the_expected_concepts(vocab: Graph) -> None:
    assert concepts(vocab) == {CGV[path] for path in EXPECTED_CONCEPTS}


def test_tag_schemes_have_no_concepts_yet(vocab: Graph) -> None:
    for kind in TAG_KINDS:
        assert list(vocab.subjects(SKOS.inScheme, CGV[f"tags/{kind}"])) == []


def test_sbu_is_also_written_sensitive(vocab: Graph) -> None:
    assert "SENSITIVE" in english(vocab, CGV["caveat/SBU"], SKOS.altLabel)


@pytest.mark.parametrize(
    ("collection", "members"),
    [
        ("classification/ascending", ["UNCLASSIFIED", "CONFIDENTIAL", "SECRET", "TOP_SECRET"]),
        ("precedence/ascending", ["ROUTINE", "PRIORITY", "IMMEDIATE", "NIACT_IMMEDIATE", "FLASH"]),
    ],
)
def test_orderings(vocab: Graph, collection: str, members: list[str]) -> None:
    iri = CGV[collection]
    assert (iri, RDF.type, SKOS.OrderedCollection) in vocab
    scheme = collection.split("/")[0]
    ordered = list(Collection(vocab, vocab.value(iri, SKOS.memberList)))
    assert ordered == [CGV[f"{scheme}/{name}"] for name in members]
    assert set(ordered) == set(vocab.subjects(SKOS.inScheme, CGV[scheme]))


def test_levels_are_not_a_broader_hierarchy(vocab: Graph) -> None:
    assert list(vocab.triples((None, SKOS.broader, None))) == []
    assert list(vocab.triples((None, SKOS.narrower, None))) == []
