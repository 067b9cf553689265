"""Reading RDF that cablegraph wrote, cable by cable, so it can be validated (or loaded) again.

N-Quads and TriG keep each cable in its named graph `graph/cable/<ID>` and the shared
descriptions in `graph/shared`. The shared graph is small (tags, posts, people,
addressees) and is read whole in a first pass; the cable graphs are then streamed in a
second pass, each with the shared descriptions of the nodes it mentions.
"""

from __future__ import annotations

import gzip
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from pyoxigraph import NamedNode, Quad, RdfFormat, parse

RDF_SUFFIXES = {".nq": RdfFormat.N_QUADS, ".trig": RdfFormat.TRIG, ".nt": RdfFormat.N_TRIPLES,
                ".ttl": RdfFormat.TURTLE}


@dataclass(slots=True)
class CableGraph:
    """One cable's quads and the shared quads (by subject) that its quads point to."""

    reference_id: str
    source: str
    quads: list[Quad]
    shared: dict[str, list[Quad]]


def is_rdf_path(path: str) -> bool:
    name = path[:-3] if path.endswith(".gz") else path
    return Path(name).suffix in RDF_SUFFIXES


def _open(path: str) -> IO[bytes]:
    handle = open(path, "rb")  # noqa: SIM115 - returned to the caller, closed there
    if handle.read(2) == b"\x1f\x8b":
        handle.close()
        return gzip.open(path, "rb")
    handle.seek(0)
    return handle


def _quads(path: str) -> Iterator[Quad]:
    name = path[:-3] if path.endswith(".gz") else path
    with _open(path) as handle:
        yield from parse(handle, format=RDF_SUFFIXES[Path(name).suffix])


def iter_cable_graphs(path: str, base: str) -> Iterator[CableGraph]:
    """Each cable graph of a file written by `cablegraph transform`, in file order."""
    prefix = base + "graph/cable/"
    shared_graph = NamedNode(base + "graph/shared")
    shared: dict[str, list[Quad]] = defaultdict(list)
    for quad in _quads(path):
        if quad.graph_name == shared_graph:
            shared[quad.subject.value].append(quad)  # type: ignore[union-attr]
    current: str | None = None
    quads: list[Quad] = []
    for quad in _quads(path):
        graph = quad.graph_name
        if not isinstance(graph, NamedNode) or not graph.value.startswith(prefix):
            continue
        if graph.value != current:
            if current is not None:
                yield _cable(current, prefix, path, quads, shared)
            current, quads = graph.value, []
        quads.append(quad)
    if current is not None:
        yield _cable(current, prefix, path, quads, shared)


def iter_graphs(path: str, base: str) -> Iterator[tuple[str, list[Quad]]]:
    """Every named graph of a file written by cablegraph: the cable graphs as they stream by, then
    the others (shared descriptions, vocabulary, dataset description), which are small, at the end."""
    prefix = base + "graph/cable/"
    others: dict[str, list[Quad]] = defaultdict(list)
    current: str | None = None
    quads: list[Quad] = []
    for quad in _quads(path):
        graph = quad.graph_name.value if isinstance(quad.graph_name, NamedNode) else ""
        if not graph.startswith(prefix):
            others[graph].append(quad)
            continue
        if graph != current:
            if current is not None:
                yield current, quads
            current, quads = graph, []
        quads.append(quad)
    if current is not None:
        yield current, quads
    yield from others.items()


def _cable(graph: str, prefix: str, path: str, quads: list[Quad], shared: dict[str, list[Quad]]) -> CableGraph:
    mentioned = {quad.object.value for quad in quads if isinstance(quad.object, NamedNode)}
    return CableGraph(
        reference_id=graph[len(prefix):],
        source=path,
        quads=quads,
        shared={node: shared[node] for node in mentioned if node in shared},
    )
