"""RDF terms as the compiled engine holds them: plain Python values, with literals read the way rdflib reads them.

* An IRI is a `str`, a blank node a `Blank`, a literal a `Lit` (lexical form, datatype IRI,
  language). pyoxigraph terms hash in about 0.5 µs (an IRI) to several µs (a long literal), every
  time; a Python string caches its hash, so the batch index is built on Python values instead.
* The reference engine (pyshacl) sees the data through rdflib, and rdflib *normalizes* every
  well-typed literal it builds: "01"^^xsd:integer becomes "1", "2009-09-10T16:27:00Z"^^xsd:dateTime
  becomes "2009-09-10T16:27:00+00:00", and two literals with the same normalized form are one term
  (one triple in the graph, one value for sh:maxCount, equal for sh:in and sh:equals). Its results
  report values in that form, and its checks (datatype well-formedness, value ranges) use rdflib's
  Python value of the literal. So every literal of a datatype other than xsd:string and
  rdf:langString (which rdflib never rewrites) is replaced by rdflib's normalized form, and rdflib's
  reading of it is remembered: rdflib's own code decides every lexical question, once per distinct
  literal per process (dates, integers and booleans repeat a lot).
"""

from __future__ import annotations

from typing import NamedTuple

from pyoxigraph import BlankNode, DefaultGraph, NamedNode, Quad
from pyoxigraph import Literal as OxLiteral
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
#: Datatypes rdflib keeps as written: their lexical form is their value.
VERBATIM = frozenset({XSD_STRING, RDF_LANGSTRING})


class Blank(NamedTuple):
    """A blank node, by its label."""

    id: str


class Lit(NamedTuple):
    """A literal: lexical form (rdflib's normalized one), datatype IRI, language tag or None."""

    value: str
    datatype: str
    language: str | None = None


Term = str | Blank | Lit

_canonical: dict[tuple[str, str], Lit] = {}  # (lexical, datatype) -> normalized literal
_rdflib_literal: dict[Lit, Literal] = {}  # normalized literal -> rdflib's literal


def typed_literal(lexical: str, datatype: str) -> Lit:
    """The literal as rdflib would hold it: in rdflib's normalized lexical form unless a string."""
    if datatype in VERBATIM:
        return Lit(lexical, datatype)
    key = (lexical, datatype)
    found = _canonical.get(key)
    if found is None:
        rdf = Literal(lexical, datatype=URIRef(datatype))
        found = Lit(str(rdf), datatype)
        _canonical[key] = found
        _rdflib_literal.setdefault(found, rdf)
    return found


def from_ox(term: NamedNode | BlankNode | OxLiteral) -> Term:
    """A pyoxigraph term as an engine term."""
    kind = type(term)
    if kind is NamedNode:
        return term.value
    if kind is OxLiteral:
        if term.language:  # type: ignore[union-attr]
            return Lit(term.value, RDF_LANGSTRING, term.language)  # type: ignore[union-attr]
        return typed_literal(term.value, term.datatype.value)  # type: ignore[union-attr]
    if kind is BlankNode:
        return Blank(term.value)
    raise TypeError(f"not an RDF term the shapes can see: {term!r}")


def to_ox(term: Term) -> NamedNode | BlankNode | OxLiteral:
    if type(term) is str:
        return NamedNode(term)
    if type(term) is Lit:
        if term.language:
            return OxLiteral(term.value, language=term.language)
        return OxLiteral(term.value, datatype=NamedNode(term.datatype))
    return BlankNode(term.id)  # type: ignore[union-attr]


def to_rdflib(term: Term) -> URIRef | BNode | Literal:
    """The rdflib term pyshacl would have seen."""
    if type(term) is str:
        return URIRef(term)
    if type(term) is Blank:
        return BNode(term.id)
    literal = _rdflib_literal.get(term)  # type: ignore[arg-type]
    if literal is not None:
        return literal
    if term.language:  # type: ignore[union-attr]
        return Literal(term.value, lang=term.language)  # type: ignore[union-attr]
    literal = Literal(term.value, datatype=URIRef(term.datatype))  # type: ignore[union-attr]
    if term.datatype not in VERBATIM:  # type: ignore[union-attr]
        _rdflib_literal[term] = literal  # type: ignore[index]
    return literal


def from_rdflib(node: Node) -> Term:
    """An rdflib term (shapes, and test data built with rdflib) as an engine term."""
    if isinstance(node, URIRef):
        return str(node)
    if isinstance(node, BNode):
        return Blank(str(node))
    if isinstance(node, Literal):
        if node.language:
            return Lit(str(node), RDF_LANGSTRING, node.language.lower())
        return typed_literal(str(node), str(node.datatype) if node.datatype else XSD_STRING)
    raise TypeError(f"not an RDF term: {node!r}")


def text_of(term: Term) -> str | None:
    """str() of the term as pyshacl takes it for sh:pattern and sh:minLength; None for a blank node."""
    if type(term) is str:
        return term
    if type(term) is Lit:
        return term.value
    return None


def quads_from_graph(graph: Graph) -> list[Quad]:
    """The triples of an rdflib graph as pyoxigraph quads in the default graph (for tests and tools)."""
    default = DefaultGraph()

    def ox(node: Node) -> NamedNode | BlankNode | OxLiteral:
        if isinstance(node, URIRef):
            return NamedNode(str(node))
        if isinstance(node, BNode):
            return BlankNode(str(node))
        assert isinstance(node, Literal)
        if node.language:
            return OxLiteral(str(node), language=node.language)
        return OxLiteral(str(node), datatype=NamedNode(str(node.datatype)) if node.datatype else None)

    return [Quad(ox(s), ox(p), ox(o), default) for s, p, o in graph]  # type: ignore[arg-type]
