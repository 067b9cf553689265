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
                    ) -> tuple[float, float, pipeline.Summary]:
    """(wall seconds, CPU seconds of this process and its workers, summary) of one `transform` run."""
    started, before = time.perf_counter(), _cpu()
    summary = pipeline.transform(inputs, str(out / "bench.nq"), jobs=jobs, validate=validate, engine=engine)
    return time.perf_counter() - started, _cpu() - before, summary


def _cpu() -> float:
    """User + system CPU seconds of this process and its reaped children (the pool's workers)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


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
    """Each engine on its own, in this process: pyshacl on a sample (it is slow), compiled on all and on it."""
    compiled_validator()  # compile the shapes outside the timing (once per worker process in the pipeline)
    sample = cables[:pyshacl_sample] if 0 < pyshacl_sample < len(cables) else cables
    runs: list[tuple[str, list]] = []
    if "pyshacl" in engines:
        runs.append(("pyshacl", sample))
    if "compiled" in engines:
        runs += [("compiled", cables)] + ([("compiled", sample)] if sample is not cables else [])
    rows: list[Row] = []
    per_cpu: dict[tuple[str, int], float] = {}
    for engine, chosen in runs:
        wall, cpu = validation_alone(chosen, engine)
        per_cpu[(engine, len(chosen))] = len(chosen) / cpu
        rows.append((f"validation alone, {engine}, 1 process, {len(chosen):,} cables",
                     f"{len(chosen) / wall:,.0f} cables/s", f"{len(chosen) / cpu:,.0f} cables per CPU-second"))
        _print(rows[-1:])
    if ("pyshacl", len(sample)) in per_cpu and ("compiled", len(sample)) in per_cpu:
        ratio = per_cpu[("compiled", len(sample))] / per_cpu[("pyshacl", len(sample))]
        rows.append((f"validation alone, compiled / pyshacl (CPU, the same {len(sample):,} cables)",
                     f"{ratio:,.1f}x", ""))
    for engine in engines:
        rates = [rate for (name, _), rate in sorted(per_cpu.items(), key=lambda item: -item[0][1]) if name == engine]
        if rates:
            projected = FULL_RELEASE / (2 * rates[0])
            rows.append((f"projected validation of 251,287 cables on 2 idle cores, {engine}", f"{projected:,.0f} s",
                         f"target {TARGET_SECONDS} s: ratio {projected / TARGET_SECONDS:.2f} (from CPU seconds)"))
    return rows


def pipeline_rows(inputs: list[str], engines: list[str], out: Path) -> list[Row]:
    rows: list[Row] = []
    for jobs in (1, 2):
        plain, plain_cpu, summary = timed_transform(inputs, False, jobs, out)
        n = summary.cables_in
        rows.append((f"transform, jobs={jobs}", f"{n / plain:,.0f} cables/s",
                     f"{plain:.1f} s wall, {plain_cpu:.1f} CPU s"))
        _print(rows[-1:])
        added_by: dict[str, float] = {}
        for engine in engines:
            checked, checked_cpu, vsummary = timed_transform(inputs, True, jobs, out, engine)
            added, added_cpu = checked - plain, max(checked_cpu - plain_cpu, 1e-9)
            added_by[engine] = added_cpu
            more = [(f"transform + validation ({engine}), jobs={jobs}", f"{n / checked:,.0f} cables/s",
                     f"{checked:.1f} s wall, {checked_cpu:.1f} CPU s; {vsummary.quarantined} quarantined, "
                     f"{vsummary.cables_warned} warned")]
            if added <= 0:  # the validated run was the faster: other processes' load, not a figure
                more.append((f"validation alone (difference), {engine}, jobs={jobs}", "n/a (load noise)",
                             f"{n / added_cpu:,.0f} per CPU-s; adds {added_cpu / plain_cpu:.2f}x the transform's CPU"))
                _print(more)
                rows += more
                continue
            more.append((f"validation alone (difference), {engine}, jobs={jobs}", f"{n / added:,.0f} cables/s",
                         f"{n / added_cpu:,.0f} per CPU-s; adds {added / plain:.2f}x the transform's wall time, "
                         f"{added_cpu / plain_cpu:.2f}x its CPU"))
            if jobs == 2:
                projected = FULL_RELEASE / (n / added)
                projected_cpu = FULL_RELEASE * added_cpu / n / 2
                more.append((f"projected validation of 251,287 cables, {engine}, jobs=2", f"{projected:,.0f} s",
                             f"target {TARGET_SECONDS} s: ratio {projected / TARGET_SECONDS:.2f}; from CPU on 2 "
                             f"idle cores {projected_cpu:,.0f} s, ratio {projected_cpu / TARGET_SECONDS:.2f}"))
            _print(more)
            rows += more
        if len(added_by) == 2:
            rows.append((f"validation CPU pyshacl / compiled, jobs={jobs}",
                         f"{added_by['pyshacl'] / added_by['compiled']:,.1f}x", "(compiled is that much faster)"))
            _print(rows[-1:])
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
    if not args.skip_pipeline:
        with tempfile.TemporaryDirectory() as tmp:
            rows += pipeline_rows(inputs, engines, Path(tmp))
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
