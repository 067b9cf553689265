"""`/sparql`: the SPARQL 1.1 Protocol endpoint, read-only, forwarded to the Oxigraph server.

Queries arrive as GET `?query=`, POST form `query=` or POST `application/sparql-query`, with optional
`default-graph-uri`/`named-graph-uri`; the store's answer is streamed back with its content type.
`?format=csv|tsv|json|xml` asks for a download with a file name. Updates (`update=`,
`application/sparql-update`) are refused with 403 and a message, before anything reaches the store.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

import httpx
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse

DOWNLOADS = {"csv": "text/csv", "tsv": "text/tab-separated-values", "json": "application/sparql-results+json",
             "xml": "application/sparql-results+xml", "ttl": "text/turtle", "nt": "application/n-triples"}
MAX_QUERY_BYTES = 1 << 20
READ_ONLY = ("This SPARQL endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP...) is refused. "
             "Download the data from /dumps/ and load it into your own store to change it.\n")


_PROLOGUE_AND_UPDATE = re.compile(
    r"\A(?:\s+|#[^\n]*|PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s*<[^>]*>)*"
    r"(?:INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.IGNORECASE)


def looks_like_update(text: str) -> bool:
    """An update sent as a query (`query=DROP ALL`): refused here with a clear message, not a parse error."""
    return bool(_PROLOGUE_AND_UPDATE.match(text))


def refuse_update() -> Response:
    return PlainTextResponse(READ_ONLY, status_code=403, headers={"Allow": "GET, POST, HEAD"})


async def sparql_endpoint(request: Request) -> Response:
    client: httpx.AsyncClient = request.app.state.sparql.client
    store_url: str = request.app.state.sparql.query_url
    params = list(request.query_params.multi_items())
    if request.method == "POST":
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type == "application/sparql-update":
            return refuse_update()
        body = await request.body()
        if len(body) > MAX_QUERY_BYTES:
            return PlainTextResponse("The query is too long (1 MiB at most).\n", status_code=413)
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
    if looks_like_update(queries[0]):
        return refuse_update()
    form: dict[str, list[str]] = {}
    for key, value in forward:
        form.setdefault(key, []).append(value)
    upstream = client.build_request("POST", store_url, data=form, headers={"Accept": accept})
    answer = await client.send(upstream, stream=True)
    headers = {"Vary": "Accept", "Cache-Control": "public, max-age=300"}
    if download and answer.status_code == 200:
        headers["Content-Disposition"] = f'attachment; filename="cablegraph-results.{download}"'
    if answer.status_code >= 400:
        text = (await answer.aread()).decode("utf-8", "replace")
        await answer.aclose()
        return PlainTextResponse(f"The store refused the query ({answer.status_code}): {text[:2000]}\n",
                                 status_code=400 if answer.status_code < 500 else 502)
    return StreamingResponse(answer.aiter_raw(), status_code=answer.status_code,
                             media_type=answer.headers.get("content-type"), headers=headers,
                             background=_Close(answer))


class _Close:
    """Close the upstream response when the client has had it all (a Starlette background task)."""

    def __init__(self, answer: httpx.Response):
        self.answer = answer

    async def __call__(self) -> None:
        await self.answer.aclose()
