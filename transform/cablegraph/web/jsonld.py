"""JSON-LD people can read: our triples compacted with the published context (`ontology/context.jsonld`).

Why: pyoxigraph writes expanded JSON-LD, where every key is a full IRI and every value an object
(`"http://purl.org/dc/terms/title": [{"@value": "..."}]`). A newcomer wants `"title": "..."`. The
context gives each property the data uses a short key (its local name) and says which ones point
at resources (`"@type": "@id"`), so `originPost` is a link, and which ones hold English prose
(`"@language": "en"`), so `title` is a plain string although its value is tagged `@en`. The context is
inlined in every response (a remote context that does not resolve breaks JSON-LD processors) and
also served at /context.jsonld. Compaction is done here, by the JSON-LD rules for this one context:
a value keeps `@type` or `@language` when the context does not imply them, and a property with no
key keeps its full IRI, so expanding the output gives back exactly the triples.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from cablegraph.resources import project_file

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@cache
def context() -> dict[str, Any]:
    """The `@context` object of ontology/context.jsonld."""
    return json.loads(project_file("ontology", "context.jsonld").read_text(encoding="utf-8"))["@context"]


@cache
def _prefixes() -> list[tuple[str, str]]:
    found = [(key, value) for key, value in context().items()
             if isinstance(value, str) and value.endswith(("/", "#")) and not key.startswith("@")]
    return sorted(found, key=lambda item: -len(item[1]))


@cache
def _terms() -> dict[str, tuple[str, bool, str | None]]:
    """property IRI -> (key, whether its values are links, the language a plain string of the key is in)."""
    terms = {}
    for key, value in context().items():
        if key.startswith("@") or key in ("id", "type"):
            continue
        definition = value if isinstance(value, dict) else {"@id": value}
        iri = _expand(definition["@id"])
        if iri.endswith(("/", "#")):
            continue  # a prefix, not a property
        terms[iri] = (key, definition.get("@type") == "@id", definition.get("@language"))
    return terms


def _expand(value: str) -> str:
    prefix, _, rest = value.partition(":")
    namespace = context().get(prefix)
    return namespace + rest if isinstance(namespace, str) and not rest.startswith("//") else value


def compact_iri(iri: str) -> str:
    """`http://purl.org/dc/terms/title` -> `dcterms:title`; a data IRI stays whole."""
    for prefix, namespace in _prefixes():
        if iri.startswith(namespace) and len(iri) > len(namespace) and ":" not in iri[len(namespace):]:
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _node_id(term: Any) -> str:
    return f"_:{term.value}" if type(term).__name__ == "BlankNode" else compact_iri(term.value)


def _value(term: Any, link: bool, language: str | None = None) -> Any:
    """A value as the key's definition lets it be written: a bare string only when expanding it under that
    key gives back the same literal (an untagged string under an English key must stay a value object)."""
    kind = type(term).__name__
    if kind in ("NamedNode", "BlankNode"):
        return _node_id(term) if link else {"@id": _node_id(term)}
    if term.language:
        if language is not None and term.language.lower() == language.lower() and not link:
            return term.value
        return {"@value": term.value, "@language": term.language}
    if term.datatype.value == XSD_STRING:
        return term.value if not link and language is None else {"@value": term.value}
    return {"@value": term.value, "@type": compact_iri(term.datatype.value)}


def document(triples: list) -> dict[str, Any]:
    """`{"@context": ..., "@graph": [...]}`: one node object per subject, keys in a stable order."""
    nodes: dict[str, dict[str, Any]] = {}
    terms = _terms()
    for triple in triples:
        subject = _node_id(triple.subject)
        node = nodes.setdefault(subject, {"id": subject})
        predicate = triple.predicate.value
        if predicate == RDF_TYPE and type(triple.object).__name__ == "NamedNode":
            node.setdefault("type", []).append(compact_iri(triple.object.value))
            continue
        key, link, language = terms.get(predicate, (compact_iri(predicate), False, None))
        if key == compact_iri(predicate) and predicate not in terms:
            key = predicate  # no short key: the full IRI, never a compact form the context may not define
        node.setdefault(key, []).append(_value(triple.object, link, language))
    graph = []
    for node in nodes.values():
        graph.append({key: (values[0] if isinstance(values, list) and len(values) == 1 and key != "type"
                            else values) for key, values in node.items()})
    return {"@context": context(), "@graph": graph}


def serialise(triples: list) -> bytes:
    return json.dumps(document(triples), ensure_ascii=False, indent=1).encode("utf-8")
