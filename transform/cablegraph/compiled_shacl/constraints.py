"""The SHACL Core constraint components the compiled engine evaluates, each as pyshacl 0.40 does.

Each class says in its docstring where pyshacl's behaviour is narrower or odder than the SHACL
text; the compiled engine follows pyshacl there, since equality with it is what the tests prove.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from pyshacl.rdfutil.compare import compare_literal
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS, SH, XSD
from rdflib.term import Node

from cablegraph.compiled_shacl.data import Values
from cablegraph.compiled_shacl.model import NO_RESULTS, CompiledShape, Context, Result
from cablegraph.compiled_shacl.sparql import SelectQuery, format_message
from cablegraph.compiled_shacl.terms import RDF_LANGSTRING, XSD_STRING, Blank, Lit, Term, text_of, to_rdflib


class _Base:
    """check() finds results; conforms() is 'no results' unless a component knows better."""

    def check(self, ctx: Context, shape: CompiledShape, focus: Term, values: Values) -> list[Result]:
        raise NotImplementedError

    def conforms(self, ctx: Context, shape: CompiledShape, focus: Term, values: Values) -> bool:
        return not self.check(ctx, shape, focus, values)


class _PerValue(_Base):
    """A component that judges each value node alone, reporting it as sh:value when it fails."""

    component: URIRef

    def ok(self, ctx: Context, value: Term) -> bool:
        raise NotImplementedError

    def check(self, ctx: Context, shape: CompiledShape, focus: Term, values: Values) -> list[Result]:
        ok = self.ok
        for value in values:
            if not ok(ctx, value):
                return [shape.result(focus, self.component, value) for value in values if not ok(ctx, value)]
        return NO_RESULTS

    def conforms(self, ctx: Context, shape: CompiledShape, focus: Term, values: Values) -> bool:
        ok = self.ok
        return all(ok(ctx, value) for value in values)


@dataclass(slots=True)
class MinCount(_Base):
    count: int

    def check(self, ctx: Context, shape: CompiledShape, focus: Term, values: Values) -> list[Result]:
        if self.count == 0 or len(values) >= self.count:
            return NO_RESULTS
        return [shape.result(focus, SH.MinCountConstraintComponent)]


@dataclass(slots=True)
class MaxCount(_Base):
    count: int

    def check(self, ctx: Context, shape: CompiledShape, focus: Term, values: Values) -> list[Result]:
        if len(values) <= self.count:
            return NO_RESULTS
        return [shape.result(focus, SH.MaxCountConstraintComponent)]


#: rdflib's Python value types that pyshacl accepts for a datatype (others: any well-typed value).
_VALUE_TYPES: dict[str, type | tuple[type, ...]] = {
    XSD_STRING: (str, bytes), RDF_LANGSTRING: (str, bytes), str(XSD.integer): int, str(XSD.float): float,
    str(XSD.decimal): Decimal, str(XSD.boolean): bool, str(XSD.date): date, str(XSD.time): time,
    str(XSD.dateTime): datetime,
}


def _verdict(seen: dict[Term, bool], value: Lit, judge: Callable[[Lit], bool]) -> bool:
    """A literal's verdict, judged once per distinct literal: reading its lexical form through rdflib
    is the costly part, and the same dates and codes recur across a batch."""
    verdict = seen.get(value)
    if verdict is None:
        verdict = seen[value] = judge(value)
    return verdict


@dataclass(slots=True)
class Datatype(_PerValue):
    """sh:datatype: the literal's datatype, and rdflib can read its lexical form as that type.

    pyshacl compares rdflib's datatype of the literal (None for a language-tagged one), rejects
    ill-typed literals ("2009-13-45"^^xsd:date), and checks the Python type of rdflib's value.
    """

    datatype: str
    component: URIRef = SH.DatatypeConstraintComponent
    _seen: dict[Term, bool] = field(default_factory=dict)

    def ok(self, ctx: Context, value: Term) -> bool:
        if type(value) is not Lit:
            return False
        datatype = value.datatype
        if datatype == self.datatype and datatype in (XSD_STRING, RDF_LANGSTRING):
            return True  # fast path: rdflib keeps these verbatim, their value is the string
        return _verdict(self._seen, value, self._judge)

    def _judge(self, value: Lit) -> bool:
        rdf = to_rdflib(value)
        assert isinstance(rdf, Literal)
        rule = self.datatype
        if rdf.datatype is not None and str(rdf.datatype) == rule:
            if rdf.ill_typed is True:
                return False
            expected = _VALUE_TYPES.get(rule)
            return True if expected is None else isinstance(rdf.value, expected)
        if rule == str(RDFS.Literal):
            return True
        if rule == str(RDFS.Datatype):
            return bool(rdf.datatype)
        if rdf.datatype is None and rdf.language is None and rule == XSD_STRING:
            return isinstance(rdf.value, (str, bytes))
        if rule == RDF_LANGSTRING and rdf.language:
            return isinstance(rdf.value, (str, bytes))
        return False


_NODE_KINDS: dict[URIRef, tuple[type, ...]] = {
    SH.IRI: (str,), SH.BlankNode: (Blank,), SH.Literal: (Lit,),
    SH.BlankNodeOrIRI: (Blank, str), SH.BlankNodeOrLiteral: (Blank, Lit), SH.IRIOrLiteral: (str, Lit),
}


@dataclass(slots=True)
class NodeKind(_PerValue):
    kinds: tuple[type, ...]
    component: URIRef = SH.NodeKindConstraintComponent

    def ok(self, ctx: Context, value: Term) -> bool:
        return type(value) in self.kinds


@dataclass(slots=True)
class Class(_PerValue):
    """sh:class: typed the class, or a subclass stated in the data (no inference); literals fail."""

    cls: str
    component: URIRef = SH.ClassConstraintComponent

    def ok(self, ctx: Context, value: Term) -> bool:
        return type(value) is not Lit and ctx.data.has_class(value, self.cls)


@dataclass(slots=True)
class In(_PerValue):
    """sh:in: term equality, with literals compared in rdflib's normalized form."""

    members: frozenset[Term]
    component: URIRef = SH.InConstraintComponent

    def ok(self, ctx: Context, value: Term) -> bool:
        return value in self.members


@dataclass(slots=True)
class HasValue(_Base):
    """sh:hasValue: one result per missing value, without sh:value (as pyshacl reports it)."""

    required: tuple[Term, ...]

    def check(self, ctx: Context, shape: CompiledShape, focus: Term, values: Values) -> list[Result]:
        return [shape.result(focus, SH.HasValueConstraintComponent) for value in self.required
                if value not in values]


@dataclass(slots=True)
class Pattern(_Base):
    """sh:pattern with Python's re, as pyshacl: flags i and m only, searched in str() of the value."""

    patterns: tuple[re.Pattern[str], ...]

    def check(self, ctx: Context, shape: CompiledShape, focus: Term, values: Values) -> list[Result]:
        found = NO_RESULTS
        for pattern in self.patterns:
            search = pattern.search
            for value in values:
                text = text_of(value)
                if text is None or not search(text):
                    if found is NO_RESULTS:
                        found = []
                    found.append(shape.result(focus, SH.PatternConstraintComponent, value))
        return found


@dataclass(slots=True)
class MinLength(_PerValue):
    length: int
    component: URIRef = SH.MinLengthConstraintComponent

    def ok(self, ctx: Context, value: Term) -> bool:
        if self.length == 0:
            return True
        text = text_of(value)
        return text is not None and len(text) >= self.length


@dataclass(slots=True)
class MaxLength(_PerValue):
    length: int
    component: URIRef = SH.MaxLengthConstraintComponent

    def ok(self, ctx: Context, value: Term) -> bool:
        text = text_of(value)
        return text is not None and len(text) <= self.length


@dataclass(slots=True)
class LanguageIn(_PerValue):
    """sh:languageIn as pyshacl: the tag, or its first subtag, lower-cased, in the list ('*' for any)."""

    languages: frozenset[str]
    component: URIRef = SH.LanguageInConstraintComponent

    def ok(self, ctx: Context, value: Term) -> bool:
        if type(value) is not Lit or not value.language:
            return False
        language = value.language.lower()
        return "*" in self.languages or language in self.languages or \
            language.split("-")[0] in self.languages


@dataclass(slots=True)
class ValueRange(_PerValue):
    """sh:min/maxIn/Exclusive with pyshacl's own literal comparison (rdflib values; incomparable fails)."""

    bound: Literal
    accept: Callable[[int], bool]
    component: URIRef
    _seen: dict[Term, bool] = field(default_factory=dict)

    def ok(self, ctx: Context, value: Term) -> bool:
        if type(value) is not Lit:
            return False
        return _verdict(self._seen, value, self._judge)

    def _judge(self, value: Lit) -> bool:
        rdf = to_rdflib(value)
        assert isinstance(rdf, Literal)
        if isinstance(rdf.value, str) != isinstance(self.bound.value, str):
            return False
        try:
            return self.accept(compare_literal(rdf, self.bound))
        except (TypeError, NotImplementedError):
            return False


@dataclass(slots=True)
class Equals(_Base):
    """sh:equals: each value missing on either side is a result with that value."""

    predicate: str

    def check(self, ctx: Context, shape: CompiledShape, focus: Term, values: Values) -> list[Result]:
        mine, other = set(values), set(ctx.data.objects(focus, self.predicate))
        if mine == other:
            return NO_RESULTS
        return [shape.result(focus, SH.EqualsConstraintComponent, value)
                for value in (*(mine - other), *(other - mine))]


@dataclass(slots=True)
class Or(_PerValue):
    """sh:or: each value must conform to one of the listed shapes (one result per value otherwise)."""

    alternatives: tuple[CompiledShape, ...]
    component: URIRef = SH.OrConstraintComponent

    def ok(self, ctx: Context, value: Term) -> bool:
        return any(shape.conforms(ctx, value) for shape in self.alternatives)


@dataclass(slots=True)
class Not(_PerValue):
    negated: CompiledShape
    component: URIRef = SH.NotConstraintComponent

    def ok(self, ctx: Context, value: Term) -> bool:
        return not self.negated.conforms(ctx, value)


@dataclass(slots=True)
class Property(_Base):
    """sh:property: the property shape's own results, on each value node of this shape."""

    shapes: tuple[CompiledShape, ...]

    def check(self, ctx: Context, shape: CompiledShape, focus: Term, values: Values) -> list[Result]:
        found = NO_RESULTS
        for prop in self.shapes:
            for value in values:
                more = prop.results(ctx, value)
                if more:
                    found = found + more if found else more
        return found

    def conforms(self, ctx: Context, shape: CompiledShape, focus: Term, values: Values) -> bool:
        return all(prop.conforms(ctx, value) for prop in self.shapes for value in values)


@dataclass(slots=True)
class QualifiedValueShape(_Base):
    """sh:qualifiedValueShape with sh:qualifiedMin/MaxCount (not disjoint): results without sh:value."""

    qualified: CompiledShape
    min_count: int | None
    max_count: int | None

    def check(self, ctx: Context, shape: CompiledShape, focus: Term, values: Values) -> list[Result]:
        if not values and (self.min_count is None or self.min_count < 1):
            return NO_RESULTS
        conforming = sum(1 for value in values if self.qualified.conforms(ctx, value))
        found = []
        if self.max_count is not None and conforming > self.max_count:
            found.append(shape.result(focus, SH.QualifiedMaxCountConstraintComponent))
        if self.min_count is not None and conforming < self.min_count:
            found.append(shape.result(focus, SH.QualifiedMinCountConstraintComponent))
        return found


def node_kind(kind: URIRef) -> NodeKind:
    return NodeKind(_NODE_KINDS[kind])


RANGES: dict[URIRef, tuple[URIRef, Callable[[int], bool]]] = {
    SH.minInclusive: (SH.MinInclusiveConstraintComponent, lambda order: order >= 0),
    SH.minExclusive: (SH.MinExclusiveConstraintComponent, lambda order: order > 0),
    SH.maxInclusive: (SH.MaxInclusiveConstraintComponent, lambda order: order <= 0),
    SH.maxExclusive: (SH.MaxExclusiveConstraintComponent, lambda order: order < 0),
}

@dataclass(slots=True)
class Sparql(_Base):
    """A SPARQL-based constraint (sh:sparql/sh:select), with pyshacl's reading of its solutions.

    Each solution binding ?failure is one result (only the first); otherwise a solution with ?this,
    ?path or ?value bound is a result (identical solutions once), on ?this (else the focus), with
    ?value (else, for a node shape, the focus node) and ?path as the result path. Messages are the
    shape's and the constraint's own, with {?var}/{$var} replaced by the solution's bindings.
    """

    query: SelectQuery
    node: Node  # the sh:sparql node, reported as sh:sourceConstraint
    messages: tuple[Literal, ...]

    def check(self, ctx: Context, shape: CompiledShape, focus: Term, values: Values) -> list[Result]:
        rows = ctx.sparql.select(self.query, focus)
        if not rows:
            return NO_RESULTS
        node_value = focus if shape.path is None else None
        found = []
        seen: set[tuple] = set()  # a set: a query may give many rows, and a list made this quadratic in them
        failed = False
        for row in rows:
            if "failure" in row:
                if failed:
                    continue
                failed = True
                del row["failure"]
                found.append(self._result(shape, focus, node_value, None, row, row))
                continue
            this, path, value = row.pop("this", None), row.pop("path", None), row.pop("value", None)
            if this is None and path is None and value is None:
                continue
            key = (this, path, value, tuple(sorted(row.items())))
            if key in seen:
                continue
            seen.add(key)
            value = value if value is not None else node_value
            bound: dict[str, object] = dict(row)
            for name, term in (("this", this), ("path", path), ("value", value)):
                if term is not None:
                    bound[name] = term
            found.append(self._result(shape, this if this is not None else focus, value, path, row, bound))
        return found

    def _result(self, shape: CompiledShape, focus: Term, value: Term | None, path: Term | None,
                row: dict[str, Term], bound: dict[str, object]) -> Result:
        texts = {name: str(to_rdflib(term)) for name, term in bound.items()}  # type: ignore[arg-type]
        messages = [Literal(format_message(str(m.value), texts)) for m in self.messages if m not in shape.messages]
        messages += [Literal(format_message(str(m.value), texts)) for m in shape.messages]
        result = shape.result(focus, SH.SPARQLConstraintComponent, value)
        if path is not None:
            result.path = to_rdflib(path)
        result.messages = tuple(messages)
        result.source_constraint = self.node
        return result


__all__ = ["RANGES", "Class", "Datatype", "Equals", "HasValue", "In", "LanguageIn", "MaxCount", "MaxLength",
           "MinCount", "MinLength", "NodeKind", "Not", "Or", "Pattern", "Property", "QualifiedValueShape",
           "Sparql", "ValueRange", "node_kind"]
