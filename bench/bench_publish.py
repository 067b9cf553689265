"""Benchmark of publishing: N-Quads -> Oxigraph store (embedded, CLI, HTTP), `publish`, and canned query latency.

A benchmark, not a test: it prints figures and how they compare with the targets, and never fails
on a timing (see bench/README.md for why). Every comparison is made within one run, on the same
N-Quads file, because the machine is shared and absolute rates move with other people's load.

One run measures:

1. the N-Quads of the corpus (and of a 251,287-cable replay of it), made once by
   ``pipeline.transform(..., validate=False)``: validation is measured by bench_transform.py;
2. the embedded bulk loader (``Store(dir).bulk_load``, what ``publish.build_store`` does) against
   ``oxigraph load --location DIR --file X``, each into a fresh folder (target: >= 0.8x the CLI);
3. over HTTP, into fresh read-write Oxigraph servers: ``store.load.load`` (Graph Store PUTs with
   jobs=1/2/4/8, and SPARQL Update with jobs=4) against one POST of the whole file to ``/store``
   (target: the loader >= 2x the single request);
4. ``publish.publish`` of the corpus and, unless projected over an hour, of the replay (target:
   the 251,287 cables end to end in under 15 minutes);
5. p50/p95 latency of every canned query (``queries/*.rq``, default parameters), 20 runs each over
   HTTP through SPARQLWrapper, against a read-only server on each published store.

Outputs go to a temporary folder that is deleted afterwards (``--out`` keeps them elsewhere).
Run it with ``.venv/bin/python bench/bench_publish.py --help``.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

# bench_transform.py is the sibling script (Python puts this script's folder on sys.path): its corpus
# layout, replay and table helpers are reused, so that both benchmarks replay the same way.
from bench_transform import (
    FULL_RELEASE,
    ReplaySource,
    Row,
    TreeMemorySampler,
    check_replay_args,
    corpus_inputs,
    format_table,
    output_dir,
    prepare_replay,
    replay_items,
    replay_parser,
)
from pyoxigraph import RdfFormat, Store
from tqdm import tqdm

from cablegraph import pipeline
from cablegraph.errors import CableParseError
from cablegraph.pipeline import Summary
from cablegraph.queries import CannedQuery, canned_queries
from cablegraph.rdf.vocab import DEFAULT_BASE
from cablegraph.rdfinput import iter_graphs
from cablegraph.sources import RawCable
from cablegraph.store.endpoint import Endpoint
from cablegraph.store.load import LoadState, graph_body, load
from cablegraph.store.oxigraph import OxigraphServer, oxigraph_binary
from cablegraph.store.publish import PublishResult, publish, write_vocabulary
from cablegraph.store.run import run_query

TARGET_EMBEDDED_VS_CLI = 0.8  # embedded bulk_load triples/s over `oxigraph load` triples/s
TARGET_LOADER_VS_POST = 2.0  # HTTP loader triples/s over one POST of the whole file
TARGET_PUBLISH_SECONDS = 900.0  # the full release, end to end
SKIP_PUBLISH_OVER = 3600.0  # projected seconds above which the replay publish is not attempted
GSP_JOBS = (1, 2, 4, 8)
UPDATE_JOBS = 4
QUERY_RUNS = 20
QUERY_BUDGET = 120.0  # seconds of repeats per query and store: a pathological query stops early
MB = 1_000_000


# -- measuring ----------------------------------------------------------------------------------


@dataclass(slots=True)
class Measured:
    """Wall time of one block, the share of the machine others used meanwhile, and our peak memory."""

    seconds: float = 0.0
    others_share: float = 0.0  # other processes' CPU / (seconds x cores)
    peak_rss: int = 0  # bytes: this process + its children, sampled at one instant


def _busy_seconds() -> float:
    """Busy CPU seconds of the whole machine since boot, from /proc/stat (0 without it)."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, stat.readline().split()[1:9])
    except (OSError, ValueError):
        return 0.0
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _own_cpu(pids: Sequence[int]) -> float:
    """CPU seconds of this process, its reaped children, and the live processes `pids` (our servers).

    Why the pids: a server runs for the whole measured block and is reaped only when it stops, so
    getrusage(CHILDREN) does not see its CPU yet; without it, the server's work would be counted as
    other people's load.
    """
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # state ppid ... utime(11) stime(12)
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


@contextmanager
def measure(sampler: TreeMemorySampler, pids: Sequence[int] = ()) -> Iterator[Measured]:
    """Measure the block. The others' share says how far to trust its wall-clock rate on a shared machine."""
    own0, busy0 = _own_cpu(pids), _busy_seconds()
    started = time.perf_counter()
    with sampler.window() as peak:
        measured = Measured()
        yield measured
    measured.seconds = time.perf_counter() - started
    own1, busy1 = _own_cpu(pids), _busy_seconds()
    capacity = measured.seconds * (os.cpu_count() or 1)
    if busy1 and capacity:
        measured.others_share = max(0.0, (busy1 - busy0) - (own1 - own0)) / capacity
    measured.peak_rss = peak.tree_rss


@dataclass(slots=True)
class LoadRun:
    """One way of putting one N-Quads file into a fresh store, and what ended up in the store."""

    label: str
    dataset: str  # corpus | replay
    quads: int  # lines of the N-Quads file: the same count for every way of loading that file
    measured: Measured
    shape: StoreShape | None = None
    note: str = ""
    server_peak_rss: int = 0  # bytes, the server process's own high-water mark (HTTP loads only)

    @property
    def rate(self) -> float:
        return self.quads / self.measured.seconds if self.measured.seconds else 0.0


@dataclass(frozen=True, slots=True)
class StoreShape:
    """What a store holds: compared across loaders to show they all loaded the same dataset."""

    quads: int
    graphs: int
    default_graph: int  # quads in the default graph: 0 when every quad kept its named graph
    generated: int = 0  # graphs named by the server (`/store/<hex>`): a POST that lost the graph names

    def line(self) -> str:
        extra = f", {self.generated:,} server-named graphs" if self.generated else ""
        return f"{self.quads:,} quads in {self.graphs:,} graphs, {self.default_graph:,} in the default graph{extra}"


SHAPE_QUERIES = {
    "named": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    "graphs": "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    "default": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
}


def local_shape(location: Path) -> StoreShape:
    """The shape of an on-disk store, opened read-only (the default graph is not the union here)."""
    store = Store.read_only(str(location))
    counts = {key: int(next(iter(store.query(query)))["n"].value) for key, query in SHAPE_QUERIES.items()}
    del store
    return StoreShape(counts["named"] + counts["default"], counts["graphs"], counts["default"])


def server_shape(url: str) -> StoreShape:
    """The shape of a served store (started without --union-default-graph, so `default` is the real one)."""
    endpoint = Endpoint.oxigraph(url, timeout=600.0)
    counts = {key: int(endpoint.select(query)[0]["n"]["value"]) for key, query in SHAPE_QUERIES.items()}
    generated = int(endpoint.select(
        "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER (STRSTARTS(STR(?g), "{url}/store/")) }}')[0]["n"]["value"])
    return StoreShape(counts["named"] + counts["default"], counts["graphs"], counts["default"], generated)


def count_lines(path: Path) -> int:
    """Quads in an N-Quads file written by the pipeline (one per line)."""
    lines = 0
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            lines += block.count(b"\n")
    return lines


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- 1. N-Quads ---------------------------------------------------------------------------------


@contextmanager
def pipeline_reads(items: Iterable[RawCable | CableParseError]) -> Iterator[None]:
    """Make `pipeline.transform` (and so `publish`) read `items`, whatever paths it is given.

    The same swap as bench_transform.py's TEMPORARY block: pipeline.py reads through its module-level
    `iter_inputs`, and `publish` takes paths only, so the replayed RawCables are handed over by
    replacing that function for the length of one call. Everything else is the pipeline's own code.
    Callers check the cable count, so a swap that stops taking effect fails loudly.
    """
    original = pipeline.iter_inputs

    def replayed(paths: object, format: str = "auto") -> Iterator[RawCable | CableParseError]:
        return iter(items)

    pipeline.iter_inputs = replayed
    try:
        yield
    finally:
        pipeline.iter_inputs = original


def _check_count(summary: Summary, count: int) -> None:
    if summary.cables_in != count:
        raise RuntimeError(f"the replay gave {count:,} cables and the pipeline read {summary.cables_in:,}: "
                           "pipeline.py no longer reads through pipeline.iter_inputs")


def corpus_nquads(inputs: list[str], out: Path) -> tuple[Path, Summary]:
    """The corpus as N-Quads, unvalidated: every loader below reads this same file."""
    path = out / "corpus.nq"
    summary = pipeline.transform(inputs, str(path), quarantine=str(out / "corpus.quarantine.jsonl"), validate=False)
    return path, summary


def replay_nquads(source: ReplaySource, count: int, out: Path) -> tuple[Path, Summary]:
    """`count` replayed cables as N-Quads, unvalidated, through the pipeline's own transform."""
    path = out / "replay.nq"
    bar = tqdm(total=count, unit="cable", desc="replay N-Quads", file=sys.stderr, mininterval=2.0)
    with bar, pipeline_reads(replay_items(source, count)):
        summary = pipeline.transform([], str(path), quarantine=str(out / "replay.quarantine.jsonl"),
                                     validate=False, progress=bar.update)
    _check_count(summary, count)
    return path, summary


# -- 2. embedded bulk loader vs the CLI ---------------------------------------------------------


def fresh(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    return path


def embedded_load(nquads: Path, location: Path, dataset: str, quads: int,
                  sampler: TreeMemorySampler) -> tuple[LoadRun, float]:
    """`Store(dir).bulk_load` as build_store calls it, closed at the end; then optimize(), timed apart.

    The CLI closes its store when it exits (and does not optimize), so the compared figure is
    open + bulk_load + flush + close; build_store's optimize() is reported on its own.
    """
    fresh(location)
    with measure(sampler) as measured:
        store = Store(str(location))
        store.bulk_load(path=str(nquads), format=RdfFormat.N_QUADS)
        store.flush()
        del store
    started = time.perf_counter()
    store = Store(str(location))
    store.optimize()
    del store
    optimize_seconds = time.perf_counter() - started
    run = LoadRun("embedded Store.bulk_load", dataset, quads, measured, local_shape(location))
    return run, optimize_seconds


def cli_load(nquads: Path, location: Path, dataset: str, quads: int, sampler: TreeMemorySampler) -> LoadRun:
    """`oxigraph load --location DIR --file X`, the venv's binary, process start included."""
    fresh(location)
    command = [oxigraph_binary(), "load", "--location", str(location), "--file", str(nquads)]
    with measure(sampler) as measured:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    # The CLI reports a failed file on stderr and still exits 0 ("TODO: hard fail" upstream).
    failed = [line for line in done.stderr.splitlines() if line.startswith(("Error", "Failed"))]
    if done.returncode or failed:
        raise RuntimeError(f"oxigraph load failed ({done.returncode}): {(failed or [done.stderr[-500:]])[0]}")
    return LoadRun("CLI oxigraph load", dataset, quads, measured, local_shape(location))


def offline_loads(nquads: Path, dataset: str, quads: int, work: Path, sampler: TreeMemorySampler,
                  keep: Path | None = None) -> tuple[list[LoadRun], float]:
    """Both offline loaders on the same file, fresh folders each, the CLI first.

    The CLI's store is deleted before the embedded load starts, so a full-size replay needs disk
    for one store at a time. With `keep`, the embedded store is kept there, with the vocabulary
    graphs added (untimed) as publish adds them, so it can be queried if the replay is not published.
    """
    _log(f"{dataset}: oxigraph load of {quads:,} quads ...")
    cli = cli_load(nquads, work / f"{dataset}-cli", dataset, quads, sampler)
    shutil.rmtree(work / f"{dataset}-cli", ignore_errors=True)
    _log(f"  {cli.measured.seconds:.1f} s. embedded bulk_load ...")
    location = keep or work / f"{dataset}-embedded"
    embedded, optimize_seconds = embedded_load(nquads, location, dataset, quads, sampler)
    _log(f"  {embedded.measured.seconds:.1f} s; optimize {optimize_seconds:.1f} s")
    if keep:
        vocabulary = work / "vocabulary.nq"
        write_vocabulary(vocabulary, DEFAULT_BASE)
        store = Store(str(keep))
        store.bulk_load(path=str(vocabulary), format=RdfFormat.N_QUADS)
        del store
    else:
        shutil.rmtree(location, ignore_errors=True)
    return [embedded, cli], optimize_seconds


# -- 3. over HTTP -------------------------------------------------------------------------------


def http_load(label: str, send: Callable[[str], str], nquads_quads: int, location: Path,
              sampler: TreeMemorySampler) -> LoadRun:
    """Start a fresh read-write server, time `send(url)`, and read back what the store holds.

    The server runs without --union-default-graph, so the check can see quads that landed in the
    default graph. Server start-up is not timed; the server's CPU counts as ours.
    """
    fresh(location)
    with OxigraphServer(location, union_default_graph=False, timeout_s=600) as server:
        assert server.process is not None
        with measure(sampler, [server.process.pid]) as measured:
            note = send(server.url)
        shape = server_shape(server.url)
        peak = peak_rss_of(server.process.pid)
    shutil.rmtree(location, ignore_errors=True)
    return LoadRun(label, "corpus", nquads_quads, measured, shape, note, peak)


def peak_rss_of(pid: int) -> int:
    """A live process's peak resident memory (VmHWM) in bytes; 0 without /proc.

    Why: one big POST to /store is known to take much memory in the server; the sampled tree
    figure mixes the server with this process, this is the server alone.
    """
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    line = next((line for line in status.splitlines() if line.startswith("VmHWM:")), "VmHWM: 0 kB")
    return int(line.split()[1]) * 1024


def loader_send(nquads: Path, method: str, jobs: int) -> Callable[[str], str]:
    """`cablegraph load` into the server: every named graph, PUT (gsp) or DROP + INSERT DATA (update)."""
    def send(url: str) -> str:
        summary = load([str(nquads)], Endpoint.oxigraph(url), base=DEFAULT_BASE, state=LoadState(None),
                       method=method, jobs=jobs)
        if summary.failures:
            raise RuntimeError(f"{len(summary.failures)} graphs failed; first: {summary.failures[0]}")
        return f"{summary.requests:,} requests"

    return send


def post_send(nquads: Path, params: dict[str, str]) -> Callable[[str], str]:
    """One POST of the whole N-Quads file to /store, streamed from disk."""
    def send(url: str) -> str:
        with open(nquads, "rb") as body:
            response = requests.post(f"{url}/store", params=params, data=body, timeout=7200,
                                     headers={"Content-Type": "application/n-quads"})
        if response.status_code >= 400:
            raise RuntimeError(f"POST /store {params} answered {response.status_code}: {response.text[:300]}")
        return f"HTTP {response.status_code}"

    return send


def loader_client_side(nquads: Path, sampler: TreeMemorySampler) -> Measured:
    """What the loader does before any request: read the file graph by graph, serialize, sort, hash.

    Why: the loader does this in the calling thread, one graph after another, and only the requests
    go to the `jobs` threads; if this alone takes about as long as a load, more jobs cannot help.
    """
    _log("HTTP loader's client-side work alone (no requests) ...")
    with measure(sampler) as measured:
        for graph, quads in iter_graphs(str(nquads), DEFAULT_BASE):
            graph_body(graph, quads)
    _log(f"  {measured.seconds:.1f} s")
    return measured


def http_loads(nquads: Path, quads: int, expected: StoreShape, work: Path,
               sampler: TreeMemorySampler, notes: list[str]) -> list[LoadRun]:
    """The loader in each setting and the single POSTs, each into its own fresh server."""
    runs: list[LoadRun] = []
    settings = [("gsp", jobs) for jobs in GSP_JOBS] + [("update", UPDATE_JOBS)]
    for method, jobs in settings:
        _log(f"HTTP loader method={method} jobs={jobs} ...")
        runs.append(http_load(f"HTTP loader method={method} jobs={jobs}", loader_send(nquads, method, jobs),
                              quads, work / "http", sampler))
        _log(f"  {runs[-1].measured.seconds:.1f} s")
    _log("HTTP single POST /store (no graph parameter) ...")
    post = http_load("HTTP one POST /store", post_send(nquads, {}), quads, work / "http", sampler)
    runs.append(post)
    if post.shape != expected:
        notes.append(f"POST /store without ?graph= did not keep the graphs ({post.shape.line() if post.shape else '?'}"
                     f"; expected {expected.line()}); measured again with ?default")
        runs.append(http_load("HTTP one POST /store?default", post_send(nquads, {"default": ""}), quads,
                              work / "http", sampler))
    else:
        notes.append("POST /store with an N-Quads body and no graph parameter loads each quad into its own named "
                     f"graph (checked: {post.shape.line()}, same as the embedded bulk load; no server-named graph)")
    _log("HTTP single POST /store?no_transaction (the server's bulk loader) ...")
    runs.append(http_load("HTTP one POST /store?no_transaction", post_send(nquads, {"no_transaction": ""}), quads,
                          work / "http", sampler))
    for run in runs:
        if run.shape != expected:
            notes.append(f"{run.label}: the store holds {run.shape.line() if run.shape else '?'}, "
                         f"not {expected.line()}")
    return runs


# -- 4. publish ---------------------------------------------------------------------------------


@dataclass(slots=True)
class PublishRun:
    dataset: str
    result: PublishResult
    measured: Measured


def publish_corpus(inputs: list[str], data: Path, sampler: TreeMemorySampler) -> PublishRun:
    """`cablegraph publish` of the corpus, validation included, into a fresh data folder."""
    fresh(data)
    with measure(sampler) as measured:
        result = publish(inputs, data, say=lambda message: _log(f"  publish: {message}"))
    return PublishRun("corpus", result, measured)


def publish_replay(source: ReplaySource, count: int, data: Path, sampler: TreeMemorySampler) -> PublishRun:
    """`publish` of the replay: the same call, with the pipeline reading the replayed cables (see pipeline_reads)."""
    fresh(data)
    bar = tqdm(total=count, unit="cable", desc="replay publish", file=sys.stderr, mininterval=2.0)
    with bar, pipeline_reads(replay_items(source, count)), measure(sampler) as measured:
        result = publish([], data, progress=bar.update, say=lambda message: tqdm.write(f"  publish: {message}"))
    _check_count(result.summary, count)
    return PublishRun("replay", result, measured)


# -- 5. canned queries --------------------------------------------------------------------------


@dataclass(slots=True)
class QueryTiming:
    name: str
    dataset: str
    rows: int = 0
    latencies: list[float] = dataclasses.field(default_factory=list)
    error: str = ""

    def percentile(self, share: float) -> float | None:
        """Nearest-rank percentile in seconds (of 20 runs, p95 is the 19th fastest)."""
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def time_queries(location: Path, dataset: str, queries: dict[str, CannedQuery]) -> list[QueryTiming]:
    """Each canned query, bound with its defaults, QUERY_RUNS times over HTTP, as `cablegraph query` runs it.

    The server is the one `cablegraph serve` starts (read-only, union default graph), and the
    client is SPARQLWrapper through run_query, so the figures include what a user pays for HTTP
    and JSON results.
    """
    timings: list[QueryTiming] = []
    with OxigraphServer(location, read_only=True) as server:
        endpoint = f"{server.url}/query"
        for name, query in queries.items():
            timings.append(_time_query(endpoint, name, dataset, query.bind()))
            timing = timings[-1]
            _log(f"  {name}: {timing.rows:,} rows, p50 {_ms(timing.percentile(0.5))}, "
                 f"p95 {_ms(timing.percentile(0.95))} {timing.error}")
    return timings


def _time_query(endpoint: str, name: str, dataset: str, text: str) -> QueryTiming:
    timing = QueryTiming(name, dataset)
    spent = 0.0
    for _ in range(QUERY_RUNS):
        started = time.perf_counter()
        try:
            results = run_query(endpoint, text)
        except Exception as error:  # a timeout or a server error is a result here, not a crash
            timing.error = f"{type(error).__name__}: {str(error)[:200]}"
            break
        elapsed = time.perf_counter() - started
        timing.latencies.append(elapsed)
        timing.rows = len(results.rows) if results.boolean is None else 1
        spent += elapsed
        if spent > QUERY_BUDGET:
            timing.error = f"stopped after {len(timing.latencies)} runs ({QUERY_BUDGET:.0f} s budget)"
            break
    return timing


def _ms(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds * 1000:,.0f} ms"


# -- the run ------------------------------------------------------------------------------------


@dataclass(slots=True)
class Bench:
    """Everything one run measured, and what the report must say besides the figures."""

    replay_count: int
    corpus: Summary | None = None
    replay: Summary | None = None
    nquads_bytes: dict[str, int] = dataclasses.field(default_factory=dict)
    quads: dict[str, int] = dataclasses.field(default_factory=dict)
    loads: list[LoadRun] = dataclasses.field(default_factory=list)
    optimize_seconds: dict[str, float] = dataclasses.field(default_factory=dict)
    publishes: list[PublishRun] = dataclasses.field(default_factory=list)
    replay_publish_projection: float | None = None  # seconds, when the replay publish was skipped
    queries: list[QueryTiming] = dataclasses.field(default_factory=list)
    client_side: Measured | None = None  # the HTTP loader's own work, without requests
    notes: list[str] = dataclasses.field(default_factory=list)


def run_all(args: argparse.Namespace, out: Path, sampler: TreeMemorySampler) -> Bench:
    bench = Bench(args.replay)
    inputs = corpus_inputs(args.corpus)
    source = None if args.skip_replay else prepare_replay(inputs)
    files = make_nquads(bench, inputs, source, out)
    replay_store = out / "replay-store"
    for dataset, path in files.items():
        _log(f"2. embedded vs CLI bulk load, {dataset} ...")
        runs, bench.optimize_seconds[dataset] = offline_loads(path, dataset, bench.quads[dataset], out, sampler,
                                                              keep=replay_store if dataset == "replay" else None)
        bench.loads += runs
        embedded, cli = (run.shape for run in runs)
        if embedded != cli:
            bench.notes.append(f"{dataset}: the embedded store and the CLI's differ: {embedded} / {cli}")

    _log("3. HTTP loads of the corpus ...")
    bench.client_side = loader_client_side(files["corpus"], sampler)
    expected = next(run.shape for run in bench.loads if run.dataset == "corpus")
    assert expected is not None
    bench.loads += http_loads(files["corpus"], bench.quads["corpus"], expected, out, sampler, bench.notes)

    queries = canned_queries()
    _log("4. publish of the corpus ...")
    corpus_publish = publish_corpus(inputs, out / "publish-corpus", sampler)
    bench.publishes.append(corpus_publish)
    _log(f"5. canned queries on the corpus store, {QUERY_RUNS} runs each ...")
    bench.queries += time_queries(out / "publish-corpus" / "store", "corpus", queries)
    if source is not None:
        for path in files.values():  # not needed any more, and the replay is large: free the disk
            path.unlink(missing_ok=True)
        replay_publish_or_projection(bench, source, corpus_publish, out, replay_store, queries, sampler)
    return bench


def make_nquads(bench: Bench, inputs: list[str], source: ReplaySource | None, out: Path) -> dict[str, Path]:
    """Step 1: the N-Quads every loader reads, by dataset, with their sizes recorded in `bench`."""
    _log(f"1. N-Quads of the corpus ({', '.join(inputs)}) in {out} ...")
    files: dict[str, Path] = {}
    files["corpus"], bench.corpus = corpus_nquads(inputs, out)
    if source is not None:
        _log(f"1. N-Quads of the {bench.replay_count:,}-cable replay ...")
        files["replay"], bench.replay = replay_nquads(source, bench.replay_count, out)
    for dataset, path in files.items():
        bench.nquads_bytes[dataset], bench.quads[dataset] = path.stat().st_size, count_lines(path)
    return files


def replay_publish_or_projection(bench: Bench, source: ReplaySource, corpus_publish: PublishRun, out: Path,
                                 replay_store: Path, queries: dict[str, CannedQuery],
                                 sampler: TreeMemorySampler) -> None:
    """Steps 4 and 5 for the replay: publish it unless that is projected to take over an hour.

    When it is skipped, the queries run on the embedded bulk-load store of the replay's N-Quads
    (plus the vocabulary graphs) instead: the same data minus SHACL quarantine and the dataset
    description, which no canned query reads. It is labelled apart, as it is not a published store.
    """
    cables = corpus_publish.result.summary.cables_in
    projected = corpus_publish.result.seconds["total"] * bench.replay_count / cables
    if projected > SKIP_PUBLISH_OVER:
        bench.replay_publish_projection = projected
        bench.notes.append(f"replay publish skipped: projected {projected / 60:,.0f} min from the corpus publish "
                           f"rate ({cables / corpus_publish.result.seconds['total']:,.1f} cables/s)")
        dataset, location = "replay bulk-loaded", replay_store
    else:
        shutil.rmtree(replay_store, ignore_errors=True)
        _log(f"4. publish of the replay (projected {projected / 60:.0f} min) ...")
        bench.publishes.append(publish_replay(source, bench.replay_count, out / "publish-replay", sampler))
        dataset, location = "replay", out / "publish-replay" / "store"
    _log(f"5. canned queries on the {dataset} store, {QUERY_RUNS} runs each ...")
    bench.queries += time_queries(location, dataset, queries)


# -- report -------------------------------------------------------------------------------------


def loads_table(loads: Sequence[LoadRun]) -> str:
    header = ["load", "dataset", "quads", "seconds", "triples/s", "quads in store", "graphs", "others' CPU %",
              "peak RSS MB", "server peak MB", "note"]
    rows = [[run.label, run.dataset, f"{run.quads:,}", f"{run.measured.seconds:,.1f}", f"{run.rate:,.0f}",
             f"{run.shape.quads:,}" if run.shape else "-", f"{run.shape.graphs:,}" if run.shape else "-",
             f"{run.measured.others_share:.0%}", f"{run.measured.peak_rss / MB:,.0f}",
             f"{run.server_peak_rss / MB:,.0f}" if run.server_peak_rss else "-", run.note]
            for run in loads]
    return format_table(header, rows, [False, False, *[True] * 8, False])


def queries_table(timings: Sequence[QueryTiming]) -> str:
    header = ["query", "dataset", "rows", "runs", "p50 ms", "p95 ms", "max ms", "note"]
    rows = [[t.name, t.dataset, f"{t.rows:,}", str(len(t.latencies)), _cell_ms(t.percentile(0.5)),
             _cell_ms(t.percentile(0.95)), _cell_ms(max(t.latencies, default=None)), t.error] for t in timings]
    return format_table(header, rows, [False, False, True, True, True, True, True, False])


def _cell_ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:,.0f}"


def summary_rows(bench: Bench) -> list[Row]:
    rows = _input_rows(bench)
    for dataset in bench.quads:
        rows += _offline_rows(bench, dataset)
    rows += _http_rows([run for run in bench.loads if run.label.startswith("HTTP")], bench)
    for run in bench.publishes:
        rows += _publish_rows(run, bench.replay_count)
    if bench.replay_publish_projection is not None:
        rows.append(Row(f"replay publish, {bench.replay_count:,} cables: projected (skipped)",
                        bench.replay_publish_projection, "s", TARGET_PUBLISH_SECONDS))
    for timing in bench.queries:
        rows += [Row(f"query {timing.name} ({timing.dataset}): p50", _in_ms(timing.percentile(0.5)), "ms"),
                 Row(f"query {timing.name} ({timing.dataset}): p95", _in_ms(timing.percentile(0.95)), "ms")]
    return rows


def _in_ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000


def _input_rows(bench: Bench) -> list[Row]:
    rows: list[Row] = []
    for dataset, summary in (("corpus", bench.corpus), ("replay", bench.replay)):
        if summary is None:
            continue
        rows += [Row(f"{dataset}: cables in", summary.cables_in, ""),
                 Row(f"{dataset}: cables quarantined (parse or transform)", summary.quarantined, ""),
                 Row(f"{dataset}: N-Quads (validate=False)", bench.quads[dataset], "quads"),
                 Row(f"{dataset}: N-Quads size", bench.nquads_bytes[dataset] / MB, "MB"),
                 Row(f"{dataset}: N-Quads written in", summary.seconds, "s")]
    return rows


def _offline_rows(bench: Bench, dataset: str) -> list[Row]:
    runs = {run.label: run for run in bench.loads if run.dataset == dataset and not run.label.startswith("HTTP")}
    embedded, cli = runs["embedded Store.bulk_load"], runs["CLI oxigraph load"]
    return [Row(f"{dataset}: embedded Store.bulk_load", embedded.rate, "triples/s"),
            Row(f"{dataset}: CLI oxigraph load", cli.rate, "triples/s"),
            Row(f"{dataset}: embedded / CLI", embedded.rate / cli.rate, "x", TARGET_EMBEDDED_VS_CLI, True),
            Row(f"{dataset}: embedded optimize() after the load (build_store runs it)",
                bench.optimize_seconds[dataset], "s")]


def _http_rows(runs: Sequence[LoadRun], bench: Bench) -> list[Row]:
    if not runs:
        return []
    by_label = {run.label: run for run in runs}
    post = by_label.get("HTTP one POST /store?default") or by_label["HTTP one POST /store"]
    loaders = [run for run in runs if run.label.startswith("HTTP loader")]
    best = max(loaders, key=lambda run: run.rate)
    specified = by_label["HTTP loader method=gsp jobs=4"]
    rows = [Row(f"corpus: {run.label}", run.rate, "triples/s") for run in runs]
    if bench.client_side and bench.client_side.seconds:
        rows.append(Row("corpus: HTTP loader's client-side work alone (parse, serialize, sort, hash; no requests)",
                        bench.quads["corpus"] / bench.client_side.seconds, "triples/s"))
    rows += [Row(f"corpus: {specified.label.removeprefix('HTTP ')} / {post.label.removeprefix('HTTP ')}",
                 specified.rate / post.rate, "x", TARGET_LOADER_VS_POST, True),
             Row(f"corpus: best loader ({best.label.removeprefix('HTTP loader ')}) / "
                 f"{post.label.removeprefix('HTTP ')}", best.rate / post.rate, "x", TARGET_LOADER_VS_POST, True)]
    if "HTTP one POST /store?no_transaction" in by_label:
        bulk = by_label["HTTP one POST /store?no_transaction"]
        rows.append(Row(f"corpus: best loader / {bulk.label.removeprefix('HTTP ')}", best.rate / bulk.rate, "x"))
    return rows


def _publish_rows(run: PublishRun, replay_count: int) -> list[Row]:
    result, name = run.result, f"{run.dataset} publish"
    cables = result.summary.cables_in
    rows = [Row(f"{name}: {step}", seconds, "s") for step, seconds in result.seconds.items() if step != "total"]
    total = result.seconds["total"]
    full = run.dataset == "replay" and replay_count == FULL_RELEASE
    rows += [Row(f"{name}: total ({cables:,} cables, {result.summary.quarantined:,} quarantined)", total, "s",
                 TARGET_PUBLISH_SECONDS if full else None),
             Row(f"{name}: cables/s end to end", cables / total, "/s", FULL_RELEASE / TARGET_PUBLISH_SECONDS, True),
             Row(f"{name}: quads in store", result.triples_in_store, ""),
             Row(f"{name}: others' share of the machine's CPU", 100 * run.measured.others_share, "%"),
             Row(f"{name}: peak RSS, this process + workers (sampled)", run.measured.peak_rss / MB, "MB")]
    if not full:
        rows.append(Row(f"{name}: projected {FULL_RELEASE:,} cables at this rate", total * FULL_RELEASE / cables,
                        "s", TARGET_PUBLISH_SECONDS))
    return rows


def print_report(bench: Bench, rows: Sequence[Row]) -> None:
    print("\nLoads (triples/s = quads of the N-Quads file per wall-clock second; each into a fresh store)")
    print(loads_table(bench.loads))
    print(f"\nCanned queries (default parameters, {QUERY_RUNS} runs each over HTTP, SPARQLWrapper POST, JSON)")
    print(queries_table(bench.queries))
    print(f"\nSummary (ratio = value / target; targets: embedded >= {TARGET_EMBEDDED_VS_CLI}x the CLI, HTTP loader "
          f">= {TARGET_LOADER_VS_POST:.0f}x one POST, {FULL_RELEASE:,} cables published in < "
          f"{TARGET_PUBLISH_SECONDS:.0f} s)")
    print(format_table(["figure", "value", "target", "ratio", "met"], [row.cells() for row in rows],
                       [False, True, True, True, False]))
    for note in bench.notes:
        print(f"note: {note}")


# -- main ---------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = replay_parser(__doc__.split("\n\n")[0], "corpus only")
    args = parser.parse_args(argv)
    check_replay_args(parser, args)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with output_dir(args.out) as out, TreeMemorySampler() as sampler:
        bench = run_all(args, out, sampler)
    print_report(bench, summary_rows(bench))
    return 0


if __name__ == "__main__":
    sys.exit(main())
