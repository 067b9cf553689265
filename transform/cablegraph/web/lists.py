"""Paged, sortable lists of cables (a post's, a tag's, a person's, a month's, the cables citing one)."""

from __future__ import annotations

from dataclasses import dataclass, field

from cablegraph.web.pagequeries import Paging, bound, counted, paged
from cablegraph.web.sparql import Sparql, Term


@dataclass(slots=True)
class CableList:
    rows: list[dict[str, Term]]
    total: int
    paging: Paging
    has_next: bool
    columns: tuple[str, ...] = field(default=("id", "created", "origin", "classification", "subject"))

    @property
    def last_page(self) -> int:
        return max(1, -(-self.total // self.paging.per_page))


async def cable_list(sparql: Sparql, query_name: str, pages: Paging, **values: str) -> CableList:
    """One page of the list and the total (cached: the store is read-only while served)."""
    query = bound(query_name, **values)
    rows = await sparql.select(paged(query, pages))
    total_rows = await sparql.select(counted(query), cache=True)
    total = int(total_rows[0]["n"].value) if total_rows else 0
    has_next = len(rows) > pages.per_page
    return CableList(rows[: pages.per_page], total, pages, has_next)
