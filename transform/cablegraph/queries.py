"""Canned SPARQL queries (`queries/*.rq`) and binding their parameters safely.

Each query file starts with a header of comment lines::

    # title: Cables by TAGS code
    # description: ...
    # param: tag literal PGOV  The TAGS code as written in cables.

A parameter is a variable of the query. Its value is turned into a typed RDF term
(`literal`, `integer`, `date`, `iri`, or `vocab:<scheme>` for one of our concepts) and bound
with a `VALUES` block placed at the start of the query's outermost WHERE group. The term is
written by an RDF serializer, which escapes it, so a value such as `x" } ; DROP ALL ; #`
stays one harmless literal: user text never becomes query syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pyoxigraph import Literal, NamedNode

from cablegraph.rdf.mint import segment
from cablegraph.rdf.vocab import VOCAB_BASE
from cablegraph.resources import project_root

XSD = "http://www.w3.org/2001/XMLSchema#"
PARAM = re.compile(r"^#\s*param:\s*(?P<name>\w+)\s+(?P<kind>[\w:-]+)\s+(?P<default>\S+)\s*(?P<help>.*)$")


class QueryError(ValueError):
    """A query or a parameter value is not usable; the message says which and why."""


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    kind: str  # literal | integer | date | iri | vocab:<scheme>
    default: str
    help: str = ""

    def term(self, value: str) -> Literal | NamedNode:
        """The RDF term for a user's value, checked against the parameter's kind."""
        if self.kind == "literal":
            return Literal(value)
        if self.kind == "integer":
            if not re.fullmatch(r"[+-]?\d{1,18}", value.strip()):
                raise QueryError(f"parameter {self.name} must be a whole number, not {value!r}")
            return Literal(str(int(value)), datatype=NamedNode(XSD + "integer"))
        if self.kind == "date":
            try:
                parsed = date.fromisoformat(value.strip())
            except ValueError:
                raise QueryError(f"parameter {self.name} must be a date like 2009-09-10, not {value!r}") from None
            return Literal(parsed.isoformat(), datatype=NamedNode(XSD + "date"))
        if self.kind == "iri":
            try:
                return NamedNode(value.strip())
            except ValueError:
                raise QueryError(f"parameter {self.name} must be an IRI, not {value!r}") from None
        if self.kind.startswith("vocab:"):
            scheme = self.kind.split(":", 1)[1]
            return NamedNode(f"{VOCAB_BASE}{scheme}/{segment(value.strip().upper().replace(' ', '_'))}")
        raise QueryError(f"parameter {self.name} has an unknown kind {self.kind!r}")


@dataclass(frozen=True, slots=True)
class CannedQuery:
    name: str
    path: Path
    title: str
    description: str
    text: str
    params: tuple[Param, ...] = field(default_factory=tuple)

    def bind(self, values: dict[str, str] | None = None) -> str:
        """The query text with every parameter bound (given values, else defaults) by a VALUES block."""
        values = dict(values or {})
        unknown = set(values) - {param.name for param in self.params}
        if unknown:
            known = ", ".join(param.name for param in self.params) or "none"
            raise QueryError(f"{self.name} has no parameter {', '.join(sorted(unknown))} (it has: {known})")
        if not self.params:
            return self.text
        names = " ".join(f"?{param.name}" for param in self.params)
        terms = " ".join(str(param.term(values.get(param.name, param.default))) for param in self.params)
        return insert_values(self.text, f"VALUES ({names}) {{ ({terms}) }}")


def read_query(path: Path) -> CannedQuery:
    text = path.read_text(encoding="utf-8")
    header: dict[str, str] = {}
    params: list[Param] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        if match := PARAM.match(line):
            params.append(Param(match["name"], match["kind"], match["default"], match["help"].strip()))
        elif match := re.match(r"^#\s*(title|description):\s*(.*)$", line):
            header[match[1]] = match[2].strip()
        elif header.get("description") is not None and re.match(r"^#\s{2,}\S", line):
            header["description"] += " " + line.lstrip("# ").strip()
    return CannedQuery(path.stem, path, header.get("title", path.stem), header.get("description", ""), text,
                       tuple(params))


def canned_queries(folder: Path | None = None) -> dict[str, CannedQuery]:
    """The user-facing queries of `queries/`, by name (file stem)."""
    folder = folder or project_root() / "queries"
    return {path.stem: read_query(path) for path in sorted(folder.glob("*.rq"))}


def find_query(name_or_path: str) -> CannedQuery:
    path = Path(name_or_path)
    if path.suffix == ".rq" and path.is_file():
        return read_query(path)
    queries = canned_queries()
    if name_or_path not in queries:
        raise QueryError(f"no canned query {name_or_path!r}; known: {', '.join(queries)} (or give a .rq file)")
    return queries[name_or_path]


def insert_values(query: str, values_block: str) -> str:
    """Put `values_block` right after the `{` that opens the outermost WHERE group.

    A small scanner skips comments, strings and IRIs, so braces or the word WHERE inside
    them are not mistaken for syntax.
    """
    depth = 0
    i = 0
    seen_where = False
    while i < len(query):
        char = query[i]
        if char == "#":
            i = query.find("\n", i) if "\n" in query[i:] else len(query)
            continue
        if char in "\"'":
            i = _skip_string(query, i)
            continue
        if char == "<" and re.match(r"<[^<>\"{}|^`\\\s]*>", query[i:]):
            i = query.index(">", i) + 1
            continue
        if depth == 0 and query[i:i + 5].upper() == "WHERE" and not query[i - 1:i].isalnum():
            seen_where = True
        if char == "{":
            if depth == 0 and (seen_where or _is_implicit_where(query, i)):
                return f"{query[:i + 1]}\n  {values_block}\n{query[i + 1:]}"
            depth += 1
        elif char == "}":
            depth -= 1
        i += 1
    raise QueryError("could not find the query's WHERE group to bind parameters in")


def _is_implicit_where(query: str, brace: int) -> bool:
    """`SELECT * { ... }` (WHERE omitted): the first top-level brace after SELECT/ASK is the pattern."""
    head = re.sub(r"#[^\n]*", "", query[:brace]).upper()
    return bool(re.search(r"\b(SELECT|ASK)\b", head)) and "CONSTRUCT" not in head and "DESCRIBE" not in head


def _skip_string(query: str, start: int) -> int:
    quote = query[start]
    if query[start:start + 3] == quote * 3:
        end = query.find(quote * 3, start + 3)
        return len(query) if end < 0 else end + 3
    i = start + 1
    while i < len(query) and query[i] != quote:
        i += 2 if query[i] == "\\" else 1
    return i + 1
