"""SHACL property paths compiled into functions focus -> value nodes over a BatchData."""

from __future__ import annotations

from collections.abc import Callable

from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from cablegraph.compiled_shacl.data import BatchData, Values
from cablegraph.compiled_shacl.errors import UnsupportedShapeFeature
from cablegraph.compiled_shacl.terms import Term

ValuesOf = Callable[[BatchData, Term], Values]


class CompiledPath:
    """A path: its evaluator, and the predicates it reads forwards and backwards (for the index)."""

    def __init__(self, graph: Graph, node: Node, shape: Node) -> None:
        self.node = node
        self.forward: set[str] = set()
        self.inverse: set[str] = set()
        self.values: ValuesOf = self._compile(graph, node, shape)

    def _compile(self, graph: Graph, node: Node, shape: Node) -> ValuesOf:
        if isinstance(node, URIRef):
            predicate = str(node)
            self.forward.add(predicate)
            return lambda data, focus: data.objects(focus, predicate)
        if (node, RDF.first, None) in graph:
            steps = [self._compile(graph, step, shape) for step in Collection(graph, node)]
            return _sequence(steps)
        inverse = graph.value(node, SH.inversePath)
        if inverse is not None:
            if not isinstance(inverse, URIRef):
                raise UnsupportedShapeFeature(shape, "sh:inversePath of a complex path")
            predicate = str(inverse)
            self.inverse.add(predicate)
            return lambda data, focus: data.subjects(predicate, focus)
        alternatives = graph.value(node, SH.alternativePath)
        if alternatives is not None:
            branches = [self._compile(graph, step, shape) for step in Collection(graph, alternatives)]
            return _alternative(branches)
        for kind in (SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath):
            if (node, kind, None) in graph:
                raise UnsupportedShapeFeature(shape, f"sh:path with {kind.n3(graph.namespace_manager)}")
        raise UnsupportedShapeFeature(shape, f"sh:path {node!r} of an unknown form")


def _sequence(steps: list[ValuesOf]) -> ValuesOf:
    def values(data: BatchData, focus: Term) -> set[Term]:
        current: set[Term] = {focus}
        for step in steps:
            following: set[Term] = set()
            for node in current:
                following.update(step(data, node))
            current = following
        return current
    return values


def _alternative(branches: list[ValuesOf]) -> ValuesOf:
    def values(data: BatchData, focus: Term) -> set[Term]:
        found: set[Term] = set()
        for branch in branches:
            found.update(branch(data, focus))
        return found
    return values
