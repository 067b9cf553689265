"""The RDF of a resource with more incoming links than one page holds is paged the Hydra way.

A real Oxigraph serves a small store where 2,345 cables come from one post; the site's own description
code (web/describe.py) is asked for each page, as the `/post/X?links=N` route does. Every link must be
on exactly one page, each page must name its neighbours, and the collection must say how many there are.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad, Store

from cablegraph.store.oxigraph import OxigraphServer
from cablegraph.web import describe
from cablegraph.web.iris import Site
from cablegraph.web.sparql import Sparql

BASE = "https://w3id.org/cablegraph/"
ORIGIN = NamedNode("https://w3id.org/cablegraph/ontology#originPost")
TITLE = NamedNode("http://purl.org/dc/terms/title")
LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
HYDRA = "http://www.w3.org/ns/hydra/core#"
POST = BASE + "post/ATHENS"
CABLES = 2_345  # three pages of 1,000


@pytest.fixture(scope="module")
def query_url(tmp_path_factory) -> str:
    location = Path(tmp_path_factory.mktemp("paging")) / "store"
    store = Store(str(location))
    graph = NamedNode(BASE + "graph/shared")
    post = NamedNode(POST)
    quads = [Quad(post, LABEL, Literal("Embassy Athens"), graph)]
    for number in range(CABLES):
        cable = NamedNode(f"{BASE}cable/09ATHENS{number}")
        title = Literal(f"Cable {number}", language="en")
        quads += [Quad(cable, ORIGIN, post, graph), Quad(cable, TITLE, title, graph)]
    store.extend(quads)
    store.flush()
    del store
    with OxigraphServer(location, read_only=True) as server:
        yield server.query_url


def page(query_url: str, number: int) -> set:
    async def ask() -> list:
        sparql = Sparql(query_url)
        try:
            return await describe.triples(sparql, Site(BASE), POST, "post", number)
        finally:
            await sparql.close()
    return {(t.subject.value, t.predicate.value, t.object.value) for t in asyncio.run(ask())}


def test_every_link_is_on_exactly_one_page_and_the_pages_chain(query_url):
    pages = {number: page(query_url, number) for number in (1, 2, 3)}
    links = {number: {s for s, p, o in triples if p == ORIGIN.value and o == POST} for number, triples in pages.items()}
    assert [len(found) for found in links.values()] == [1_000, 1_000, 345]
    assert set.union(*links.values()) == {f"{BASE}cable/09ATHENS{n}" for n in range(CABLES)}
    assert not (links[1] & links[2]) and not (links[2] & links[3])
    for number, triples in pages.items():
        view = f"{POST}?links={number}"
        assert (POST, HYDRA + "collection", POST + "#links-in") in triples
        assert (POST + "#links-in", HYDRA + "totalItems", str(CABLES)) in triples
        assert (POST + "#links-in", HYDRA + "view", view) in triples
        assert (view, HYDRA + "first", f"{POST}?links=1") in triples
        assert (view, HYDRA + "last", f"{POST}?links=3") in triples
        assert ((view, HYDRA + "next", f"{POST}?links={number + 1}") in triples) == (number < 3)
        assert ((view, HYDRA + "previous", f"{POST}?links={number - 1}") in triples) == (number > 1)
        titled = {s for s, p, _ in triples if p == TITLE.value}
        assert links[number] <= titled  # each linking cable comes with its title
        assert (POST, LABEL.value, "Embassy Athens") in triples


def test_a_page_past_the_last_has_no_links_but_still_says_where_they_are(query_url):
    triples = page(query_url, 9)
    assert not [t for t in triples if t[1] == ORIGIN.value]
    assert (f"{POST}?links=9", HYDRA + "previous", f"{POST}?links=3") in triples


def test_few_links_need_no_paging(query_url):
    """A resource with fewer links than a page holds gets them all and no paging triples."""
    triples = page(query_url, 1)
    assert any(p.startswith(HYDRA) for _, p, _ in triples)  # ATHENS has 2,345: paged
    cable = f"{BASE}cable/09ATHENS7"

    async def describe_cable() -> list:
        sparql = Sparql(query_url)
        try:
            return await describe.triples(sparql, Site(BASE), cable, "cable", 1)
        finally:
            await sparql.close()
    described = {(t.subject.value, t.predicate.value, t.object.value) for t in asyncio.run(describe_cable())}
    assert (cable, ORIGIN.value, POST) in described
    assert (POST, LABEL.value, "Embassy Athens") in described  # the label of what it links to
    assert not any(p.startswith(HYDRA) for _, p, _ in described)
