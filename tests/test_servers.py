"""The real SPARQL servers of tests/servers.py: they start, answer, store graphs idempotently, guard writes and do not
truncate results. Every request goes to 127.0.0.1 with a timeout."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import requests
from servers import (
    HTTP_TIMEOUT,
    REPO,
    VIRTUOSO_SCRIPT,
    OxigraphProcess,
    VirtuosoProcess,
    count_graph,
    free_port,
    load_virtuoso_module,
    missing_server,
    sparql_ask,
    sparql_select,
    virtuoso_available,
)

# The fixtures live in tests/servers.py and are imported by conftest.py.

TURTLE = """\
@prefix ex: <http://example.org/cable/> .
ex:09USNATO383 a ex:Cable ; ex:from ex:USNATO ; ex:subject "NATO summit" .
"""
TURTLE_TRIPLES = 3


def _ntriples(n: int, prefix: str) -> bytes:
    return "".join(f'<urn:{prefix}:s{i}> <urn:{prefix}:p> "{i}" .\n' for i in range(n)).encode()


# --- Oxigraph ---------------------------------------------------------------------------------------------------------


def test_oxigraph_answers_ask(oxigraph_server: OxigraphProcess) -> None:
    assert oxigraph_server.url.startswith("http://127.0.0.1:")
    assert sparql_ask(oxigraph_server.query_url) is True


def test_oxigraph_graph_store_put_is_visible_and_idempotent(oxigraph_server: OxigraphProcess) -> None:
    graph = "http://example.org/graph/oxigraph-put"
    assert count_graph(oxigraph_server.query_url, graph) == 0
    for expected_status in ((201, 204), (200, 204)):  # created, then replaced
        resp = requests.put(
            oxigraph_server.store_url,
            params={"graph": graph},
            data=TURTLE.encode(),
            headers={"Content-Type": "text/turtle"},
            timeout=HTTP_TIMEOUT,
        )
        assert resp.status_code in expected_status, resp.text
        assert count_graph(oxigraph_server.query_url, graph) == TURTLE_TRIPLES


def test_oxigraph_read_only_union_default_graph(tmp_path: Path) -> None:
    """A store filled by a read-write server is served by ``serve-read-only``: data visible, updates refused."""
    store = tmp_path / "store"
    graph = "http://example.org/graph/read-only"
    with OxigraphProcess(store) as writer:
        resp = requests.put(
            writer.store_url,
            params={"graph": graph},
            data=TURTLE.encode(),
            headers={"Content-Type": "text/turtle"},
            timeout=HTTP_TIMEOUT,
        )
        assert resp.status_code in (201, 204), resp.text
    with OxigraphProcess(store, read_only=True, union_default_graph=True) as reader:
        assert count_graph(reader.query_url, graph) == TURTLE_TRIPLES
        # --union-default-graph: the named graph's triples are in the default graph too
        rows = sparql_select(reader.query_url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert int(rows[0]["n"]) == TURTLE_TRIPLES
        resp = requests.post(
            reader.update_url,
            data={"update": f"DROP GRAPH <{graph}>"},
            timeout=HTTP_TIMEOUT,
        )
        assert resp.status_code >= 400
        assert count_graph(reader.query_url, graph) == TURTLE_TRIPLES


# --- Virtuoso ---------------------------------------------------------------------------------------------------------


def test_virtuoso_answers_ask(virtuoso_server: VirtuosoProcess) -> None:
    assert virtuoso_server.sparql_url.startswith("http://127.0.0.1:")
    assert sparql_ask(virtuoso_server.sparql_url) is True


def test_virtuoso_graph_store_put_is_visible_and_idempotent(virtuoso_server: VirtuosoProcess) -> None:
    graph = "http://example.org/graph/virtuoso-put"
    assert count_graph(virtuoso_server.sparql_url, graph) == 0
    for expected_status in ((201, 204), (200, 204)):  # created, then replaced
        resp = requests.put(
            virtuoso_server.crud_url,
            params={"graph-uri": graph},
            data=TURTLE.encode(),
            headers={"Content-Type": "text/turtle"},
            auth=requests.auth.HTTPDigestAuth(virtuoso_server.user, virtuoso_server.password),
            timeout=HTTP_TIMEOUT,
        )
        assert resp.status_code in expected_status, resp.text
        assert count_graph(virtuoso_server.sparql_url, graph) == TURTLE_TRIPLES


def test_virtuoso_refuses_anonymous_writes(virtuoso_server: VirtuosoProcess) -> None:
    graph = "http://example.org/graph/anonymous"
    update = f'INSERT DATA {{ GRAPH <{graph}> {{ <urn:a> <urn:b> "anonymous" }} }}'
    resp = requests.post(virtuoso_server.sparql_url, data={"update": update}, timeout=HTTP_TIMEOUT)
    assert resp.status_code >= 400, resp.text  # Virtuoso answers 500 "SR186: SECURITY: No permission ..."
    resp = requests.put(
        virtuoso_server.crud_url,
        params={"graph-uri": graph},
        data=TURTLE.encode(),
        headers={"Content-Type": "text/turtle"},
        timeout=HTTP_TIMEOUT,
    )
    assert resp.status_code == 401
    assert count_graph(virtuoso_server.sparql_url, graph) == 0
    # the same UPDATE with Digest credentials works: the refusal above is about rights, not syntax
    resp = requests.post(
        virtuoso_server.auth_sparql_url,
        data={"update": update},
        auth=requests.auth.HTTPDigestAuth(virtuoso_server.user, virtuoso_server.password),
        timeout=HTTP_TIMEOUT,
    )
    assert resp.status_code == 200, resp.text
    assert count_graph(virtuoso_server.sparql_url, graph) == 1


def test_virtuoso_select_is_not_truncated(virtuoso_server: VirtuosoProcess) -> None:
    """Debian's ini caps results at 10,000 rows without an error; the scratch ini lifts the cap."""
    graph = "http://example.org/graph/big"
    n = 12_000
    resp = requests.post(
        virtuoso_server.crud_url,
        params={"graph-uri": graph},
        data=_ntriples(n, "big"),
        headers={"Content-Type": "text/turtle"},
        auth=requests.auth.HTTPDigestAuth(virtuoso_server.user, virtuoso_server.password),
        timeout=120,
    )
    assert resp.status_code in (200, 201, 204), resp.text
    assert count_graph(virtuoso_server.sparql_url, graph) == n
    resp = requests.get(
        virtuoso_server.sparql_url,
        params={"query": f"SELECT ?s ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=120,
    )
    resp.raise_for_status()
    rows = resp.json()["results"]["bindings"]
    assert len(rows) == n
    assert len({row["s"]["value"] for row in rows}) == n
    assert "X-SPARQL-MaxRows" not in resp.headers  # Virtuoso sends it only when it truncated


def test_virtuoso_ini_is_derived_from_debian() -> None:
    """The scratch ini overrides keys in place, drops repeats of overridden keys and adds missing ones."""
    virtuoso = load_virtuoso_module()
    template = "[Parameters]\nServerPort = 1111\nServerPort = 2222 ; again\nX = 1\n;ServerPort = 3\n[SPARQL]\nA = b\n"
    text = virtuoso.render_ini(template, {"Parameters": {"ServerPort": "127.0.0.1:9"}, "URIQA": {"DefaultHost": "h"}})
    assert text.splitlines() == [
        "[Parameters]",
        "ServerPort = 127.0.0.1:9",
        "X = 1",
        ";ServerPort = 3",
        "[SPARQL]",
        "A = b",
        "",
        "[URIQA]",
        "DefaultHost = h",
    ]


def test_virtuoso_cli_start_stop(tmp_path: Path) -> None:
    """``scripts/virtuoso.py start`` leaves a server running; ``stop`` shuts it down cleanly (checkpoint)."""
    if not virtuoso_available():
        missing_server("Virtuoso not installed: run `bash scripts/install-virtuoso.sh`")
    virtuoso = load_virtuoso_module()
    port, http_port = free_port(), free_port()
    cli = [sys.executable, str(VIRTUOSO_SCRIPT)]
    started = subprocess.run(
        [*cli, "start", "--dir", str(tmp_path), "--port", str(port), "--http-port", str(http_port)],
        capture_output=True,
        text=True,
        timeout=90,
        cwd=REPO,
    )
    try:
        assert started.returncode == 0, started.stderr
        assert f"http://127.0.0.1:{http_port}/sparql" in started.stdout
        assert sparql_ask(f"http://127.0.0.1:{http_port}/sparql") is True
        ini = (tmp_path / "virtuoso.ini").read_text()
        assert f"ServerPort = 127.0.0.1:{port}" in ini
        assert "ResultSetMaxRows = 10000000" in ini
        assert "/var/lib/virtuoso-opensource-7/db" not in ini  # no system database touched
        server = virtuoso.attach(tmp_path)
        assert server.running()
    finally:
        stopped = subprocess.run(
            [*cli, "stop", "--dir", str(tmp_path)], capture_output=True, text=True, timeout=90, cwd=REPO
        )
    assert stopped.returncode == 0, stopped.stderr
    assert not server.running()
    assert "Server shutdown complete" in (tmp_path / "virtuoso.log").read_text()
