"""The compiled engine's entry points: validate a batch of quads against the compiled shapes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pyoxigraph import Quad
from rdflib import Graph

from cablegraph.compiled_shacl.compiler import CompiledShapes, compile_shapes
from cablegraph.compiled_shacl.data import BatchData
from cablegraph.compiled_shacl.model import Context, Result
from cablegraph.compiled_shacl.report import report_graph
from cablegraph.compiled_shacl.sparql import SparqlRunner, union_predicates, union_types


@dataclass(slots=True)
class Outcome:
    """A batch's results, its index (owners of the data, report copies) and the report if asked for."""

    results: list[Result]
    data: BatchData
    report: Graph | None


class CompiledValidator:
    """The shapes graph compiled once; then any number of batches validated against it."""

    def __init__(self, shapes: Graph) -> None:
        self.shapes_graph = shapes
        self.shapes: CompiledShapes = compile_shapes(shapes)
        self.sparql_predicates = union_predicates(self.shapes.queries)
        self.sparql_types = union_types(self.shapes.queries)
        forward = set(self.shapes.forward)
        if self.sparql_predicates is not None:
            forward |= self.sparql_predicates
        self.forward = frozenset(forward)
        self.inverse = frozenset(self.shapes.inverse)

    def new_data(self, keep_all: bool = False) -> BatchData:
        """An empty index for a batch (every predicate kept when a report or a SPARQL query needs them)."""
        return BatchData(self.forward, self.inverse, keep_all=keep_all or self.sparql_predicates is None)

    def validate(self, data: BatchData, keep_report: bool = False) -> Outcome:
        ctx = Context(data=data, sparql=SparqlRunner(data, self.sparql_predicates, self.sparql_types))
        results: list[Result] = []
        for shape in self.shapes.top:
            if shape.deactivated:
                continue
            focus_nodes: set = set()
            for target in shape.targets:
                focus_nodes |= target(ctx)
            for focus in focus_nodes:
                results.extend(shape.results(ctx, focus))
        report = report_graph(results, self.shapes_graph, data) if keep_report else None
        return Outcome(results, data, report)

    def validate_quads(self, quads: Iterable[Quad], keep_report: bool = False) -> Outcome:
        data = self.new_data(keep_all=keep_report)
        data.add(quads)
        return self.validate(data, keep_report)

    def validate_many(self, batches: Sequence[Iterable[Quad]], keep_report: bool = False) -> Outcome:
        data = self.new_data(keep_all=keep_report)
        for quads in batches:
            data.add(quads)
        return self.validate(data, keep_report)
