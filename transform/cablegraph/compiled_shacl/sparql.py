"""SPARQL-based targets and constraints: the shapes' own SELECT text, run by pyoxigraph on the batch.

The batch goes into an in-memory pyoxigraph Store once, only when a SPARQL query runs, and only
the triples whose predicate the queries name (read from the parsed query: a triple pattern with a
constant predicate can only match triples of a predicate the query mentions; a query with a
variable predicate or a negated property set gets every triple). A SPARQL target runs once per
batch. A SPARQL constraint runs per focus node with $this pre-bound by substitution (pyoxigraph's
`substitutions`, SEP-0007), which for the queries SHACL allows (no MINUS, VALUES, SERVICE or
sub-SELECT: refused below, as pyshacl refuses or mishandles them) is rdflib's `initBindings`, the
pre-binding pyshacl uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from pyoxigraph import DefaultGraph, NamedNode, Quad, Store, Variable
from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.paths import NegatedPath, Path
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node
from rdflib.term import Variable as RdfVariable

from cablegraph.compiled_shacl.data import RDF_TYPE, BatchData
from cablegraph.compiled_shacl.errors import UnsupportedShapeFeature
from cablegraph.compiled_shacl.terms import Term, from_ox, to_ox

#: Prefixes pyshacl declares for every SPARQL query of a shape.
DEFAULT_PREFIXES = {"rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL)}
THIS = Variable("this")


@dataclass(slots=True)
class SelectQuery:
    """A shape's SELECT, with its prefixes and the predicates it can read (None: all of them)."""

    text: str
    prefixes: dict[str, str]
    predicates: frozenset[str] | None
    binds_this: bool
    types: frozenset[str] | None = None  # the classes its rdf:type patterns name (None: any class)

    def run(self, store: Store, this: Term | None = None) -> list[dict[str, Term]]:
        """The solutions, each variable -> canonical term (unbound variables left out)."""
        substitutions = {THIS: to_ox(this)} if this is not None and self.binds_this else None
        solutions = store.query(self.text, prefixes=self.prefixes, substitutions=substitutions)
        names = [variable.value for variable in solutions.variables]
        rows = []
        for solution in solutions:
            row = {}
            for name in names:
                value = solution[name]
                if value is not None:
                    row[name] = from_ox(value)
            rows.append(row)
        return rows


def compile_select(graph: Graph, holder: Node, shape: Node, text: str) -> SelectQuery:
    """Check and prepare the sh:select of a SPARQL target or constraint node `holder`."""
    helper = SPARQLQueryHelper
    for regex, what in ((helper.has_minus_regex, "MINUS"), (helper.has_values_regex, "VALUES"),
                        (helper.has_service_regex, "SERVICE"), (helper.has_nested_select_regex, "a nested SELECT"),
                        (helper.bind_path_regex, "$PATH"), (helper.bind_sg_regex, "$shapesGraph"),
                        (helper.bind_cs_regex, "$currentShape")):
        if regex.search(text):
            raise UnsupportedShapeFeature(shape, f"a SPARQL query with {what}")
    prefixes = dict(DEFAULT_PREFIXES)
    prefixes.update(_declared_prefixes(graph, holder))
    predicates, types = _predicates(text, prefixes, shape)
    return SelectQuery(text=text, prefixes=prefixes, predicates=predicates,
                       binds_this=bool(helper.bind_this_regex.search(text)), types=types)


def _declared_prefixes(graph: Graph, holder: Node) -> dict[str, str]:
    """sh:prefixes -> sh:declare, as pyshacl collects them (an ontology's declarations by default)."""
    ontologies = set(graph.subjects(RDF.type, OWL.Ontology))
    global_declares = {d for o in ontologies for d in graph.objects(o, SH.declare)}
    found: dict[str, str] = {}
    for prefixes in graph.objects(holder, SH.prefixes):
        own = set(graph.objects(prefixes, SH.declare))
        declares = own if own and prefixes in ontologies else own | global_declares
        for declare in declares:
            prefix = graph.value(declare, SH.prefix)
            namespace = graph.value(declare, SH.namespace)
            if prefix is None or namespace is None:
                raise UnsupportedShapeFeature(holder, "an sh:declare without sh:prefix and sh:namespace")
            found[str(prefix)] = str(namespace)
    return found


def _predicates(text: str, prefixes: dict[str, str], shape: Node
                ) -> tuple[frozenset[str] | None, frozenset[str] | None]:
    """What the query can read: the IRIs it mentions (a superset of its constant predicates; None if
    a predicate is a variable or a negated set), and the classes of its rdf:type patterns (None if a
    class is a variable, or rdf:type is in a property path)."""
    try:
        query = prepareQuery(text, initNs=prefixes)
    except Exception as error:  # pyparsing raises many types: say which shape has the bad query
        raise UnsupportedShapeFeature(shape, f"a SPARQL query rdflib cannot parse ({error})") from error
    iris: set[str] = set()
    types: set[str] = set()
    open_predicate = open_type = False

    def walk(item: object) -> None:
        nonlocal open_predicate, open_type
        if isinstance(item, CompValue):
            if item.name in ("Graph", "GraphGraphPattern", "ServiceGraphPattern"):
                raise UnsupportedShapeFeature(shape, f"a SPARQL query with {item.name}")
            if item.name in ("BGP", "TriplesBlock"):
                for _s, predicate, value in _triples(item):
                    if isinstance(predicate, RdfVariable):
                        open_predicate = True
                    elif predicate == RDF.type:
                        if isinstance(value, URIRef):
                            types.add(str(value))
                        else:
                            open_type = True
            for value in item.values():
                walk(value)
        elif isinstance(item, NegatedPath):
            open_predicate = True
        elif isinstance(item, Path):
            if RDF.type in _path_iris(item):
                open_type = True
            for value in vars(item).values():
                walk(value)
        elif isinstance(item, URIRef):
            iris.add(str(item))
        elif isinstance(item, dict):
            for value in item.values():
                walk(value)
        elif isinstance(item, (list, tuple, set, frozenset)):
            for value in item:
                walk(value)

    walk(query.algebra)
    return (None if open_predicate else frozenset(iris)), (None if open_type or open_predicate else frozenset(types))


def _triples(block: CompValue) -> list[tuple[object, object, object]]:
    """The triple patterns of a BGP, or of a TriplesBlock: the parser's form, which is what rdflib
    leaves inside FILTER (NOT) EXISTS, with each block a flat list s, p, o, s, p, o ..."""
    if block.name == "BGP":
        return list(block.get("triples", ()))
    found = []
    for flat in block.get("triples", ()):
        found += [tuple(flat[i:i + 3]) for i in range(0, len(flat) - 2, 3)]
    return found


def _path_iris(path: object) -> set[object]:
    if isinstance(path, URIRef):
        return {path}
    found: set[object] = set()
    if isinstance(path, Path):
        for value in vars(path).values():
            for item in value if isinstance(value, (list, tuple)) else (value,):
                found |= _path_iris(item)
    return found


@dataclass(slots=True)
class SparqlRunner:
    """The batch's pyoxigraph Store, built on first use from the indexed triples the queries read."""

    data: BatchData
    predicates: frozenset[str] | None  # None: every triple
    types: frozenset[str] | None = None  # rdf:type triples of these classes only (None: all)
    _store: Store | None = field(default=None)

    @property
    def store(self) -> Store:
        if self._store is None:
            store = Store()
            default = DefaultGraph()
            named = {p: NamedNode(p) for p in self.data.forward}
            types = self.types
            store.bulk_extend(Quad(to_ox(s), named[p], to_ox(o), default)  # type: ignore[arg-type]
                              for s, p, o in self.data.triples(self.predicates)
                              if types is None or p != RDF_TYPE or o in types)
            self._store = store
        return self._store

    def select(self, query: SelectQuery, this: Term | None = None) -> list[dict[str, Term]]:
        return query.run(self.store, this)


def union_predicates(queries: Iterable[SelectQuery]) -> frozenset[str] | None:
    return _union(query.predicates for query in queries)


def union_types(queries: Iterable[SelectQuery]) -> frozenset[str] | None:
    return _union(query.types for query in queries)


def _union(sets: Iterable[frozenset[str] | None]) -> frozenset[str] | None:
    """The union of what several queries read; None (everything) as soon as one reads everything."""
    found: set[str] = set()
    for items in sets:
        if items is None:
            return None
        found.update(items)
    return frozenset(found)


def format_message(message: str, bound: dict[str, object]) -> str:
    """pyshacl's substitution of {?var} / {$var} in a SPARQL result's message (re.sub, as it does)."""
    for name, value in bound.items():
        message = re.sub(f"{{[?$]{name}}}", str(value), message)
    return message
