"""A SPARQL 1.1 endpoint as the loader and the query runner see it.

Graph Store Protocol for whole graphs (PUT replaces a named graph, so re-loading a cable is
idempotent), SPARQL Update as the fallback, SPARQL Query for reads. Every request has a
timeout and is retried with exponential backoff on connection errors and 5xx answers.
Credentials come from the environment or a file and never appear in a message: errors and
`repr` show the URL without user information, and no header is ever logged.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

RETRY_STATUS = {429, 500, 502, 503, 504}
USER_AGENT = "cablegraph/0.1 (+https://w3id.org/cablegraph)"


class EndpointError(RuntimeError):
    """A request failed for good: the message says which endpoint, what happened, and what to try."""


def redact(url: str) -> str:
    """The URL without any user:password@ part, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


@dataclass(frozen=True, slots=True)
class Credentials:
    user: str
    password: str = field(repr=False)
    scheme: str = "digest"  # digest | basic

    def auth(self) -> AuthBase:
        if self.scheme == "basic":
            return HTTPBasicAuth(self.user, self.password)
        return HTTPDigestAuth(self.user, self.password)

    @classmethod
    def from_env(cls, user: str | None, password_file: str | None, scheme: str) -> Credentials | None:
        """User from the option or CABLEGRAPH_USER; password from a file or CABLEGRAPH_PASSWORD."""
        user = user or os.environ.get("CABLEGRAPH_USER")
        if not user:
            return None
        if password_file:
            password = Path(password_file).read_text(encoding="utf-8").strip()
        else:
            password = os.environ.get("CABLEGRAPH_PASSWORD", "")
        if not password:
            raise EndpointError(f"a user ({user}) was given but no password: set CABLEGRAPH_PASSWORD "
                                "or pass --password-file")
        return cls(user, password, scheme)


@dataclass(slots=True, repr=False)
class Endpoint:
    """The URLs of one SPARQL service. `store_url` is its Graph Store Protocol endpoint."""

    query_url: str
    update_url: str | None = None
    store_url: str | None = None
    graph_param: str = "graph"  # Virtuoso's /sparql-graph-crud also takes graph-uri
    credentials: Credentials | None = field(default=None, repr=False)
    timeout: float = 120.0
    retries: int = 5
    backoff: float = 0.5
    session: requests.Session = field(default_factory=requests.Session, repr=False)

    def __post_init__(self) -> None:
        self.session.headers["User-Agent"] = USER_AGENT
        if self.credentials:
            self.session.auth = self.credentials.auth()

    def __repr__(self) -> str:
        urls = ", ".join(f"{name}={redact(url)!r}" for name, url in
                         (("query_url", self.query_url), ("update_url", self.update_url),
                          ("store_url", self.store_url)) if url)
        return f"Endpoint({urls}, auth={'yes' if self.credentials else 'no'})"

    @classmethod
    def oxigraph(cls, base_url: str, **options) -> Endpoint:
        """The endpoints of an Oxigraph server at `http://127.0.0.1:7878`."""
        base = base_url.rstrip("/")
        return cls(query_url=f"{base}/query", update_url=f"{base}/update", store_url=f"{base}/store", **options)

    # -- Graph Store Protocol --------------------------------------------------------------------

    def put_graph(self, graph: str, body: bytes, content_type: str = "application/n-triples") -> None:
        """Replace a named graph with `body`."""
        self._store("PUT", graph, body, content_type)

    def post_graph(self, graph: str, body: bytes, content_type: str = "application/n-triples") -> None:
        """Add `body` to a named graph (RDF set semantics: repeating a POST adds nothing new)."""
        self._store("POST", graph, body, content_type)

    def _store(self, method: str, graph: str, body: bytes, content_type: str) -> None:
        if not self.store_url:
            raise EndpointError("no Graph Store Protocol URL is configured: pass --store-url, or use --method update")
        self.request(method, self.store_url, params={self.graph_param: graph}, data=body,
                     headers={"Content-Type": content_type})

    # -- SPARQL ----------------------------------------------------------------------------------

    def update(self, sparql: str) -> None:
        if not self.update_url:
            raise EndpointError("no SPARQL Update URL is configured: pass --update-url")
        self.request("POST", self.update_url, data=sparql.encode("utf-8"),
                     headers={"Content-Type": "application/sparql-update"})

    def select(self, sparql: str) -> list[dict[str, dict[str, str]]]:
        """Bindings of a SELECT, as SPARQL JSON results."""
        response = self.request("POST", self.query_url, data={"query": sparql},
                                headers={"Accept": "application/sparql-results+json"})
        return response.json()["results"]["bindings"]

    def ask(self, sparql: str) -> bool:
        response = self.request("POST", self.query_url, data={"query": sparql},
                                headers={"Accept": "application/sparql-results+json"})
        return bool(response.json()["boolean"])

    def request(self, method: str, url: str, **kwargs) -> requests.Response:
        """One request with timeout and retries; raises EndpointError with a redacted, actionable message."""
        delay = self.backoff
        for attempt in range(self.retries + 1):
            try:
                response = self.session.request(method, url, timeout=self.timeout, **kwargs)
            except (requests.ConnectionError, requests.Timeout) as error:
                if attempt == self.retries:
                    raise EndpointError(f"{method} {redact(url)}: no answer after {attempt + 1} tries "
                                        f"({type(error).__name__}); is the server running?") from None
            else:
                if response.status_code < 400:
                    return response
                if response.status_code not in RETRY_STATUS or attempt == self.retries:
                    raise EndpointError(self._refusal(method, url, response))
            time.sleep(delay)
            delay = min(delay * 2, 30.0)
        raise AssertionError("unreachable")

    @staticmethod
    def _refusal(method: str, url: str, response: requests.Response) -> str:
        hint = {401: "check the user and password (and --auth digest|basic)", 403: "the user may not write here",
                404: "check the URL", 405: "this URL does not accept this method; try --method update",
                413: "the request is too large; lower --batch-triples"}.get(response.status_code, "")
        body = response.text[:300].strip().replace("\n", " ")
        return f"{method} {redact(url)} answered {response.status_code}: {body}" + (f" ({hint})" if hint else "")
