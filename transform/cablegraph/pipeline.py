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
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from pyoxigraph import Quad, RdfFormat, serialize

from cablegraph.errors import CableParseError
from cablegraph.parse import parse_cable
from cablegraph.rdf.mint import Minter, check_base
from cablegraph.rdf.triples import CableTransformer
from cablegraph.rdf.vocab import CG, CGV, DCTERMS, DEFAULT_BASE, FOAF, PROV, RDFS, SCHEMA, SKOS, XSD
from cablegraph.record import CableRecord
from cablegraph.sources import RawCable, iter_inputs

FORMATS: dict[str, RdfFormat] = {
    "nq": RdfFormat.N_QUADS, "nt": RdfFormat.N_TRIPLES, "ttl": RdfFormat.TURTLE, "trig": RdfFormat.TRIG,
}
BATCH_SIZE = 32


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
        return (f"{self.cables_in:,} cables in = {self.cables_out:,} out + {self.quarantined:,} quarantined; "
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


# -- worker side --------------------------------------------------------------------------------

_worker: dict[str, Any] = {}


def _init_worker(base: str, rdf_format: str | None, keep_record: bool) -> None:
    _worker["transformer"] = CableTransformer(Minter(base)) if rdf_format else None
    _worker["format"] = rdf_format
    _worker["keep_record"] = keep_record


def _process_batch(batch: list[RawCable | Failure]) -> list[CableOutput]:
    return [_process_one(item) if isinstance(item, RawCable) else _failed(item) for item in batch]


def _failed(failure: Failure) -> CableOutput:
    return CableOutput(reference_id=failure.reference_id, source=failure.source, failure=failure)


def _process_one(raw: RawCable) -> CableOutput:
    output = CableOutput(reference_id=raw.reference_id, source=raw.source)
    try:
        record = parse_cable(raw)
    except CableParseError as error:
        output.failure = Failure(raw.source, error.reference_id or raw.reference_id, "parse", error.reason)
        return output
    output.reference_id = record.reference_id
    if _worker["keep_record"]:
        output.record = record.to_dict()
    if _worker["format"]:
        try:
            _serialize_record(record, output)
        except (ValueError, TypeError, OSError) as error:
            output.failure = Failure(raw.source, record.reference_id, "transform",
                                     f"could not express the record as RDF: {error}")
    return output


def _serialize_record(record: CableRecord, output: CableOutput) -> None:
    quads = _worker["transformer"].transform(record)
    fmt = _worker["format"]
    output.body = _serialize(quads.cable, fmt)
    output.triples = len(quads.cable)
    output.shared = [(key, _serialize(items, fmt), len(items)) for key, items in quads.shared.items()]


PREFIXES = {
    "cg": str(CG._NS), "cgv": str(CGV), "dcterms": str(DCTERMS), "schema": str(SCHEMA), "skos": str(SKOS),
    "prov": str(PROV), "foaf": str(FOAF), "rdfs": str(RDFS), "xsd": str(XSD),
}


def _serialize(quads: list[Quad], fmt: str) -> bytes:
    if fmt in ("nt", "ttl"):
        triples = [quad.triple for quad in quads]
        return serialize(triples, format=FORMATS[fmt], prefixes=PREFIXES if fmt == "ttl" else None)
    return serialize(quads, format=FORMATS[fmt], prefixes=PREFIXES if fmt == "trig" else None)


# -- main side ----------------------------------------------------------------------------------


def _batches(items: Iterable[RawCable | CableParseError], size: int = BATCH_SIZE) -> Iterator[list[RawCable | Failure]]:
    """Input items in batches, read errors turned into Failures in place so that output keeps input order."""
    batch: list[RawCable | Failure] = []
    for item in items:
        if isinstance(item, CableParseError):
            batch.append(Failure(item.source or "?", item.reference_id, "read", item.reason))
        else:
            batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def process(inputs: Iterable[str], *, input_format: str = "auto", rdf_format: str | None = "nq",
            base: str | None = None, jobs: int | None = None, keep_record: bool = False,
            progress: Callable[[int], None] | None = None) -> Iterator[CableOutput]:
    """Yield one CableOutput per input cable, in input order (read errors included as failures).

    At most three batches per worker are in flight, so memory is bounded by the window, not
    by the input: a generator over a 1.7 GB csv is consumed only as fast as workers finish.
    """
    base = check_base(base or DEFAULT_BASE)  # fail fast on a bad base, before any worker starts
    jobs = jobs or os.cpu_count() or 1
    batches = _batches(iter_inputs(list(inputs), format=input_format))
    if jobs == 1:
        _init_worker(base, rdf_format, keep_record)
        for batch in batches:
            results = _process_batch(batch)
            if progress:
                progress(len(results))
            yield from results
        return
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker,
                             initargs=(base, rdf_format, keep_record)) as pool:
        window: deque[Future[list[CableOutput]]] = deque()
        for batch in batches:
            window.append(pool.submit(_process_batch, batch))
            while len(window) >= jobs * 3:
                yield from _drain(window.popleft(), progress)
        while window:
            yield from _drain(window.popleft(), progress)


def _drain(future: Future[list[CableOutput]], progress: Callable[[int], None] | None) -> Iterator[CableOutput]:
    results = future.result()
    if progress:
        progress(len(results))
    yield from results


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
        return stack.enter_context(gzip.open(path, "wb", compresslevel=5))
    return stack.enter_context(open(path, "wb"))


def transform(inputs: Iterable[str], output: str, *, rdf_format: str | None = None, input_format: str = "auto",
              base: str | None = None, jobs: int | None = None, quarantine: str | None = None,
              progress: Callable[[int], None] | None = None) -> Summary:
    """Write the quads of every input cable to `output`; failures to the `quarantine` JSON-lines file."""
    fmt = output_format_for(output, rdf_format)
    base = check_base(base or DEFAULT_BASE)  # before the output file is opened (and truncated)
    summary = Summary()
    started = time.perf_counter()
    seen_shared: set[str] = set()
    with ExitStack() as stack:
        out = _open_output(stack, output)
        report = stack.enter_context(open(quarantine, "w", encoding="utf-8")) if quarantine else None
        for item in process(inputs, input_format=input_format, rdf_format=fmt, base=base, jobs=jobs,
                            progress=progress):
            summary.cables_in += 1
            if item.failure:
                summary.quarantined += 1
                summary.failures.append(item.failure)
                if report:
                    report.write(json.dumps(asdict(item.failure), ensure_ascii=False) + "\n")
                continue
            summary.cables_out += 1
            out.write(item.body)
            summary.triples += item.triples
            for key, body, count in item.shared:
                if key not in seen_shared:
                    seen_shared.add(key)
                    out.write(body)
                    summary.triples += count
    summary.seconds = time.perf_counter() - started
    summary.check()
    return summary
