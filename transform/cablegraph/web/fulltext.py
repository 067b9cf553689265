"""`/search`: the release's full-text index (`search.sqlite`, see cablegraph.search) behind the site's search box.

Every state of a search is in its URL (q, tag repeatable, origin, classification, caveat, from, to, page,
limit, format), so a result list is a link to share; each facet link is the current URL with one filter
more, each active filter has a link with it removed. The request's values reach SQLite only through the
Searcher, as bound parameters; here they are checked (lengths, dates, numbers) so that bad input gets a
400 with the reason and never reaches the index.

Threads: SQLite calls block, so each search runs in a worker thread (anyio.to_thread), at most CONNECTIONS
at once (an anyio CapacityLimiter), each on a Searcher (one read-only connection) borrowed from a small pool
for that search alone. Exclusive use means no lock is held while SQLite works, and since SQLite readers on
separate connections do not block each other (and the sqlite3 module lets go of the GIL while SQLite runs),
searches proceed in parallel; a shared connection would serialise them behind a lock. The pool never holds
more connections than the limiter lets threads in. A search gets SEARCH_SECONDS: a progress handler on its
connection interrupts SQLite past that (a 1,000-character `a* OR b* OR ...` must not hold a thread for long).

The store and the index are read-only while served, so answers are kept (bounded LRU, on the event loop
only, hence no lock): the facet counts of a popular filter are computed once.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlencode

import anyio
from anyio import to_thread
from markupsafe import Markup, escape
from starlette.datastructures import QueryParams

from cablegraph.parse.ids import split_id
from cablegraph.search.query import (
    MARK_END,
    MARK_START,
    MAX_LIMIT,
    MAX_WORDS_LENGTH,
    Filters,
    Searcher,
    SearchResult,
    SearchTimedOut,
    without_controls,
)
from cablegraph.tables import tag_info
from cablegraph.web.negotiate import parse_accept

PER_PAGE = 20
MAX_PER_PAGE = min(1_000, MAX_LIMIT)  # a page of CSV or JSON; the index itself may allow more
MAX_PAGE = 100_000
MAX_VALUE = 200  # no facet value in the index is longer: a longer one is refused, not looked up
MAX_TAGS = 10
FACET_SIZE = 20
CONNECTIONS = 4
SEARCH_SECONDS = 10.0
RESULTS_KEPT = 256
KEPT_HITS = 100  # answers with more hits are not kept
SINGLE = ("q", "origin", "classification", "caveat", "from", "to", "page", "limit", "format")
FORMATS = ("html", "csv", "json")
FACET_TITLES = {"year": "Year", "origin": "Origin", "classification": "Classification", "tag": "TAGS",
                "caveat": "Caveat"}
_DATE = re.compile(r"\A(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?\Z")
_MARKED = re.compile(re.escape(MARK_START) + "(.*?)" + re.escape(MARK_END), re.S)
T = TypeVar("T")


class BadSearch(ValueError):
    """A parameter /search cannot take; the message says what it takes."""


class NoIndex(RuntimeError):
    """The release has no (readable) search index."""


class SearchTimeout(RuntimeError):
    """SQLite was interrupted after SEARCH_SECONDS."""


@dataclass(frozen=True, slots=True)
class Query:
    """One search, as its URL states it (validated)."""

    q: str = ""
    tags: tuple[str, ...] = ()
    origin: str | None = None
    classification: str | None = None
    caveat: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    page: int = 1
    limit: int = PER_PAGE

    @property
    def filters(self) -> Filters:
        return Filters(self.tags, self.origin, self.classification, self.caveat, self.date_from, self.date_to)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit

    @property
    def filtered(self) -> bool:
        return bool(self.tags or self.origin or self.classification or self.caveat or self.date_from or self.date_to)

    def pairs(self, fmt: str | None = None) -> list[tuple[str, str]]:
        """The query string, in a fixed order, without defaults."""
        out: list[tuple[str, str]] = [("q", self.q)] if self.q else []
        out += [("tag", tag) for tag in self.tags]
        for name, value in (("origin", self.origin), ("classification", self.classification),
                            ("caveat", self.caveat), ("from", self.date_from), ("to", self.date_to)):
            if value:
                out.append((name, value))
        if self.page != 1:
            out.append(("page", str(self.page)))
        if self.limit != PER_PAGE:
            out.append(("limit", str(self.limit)))
        if fmt and fmt != "html":
            out.append(("format", fmt))
        return out

    def href(self, fmt: str | None = None, **changes: object) -> str:
        """This search's URL, with `changes` (Query fields) applied; a change of filter goes back to page 1."""
        if changes and "page" not in changes:
            changes["page"] = 1
        pairs = replace(self, **changes).pairs(fmt)
        return "/search" + ("?" + urlencode(pairs) if pairs else "")


def _single(params: QueryParams, name: str) -> str:
    values = params.getlist(name)
    if len(set(values)) > 1:
        raise BadSearch(f"{name} was given {len(values)} times with different values: give it once")
    return values[0] if values else ""


def _value(params: QueryParams, name: str) -> str | None:
    value = without_controls(_single(params, name))
    if len(value) > MAX_VALUE:
        raise BadSearch(f"{name} is too long ({len(value):,} characters; {MAX_VALUE} at most)")
    return value or None


def _date(params: QueryParams, name: str, end: bool) -> str | None:
    """YYYY-MM-DD, or YYYY-MM / YYYY meaning its first day (from) or its last (to)."""
    value = without_controls(_single(params, name))
    if not value:
        return None
    match = _DATE.match(value)
    try:
        if not match:
            raise ValueError
        year, month, day = int(match.group(1)), match.group(2), match.group(3)
        if day:
            return date(year, int(month), int(day)).isoformat()
        if month:
            first = date(year, int(month), 1)
            if not end:
                return first.isoformat()
            following = date(year + (first.month == 12), first.month % 12 + 1, 1)
            return date.fromordinal(following.toordinal() - 1).isoformat()
        return date(year, 12 if end else 1, 31 if end else 1).isoformat()
    except ValueError:
        raise BadSearch(f"{name} must be a date as YYYY-MM-DD (or YYYY-MM, YYYY), not {value[:40]!r}") from None


def _number(params: QueryParams, name: str, default: int, highest: int) -> int:
    raw = without_controls(_single(params, name)) or str(default)
    if not raw.isdigit() or len(raw) > 9 or not 1 <= int(raw) <= highest:
        raise BadSearch(f"{name} must be a whole number from 1 to {highest:,}, not {raw[:40]!r}")
    return int(raw)


def parse(params: QueryParams) -> tuple[Query, str | None]:
    """The search and the format a URL asks for (None: not given, negotiate); BadSearch says what is wrong."""
    words = _single(params, "q")
    if len(words) > MAX_WORDS_LENGTH:
        raise BadSearch(f"the search is too long ({len(words):,} characters; {MAX_WORDS_LENGTH:,} at most)")
    tags: list[str] = []
    for raw in params.getlist("tag"):
        tag = without_controls(raw)
        if len(tag) > MAX_VALUE:
            raise BadSearch(f"tag is too long ({len(tag):,} characters; {MAX_VALUE} at most)")
        if tag and tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise BadSearch(f"{len(tags)} tags: a search takes {MAX_TAGS} at most")
    date_from, date_to = _date(params, "from", end=False), _date(params, "to", end=True)
    if date_from and date_to and date_from > date_to:
        raise BadSearch(f"from ({date_from}) is after to ({date_to})")
    fmt = without_controls(_single(params, "format")).lower() or None
    if fmt is not None and fmt not in FORMATS:
        raise BadSearch(f"format must be one of {', '.join(FORMATS)}, not {fmt[:40]!r}")
    query = Query(without_controls(words), tuple(tags), _value(params, "origin"), _value(params, "classification"),
                  _value(params, "caveat"), date_from, date_to, _number(params, "page", 1, MAX_PAGE),
                  _number(params, "limit", PER_PAGE, MAX_PER_PAGE))
    return query, fmt


def negotiate(fmt: str | None, accept: str | None) -> str:
    """?format= first; else the first of CSV, JSON or HTML that Accept prefers; HTML when it names none."""
    if fmt:
        return fmt
    for media, quality in parse_accept(accept or ""):
        if quality <= 0:
            continue
        if media in ("text/csv",):
            return "csv"
        if media in ("application/json",):
            return "json"
        if media in ("text/html", "application/xhtml+xml", "*/*", "text/*"):
            return "html"
    return "html"


def exact_id(words: str) -> str | None:
    """The words as a canonical cable id, if they are one (`09usnato 383` -> 09USNATO383)."""
    candidate = words.strip().upper().replace(" ", "")
    return candidate if split_id(candidate) else None


class SearchPool:
    """Searchers (read-only connections to one index file), each used by one thread at a time."""

    def __init__(self, path: Path, size: int = CONNECTIONS, seconds: float = SEARCH_SECONDS, check_every: int = 20_000):
        self.path, self.size, self.seconds, self.check_every = path, size, seconds, check_every
        self._idle: list[Searcher] = []
        self._lock = threading.Lock()  # guards only the idle list, never a search
        self._limiter: anyio.CapacityLimiter | None = None
        self._kept: OrderedDict[tuple, object] = OrderedDict()

    def _borrow(self) -> Searcher:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        try:
            return Searcher(self.path)
        except FileNotFoundError:
            raise NoIndex(f"This release has no search index ({self.path.name} is missing): it was published "
                          "before search existed. Publish again (cablegraph publish) to build one.") from None

    def _run(self, work: Callable[[Searcher], T]) -> T:
        searcher = self._borrow()
        try:
            with searcher.time_limit(self.seconds, self.check_every):
                return work(searcher)
        except SearchTimedOut:
            raise SearchTimeout(f"The search took longer than {self.seconds:.0f} s and was stopped: "
                                "use fewer prefix words (gadd*) or OR, or add a filter.") from None
        except sqlite3.DatabaseError as error:
            raise NoIndex(f"The search index could not be read ({error}). Publish again to rebuild it.") from None
        finally:
            with self._lock:
                self._idle.append(searcher)

    async def _call(self, key: tuple, work: Callable[[Searcher], T]) -> T:
        if key in self._kept:
            self._kept.move_to_end(key)
            return self._kept[key]  # type: ignore[return-value]
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(self.size)
        answer = await to_thread.run_sync(self._run, work, limiter=self._limiter)
        if isinstance(answer, SearchResult) and len(answer.hits) > KEPT_HITS:
            return answer  # a long CSV/JSON page is not worth its memory
        self._kept[key] = answer
        while len(self._kept) > RESULTS_KEPT:
            self._kept.popitem(last=False)
        return answer

    async def search(self, query: Query) -> SearchResult:
        """The page of hits and the facet counts (SearchError for a search the index refuses)."""
        return await self._call(("search", query), lambda searcher: searcher.search(
            query.q, query.filters, limit=query.limit, offset=query.offset, facets=True, facet_size=FACET_SIZE))

    async def cable(self, reference_id: str) -> str | None:
        """The IRI of the released cable with this id, or None."""
        return await self._call(("cable", reference_id), lambda searcher: searcher.cable_iri(reference_id))

    def close(self) -> None:
        with self._lock:
            for searcher in self._idle:
                searcher.close()
            self._idle.clear()


# -- what the answers show ---------------------------------------------------------------------------


def highlight(snippet: str) -> Markup:
    """The snippet escaped, then its match markers turned into <mark> (never the other way round)."""
    text = str(escape(snippet))
    if text.count(MARK_START) != text.count(MARK_END):
        return Markup(text.replace(MARK_START, "").replace(MARK_END, ""))
    return Markup(text.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def plain(snippet: str) -> str:
    return snippet.replace(MARK_START, "").replace(MARK_END, "")


def matches(snippet: str) -> list[str]:
    return _MARKED.findall(snippet)


def last_page(result: SearchResult, query: Query) -> int:
    return max(1, -(-result.total // query.limit))


@dataclass(frozen=True, slots=True)
class FacetLink:
    value: str
    count: int
    href: str  # adds the filter, or removes it when active
    active: bool
    label: str = ""


@dataclass(frozen=True, slots=True)
class ActiveFilter:
    name: str
    value: str
    remove: str


def year_range(year: str) -> tuple[str, str]:
    return f"{year}-01-01", f"{year}-12-31"


def facet_links(query: Query, result: SearchResult) -> dict[str, list[FacetLink]]:
    out: dict[str, list[FacetLink]] = {}
    for name, values in result.facets.items():
        links = []
        for value, count in values:
            if name == "year":
                first, last = year_range(value)
                active = (query.date_from, query.date_to) == (first, last)
                href = query.href(date_from=None, date_to=None) if active else query.href(date_from=first,
                                                                                          date_to=last)
            elif name == "tag":
                active = value in query.tags
                href = query.href(tags=tuple(t for t in query.tags if t != value) if active else (*query.tags, value))
            else:
                active = getattr(query, name) == value
                href = query.href(**{name: None if active else value})
            label = ""
            if name == "tag" and (info := tag_info(value)) and info.label:
                label = info.label
            links.append(FacetLink(value, count, href, active, label))
        if links:
            out[name] = links
    return out


def active_filters(query: Query) -> list[ActiveFilter]:
    out = [ActiveFilter("tag", tag, query.href(tags=tuple(t for t in query.tags if t != tag))) for tag in query.tags]
    for name in ("origin", "classification", "caveat"):
        value = getattr(query, name)
        if value:
            out.append(ActiveFilter(name, value, query.href(**{name: None})))
    if query.date_from and query.date_to and (query.date_from[:4] == query.date_to[:4]
                                              and (query.date_from, query.date_to) == year_range(query.date_from[:4])):
        out.append(ActiveFilter("year", query.date_from[:4], query.href(date_from=None, date_to=None)))
    else:
        if query.date_from:
            out.append(ActiveFilter("from", query.date_from, query.href(date_from=None)))
        if query.date_to:
            out.append(ActiveFilter("to", query.date_to, query.href(date_to=None)))
    return out


def pages(query: Query, result: SearchResult) -> dict[str, int]:
    """The page numbers of rel=self, prev and next (prev of a page past the end is the last page)."""
    out = {"self": query.page}
    if query.page > 1:
        out["prev"] = min(query.page - 1, last_page(result, query))
    if query.offset + query.limit < result.total:
        out["next"] = query.page + 1
    return out


def link_header(query: Query, result: SearchResult, fmt: str) -> str:
    parts = [f'<{query.href(fmt, page=page)}>; rel="{rel}"' for rel, page in pages(query, result).items()
             if rel != "self"]
    parts += [f'<{query.href(other, page=query.page)}>; rel="alternate"; type="{media}"'
              for other, media in (("html", "text/html"), ("csv", "text/csv"), ("json", "application/json"))
              if other != fmt]
    return ", ".join(parts)


def as_csv(result: SearchResult, href: Callable[[str], str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["id", "iri", "page", "created", "origin", "classification", "subject", "snippet", "score"])
    for hit in result.hits:
        writer.writerow([hit.reference_id, hit.iri, href(hit.iri), hit.created or "", hit.origin or "",
                         hit.classification or "", hit.subject or "", " ".join(plain(hit.snippet).split()),
                         f"{hit.score:.6g}"])
    return out.getvalue()


def as_json(query: Query, result: SearchResult, href: Callable[[str], str]) -> str:
    body = {
        "q": query.q,
        "filters": {"tag": list(query.tags), "origin": query.origin, "classification": query.classification,
                    "caveat": query.caveat, "from": query.date_from, "to": query.date_to},
        "page": query.page, "limit": query.limit, "total": result.total, "pages": last_page(result, query),
        "results": [{"id": hit.reference_id, "iri": hit.iri, "page": href(hit.iri), "created": hit.created,
                     "origin": hit.origin, "classification": hit.classification, "subject": hit.subject,
                     "snippet": " ".join(plain(hit.snippet).split()), "matches": matches(hit.snippet),
                     "score": hit.score} for hit in result.hits],
        "facets": {name: [{"value": value, "count": count} for value, count in values]
                   for name, values in result.facets.items()},
        "links": {rel: query.href("json", page=page) for rel, page in pages(query, result).items()}
        | {"html": query.href(page=query.page), "csv": query.href("csv", page=query.page)},
    }
    return json.dumps(body, ensure_ascii=False, indent=1)
