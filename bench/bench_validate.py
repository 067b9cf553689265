"""Benchmark SHACL validation: per-batch throughput on the corpus, and against whole-graph pyshacl.

A benchmark, not a test: it prints figures and ratios, never asserts them.

1. Validation throughput on the corpus: the transform with and without validation, 1 and 2 jobs,
   so the cost validation adds is a difference of two runs on the same input.
2. Per-batch vs whole graph on the same sample: pyshacl on the sample as one graph (what the
   issue calls far too slow and big at corpus scale) against the pipeline's batches.
3. The projection for the 251,287-cable release from the measured rate (a full replay with
   validation would take most of an hour on this machine, so it is projected, and says so).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from rdflib import Graph

from cablegraph import pipeline
from cablegraph.parse import parse_cable
from cablegraph.rdf.triples import CableTransformer
from cablegraph.sources import RawCable, iter_inputs
from cablegraph.validate import to_graph, validate_cables, validate_graph

FULL_RELEASE = 251_287
TARGET_SECONDS = 300


def timed_transform(inputs: list[str], validate: bool, jobs: int, out: Path) -> tuple[float, pipeline.Summary]:
    started = time.perf_counter()
    summary = pipeline.transform(inputs, str(out / "bench.nq"), jobs=jobs, validate=validate)
    return time.perf_counter() - started, summary


def whole_vs_batches(files: list[str], batch: int) -> tuple[float, float, bool]:
    """Seconds for pyshacl on the sample as one graph, and in the pipeline's batches; same results?"""
    transformer = CableTransformer()
    cables = [transformer.transform(parse_cable(raw)) for raw in iter_inputs(files) if isinstance(raw, RawCable)]
    graph = Graph()
    for quads in cables:
        to_graph(quads.cable, graph)
        for shared in quads.shared.values():
            to_graph(shared, graph)
    started = time.perf_counter()
    whole, _ = validate_graph(graph)
    whole_seconds = time.perf_counter() - started
    started = time.perf_counter()
    batched = []
    for i in range(0, len(cables), batch):
        results, _ = validate_cables([(q.cable, q.shared) for q in cables[i:i + batch]])
        batched.extend(f for r in results for f in r.findings)
    batch_seconds = time.perf_counter() - started
    key = lambda f: (f.focus, f.shape, f.component, f.severity, f.value)  # noqa: E731
    return whole_seconds, batch_seconds, {key(f) for f in whole} == {key(f) for f in batched}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default = os.environ.get("CABLEGRAPH_CORPUS") or str(Path(__file__).resolve().parents[2] / "shared" / "corpus")
    parser.add_argument("--corpus", type=Path, default=Path(default))
    parser.add_argument("--sample", type=int, default=400, help="cables for the whole-graph comparison")
    args = parser.parse_args(argv)
    inputs = [str(args.corpus / "cables"), str(args.corpus / "cables-pdf-text")]
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for jobs in (1, 2):
            plain, summary = timed_transform(inputs, False, jobs, out)
            checked, vsummary = timed_transform(inputs, True, jobs, out)
            n = summary.cables_in
            added = checked - plain
            rows += [(f"transform, jobs={jobs}", f"{n / plain:,.0f} cables/s", ""),
                     (f"transform + validation, jobs={jobs}", f"{n / checked:,.0f} cables/s",
                      f"{vsummary.quarantined} quarantined, {vsummary.cables_warned} warned"),
                     (f"validation alone (difference), jobs={jobs}", f"{n / added:,.0f} cables/s",
                      f"adds {added / plain:.1f}x the transform's time")]
            if jobs == 2:
                projected = FULL_RELEASE / (n / added)
                rows.append(("projected validation of 251,287 cables, jobs=2", f"{projected / 60:,.1f} min",
                             f"target {TARGET_SECONDS / 60:.0f} min: ratio {projected / TARGET_SECONDS:.1f}"))
    files = sorted(str(p) for p in (args.corpus / "cables").glob("*.txt"))[: args.sample]
    whole, batched, same = whole_vs_batches(files, pipeline.BATCH_SIZE)
    rows += [(f"pyshacl whole graph, {len(files)} cables", f"{len(files) / whole:,.1f} cables/s", ""),
             (f"pyshacl in batches of {pipeline.BATCH_SIZE}, same cables", f"{len(files) / batched:,.1f} cables/s",
              f"{whole / batched:.2f}x the whole-graph rate; same results: {same}")]
    width = max(len(r[0]) for r in rows)
    for figure, value, note in rows:
        print(f"{figure:<{width}}  {value:>18}  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
