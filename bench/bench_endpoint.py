"""Load benchmark of the public site: cable pages under 1, 10, 50 and 200 concurrent clients, with and
without heavy /sparql queries running beside them, and the same content fetched straight from Oxigraph's
own HTTP server as the baseline, in the same run.

A benchmark, not a test: it prints figures and ratios and never fails on a timing. All traffic goes to
loopback. Every scenario is bounded in time (--seconds) and in requests (--requests).

* `site pages`: N clients fetch random cable pages (HTML) from `cablegraph serve`;
* `site pages + heavy`: the same while 10 more clients send heavy queries to /sparql (a cross product
  ordered by a string, which the endpoint stops at its --query-timeout and answers 504, or 503 when its
  query slots are full): the pages must stay fast and no request may fail other than those 503/504;
* `oxigraph direct`: N clients ask a plain Oxigraph server on the same store for each cable's named graph
  (`CONSTRUCT` of graph/cable/ID), which is what a user would otherwise have.

Data: `--data DIR`, a folder made by `cablegraph publish` (`make publish` gives var/corpus; bench_web.py
--build-replay builds the 251,287-cable replay); without it, the bundled fictional sample is published
into a temporary folder (a quick run, small figures).

    .venv/bin/python bench/bench_endpoint.py --data var/corpus
    .venv/bin/python bench/bench_endpoint.py --clients 1 10 --seconds 5
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_web import sparql_column, start_site

HEAVY = "SELECT ?a WHERE { ?a ?b ?c . ?d ?e ?f FILTER (STR(?c) < STR(?f)) } ORDER BY ?f LIMIT 1"


@dataclass
class Run:
    label: str
    clients: int
    latencies: list[float] = field(default_factory=list)
    errors: dict[int | str, int] = field(default_factory=dict)
    heavy: dict[int | str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def pct(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def _count(table: dict, key: int | str) -> None:
    table[key] = table.get(key, 0) + 1


def hammer(run: Run, fetch, seconds: float, requests_max: int, heavy_url: str | None = None,
           heavy_clients: int = 10) -> Run:
    """`run.clients` threads call fetch() until the time or request budget is spent; heavy clients beside."""
    stop = threading.Event()
    budget = threading.Semaphore(requests_max)
    lock = threading.Lock()

    def client(seed: int) -> None:
        rng = random.Random(seed)
        session = requests.Session()
        while not stop.is_set() and budget.acquire(blocking=False):
            start = time.perf_counter()
            try:
                status = fetch(session, rng)
            except requests.RequestException as error:
                status = type(error).__name__
            elapsed = time.perf_counter() - start
            with lock:
                if status == 200:
                    run.latencies.append(elapsed)
                else:
                    _count(run.errors, status)

    def heavy_client() -> None:
        session = requests.Session()
        while not stop.is_set():
            try:
                status = session.get(heavy_url, params={"query": HEAVY}, timeout=120).status_code
            except requests.RequestException as error:
                status = type(error).__name__
            with lock:
                _count(run.heavy, status)

    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(run.clients)]
    if heavy_url:
        threads += [threading.Thread(target=heavy_client) for _ in range(heavy_clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    stop.wait(seconds)
    stop.set()
    run.seconds = time.perf_counter() - began  # the measured window; stragglers finish outside it
    for thread in threads:
        thread.join(timeout=180)
    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="a published data folder (default: publish the bundled sample)")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 10, 50, 200])
    parser.add_argument("--seconds", type=float, default=15.0, help="per scenario")
    parser.add_argument("--requests", type=int, default=20_000, help="at most this many page requests per scenario")
    parser.add_argument("--seed", type=int, default=2010)
    args = parser.parse_args(argv)

    if args.data is None:
        from importlib.resources import files

        from cablegraph.store.publish import publish

        args.data = Path(tempfile.mkdtemp(prefix="bench-endpoint-"))
        publish([str(files("cablegraph") / "fixtures")], args.data, say=lambda _: None)
    from cablegraph.store.oxigraph import OxigraphServer

    site, url = start_site(args.data)
    direct = OxigraphServer(args.data / "store", read_only=True, record_state=False, timeout_s=600,
                            log=args.data / "bench-direct-oxigraph.log")
    direct.start()
    try:
        cables = sparql_column(url, "SELECT ?c WHERE { ?c a <https://w3id.org/cablegraph/ontology#Cable> }", "c")
        space = sparql_column(url, "SELECT ?s WHERE { ?d <http://rdfs.org/ns/void#uriSpace> ?s } LIMIT 1", "s")
        prefix = space[0] if space else "https://w3id.org/cablegraph/"
        sample = random.Random(args.seed).sample(cables, min(2000, len(cables)))
        paths = ["/" + iri[len(prefix):] for iri in sample]
        graphs = [prefix + "graph/" + path.lstrip("/") for path in paths]

        def page(session: requests.Session, rng: random.Random) -> int:
            return session.get(url + rng.choice(paths), timeout=120).status_code

        def oxigraph(session: requests.Session, rng: random.Random) -> int:
            query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{rng.choice(graphs)}> {{ ?s ?p ?o }} }}"
            return session.get(direct.query_url, params={"query": query}, headers={"Accept": "text/turtle"},
                               timeout=120).status_code

        print(f"data: {args.data} ({len(cables):,} cables); {args.seconds:.0f} s per scenario, loopback only")
        print(f"{'scenario':<22} {'clients':>7} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
              f"{'errors':>10} {'heavy answers':>20}")
        results: dict[tuple[str, int], Run] = {}
        for clients in args.clients:
            for label, fetch, heavy in (("oxigraph direct", oxigraph, None), ("site pages", page, None),
                                        ("site pages + heavy", page, url + "/sparql")):
                run = hammer(Run(label, clients), fetch, args.seconds, args.requests, heavy_url=heavy)
                results[(label, clients)] = run
                print(f"{label:<22} {clients:>7} {len(run.latencies):>9,} {run.throughput:>8.1f} "
                      f"{run.pct(0.5):>8.1f} {run.pct(0.95):>8.1f} {sum(run.errors.values()):>10} "
                      f"{run.heavy or ''!s:>20}", flush=True)
        print("\nratios (site / oxigraph direct): throughput, p95")
        for clients in args.clients:
            base, site_run = results[("oxigraph direct", clients)], results[("site pages", clients)]
            loaded = results[("site pages + heavy", clients)]
            if not base.throughput:
                print(f"  {clients:>3} clients: oxigraph direct answered nothing ({base.errors}); site pages "
                      f"{site_run.throughput:.1f}/s, p95 {site_run.pct(0.95):.0f} ms")
                continue
            print(f"  {clients:>3} clients: pages {site_run.throughput / base.throughput:.2f}x, "
                  f"p95 {site_run.pct(0.95) / base.pct(0.95):.1f}x; with heavy queries "
                  f"{loaded.throughput / base.throughput:.2f}x, p95 {loaded.pct(0.95):.0f} ms "
                  f"(goal at 50 clients: under 100 ms)")
        print(f"\nmedian p50 over scenarios: {statistics.median(r.pct(0.5) for r in results.values()):.1f} ms")
    finally:
        direct.stop()
        site.terminate()
        site.wait(timeout=60)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
