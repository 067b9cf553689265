"""SHACL validation of cables, per batch, with pyshacl (the reference) or the compiled engine.

Validating tens of millions of triples as one graph is far too slow and big, so each worker
validates the cables of its batch together: the batch's cable graphs plus the shared
descriptions (tags, posts, people, addressees) those cables refer to. Our shapes only look
at a focus node and the nodes it links to, all of which are in that data, so a cable's
results do not depend on which other cables share its batch (tests check this against a
whole-graph run). Each result is attributed back to the cable(s) whose data holds its focus
node: a cable-local node to its cable, a shared node to every cable of the batch that uses it.

Two engines read the same shapes file: "pyshacl" (the default, the reference) and "compiled"
(cablegraph.compiled_shacl: the shapes compiled into Python evaluators over the batch's quads, an
order of magnitude faster, proven equal to pyshacl by tests/test_compiled_shacl.py).
"""

from __future__ import annotations

import gc
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

import pyshacl
from pyoxigraph import BlankNode, NamedNode, Quad
from pyoxigraph import Literal as OxLiteral
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from cablegraph.resources import shapes_file

if TYPE_CHECKING:
    from cablegraph.compiled_shacl import CompiledValidator
    from cablegraph.compiled_shacl.model import Result

SEVERITIES = ("Violation", "Warning", "Info")
ENGINES = ("pyshacl", "compiled")
DEFAULT_ENGINE = "pyshacl"


@dataclass(frozen=True, slots=True)
class Finding:
    """One SHACL validation result, in words and IRIs a person can follow."""

    severity: str  # Violation | Warning | Info
    shape: str  # the sh:sourceShape (a property shape's IRI, or its node shape's when blank)
    name: str  # the shape's sh:name
    component: str  # e.g. MinCountConstraintComponent
    focus: str
    path: str | None
    value: str | None
    message: str

    def line(self) -> str:
        value = f" (value: {self.value})" if self.value is not None else ""
        return f"{self.severity}: {self.message}{value} [{self.name}]"


@dataclass(slots=True)
class CableFindings:
    findings: list[Finding] = field(default_factory=list)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]


def _reuse_prepared_sparql() -> None:
    """Let rdflib reuse parsed SPARQL: pyshacl evaluates each SPARQL-based constraint once per focus
    node, passing the same query text each time, and rdflib re-parses it with pyparsing every
    time (about 15 ms, most of a batch's validation). rdflib supports evaluating one prepared
    query with different bindings (`prepareQuery`), so the parse and algebra translation are
    cached by query text, base and prefixes; evaluation is untouched."""
    from rdflib.plugins.sparql import processor

    if getattr(processor.SPARQLProcessor.query, "_cablegraph_cached", False):
        return
    original = processor.SPARQLProcessor.query

    @cache
    def prepared(text: str, base: str | None, namespaces: frozenset) -> object:
        return processor.translateQuery(processor.parseQuery(text), base, dict(namespaces))

    def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):
        if isinstance(strOrQuery, str):
            strOrQuery = prepared(strOrQuery, base, frozenset((initNs or {}).items()))
        return original(self, strOrQuery, initBindings, initNs, base, DEBUG)

    query._cablegraph_cached = True  # type: ignore[attr-defined]
    processor.SPARQLProcessor.query = query


_reuse_prepared_sparql()


@cache
def shapes_graph() -> Graph:
    """The shapes, parsed once per process."""
    return Graph().parse(shapes_file(), format="turtle")


@cache
def _shape_names() -> dict[str, str]:
    graph = shapes_graph()
    return {str(shape): str(name) for shape, name in graph.subject_objects(SH.name)}


class _TermCache:
    """pyoxigraph terms -> rdflib terms. IRIs repeat a lot (predicates, classes, shared nodes)."""

    def __init__(self) -> None:
        self.iris: dict[str, URIRef] = {}

    def iri(self, value: str) -> URIRef:
        node = self.iris.get(value)
        if node is None:
            node = self.iris[value] = URIRef(value)
        return node

    def term(self, term: object) -> URIRef | BNode | Literal:
        if isinstance(term, OxLiteral):
            if term.language:
                return Literal(term.value, lang=term.language)
            return Literal(term.value, datatype=self.iri(term.datatype.value))
        if isinstance(term, BlankNode):
            return BNode(term.value)  # a blank node stays blank (sh:nodeKind tells it from an IRI)
        return self.iri(term.value)  # type: ignore[attr-defined]


_terms = _TermCache()


def to_graph(quads: Iterable[Quad], graph: Graph | None = None) -> Graph:
    """Triples of the quads (graph names dropped) in an rdflib Graph, as pyshacl wants them."""
    graph = graph if graph is not None else Graph()
    term = _terms.term
    graph.addN((term(q.subject), term(q.predicate), term(q.object), graph) for q in quads)
    return graph


def validate_graph(graph: Graph) -> tuple[list[Finding], Graph]:
    """Run pyshacl on one data graph; the findings and the SHACL report graph."""
    _conforms, report, _text = pyshacl.validate(
        graph, shacl_graph=shapes_graph(), inference="none", advanced=True, allow_warnings=True, allow_infos=True,
    )
    return list(_findings(report)), report


def _findings(report: Graph) -> Iterable[Finding]:
    names = _shape_names()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        shape = report.value(result, SH.sourceShape)
        severity = report.value(result, SH.resultSeverity)
        component = report.value(result, SH.sourceConstraintComponent)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        message = report.value(result, SH.resultMessage)
        yield Finding(
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            shape=str(shape),
            name=names.get(str(shape), str(shape).rsplit("/", 1)[-1]),
            component=str(component).rsplit("#", 1)[-1] if component else "",
            focus=str(report.value(result, SH.focusNode)),
            path=str(path) if isinstance(path, URIRef) else None,
            value=str(value) if value is not None else None,
            message=str(message) if message else "",
        )


Cables = Sequence[tuple[list[Quad], dict[str, list[Quad]]]]


def validate_cables(cables: Cables, engine: str = DEFAULT_ENGINE, keep_report: bool = True
                    ) -> tuple[list[CableFindings], Graph]:
    """Validate a batch: each item is (cable quads, shared quads by key). One result list per cable.

    The report graph is pyshacl's own with the pyshacl engine; the compiled engine builds one only
    with `keep_report` (and returns an empty graph otherwise).
    """
    if engine == "compiled":
        return _validate_cables_compiled(cables, keep_report)
    if engine != "pyshacl":
        raise ValueError(f"unknown SHACL engine {engine!r}: one of {', '.join(ENGINES)}")
    owners: dict[str, set[int]] = defaultdict(set)
    graph = Graph()
    for index, (cable_quads, shared) in enumerate(cables):
        to_graph(cable_quads, graph)
        for quad in cable_quads:
            owners[quad.subject.value].add(index)  # type: ignore[union-attr]
        for quads in shared.values():
            to_graph(quads, graph)
            for quad in quads:
                owners[quad.subject.value].add(index)  # type: ignore[union-attr]
    findings, report = validate_graph(graph)
    per_cable = [CableFindings() for _ in cables]
    for finding in findings:
        for index in sorted(owners.get(finding.focus, range(len(cables)))):
            per_cable[index].findings.append(finding)
    return per_cable, report


@cache
def compiled_validator() -> CompiledValidator:
    """The shapes compiled once per process (raises UnsupportedShapeFeature for what it cannot check)."""
    from cablegraph.compiled_shacl import CompiledValidator

    return CompiledValidator(shapes_graph())


def _validate_cables_compiled(cables: Cables, keep_report: bool) -> tuple[list[CableFindings], Graph]:
    with _gc_paused():
        return _validate_cables_compiled_now(cables, keep_report)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Hold the cyclic garbage collector while a batch is indexed: the index is tens of thousands of
    small lists and tuples, and the collector's passes over them were half the indexing time. Nothing
    here makes reference cycles, so nothing is left for it to find."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _validate_cables_compiled_now(cables: Cables, keep_report: bool) -> tuple[list[CableFindings], Graph]:
    validator = compiled_validator()
    data = validator.new_data(keep_all=keep_report)
    owners: dict[str, set[int]] = defaultdict(set)
    shared_subjects: dict[int, set[str]] = {}  # id(list) -> its subjects: a shared list is indexed once
    for index, (cable_quads, shared) in enumerate(cables):
        data.add(cable_quads)
        for subject in {quad.subject.value for quad in cable_quads}:  # type: ignore[union-attr]
            owners[subject].add(index)
        for quads in shared.values():
            subjects = shared_subjects.get(id(quads))
            if subjects is None:
                data.add(quads)
                subjects = shared_subjects[id(quads)] = {quad.subject.value for quad in quads}  # type: ignore[union-attr]
            for subject in subjects:
                owners[subject].add(index)
    outcome = validator.validate(data, keep_report=keep_report)
    per_cable = [CableFindings() for _ in cables]
    for finding in compiled_findings(outcome.results):
        for index in sorted(owners.get(finding.focus, range(len(cables)))):
            per_cable[index].findings.append(finding)
    return per_cable, outcome.report if outcome.report is not None else Graph()


def compiled_findings(results: Iterable[Result]) -> Iterator[Finding]:
    """Findings of compiled results, worded exactly as _findings words pyshacl's report."""
    from cablegraph.compiled_shacl.terms import to_rdflib

    names = _shape_names()
    for result in results:
        shape = str(result.shape.node)
        value = None if result.value is None else str(to_rdflib(result.value))
        yield Finding(
            severity=str(result.shape.severity).rsplit("#", 1)[-1],
            shape=shape,
            name=names.get(shape, shape.rsplit("/", 1)[-1]),
            component=str(result.component).rsplit("#", 1)[-1],
            focus=str(to_rdflib(result.focus)),
            path=str(result.path) if isinstance(result.path, URIRef) else None,
            value=value,
            message=str(result.messages[0]) if result.messages else "",
        )


def count_by_shape(findings: Iterable[Finding]) -> Counter[tuple[str, str]]:
    """(severity, shape name) -> number of results."""
    return Counter((f.severity, f.name) for f in findings)


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else 0


__all__ = ["ENGINES", "CableFindings", "Finding", "NamedNode", "compiled_validator", "count_by_shape",
           "shapes_graph", "to_graph", "validate_cables", "validate_graph"]
