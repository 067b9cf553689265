"""Canned queries: headers, typed parameter binding, and injection safety."""

from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode, Quad, Store

from cablegraph.queries import QueryError, canned_queries, find_query, insert_values
from cablegraph.resources import project_root

HOSTILE = 'x" } ; DROP ALL ; #'


def test_at_least_a_dozen_canned_queries_each_with_a_header():
    queries = canned_queries()
    assert len(queries) >= 12
    for query in queries.values():
        assert query.title and query.title != query.name, query.name
        assert len(query.description) > 20, query.name
        for param in query.params:
            assert param.help, (query.name, param.name)
            assert f"?{param.name}" in query.text, (query.name, param.name)


@pytest.mark.parametrize("name", sorted(canned_queries()))
def test_every_canned_query_parses_and_runs_with_its_defaults(name, tmp_path):
    """With its search clause, if any, answered by an (empty) index first, as the site and `query --data` do:
    a store never sees SERVICE cg:search."""
    from cablegraph.search.index import IndexWriter
    from cablegraph.search.query import Searcher
    from cablegraph.search.service import rewrite, search_calls

    store = Store()
    store.add(Quad(NamedNode("https://example.org/a"), NamedNode("https://example.org/p"), Literal("x")))
    text = canned_queries()[name].bind()
    calls = search_calls(text)
    if calls:
        with IndexWriter(tmp_path / "search.sqlite", "https://w3id.org/cablegraph/"):
            pass
        searcher = Searcher(tmp_path / "search.sqlite")
        text = rewrite(text, calls, searcher)
        searcher.close()
        assert not search_calls(text)
    list(store.query(text))  # raises on a syntax error


def test_values_are_bound_as_typed_terms():
    text = find_query("cables-in-date-range").bind({"from": "2008-01-01", "to": "2008-12-31"})
    assert '"2008-01-01"^^<http://www.w3.org/2001/XMLSchema#date>' in text
    text = find_query("cables-by-classification").bind({"level": "secret"})
    assert "<https://w3id.org/cablegraph/vocab/classification/SECRET>" in text


def test_a_hostile_value_stays_one_literal():
    query = find_query("cables-by-tag")
    text = query.bind({"tag": HOSTILE})
    store = Store()
    tag = NamedNode("https://w3id.org/cablegraph/tag/x")
    cable = NamedNode("https://w3id.org/cablegraph/cable/09X1")
    store.add(Quad(tag, NamedNode("http://www.w3.org/2004/02/skos/core#notation"), Literal(HOSTILE)))
    store.add(Quad(cable, NamedNode("http://purl.org/dc/terms/subject"), tag))
    store.add(Quad(cable, NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                   NamedNode("https://w3id.org/cablegraph/ontology#Cable")))
    store.add(Quad(cable, NamedNode("http://purl.org/dc/terms/identifier"), Literal("09X1")))
    rows = list(store.query(text))
    assert [row["id"].value for row in rows] == ["09X1"]  # matched the literal, executed nothing else
    assert len(store) == 4


@pytest.mark.parametrize("kind_value", [("cables-in-date-range", "from", "2009-13-45"),
                                        ("cables-in-date-range", "from", HOSTILE)])
def test_a_value_of_the_wrong_kind_is_refused_with_a_message(kind_value):
    name, param, value = kind_value
    with pytest.raises(QueryError, match=param):
        find_query(name).bind({param: value})


def test_an_unknown_parameter_is_refused():
    with pytest.raises(QueryError, match="no parameter"):
        find_query("count-per-year").bind({"tag": "PGOV"})


def test_values_go_into_the_outermost_where_not_into_strings_or_comments():
    query = ('SELECT * WHERE { # WHERE { in a comment\n ?s ?p "WHERE { in a string" . '
             '{ SELECT ?s WHERE { ?s ?q ?o } } }')
    bound = insert_values(query, "VALUES (?p) { (<urn:x>) }")
    assert bound.index("VALUES") == bound.index("WHERE {") + len("WHERE {") + 3
    assert "# WHERE { in a comment" in bound and '"WHERE { in a string"' in bound


def test_the_dataset_statistics_query_is_a_real_file():
    path = project_root() / "queries" / "dataset" / "void-statistics.rq"
    assert find_query(str(path)).params[0].name == "dataset"
