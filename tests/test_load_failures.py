"""`cablegraph load` when things go wrong: a dead endpoint, one that dies mid-load, one that refuses
writes, bad input files, and passwords that must never be printed.

Real servers only (Oxigraph on loopback; a closed loopback port for "nobody there"). The checks are
on messages and exit codes, not on timings: the closed port is found by one `ASK {}` before
anything is sent, and a run of failed requests stops the load instead of trying every graph.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from click.testing import CliRunner
from servers import OxigraphProcess, free_port, sparql_select

import cablegraph
from cablegraph.cli import main
from cablegraph.exits import EXIT_FAILED, EXIT_USAGE
from cablegraph.store.endpoint import Endpoint
from cablegraph.store.load import LoadState, load

FIXTURES = Path(cablegraph.__file__).parent / "fixtures"
BASE = "https://w3id.org/cablegraph/"
SECRET = "Url-S3cret-991"
FILE_SECRET = "File-S3cret-992"
ENV_SECRET = "Env-S3cret-993"


def _invoke(*args: str):
    return CliRunner().invoke(main, ["load", *args, "--no-progress"])


def _triples(url: str) -> int:
    rows = sparql_select(f"{url}/query", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    return int(rows[0]["n"])


# -- a dead endpoint ------------------------------------------------------------------------------

def test_a_closed_port_fails_at_once_with_what_to_do_and_no_password(sample_nq, tmp_path, monkeypatch):
    closed = f"http://loader:{SECRET}@127.0.0.1:{free_port()}"  # nothing listens there
    password_file = tmp_path / "password"
    password_file.write_text(FILE_SECRET, encoding="utf-8")
    monkeypatch.setenv("CABLEGRAPH_PASSWORD", ENV_SECRET)
    for credentials in (["--user", "loader", "--password-file", str(password_file)], ["--user", "loader"], []):
        result = _invoke(str(sample_nq), "--endpoint", f"{closed}/query", "--store-url", f"{closed}/store",
                         "--state", str(tmp_path / "state.sqlite"), *credentials)
        assert result.exit_code == EXIT_FAILED, result.output
        assert "does not answer" in result.stderr and "start the server or correct --endpoint" in result.stderr
        assert "nothing was sent" in result.stderr and "Traceback" not in result.output
        assert "loader:***@127.0.0.1" in result.stderr
        for secret in (SECRET, FILE_SECRET, ENV_SECRET):
            assert secret not in result.stdout and secret not in result.stderr
    assert LoadState(tmp_path / "state.sqlite").count() == 0


def test_a_malformed_url_with_a_password_is_one_redacted_line(sample_nq, tmp_path):
    bad = f"http://loader:{SECRET}@127.0.0.1:port-is-not-a-number"
    result = _invoke(str(sample_nq), "--endpoint", f"{bad}/query", "--store-url", f"{bad}/store",
                     "--state", str(tmp_path / "state.sqlite"))
    assert result.exit_code == EXIT_FAILED and "InvalidURL" in result.stderr and "correct --endpoint" in result.stderr
    assert SECRET not in result.output and "Traceback" not in result.output


def test_an_endpoint_that_refuses_writes_stops_before_any_graph(sample_nq, tmp_path):
    with OxigraphProcess(tmp_path / "empty"):  # make the store, then serve it read-only
        pass
    with OxigraphProcess(tmp_path / "empty", read_only=True) as server:
        result = _invoke(str(sample_nq), "--endpoint", server.query_url, "--store-url", server.store_url,
                         "--state", str(tmp_path / "state.sqlite"))
        assert result.exit_code == EXIT_FAILED, result.output
        assert "the first write (the load marker) failed" in result.stderr and "graphs sent" not in result.stdout
        assert _triples(server.url) == 0


def _many_graphs(path: Path, graphs: int, triples: int) -> Path:
    with open(path, "w", encoding="utf-8") as out:
        for g in range(graphs):
            for t in range(triples):
                out.write(f'<{BASE}id/c{g}/s{t}> <{BASE}p> "{g}-{t}" <{BASE}graph/cable/C{g:05d}> .\n')
    return path


def test_an_endpoint_dying_mid_load_stops_the_run_after_a_few_failures(tmp_path):
    graphs, triples = 600, 20
    nq = _many_graphs(tmp_path / "many.nq", graphs, triples)
    state = LoadState(tmp_path / "state.sqlite")
    retries: list[str] = []
    server = OxigraphProcess(tmp_path / "store").start()
    port = server.port
    settled: list[int] = []

    def die_after_100(n: int) -> None:
        settled.append(n)
        if sum(settled) >= 100 and server.process.poll() is None:
            server.process.kill()  # the server dies for real, with requests in flight
            server.process.wait()

    try:
        endpoint = Endpoint.oxigraph(server.url, retries=2, backoff=0.05, timeout=5, on_retry=retries.append)
        summary = load([str(nq)], endpoint, base=BASE, state=state, jobs=2, progress=die_after_100, max_failures=5)
    finally:
        server.stop()
    assert summary.stopped and "5 failed requests in a row" in summary.stopped
    assert 5 <= len(summary.failures) < 20  # a few failures, not one per remaining graph
    assert summary.graphs_sent + len(summary.failures) < graphs
    assert retries and all(line.startswith("retry ") for line in retries)
    assert summary.retries == len(retries)
    # the same store back on the same port: the next run sends the rest, and the store is complete
    with OxigraphProcess(tmp_path / "store", port=port) as server:
        again = load([str(nq)], Endpoint.oxigraph(server.url), base=BASE, state=state, jobs=2)
        assert again.failures == [] and again.stopped is None
        assert _triples(server.url) == graphs * triples + 1  # + the load marker


# -- bad inputs: one line naming the file, exit 2, nothing sent ------------------------------------

@pytest.fixture(scope="module")
def bad_inputs(sample_nq, tmp_path_factory) -> dict[str, tuple[Path, str]]:
    folder = tmp_path_factory.mktemp("bad-inputs")
    text = sample_nq.read_bytes()
    cut = folder / "cut.nq"
    cut.write_bytes(text[: len(text) // 2])  # ends mid-line
    cut_gz = folder / "cut.nq.gz"
    cut_gz.write_bytes(gzip.compress(text)[:20_000])
    txt = folder / "cable.txt"
    txt.write_text((FIXTURES / "09USNATO9001.txt").read_text(encoding="utf-8"), encoding="utf-8")
    line = text[: len(text) // 2].count(b"\n") + 1
    return {"missing": (folder / "nope.nq", "no such file"),
            "text": (txt, "is not RDF"),
            "folder": (folder, "is a folder"),
            "truncated": (cut, f"line {line} does not parse"),
            "truncated gzip": (cut_gz, "cannot be read to its end")}


@pytest.mark.parametrize("kind", ["missing", "text", "folder", "truncated", "truncated gzip"])
def test_a_bad_input_is_one_line_naming_the_file_and_nothing_is_sent(bad_inputs, sample_nq, kind, tmp_path):
    path, says = bad_inputs[kind]
    with OxigraphProcess(tmp_path / "store") as server:
        result = _invoke(str(sample_nq), str(path), "--endpoint", server.query_url, "--store-url", server.store_url,
                         "--state", str(tmp_path / "state.sqlite"))
        assert result.exit_code == EXIT_USAGE, result.output
        assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
        error = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
        assert len(error) == 1 and str(path) in error[0] and says in error[0], result.stderr
        assert "cablegraph transform" in error[0] or kind == "folder"
        assert _triples(server.url) == 0  # the good file given first was not sent either
    assert not (tmp_path / "state.sqlite").exists()
