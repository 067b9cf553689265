"""Paged, sortable lists of cables (a post's, a tag's, a person's, a month's, the cables citing one).

A list is sorted once in the store and its order cached (the store is read-only while served); a page
is a slice of it, whose facts come from one small query bound to that page's cables.
"""

from __future__ import annotations

from dataclasses import dataclass

from cablegraph.web.pagequeries import Paging, bound, bound_many, sorted_members
from cablegraph.web.sparql import Sparql, Term


@dataclass(slots=True)
class CableList:
    rows: list[dict[str, Term]]
    total: int
    paging: Paging
    has_next: bool

    @property
    def last_page(self) -> int:
        return max(1, -(-self.total // self.paging.per_page))


async def cable_list(sparql: Sparql, query_name: str, pages: Paging, **values: str) -> CableList:
    """One page of the list, with the total."""
    members = await sparql.members(sorted_members(bound(query_name, **values), pages))
    page = members[pages.offset: pages.offset + pages.per_page]
    rows: list[dict[str, Term]] = []
    if page:
        found: dict[str, dict[str, Term]] = {}
        for row in await sparql.select(bound_many("cable-rows", "cable", page)):
            found.setdefault(row["cable"].value, row)
        rows = [found[iri] for iri in page if iri in found]
    return CableList(rows, len(members), pages, pages.offset + pages.per_page < len(members))
