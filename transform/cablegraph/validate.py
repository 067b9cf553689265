"""SHACL validation of cables, per batch, with pyshacl (the reference) or the compiled engine.

Validating tens of millions of triples as one graph is far too slow and big, so each worker
validates the cables of its batch together: the batch's cable graphs plus the shared
descriptions (tags, posts, people, addressees) those cables refer to. Our shapes only look
at a focus node and the nodes it links to, all of which are in that data, so a cable's
results do not depend on which other cables share its batch (tests check this against a
whole-graph run). Each result is attributed back to the cable(s) whose data holds its focus
node: a cable-local node to its cable, a shared node to every cable of the batch that uses it.

Two engines read the same shapes file: "compiled" (cablegraph.compiled_shacl: the shapes compiled
into Python evaluators over the batch's quads, an order of magnitude faster, proven equal to pyshacl
by tests/test_compiled_shacl.py) and "pyshacl" (the reference). The default, "auto", is the compiled
engine, or pyshacl when the shapes use a feature the compiled engine refuses (one log line says so):
a shapes change must never stop a run that nobody asked to run compiled. Asking for "compiled" by
name keeps the refusal, with its reason.

pyshacl's time on one cable grows with the square of its size (a SPARQL constraint pairs its
paragraphs: bench/bench_shacl_size.py), so under pyshacl a cable whose text is over a cap
(PYSHACL_MAX_CABLE_BYTES, env CABLEGRAPH_PYSHACL_MAX_CABLE_BYTES) is not validated but reported as
too large, which the pipeline quarantines with that reason: one pathological cable must not hold a
worker for minutes. The largest real cable is 15 times under the cap; the compiled engine has no cap.
"""

from __future__ import annotations

import gc
import logging
import os
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
#: The engines themselves (what the agreement tests and bench/bench_validate.py compare).
ENGINES = ("pyshacl", "compiled")
AUTO = "auto"
#: What --shacl-engine accepts: "auto" is compiled, falling back to pyshacl when compiled refuses the shapes.
ENGINE_CHOICES = (AUTO, "compiled", "pyshacl")
DEFAULT_ENGINE = AUTO
#: Largest cable text (UTF-8 bytes of the longest literal of its graph) pyshacl is given; 0: no cap.
PYSHACL_MAX_CABLE_BYTES = 1_000_000
MAX_CABLE_BYTES_ENV = "CABLEGRAPH_PYSHACL_MAX_CABLE_BYTES"

log = logging.getLogger(__name__)


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
    not_validated: str | None = None  # why the cable was not validated at all (too large for pyshacl)

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


def resolve_engine(engine: str) -> str:
    """The engine that will run: "auto" resolved (once per process), a named one checked.

    Raises ValueError for an unknown name, and UnsupportedShapeFeature (a ValueError) when "compiled"
    was asked for by name and cannot evaluate the shapes: whoever names it wants it, or to know why not.
    """
    if engine == AUTO:
        return _auto_engine()
    if engine not in ENGINES:
        raise ValueError(f"unknown SHACL engine {engine!r}: one of {', '.join(ENGINE_CHOICES)}")
    if engine == "compiled":
        compiled_validator()  # raises UnsupportedShapeFeature naming the shape and the feature
    return engine


@cache
def _auto_engine() -> str:
    """compiled, or pyshacl with one warning line when compiled refuses the shapes (cached: said once)."""
    from cablegraph.compiled_shacl import UnsupportedShapeFeature

    try:
        compiled_validator()
    except UnsupportedShapeFeature as refused:
        where = f" in shape {refused.shape}" if refused.shape is not None else ""
        log.warning("SHACL engine auto: the compiled engine does not support %s%s; validating with pyshacl "
                    "(the reference, slower; --shacl-engine compiled would refuse)", refused.feature, where)
        return "pyshacl"
    return "compiled"


def pyshacl_max_cable_bytes() -> int:
    """The cap on a cable's text under pyshacl: CABLEGRAPH_PYSHACL_MAX_CABLE_BYTES, else the default."""
    value = os.environ.get(MAX_CABLE_BYTES_ENV, "").strip()
    if not value:
        return PYSHACL_MAX_CABLE_BYTES
    try:
        cap = int(value.replace("_", ""))
    except ValueError:
        cap = -1
    if cap < 0:
        raise ValueError(f"{MAX_CABLE_BYTES_ENV}={value!r}: give a number of bytes (0 for no cap)")
    return cap


def cable_text_bytes(quads: Iterable[Quad]) -> int:
    """UTF-8 bytes of the longest literal of a cable's graph: its full text (schema:text) for our data."""
    longest = ""
    for quad in quads:
        value = quad.object
        if type(value) is OxLiteral and len(value.value) > len(longest):
            longest = value.value
    return len(longest.encode("utf-8"))


def too_large_reason(size: int, cap: int) -> str:
    """The quarantine reason of a cable over the pyshacl cap: what, how much, and how to get past it."""
    return (f"too large to validate with pyshacl ({size / 1e6:.2f} MB of text > the {cap / 1e6:.2f} MB cap; "
            f"use the compiled engine (the default), or raise the cap with {MAX_CABLE_BYTES_ENV})")


def validate_cables(cables: Cables, engine: str = DEFAULT_ENGINE, keep_report: bool = True,
                    max_cable_bytes: int | None = None) -> tuple[list[CableFindings], Graph]:
    """Validate a batch: each item is (cable quads, shared quads by key). One result list per cable.

    The report graph is pyshacl's own with the pyshacl engine; the compiled engine builds one only
    with `keep_report` (and returns an empty graph otherwise). Under pyshacl, a cable whose text is
    over `max_cable_bytes` (default: pyshacl_max_cable_bytes()) is left out and marked not_validated.
    """
    engine = resolve_engine(engine)
    if engine == "compiled":
        return _validate_cables_compiled(cables, keep_report)
    return _validate_cables_pyshacl(cables, pyshacl_max_cable_bytes() if max_cable_bytes is None else max_cable_bytes)


def _validate_cables_pyshacl(cables: Cables, cap: int) -> tuple[list[CableFindings], Graph]:
    per_cable = [CableFindings() for _ in cables]
    owners: dict[str, set[int]] = defaultdict(set)
    graph = Graph()
    for index, (cable_quads, shared) in enumerate(cables):
        size = cable_text_bytes(cable_quads) if cap else 0
        if size > cap:
            per_cable[index].not_validated = too_large_reason(size, cap)
            continue
        to_graph(cable_quads, graph)
        for quad in cable_quads:
            owners[quad.subject.value].add(index)  # type: ignore[union-attr]
        for quads in shared.values():
            to_graph(quads, graph)
            for quad in quads:
                owners[quad.subject.value].add(index)  # type: ignore[union-attr]
    if not owners:
        return per_cable, Graph()  # every cable was over the cap: nothing for pyshacl to do
    findings, report = validate_graph(graph)
    validated = sorted({index for indexes in owners.values() for index in indexes})
    for finding in findings:
        for index in sorted(owners.get(finding.focus, validated)):
            per_cable[index].findings.append(finding)
    return per_cable, report


def forget_shapes() -> None:
    """Forget the parsed and compiled shapes and the resolved "auto" engine: for tests that swap the shapes."""
    for cached in (shapes_graph, _shape_names, compiled_validator, _auto_engine):
        cached.cache_clear()


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


__all__ = ["DEFAULT_ENGINE", "ENGINES", "ENGINE_CHOICES", "PYSHACL_MAX_CABLE_BYTES", "CableFindings", "Finding",
           "NamedNode", "cable_text_bytes", "compiled_validator", "count_by_shape", "forget_shapes",
           "pyshacl_max_cable_bytes", "resolve_engine", "shapes_graph", "to_graph", "validate_cables",
           "validate_graph"]
