"""The full-text index of a release: SQLite FTS5 over each cable's words, with its facets beside.

Why SQLite FTS5: it ships inside Python's standard library (nothing to install, nothing to run), it
is a file that sits in the release folder next to the store and is switched with it, and it has what
a search box needs: phrases ("tent city"), prefixes (gadd*), AND / OR / NOT, NEAR, BM25 ranking and
highlighted snippets, with accents folded by its unicode61 tokenizer (`remove_diacritics 2`: "Qadhafi"
and "Qadhāfi" are one word). Oxigraph has no text index; a SPARQL `REGEX` over 251,287 texts reads all
of them for every query.

What is indexed per cable, each in its own column so that a word in the subject weighs more than a
word in the body (BM25 weights below): the subject line; the text of the cable; its TAGS codes with
their definitions; the people named (classified by, signer); the posts and addressees. Facets
(year, origin, classification, caveats, tags) sit in plain tables keyed by the same row id, so a
search is joined with them in SQL.

The index is written while the cables are transformed (`IndexWriter.add` per record, from the
pipeline's stream, in batched transactions), never by a second pass over the store.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Any

from cablegraph.parse.ids import resource_key
from cablegraph.rdf.mint import Minter
from cablegraph.tables import tag_info

SEARCH_INDEX = "search.sqlite"  # its name in a release folder (DATA/search.sqlite leads to the current one)
SCHEMA_VERSION = "1"
COLUMNS = ("subject", "body", "tags", "people", "posts")
#: BM25 weights, in COLUMNS order: the subject and the tags say what a cable is about.
WEIGHTS = (8.0, 1.0, 4.0, 3.0, 2.0)
BATCH = 500

SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE cable (
    id INTEGER PRIMARY KEY,
    iri TEXT NOT NULL UNIQUE,
    reference_id TEXT NOT NULL,
    created TEXT,
    year INTEGER,
    origin TEXT,
    classification TEXT,
    subject TEXT
);
CREATE TABLE cable_tag (cable INTEGER NOT NULL, tag TEXT NOT NULL);
CREATE TABLE cable_caveat (cable INTEGER NOT NULL, caveat TEXT NOT NULL);
CREATE VIRTUAL TABLE cable_text USING fts5({", ".join(COLUMNS)}, tokenize = "unicode61 remove_diacritics 2");
"""
INDEXES = """
CREATE INDEX cable_year ON cable (year);
CREATE INDEX cable_origin ON cable (origin);
CREATE INDEX cable_classification ON cable (classification);
CREATE INDEX cable_tag_tag ON cable_tag (tag, cable);
CREATE INDEX cable_tag_cable ON cable_tag (cable);
CREATE INDEX cable_caveat_caveat ON cable_caveat (caveat, cable);
CREATE INDEX cable_caveat_cable ON cable_caveat (cable);
"""


def row_of(record: dict[str, Any], minter: Minter) -> dict[str, Any]:
    """What the index keeps of one parsed record (the same record the RDF is made from)."""
    key = resource_key(record["reference_id"], record.get("reference_id_raw"))
    created = record.get("created") or record.get("file_date") or None
    tags = [tag["code"] for tag in record.get("tags") or []]
    definitions = [info.label for code in tags if (info := tag_info(code)) and info.label]
    classifier = (record.get("classified_by") or {}).get("name")
    addresses = [line.get("name") for role in ("from", "to", "info") for line in record.get(role) or []]
    return {
        "iri": minter.cable(key).value,
        "reference_id": record["reference_id"],
        "created": created,
        "year": int(created[:4]) if created and created[:4].isdigit() else None,
        "origin": record.get("station") or None,
        "classification": record.get("classification") or None,
        "caveats": sorted(set(record.get("caveats") or [])),
        "tags": sorted(set(tags)),
        "subject": record.get("subject") or "",
        "text": {
            "subject": record.get("subject") or "",
            "body": record.get("text") or "",
            "tags": " ".join([*tags, *definitions]),
            "people": " ".join(name for name in (classifier, record.get("signer_name")) if name),
            "posts": " ".join(name for name in (record.get("origin"), record.get("station"), *addresses) if name),
        },
    }


class IndexWriter:
    """`with IndexWriter(path, base) as index: index.add(record) ...`: a new index file, built in batches."""

    def __init__(self, path: str | Path, base: str):
        self.path = Path(path)
        self.minter = Minter(base)
        self.path.unlink(missing_ok=True)
        self.db = sqlite3.connect(self.path)
        self.db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + SCHEMA)
        self.db.executemany("INSERT INTO meta VALUES (?, ?)", [("schema", SCHEMA_VERSION), ("base", base)])
        self._pending: list[dict[str, Any]] = []
        self.count = 0

    def add(self, record: dict[str, Any]) -> None:
        self._pending.append(row_of(record, self.minter))
        if len(self._pending) >= BATCH:
            self._flush()

    def add_all(self, records: Iterable[dict[str, Any]]) -> None:
        for record in records:
            self.add(record)

    def _flush(self) -> None:
        with self.db:
            for row in self._pending:
                cursor = self.db.execute(
                    "INSERT OR IGNORE INTO cable (iri, reference_id, created, year, origin, classification, subject) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (row["iri"], row["reference_id"], row["created"], row["year"], row["origin"],
                     row["classification"], row["subject"]))
                if not cursor.rowcount:
                    continue  # one IRI, one entry: the pipeline already keeps only the first of an id
                rowid = cursor.lastrowid
                self.db.executemany("INSERT INTO cable_tag VALUES (?, ?)", [(rowid, tag) for tag in row["tags"]])
                self.db.executemany("INSERT INTO cable_caveat VALUES (?, ?)",
                                    [(rowid, caveat) for caveat in row["caveats"]])
                self.db.execute(f"INSERT INTO cable_text (rowid, {', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)",
                                (rowid, *(row["text"][column] for column in COLUMNS)))
                self.count += 1
        self._pending.clear()

    def close(self) -> None:
        """Write what is pending, index the facets, merge the FTS segments, and close the file."""
        self._flush()
        with self.db:
            self.db.executescript(INDEXES)
            self.db.execute("INSERT INTO cable_text (cable_text) VALUES ('optimize')")
            self.db.execute("INSERT INTO meta VALUES ('cables', ?)", (str(self.count),))
        self.db.execute("VACUUM")
        self.db.close()

    def abandon(self) -> None:
        self.db.close()
        self.path.unlink(missing_ok=True)

    def __enter__(self) -> IndexWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if error is None:
            self.close()
        else:
            self.abandon()
