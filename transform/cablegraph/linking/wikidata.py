"""Asking a Wikidata SPARQL endpoint for what the bundled tables lack (`cablegraph link --online`).

Why it is built this way: Wikidata's public endpoint asks clients for a descriptive User-Agent,
throttles with 429 and sheds load with 503, and linking must stay reproducible. So every query
goes through one client that waits between requests, retries 429/503 (honouring Retry-After),
and records each answer in an on-disk JSON cache with its endpoint, query text and date: a
second run asks nothing, and every online link can cite the answer it came from. The queries
are files in `queries/wikidata/`; the values asked (codes, names) are bound by a VALUES block
of serialised RDF terms, never pasted into the query text.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import urllib.error
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pyoxigraph import Literal
from SPARQLWrapper import JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from cablegraph import __version__
from cablegraph.queries import insert_values
from cablegraph.resources import project_file

WIKIDATA_ENDPOINT = "https://query.wikidata.org/sparql"
USER_AGENT = (f"cablegraph/{__version__} (linked-data pipeline for diplomatic cables; "
              "https://w3id.org/cablegraph/) SPARQLWrapper")
QID = re.compile(r"^http://www\.wikidata\.org/entity/(Q[1-9][0-9]*)$")
RETRY_STATUSES = (429, 503)


class WikidataUnavailable(RuntimeError):
    """The endpoint cannot be reached or keeps refusing: say what to do instead."""


@dataclass
class AnswerCache:
    """Recorded answers (`answers`) and the links made from them (`links`), in one JSON file."""

    path: Path
    answers: dict[str, dict] = field(default_factory=dict)
    links: dict[str, dict[str, dict[str, str]]] = field(default_factory=lambda: {"geo": {}, "org": {}, "person": {}})

    @classmethod
    def open(cls, path: str | Path) -> AnswerCache:
        path = Path(path)
        if not path.is_file():
            return cls(path)
        data = json.loads(path.read_text(encoding="utf-8"))
        cache = cls(path, data.get("answers", {}))
        for kind, links in data.get("links", {}).items():
            cache.links.setdefault(kind, {}).update(links)
        return cache

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"answers": self.answers, "links": self.links}, indent=1, sort_keys=True,
                          ensure_ascii=False)
        tmp = self.path.with_suffix(self.path.suffix + ".tmp")
        tmp.write_text(text + "\n", encoding="utf-8")
        tmp.replace(self.path)


def answer_key(endpoint: str, query: str) -> str:
    return hashlib.sha256(f"{endpoint}\n{query}".encode()).hexdigest()


class WikidataClient:
    """SELECT queries against one endpoint, cached, rate-limited and retried."""

    def __init__(self, cache: AnswerCache, endpoint: str = WIKIDATA_ENDPOINT, *, min_interval: float = 1.0,
                 retries: int = 4, timeout: float = 60.0, sleep: Callable[[float], None] = time.sleep):
        self.cache = cache
        self.endpoint = endpoint
        self.min_interval = min_interval
        self.retries = retries
        self.timeout = timeout
        self.sleep = sleep
        self.requests = 0  # HTTP requests actually sent (a cached answer sends none)
        self._last = 0.0

    def select(self, query: str) -> tuple[str, list[dict[str, dict[str, str]]]]:
        """(answer key, bindings), from the cache or the endpoint."""
        key = answer_key(self.endpoint, query)
        if key not in self.cache.answers:
            bindings = self._ask(query)
            self.cache.answers[key] = {"endpoint": self.endpoint, "query": query,
                                       "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                                       "bindings": bindings}
            self.cache.save()
        return key, self.cache.answers[key]["bindings"]

    def _ask(self, query: str) -> list[dict[str, dict[str, str]]]:
        for attempt in range(1, self.retries + 1):
            wait = self.min_interval - (time.monotonic() - self._last)
            if wait > 0:
                self.sleep(wait)
            client = SPARQLWrapper(self.endpoint, agent=USER_AGENT)
            client.setQuery(query)
            client.setMethod(POST)
            client.setReturnFormat(JSON)
            client.setTimeout(int(self.timeout))
            self.requests += 1
            self._last = time.monotonic()
            try:
                return client.queryAndConvert()["results"]["bindings"]
            except urllib.error.HTTPError as error:
                if error.code not in RETRY_STATUSES or attempt == self.retries:
                    raise WikidataUnavailable(f"{self.endpoint} answered HTTP {error.code} ({error.reason}) "
                                              f"after {attempt} tries; run again later, or link offline "
                                              "(without --online)") from error
                self.sleep(_retry_after(error, attempt))
            except (TimeoutError, urllib.error.URLError, ConnectionError) as error:
                reason = getattr(error, "reason", error)
                raise WikidataUnavailable(f"cannot reach {self.endpoint} ({reason}): is the network up? "
                                          "Linking works offline without --online; --wikidata-endpoint "
                                          "points at another SPARQL endpoint") from error
            except SPARQLWrapperException as error:
                raise WikidataUnavailable(f"{self.endpoint} refused the query: {error}") from error
        raise AssertionError("unreachable")


def _retry_after(error: urllib.error.HTTPError, attempt: int) -> float:
    header = error.headers.get("Retry-After") if error.headers else None
    if header and header.strip().isdigit():
        return min(float(header), 300.0)
    return min(2.0 ** attempt, 60.0)


def _values_query(name: str, variable: str, values: Iterable[Literal]) -> str:
    text = project_file("queries", "wikidata", name).read_text(encoding="utf-8")
    terms = " ".join(str(term) for term in values)  # N-Triples serialisation: quotes and escapes
    return insert_values(text, f"VALUES ?{variable} {{ {terms} }}")


def _batches(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def link_fips_codes(client: WikidataClient, codes: Iterable[str], batch: int = 50) -> dict[str, dict[str, str]]:
    """FIPS code -> online link answer, for codes exactly one Wikidata item carries (P901)."""
    found: dict[str, dict[str, str]] = {}
    for chunk in _batches(sorted(set(codes)), batch):
        query = _values_query("items-by-fips.rq", "fips", (Literal(code) for code in chunk))
        key, bindings = client.select(query)
        items: dict[str, set[str]] = defaultdict(set)
        for row in bindings:
            match = QID.match(row.get("item", {}).get("value", ""))
            if match and "fips" in row:
                items[row["fips"]["value"]].add(match.group(1))
        for code, qids in items.items():
            if len(qids) == 1:
                found[code] = _answer(client, key, next(iter(qids)), f"the only item with FIPS 10-4 code (P901) {code}")
    return found


def link_people(client: WikidataClient, evidence: dict[str, set[str]], batch: int = 25) -> dict[str, dict[str, str]]:
    """Full name -> online link answer, only where the match is certain.

    Certain means: exactly one human carries the name as English label, and one of the positions
    that human held names one of the person's evidence terms (the country, city or organisation
    of a post the person signed or classified cables at), e.g. 'United States Ambassador to NATO'
    for a signer at USNATO. A name shared by two humans, or a match with no such position, is
    left unlinked.
    """
    found: dict[str, dict[str, str]] = {}
    for chunk in _batches(sorted(evidence), batch):
        query = _values_query("people-by-label.rq", "label", (Literal(name, language="en") for name in chunk))
        key, bindings = client.select(query)
        items: dict[str, set[str]] = defaultdict(set)
        positions: dict[tuple[str, str], set[str]] = defaultdict(set)
        for row in bindings:
            match = QID.match(row.get("item", {}).get("value", ""))
            if not match:
                continue
            name = row["label"]["value"]
            items[name].add(match.group(1))
            if "positionLabel" in row:
                positions[(name, match.group(1))].add(row["positionLabel"]["value"])
        for name, qids in items.items():
            if len(qids) != 1:
                continue
            qid = next(iter(qids))
            terms = {t.lower() for t in evidence.get(name, set()) if t}
            held = [p for p in positions[(name, qid)] if any(re.search(rf"\b{re.escape(t)}\b", p.lower())
                                                                for t in terms)]
            if held:
                found[name] = _answer(client, key, qid, f"only human labelled {name!r}; held position {held[0]!r}")
    return found


def _answer(client: WikidataClient, key: str, qid: str, evidence: str) -> dict[str, str]:
    answer = client.cache.answers[key]
    return {"wikidata": qid, "endpoint": client.endpoint, "query": answer["query"], "date": answer["date"],
            "evidence": evidence, "answer": key}
