"""`/sparql`: the SPARQL 1.1 Protocol endpoint, read-only, forwarded to the Oxigraph server.

Queries arrive as GET `?query=`, POST form `query=` or POST `application/sparql-query`, with optional
`default-graph-uri`/`named-graph-uri`; the store's answer is sent back whole
(up to `Limits.max_result_bytes`) with its content type.
`?format=csv|tsv|json|xml` asks for a download with a file name. Updates (`update=`,
`application/sparql-update`, or an update sent as a query) and `SERVICE` to endpoints the operator did
not allow are refused with 403 and a message, before anything reaches the store: web/querycheck.py
parses each query with a SPARQL parser in a worker thread. A query's own `FROM` / `FROM NAMED` are
handed to the store as the protocol's `default-graph-uri` / `named-graph-uri` (unless the request gives
those), so the query is answered over the dataset it names.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl

import anyio
import httpx
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from cablegraph.search.query import SearchError, SearchTimedOut
from cablegraph.search.service import SEARCH, ServiceError, answer_search
from cablegraph.web.querycheck import PARSER, READ_ONLY, judge

DOWNLOADS = {"csv": "text/csv", "tsv": "text/tab-separated-values", "json": "application/sparql-results+json",
             "xml": "application/sparql-results+xml", "ttl": "text/turtle", "nt": "application/n-triples"}
MAX_QUERY_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class Limits:
    """What one public query may cost; an operator sets them with `cablegraph serve` options."""

    query_timeout: int = 30  # seconds: the store stops the query (its --timeout-s), the site answers 504
    concurrent_queries: int = 8  # public queries in the store at once; more wait `queue_wait`, then 503
    queue_wait: float = 2.0
    max_body_bytes: int = MAX_QUERY_BYTES  # a POST body, checked from Content-Length before it is read
    # Public queries started per second. Oxigraph keeps a thread for every query until its --timeout-s has
    # passed, however fast it answered: unpaced, `ASK {}` at ~1,600/s would hold ~48,000 threads at 30 s and
    # exhaust the machine's threads (the pages' reader too). Paced, the public reader holds at most
    # rate x timeout of them (20 x 30 = 600).
    queries_per_second: float = 20.0
    # The largest answer /sparql returns, in bytes. An answer is read from the store up to this size before the
    # site replies, so a result too large is refused with a message (507) instead of a 200 that breaks off
    # mid-stream; the memory this costs is bounded by max_result_bytes x concurrent_queries.
    max_result_bytes: int = 16 << 20


class PublicQueries:
    """The public endpoint's own way to the store: its own connection pool and a cap on queries in flight,
    so /sparql under load never takes the connections the pages need.

    Oxigraph's own `--timeout-s` does not stop every evaluation (a cross product with ORDER BY computes on
    after its client has gone), so when a query outlives its limit the site restarts the public store
    process (`restart`, given by `cablegraph serve`): the work stops, not only the wait. Queries in flight
    on that process then fail and are answered 503 with Retry-After.
    """

    def __init__(self, query_url: str, limits: Limits, restart: Callable[[], None] | None = None,
                 allowed_services: tuple[str, ...] = (), search_index: Path | None = None):
        self.query_url = query_url
        self.search_index = search_index  # the release's full-text index, for SERVICE cg:search
        self.limits = limits
        self.allowed_services = allowed_services  # SERVICE endpoints a query may reach (none by default)
        self.client = httpx.AsyncClient(timeout=httpx.Timeout(limits.query_timeout + 2, connect=5),
                                        limits=httpx.Limits(max_connections=limits.concurrent_queries))
        self.slots = asyncio.Semaphore(limits.concurrent_queries)
        self.restart = restart
        self._restarting: asyncio.Task | None = None
        self._next_start = 0.0  # the event loop's clock: when the pace lets the next query start

    async def pace(self) -> bool:
        """Wait for the next start `queries_per_second` allows; False, without waiting, when that start is
        further off than `queue_wait` (the caller answers 503)."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        start = max(now, self._next_start)
        if start - now > self.limits.queue_wait:
            return False
        self._next_start = start + 1 / self.limits.queries_per_second
        if start > now:
            await asyncio.sleep(start - now)
        return True

    def stop_runaway(self) -> None:
        """Restart the public store in a worker thread, once at a time."""
        if self.restart is None or (self._restarting and not self._restarting.done()):
            return
        self._restarting = asyncio.get_running_loop().create_task(anyio.to_thread.run_sync(self.restart))

    async def close(self) -> None:
        await self.client.aclose()


BUSY = "The SPARQL endpoint is busy ({n} queries running); try again in a few seconds.\n"
PACED = ("The SPARQL endpoint starts at most {rate:g} queries a second and more are waiting; try again in a few "
         "seconds, or download the data from /dumps/ to run many queries on your own store.\n")
TOO_LARGE = ("The answer is larger than {mb:g} MB, the most this endpoint returns. Add a LIMIT (with OFFSET to page "
             "through it) or download the data from /dumps/ to run the query on your own store.\n")
TIMED_OUT = ("The query ran longer than {s} s and was stopped. Add a LIMIT, narrow the pattern, or download the "
             "data from /dumps/ to run long queries on your own store.\n")


NO_INDEX = "This release has no full-text index, so SERVICE cg:search cannot be answered: publish it again.\n"


def refuse_update() -> Response:
    return PlainTextResponse(READ_ONLY, status_code=403, headers={"Allow": "GET, POST, HEAD"})


async def sparql_endpoint(request: Request) -> Response:
    public: PublicQueries = request.app.state.public
    limits = public.limits
    params = list(request.query_params.multi_items())
    if request.method == "POST":
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type == "application/sparql-update":
            return refuse_update()
        body = await _bounded_body(request, limits.max_body_bytes)
        if body is None:
            return PlainTextResponse(f"The request body is too long ({limits.max_body_bytes:,} bytes at most).\n",
                                     status_code=413, headers={"Connection": "close"})
        if content_type == "application/sparql-query":
            params.append(("query", body.decode("utf-8", "replace")))
        elif content_type == "application/x-www-form-urlencoded":
            params += parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        else:
            return PlainTextResponse("POST a query as application/sparql-query or as a form field "
                                     "(application/x-www-form-urlencoded).\n", status_code=415)
    names = {key for key, _ in params}
    if "update" in names or "using-graph-uri" in names or "using-named-graph-uri" in names:
        return refuse_update()
    queries = [value for key, value in params if key == "query"]
    if len(queries) != 1:
        return PlainTextResponse("Give exactly one query: /sparql?query=SELECT... (SPARQL 1.1 Protocol). "
                                 "The query editor is at /query.\n", status_code=400)
    forward = [(key, value) for key, value in params if key in ("query", "default-graph-uri", "named-graph-uri")]
    download = request.query_params.get("format")
    accept = request.headers.get("accept", "application/sparql-results+json")
    if download:
        if download not in DOWNLOADS:
            return PlainTextResponse(f"format must be one of {', '.join(DOWNLOADS)}\n", status_code=400)
        accept = DOWNLOADS[download]
    verdict = await anyio.to_thread.run_sync(judge, queries[0], public.allowed_services)
    if not verdict.ok:
        headers = {"Allow": "GET, POST, HEAD"} if verdict.status == 403 else {}
        return PlainTextResponse(verdict.message, status_code=verdict.status, headers=headers)
    if SEARCH in verdict.services:  # the site's own index answers it; the store gets VALUES of the hits
        try:
            searched = await anyio.to_thread.run_sync(
                functools.partial(answer_search, queries[0], public.search_index, lock=PARSER,
                                  seconds=limits.query_timeout))
        except (ServiceError, SearchError) as error:
            return PlainTextResponse(f"{error}\n", status_code=400)
        except SearchTimedOut:
            return PlainTextResponse(TIMED_OUT.format(s=limits.query_timeout), status_code=504)
        except FileNotFoundError:
            return PlainTextResponse(NO_INDEX, status_code=503)
        forward = [(key, searched if key == "query" else value) for key, value in forward]
    if not {"default-graph-uri", "named-graph-uri"} & names:
        forward += [("default-graph-uri", iri) for iri in verdict.default_graphs if iri]
        forward += [("named-graph-uri", iri) for iri in verdict.named_graphs if iri]
    form: dict[str, list[str]] = {}
    for key, value in forward:
        form.setdefault(key, []).append(value)
    if not await public.pace():
        return PlainTextResponse(PACED.format(rate=limits.queries_per_second), status_code=503,
                                 headers={"Retry-After": "2"})
    try:
        await asyncio.wait_for(public.slots.acquire(), timeout=limits.queue_wait)
    except TimeoutError:
        return PlainTextResponse(BUSY.format(n=limits.concurrent_queries), status_code=503,
                                 headers={"Retry-After": "5"})
    try:
        upstream = public.client.build_request("POST", public.query_url, data=form, headers={"Accept": accept})
        answer = await public.client.send(upstream, stream=True)
    except httpx.TimeoutException:
        public.slots.release()
        public.stop_runaway()
        return PlainTextResponse(TIMED_OUT.format(s=limits.query_timeout), status_code=504)
    except httpx.TransportError:
        public.slots.release()  # the store is restarting after a runaway query
        return PlainTextResponse(BUSY.format(n=limits.concurrent_queries), status_code=503,
                                 headers={"Retry-After": "5"})
    except BaseException:
        public.slots.release()
        raise
    headers = {"Vary": "Accept", "Cache-Control": "public, max-age=300"}
    if download and answer.status_code == 200:
        headers["Content-Disposition"] = f'attachment; filename="cablegraph-results.{download}"'
    if answer.status_code >= 400:
        try:
            text = (await answer.aread()).decode("utf-8", "replace")
        finally:
            await answer.aclose()
            public.slots.release()
        if "timeout" in text.lower() or "timed out" in text.lower():
            return PlainTextResponse(TIMED_OUT.format(s=limits.query_timeout), status_code=504)
        return PlainTextResponse(f"The store refused the query ({answer.status_code}): {text[:2000]}\n",
                                 status_code=400 if answer.status_code < 500 else 502)
    try:
        body = await _bounded_answer(answer, limits.max_result_bytes)
    except httpx.TimeoutException:
        public.stop_runaway()
        return PlainTextResponse(TIMED_OUT.format(s=limits.query_timeout), status_code=504)
    except httpx.TransportError:  # the store went away mid-answer (restarted after a runaway query)
        return PlainTextResponse(BUSY.format(n=limits.concurrent_queries), status_code=503,
                                 headers={"Retry-After": "5"})
    finally:
        await answer.aclose()
        public.slots.release()
    if body is None:
        return PlainTextResponse(TOO_LARGE.format(mb=limits.max_result_bytes / (1 << 20)), status_code=507)
    return Response(body, status_code=answer.status_code, media_type=answer.headers.get("content-type"),
                    headers=headers)


async def _bounded_body(request: Request, limit: int) -> bytes | None:
    """The body, or None when it is longer than `limit`: refused from Content-Length before a byte is read,
    else read no further than the limit (a chunked upload that lies about nothing still stops there)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        return None
    return await _at_most(request.stream(), limit)


async def _bounded_answer(answer: httpx.Response, limit: int) -> bytes | None:
    """The store's whole answer, or None as soon as it grows past `limit` bytes (the rest is never read).

    Read whole before the reply starts so that every failure (too large, a timeout, the store restarting)
    gets its own status and message: a streamed 200 that stops halfway would look like a short result.
    """
    return await _at_most(answer.aiter_raw(), limit)


async def _at_most(stream: AsyncIterator[bytes], limit: int) -> bytes | None:
    """All of `stream`, or None as soon as it passes `limit` bytes."""
    chunks, size = [], 0
    async for chunk in stream:
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
