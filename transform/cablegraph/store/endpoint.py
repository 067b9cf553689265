"""A SPARQL 1.1 endpoint as the loader and the query runner see it.

Graph Store Protocol for whole graphs (PUT replaces a named graph, so re-loading a cable is
idempotent), SPARQL Update as the fallback, SPARQL Query for reads. Every request has a
timeout and is retried with exponential backoff on connection errors and 5xx answers; each
retry is reported to `on_retry`, so a struggling server is visible instead of silent.
`probe()` is one cheap `ASK {}` with a short timeout, so a dead endpoint is known in a
second, before anything is sent.

Credentials come from the environment, a file or the URL and never appear in a message:
every EndpointError passes through `redact_text`, which masks `user:password@` in any URL
(`user:***@`) and every password the endpoint knows, and no header is ever logged.
`redact_url` and `redact_text` are for any command that prints an endpoint URL.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn
from urllib.parse import unquote

import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

RETRY_STATUS = {429, 500, 502, 503, 504}
USER_AGENT = "cablegraph/0.1 (+https://w3id.org/cablegraph)"
PROBE_TIMEOUT = 10.0  # seconds: `ASK {}` answers in milliseconds on a live server
MASK = "***"
# scheme://user:password@ anywhere in a text; greedy up to the last @ of the authority, since a
# password may itself hold an @ (`http://u:p@ss@host/` must not leave `ss` behind)
_URL_USERINFO = re.compile(r"(?P<head>[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#\s:@]*):(?P<secret>[^/?#\s]*)@")


class EndpointError(RuntimeError):
    """A request failed for good: the message says which endpoint, what happened, and what to try.

    `detail` is the cause alone (no URL, no advice), for a caller that words its own message.
    """

    def __init__(self, message: str, detail: str | None = None):
        super().__init__(message)
        self.detail = detail or message


def redact_url(url: str) -> str:
    """The URL with its password masked (`http://u:***@host/...`), safe to print.

    Regex-based rather than urlsplit-based on purpose: a malformed URL (a bad port) must be
    redacted too, since that is exactly when it ends up in an error message.
    """
    return _URL_USERINFO.sub(lambda match: f"{match['head']}:{MASK}@", url)


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every URL password and every given secret (as written, and URL-decoded) masked.

    Secrets shorter than 3 characters are left alone: masking every "a" would garble the
    message without protecting anything a guesser would not find at once.
    """
    text = redact_url(text)
    for secret in sorted({form for value in secrets if value for form in (value, unquote(value))},
                         key=len, reverse=True):
        if len(secret) >= 3:
            text = text.replace(secret, MASK)
    return text


def url_password(url: str | None) -> str | None:
    """The password written into a URL's user information, if any (so it can be masked)."""
    match = _URL_USERINFO.search(url or "")
    return match["secret"] if match else None


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
    """The URLs of one SPARQL service. `store_url` is its Graph Store Protocol endpoint.

    `on_retry` hears one line per retry (already redacted); setting `cancel` makes requests
    that are waiting to retry give up at once (the loader sets it when it stops a run).
    """

    query_url: str
    update_url: str | None = None
    store_url: str | None = None
    graph_param: str = "graph"  # Virtuoso's /sparql-graph-crud also takes graph-uri
    credentials: Credentials | None = field(default=None, repr=False)
    timeout: float = 120.0
    retries: int = 5
    backoff: float = 0.5
    session: requests.Session = field(default_factory=requests.Session, repr=False)
    on_retry: Callable[[str], None] | None = field(default=None, repr=False)
    cancel: threading.Event = field(default_factory=threading.Event, repr=False)
    retried: int = field(default=0, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        self.session.headers["User-Agent"] = USER_AGENT
        if self.credentials:
            self.session.auth = self.credentials.auth()

    def __repr__(self) -> str:
        urls = ", ".join(f"{name}={redact_url(url)!r}" for name, url in
                         (("query_url", self.query_url), ("update_url", self.update_url),
                          ("store_url", self.store_url)) if url)
        return f"Endpoint({urls}, auth={'yes' if self.credentials else 'no'})"

    @classmethod
    def oxigraph(cls, base_url: str, **options) -> Endpoint:
        """The endpoints of an Oxigraph server at `http://127.0.0.1:7878`."""
        base = base_url.rstrip("/")
        return cls(query_url=f"{base}/query", update_url=f"{base}/update", store_url=f"{base}/store", **options)

    def secrets(self) -> list[str]:
        """Every password this endpoint knows (credentials and URLs), to mask in messages."""
        found = [url_password(url) for url in (self.query_url, self.update_url, self.store_url)]
        if self.credentials:
            found.append(self.credentials.password)
        return [secret for secret in found if secret]

    def redact(self, text: str) -> str:
        """`text` safe to print: no password of this endpoint in it, in any form we know."""
        return redact_text(text, self.secrets())

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
        return self._results(self._query(sparql), "results")["bindings"]

    def ask(self, sparql: str) -> bool:
        return bool(self._results(self._query(sparql), "boolean"))

    def graph_exists(self, graph: str) -> bool:
        """Whether the store holds at least one triple in the named graph `graph`."""
        return self.ask(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")

    def probe(self) -> None:
        """One cheap `ASK {}` with a short timeout and one retry: raise at once if nobody answers.

        Why: a dead endpoint otherwise costs every graph its full retry schedule (a closed port
        took 62 s for 13 graphs), and says nothing until the end.
        """
        try:
            self._results(self._query("ASK {}", retries=1, timeout=min(self.timeout, PROBE_TIMEOUT)), "boolean")
        except EndpointError as error:
            raise EndpointError(f"the SPARQL endpoint {redact_url(self.query_url)} does not answer ({error.detail}): "
                                "start the server or correct --endpoint; nothing was sent") from None

    def _query(self, sparql: str, **options) -> requests.Response:
        return self.request("POST", self.query_url, data={"query": sparql},
                            headers={"Accept": "application/sparql-results+json"}, **options)

    def _results(self, response: requests.Response, key: str):
        try:
            return response.json()[key]
        except (ValueError, KeyError, TypeError):
            kind = response.headers.get("Content-Type", "?")
            raise EndpointError(self.redact(f"{redact_url(response.url)} answered {response.status_code} with "
                                            f"{kind}, not SPARQL JSON results: is it the SPARQL query URL?")) from None

    # -- one request, retried ----------------------------------------------------------------------

    def request(self, method: str, url: str, *, retries: int | None = None, timeout: float | None = None,
                **kwargs) -> requests.Response:
        """One request with timeout and retries; raises EndpointError with a redacted, actionable message."""
        retries = self.retries if retries is None else retries
        delay = self.backoff
        for attempt in range(retries + 1):
            try:
                response = self.session.request(method, url, timeout=timeout or self.timeout, **kwargs)
            except (requests.ConnectionError, requests.Timeout) as error:
                problem = type(error).__name__
                if attempt == retries:
                    self._fail(f"{method} {redact_url(url)}", f"{problem} after {attempt + 1} tries",
                               "; is the server running?")
            except requests.RequestException as error:  # a malformed URL, a bad scheme: retrying will not help
                self._fail(f"{method} {redact_url(url)}", f"{type(error).__name__}: {error}", "; check the URL")
            else:
                if response.status_code < 400:
                    return response
                if response.status_code not in RETRY_STATUS or attempt == retries:
                    self._fail(f"{method} {redact_url(url)}", self._refusal(response))
                problem = f"HTTP {response.status_code}"
            self._wait_to_retry(f"{method} {redact_url(url)}: {problem}", attempt + 1, retries, delay)
            delay = min(delay * 2, 30.0)
        raise AssertionError("unreachable")

    def _wait_to_retry(self, what: str, attempt: int, retries: int, delay: float) -> None:
        """Say so, then sleep before a retry; give up at once if the run was cancelled meanwhile."""
        with self._lock:
            self.retried += 1
        if self.on_retry:
            self.on_retry(self.redact(f"retry {attempt}/{retries} in {delay:.1f} s: {what}"))
        if self.cancel.wait(delay):
            raise EndpointError(self.redact(f"{what}: not retried, the load was stopped"))

    def _fail(self, request: str, detail: str, advice: str = "") -> NoReturn:
        """Raise EndpointError("<request>: <detail><advice>"), redacted, with the detail on its own too."""
        detail = self.redact(detail)
        raise EndpointError(self.redact(f"{request}: {detail}{advice}"), detail) from None

    @staticmethod
    def _refusal(response: requests.Response) -> str:
        hint = {401: "check the user and password (and --auth digest|basic)", 403: "the user may not write here",
                404: "check the URL", 405: "this URL does not accept this method; try --method update",
                413: "the request is too large; lower --batch-triples"}.get(response.status_code, "")
        body = response.text[:300].strip().replace("\n", " ")
        return f"answered {response.status_code}: {body}" + (f" ({hint})" if hint else "")
