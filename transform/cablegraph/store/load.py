"""Loading cable graphs into any SPARQL 1.1 endpoint: incremental, resumable, parallel.

Each named graph is sent whole with a Graph Store Protocol PUT, which replaces it: a cable
that changed is replaced, never duplicated, and re-sending one is harmless. A small SQLite
file remembers the SHA-256 of what each graph last received, so a re-run sends only what
changed, and a run killed halfway resumes where it stopped (what was acknowledged is
recorded at once; what was not is sent again). With `--method update` the same replace is
done by batched `DROP SILENT GRAPH` + `INSERT DATA` requests, for endpoints without the
Graph Store Protocol.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Quad, RdfFormat, serialize

from cablegraph.rdfinput import iter_graphs
from cablegraph.store.endpoint import Endpoint, EndpointError


@dataclass(slots=True)
class LoadSummary:
    graphs_sent: int = 0
    graphs_unchanged: int = 0
    triples_sent: int = 0
    requests: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)

    def line(self) -> str:
        rate = self.triples_sent / self.seconds if self.seconds else 0.0
        return (f"{self.graphs_sent:,} graphs sent ({self.triples_sent:,} triples, {self.requests:,} requests), "
                f"{self.graphs_unchanged:,} unchanged, {len(self.failures):,} failed, in {self.seconds:.1f} s "
                f"({rate:,.0f} triples/s)")


class LoadState:
    """graph IRI -> SHA-256 of the N-Triples it last received, for one endpoint."""

    def __init__(self, path: str | Path | None):
        self.db = sqlite3.connect(str(path) if path else ":memory:", check_same_thread=False)
        self.db.execute("CREATE TABLE IF NOT EXISTS loaded (graph TEXT PRIMARY KEY, sha256 TEXT, triples INT)")

    def unchanged(self, graph: str, digest: str) -> bool:
        row = self.db.execute("SELECT sha256 FROM loaded WHERE graph = ?", (graph,)).fetchone()
        return row is not None and row[0] == digest

    def record(self, items: Iterable[tuple[str, str, int]]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO loaded VALUES (?, ?, ?)", list(items))
        self.db.commit()

    def close(self) -> None:
        self.db.close()


@dataclass(slots=True)
class GraphBody:
    graph: str
    body: bytes
    triples: int
    digest: str


def graph_body(graph: str, quads: list[Quad]) -> GraphBody:
    """The graph as sorted N-Triples (a stable form to hash; our data has no blank nodes)."""
    text = serialize([quad.triple for quad in quads], format=RdfFormat.N_TRIPLES)
    lines = sorted(set(text.splitlines()))
    body = b"\n".join(lines) + b"\n"
    return GraphBody(graph, body, len(lines), hashlib.sha256(body).hexdigest())


def load(paths: Iterable[str], endpoint: Endpoint, *, base: str, state: LoadState, method: str = "gsp",
         jobs: int = 4, batch_triples: int = 20_000, progress: Callable[[int], None] | None = None) -> LoadSummary:
    """Send every named graph of the files to the endpoint; only graphs whose content changed."""
    summary = LoadSummary()
    started = time.perf_counter()

    def changed() -> Iterator[GraphBody]:
        for path in paths:
            for graph, quads in iter_graphs(path, base):
                body = graph_body(graph, quads)
                if state.unchanged(body.graph, body.digest):
                    summary.graphs_unchanged += 1
                    if progress:
                        progress(1)
                    continue
                yield body

    requests_of = _gsp_requests if method == "gsp" else _update_requests
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        window: deque[tuple[Future[None], list[GraphBody]]] = deque()
        for send, bodies in requests_of(changed(), endpoint, batch_triples):
            window.append((pool.submit(send), bodies))
            while len(window) >= jobs * 2:
                _settle(*window.popleft(), state, summary, progress)
        while window:
            _settle(*window.popleft(), state, summary, progress)
    summary.seconds = time.perf_counter() - started
    return summary


def _settle(future: Future[None], bodies: list[GraphBody], state: LoadState, summary: LoadSummary,
            progress: Callable[[int], None] | None) -> None:
    summary.requests += 1
    try:
        future.result()
    except EndpointError as error:
        summary.failures.extend(f"{body.graph}: {error}" for body in bodies)
    else:
        state.record((body.graph, body.digest, body.triples) for body in bodies)
        summary.graphs_sent += len(bodies)
        summary.triples_sent += sum(body.triples for body in bodies)
    if progress:
        progress(len(bodies))


def _gsp_requests(bodies: Iterable[GraphBody], endpoint: Endpoint,
                  batch_triples: int) -> Iterator[tuple[Callable[[], None], list[GraphBody]]]:
    """One PUT per graph; a graph larger than a batch is PUT in its first part and POSTed in the rest."""
    for body in bodies:
        if body.triples <= batch_triples:
            yield (lambda b=body: endpoint.put_graph(b.graph, b.body)), [body]
            continue
        lines = body.body.splitlines(keepends=True)
        parts = [b"".join(lines[i:i + batch_triples]) for i in range(0, len(lines), batch_triples)]

        def send(b: GraphBody = body, parts: list[bytes] = parts) -> None:
            endpoint.put_graph(b.graph, parts[0])
            for part in parts[1:]:
                endpoint.post_graph(b.graph, part)

        yield send, [body]


def _update_requests(bodies: Iterable[GraphBody], endpoint: Endpoint,
                     batch_triples: int) -> Iterator[tuple[Callable[[], None], list[GraphBody]]]:
    """Batched `DROP SILENT GRAPH` + `INSERT DATA` updates of about `batch_triples` triples each.

    IRIs and literals come from pyoxigraph's N-Triples serialization, already escaped, so no
    cable text can break out of the update.
    """
    batch: list[GraphBody] = []
    size = 0
    for body in bodies:
        batch.append(body)
        size += body.triples
        if size >= batch_triples:
            yield _update_for(batch, endpoint), batch
            batch, size = [], 0
    if batch:
        yield _update_for(batch, endpoint), batch


def _update_for(batch: list[GraphBody], endpoint: Endpoint) -> Callable[[], None]:
    def send() -> None:
        operations = []
        for body in batch:
            graph = f"<{body.graph}>"
            operations.append(f"DROP SILENT GRAPH {graph}")
            operations.append(f"INSERT DATA {{ GRAPH {graph} {{\n{body.body.decode('utf-8')}}} }}")
        endpoint.update(" ;\n".join(operations))

    return send
