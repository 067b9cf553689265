"""Paged, sortable lists of cables (a post's, a tag's, a person's, a month's, the cables citing one).

Sorting a list of 141,000 cables in the store takes seconds (ORDER BY over a join), and every page of
every list would pay it. The store is read-only while served, so the site asks once for every cable
in each order (`cables-order-date|id|subject.rq`), keeps each cable's rank, and sorts a list by those
ranks in Python; a list's members come unsorted from its own query (an index lookup). Sorted lists
are kept too (bounded), so further pages of a list are slices. A page's facts come from one small
query bound to that page's cables.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from cablegraph.web.pagequeries import Paging, bound, bound_many, members_of
from cablegraph.web.sparql import Sparql, Term

SORTED_LISTS_KEPT = 64
_sorted: OrderedDict[tuple[int, str, str, str], list[str]] = OrderedDict()


@dataclass(slots=True)
class CableList:
    rows: list[dict[str, Term]]
    total: int
    paging: Paging
    has_next: bool

    @property
    def last_page(self) -> int:
        return max(1, -(-self.total // self.paging.per_page))


async def ranks(sparql: Sparql, sort: str) -> dict[str, int]:
    """Each cable's position in the whole dataset's order for `sort` (computed once, then held)."""
    return await sparql.ranking(bound(f"cables-order-{sort}"))


async def sorted_list(sparql: Sparql, query: str, sort: str, order: str) -> list[str]:
    key = (id(sparql), query, sort, order)
    if key in _sorted:
        _sorted.move_to_end(key)
        return _sorted[key]
    members = await sparql.members(members_of(query))
    rank = await ranks(sparql, sort)
    last = len(rank)
    ordered = sorted(members, key=lambda iri: (rank.get(iri, last), iri), reverse=(order == "desc"))
    _sorted[key] = ordered
    while len(_sorted) > SORTED_LISTS_KEPT:
        _sorted.popitem(last=False)
    return ordered


async def cable_list(sparql: Sparql, query_name: str, pages: Paging, **values: str) -> CableList:
    """One page of the list, with the total."""
    members = await sorted_list(sparql, bound(query_name, **values), pages.sort, pages.order)
    page = members[pages.offset: pages.offset + pages.per_page]
    rows: list[dict[str, Term]] = []
    if page:
        found: dict[str, dict[str, Term]] = {}
        for row in await sparql.select(bound_many("cable-rows", "cable", page)):
            found.setdefault(row["cable"].value, row)
        rows = [found[iri] for iri in page if iri in found]
    return CableList(rows, len(members), pages, pages.offset + pages.per_page < len(members))
