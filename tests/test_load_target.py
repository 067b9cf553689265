"""The load state describes the store, not its address (issue: a wiped store was reported "unchanged").

Against real Oxigraph servers on loopback: a store wiped and restarted on the same port, a store
that lost some graphs, and two states sharing one store. Every check asks the store itself.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner
from servers import OxigraphProcess, count_graph, sparql_select

from cablegraph.cli import main
from cablegraph.rdfinput import iter_graphs
from cablegraph.store.endpoint import Endpoint
from cablegraph.store.load import MARKER_GRAPH, LoadState, graph_body, load

BASE = "https://w3id.org/cablegraph/"


def _graphs(path: Path) -> dict[str, int]:
    return {graph: graph_body(graph, quads).triples for graph, quads in iter_graphs(str(path), BASE)}


def _cli_load(nq: Path, server: OxigraphProcess, state: Path):
    return CliRunner().invoke(main, ["load", str(nq), "--endpoint", server.query_url, "--store-url",
                                     server.store_url, "--state", str(state), "--no-progress"])


def _all_there(server: OxigraphProcess, graphs: dict[str, int]) -> None:
    for graph, triples in graphs.items():
        assert count_graph(server.query_url, graph) == triples, graph


def test_a_store_wiped_and_restarted_on_the_same_port_is_filled_again(sample_nq, tmp_path):
    graphs = _graphs(sample_nq)
    store, state = tmp_path / "store", tmp_path / "state.sqlite"
    server = OxigraphProcess(store).start()
    port = server.port
    try:
        first = _cli_load(sample_nq, server, state)
        assert first.exit_code == 0, first.output
        _all_there(server, graphs)
    finally:
        server.stop()
    shutil.rmtree(store)  # the target is wiped: same address, new empty store
    with OxigraphProcess(store, port=port) as server:
        assert count_graph(server.query_url, next(iter(graphs))) == 0
        again = _cli_load(sample_nq, server, state)
        assert again.exit_code == 0, again.output
        assert f"says {len(graphs)} graphs are in" in again.stderr and "wiped or replaced" in again.stderr
        assert f"{len(graphs)} graphs sent" in again.stdout
        _all_there(server, graphs)
        third = _cli_load(sample_nq, server, state)  # and the store now matches its state again
        assert third.exit_code == 0 and "0 graphs sent" in third.stdout and "WARNING" not in third.stderr


def test_a_graph_lost_behind_the_marker_is_found_by_the_spot_check(sample_nq, tmp_path):
    graphs = _graphs(sample_nq)
    warnings: list[str] = []
    with OxigraphProcess(tmp_path / "store") as server:
        endpoint = Endpoint.oxigraph(server.url)
        state = LoadState(tmp_path / "state.sqlite")
        load([str(sample_nq)], endpoint, base=BASE, state=state, warn=warnings.append)
        lost = sorted(graphs)[0]
        endpoint.update(f"DROP GRAPH <{lost}>")  # the marker stays: only the sample can tell
        again = load([str(sample_nq)], endpoint, base=BASE, state=state, warn=warnings.append)
        assert len(graphs) <= 20  # every graph is in the sample, so the check cannot miss it
        assert again.forgotten == len(graphs) and again.graphs_sent == len(graphs)
        assert len(warnings) == 1 and "1 of" in warnings[0] and lost in warnings[0]
        _all_there(server, graphs)


def test_two_states_can_share_one_store(sample_nq, tmp_path):
    """Each state adds its own id to the marker graph: neither one makes the other resend everything."""
    warnings: list[str] = []
    with OxigraphProcess(tmp_path / "store") as server:
        endpoint = Endpoint.oxigraph(server.url)
        first, second = LoadState(tmp_path / "a.sqlite"), LoadState(tmp_path / "b.sqlite")
        load([str(sample_nq)], endpoint, base=BASE, state=first, warn=warnings.append)
        load([str(sample_nq)], endpoint, base=BASE, state=second, warn=warnings.append)
        assert load([str(sample_nq)], endpoint, base=BASE, state=first, warn=warnings.append).graphs_sent == 0
        assert load([str(sample_nq)], endpoint, base=BASE, state=second, warn=warnings.append).graphs_sent == 0
        assert warnings == []
        rows = sparql_select(server.query_url, f"SELECT ?id WHERE {{ GRAPH <{BASE}{MARKER_GRAPH}> {{ ?m ?p ?id }} }}")
        assert sorted(row["id"] for row in rows) == sorted(f"cablegraph-load-state:{state.state_id}"
                                                            for state in (first, second))
