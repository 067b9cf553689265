"""The SPARQL behind the pages (`queries/pages/*.rq`), bound safely.

Values from the request reach a query only as RDF terms in a VALUES block (the mechanism of
`cablegraph.queries`: IRIs checked by pyoxigraph, literals written by an RDF serializer). Sorting and
paging are not terms: they pick one of the fixed `cables-order-*.rq` files and slice in Python, so
no request text is ever spliced into a query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pyoxigraph import NamedNode

from cablegraph.queries import CannedQuery, insert_values, read_query
from cablegraph.resources import project_root

PER_PAGE = 50
MAX_PAGE = 100_000  # beyond this a page number is refused, not sent to the store
SORTS = ("date", "id", "subject")  # ?sort= keys: each has its queries/pages/cables-order-KEY.rq
ORDERS = ("asc", "desc")
_PROLOGUE = re.compile(r"\A(?:\s+|#[^\n]*\n|(?:PREFIX|prefix)\s+[\w-]*:\s*<[^>]*>|(?:BASE|base)\s*<[^>]*>)*")


@cache
def page_query(name: str) -> CannedQuery:
    """One query of `queries/pages/`, read once."""
    return read_query(project_root() / "queries" / "pages" / f"{name}.rq")


def bound(name: str, **values: str) -> str:
    """The page query `name` with its parameters bound (IRIs, dates) through VALUES."""
    return page_query(name).bind(values)


def bound_many(name: str, variable: str, iris: list[str]) -> str:
    """The page query with one variable bound to several IRIs (a VALUES block with many rows)."""
    terms = " ".join(str(NamedNode(iri)) for iri in iris)
    return insert_values(page_query(name).text, f"VALUES ?{variable} {{ {terms} }}")


@dataclass(frozen=True, slots=True)
class Paging:
    page: int = 1
    sort: str = "date"
    order: str = "desc"
    per_page: int = PER_PAGE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


class BadPaging(ValueError):
    """A page/sort/order parameter the site does not offer; the message says what it does offer."""


def paging(params: dict[str, str], default_sort: str = "date", default_order: str = "desc") -> Paging:
    """Paging from query parameters, validated: page a whole number in 1..MAX_PAGE, sort and order from the tables."""
    raw_page = params.get("page", "1").strip() or "1"
    if not raw_page.isdigit() or len(raw_page) > 7:
        raise BadPaging(f"page must be a whole number from 1 to {MAX_PAGE:,}, not {raw_page[:40]!r}")
    page = int(raw_page)
    if not 1 <= page <= MAX_PAGE:
        raise BadPaging(f"page must be from 1 to {MAX_PAGE:,}, not {page:,}")
    sort = params.get("sort", default_sort)
    if sort not in SORTS:
        raise BadPaging(f"sort must be one of {', '.join(SORTS)}")
    order = params.get("order", default_order)
    if order not in ORDERS:
        raise BadPaging("order must be asc or desc")
    return Paging(page, sort, order)


def members_of(query: str) -> str:
    """Only the ?cable column of a bound list query: its prologue kept in front, the rest a subquery."""
    prologue = _PROLOGUE.match(query)
    head = prologue.group(0) if prologue else ""
    return f"{head}\nSELECT DISTINCT ?cable WHERE {{\n  {{\n{query[len(head):]}\n  }}\n}}\n"
