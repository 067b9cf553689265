"""Benchmark of the web site: p50/p95 latency of cable pages and browse pages, alone and under load.

A benchmark, not a test: it prints figures and never fails on a timing. It runs `cablegraph serve`
(the real site in front of the real read-only Oxigraph) on a published data folder and measures, from
this process, one request at a time:

* cable pages: a random sample of cables (seeded), each page fetched once;
* browse pages: /browse/date, /browse/origin, /browse/tag, /browse/classification, a month's list, a
  post's list, a tag's list and a cable's cited-by page, several times each, with `page` varied;

first with the site otherwise idle, then while a second process on loopback loads the site with
concurrent requests for random cable and browse pages, bounded in count (--load-requests) and in time
(--load-seconds). The first home page is timed apart: it waits for the aggregates (browse counts, the
dataset-wide date order of cables), which are computed once per server start and cached, since the
served store is read-only.

Data: `--data DIR` (a folder made by `cablegraph publish`, e.g. `make publish` gives var/corpus), or
`--build-replay DIR [--replay N]`, which first builds DIR/store from N replayed cables (the corpus cycled,
as bench_transform.py does; 251,287 by default): transform without validation, bulk load, the
vocabulary and the dataset description; no dumps. That took 37 minutes here, and 12 GB of N-Quads (deleted
afterwards) plus a 12 GB store.

    .venv/bin/python bench/bench_web.py --data var/corpus
    .venv/bin/python bench/bench_web.py --build-replay /tmp/replay-data --replay 251287
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
CABLEGRAPH = Path(sys.executable).parent / "cablegraph"


# -- building the replay store ------------------------------------------------------------------


def build_replay(data: Path, count: int, corpus: Path) -> None:
    """DIR/store from `count` replayed cables: transform (no validation), bulk load, vocabulary, VoID."""
    from bench_publish import pipeline_reads
    from bench_transform import corpus_inputs, prepare_replay, replay_items
    from tqdm import tqdm

    from cablegraph import pipeline
    from cablegraph.rdf.vocab import DEFAULT_BASE
    from cablegraph.store.publish import build_store, describe_dataset, write_vocabulary

    data.mkdir(parents=True, exist_ok=True)
    work = data / "work"
    work.mkdir(exist_ok=True)
    nquads = work / "replay.nq"
    started = time.perf_counter()
    if not nquads.exists():
        source = prepare_replay(corpus_inputs(corpus))
        bar = tqdm(total=count, unit="cable", desc="replay N-Quads", file=sys.stderr, mininterval=5.0)
        with bar, pipeline_reads(replay_items(source, count)):
            summary = pipeline.transform([], str(nquads) + ".part", quarantine=str(work / "quarantine.jsonl"),
                                         validate=False, progress=bar.update)
        os.replace(str(nquads) + ".part", nquads)
        print(f"replay N-Quads: {summary.line()} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    vocabulary = work / "vocabulary.nq"
    write_vocabulary(vocabulary, DEFAULT_BASE)
    step = time.perf_counter()
    store = build_store(data / "store", [nquads, vocabulary])
    print(f"bulk load: {time.perf_counter() - step:.0f} s", file=sys.stderr)
    describe_dataset(store, DEFAULT_BASE, [], None)
    store.flush()
    print(f"replay store ready: {len(store):,} quads, {time.perf_counter() - started:.0f} s in all", file=sys.stderr)
    del store
    nquads.unlink()


# -- the site -----------------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_site(data: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    log = open(data / "bench-serve.log", "ab")  # noqa: SIM115 - lives as long as the server
    # The server's output goes to a file: a pipe nobody reads fills up and blocks the server's logging.
    process = subprocess.Popen([str(CABLEGRAPH), "serve", "--data", str(data), "--port", str(port)],
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"cablegraph serve exited: {(data / 'bench-serve.log').read_text()[-2000:]}")
        try:
            if requests.get(url + "/static/site.css", timeout=2).status_code == 200:
                return process, url
        except requests.RequestException:
            pass
        time.sleep(0.5)
    process.terminate()
    raise SystemExit("the site did not come up within 300 s")


def sparql_column(url: str, query: str, column: str) -> list[str]:
    response = requests.get(url + "/sparql", params={"query": query}, timeout=600,
                            headers={"Accept": "application/sparql-results+json"})
    response.raise_for_status()
    return [row[column]["value"] for row in response.json()["results"]["bindings"] if column in row]


def sample_paths(url: str, cables: int, seed: int) -> tuple[list[str], list[str]]:
    """Cable page paths (a seeded sample) and browse page paths (fixed set, varied pages)."""
    ids = sparql_column(url, "SELECT ?c WHERE { ?c a <https://w3id.org/cablegraph/ontology#Cable> }", "c")
    rng = random.Random(seed)
    chosen = rng.sample(ids, min(cables, len(ids)))
    space = sparql_column(url, "SELECT ?s WHERE { ?d <http://rdfs.org/ns/void#uriSpace> ?s } LIMIT 1", "s")
    prefix = space[0] if space else "https://w3id.org/cablegraph/"  # the default base
    cable_paths = ["/" + iri[len(prefix):] for iri in chosen]
    posts = sparql_column(url, "SELECT ?p (COUNT(*) AS ?n) WHERE { ?c <https://w3id.org/cablegraph/ontology#originPost>"
                          " ?p } GROUP BY ?p ORDER BY DESC(?n) LIMIT 3", "p")
    tags = sparql_column(url, "SELECT ?t (COUNT(*) AS ?n) WHERE { ?c <http://purl.org/dc/terms/subject> ?t }"
                         " GROUP BY ?t ORDER BY DESC(?n) LIMIT 3", "t")
    cited = sparql_column(url, "SELECT ?c (COUNT(*) AS ?n) WHERE { ?x <http://purl.org/dc/terms/references> ?c }"
                          " GROUP BY ?c ORDER BY DESC(?n) LIMIT 2", "c")
    browse = ["/", "/browse/date", "/browse/origin", "/browse/tag", "/browse/classification",
              "/browse/date/2009/09", "/browse/date/2008"]
    browse += ["/" + iri[len(prefix):] for iri in posts + tags + cited]
    browse += [f"{path}?page={page}" for path in browse[5:] for page in (2, 5)]
    return cable_paths, browse


# -- measuring ----------------------------------------------------------------------------------


@dataclass(slots=True)
class Timings:
    label: str
    seconds: list[float] = field(default_factory=list)
    errors: int = 0

    def add(self, session: requests.Session, url: str) -> None:
        started = time.perf_counter()
        try:
            response = session.get(url, timeout=120, headers={"Accept": "text/html"})
            response.content  # noqa: B018 - the whole body counts
            ok = response.status_code == 200
        except requests.RequestException:
            ok = False
        elapsed = time.perf_counter() - started
        if ok:
            self.seconds.append(elapsed)
        else:
            self.errors += 1

    def line(self) -> str:
        if not self.seconds:
            return f"{self.label:<44} no successful requests ({self.errors} errors)"
        ordered = sorted(self.seconds)
        p50 = statistics.median(ordered)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        return (f"{self.label:<44} n={len(ordered):>5}  p50 {p50 * 1000:8.1f} ms  p95 {p95 * 1000:8.1f} ms  "
                f"max {ordered[-1] * 1000:8.1f} ms  errors {self.errors}")


def measure(url: str, label: str, paths: list[str], rounds: int = 1) -> Timings:
    timings = Timings(label)
    with requests.Session() as session:
        for _ in range(rounds):
            for path in paths:
                timings.add(session, url + path)
    return timings


def load_worker(url: str, paths: list[str], requests_max: int, seconds_max: float, threads: int,
                done: multiprocessing.Queue) -> None:
    """The second process: `threads` concurrent clients on random pages, bounded in count and time."""
    import threading

    rng = random.Random(7)
    lock = threading.Lock()
    sent = [0, 0]  # requests, errors
    deadline = time.monotonic() + seconds_max

    def client() -> None:
        with requests.Session() as session:
            while time.monotonic() < deadline:
                with lock:
                    if sent[0] >= requests_max:
                        return
                    sent[0] += 1
                    path = rng.choice(paths)
                try:
                    if session.get(url + path, timeout=120).status_code != 200:
                        sent[1] += 1
                except requests.RequestException:
                    sent[1] += 1

    started = time.monotonic()
    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    done.put((sent[0], sent[1], time.monotonic() - started))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--data", type=Path, help="a published data folder (with store/)")
    where.add_argument("--build-replay", type=Path, metavar="DIR", help="build a replay store in DIR first")
    parser.add_argument("--replay", type=int, default=251_287, help="cables in the replay (default 251,287)")
    parser.add_argument("--corpus", type=Path, default=Path(os.environ.get("CABLEGRAPH_CORPUS", REPO.parent / "shared"
                                                                          / "corpus")))
    parser.add_argument("--cables", type=int, default=300, help="cable pages in the sample")
    parser.add_argument("--browse-rounds", type=int, default=3, help="times each browse page is fetched")
    parser.add_argument("--load-threads", type=int, default=4, help="concurrent clients of the load process")
    parser.add_argument("--load-requests", type=int, default=3000, help="at most this many load requests")
    parser.add_argument("--load-seconds", type=float, default=180.0, help="and for at most this long")
    parser.add_argument("--seed", type=int, default=2010)
    args = parser.parse_args(argv)
    data = args.data
    if args.build_replay:
        data = args.build_replay
        if not (data / "store").is_dir():
            build_replay(data, args.replay, args.corpus)
    process, url = start_site(data)
    say = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731 - progress on stderr
    try:
        started = time.perf_counter()
        facts = requests.get(url + "/", timeout=600)
        print(f"site up; first home page (aggregates computed) in {time.perf_counter() - started:.2f} s "
              f"(status {facts.status_code})")
        say("choosing the sample ...")
        cable_paths, browse_paths = sample_paths(url, args.cables, args.seed)
        say(f"measuring {len(cable_paths)} cable pages and {len(browse_paths)} browse pages ...")
        cold = measure(url, "aggregate pages, just after the first home page", browse_paths[:5])
        results = [cold,
                   measure(url, "cable pages, idle site", cable_paths),
                   measure(url, "browse pages, idle site", browse_paths, args.browse_rounds)]
        say("now under load ...")
        done: multiprocessing.Queue = multiprocessing.Queue()
        loader = multiprocessing.Process(target=load_worker, args=(
            url, cable_paths + browse_paths, args.load_requests, args.load_seconds, args.load_threads, done))
        loader.start()
        time.sleep(1.0)
        rng = random.Random(args.seed + 1)
        under_load = rng.sample(cable_paths, len(cable_paths))
        results.append(measure(url, f"cable pages, under load ({args.load_threads} clients)", under_load))
        results.append(measure(url, f"browse pages, under load ({args.load_threads} clients)", browse_paths,
                               args.browse_rounds))
        load_alive = loader.is_alive()
        loader.join()
        sent, errors, seconds = done.get()
        count_query = "SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/cablegraph/ontology#Cable> }"
        cables = sparql_column(url, count_query, "n")[0]
        print(f"\nstore: {int(cables):,} cables ({data}); sample {len(cable_paths)} cable pages, "
              f"{len(browse_paths)} browse pages")
        for result in results:
            print(result.line())
        overlap = "still running when the measured requests ended" if load_alive else "ended before the measurement did"
        print(f"load process: {sent:,} requests ({errors} errors) in {seconds:.1f} s = {sent / seconds:.1f} req/s; "
              f"{overlap}")
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
