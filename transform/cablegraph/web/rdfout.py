"""RDF out: triples serialised in the negotiated format with our prefixes, and IRIs compacted for display."""

from __future__ import annotations

from pyoxigraph import serialize

from cablegraph.rdf.vocab import PREFIXES as DATA_PREFIXES
from cablegraph.web import jsonld
from cablegraph.web.negotiate import Representation

PREFIXES = DATA_PREFIXES | {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "owl": "http://www.w3.org/2002/07/owl#",
    "void": "http://rdfs.org/ns/void#", "dcat": "http://www.w3.org/ns/dcat#",
    "sd": "http://www.w3.org/ns/sparql-service-description#", "spdx": "http://spdx.org/rdf/terms#",
    "sh": "http://www.w3.org/ns/shacl#", "vann": "http://purl.org/vocab/vann/", "org": "http://www.w3.org/ns/org#",
    "wd": "http://www.wikidata.org/entity/", "wdt": "http://www.wikidata.org/prop/direct/",
    "hydra": "http://www.w3.org/ns/hydra/core#",
}
_LONGEST_FIRST = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))


def serialise(triples: list, representation: Representation) -> bytes:
    assert representation.rdf is not None
    if representation.key == "jsonld":
        return jsonld.serialise(triples)  # compact, with the published context (web/jsonld.py)
    prefixes = used_prefixes(triples) if representation.key in ("ttl", "rdf") else None
    return serialize(triples, format=representation.rdf, prefixes=prefixes) or b""


def compact(iri: str) -> str:
    """`https://w3id.org/cablegraph/ontology#originPost` -> `cg:originPost`; unknown namespaces unchanged."""
    for prefix, namespace in _LONGEST_FIRST:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def used_prefixes(triples: list) -> dict[str, str]:
    """Only the prefixes whose namespace some IRI of the triples starts with (a short, honest header)."""
    iris = {term.value for triple in triples for term in (triple.subject, triple.predicate, triple.object)
            if type(term).__name__ == "NamedNode"}
    iris |= {triple.object.datatype.value for triple in triples if type(triple.object).__name__ == "Literal"}
    return {prefix: namespace for prefix, namespace in PREFIXES.items()
            if any(iri.startswith(namespace) for iri in iris)}
