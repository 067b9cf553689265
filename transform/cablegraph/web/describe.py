"""What a resource's representations are made of: its triples for RDF, the facts and lists for its page."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from pyoxigraph import NamedNode, Triple

from cablegraph.web.iris import Site
from cablegraph.web.lists import CableList, cable_list
from cablegraph.web.pagequeries import Paging, bound
from cablegraph.web.rdfout import compact
from cablegraph.web.sparql import Sparql, Term

MAX_GRAPH_TRIPLES = 200_000  # a named graph served whole is cut here (the dumps have everything)
MAX_INCOMING = 1_000  # RDF of a resource known only from links to it
LINKED_IN_RDF = 1_000  # links in (and labels) sent with a resource's own RDF; more: rdfs:seeAlso its page
LINKED_KINDS = {"cable", "post", "tag", "person", "addressee", "concept"}
SEE_ALSO = NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso")
INCOMING_ON_PAGE = 50
LIST_QUERIES = {"post": "cables-post", "tag": "cables-tag", "person": "cables-person",
                "addressee": "cables-addressee", "concept": "cables-concept"}
WIKIDATA = "http://www.wikidata.org/entity/"


@dataclass(slots=True)
class Value:
    term: Term
    label: str | None = None
    href: str | None = None


@dataclass(slots=True)
class Property:
    iri: str
    name: str
    values: list[Value] = field(default_factory=list)


def graph_of(site: Site, iri: str, kind: str) -> str | None:
    """The named graph whose contents are a resource's full description, when there is one."""
    local = site.local(iri) or ""
    if kind == "cable":
        return site.base + "graph" + local
    if kind == "ontology":
        return site.base + "graph/cablegraph"
    if kind == "dataset":
        return site.base + "graph/dataset"
    if local == "/shapes" or local.startswith("/shapes/"):  # the shapes and their versionIRI
        return site.base + "graph/cablegraph-shapes"
    if kind == "graph":
        return iri
    return None


async def triples(sparql: Sparql, site: Site, iri: str, kind: str) -> list:
    """The triples sent for an RDF representation; empty when the data knows nothing of the IRI.

    A cable's graph or a shared resource's own triples, then what links to it and the labels at both
    ends (`describe-linked`): the RDF of 08TRIPOLI227 says who cites it, the RDF of a post lists its
    cables. At most `LINKED_IN_RDF` links; when there are more, `rdfs:seeAlso` names the resource's
    page, whose lists are paged, so a crawler can walk on."""
    graph = graph_of(site, iri, kind)
    found: list = []
    if graph:
        found = await sparql.construct(bound("graph-contents", graph=graph) + f"\nLIMIT {MAX_GRAPH_TRIPLES}")
    if not found:
        found = await sparql.construct(bound("describe", resource=iri))
    if not found:
        return await sparql.construct(bound("describe-incoming", resource=iri) + f"\nLIMIT {MAX_INCOMING}")
    if kind in LINKED_KINDS:
        linked = await sparql.construct(bound("describe-linked", resource=iri) + f"\nLIMIT {LINKED_IN_RDF + 1}")
        if len({t.subject for t in linked if t.object == NamedNode(iri)}) > LINKED_IN_RDF // 2:
            found.append(Triple(NamedNode(iri), SEE_ALSO, NamedNode(site.page_url(iri))))
        found += linked
    return list(dict.fromkeys(found))


async def properties(sparql: Sparql, site: Site, iri: str) -> list[Property]:
    rows = await sparql.select(bound("resource-properties", resource=iri))
    grouped: dict[str, Property] = {}
    seen: set[tuple[str, str, str]] = set()
    for row in rows:
        predicate, value = row["p"].value, row["o"]
        key = (predicate, value.kind, value.value)
        if key in seen:
            continue
        seen.add(key)
        label = row["label"].value if "label" in row else None
        href = site.href(value.value) if value.is_iri else None
        grouped.setdefault(predicate, Property(predicate, compact(predicate))).values.append(Value(value, label, href))
    return sorted(grouped.values(), key=lambda prop: (prop.name != "rdf:type", prop.name))


async def incoming(sparql: Sparql, site: Site, iri: str) -> list[dict]:
    rows = await sparql.select(bound("resource-incoming", resource=iri) + f"\nLIMIT {INCOMING_ON_PAGE + 1}")
    return [{"iri": row["s"].value, "href": site.href(row["s"].value), "predicate": compact(row["p"].value),
             "label": row["label"].value if "label" in row else None} for row in rows]


def first(props: list[Property], name: str) -> Term | None:
    for prop in props:
        if prop.name == name and prop.values:
            return prop.values[0].term
    return None


def all_of(props: list[Property], name: str) -> list[Value]:
    for prop in props:
        if prop.name == name:
            return prop.values
    return []


def wikidata_links(props: list[Property]) -> list[Value]:
    return [value for prop in props for value in prop.values
            if value.term.is_iri and value.term.value.startswith(WIKIDATA)]


async def cable_parts(sparql: Sparql, site: Site, iri: str, pages: Paging) -> dict:
    """Addresses, TAGS, references, paragraphs, Wikidata links and the cited-by page of one cable, concurrently."""
    names = ("cable-addresses", "cable-tags", "cable-references", "cable-paragraphs", "cable-wikidata")
    results = await asyncio.gather(*(sparql.select(bound(name, resource=iri)) for name in names),
                                   cable_list(sparql, "cables-citing", pages, resource=iri))
    addresses, tags, references, paragraphs, wikidata, cited_by = results
    role_order = {"from": 0, "to": 1, "info": 2}
    addresses = sorted(addresses, key=lambda row: (role_order.get(row["role"].value, 3), int(row["position"].value)))
    return {"addresses": addresses, "tags": tags, "references": references, "paragraphs": paragraphs,
            "wikidata": wikidata, "cited_by": cited_by}


async def linked_cables(sparql: Sparql, kind: str, iri: str, pages: Paging) -> CableList | None:
    name = LIST_QUERIES.get(kind)
    return await cable_list(sparql, name, pages, resource=iri) if name else None
