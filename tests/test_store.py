"""Loading into real SPARQL servers (Oxigraph and Virtuoso on loopback) and the embedded server's lifecycle.

No mocks: every test talks HTTP to a real server process. The loader's promises are checked
as a store sees them: a PUT replaces a cable's graph, a re-run sends nothing, an
interrupted run resumes without duplicates, and credentials never show in messages.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from servers import count_graph, sparql_select

import cablegraph
from cablegraph import pipeline
from cablegraph.store.endpoint import Credentials, Endpoint, EndpointError, redact_text, redact_url
from cablegraph.store.load import LoadState, graph_body, load
from cablegraph.store.oxigraph import OxigraphServer, running_server

FIXTURES = Path(cablegraph.__file__).parent / "fixtures"
BASE = "https://w3id.org/cablegraph/"


@pytest.fixture(scope="module")
def sample_nq(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("load") / "sample.nq"
    summary = pipeline.transform([str(FIXTURES)], str(out), jobs=1, validate=False)
    assert summary.cables_out == 12
    return out


def _graphs(path: Path) -> dict[str, int]:
    from cablegraph.rdfinput import iter_graphs

    return {graph: graph_body(graph, quads).triples for graph, quads in iter_graphs(str(path), BASE)}


def _total(url: str) -> int:
    rows = sparql_select(f"{url}/query", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    return int(rows[0]["n"])


@pytest.fixture()
def fresh_oxigraph(tmp_path):
    with OxigraphServer(tmp_path / "store") as server:
        yield server


def test_server_lifecycle_is_discoverable_and_clean(tmp_path):
    store = tmp_path / "store"
    server = OxigraphServer(store).start()
    try:
        assert running_server(store) == server.url
    finally:
        server.stop()
    assert running_server(store) is None
    assert not (store / "cablegraph-server.json").exists()


@pytest.mark.parametrize("method", ["gsp", "update"])
def test_load_sends_every_graph_and_a_rerun_sends_nothing(fresh_oxigraph, sample_nq, tmp_path, method):
    endpoint = Endpoint.oxigraph(fresh_oxigraph.url)
    expected = _graphs(sample_nq)
    state = LoadState(tmp_path / "state.sqlite")
    first = load([str(sample_nq)], endpoint, base=BASE, state=state, method=method, jobs=3, batch_triples=500)
    assert first.failures == []
    assert first.graphs_sent == len(expected) and first.graphs_unchanged == 0
    for graph, triples in expected.items():
        assert count_graph(f"{fresh_oxigraph.url}/query", graph) == triples, graph
    total = _total(fresh_oxigraph.url)
    again = load([str(sample_nq)], endpoint, base=BASE, state=state, method=method, jobs=3)
    assert again.graphs_sent == 0 and again.graphs_unchanged == len(expected)
    assert _total(fresh_oxigraph.url) == total


def test_a_changed_cable_replaces_its_graph_without_duplicates(fresh_oxigraph, tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(FIXTURES / "09USNATO9001.txt", inputs)
    shutil.copy(FIXTURES / "09USNATO9002.txt", inputs)
    out = tmp_path / "out.nq"
    pipeline.transform([str(inputs)], str(out), jobs=1, validate=False)
    endpoint = Endpoint.oxigraph(fresh_oxigraph.url)
    state = LoadState(tmp_path / "state.sqlite")
    load([str(out)], endpoint, base=BASE, state=state)
    graph = BASE + "graph/cable/09USNATO9001"
    before = count_graph(f"{fresh_oxigraph.url}/query", graph)
    text = (inputs / "09USNATO9001.txt").read_text(encoding="utf-8")
    (inputs / "09USNATO9001.txt").write_text(text.replace("TAGS: ", "TAGS: KDEM "), encoding="utf-8")
    pipeline.transform([str(inputs)], str(out), jobs=1, validate=False)
    rerun = load([str(out)], endpoint, base=BASE, state=state)
    assert rerun.graphs_sent >= 1 and BASE + "graph/cable/09USNATO9002" not in [f for f in rerun.failures]
    assert count_graph(f"{fresh_oxigraph.url}/query", graph) == before + 1  # one new dcterms:subject, nothing doubled
    subjects = sparql_select(f"{fresh_oxigraph.url}/query",
                             f"SELECT ?t WHERE {{ GRAPH <{graph}> {{ ?c <http://purl.org/dc/terms/subject> ?t }} }}")
    assert len(subjects) == len({row["t"] for row in subjects})


def test_an_interrupted_load_resumes_without_loss_or_duplicates(fresh_oxigraph, sample_nq, tmp_path):
    endpoint = Endpoint.oxigraph(fresh_oxigraph.url)
    graphs = _graphs(sample_nq)
    state = LoadState(tmp_path / "state.sqlite")
    broken = Endpoint.oxigraph("http://127.0.0.1:9", retries=0, timeout=2)  # nothing listens there
    with pytest.raises(EndpointError, match="does not answer"):
        load([str(sample_nq)], broken, base=BASE, state=state, jobs=2)
    assert state.count() == 0  # nothing was tried, so nothing is remembered

    class Killed(Exception):
        pass

    settled = []

    def kill_halfway(n: int) -> None:  # the run dies after half of the graphs were acknowledged
        settled.append(n)
        if sum(settled) >= len(graphs) // 2:
            raise Killed

    with pytest.raises(Killed):
        load([str(sample_nq)], endpoint, base=BASE, state=state, jobs=2, progress=kill_halfway)
    remembered = state.count()
    assert 0 < remembered < len(graphs)
    resumed = load([str(sample_nq)], endpoint, base=BASE, state=state, jobs=2)
    assert resumed.graphs_unchanged == remembered and resumed.forgotten == 0
    assert resumed.graphs_sent == len(graphs) - remembered
    assert _total(fresh_oxigraph.url) == sum(graphs.values()) + 1  # + the load marker's one triple


def test_credentials_never_appear_in_messages(monkeypatch):
    monkeypatch.setenv("CABLEGRAPH_PASSWORD", "s3cret-Pa55")
    credentials = Credentials.from_env("loader", None, "digest")
    assert "s3cret" not in repr(credentials)
    endpoint = Endpoint.oxigraph("http://loader:s3cret-Pa55@127.0.0.1:9", credentials=credentials, retries=0,
                                 timeout=1)
    assert "s3cret" not in repr(endpoint)
    with pytest.raises(EndpointError) as error:
        endpoint.put_graph(BASE + "graph/x", b"")
    assert "s3cret" not in str(error.value) and "127.0.0.1:9" in str(error.value)
    assert redact_url("https://u:p@example.org:8890/sparql?x=1") == "https://u:***@example.org:8890/sparql?x=1"
    assert redact_url("http://u:p@ss@h:1/q") == "http://u:***@h:1/q"  # an @ in the password leaves nothing behind
    assert redact_text("failed: s3cret-Pa55 and s3cret-Pa55", ["s3cret-Pa55"]) == "failed: *** and ***"


def test_a_user_without_a_password_is_told_what_to_do(monkeypatch):
    monkeypatch.delenv("CABLEGRAPH_PASSWORD", raising=False)
    with pytest.raises(EndpointError, match="CABLEGRAPH_PASSWORD"):
        Credentials.from_env("loader", None, "digest")


@pytest.mark.parametrize("method", ["gsp", "update"])
def test_virtuoso_loads_with_digest_auth_idempotently(virtuoso_server, sample_nq, tmp_path, method):
    endpoint = Endpoint(query_url=virtuoso_server.sparql_url, store_url=virtuoso_server.crud_url,
                        update_url=virtuoso_server.auth_sparql_url, graph_param="graph-uri",
                        credentials=Credentials(virtuoso_server.user, virtuoso_server.password, "digest"))
    expected = _graphs(sample_nq)
    state = LoadState(tmp_path / f"state-{method}.sqlite")
    summary = load([str(sample_nq)], endpoint, base=BASE, state=state, method=method, jobs=2, batch_triples=800)
    assert summary.failures == []
    for graph, triples in list(expected.items())[:5]:
        rows = sparql_select(virtuoso_server.sparql_url,
                             f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        assert int(rows[0]["n"]) == triples, graph
    fresh_state = LoadState(tmp_path / f"again-{method}.sqlite")  # forget everything: send it all again
    again = load([str(sample_nq)], endpoint, base=BASE, state=fresh_state, method=method, jobs=2, batch_triples=800)
    assert again.failures == [] and again.graphs_sent == len(expected)
    graph = next(iter(expected))
    rows = sparql_select(virtuoso_server.sparql_url,
                         f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert int(rows[0]["n"]) == expected[graph]  # replaced, not doubled
