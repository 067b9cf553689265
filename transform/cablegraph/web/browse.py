"""Browsing like the original Cablegate site: by origin, by year and month, by classification, by TAGS, with counts.

The counts are aggregates over the whole store; they are computed once and cached (the served store is
read-only), and `warm()` computes them all when the site starts so the first visitor does not wait.
"""

from __future__ import annotations

import asyncio
import calendar
from datetime import date

from cablegraph.web.pagequeries import bound
from cablegraph.web.sparql import Sparql, Term

AGGREGATES = ("browse-origins", "browse-months", "browse-classifications", "browse-tags")


async def aggregate(sparql: Sparql, name: str) -> list[dict[str, Term]]:
    return await sparql.select(bound(name), cache=True)


async def warm(sparql: Sparql) -> None:
    """Browse counts and the date order of all cables (what list pages sort by by default)."""
    from cablegraph.web.lists import ranks

    await asyncio.gather(*(aggregate(sparql, name) for name in AGGREGATES), site_facts(sparql), ranks(sparql, "date"))


async def site_facts(sparql: Sparql) -> dict[str, str]:
    rows = await sparql.select(bound("site-facts"), cache=True)
    return {name: term.value for name, term in rows[0].items()} if rows else {}


def years(rows: list[dict[str, Term]]) -> list[dict]:
    """Month counts folded into years: [{year, cables, months: [(month, name, count)...]}]."""
    out: dict[int, dict] = {}
    for row in rows:
        if "year" not in row or "month" not in row:
            continue
        year, month, count = int(row["year"].value), int(row["month"].value), int(row["cables"].value)
        entry = out.setdefault(year, {"year": year, "cables": 0, "months": []})
        entry["cables"] += count
        entry["months"].append((month, calendar.month_abbr[month], count))
    return [out[year] for year in sorted(out)]


def undated(rows: list[dict[str, Term]]) -> int:
    """Cables without a file date (the row of the month counts with no year)."""
    return sum(int(row["cables"].value) for row in rows if "year" not in row)


def month_range(year: int, month: int) -> tuple[str, str]:
    """[first day, first day of the next month) as ISO dates."""
    start = date(year, month, 1)
    end = date(year + (month == 12), month % 12 + 1, 1)
    return start.isoformat(), end.isoformat()


def grouped_tags(rows: list[dict[str, Term]]) -> dict[str, list[dict[str, Term]]]:
    kinds: dict[str, list[dict[str, Term]]] = {}
    for row in rows:
        kinds.setdefault(row["kind"].value if "kind" in row else "unknown", []).append(row)
    return dict(sorted(kinds.items()))
