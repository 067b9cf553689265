"""The site's client for the read-only Oxigraph server: SELECT rows, CONSTRUCT triples, with a cache.

The store behind the site is read-only for the server's lifetime, so an answer never goes stale:
aggregate queries (browse counts) and sorted lists of cables are cached in memory, bounded.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass

import httpx
from pyoxigraph import RdfFormat, parse

Row = dict[str, str]


@dataclass(frozen=True, slots=True)
class Term:
    """One value of a result row: its lexical form and kind (uri, literal, bnode), with datatype or language."""

    value: str
    kind: str = "literal"
    datatype: str | None = None
    lang: str | None = None

    @property
    def is_iri(self) -> bool:
        return self.kind == "uri"

    def __str__(self) -> str:
        return self.value


class StoreError(RuntimeError):
    """The store did not answer as expected; the message carries its status and the start of its answer."""


class Sparql:
    """Async SPARQL over HTTP against `query_url` (an Oxigraph `/query`)."""

    def __init__(self, query_url: str, timeout: float = 60.0, cache_size: int = 2048, members_held: int = 3_000_000,
                 long_timeout: float = 600.0):
        self.query_url = query_url
        self.long_timeout = long_timeout
        self.client = httpx.AsyncClient(timeout=timeout, limits=httpx.Limits(max_connections=32))
        self._cache: OrderedDict[str, list[dict[str, Term]]] = OrderedDict()
        self.cache_size = cache_size
        self._members: OrderedDict[str, list[str]] = OrderedDict()
        self._held = 0
        self._inflight: dict[str, asyncio.Future] = {}
        self._rankings: dict[str, dict[str, int]] = {}
        self.members_held = members_held  # IRIs kept across all sorted lists (~100 bytes each)

    async def close(self) -> None:
        await self.client.aclose()

    async def post(self, query: str, accept: str, *, long: bool = False) -> httpx.Response:
        """One query; `long` for the once-per-start aggregates and orders, which may take minutes on a cold
        store of 251,287 cables (page queries keep the short timeout)."""
        try:
            response = await self.client.post(self.query_url, data={"query": query}, headers={"Accept": accept},
                                              timeout=self.long_timeout if long else httpx.USE_CLIENT_DEFAULT)
        except httpx.HTTPError as error:
            raise StoreError(f"no answer from the store ({type(error).__name__})") from None
        if response.status_code != 200:
            raise StoreError(f"store answered {response.status_code}: {response.text[:300]}")
        return response

    async def select(self, query: str, *, cache: bool = False) -> list[dict[str, Term]]:
        """Rows of a SELECT as {variable: Term}; unbound variables are absent."""
        if cache and query in self._cache:
            self._cache.move_to_end(query)
            return self._cache[query]
        if cache:  # one computation per query, however many requests wait for it (the warm-up included)
            return await self._once(query, lambda: self._select_into_cache(query))
        return await self._select(query)

    async def _select_into_cache(self, query: str) -> list[dict[str, Term]]:
        rows = await self._select(query, long=True)
        self._cache[query] = rows
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return rows

    async def _once(self, key: str, compute):
        task = self._inflight.get(key)
        if task is None:
            task = self._inflight[key] = asyncio.ensure_future(compute())
            task.add_done_callback(lambda _: self._inflight.pop(key, None))
        return await asyncio.shield(task)

    async def _select(self, query: str, long: bool = False) -> list[dict[str, Term]]:
        response = await self.post(query, "application/sparql-results+json", long=long)
        rows = [
            {name: Term(cell["value"], cell["type"] if cell["type"] != "typed-literal" else "literal",
                        cell.get("datatype"), cell.get("xml:lang"))
             for name, cell in binding.items()}
            for binding in response.json()["results"]["bindings"]
        ]
        return rows

    async def members(self, query: str) -> list[str]:
        """The IRIs of a one-column SELECT, in order, cached (bounded by the number of IRIs held);
        tab-separated results keep the transfer of a 141,000-cable list small."""
        if query in self._members:
            self._members.move_to_end(query)
            return self._members[query]
        return await self._once("members " + query, lambda: self._members_into_cache(query))

    async def _fetch_members(self, query: str) -> list[str]:
        response = await self.post(query, "text/tab-separated-values", long=True)
        lines = response.text.splitlines()[1:]
        return list(dict.fromkeys(line[1:-1] for line in lines if line.startswith("<") and line.endswith(">")))

    async def _members_into_cache(self, query: str) -> list[str]:
        members = await self._fetch_members(query)
        self._members[query] = members
        self._held += len(members)
        while self._held > self.members_held and len(self._members) > 1:
            _, dropped = self._members.popitem(last=False)
            self._held -= len(dropped)
        return members

    async def ranking(self, query: str) -> dict[str, int]:
        """{IRI: position} for a one-column sorted SELECT over the whole dataset, computed once and held."""
        if query not in self._rankings:
            members = await self._once("ranking " + query, lambda: self._fetch_members(query))
            self._rankings.setdefault(query, {iri: position for position, iri in enumerate(members)})
        return self._rankings[query]

    async def construct(self, query: str) -> list:
        """Triples of a CONSTRUCT, parsed by pyoxigraph (so they can be re-serialised with prefixes)."""
        response = await self.post(query, "application/n-triples")
        return list(parse(response.content, format=RdfFormat.N_TRIPLES))
