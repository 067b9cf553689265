"""`SERVICE cg:search` joined with graph patterns: read from the query, answered by the index, evaluated by a real
Oxigraph over the published fictional sample, and compared with the index and the store asked separately."""

from __future__ import annotations

from importlib.resources import files

import pytest

from cablegraph.search.query import Filters, Searcher
from cablegraph.search.service import MAX_HITS, ServiceError, rewrite, search_calls
from cablegraph.store.oxigraph import OxigraphServer
from cablegraph.store.publish import publish
from cablegraph.store.run import run_query

PREFIX = "PREFIX cg: <https://w3id.org/cablegraph/ontology#>\n"


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    data = tmp_path_factory.mktemp("service") / "data"
    publish([str(files("cablegraph") / "fixtures")], data, say=lambda _: None)
    searcher = Searcher(data / "search.sqlite")
    with OxigraphServer(data / "store", read_only=True) as server:
        yield searcher, server.query_url
    searcher.close()


def answer(release, query: str) -> list[dict[str, str]]:
    searcher, url = release
    rows = run_query(url, rewrite(query, search_calls(query), searcher)).rows
    return [{name: cell["value"] for name, cell in row.items()} for row in rows]


def test_words_joined_with_a_graph_pattern_give_the_intersection(release):
    searcher, url = release
    rows = answer(release, PREFIX + """SELECT ?cable ?score ?post WHERE {
        SERVICE cg:search { ?cable cg:matches "invented" ; cg:score ?score . }
        ?cable cg:originPost ?post .
    } ORDER BY DESC(?score)""")
    hits = {hit.iri for hit in searcher.search("invented", limit=1000, facets=False).hits}
    origins = {row["c"]["value"] for row in run_query(url, PREFIX + "SELECT ?c WHERE { ?c cg:originPost ?p }").rows}
    assert {row["cable"] for row in rows} == hits & origins and len(rows) >= 5
    scores = [float(row["score"]) for row in rows]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0


def test_snippets_and_filters_inside_the_service(release):
    searcher, _ = release
    rows = answer(release, PREFIX + """SELECT ?cable ?snippet WHERE {
        SERVICE cg:search { ?cable cg:matches "lantern" ; cg:snippet ?snippet ; cg:tag "nato" ; cg:limit 3 . }
    }""")
    expected = searcher.search("lantern", Filters(tags=("NATO",)), limit=3, facets=False)
    assert {row["cable"] for row in rows} == {hit.iri for hit in expected.hits}
    assert rows and all("[" in row["snippet"] and "]" in row["snippet"] for row in rows)


def test_hostile_words_stay_one_literal(release):
    """Words that look like SPARQL reach the index as words and the store as nothing but IRIs and numbers."""
    query = PREFIX + 'SELECT ?cable WHERE { SERVICE cg:search { ?cable cg:matches "x\\" } ; DROP ALL ; #" } }'
    [call] = search_calls(query)
    assert call.words == 'x" } ; DROP ALL ; #'
    answer(release, query)  # answers (probably nothing); the store is read-only anyway and still whole
    assert release[0].cables() > 0


def test_a_query_without_the_service_is_left_alone(release):
    query = PREFIX + "SELECT * WHERE { ?s cg:originPost ?o } LIMIT 1"
    assert search_calls(query) == [] and rewrite(query, [], release[0]) == query


@pytest.mark.parametrize(("clause", "message"), [
    ('<https://w3id.org/cablegraph/cable/X> cg:matches "x"', "one variable"),
    ('?c cg:matches "x" . ?d cg:score ?s', "one variable"),
    ('?c cg:matches "x" ; cg:score 3', "takes a variable"),
    ('?c cg:matches ?words', "literal"),
    ('?c cg:matches "x" ; cg:limit 0', "cg:limit"),
    (f'?c cg:matches "x" ; cg:limit {MAX_HITS + 1}', "cg:limit"),
    ('?c cg:matches "x" ; cg:colour "red"', "knows cg:matches"),
    ('?c cg:matches "x" FILTER(?c != ?c)', "triples only"),
    ('?c cg:score ?s', "needs cg:matches"),
])
def test_a_clause_the_site_cannot_answer_is_refused_with_what_to_write(clause, message):
    with pytest.raises(ServiceError, match=message):
        search_calls(PREFIX + f"SELECT * WHERE {{ SERVICE cg:search {{ {clause} }} }}")


def test_the_sites_sparql_endpoint_answers_the_search_service(web_site):
    """Through /sparql, as a user would send it: the hits joined with the graph, and a bad clause a 400."""
    import requests

    query = PREFIX + """SELECT ?cable ?post ?score WHERE {
        SERVICE cg:search { ?cable cg:matches "invented" ; cg:score ?score . }
        ?cable cg:originPost ?post . } ORDER BY DESC(?score)"""
    answer = requests.get(web_site.url + "/sparql", params={"query": query},
                          headers={"Accept": "application/sparql-results+json"}, timeout=60)
    assert answer.status_code == 200, answer.text
    rows = answer.json()["results"]["bindings"]
    searcher = Searcher((web_site.data / "current").resolve() / "search.sqlite")
    try:
        hits = {hit.iri for hit in searcher.search("invented", limit=1000, facets=False).hits}
    finally:
        searcher.close()
    assert rows and {row["cable"]["value"] for row in rows} <= hits
    refused = requests.get(web_site.url + "/sparql", params={
        "query": PREFIX + 'SELECT * WHERE { SERVICE cg:search { ?c cg:matches "x" ; cg:colour "red" } }'}, timeout=60)
    assert refused.status_code == 400 and "knows cg:matches" in refused.text
    elsewhere = requests.get(web_site.url + "/sparql", params={
        "query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"}, timeout=60)
    assert elsewhere.status_code == 403  # any other SERVICE is still refused


def test_a_search_past_the_query_time_limit_is_stopped_not_left_running(release):
    """The index step runs within the query's own limit: SQLite is interrupted, the site answers 504."""
    from cablegraph.search.query import SearchTimedOut
    from cablegraph.search.service import answer_search

    heavy = " OR ".join(f"{letter}*" for letter in "abcdefghijklmnopqrstuvwxyz")
    query = PREFIX + f"SELECT ?c WHERE {{ SERVICE cg:search {{ ?c cg:matches {heavy!r} ; cg:snippet ?s }} }}"
    query = query.replace("'", '"')
    assert "VALUES" in answer_search(query, release[0].path, seconds=60.0)  # in time: answered
    with pytest.raises(SearchTimedOut):
        answer_search(query, release[0].path, seconds=-1.0)  # no time at all: interrupted at the first check
