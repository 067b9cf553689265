"""What a resource's representations are made of: its triples for RDF, the facts and lists for its page."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Triple

from cablegraph.web.iris import Site
from cablegraph.web.lists import CableList, cable_list
from cablegraph.web.pagequeries import Paging, bound, bound_many
from cablegraph.web.rdfout import compact
from cablegraph.web.sparql import Sparql, Term

MAX_GRAPH_TRIPLES = 200_000  # a named graph served whole is cut here (the dumps have everything)
MAX_INCOMING = 1_000  # RDF of a resource known only from links to it
LINKED_IN_RDF = 1_000  # links into a resource per page of its RDF (?links=N for the next ones)
MAX_LINKS_PAGE = 100_000  # ?links= beyond this is refused, not sent to the store
MAX_LABELLED = 5_000  # resources whose labels are sent with one page (its links and what it links to)
LINKED_KINDS = {"cable", "post", "tag", "person", "addressee", "concept"}
SEE_ALSO = NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso")
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD_INTEGER = NamedNode("http://www.w3.org/2001/XMLSchema#integer")
HYDRA = "http://www.w3.org/ns/hydra/core#"
HYDRA_COLLECTION = NamedNode(HYDRA + "collection")
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


async def triples(sparql: Sparql, site: Site, iri: str, kind: str, links_page: int = 1) -> list:
    """The triples sent for an RDF representation; empty when the data knows nothing of the IRI.

    A cable's graph or a shared resource's own triples, then one page of what links to it (`links-in`:
    the RDF of 08TRIPOLI227 says who cites it, the RDF of a post lists its cables) and the labels of the
    resources at both ends of its links (`labels-of`), so it reads without fetching every neighbour.
    Past `LINKED_IN_RDF` links the description is paged the Hydra way: the resource's collection of
    incoming links says how many there are (hydra:totalItems) and each page names the first, previous,
    next and last pages (`?links=N`, served in the format asked for), so a crawler can walk them all."""
    graph = graph_of(site, iri, kind)
    found: list = []
    if graph:
        found = await sparql.construct(bound("graph-contents", graph=graph) + f"\nLIMIT {MAX_GRAPH_TRIPLES}")
    if not found:
        found = await sparql.construct(bound("describe", resource=iri))
    if not found:
        return await sparql.construct(bound("describe-incoming", resource=iri) + f"\nLIMIT {MAX_INCOMING}")
    if kind in LINKED_KINDS:
        found += await _links_in(sparql, site, iri, found, links_page)
    return list(dict.fromkeys(found))


async def _links_in(sparql: Sparql, site: Site, iri: str, own: list, page: int) -> list:
    """One page of the links into `iri`, the labels at both ends, and the paging triples when needed."""
    resource = NamedNode(iri)
    offset = (page - 1) * LINKED_IN_RDF
    rows = await sparql.select(bound("links-in", resource=iri) + f"\nLIMIT {LINKED_IN_RDF} OFFSET {offset}")
    links = [Triple(NamedNode(row["s"].value), NamedNode(row["p"].value), resource) for row in rows]
    total = len(rows) + offset
    if len(rows) == LINKED_IN_RDF or page > 1:
        counted = await sparql.select(bound("links-in-count", resource=iri))
        total = int(counted[0]["links"].value) if counted else total
    ends = {t.subject.value for t in links} | {t.object.value for t in own if isinstance(t.object, NamedNode)}
    ends.discard(iri)
    labels = await sparql.construct(bound_many("labels-of", "thing", sorted(ends)[:MAX_LABELLED])) if ends else []
    paging = _hydra_paging(site, iri, page, total) if total > LINKED_IN_RDF else []
    return links + labels + paging


def _hydra_paging(site: Site, iri: str, page: int, total: int) -> list:
    """`<iri> hydra:collection <iri#links-in>`, the collection's size and this page's view with its
    neighbours; the HTML page (paged too) stays an rdfs:seeAlso for people."""
    last = max(1, -(-total // LINKED_IN_RDF))
    collection, view = NamedNode(iri + "#links-in"), NamedNode(f"{iri}?links={page}")
    found = [Triple(NamedNode(iri), HYDRA_COLLECTION, collection),
             Triple(NamedNode(iri), SEE_ALSO, NamedNode(site.page_url(iri))),
             Triple(collection, RDF_TYPE, NamedNode(HYDRA + "Collection")),
             Triple(collection, NamedNode(HYDRA + "totalItems"), Literal(str(total), datatype=XSD_INTEGER)),
             Triple(collection, NamedNode(HYDRA + "view"), view),
             Triple(view, RDF_TYPE, NamedNode(HYDRA + "PartialCollectionView")),
             Triple(view, NamedNode(HYDRA + "first"), NamedNode(f"{iri}?links=1")),
             Triple(view, NamedNode(HYDRA + "last"), NamedNode(f"{iri}?links={last}"))]
    if page > 1:
        found.append(Triple(view, NamedNode(HYDRA + "previous"), NamedNode(f"{iri}?links={min(page - 1, last)}")))
    if page < last:
        found.append(Triple(view, NamedNode(HYDRA + "next"), NamedNode(f"{iri}?links={page + 1}")))
    return found


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
