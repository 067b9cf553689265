"""Namespaces and the terms of our ontology, in one place.

Every `CG.*` and `CGV.*` term used by the transform must be declared in `ontology/` (a
test checks this), so the ontology file and the code cannot drift apart. Like rdflib's
own namespaces, these are closed: a typo raises at import time instead of minting a
silent new predicate.
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD, DefinedNamespace

ONTOLOGY_IRI = "https://w3id.org/cablegraph/ontology"
VOCAB_BASE = "https://w3id.org/cablegraph/vocab/"
DEFAULT_BASE = "https://w3id.org/cablegraph/"

# schema.org under http://schema.org/, the namespace Wikidata, DBpedia and most published data use, with
# rdflib's list of its terms: closed like the others, so `SCHEMA.dateSnet` fails instead of minting a term.
SCHEMA = type("SCHEMA", (DefinedNamespace,), {
    "__annotations__": dict(SDO.__annotations__), "_NS": Namespace("http://schema.org/"), "_fail": True,
    "__doc__": "schema.org terms in the http://schema.org/ namespace."})
VANN = Namespace("http://purl.org/vocab/vann/")
WD = Namespace("http://www.wikidata.org/entity/")


class CITO(DefinedNamespace):
    """CiTO, the Citation Typing Ontology (SPAR): only the term the data uses, closed like the others."""

    _NS = Namespace("http://purl.org/spar/cito/")
    _fail = True

    cites: object


class SSSOM(DefinedNamespace):
    """SSSOM mapping metadata (https://w3id.org/sssom/): the term a link record carries."""

    _NS = Namespace("https://w3id.org/sssom/")
    _fail = True

    mapping_justification: object


class SEMAPV(DefinedNamespace):
    """The Semantic Mapping Vocabulary (semapv.owl, release 2023-02-23): a mapping and the matching
    processes our link methods are."""

    _NS = Namespace("https://w3id.org/semapv/vocab/")
    _fail = True

    Mapping: object
    ManualMappingCuration: object
    LexicalMatching: object
    CompositeMatching: object


class CG(DefinedNamespace):
    """The cablegraph ontology (`ontology/cablegraph.ttl`)."""

    _NS = Namespace(ONTOLOGY_IRI + "#")
    _fail = True

    # classes
    Cable: object
    Paragraph: object
    AddressLine: object
    Addressee: object
    Post: object
    Person: object
    Reference: object
    Tag: object
    SubjectTag: object
    GeographicTag: object
    OrganizationTag: object
    ProgramTag: object
    PersonTag: object
    UnknownTag: object
    ClassificationLevel: object
    Caveat: object
    Precedence: object
    ReferenceKind: object
    AddressRole: object
    RegionTag: object
    WikidataLink: object
    LinkSource: object
    TagRepair: object
    PostKind: object
    LinkMethod: object

    # cable: identity, dates, handling
    rawReferenceId: object
    fileDate: object
    dateTimeGroup: object
    classification: object
    classificationText: object
    caveat: object
    releasableTo: object
    originPost: object
    originRoutingIndicator: object
    transmissionId: object
    precedence: object
    sectionCount: object
    isPartialExtract: object
    sourceFile: object
    # cable: addressing
    addressLine: object
    toAddressee: object
    infoAddressee: object
    addressee: object
    addressRole: object
    routingIndicator: object
    messageControlNumber: object
    # cable: references
    reference: object
    referenceText: object
    referenceKind: object
    referenceLetter: object
    citedCable: object
    # cable: classification authority
    classifiedBy: object
    classifiedByText: object
    classifierTitle: object
    classificationReason: object
    executiveOrder: object
    declassifyOn: object
    declassificationInstruction: object
    # cable: body
    paragraph: object
    paragraphNumber: object
    marking: object
    markingLevel: object
    markingCaveat: object
    summary: object
    comment: object
    actionRequest: object
    signer: object
    signerText: object
    # posts and tags
    stationCode: object
    tagKind: object
    # posts in detail, and links to Wikidata
    postKind: object
    city: object
    country: object
    post: object
    linkMethod: object
    linkNote: object
    wikidataQuery: object
    sourceTable: object
    tagRepair: object
    writtenCode: object
    repairedTag: object
    repairRule: object


#: Concept schemes and their concepts (`ontology/vocabularies.ttl`), e.g. CGV["classification/SECRET"].
CGV = Namespace(VOCAB_BASE)


#: The prefixes written into Turtle and TriG output (transform's files and publish's dump), one table for both.
PREFIXES = {
    "cg": str(CG._NS), "cgv": str(CGV), "dcterms": str(DCTERMS), "schema": str(SCHEMA), "skos": str(SKOS),
    "prov": str(PROV), "foaf": str(FOAF), "rdfs": str(RDFS), "xsd": str(XSD), "cito": str(CITO._NS),
    "sssom": str(SSSOM._NS), "semapv": str(SEMAPV._NS), "owl": str(OWL._NS),
}

__all__ = [
    "CG", "CGV", "CITO", "DCTERMS", "DEFAULT_BASE", "FOAF", "ONTOLOGY_IRI", "ORG", "OWL", "PREFIXES", "PROV", "RDF",
    "RDFS",
    "SCHEMA", "SEMAPV", "SKOS", "SSSOM", "VANN", "VOCAB_BASE", "WD", "XSD",
]
