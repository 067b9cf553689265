"""Streaming, parallel text -> record -> quads, with a quarantine that loses nothing.

Cables are read lazily, sent to worker processes in small batches, and written in input
order as soon as their batch returns. At most a few batches per worker are in flight, so
memory stays bounded whatever the size of the input (a 1.7 GB cables.csv included).
Every input cable ends in the output or in the quarantine report, with its reason:
`cables in = cables out + cables quarantined` is checked before the summary is returned.
"""

from __future__ import annotations

import gzip
import json
import os
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import IO, Any, TypeVar

from pyoxigraph import Quad, RdfFormat, serialize

from cablegraph.errors import CableParseError
from cablegraph.linking.linker import Linker
from cablegraph.parse import parse_cable
from cablegraph.parse.ids import repair_id, resource_key
from cablegraph.processes import die_with_parent
from cablegraph.rdf.mint import Minter, check_base
from cablegraph.rdf.triples import CableQuads, CableTransformer
from cablegraph.rdf.vocab import DEFAULT_BASE, PREFIXES
from cablegraph.rdfinput import CableGraph, iter_cable_graphs
from cablegraph.sources import RawCable, iter_inputs
from cablegraph.validate import (
    DEFAULT_ENGINE,
    CableFindings,
    Finding,
    count_by_shape,
    pyshacl_max_cable_bytes,
    resolve_engine,
    validate_cables,
)

FORMATS: dict[str, RdfFormat] = {
    "nq": RdfFormat.N_QUADS, "nt": RdfFormat.N_TRIPLES, "ttl": RdfFormat.TURTLE, "trig": RdfFormat.TRIG,
}
# Cables per batch. SHACL validation runs once per batch (pyshacl builds its shapes model and runs the
# SPARQL targets per call), so larger batches approach the whole-graph rate: 64 gave 0.70x of it, 200 about 1x.
BATCH_SIZE = 200
T = TypeVar("T")


@dataclass(slots=True)
class Failure:
    """One quarantined input: where it came from, which stage failed, and why."""

    source: str
    reference_id: str | None
    stage: str  # read | parse | transform
    reason: str


@dataclass(slots=True)
class Summary:
    cables_in: int = 0
    cables_out: int = 0
    quarantined: int = 0
    triples: int = 0
    seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)
    cables_warned: int = 0  # published with at least one SHACL Warning
    by_shape: Counter[tuple[str, str]] = field(default_factory=Counter)  # (severity, shape name) -> results

    def count(self, item: CableOutput) -> None:
        """Account for one cable's outcome."""
        self.cables_in += 1
        self.by_shape.update(count_by_shape(item.findings))
        if item.failure:
            self.quarantined += 1
            self.failures.append(item.failure)
            return
        self.cables_out += 1
        self.triples += item.triples
        if any(finding.severity == "Warning" for finding in item.findings):
            self.cables_warned += 1

    @property
    def cables_per_second(self) -> float:
        return self.cables_in / self.seconds if self.seconds else 0.0

    @property
    def triples_per_second(self) -> float:
        return self.triples / self.seconds if self.seconds else 0.0

    def check(self) -> None:
        """The promise of the pipeline, asserted on every run rather than hoped for."""
        if self.cables_in != self.cables_out + self.quarantined:
            raise RuntimeError(f"lost cables: {self.cables_in} in, {self.cables_out} out, "
                               f"{self.quarantined} quarantined")

    def line(self) -> str:
        warned = f" ({self.cables_warned:,} with SHACL warnings)" if self.cables_warned else ""
        return (f"{self.cables_in:,} cables in = {self.cables_out:,} out{warned} + {self.quarantined:,} quarantined; "
                f"{self.triples:,} triples in {self.seconds:.1f} s "
                f"({self.cables_per_second:,.0f} cables/s, {self.triples_per_second:,.0f} triples/s)")


@dataclass(slots=True)
class CableOutput:
    """What a worker sends back for one cable: serialized quads, or the failure."""

    reference_id: str | None
    source: str
    body: bytes = b""
    triples: int = 0
    shared: list[tuple[str, bytes, int]] = field(default_factory=list)
    record: dict[str, Any] | None = None
    failure: Failure | None = None
    findings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Options:
    """What each worker does with a cable, fixed for the run."""

    base: str = DEFAULT_BASE
    rdf_format: str | None = "nq"  # None: parse only
    keep_record: bool = False
    validate: bool = False
    keep_report: bool = False  # send back each batch's SHACL report (Turtle) for `validate --report`
    wikidata_cache: str | None = None  # recorded online Wikidata answers (`cablegraph link --online`)
    engine: str = DEFAULT_ENGINE  # SHACL engine: auto (compiled, else pyshacl), compiled, or pyshacl (the reference)


# -- worker side --------------------------------------------------------------------------------

_worker: dict[str, Any] = {}


def _init_pool_worker(options: Options, parent_pid: int) -> None:
    die_with_parent(parent_pid)
    _init_worker(options)


def _init_worker(options: Options) -> None:
    _worker["options"] = options
    _worker["sent_shared"] = set()
    linker = Linker(options.wikidata_cache)
    _worker["transformer"] = CableTransformer(Minter(options.base), linker) if options.rdf_format else None


def _process_batch(batch: list[RawCable | Failure]) -> tuple[list[CableOutput], bytes]:
    """Parse, transform, validate and serialize one batch; outputs in batch order, and the report."""
    options: Options = _worker["options"]
    outputs: list[CableOutput] = []
    transformed: list[tuple[CableOutput, CableQuads]] = []
    for item in batch:
        if isinstance(item, Failure):
            outputs.append(CableOutput(reference_id=item.reference_id, source=item.source, failure=item))
            continue
        output, quads = _parse_and_transform(item, options)
        outputs.append(output)
        if quads is not None:
            transformed.append((output, quads))
    report = b""
    if options.validate and transformed:
        report = _validate(transformed, options)
    for output, quads in transformed:
        if output.failure is None:
            _serialize_quads(quads, output, options.rdf_format or "nq")
    return outputs, report


def _parse_and_transform(raw: RawCable, options: Options) -> tuple[CableOutput, CableQuads | None]:
    output = CableOutput(reference_id=raw.reference_id, source=raw.source)
    try:
        record = parse_cable(raw)
    except CableParseError as error:
        output.failure = Failure(raw.source, error.reference_id or raw.reference_id, "parse", error.reason)
        return output, None
    output.reference_id = record.reference_id
    if options.keep_record:
        output.record = record.to_dict()
    if not options.rdf_format:
        return output, None
    try:
        return output, _worker["transformer"].transform(record)
    except (ValueError, TypeError) as error:
        output.failure = Failure(raw.source, record.reference_id, "transform",
                                 f"could not express the record as RDF: {error}")
        return output, None


def _validate(transformed: list[tuple[CableOutput, CableQuads]], options: Options) -> bytes:
    keep_report = options.keep_report
    results, report = validate_cables([(quads.cable, quads.shared) for _, quads in transformed],
                                      engine=options.engine, keep_report=keep_report)
    for (output, _), found in zip(transformed, results, strict=True):
        _judge(output, found)
    return report.serialize(format="turtle", encoding="utf-8") if keep_report and len(report) else b""


def _judge(output: CableOutput, found: CableFindings) -> None:
    """Attach a cable's findings; quarantine it for a Violation, or when it could not be validated."""
    output.findings = found.findings
    if found.not_validated:
        output.failure = Failure(output.source, output.reference_id, "validate", found.not_validated)
    elif found.violations:
        output.failure = Failure(output.source, output.reference_id, "validate", _violation_reason(found))


def _violation_reason(found: CableFindings) -> str:
    lines = sorted({finding.line() for finding in found.violations})
    more = f"; and {len(lines) - 3} more" if len(lines) > 3 else ""
    return "SHACL violation: " + "; ".join(lines[:3]) + more


def _serialize_quads(quads: CableQuads, output: CableOutput, fmt: str) -> None:
    """Serialize a cable, and the shared descriptions this worker has not sent before.

    Each worker handles its cables in input order, so the first cable (in input order) that
    needs a shared description is always one whose worker sends it: the main process, which
    writes each description once, writes it at the same place whatever the number of workers.
    """
    output.body = _serialize(quads.cable, fmt)
    output.triples = len(quads.cable)
    sent: set[str] = _worker.setdefault("sent_shared", set())
    for key, items in quads.shared.items():
        if key not in sent:
            sent.add(key)
            output.shared.append((key, _serialize(items, fmt), len(items)))


def _serialize(quads: list[Quad], fmt: str) -> bytes:
    if fmt in ("nt", "ttl"):
        triples = [quad.triple for quad in quads]
        return serialize(triples, format=FORMATS[fmt], prefixes=PREFIXES if fmt == "ttl" else None)
    return serialize(quads, format=FORMATS[fmt], prefixes=PREFIXES if fmt == "trig" else None)


# -- main side ----------------------------------------------------------------------------------


def _batches(items: Iterable[RawCable | CableParseError], size: int = BATCH_SIZE) -> Iterator[list[RawCable | Failure]]:
    """Input items in batches, read errors turned into Failures in place so that output keeps input order."""
    as_failures = (Failure(item.source or "?", item.reference_id, "read", item.reason)
                   if isinstance(item, CableParseError) else item for item in items)
    return _chunks(as_failures, size)


def _first_occurrences(items: Iterable[RawCable | CableParseError]) -> Iterator[RawCable | CableParseError]:
    """Keep the first cable of each reference id, in input order; every later one becomes a read failure.

    Why here, in the parent's input stream and before batching: two cables with one id would mint one
    IRI, so in one batch SHACL sees a cable with two of everything and quarantines both with a reason
    about the data, and in different batches both are merged into one named graph with two source
    files. Only the parent sees every input in order, so only it can say which came first. Streaming
    and bounded: one id -> first source entry per distinct id (the 251,287 ids of the full release fit).
    """
    first_seen: dict[str, str] = {}
    for item in items:
        key = _reference_key(item) if isinstance(item, RawCable) else None
        if key is not None and (first := first_seen.get(key)) is not None:
            item = CableParseError(f"duplicate of {first} (first seen there)", source=item.source,
                                   reference_id=item.reference_id or key)
        elif key is not None:
            first_seen[key] = item.source
        yield item


def _reference_key(raw: RawCable) -> str | None:
    """The id the worker will give the cable, or None when it will quarantine it anyway.

    The key is the one the cable's IRI is minted from (`resource_key`): the container's id (layout
    preamble, csv refid) canonicalised as the parser does (`repair_id`), so `09USNATO0383` and
    `09USNATO383` are one cable, except a garbled id the release holds as a record of its own beside
    the real one (`08ECTION01OF02MANAMA492` next to `08MANAMA492`), which keeps its own IRI and is no
    duplicate. A bare text has no container id: its id is
    rebuilt from its banner and date by the parser itself, run here once more (bare files are PDF text
    dumps, a few per corpus; layout and csv inputs never pay this).
    """
    if raw.reference_id:
        written = raw.reference_id.strip()
        return resource_key(repair_id(written), written)
    try:
        record = parse_cable(raw)
    except CableParseError:
        return None
    return resource_key(record.reference_id, record.reference_id_raw)


def process(inputs: Iterable[str], *, input_format: str = "auto", options: Options | None = None,
            jobs: int | None = None, progress: Callable[[int], None] | None = None,
            on_report: Callable[[bytes], None] | None = None) -> Iterator[CableOutput]:
    """Yield one CableOutput per input cable, in input order (read errors included as failures).

    At most three batches per worker are in flight, so memory is bounded by the window, not
    by the input: a generator over a 1.7 GB csv is consumed only as fast as workers finish.
    """
    options = options or Options()
    check_base(options.base)  # fail fast on a bad base, before any worker starts
    options = replace(options, engine=check_engine(options.engine))  # workers get the engine "auto" chose
    jobs = jobs or os.cpu_count() or 1
    batches = _batches(_first_occurrences(iter_inputs(list(inputs), format=input_format)))
    yield from _run(_process_batch, batches, options, jobs, progress, on_report)


def _run(work: Callable[[list[Any]], tuple[list[CableOutput], bytes]], batches: Iterable[list[Any]],
         options: Options, jobs: int, progress: Callable[[int], None] | None,
         on_report: Callable[[bytes], None] | None) -> Iterator[CableOutput]:
    """Apply `work` to each batch, inline (jobs=1) or on a process pool with a bounded window, in order."""
    if jobs == 1:
        _init_worker(options)
        for batch in batches:
            yield from _deliver(work(batch), progress, on_report)
        return
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_pool_worker,
                             initargs=(options, os.getpid())) as pool:
        window: deque[Future[tuple[list[CableOutput], bytes]]] = deque()
        for batch in batches:
            window.append(pool.submit(work, batch))
            while len(window) >= jobs * 3:
                yield from _deliver(window.popleft().result(), progress, on_report)
        while window:
            yield from _deliver(window.popleft().result(), progress, on_report)


def _deliver(result: tuple[list[CableOutput], bytes], progress: Callable[[int], None] | None,
             on_report: Callable[[bytes], None] | None) -> Iterator[CableOutput]:
    outputs, report = result
    if progress:
        progress(len(outputs))
    if on_report and report:
        on_report(report)
    yield from outputs


def _validate_graphs(batch: list[CableGraph]) -> tuple[list[CableOutput], bytes]:
    options: Options = _worker["options"]
    outputs = [CableOutput(reference_id=graph.reference_id, source=graph.source, triples=len(graph.quads))
               for graph in batch]
    results, report = validate_cables([(graph.quads, graph.shared) for graph in batch], engine=options.engine,
                                      keep_report=options.keep_report)
    for output, found in zip(outputs, results, strict=True):
        _judge(output, found)
    keep = options.keep_report and len(report)
    return outputs, report.serialize(format="turtle", encoding="utf-8") if keep else b""


def validate_rdf(paths: Iterable[str], *, base: str = DEFAULT_BASE, jobs: int | None = None,
                 keep_report: bool = False, progress: Callable[[int], None] | None = None,
                 on_report: Callable[[bytes], None] | None = None, engine: str = DEFAULT_ENGINE
                 ) -> Iterator[CableOutput]:
    """Validate RDF written by `transform` (N-Quads or TriG), cable graph by cable graph, in order."""
    options = Options(base=check_base(base), validate=True, keep_report=keep_report, engine=check_engine(engine))
    jobs = jobs or os.cpu_count() or 1
    graphs = (graph for path in paths for graph in iter_cable_graphs(path, options.base))
    yield from _run(_validate_graphs, _chunks(graphs, BATCH_SIZE), options, jobs, progress, on_report)


def check_engine(engine: str) -> str:
    """The engine that will run, decided here before any worker starts, so that a bad setting fails the run at
    once and not per batch, and "auto" says once (not once per worker) when it falls back to pyshacl.

    "auto" -> "compiled", or "pyshacl" when the compiled engine refuses the shapes; "compiled" named
    explicitly raises UnsupportedShapeFeature instead; an unknown name or a bad pyshacl cap raises ValueError.
    """
    resolved = resolve_engine(engine)
    if resolved == "pyshacl":
        pyshacl_max_cable_bytes()  # a malformed CABLEGRAPH_PYSHACL_MAX_CABLE_BYTES fails here, not in a worker
    return resolved



def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def output_format_for(path: str, explicit: str | None) -> str:
    """The RDF format: explicit, else from the file name (`.nq`, `.nt`, `.ttl`, `.trig`, each maybe `.gz`)."""
    if explicit:
        return explicit
    name = path[:-3] if path.endswith(".gz") else path
    suffix = Path(name).suffix.lstrip(".")
    return suffix if suffix in FORMATS else "nq"


def _open_output(stack: ExitStack, path: str) -> IO[bytes]:
    if path == "-":
        return stack.enter_context(os.fdopen(os.dup(1), "wb"))
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    if path.endswith(".gz"):
        return stack.enter_context(gzip.open(path, "wb", compresslevel=1))
    return stack.enter_context(open(path, "wb"))


def transform(inputs: Iterable[str], output: str, *, rdf_format: str | None = None, input_format: str = "auto",
              base: str | None = None, jobs: int | None = None, quarantine: str | None = None,
              validate: bool = True, progress: Callable[[int], None] | None = None,
              wikidata_cache: str | None = None, engine: str = DEFAULT_ENGINE,
              on_record: Callable[[dict[str, Any]], None] | None = None) -> Summary:
    """Write the quads of every input cable to `output`; failures to the `quarantine` JSON-lines file.

    With `validate`, a cable whose data has a SHACL Violation is quarantined with the shapes'
    messages instead of written; Warnings and Infos are written and counted. `on_record` is given
    the record of every cable written, in order (publish builds its search index from them).
    """
    fmt = output_format_for(output, rdf_format)
    options = Options(base=check_base(base or DEFAULT_BASE), rdf_format=fmt, validate=validate,
                      wikidata_cache=wikidata_cache, engine=check_engine(engine), keep_record=on_record is not None)
    summary = Summary()
    started = time.perf_counter()
    seen_shared: set[str] = set()
    with ExitStack() as stack:
        out = _open_output(stack, output)  # only now: a bad base must not truncate an existing file
        report = stack.enter_context(open(quarantine, "w", encoding="utf-8")) if quarantine else None
        for item in process(inputs, input_format=input_format, options=options, jobs=jobs, progress=progress):
            summary.count(item)
            if item.failure:
                if report:
                    report.write(quarantine_line(item) + "\n")
                continue
            out.write(item.body)
            if on_record and item.record:
                on_record(item.record)
            for key, body, count in item.shared:
                if key not in seen_shared:
                    seen_shared.add(key)
                    out.write(body)
                    summary.triples += count
    summary.seconds = time.perf_counter() - started
    summary.check()
    return summary


def quarantine_line(item: CableOutput) -> str:
    """One JSON line of the quarantine report: where, which stage, why, and the SHACL results if any."""
    assert item.failure is not None
    data: dict[str, Any] = asdict(item.failure)
    data["findings"] = [asdict(finding) for finding in item.findings if finding.severity == "Violation"]
    return json.dumps(data, ensure_ascii=False)
