"""A SHACL validation report graph built from compiled results, laid out as pyshacl lays out its own.

Only built when asked for (`cablegraph validate --report`): the pipeline needs the findings, not
the graph. Blank nodes of the shapes graph (a path, a SPARQL constraint) and of the data (a blank
focus node or value) are copied into the report with their descriptions, as pyshacl does.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from cablegraph.compiled_shacl.data import BatchData
from cablegraph.compiled_shacl.model import Result
from cablegraph.compiled_shacl.terms import Term, to_rdflib

MAX_DEPTH = 10


def report_graph(results: Iterable[Result], shapes: Graph, data: BatchData) -> Graph:
    report = Graph(bind_namespaces="core")
    for prefix, namespace in shapes.namespace_manager.namespaces():
        report.namespace_manager.bind(prefix, namespace)
    node = BNode()
    report.add((node, RDF.type, SH.ValidationReport))
    results = list(results)
    conforms = not any(result.shape.severity == SH.Violation for result in results)
    report.add((node, SH.conforms, Literal(conforms)))
    for result in results:
        item = BNode()
        report.add((node, SH.result, item))
        report.add((item, RDF.type, SH.ValidationResult))
        report.add((item, SH.sourceConstraintComponent, result.component))
        report.add((item, SH.sourceShape, _copy_shape_node(shapes, result.shape.node, report)))
        report.add((item, SH.resultSeverity, result.shape.severity))
        report.add((item, SH.focusNode, _copy_data_node(data, result.focus, report)))
        if result.value is not None:
            report.add((item, SH.value, _copy_data_node(data, result.value, report)))
        if result.path is not None:
            report.add((item, SH.resultPath, _copy_shape_node(shapes, result.path, report)))
        if result.source_constraint is not None:
            report.add((item, SH.sourceConstraint, _copy_shape_node(shapes, result.source_constraint, report)))
        for message in result.messages:
            report.add((item, SH.resultMessage, message))
    return report


def _copy_shape_node(shapes: Graph, node: Node, report: Graph, depth: int = 0) -> Node:
    if not isinstance(node, BNode) or depth >= MAX_DEPTH:
        return node
    if (node, RDF.first, None) in shapes:
        items = [_copy_shape_node(shapes, item, report, depth) for item in Collection(shapes, node)]
        Collection(report, node, items)
        return node
    for predicate, value in shapes.predicate_objects(node):
        report.add((node, predicate, _copy_shape_node(shapes, value, report, depth + 1)))
    return node


def _copy_data_node(data: BatchData, term: Term, report: Graph, depth: int = 0) -> URIRef | BNode | Literal:
    node = to_rdflib(term)
    if isinstance(node, BNode) and depth < MAX_DEPTH:
        for subject, predicate, value in data.triples():
            if subject == term:
                report.add((node, URIRef(predicate), _copy_data_node(data, value, report, depth + 1)))
    return node
