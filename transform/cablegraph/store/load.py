"""Loading cable graphs into any SPARQL 1.1 endpoint: incremental, resumable, parallel.

Each named graph is sent whole with a Graph Store Protocol PUT, which replaces it: a cable
that changed is replaced, never duplicated, and re-sending one is harmless. A small SQLite
file remembers the SHA-256 of what each graph last received, so a re-run sends only what
changed, and a run killed halfway resumes where it stopped (what was acknowledged is
recorded at once; what was not is sent again). With `--method update` the same replace is
done by batched `DROP SILENT GRAPH` + `INSERT DATA` requests, for endpoints without the
Graph Store Protocol.

The state describes a store, not an address: a store wiped or replaced behind the same URL
would otherwise be reported "unchanged" and stay empty. So each state has an id, written
into the store as a marker graph (`<BASE>graph/load-marker`, one `dcterms:identifier` per
state, added, never replaced, so several states can share a store). Every run first asks
for its marker and for a random sample of the graphs it says were sent; if any is missing,
it says so on stderr, forgets everything and sends everything.

Before anything is sent: every input is parsed once through (a truncated or damaged file
fails with its line, and nothing of it is sent: no half-loaded file, no half-sent graph),
and the endpoint must answer `ASK {}`. While sending, `max_failures` failed requests in a
row stop the run: the endpoint is down or refuses writes, and trying every graph would only
take longer to say so.
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from pyoxigraph import Quad, RdfFormat, serialize

from cablegraph.rdfinput import RDF_SUFFIXES, is_rdf_path, iter_graphs
from cablegraph.store.endpoint import Endpoint, EndpointError, redact_url

MARKER_GRAPH = "graph/load-marker"
MARKER_PREDICATE = "http://purl.org/dc/terms/identifier"
SPOT_CHECKS = 20  # graphs the state says were sent, asked for at the start of each run
MAX_FAILURES = 5  # failed requests in a row that stop a run


class InputError(ValueError):
    """An input file cannot be loaded: missing, not RDF, or damaged. The message names it and says what to do."""


@dataclass(slots=True)
class LoadSummary:
    graphs_sent: int = 0
    graphs_unchanged: int = 0
    triples_sent: int = 0
    requests: int = 0
    retries: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)
    forgotten: int = 0  # graphs the state remembered but the store had lost (all were sent again)
    stopped: str | None = None  # why the run stopped before the end, if it did

    def line(self) -> str:
        rate = self.triples_sent / self.seconds if self.seconds else 0.0
        text = (f"{self.graphs_sent:,} graphs sent ({self.triples_sent:,} triples, {self.requests:,} requests, "
                f"{self.retries:,} retries), {self.graphs_unchanged:,} unchanged, {len(self.failures):,} failed, "
                f"in {self.seconds:.1f} s ({rate:,.0f} triples/s)")
        return text + (" - STOPPED before the end" if self.stopped else "")


class LoadState:
    """graph IRI -> SHA-256 of the N-Triples it last received, for one store, under one state id."""

    def __init__(self, path: str | Path | None):
        self.path = str(path) if path else ":memory:"
        self.db = sqlite3.connect(self.path, check_same_thread=False)
        self.db.execute("CREATE TABLE IF NOT EXISTS loaded (graph TEXT PRIMARY KEY, sha256 TEXT, triples INT)")
        self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")

    @property
    def state_id(self) -> str:
        """This state's id (made on first use): the store holds it in its marker graph."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'state_id'").fetchone()
        if row:
            return row[0]
        return self._new_id()

    def _new_id(self) -> str:
        state_id = uuid.uuid4().hex
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('state_id', ?)", (state_id,))
        self.db.commit()
        return state_id

    def unchanged(self, graph: str, digest: str) -> bool:
        row = self.db.execute("SELECT sha256 FROM loaded WHERE graph = ?", (graph,)).fetchone()
        return row is not None and row[0] == digest

    def record(self, items: Iterable[tuple[str, str, int]]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO loaded VALUES (?, ?, ?)", list(items))
        self.db.commit()

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM loaded").fetchone()[0]

    def sample(self, size: int) -> list[str]:
        """A random sample of the graphs recorded as sent (random, so a partial loss is found over runs)."""
        rows = self.db.execute("SELECT graph FROM loaded WHERE graph != '' ORDER BY RANDOM() LIMIT ?", (size,))
        return [row[0] for row in rows]  # '' (the default graph) cannot be asked for by name

    def reset(self) -> None:
        """Forget every graph and take a new id: the store behind the URL is not the one this state described."""
        self.db.execute("DELETE FROM loaded")
        self._new_id()

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


# -- before anything is sent -------------------------------------------------------------------------

def check_inputs(paths: Iterable[str]) -> None:
    """Raise InputError unless every path is an RDF file that parses to its end.

    Why a whole pass before sending: a file cut short would otherwise be loaded up to the
    break, leaving the store with part of a file and no sign of it. Parsing alone is cheap
    (1.05M quads in under 2 s with pyoxigraph) next to sending them (about 50 s).
    """
    for path in paths:
        _check_file(path)


def _check_file(path: str) -> None:
    file = Path(path)
    kinds = ", ".join(sorted(RDF_SUFFIXES))
    if not file.exists():
        raise InputError(f"{path}: no such file; give the N-Quads or TriG file `cablegraph transform -o` wrote")
    if file.is_dir():
        raise InputError(f"{path} is a folder; give the RDF files in it ({kinds}, optionally .gz)")
    if not is_rdf_path(path):
        raise InputError(f"{path} is not RDF ({kinds}, optionally .gz); `load` sends what `transform` wrote: "
                         f"run `cablegraph transform {path} -o cables.nq` first, then load cables.nq")
    try:
        _parse_through(path)
    except SyntaxError as error:
        where = f"line {error.lineno}" if error.lineno else "somewhere"
        reason = str(error.msg).split(": ", 1)[-1]  # pyoxigraph's message repeats the line and columns first
        raise InputError(f"{path}: {where} does not parse ({reason}); the file is cut short or damaged, and "
                         "nothing was sent: write it again with `cablegraph transform`") from None
    except (OSError, EOFError, UnicodeDecodeError) as error:
        raise InputError(f"{path} cannot be read to its end ({type(error).__name__}: {error}); nothing was sent: "
                         "write it again with `cablegraph transform`") from None


def _parse_through(path: str) -> None:
    from cablegraph.rdfinput import _quads  # the loader's own read (gzip sniffing, format by suffix)

    for _ in _quads(path):
        pass


def default_state_path(first_input: str, query_url: str) -> Path:
    """`.cablegraph-load-<host_port>.sqlite` beside the first input (no user or password in the name)."""
    host = urlsplit(query_url).netloc.rpartition("@")[2].replace(":", "_")
    return Path(first_input).with_name(f".cablegraph-load-{host}.sqlite")


def marker_graph(base: str) -> str:
    return base + MARKER_GRAPH


def _marker_triple(base: str, state_id: str) -> str:
    return f'<{marker_graph(base)}> <{MARKER_PREDICATE}> "cablegraph-load-state:{state_id}" .\n'


def has_marker(endpoint: Endpoint, base: str, state_id: str) -> bool:
    triple = _marker_triple(base, state_id).rstrip(" .\n")
    return endpoint.ask(f"ASK {{ GRAPH <{marker_graph(base)}> {{ {triple} }} }}")


def write_marker(endpoint: Endpoint, base: str, state_id: str, method: str) -> None:
    """Add this state's id to the marker graph (added, not replaced: other states keep theirs)."""
    triple = _marker_triple(base, state_id)
    if method == "gsp":
        endpoint.post_graph(marker_graph(base), triple.encode("utf-8"))
    else:
        endpoint.update(f"INSERT DATA {{ GRAPH <{marker_graph(base)}> {{ {triple} }} }}")


def lost_graphs(endpoint: Endpoint, state: LoadState, base: str, marked: bool,
                sample: int = SPOT_CHECKS) -> str | None:
    """Why the store is not the one the state describes, or None when it is (or the state is empty)."""
    if not state.count():
        return None
    if not marked:
        return f"its load marker (graph <{marker_graph(base)}>) is missing or different"
    checked = state.sample(sample)
    missing = [graph for graph in checked if not endpoint.graph_exists(graph)]
    if missing:
        return f"{len(missing)} of {len(checked)} graphs checked are missing, e.g. <{missing[0]}>"
    return None


def prepare_target(endpoint: Endpoint, state: LoadState, *, base: str, method: str,
                   warn: Callable[[str], None]) -> int:
    """Check the endpoint answers and holds what the state says; reset the state if not.

    Returns how many graphs the state had to forget. Raises EndpointError when the endpoint
    does not answer, or refuses the marker (a write, so a read-only endpoint is found here,
    before any graph). The marker goes in before any graph, so a run killed halfway leaves a
    store that its state still recognises.
    """
    endpoint.probe()
    recorded = state.count()
    marked = has_marker(endpoint, base, state.state_id)
    why = lost_graphs(endpoint, state, base, marked)
    if why:
        warn(f"WARNING: the load state {state.path} says {recorded:,} graphs are in {redact_url(endpoint.query_url)}"
             f", but the store does not have them ({why}): it was wiped or replaced; re-sending everything")
        state.reset()
        marked = False
    if not marked:
        try:
            write_marker(endpoint, base, state.state_id, method)
        except EndpointError as error:
            raise EndpointError(f"{redact_url(endpoint.query_url)} answers queries but the first write (the load "
                                f"marker) failed: {error}; check --store-url / --update-url and the credentials; "
                                "nothing was sent", error.detail) from None
    return recorded if why else 0


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass(slots=True)
class Throttled:
    """`say`, at most once per `every` seconds; what was held back is counted in the next line.

    Why: with 4 requests in flight, a dead server makes 4 retry lines per pause; one line a
    second shows the retries without burying the error that follows.
    """

    say: Callable[[str], None]
    every: float = 1.0
    held: int = 0
    last: float = field(default=-1e9)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, message: str) -> None:
        with self.lock:
            now = time.monotonic()
            if now - self.last < self.every:
                self.held += 1
                return
            held, self.held, self.last = self.held, 0, now
        self.say(message + (f" (and {held} more held back)" if held else ""))


# -- sending ---------------------------------------------------------------------------------------

def load(paths: Iterable[str], endpoint: Endpoint, *, base: str, state: LoadState, method: str = "gsp",
         jobs: int = 4, batch_triples: int = 20_000, progress: Callable[[int], None] | None = None,
         max_failures: int = MAX_FAILURES, warn: Callable[[str], None] = _stderr, check: bool = True) -> LoadSummary:
    """Send every named graph of the files to the endpoint; only graphs whose content changed.

    Raises InputError (nothing sent) for a bad input and EndpointError (nothing sent) for an
    endpoint that does not answer; a run stopped by `max_failures` failures in a row returns
    with `summary.stopped` saying why. `check=False` skips the input check for a caller that
    has just made it (the command line checks inputs before it creates the state file).
    """
    paths = list(paths)
    if check:
        check_inputs(paths)
    summary = LoadSummary()
    started = time.perf_counter()
    retried_before = endpoint.retried
    summary.forgotten = prepare_target(endpoint, state, base=base, method=method, warn=warn)
    try:
        _send(paths, endpoint, base, state, method, jobs, batch_triples, progress, max_failures, summary)
    finally:
        endpoint.cancel.clear()
        summary.retries = endpoint.retried - retried_before
        summary.seconds = time.perf_counter() - started
    return summary


def _send(paths: list[str], endpoint: Endpoint, base: str, state: LoadState, method: str, jobs: int,
          batch_triples: int, progress: Callable[[int], None] | None, max_failures: int,
          summary: LoadSummary) -> None:
    """The parallel send: a window of requests in flight, settled in order, stopped by a run of failures."""

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
    run = _FailureRun(max_failures)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        window: deque[tuple[Future[None], list[GraphBody]]] = deque()
        for send, bodies in requests_of(changed(), endpoint, batch_triples):
            window.append((pool.submit(send), bodies))
            _drain(window, jobs * 2 - 1, endpoint, state, summary, progress, run)
            if run.stopped:
                break
        _drain(window, 0, endpoint, state, summary, progress, run)
    if run.stopped:
        summary.stopped = (f"stopped after {run.limit} failed requests in a row (last: {run.last}); the "
                           "endpoint is down or refuses writes: fix it and run the same command again "
                           "(what was sent is remembered)")


def _drain(window: deque[tuple[Future[None], list[GraphBody]]], keep: int, endpoint: Endpoint, state: LoadState,
           summary: LoadSummary, progress: Callable[[int], None] | None, run: _FailureRun) -> None:
    """Settle the oldest requests until `keep` are in flight; once the run is stopped, cancel and settle all."""
    while len(window) > keep or (run.stopped and window):
        _settle(*window.popleft(), state, summary, progress, run)
        if run.stopped:
            endpoint.cancel.set()  # requests waiting to retry give up now; queued ones never start
            for future, _ in window:
                future.cancel()


@dataclass(slots=True)
class _FailureRun:
    """Failed requests in a row: `limit` of them stop the run."""

    limit: int
    count: int = 0
    last: str = ""
    stopped: bool = False

    def failed(self, error: str) -> None:
        if self.stopped:
            return  # what failed after the stop failed because of it: `last` keeps the real cause
        self.count += 1
        self.last = error
        self.stopped = self.count >= self.limit

    def succeeded(self) -> None:
        self.count = 0


def _settle(future: Future[None], bodies: list[GraphBody], state: LoadState, summary: LoadSummary,
            progress: Callable[[int], None] | None, run: _FailureRun) -> None:
    if future.cancelled():
        return  # never started: not sent, not a failure of the endpoint; the next run sends it
    summary.requests += 1
    try:
        future.result()
    except EndpointError as error:
        summary.failures.extend(f"{body.graph}: {error}" for body in bodies)
        run.failed(str(error))
    else:
        state.record((body.graph, body.digest, body.triples) for body in bodies)
        summary.graphs_sent += len(bodies)
        summary.triples_sent += sum(body.triples for body in bodies)
        run.succeeded()
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
