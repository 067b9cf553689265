"""What a query sent to `/sparql` is, decided by a SPARQL parser (rdflib's), not by a regular expression.

A regular expression read words in comments as updates (`# start with this` was refused as `WITH`) and
backtracked exponentially on repeated spaces, freezing the site. The parser reads the query as the
grammar does, so comments, strings and IRIs are what they are; it runs in a worker thread (the caller's
job: `await anyio.to_thread.run_sync(judge, text)`) after a size check, so no query blocks the event loop.

The verdict says whether the query may go to the store, and why not:

* an update (`INSERT`, `DELETE`, `LOAD`, `CLEAR`, `DROP`, ...) is refused: the endpoint is read-only;
* `SERVICE` is refused unless the operator allowed that endpoint by name: the public endpoint reaches
  nothing outside (a `SERVICE <http://127.0.0.1:PORT/...>` would make it fetch from this machine);
* text that is no query gets the parser's own message (line and column) and a 400;
* the query's dataset (`FROM`, `FROM NAMED`) is returned, so the endpoint can hand it to the store as the
  protocol's `default-graph-uri` / `named-graph-uri`, which the store honours.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

from cablegraph.search.service import SEARCH

MAX_PARSED_BYTES = 256 * 1024  # a longer query is refused before the parser sees it


@dataclass(frozen=True, slots=True)
class Verdict:
    status: int  # 200: send it on; 400 not a query, 403 refused, 413 too long
    message: str = ""
    form: str | None = None  # SelectQuery, ConstructQuery, AskQuery, DescribeQuery
    services: tuple[str, ...] = ()
    default_graphs: tuple[str, ...] = ()  # FROM
    named_graphs: tuple[str, ...] = ()  # FROM NAMED

    @property
    def ok(self) -> bool:
        return self.status == 200


READ_ONLY = ("This SPARQL endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP...) is refused. "
             "Download the data from /dumps/ and load it into your own store to change it.\n")
NO_SERVICE = ("SERVICE is refused here: this endpoint queries only its own data and reaches nothing outside ({iri}). "
              "Run federated queries from your own SPARQL client or store, with this endpoint as one of the "
              "services.\n")


# rdflib's SPARQL grammar (pyparsing) is not thread-safe: two parses at once in worker threads fail with
# "Param.postParse2() missing 1 required positional argument" (79 of a burst of 80 queries answered 500).
# One parse at a time; the wait is in the worker thread, never on the event loop, and a parse is bounded
# by MAX_PARSED_BYTES.
PARSER = threading.Lock()


def judge(text: str, allowed_services: Iterable[str] = ()) -> Verdict:
    """The verdict on one query text (call it off the event loop: parsing costs about 10-20 ms)."""
    size = len(text.encode("utf-8", "replace"))
    if size > MAX_PARSED_BYTES:
        return Verdict(413, f"The query is too long ({size:,} bytes; {MAX_PARSED_BYTES:,} at most).\n")
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        with PARSER:
            tree = parseQuery(text)
    except ParseException as error:
        if _is_update(text):
            return Verdict(403, READ_ONLY)
        return Verdict(400, f"This is not a SPARQL query: {error.msg} at line {error.lineno}, column {error.col}.\n")
    except (RecursionError, MemoryError):
        return Verdict(400, "The query is nested too deeply to be read.\n")
    prologue, query = tree[0], tree[1]
    resolve = _resolver(prologue)
    services = tuple(resolve(term) for term in _service_terms(query))
    allowed = set(allowed_services)
    for iri in services:
        if iri not in allowed and iri != SEARCH:  # cg:search is the site's own index, answered here
            return Verdict(403, NO_SERVICE.format(iri=iri or "a variable endpoint"), form=query.name,
                           services=services)
    defaults, named = _dataset(query, resolve)
    return Verdict(200, form=query.name, services=services, default_graphs=defaults, named_graphs=named)


def _field(node: object, key: str) -> object:
    """A field of rdflib's parse tree, or None (its CompValue.get answers a missing key with the key's name)."""
    return node[key] if isinstance(node, dict) and key in node else None


def _is_update(text: str) -> bool:
    """Whether text that is no query is an update (refused as such, 403) rather than no SPARQL at all."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        with PARSER:
            parseUpdate(text)
    except (ParseException, RecursionError, MemoryError):
        return False
    return True


def _service_terms(node: object) -> Iterable[object]:
    """Every SERVICE endpoint term in the parse tree (an IRI, a prefixed name or a variable)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if getattr(current, "name", None) == "ServiceGraphPattern":
            yield _field(current, "term")
        if isinstance(current, dict):
            stack.extend(current.values())
        elif isinstance(current, (list, tuple)):
            stack.extend(current)


def _resolver(prologue: object):
    """Resolve a term of the parse tree to an IRI string with the query's own PREFIX and BASE declarations;
    '' for anything that is no IRI (a variable)."""
    from rdflib import URIRef

    prefixes: dict[str, str] = {}
    for declaration in list(prologue) if prologue is not None else []:
        if getattr(declaration, "name", None) == "PrefixDecl":
            prefixes[str(_field(declaration, "prefix") or "")] = str(_field(declaration, "iri"))

    def resolve(term: object) -> str:
        if isinstance(term, URIRef):
            return str(term)
        if getattr(term, "name", None) == "pname":
            namespace = prefixes.get(str(_field(term, "prefix") or ""))
            return namespace + str(_field(term, "localname") or "") if namespace is not None else ""
        return ""

    return resolve


def _dataset(query: object, resolve) -> tuple[tuple[str, ...], tuple[str, ...]]:
    clauses = _field(query, "datasetClause") or []
    if getattr(clauses, "name", None) == "DatasetClause":
        clauses = [clauses]
    defaults = [resolve(_field(clause, "default")) for clause in clauses if _field(clause, "default") is not None]
    named = [resolve(_field(clause, "named")) for clause in clauses if _field(clause, "named") is not None]
    return tuple(defaults), tuple(named)
