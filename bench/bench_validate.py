"""Benchmark SHACL validation on the corpus with both engines (pyshacl, the reference, and compiled).

A benchmark, not a test: it prints figures and ratios, never asserts them.

1. Validation alone, in this process: the corpus transformed once, then validated in the pipeline's
   batches of 200 by each engine; wall-clock and CPU seconds (CPU seconds hardly move with the
   load other processes put on the shared machine, wall-clock does).
2. The pipeline: `transform` without validation, and with each engine, at 1 and 2 jobs, so the cost
   validation adds is a difference of two runs on the same input, and the compiled/pyshacl ratio.
3. The projection for the 251,287-cable release against the 300 s target, from the measured rates
   (a full replay would take most of an hour with pyshacl, so it is projected, and says so).
4. pyshacl per batch vs one whole graph on a sample (what the issue calls far too slow and big).
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
from cablegraph.validate import ENGINES, compiled_validator, to_graph, validate_cables, validate_graph

FULL_RELEASE = 251_287
TARGET_SECONDS = 300
Row = tuple[str, str, str]


def transformed(files: list[str]) -> list[tuple[list, dict]]:
    transformer = CableTransformer()
    cables = []
    for raw in iter_inputs(files):
        if isinstance(raw, RawCable):
            try:
                quads = transformer.transform(parse_cable(raw))
            except Exception:  # quarantined by the parser: nothing to validate
                continue
            cables.append((quads.cable, quads.shared))
    return cables


def validation_alone(cables: list[tuple[list, dict]], engine: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds) to validate the cables in the pipeline's batches, in this process."""
    wall, cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(cables), pipeline.BATCH_SIZE):
        validate_cables(cables[start:start + pipeline.BATCH_SIZE], engine=engine, keep_report=False)
    return time.perf_counter() - wall, time.process_time() - cpu


def timed_transform(inputs: list[str], validate: bool, jobs: int, out: Path, engine: str = "pyshacl"
                    ) -> tuple[float, pipeline.Summary]:
    started = time.perf_counter()
    summary = pipeline.transform(inputs, str(out / "bench.nq"), jobs=jobs, validate=validate, engine=engine)
    return time.perf_counter() - started, summary


def whole_vs_batches(files: list[str], batch: int) -> tuple[float, float, bool]:
    """Seconds for pyshacl on the sample as one graph, and in the pipeline's batches; same results?"""
    cables = transformed(files)
    graph = Graph()
    for cable, shared in cables:
        to_graph(cable, graph)
        for quads in shared.values():
            to_graph(quads, graph)
    started = time.perf_counter()
    whole, _ = validate_graph(graph)
    whole_seconds = time.perf_counter() - started
    started = time.perf_counter()
    batched = []
    for i in range(0, len(cables), batch):
        results, _ = validate_cables(cables[i:i + batch])
        batched.extend(f for r in results for f in r.findings)
    batch_seconds = time.perf_counter() - started
    key = lambda f: (f.focus, f.shape, f.component, f.severity, f.value)  # noqa: E731
    return whole_seconds, batch_seconds, {key(f) for f in whole} == {key(f) for f in batched}


def alone_rows(cables: list[tuple[list, dict]], engines: list[str], pyshacl_sample: int) -> list[Row]:
    rows: list[Row] = []
    rate: dict[str, float] = {}
    compiled_validator()  # compile the shapes outside the timing (once per worker process in the pipeline)
    for engine in engines:
        chosen = cables if engine == "compiled" or pyshacl_sample <= 0 else cables[:pyshacl_sample]
        wall, cpu = validation_alone(chosen, engine)
        rate[engine] = len(chosen) / cpu
        rows.append((f"validation alone, {engine}, 1 process, {len(chosen):,} cables",
                     f"{len(chosen) / wall:,.0f} cables/s", f"{rate[engine]:,.0f} cables per CPU-second"))
    if len(rate) == 2:
        rows.append(("validation alone, compiled / pyshacl (CPU)", f"{rate['compiled'] / rate['pyshacl']:,.1f}x", ""))
    for engine, per_cpu in rate.items():
        projected = FULL_RELEASE / (2 * per_cpu)
        rows.append((f"projected validation of 251,287 cables on 2 busy cores, {engine}", f"{projected:,.0f} s",
                     f"target {TARGET_SECONDS} s: ratio {projected / TARGET_SECONDS:.2f}"))
    return rows


def pipeline_rows(inputs: list[str], engines: list[str], out: Path) -> list[Row]:
    rows: list[Row] = []
    for jobs in (1, 2):
        plain, summary = timed_transform(inputs, False, jobs, out)
        n = summary.cables_in
        rows.append((f"transform, jobs={jobs}", f"{n / plain:,.0f} cables/s", f"{plain:.1f} s"))
        added_by: dict[str, float] = {}
        for engine in engines:
            checked, vsummary = timed_transform(inputs, True, jobs, out, engine)
            added = max(checked - plain, 1e-9)
            added_by[engine] = added
            rows += [(f"transform + validation ({engine}), jobs={jobs}", f"{n / checked:,.0f} cables/s",
                      f"{checked:.1f} s; {vsummary.quarantined} quarantined, {vsummary.cables_warned} warned"),
                     (f"validation alone (difference), {engine}, jobs={jobs}", f"{n / added:,.0f} cables/s",
                      f"adds {added / plain:.2f}x the transform's own time")]
            if jobs == 2:
                projected = FULL_RELEASE / (n / added)
                rows.append((f"projected validation of 251,287 cables, {engine}, jobs=2", f"{projected:,.0f} s",
                             f"target {TARGET_SECONDS} s: ratio {projected / TARGET_SECONDS:.2f}"))
        if len(added_by) == 2:
            rows.append((f"validation time pyshacl / compiled, jobs={jobs}",
                         f"{added_by['pyshacl'] / added_by['compiled']:,.1f}x", "(compiled is that much faster)"))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default = os.environ.get("CABLEGRAPH_CORPUS") or str(Path(__file__).resolve().parents[2] / "shared" / "corpus")
    parser.add_argument("--corpus", type=Path, default=Path(default))
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated: pyshacl,compiled")
    parser.add_argument("--pyshacl-sample", type=int, default=1200,
                        help="cables for pyshacl's in-process run (0: all; it takes about 3 minutes)")
    parser.add_argument("--sample", type=int, default=400, help="cables for the whole-graph comparison (0: skip)")
    parser.add_argument("--skip-pipeline", action="store_true", help="leave out the transform runs")
    args = parser.parse_args(argv)
    engines = [engine for engine in args.engines.split(",") if engine]
    inputs = [str(args.corpus / "cables"), str(args.corpus / "cables-pdf-text")]
    rows: list[Row] = []
    rows += alone_rows(transformed(inputs), engines, args.pyshacl_sample)
    _print(rows)
    if not args.skip_pipeline:
        with tempfile.TemporaryDirectory() as tmp:
            more = pipeline_rows(inputs, engines, Path(tmp))
        rows += more
        _print(more)
    if args.sample:
        files = sorted(str(p) for p in (args.corpus / "cables").glob("*.txt"))[: args.sample]
        whole, batched, same = whole_vs_batches(files, pipeline.BATCH_SIZE)
        more = [(f"pyshacl whole graph, {len(files)} cables", f"{len(files) / whole:,.1f} cables/s", ""),
                (f"pyshacl in batches of {pipeline.BATCH_SIZE}, same cables", f"{len(files) / batched:,.1f} cables/s",
                 f"{whole / batched:.2f}x the whole-graph rate; same results: {same}")]
        rows += more
        _print(more)
    print("\nall figures:")
    _print(rows)
    return 0


def _print(rows: list[Row]) -> None:
    width = max(len(r[0]) for r in rows)
    for figure, value, note in rows:
        print(f"{figure:<{width}}  {value:>18}  {note}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
