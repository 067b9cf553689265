"""Compiled shapes, the results they produce, and the per-batch context they run in.

The rules here are pyshacl's (0.40) as the pipeline runs it (advanced=True, allow_warnings=True,
allow_infos=True), not only the SHACL text, because equality with pyshacl is the contract:

* a result names its shape's sh:message(s) (and a SPARQL constraint's own), its severity, and the
  property shape's path; a node shape's value node is the focus node itself;
* a shape nested in sh:or / sh:not / sh:qualifiedValueShape / sh:property is asked only whether a
  node *conforms*, and with allow_warnings/allow_infos pyshacl counts a nested shape of severity
  Warning or Info as conforming whatever its constraints say; a deactivated shape conforms too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from rdflib import Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from cablegraph.compiled_shacl.data import BatchData, Values
from cablegraph.compiled_shacl.terms import Term

if TYPE_CHECKING:
    from cablegraph.compiled_shacl.paths import CompiledPath
    from cablegraph.compiled_shacl.sparql import SparqlRunner

CONFORMING_SEVERITIES = frozenset({SH.Warning, SH.Info})
NO_RESULTS: list = []  # shared, never appended to: checks return it (or a new list) when nothing fails


@dataclass(slots=True)
class Context:
    """What a batch's evaluation needs: the indexed data, and the SPARQL runner over it."""

    data: BatchData
    sparql: SparqlRunner


@dataclass(slots=True)
class Result:
    """One validation result, as pyshacl would report it."""

    shape: CompiledShape
    focus: Term
    component: URIRef
    value: Term | None = None
    path: Node | None = None  # the shapes-graph node of sh:resultPath (an IRI, or a blank node path)
    messages: tuple[Literal, ...] = ()
    source_constraint: Node | None = None


class Constraint(Protocol):
    """One constraint component of one shape."""

    def check(self, ctx: Context, shape: CompiledShape, focus: Term, values: Values) -> list[Result]:
        """The results for one focus node and its value nodes (empty when it conforms)."""
        ...

    def conforms(self, ctx: Context, shape: CompiledShape, focus: Term, values: Values) -> bool:
        ...


@dataclass(eq=False, slots=True)
class CompiledShape:
    """A node or property shape with its compiled constraints (and targets, for top-level shapes)."""

    node: Node
    severity: URIRef
    messages: tuple[Literal, ...]
    deactivated: bool
    path: CompiledPath | None = None
    constraints: list[Constraint] = field(default_factory=list)
    targets: list[Callable[[Context], set[Term]]] = field(default_factory=list)

    def value_nodes(self, ctx: Context, focus: Term) -> Values:
        return self.path.values(ctx.data, focus) if self.path is not None else (focus,)

    def results(self, ctx: Context, focus: Term) -> list[Result]:
        """The results on one focus node (the hot loop: most checks find nothing, and allocate nothing)."""
        if self.deactivated:
            return NO_RESULTS
        values = self.path.values(ctx.data, focus) if self.path is not None else (focus,)
        found = NO_RESULTS
        for constraint in self.constraints:
            more = constraint.check(ctx, self, focus, values)
            if more:
                found = found + more if found else more
        return found

    def conforms(self, ctx: Context, focus: Term) -> bool:
        if self.deactivated or self.severity in CONFORMING_SEVERITIES:
            return True
        values = self.value_nodes(ctx, focus)
        return all(constraint.conforms(ctx, self, focus, values) for constraint in self.constraints)

    def result(self, focus: Term, component: URIRef, value: Term | None = None) -> Result:
        return Result(self, focus, component, value, self.path.node if self.path is not None else None,
                      self.messages)
