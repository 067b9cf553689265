"""The site as an ASGI application: routes, content negotiation and error pages.

Routes (README "The web site" has the full table):

    /                      home: what the data is, counts, where to go
    /browse/...            by origin, year/month, classification and caveat, TAGS (with counts)
    /cable?id=ID           look a cable up by its reference id (redirects to its IRI)
    /search?q=WORDS        full-text search with facets and paging (search.sqlite); ?format=csv|json
    /query                 the query editor (YASGUI) for browsers; the SPARQL protocol for programs
    /sparql                SPARQL 1.1 Protocol endpoint, read-only
    /dumps/                the dumps with sizes and SHA-256; /dumps/NAME downloads one
    /.well-known/void      the VoID/DCAT description of the dataset (same as /dataset)
    /context.jsonld        the JSON-LD context of every JSON-LD representation (ontology/context.jsonld)
    /static/...            CSS, the site's script, the vendored YASGUI
    /anything/else         the resource whose IRI is <data base>anything/else: HTML or RDF by Accept,
                           or by ?format=ttl|nt|jsonld|rdf|html, or by a suffix .ttl .nt .jsonld .rdf .html
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from cablegraph.parse.ids import split_id
from cablegraph.queries import canned_queries
from cablegraph.rdf.mint import segment
from cablegraph.search.index import SEARCH_INDEX
from cablegraph.search.query import SearchError
from cablegraph.web import browse, describe, fulltext, jsonld
from cablegraph.web.caching import conditional, release_time
from cablegraph.web.dumps import dump_files
from cablegraph.web.endpoint import Limits, PublicQueries, sparql_endpoint
from cablegraph.web.iris import NotAnIri, Site
from cablegraph.web.lists import cable_list
from cablegraph.web.negotiate import BY_KEY, HTML, REPRESENTATIONS, NotAcceptable, Representation, choose
from cablegraph.web.pagequeries import BadPaging, bound, page_query, paging
from cablegraph.web.rdfout import compact, serialise
from cablegraph.web.security import SecurityHeaders
from cablegraph.web.sizes import RequestSizeLimits
from cablegraph.web.sparql import Sparql, StoreError

HERE = Path(__file__).parent
SUFFIXES = {f".{key}": key for key in BY_KEY}
CACHE = "public, max-age=3600"


@dataclass(frozen=True, slots=True)
class Settings:
    """What the site needs: the store's query URL, the data directory (for dumps) and the data base IRI."""

    store_query_url: str
    data: Path
    base: str | None = None  # None: read void:uriSpace from the published dataset description
    warm: bool = True
    allowed_services: tuple[str, ...] = ()  # SERVICE endpoints /sparql may reach (none by default)
    public_query_url: str | None = None  # the store reader /sparql uses (default: the pages' one)
    limits: Limits = field(default_factory=Limits)
    restart_public: Callable[[], None] | None = None  # restarts the public store after a runaway query


def templates(site_holder: dict) -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["href"] = lambda iri: site_holder["site"].href(iri)
    env.filters["compact"] = compact
    env.filters["display"] = lambda iri: site_holder["site"].display(iri)
    env.filters["thousands"] = lambda number: f"{int(number):,}"
    env.filters["heading_apart"] = heading_apart
    env.filters["combine"] = lambda params, **changes: urlencode(params | changes)
    env.globals["representations"] = REPRESENTATIONS
    return env


#: A section heading of the original text (`---------- Background ----------`) that the parser, reading the
#: lines between numbered paragraphs as the previous paragraph's end, left at the end of that paragraph.
TRAILING_HEADING = re.compile(r"\s*-{3,}\s*([^-\s][^\n]{0,150}?)\s*-{3,}\s*\Z")


def heading_apart(text: str) -> tuple[str, str | None]:
    """A paragraph's text and, apart, the section heading glued to its end (None when there is none), so the
    page shows the heading on its own line before the next paragraph, as the cable does."""
    found = TRAILING_HEADING.search(text or "")
    if not found:
        return text, None
    return text[:found.start()], found.group(1)


def create_app(settings: Settings) -> Starlette:
    holder: dict = {}
    env = templates(holder)
    published = release_time(settings.data)
    searches = fulltext.SearchPool(settings.data / SEARCH_INDEX)

    def render(request: Request, name: str, status: int = 200, headers: dict | None = None, **context) -> Response:
        body = env.get_template(name).render(request=request, site=holder["site"], **context)
        return HTMLResponse(body, status_code=status, headers=headers)

    def not_found(request: Request, what: str, iri: str | None = None, similar: list | None = None) -> Response:
        if choose_or_html(request).rdf is not None:
            return PlainTextResponse(f"Not found: {what}\n", status_code=404, headers={"Vary": "Accept"})
        return render(request, "404.html", status=404, what=what, iri=iri, similar=similar or [],
                      headers={"Vary": "Accept"})

    async def similar_cables(request: Request, iri: str) -> list:
        """Released cables of the same year and station as an unknown cable id, nearest numbers first."""
        parts = split_id(unquote(iri.rsplit("/", 1)[-1]).upper())
        if parts is None:
            return []
        year, station, number = parts
        site: Site = request.app.state.site
        rows = await request.app.state.sparql.select(bound("similar-ids", post=site.base + "post/" + segment(station),
                                                           prefix=f"{year}{station}"))
        known = [(row, split_id(row["id"].value)) for row in rows]
        known = [(row, found[2]) for row, found in known if found and found[1] == station]
        return [row for row, _ in sorted(known, key=lambda item: abs(item[1] - number))[:10]]

    def bad_request(request: Request, message: str) -> Response:
        return render(request, "400.html", status=400, message=message)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        sparql = Sparql(settings.store_query_url)
        app.state.sparql = sparql
        app.state.public = PublicQueries(settings.public_query_url or settings.store_query_url, settings.limits,
                                         settings.restart_public, tuple(settings.allowed_services),
                                         search_index=settings.data / SEARCH_INDEX)
        base = settings.base
        if base is None:
            facts = await browse.site_facts(sparql)
            base = facts.get("space") or "https://w3id.org/cablegraph/"
        holder["site"] = app.state.site = Site(base)
        warming = asyncio.create_task(browse.warm(sparql)) if settings.warm else None
        yield
        if warming:
            warming.cancel()
        await sparql.close()
        await app.state.public.close()
        searches.close()

    async def home(request: Request) -> Response:
        """The home page; for RDF clients the dataset description, since the site's root is the dataset's
        foaf:homepage and a crawler that starts there should find the data's description."""
        if choose_or_html(request).rdf is not None:
            return await resource(request, "dataset")
        sparql: Sparql = request.app.state.sparql
        facts, months, origins, tags = await asyncio.gather(
            browse.site_facts(sparql), browse.aggregate(sparql, "browse-months"),
            browse.aggregate(sparql, "browse-origins"), browse.aggregate(sparql, "browse-tags"))
        return render(request, "home.html", facts=facts, years=browse.years(months), undated=browse.undated(months),
                      origins=len(origins),
                      tags=len(tags), headers={"Cache-Control": CACHE})

    async def browse_index(request: Request) -> Response:
        return RedirectResponse("/browse/date", status_code=303)

    async def browse_origin(request: Request) -> Response:
        rows = await browse.aggregate(request.app.state.sparql, "browse-origins")
        order = request.query_params.get("sort", "name")
        if order == "count":
            rows = sorted(rows, key=lambda row: -int(row["cables"].value))
        return render(request, "browse_origin.html", rows=rows, sort=order)

    async def browse_date(request: Request) -> Response:
        rows = await browse.aggregate(request.app.state.sparql, "browse-months")
        return render(request, "browse_date.html", years=browse.years(rows), undated=browse.undated(rows))

    async def browse_month(request: Request) -> Response:
        year, month = request.path_params["year"], request.path_params.get("month")
        if not (1900 <= year <= 2100) or (month is not None and not 1 <= month <= 12):
            return not_found(request, f"no such period {year}/{month}")
        try:
            pages = paging(dict(request.query_params))
        except BadPaging as error:
            return bad_request(request, str(error))
        if month is None:
            start, end = f"{year:04d}-01-01", f"{year + 1:04d}-01-01"
        else:
            start, end = browse.month_range(year, month)
        listing = await cable_list(request.app.state.sparql, "cables-in-period", pages, **{"from": start, "until": end})
        return render(request, "browse_period.html", year=year, month=month, listing=listing)

    async def browse_classification(request: Request) -> Response:
        rows = await browse.aggregate(request.app.state.sparql, "browse-classifications")
        return render(request, "browse_classification.html", rows=rows)

    async def browse_tag(request: Request) -> Response:
        rows = await browse.aggregate(request.app.state.sparql, "browse-tags")
        order = request.query_params.get("sort", "code")
        if order == "count":
            rows = sorted(rows, key=lambda row: -int(row["cables"].value))
        return render(request, "browse_tag.html", kinds=browse.grouped_tags(rows), sort=order)

    async def lookup(request: Request) -> Response:
        wanted = request.query_params.get("id", "").strip().upper().replace(" ", "")
        if not wanted:
            return bad_request(request, "Give a cable reference id, e.g. /cable?id=09USNATO383")
        return RedirectResponse(f"/cable/{segment(wanted)}", status_code=303)

    def search_failed(request: Request, fmt: str, status: int, message: str, headers: dict | None = None) -> Response:
        """A search that cannot be answered, in the format asked for: a page, a JSON object or plain text."""
        headers = {"Vary": "Accept"} | (headers or {})
        if fmt == "json":
            return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)
        if fmt == "csv":
            return PlainTextResponse(message + "\n", status_code=status, headers=headers)
        if status == 400:
            return render(request, "400.html", status=400, message=message, headers=headers)
        return render(request, "search_unavailable.html", status=status, message=message, headers=headers)

    async def search(request: Request) -> Response:
        """`/search`: words and facet filters over the full-text index; HTML, CSV or JSON (fulltext.py)."""
        raw_format = request.query_params.get("format", "").strip().lower()
        try:
            query, fmt = fulltext.parse(request.query_params)
        except fulltext.BadSearch as error:
            fallback = raw_format if raw_format in fulltext.FORMATS else None
            return search_failed(request, fulltext.negotiate(fallback, request.headers.get("accept")), 400,
                                 str(error))
        fmt = fulltext.negotiate(fmt, request.headers.get("accept"))
        site: Site = request.app.state.site
        wanted = fulltext.exact_id(query.q)
        try:
            if wanted and fmt == "html" and not query.filtered and query.page == 1:
                found = await searches.cable(wanted)
                if found:  # the words are exactly a released cable's id: the box looks it up, as it always did
                    return RedirectResponse(site.href(found), status_code=303)
            result = await searches.search(query)
        except SearchError as error:
            return search_failed(request, fmt, 400, str(error))
        except fulltext.NoIndex as error:
            return search_failed(request, fmt, 503, str(error))
        except fulltext.SearchTimeout as error:
            return search_failed(request, fmt, 503, str(error), {"Retry-After": "10"})
        headers = {"Vary": "Accept", "Cache-Control": CACHE, "Link": fulltext.link_header(query, result, fmt),
                   "X-Total-Count": str(result.total)}
        if fmt == "csv":
            headers["Content-Disposition"] = 'attachment; filename="cablegraph-search.csv"'
            response: Response = Response(fulltext.as_csv(result, site.href), media_type="text/csv; charset=utf-8",
                                          headers=headers)
        elif fmt == "json":
            response = Response(fulltext.as_json(query, result, site.href), media_type="application/json",
                                headers=headers)
        else:
            response = render(request, "search.html", headers=headers, query=query, result=result,
                              facets=fulltext.facet_links(query, result), active=fulltext.active_filters(query),
                              pages=fulltext.pages(query, result), last_page=fulltext.last_page(result, query),
                              highlight=fulltext.highlight, titles=fulltext.FACET_TITLES, wanted=wanted)
        return conditional(request, response, published)

    async def service(request: Request) -> Response:
        """`/sparql`: the protocol; with no query, the service description (RDF) or, for a browser, the editor."""
        if request.method == "GET" and "query" not in request.query_params:
            if "text/html" in request.headers.get("accept", ""):
                return RedirectResponse("/query", status_code=303)
            if choose_or_html(request).rdf is not None:
                return await resource(request, path="sparql-service")
        return await sparql_endpoint(request)

    async def query_page(request: Request) -> Response:
        wants_html = choose_or_html(request) is HTML and "text/html" in request.headers.get("accept", "")
        if request.method == "POST" or ("query" in request.query_params and not wants_html):
            return await sparql_endpoint(request)
        if "query" not in request.query_params and choose_or_html(request).rdf is not None:
            return await resource(request, path="sparql-service")  # SPARQL service description
        canned = canned_queries()
        name = request.query_params.get("canned")
        text = request.query_params.get("query", "")
        if name:
            if name not in canned:
                return not_found(request, f"no canned query {name!r}")
            text = canned[name].bind()
        if not text:
            text = page_query("editor-default").text
        vendor = (HERE / "static" / "vendor" / "yasgui" / "yasgui.min.js").is_file()
        return render(request, "query.html", canned=canned, text=text, selected=name, yasgui=vendor,
                      share="/query?" + urlencode({"query": text}), headers={"Vary": "Accept"})

    async def dumps_page(request: Request) -> Response:
        files = dump_files(settings.data / "dumps")
        return render(request, "dumps.html", files=files)

    async def dump_file(request: Request) -> Response:
        name = request.path_params["name"]
        files = {dump.name: dump for dump in dump_files(settings.data / "dumps")}
        if name not in files:
            return not_found(request, f"no dump named {name!r}")
        dump = files[name]
        headers = {"Cache-Control": CACHE} | ({"Digest": f"sha-256={dump.sha256_b64}"} if dump.sha256_b64 else {})
        media = "application/gzip" if dump.encoding else dump.media_type
        return FileResponse(dump.path, media_type=media, filename=name, headers=headers)

    async def well_known_void(request: Request) -> Response:
        return await resource(request, path="dataset")

    async def resource(request: Request, path: str | None = None) -> Response:
        site: Site = request.app.state.site
        sparql: Sparql = request.app.state.sparql
        raw = path if path is not None else request.scope.get("raw_path", b"").decode("ascii", "replace")
        raw = raw.split("?", 1)[0].lstrip("/")
        fmt = request.query_params.get("format")
        for suffix, key in SUFFIXES.items():
            if raw.endswith(suffix) and len(raw) > len(suffix) and not fmt:
                raw, fmt = raw[: -len(suffix)], key
                break
        try:
            iri = site.iri(raw)
        except NotAnIri:
            return not_found(request, f"/{raw[:200]} is not one of this site's addresses")
        try:
            representation = choose(request.headers.get("accept"), fmt)
        except NotAcceptable as error:
            return not_acceptable(str(error))
        kind = site.kind(iri)
        location = "/" + raw
        headers = {"Vary": "Accept", "Cache-Control": CACHE,
                   "Content-Location": f"{location}?format={representation.key}",
                   "Link": ", ".join(f'<{quote(location)}?format={r.key}>; rel="alternate"; type="{r.media_type}"'
                                     for r in REPRESENTATIONS)}
        if representation.rdf is not None:
            links = request.query_params.get("links", "1").strip() or "1"
            if not links.isdigit() or len(links) > 6 or not 1 <= int(links) <= describe.MAX_LINKS_PAGE:
                return bad_request(request, f"links must be a page number from 1 to {describe.MAX_LINKS_PAGE:,}")
            if links != "1":
                headers["Content-Location"] = f"{location}?format={representation.key}&links={int(links)}"
            triples = await describe.triples(sparql, site, iri, kind, int(links))
            if not triples:
                return not_found(request, f"nothing is known about <{iri}>", iri)
            media = representation.media_type + ("; charset=utf-8" if representation.key != "rdf" else "")
            response = Response(serialise(triples, representation), media_type=media, headers=headers)
            return conditional(request, response, published)
        return conditional(request, await resource_page(request, iri, kind, headers), published)

    async def resource_page(request: Request, iri: str, kind: str, headers: dict) -> Response:
        site: Site = request.app.state.site
        sparql: Sparql = request.app.state.sparql
        if kind == "cable" or kind in describe.LIST_QUERIES:  # their pages list what links to them themselves
            props = await describe.properties(sparql, site, iri)
            links_in = [] if props else await describe.incoming(sparql, site, iri)
        else:
            props, links_in = await asyncio.gather(describe.properties(sparql, site, iri),
                                                   describe.incoming(sparql, site, iri))
        if kind == "ontology" and not props and iri.startswith("https://w3id.org/cablegraph/ontology/"):
            props = await describe.properties(sparql, site, "https://w3id.org/cablegraph/ontology")
        graph_size = 0
        if kind == "graph":
            rows = await sparql.select(bound("graph-size", graph=iri), cache=True)
            graph_size = int(rows[0]["triples"].value) if rows else 0
        if not props and not links_in and not graph_size:
            similar = await similar_cables(request, iri) if kind == "cable" else []
            return not_found(request, f"nothing is known about <{iri}>", iri, similar)
        try:
            pages = paging(dict(request.query_params))
        except BadPaging as error:
            return bad_request(request, str(error))
        context = {"iri": iri, "kind": kind, "props": props, "incoming": links_in[: describe.INCOMING_ON_PAGE],
                   "more_incoming": len(links_in) > describe.INCOMING_ON_PAGE, "first": describe.first,
                   "all_of": describe.all_of, "wikidata": describe.wikidata_links(props), "graph_size": graph_size}
        if kind == "cable":
            context |= await describe.cable_parts(sparql, site, iri, pages)
            return render(request, "cable.html", headers=headers, **context)
        if kind in describe.LIST_QUERIES:
            context["listing"] = await describe.linked_cables(sparql, kind, iri, pages)
            return render(request, "collection.html", headers=headers, **context)
        if kind == "ontology":
            graph = site.base + "graph/cablegraph"
            context["terms"] = await sparql.select(bound("ontology-terms", graph=graph), cache=True)
            return render(request, "ontology.html", headers=headers, **context)
        return render(request, "resource.html", headers=headers, **context)

    def choose_or_html(request: Request) -> Representation:
        try:
            return choose(request.headers.get("accept"), request.query_params.get("format"))
        except NotAcceptable:
            return HTML

    def not_acceptable(message: str) -> Response:
        offered = "\n".join(f"  {r.media_type}  (?format={r.key})" for r in REPRESENTATIONS)
        return PlainTextResponse(f"406 Not Acceptable: {message}.\nThis resource is available as:\n{offered}\n",
                                 status_code=406, headers={"Vary": "Accept"})

    async def store_failed(request: Request, error: Exception) -> Response:
        return PlainTextResponse(f"The triple store did not answer as expected: {error}\n", status_code=502)

    async def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        if error.status_code == 404:
            return not_found(request, f"{request.url.path[:200]} is not one of this site's addresses")
        return PlainTextResponse(f"{error.status_code}: {error.detail}\n", status_code=error.status_code)

    async def context_document(request: Request) -> Response:
        """The JSON-LD context every JSON-LD representation inlines (ontology/context.jsonld)."""
        body = json.dumps({"@context": jsonld.context()}, ensure_ascii=False, indent=1).encode("utf-8")
        response = Response(body, media_type="application/ld+json", headers={"Cache-Control": CACHE})
        return conditional(request, response, published)

    routes = [
        Route("/", home),
        Route("/context.jsonld", context_document),
        Route("/browse", browse_index),
        Route("/browse/origin", browse_origin),
        Route("/browse/date", browse_date),
        Route("/browse/date/{year:int}", browse_month),
        Route("/browse/date/{year:int}/{month:int}", browse_month),
        Route("/browse/classification", browse_classification),
        Route("/browse/tag", browse_tag),
        Route("/cable", lookup),
        Route("/search", search),
        Route("/query", query_page, methods=["GET", "POST"]),
        Route("/sparql", service, methods=["GET", "POST"]),
        Route("/dumps", lambda request: RedirectResponse("/dumps/", status_code=301)),
        Route("/dumps/", dumps_page),
        Route("/dumps/{name}", dump_file),
        Route("/.well-known/void", well_known_void),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        Route("/{path:path}", resource),
    ]
    # CORS as public endpoints have it: any site's JavaScript may query /sparql and read the RDF (GET, POST and
    # the OPTIONS preflight); no credentials are involved, so the wildcard origin is safe.
    cors = Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST", "HEAD", "OPTIONS"],
                      allow_headers=["Accept", "Content-Type"], expose_headers=["Content-Location", "Link", "Vary"],
                      max_age=86400)
    # gzip for clients that ask (RDF and pages compress 5-10x); small bodies are not worth it.
    gzip = Middleware(GZipMiddleware, minimum_size=1024)
    app = Starlette(routes=routes, lifespan=lifespan,
                    middleware=[Middleware(RequestSizeLimits), cors, Middleware(SecurityHeaders), gzip],
                    exception_handlers={StoreError: store_failed, HTTPException: http_error})
    return app
