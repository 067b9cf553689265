"""Compile a SHACL shapes graph (read at runtime) into CompiledShapes, refusing what it cannot evaluate.

Every predicate in the SHACL namespace on a shape must be one this module compiles or knows to be
documentation; anything else (sh:node, sh:xone, sh:closed, sh:rule, a custom constraint component
...) raises UnsupportedShapeFeature naming it and the shape, so a shape added later can never be
silently skipped by the compiled engine while pyshacl would have checked it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node

from cablegraph.compiled_shacl import constraints as c
from cablegraph.compiled_shacl.data import RDF_TYPE, RDFS_SUBCLASS_OF
from cablegraph.compiled_shacl.errors import UnsupportedShapeFeature
from cablegraph.compiled_shacl.model import CompiledShape, Constraint, Context
from cablegraph.compiled_shacl.paths import CompiledPath
from cablegraph.compiled_shacl.sparql import SelectQuery, compile_select
from cablegraph.compiled_shacl.terms import Term, from_rdflib

TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
#: SHACL predicates of a shape that are no constraint: structure, documentation, or read with another.
NOT_CONSTRAINTS = frozenset({
    *TARGETS, SH.path, SH.name, SH.description, SH.message, SH.severity, SH.deactivated, SH.order, SH.group,
    SH.defaultValue, SH.flags, SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint,
})
COMPILED = frozenset({
    SH.minCount, SH.maxCount, SH.datatype, SH.nodeKind, SH["class"], SH["in"], SH.hasValue, SH.pattern,
    SH.minLength, SH.maxLength, SH.languageIn, SH.minInclusive, SH.minExclusive, SH.maxInclusive, SH.maxExclusive,
    SH.equals, SH["or"], SH["not"], SH.property, SH.qualifiedValueShape, SH.sparql,
})
#: Types in a shapes graph that make pyshacl do more than validate the declared shapes.
UNSUPPORTED_TYPES = (SH.ConstraintComponent, SH.SPARQLFunction, SH.SPARQLTargetType, SH.JSTarget, SH.JSTargetType,
                     SH.JSConstraint, SH.JSFunction, SH.SPARQLRule, SH.TripleRule, SH.JSRule)


@dataclass(slots=True)
class CompiledShapes:
    """The shapes with targets, and what the batch index and the SPARQL store must hold for them."""

    top: list[CompiledShape]
    forward: set[str] = field(default_factory=set)
    inverse: set[str] = field(default_factory=set)
    queries: list[SelectQuery] = field(default_factory=list)


class Compiler:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.shapes: dict[Node, CompiledShape] = {}
        self.compiling: set[Node] = set()
        self.out = CompiledShapes(top=[], forward={RDF_TYPE, RDFS_SUBCLASS_OF}, inverse={RDF_TYPE, RDFS_SUBCLASS_OF})

    def compile(self) -> CompiledShapes:
        graph = self.graph
        for kind in UNSUPPORTED_TYPES:
            for node in graph.subjects(RDF.type, kind):
                raise UnsupportedShapeFeature(node, f"{kind.n3(graph.namespace_manager)}")
        for predicate in (SH.rule, SH.entailment, SH.shapesGraph):
            for node in graph.subjects(predicate, None):
                raise UnsupportedShapeFeature(node, predicate.n3(graph.namespace_manager))
        tops = sorted({s for p in TARGETS for s in graph.subjects(p, None)}, key=str)
        for node in tops:
            if (node, RDF.type, RDFS.Class) in graph or (node, RDF.type, OWL.Class) in graph:
                raise UnsupportedShapeFeature(node, "an implicit class target (a shape that is also a class)")
            shape = self.shape(node)
            shape.targets = self.targets(node)
            self.out.top.append(shape)
        for shape in self.out.top:
            self._require_messages(shape, set())
        return self.out

    def _require_messages(self, shape: CompiledShape, seen: set[Node]) -> None:
        """Shapes that report results need their own sh:message: pyshacl's generated texts are not copied."""
        if shape.node in seen:
            return
        seen.add(shape.node)
        if not shape.messages:
            raise UnsupportedShapeFeature(shape.node, "a reporting shape without sh:message (pyshacl's default "
                                                      "messages are not reproduced)")
        for constraint in shape.constraints:
            if isinstance(constraint, c.Property):
                for prop in constraint.shapes:
                    self._require_messages(prop, seen)

    # -- shapes --------------------------------------------------------------------------------

    def shape(self, node: Node) -> CompiledShape:
        found = self.shapes.get(node)
        if found is not None:
            return found
        if node in self.compiling:
            raise UnsupportedShapeFeature(node, "recursive shapes")
        self.compiling.add(node)
        graph = self.graph
        deactivated = graph.value(node, SH.deactivated)
        shape = CompiledShape(
            node=node,
            severity=graph.value(node, SH.severity) or SH.Violation,  # type: ignore[arg-type]
            messages=tuple(sorted((m for m in graph.objects(node, SH.message) if isinstance(m, Literal)), key=str)),
            deactivated=bool(isinstance(deactivated, Literal) and deactivated.value is True),
        )
        path = graph.value(node, SH.path)
        if path is not None:
            shape.path = CompiledPath(graph, path, node)
            self.out.forward |= shape.path.forward
            self.out.inverse |= shape.path.inverse
        predicates = set(graph.predicates(node, None))
        for predicate in predicates:
            if str(predicate).startswith(str(SH)) and predicate not in NOT_CONSTRAINTS | COMPILED:
                raise UnsupportedShapeFeature(node, predicate.n3(graph.namespace_manager))
        shape.constraints = self.constraints(node, shape, predicates)
        self.compiling.discard(node)
        self.shapes[node] = shape
        return shape

    def _one(self, node: Node, predicate: URIRef) -> Node:
        values = list(self.graph.objects(node, predicate))
        if len(values) != 1:
            raise UnsupportedShapeFeature(node, f"{len(values)} values of {predicate.n3(self.graph.namespace_manager)}")
        return values[0]

    def _int(self, node: Node, predicate: URIRef) -> int:
        value = self._one(node, predicate)
        if not (isinstance(value, Literal) and isinstance(value.value, int)):
            raise UnsupportedShapeFeature(node, f"a {predicate} that is not an integer")
        return int(value.value)

    def _constant(self, node: Node, value: Node) -> Term:
        if isinstance(value, Literal) and value.datatype is None and value.language is None:
            # rdflib (and so pyshacl) tells "x" from "x"^^xsd:string; pyoxigraph data cannot: a plain
            # literal in sh:in/sh:hasValue would match in one engine and not the other.
            raise UnsupportedShapeFeature(node, f"the plain literal {value.n3()} in sh:in or sh:hasValue "
                                                "(write \"...\"^^xsd:string, or use sh:pattern)")
        return from_rdflib(value)

    def constraints(self, node: Node, shape: CompiledShape, predicates: set[URIRef]) -> list[Constraint]:
        graph = self.graph
        found: list[Constraint] = []
        if SH.minCount in predicates:
            found.append(c.MinCount(self._int(node, SH.minCount)))
        if SH.maxCount in predicates:
            found.append(c.MaxCount(self._int(node, SH.maxCount)))
        if SH.datatype in predicates:
            found.append(c.Datatype(str(self._one(node, SH.datatype))))
        if SH.nodeKind in predicates:
            found.append(c.node_kind(self._one(node, SH.nodeKind)))  # type: ignore[arg-type]
        for cls in graph.objects(node, SH["class"]):
            found.append(c.Class(str(cls)))
        if SH["in"] in predicates:
            members = Collection(graph, self._one(node, SH["in"]))
            found.append(c.In(frozenset(self._constant(node, member) for member in members)))
        if SH.hasValue in predicates:
            found.append(c.HasValue(tuple(self._constant(node, v) for v in graph.objects(node, SH.hasValue))))
        if SH.pattern in predicates:
            found.append(self._pattern(node))
        if SH.minLength in predicates:
            found.append(c.MinLength(self._int(node, SH.minLength)))
        if SH.maxLength in predicates:
            found.append(c.MaxLength(self._int(node, SH.maxLength)))
        if SH.languageIn in predicates:
            languages = Collection(graph, self._one(node, SH.languageIn))
            found.append(c.LanguageIn(frozenset(str(language).lower() for language in languages)))
        for parameter, (component, accept) in c.RANGES.items():
            for bound in graph.objects(node, parameter):
                if not isinstance(bound, Literal):
                    raise UnsupportedShapeFeature(node, f"a {parameter} that is not a literal")
                found.append(c.ValueRange(bound, accept, component))
        for other in graph.objects(node, SH.equals):
            if not isinstance(other, URIRef):
                raise UnsupportedShapeFeature(node, "sh:equals of something other than an IRI")
            predicate = str(other)
            self.out.forward.add(predicate)
            found.append(c.Equals(predicate))
        for members in graph.objects(node, SH["or"]):
            found.append(c.Or(tuple(self.shape(member) for member in Collection(graph, members))))
        for negated in graph.objects(node, SH["not"]):
            found.append(c.Not(self.shape(negated)))
        if SH.property in predicates:
            props = tuple(self.shape(prop) for prop in sorted(graph.objects(node, SH.property), key=str))
            for prop in props:
                if prop.path is None:
                    raise UnsupportedShapeFeature(prop.node, "an sh:property shape without sh:path")
            found.append(c.Property(props))
        if SH.qualifiedValueShape in predicates:
            found.extend(self._qualified(node, shape))
        for holder in graph.objects(node, SH.sparql):
            sparql = self._sparql(node, holder)
            if sparql is not None:
                found.append(sparql)
        return found

    def _pattern(self, node: Node) -> c.Pattern:
        flags = list(self.graph.objects(node, SH.flags))
        if len(flags) > 1:
            raise UnsupportedShapeFeature(node, "several sh:flags")
        re_flags = 0
        if flags:
            letters = str(flags[0]).lower()
            re_flags = (re.I if "i" in letters else 0) | (re.M if "m" in letters else 0)
        compiled = []
        for pattern in self.graph.objects(node, SH.pattern):
            if not isinstance(pattern, Literal):
                raise UnsupportedShapeFeature(node, "an sh:pattern that is not a literal")
            text = str(pattern.value) if pattern.value is not None and len(pattern.value) > 1 else str(pattern)
            compiled.append(re.compile(text, re_flags))
        return c.Pattern(tuple(compiled))

    def _qualified(self, node: Node, shape: CompiledShape) -> list[Constraint]:
        if shape.path is None:
            raise UnsupportedShapeFeature(node, "sh:qualifiedValueShape on a node shape (pyshacl ignores it)")
        disjoint = self.graph.value(node, SH.qualifiedValueShapesDisjoint)
        if isinstance(disjoint, Literal) and disjoint.value is True:
            raise UnsupportedShapeFeature(node, "sh:qualifiedValueShapesDisjoint true")
        graph = self.graph
        min_count = self._int(node, SH.qualifiedMinCount) if (node, SH.qualifiedMinCount, None) in graph else None
        max_count = self._int(node, SH.qualifiedMaxCount) if (node, SH.qualifiedMaxCount, None) in graph else None
        if min_count is None and max_count is None:
            raise UnsupportedShapeFeature(node, "sh:qualifiedValueShape without a qualified count")
        return [c.QualifiedValueShape(self.shape(value), min_count, max_count)
                for value in graph.objects(node, SH.qualifiedValueShape)]

    def _sparql(self, node: Node, holder: Node) -> c.Sparql | None:
        graph = self.graph
        for predicate in set(graph.predicates(holder, None)):
            if str(predicate).startswith(str(SH)) and predicate not in (SH.select, SH.prefixes, SH.message,
                                                                         SH.deactivated):
                raise UnsupportedShapeFeature(node, f"{predicate.n3(graph.namespace_manager)} on a SPARQL constraint")
        deactivated = graph.value(holder, SH.deactivated)
        if isinstance(deactivated, Literal) and deactivated.value is True:
            return None
        select = graph.value(holder, SH.select)
        if not isinstance(select, Literal):
            raise UnsupportedShapeFeature(node, "a SPARQL constraint without sh:select (sh:ask is not supported)")
        query = compile_select(graph, holder, node, str(select.value))
        self.out.queries.append(query)
        messages = tuple(m for m in graph.objects(holder, SH.message) if isinstance(m, Literal))
        return c.Sparql(query, holder, messages)

    # -- targets -------------------------------------------------------------------------------

    def targets(self, node: Node) -> list[Callable[[Context], set[Term]]]:
        graph = self.graph
        found: list[Callable[[Context], set[Term]]] = []
        for cls in graph.objects(node, SH.targetClass):
            term = from_rdflib(cls)
            found.append(lambda ctx, term=term: ctx.data.instances(term))
        nodes = {from_rdflib(value) for value in graph.objects(node, SH.targetNode)}
        if nodes:
            found.append(lambda ctx, nodes=nodes: set(nodes))
        for predicate in graph.objects(node, SH.targetSubjectsOf):
            term = str(predicate)
            self.out.forward.add(term)
            found.append(lambda ctx, term=term: set(ctx.data.subjects_of(term)))
        for predicate in graph.objects(node, SH.targetObjectsOf):
            term = str(predicate)
            self.out.forward.add(term)
            found.append(lambda ctx, term=term: set(ctx.data.objects_of(term)))
        for target in graph.objects(node, SH.target):
            found.append(self._sparql_target(node, target))
        return found

    def _sparql_target(self, node: Node, target: Node) -> Callable[[Context], set[Term]]:
        graph = self.graph
        types = set(graph.objects(target, RDF.type))
        select = graph.value(target, SH.select)
        if not isinstance(target, BNode | URIRef) or not isinstance(select, Literal) or types - {SH.SPARQLTarget}:
            raise UnsupportedShapeFeature(node, "an sh:target other than a SPARQL-based target with sh:select")
        query = compile_select(graph, target, node, str(select.value))
        self.out.queries.append(query)

        def focus_nodes(ctx: Context) -> set[Term]:
            return {row["this"] for row in ctx.sparql.select(query) if "this" in row}
        return focus_nodes


def compile_shapes(graph: Graph) -> CompiledShapes:
    """The shapes graph compiled; raises UnsupportedShapeFeature for anything it would not evaluate."""
    return Compiler(graph).compile()


__all__ = ["CompiledShapes", "compile_shapes"]
