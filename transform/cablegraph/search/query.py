"""Asking the full-text index: words, filters, ranking, snippets and facet counts.

Everything the user types reaches SQLite as a bound parameter, never as SQL text: the words go to FTS5's
MATCH (its own small query language: "a phrase", prefix*, AND / OR / NOT, NEAR), the filters to `?`
placeholders. Words FTS5 cannot read as a query (`al-Qaida`, a stray quote) are searched again as plain
words, each quoted, instead of failing: a search box must not answer "syntax error" to a name.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from cablegraph.search.index import WEIGHTS

#: Around a matched word in a snippet (a caller replaces them with <mark> or brackets after escaping).
MARK_START, MARK_END = "\x02", "\x03"
FACETS = ("year", "origin", "classification", "tag", "caveat")
MAX_LIMIT = 10_000
MAX_WORDS_LENGTH = 1_000
_TOKEN = re.compile(r"\S+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class SearchError(ValueError):
    """A search the index cannot answer as asked; the message says what to change."""


class SearchTimedOut(RuntimeError):
    """A search ran past the time limit its caller set (`Searcher.time_limit`), and SQLite was interrupted."""


def without_controls(text: str) -> str:
    """`text` with NULs and other control characters as spaces, trimmed: no part of a word or a facet value."""
    return _CONTROL.sub(" ", text).strip()


@dataclass(frozen=True, slots=True)
class Filters:
    """Facet values a search is narrowed to (each one must hold; several tags must all hold)."""

    tags: tuple[str, ...] = ()
    origin: str | None = None
    classification: str | None = None
    caveat: str | None = None
    date_from: str | None = None  # ISO date, inclusive
    date_to: str | None = None  # ISO date, inclusive


@dataclass(slots=True)
class Hit:
    iri: str
    reference_id: str
    created: str | None
    origin: str | None
    classification: str | None
    subject: str
    snippet: str
    score: float


@dataclass(slots=True)
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


class Searcher:
    """Read-only access to one release's index file."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(f"no search index at {self.path}: publish again to build one")
        self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def time_limit(self, seconds: float, check_every: int = 1_000) -> Iterator[None]:
        """Interrupt SQLite past `seconds` (checked every `check_every` of its steps) and raise SearchTimedOut:
        a search such as `a* OR b* OR ...` must not hold a thread for as long as it takes."""
        deadline = time.monotonic() + seconds
        self.db.set_progress_handler(lambda: time.monotonic() > deadline, check_every)
        try:
            yield
        except sqlite3.OperationalError as error:
            if "interrupt" in str(error) or time.monotonic() > deadline:
                raise SearchTimedOut(f"the search ran longer than {seconds:g} s") from None
            raise
        finally:
            self.db.set_progress_handler(None, 0)

    def cable_iri(self, reference_id: str) -> str | None:
        """The IRI of the indexed (published) cable with this reference id, or None."""
        row = self.db.execute("SELECT iri FROM cable WHERE reference_id = ? LIMIT 1", (reference_id,)).fetchone()
        return row[0] if row else None

    def search(self, words: str, filters: Filters = Filters(), *, limit: int = 20, offset: int = 0,
               facets: bool = True, facet_size: int = 20, snippets: bool = True) -> SearchResult:
        if len(words) > MAX_WORDS_LENGTH:
            raise SearchError(f"the search is too long ({len(words):,} characters; {MAX_WORDS_LENGTH:,} at most)")
        if not 1 <= limit <= MAX_LIMIT or offset < 0:
            raise SearchError(f"limit must be from 1 to {MAX_LIMIT:,} and offset 0 or more")
        words = without_controls(words)
        try:
            return self._search(words, filters, limit, offset, facets, facet_size, snippets)
        except sqlite3.OperationalError as error:
            if not words or "interrupt" in str(error):  # a real failure, or a caller's time limit: not the words
                raise
        # FTS5 read the words as syntax it rejects (`al-Qaida` is a column filter to it): search them as words
        return self._search(plain_words(words), filters, limit, offset, facets, facet_size, snippets)

    def _search(self, words: str, filters: Filters, limit: int, offset: int, facets: bool,
                facet_size: int, snippets: bool) -> SearchResult:
        where, params = _conditions(words, filters)
        source = "cable c JOIN cable_text ON cable_text.rowid = c.id" if words else "cable c"
        total = self.db.execute(f"SELECT COUNT(*) FROM {source} WHERE {where}", params).fetchone()[0]
        if words:
            rank = f"bm25(cable_text, {', '.join(str(w) for w in WEIGHTS)})"
            snippet = f"snippet(cable_text, -1, '{MARK_START}', '{MARK_END}', '…', 24)" if snippets else "''"
            order = f"{rank}, c.created DESC"
        else:
            rank, snippet, order = "0.0", "''", "c.created DESC, c.reference_id"
        rows = self.db.execute(
            f"SELECT c.iri, c.reference_id, c.created, c.origin, c.classification, c.subject, {snippet}, {rank} "
            f"FROM {source} WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?", [*params, limit, offset]).fetchall()
        result = SearchResult(total, [Hit(*row) for row in rows])
        if facets:
            result.facets = {name: self._facet(name, source, where, params, facet_size) for name in FACETS}
        return result

    def _facet(self, name: str, source: str, where: str, params: list, size: int) -> list[tuple[str, int]]:
        column = {"year": "c.year", "origin": "c.origin", "classification": "c.classification",
                  "tag": "t.tag", "caveat": "v.caveat"}[name]
        join = {"tag": " JOIN cable_tag t ON t.cable = c.id", "caveat": " JOIN cable_caveat v ON v.cable = c.id"}
        rows = self.db.execute(
            f"SELECT {column}, COUNT(*) AS n FROM {source}{join.get(name, '')} WHERE {where} AND {column} IS NOT NULL "
            f"GROUP BY {column} ORDER BY n DESC, {column} LIMIT ?", [*params, size]).fetchall()
        return [(str(value), count) for value, count in rows]

    def cables(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM cable").fetchone()[0]


def _conditions(words: str, filters: Filters) -> tuple[str, list]:
    """The WHERE clause, made only of fixed SQL and `?` placeholders, and its parameters in order."""
    clauses, params = ["1 = 1"], []
    if words:
        clauses.append("cable_text MATCH ?")
        params.append(words)
    for tag in filters.tags:
        clauses.append("EXISTS (SELECT 1 FROM cable_tag WHERE cable_tag.cable = c.id AND cable_tag.tag = ?)")
        params.append(tag)
    if filters.caveat:
        clauses.append("EXISTS (SELECT 1 FROM cable_caveat WHERE cable_caveat.cable = c.id AND caveat = ?)")
        params.append(filters.caveat)
    for column, value in (("c.origin", filters.origin), ("c.classification", filters.classification)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    if filters.date_from:
        clauses.append("c.created >= ?")
        params.append(filters.date_from)
    if filters.date_to:
        clauses.append("c.created < ?")  # inclusive of the whole day: created may carry a time
        params.append(filters.date_to + "\uffff")
    return " AND ".join(clauses), params


def plain_words(words: str) -> str:
    """Every whitespace-separated token as an FTS5 string (quotes doubled): words, never operators."""
    return " ".join('"' + token.replace('"', '""') + '"' for token in _TOKEN.findall(words))
