"""`SERVICE cg:search { ... }` in a SPARQL query: words answered by the full-text index, joined with the graph.

Oxigraph has no text index, so the site evaluates the service itself, the way Fuseki's jena-text and
Virtuoso's bif:contains join text search with graph patterns: it asks the index, then hands the store
the same query with the SERVICE clause replaced by a VALUES block of the hits. Everything else in the
query (graph patterns, FILTERs, ORDER BY ?score) is the store's to evaluate::

    PREFIX cg: <https://w3id.org/cablegraph/ontology#>
    SELECT ?cable ?score ?snippet ?post WHERE {
      SERVICE cg:search { ?cable cg:matches "qadhafi tent" ; cg:score ?score ; cg:snippet ?snippet . }
      ?cable cg:originPost ?post .
    } ORDER BY DESC(?score)

Inside the service, the subject is a variable bound to the matching cables. `cg:matches` (exactly one
string) takes the words in the index's query language; `cg:score` (higher is better: BM25 negated) and
`cg:snippet` (the matched words in [brackets]) bind when asked; `cg:limit` (at most MAX_HITS, default
DEFAULT_HITS) caps the hits, best first; `cg:tag`, `cg:origin`, `cg:classification`, `cg:caveat`,
`cg:from` and `cg:to` narrow them inside the index, before the cap. A value may also be a variable that
a one-row VALUES block of the query binds (how `cablegraph query -p words=...` passes words in). The hits
reach the store as RDF terms serialised by pyoxigraph in a VALUES block (the mechanism of
cablegraph.queries), never as text.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal, NamedNode

from cablegraph.search.query import MARK_END, MARK_START, Filters, Searcher

CG = "https://w3id.org/cablegraph/ontology#"
SEARCH = CG + "search"
DEFAULT_HITS = 1_000
MAX_HITS = 10_000
XSD_DOUBLE = NamedNode("http://www.w3.org/2001/XMLSchema#double")
_FILTERS = {"tag", "origin", "classification", "caveat", "from", "to"}
#: rdflib's SPARQL grammar is not thread-safe: whoever parses passes its lock (web/querycheck.py's).
_OWN_LOCK = threading.Lock()


class ServiceError(ValueError):
    """A search service clause the site cannot evaluate; the message says what to write instead."""


@dataclass(slots=True)
class SearchCall:
    """One `SERVICE cg:search { ... }` clause, read from the query."""

    text: str  # the clause exactly as written, to be replaced
    subject: str  # the variable bound to the cables
    words: str = ""
    score: str | None = None
    snippet: str | None = None
    limit: int = DEFAULT_HITS
    tags: list[str] = field(default_factory=list)
    filters: dict[str, str] = field(default_factory=dict)

    def filter_values(self) -> Filters:
        return Filters(tuple(self.tags), self.filters.get("origin"), self.filters.get("classification"),
                       self.filters.get("caveat"), self.filters.get("from"), self.filters.get("to"))


def search_calls(query: str, lock: threading.Lock = _OWN_LOCK) -> list[SearchCall]:
    """The search clauses of a query (none when it has no `SERVICE cg:search`); ServiceError when one is
    written in a way the site cannot answer."""
    if SEARCH.rsplit("#", 1)[1] not in query:
        return []
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    with lock:
        algebra = translateQuery(parseQuery(query)).algebra
    bound = _single_values(algebra)
    return [_read_call(node, bound) for node in _services(algebra)]


def _single_values(node: object) -> dict[str, object]:
    """Variables a VALUES block of the query binds to exactly one value (how canned queries pass words in)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    found: dict[str, object] = {}
    if isinstance(node, CompValue):
        if node.name == "values" and len(node.get("res") or []) == 1:
            found.update({str(name): value for name, value in node["res"][0].items()})
        for value in node.values():
            found.update(_single_values(value))
    elif isinstance(node, list | tuple):
        for value in node:
            found.update(_single_values(value))
    return found


def _services(node: object):
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        if node.name == "ServiceGraphPattern" and str(node.get("term")) == SEARCH:
            yield node
            return
        for value in node.values():
            yield from _services(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from _services(value)


def _read_call(node, bound: dict[str, object]) -> SearchCall:
    from rdflib.term import Literal as RdfLiteral
    from rdflib.term import Variable

    triples = [triple for block in _blocks(node.get("graph")) for triple in block]
    subjects = {subject for subject, _, _ in triples}
    if not triples or len(subjects) != 1 or not isinstance(next(iter(subjects)), Variable):
        raise ServiceError("SERVICE cg:search takes one variable as the subject of all its triples: "
                           '{ ?cable cg:matches "words" ; cg:score ?score ; cg:snippet ?snippet }')
    call = SearchCall(text=str(node.get("service_string")), subject=str(next(iter(subjects))))
    for _, predicate, value in triples:
        name = str(predicate).removeprefix(CG)
        if name in ("score", "snippet"):
            if not isinstance(value, Variable):
                raise ServiceError(f"cg:{name} takes a variable")
            setattr(call, name, str(value))
            continue
        if isinstance(value, Variable) and str(value) in bound:
            value = bound[str(value)]  # bound by a one-row VALUES block of the query
        if not isinstance(value, RdfLiteral):
            raise ServiceError(f"cg:{name} takes a literal value, not {value.n3()}")
        if name == "matches":
            call.words = str(value)
        elif name == "limit":
            if not str(value).isdigit() or not 1 <= int(value) <= MAX_HITS:
                raise ServiceError(f"cg:limit takes a whole number from 1 to {MAX_HITS:,}")
            call.limit = int(value)
        elif name == "tag":
            call.tags.append(str(value).upper())
        elif name in _FILTERS:
            call.filters[name] = str(value) if name in ("from", "to") else str(value).upper()
        else:
            raise ServiceError(f"SERVICE cg:search knows cg:matches, cg:score, cg:snippet, cg:limit and "
                               f"cg:{', cg:'.join(sorted(_FILTERS))}, not <{predicate}>")
    if not call.words and not call.tags and not call.filters:
        raise ServiceError('SERVICE cg:search needs cg:matches "words" (or at least one filter such as cg:tag)')
    return call


def _blocks(node: object):
    """The triples of the service's group, three by three (a block or filter of any other kind is refused)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    for part in (node or {}).get("part", []) if isinstance(node, CompValue) else []:
        if not isinstance(part, CompValue) or part.name != "TriplesBlock":
            raise ServiceError("SERVICE cg:search holds triples only (no FILTER, OPTIONAL or nested groups)")
        for triples in part.get("triples", []):
            yield [tuple(triples[i:i + 3]) for i in range(0, len(triples), 3)]


def rewrite(query: str, calls: list[SearchCall], searcher: Searcher) -> str:
    """The query with each search clause replaced by a VALUES block of its hits (run off the event loop)."""
    for call in calls:
        if call.text not in query:
            raise ServiceError("the SERVICE cg:search clause could not be found in the query as written")
        found = searcher.search(call.words, call.filter_values(), limit=call.limit, facets=False,
                                snippets=call.snippet is not None)
        variables = [call.subject, *(name for name in (call.score, call.snippet) if name)]
        rows = []
        for hit in found.hits:
            terms = [str(NamedNode(hit.iri))]
            if call.score:
                terms.append(str(Literal(repr(-hit.score), datatype=XSD_DOUBLE)))
            if call.snippet:
                terms.append(str(Literal(" ".join(hit.snippet.replace(MARK_START, "[").replace(MARK_END, "]")
                                                  .split()))))
            rows.append("(" + " ".join(terms) + ")")
        block = "VALUES (" + " ".join("?" + name for name in variables) + ") {\n" + "\n".join(rows) + "\n}"
        query = query.replace(call.text, block)
    return query


def answer_search(query: str, index: Path | None, *, lock: threading.Lock = _OWN_LOCK,
                  seconds: float | None = None) -> str:
    """`query` with its search clauses answered by the index file `index` (unchanged when it has none); the one
    way the site's /sparql and `cablegraph query --data` do it. Raises ServiceError or SearchError for a clause
    it cannot answer, FileNotFoundError without an index, SearchTimedOut past `seconds`."""
    calls = search_calls(query, lock)
    if not calls:
        return query
    if index is None:
        raise FileNotFoundError("no search index")
    searcher = Searcher(index)  # one read-only connection per query: opening it costs well under a millisecond
    try:
        if seconds is None:
            return rewrite(query, calls, searcher)
        with searcher.time_limit(seconds):
            return rewrite(query, calls, searcher)
    finally:
        searcher.close()
