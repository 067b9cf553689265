"""The data of one batch, indexed in plain dicts for the compiled shapes.

Only the predicates something asks about are indexed (the shapes' paths, targets, sh:equals and
sh:class, the SPARQL queries' IRIs), so the long tail of a cable's triples costs one dict lookup
each. Triples are deduplicated, as in an rdflib graph: a shared description (a post, a tag) comes
with every cable of the batch that uses it. Objects of a subject are kept in a short list (almost
always one value), deduplicated by comparison rather than hashing: a cable's full text is a long
literal, and nothing needs its hash.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pyoxigraph import BlankNode, NamedNode, Quad
from pyoxigraph import Literal as OxLiteral

from cablegraph.compiled_shacl.terms import RDF_LANGSTRING, VERBATIM, Blank, Lit, Term, typed_literal

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_SUBCLASS_OF = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
EMPTY: tuple[Term, ...] = ()
Values = list[Term] | set[Term] | tuple[Term, ...]


class BatchData:
    """Subject -> objects and object -> subjects, per predicate IRI, of the triples of a batch."""

    __slots__ = ("forward", "inverse", "keep_all")

    def __init__(self, forward: Iterable[str], inverse: Iterable[str], keep_all: bool = False) -> None:
        """`forward`: predicates to index by subject; `inverse`: also by object; `keep_all`: index everything."""
        self.forward: dict[str, dict[Term, list[Term]]] = {p: {} for p in forward}
        self.inverse: dict[str, dict[Term, set[Term]]] = {p: {} for p in inverse}
        for predicate in self.inverse:
            self.forward.setdefault(predicate, {})
        self.keep_all = keep_all

    def add(self, quads: Iterable[Quad]) -> None:
        """Index the quads (graph names dropped). The hot loop of the engine: kept flat on purpose."""
        forward, inverse, keep_all = self.forward, self.inverse, self.keep_all
        for quad in quads:
            predicate = quad.predicate.value
            by_subject = forward.get(predicate)
            if by_subject is None:
                if not keep_all:
                    continue
                by_subject = forward[predicate] = {}
            subject = quad.subject
            subject = subject.value if type(subject) is NamedNode else Blank(subject.value)
            value = quad.object
            kind = type(value)
            if kind is NamedNode:
                value = value.value
            elif kind is OxLiteral:
                datatype = value.datatype.value
                if datatype in VERBATIM:
                    value = Lit(value.value, datatype, value.language if datatype == RDF_LANGSTRING else None)
                else:
                    value = typed_literal(value.value, datatype)
            elif kind is BlankNode:
                value = Blank(value.value)
            else:
                raise TypeError(f"unsupported RDF term in the data: {value!r}")
            objects = by_subject.get(subject)
            if objects is None:
                by_subject[subject] = [value]
            elif value not in objects:
                objects.append(value)
            else:
                continue
            by_object = inverse.get(predicate)
            if by_object is not None:
                subjects = by_object.get(value)
                if subjects is None:
                    by_object[value] = {subject}
                else:
                    subjects.add(subject)

    def objects(self, subject: Term, predicate: str) -> list[Term] | tuple[Term, ...]:
        by_subject = self.forward.get(predicate)
        return by_subject.get(subject, EMPTY) if by_subject is not None else EMPTY

    def subjects(self, predicate: str, value: Term) -> set[Term] | tuple[Term, ...]:
        by_object = self.inverse.get(predicate)
        if by_object is None:
            raise KeyError(f"{predicate} is not indexed by object")
        return by_object.get(value, EMPTY)

    def subjects_of(self, predicate: str) -> Iterable[Term]:
        return self.forward.get(predicate, {}).keys()

    def objects_of(self, predicate: str) -> Iterator[Term]:
        for values in self.forward.get(predicate, {}).values():
            yield from values

    def instances(self, cls: Term) -> set[Term]:
        """Nodes typed `cls` or (as pyshacl does, without inference) a subclass of it stated in the data."""
        found = set(self.subjects(RDF_TYPE, cls))
        for subclass in self.subclasses(cls):
            found.update(self.subjects(RDF_TYPE, subclass))
        return found

    def subclasses(self, cls: Term) -> set[Term]:
        """Transitive rdfs:subClassOf children of `cls` in the data (usually none)."""
        inverse = self.inverse.get(RDFS_SUBCLASS_OF)
        if not inverse:
            return set()
        seen: set[Term] = set()
        todo = [cls]
        while todo:
            for child in inverse.get(todo.pop(), EMPTY):
                if child not in seen and child != cls:
                    seen.add(child)
                    todo.append(child)
        return seen

    def has_class(self, node: Term, cls: Term) -> bool:
        """sh:class: a type of `node` is `cls` or has it as a transitive rdfs:subClassOf in the data."""
        types = self.objects(node, RDF_TYPE)
        if cls in types:
            return True
        superclasses = self.forward.get(RDFS_SUBCLASS_OF)
        if not superclasses or not types:
            return False
        seen: set[Term] = set()
        todo = list(types)
        while todo:
            for parent in superclasses.get(todo.pop(), EMPTY):
                if parent == cls:
                    return True
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return False

    def triples(self, predicates: Iterable[str] | None = None) -> Iterator[tuple[Term, str, Term]]:
        """The indexed triples, of the given predicates or all."""
        chosen = list(self.forward) if predicates is None else predicates
        for predicate in chosen:
            for subject, values in self.forward.get(predicate, {}).items():
                for value in values:
                    yield subject, predicate, value
