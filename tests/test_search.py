"""The full-text index: what it finds, how it ranks, its filters and facets, and what an outsider may type.

The index is built from the records of the fictional sample (one cable given a made-up accented
phrase), the way publish builds it; the corpus checks live in tests/test_publish.py, on the real release.
"""

from __future__ import annotations

import sqlite3
from importlib.resources import files
from pathlib import Path

import pytest
from click.testing import CliRunner

from cablegraph import pipeline
from cablegraph.cli import main
from cablegraph.search.index import IndexWriter
from cablegraph.search.query import MARK_END, MARK_START, MAX_WORDS_LENGTH, Filters, Searcher, SearchError

BASE = "https://w3id.org/cablegraph/"
SAMPLE = str(files("cablegraph") / "fixtures")
ACCENTED = "Señora Müller visited the Hôtel Métropole"  # fictional, added to one fictional cable


@pytest.fixture(scope="module")
def records() -> list[dict]:
    options = pipeline.Options(rdf_format=None, keep_record=True)
    found = [item.record for item in pipeline.process([SAMPLE], options=options, jobs=1)
             if item.record and not item.failure]
    for record in found:
        if record["reference_id"] == "09USNATO9001":
            record["text"] += "\n" + ACCENTED
    return found


@pytest.fixture(scope="module")
def searcher(records, tmp_path_factory) -> Searcher:
    path = tmp_path_factory.mktemp("search") / "search.sqlite"
    with IndexWriter(path, BASE) as index:
        index.add_all(records)
    searcher = Searcher(path)
    yield searcher
    searcher.close()


def ids(result) -> list[str]:
    return [hit.reference_id for hit in result.hits]


def test_every_record_is_indexed_once(searcher, records):
    assert searcher.cables() == len({record["reference_id"] for record in records}) == len(records)


def test_a_word_finds_every_cable_holding_it_those_with_it_in_the_subject_first(searcher, records):
    found = searcher.search("lantern", limit=100)
    holding = {record["reference_id"] for record in records if "lantern" in record["text"].lower()}
    assert set(ids(found)) == holding and len(holding) >= 2
    in_subject = [hit for hit in found.hits if "LANTERN" in (hit.subject or "").upper()]
    assert in_subject and found.hits[: len(in_subject)] == in_subject  # the subject weighs most
    assert all(f"{MARK_START}LANTERN{MARK_END}" in hit.snippet.upper() for hit in found.hits)


def test_accents_and_case_do_not_matter(searcher):
    for words in ("senora muller", "SEÑORA MÜLLER", "hotel metropole"):
        assert ids(searcher.search(words)) == ["09USNATO9001"], words


def test_phrases_prefixes_and_boolean_operators(searcher):
    assert ids(searcher.search('"hotel metropole"')) == ["09USNATO9001"]
    assert searcher.search('"metropole hotel"').total == 0  # a phrase keeps its order
    assert "09USNATO9001" in ids(searcher.search("metrop*"))
    everything_invented = searcher.search("invented", limit=100).total
    without = searcher.search("invented NOT lantern", limit=100).total
    assert without == everything_invented - searcher.search("invented lantern", limit=100).total
    assert searcher.search("lantern OR metropole").total == len(set(ids(searcher.search("lantern"))) |
                                                                  set(ids(searcher.search("metropole"))))


def test_filters_narrow_and_facets_count_what_is_shown(searcher, records):
    everything = searcher.search("", limit=100)
    assert everything.total == len(records)
    for origin, count in everything.facets["origin"]:
        narrowed = searcher.search("", Filters(origin=origin), limit=100)
        assert narrowed.total == count and {hit.origin for hit in narrowed.hits} == {origin}
    nato = searcher.search("", Filters(tags=("NATO",)), limit=100)
    assert nato.total == sum(1 for record in records if "NATO" in {tag["code"] for tag in record["tags"]})
    assert dict(nato.facets["tag"])["NATO"] == nato.total
    in_2009 = searcher.search("", Filters(date_from="2009-01-01", date_to="2009-12-31"), limit=100)
    assert in_2009.total == sum(1 for record in records if (record["created"] or "").startswith("2009"))
    assert dict(everything.facets["year"])["2009"] == in_2009.total


def test_paging_walks_the_ranked_list_without_gaps(searcher):
    whole = ids(searcher.search("invented", limit=100))
    pages = [ids(searcher.search("invented", limit=3, offset=offset)) for offset in range(0, len(whole), 3)]
    assert [cable for page in pages for cable in page] == whole and len(whole) > 3


@pytest.mark.parametrize("words", [
    "'; DROP TABLE cable; --", 'x" OR 1=1 --', "al-Qaida", "NEAR(", '"', "*", "AND OR NOT", "subject:lantern)",
    "\x00", "lantern' UNION SELECT iri FROM cable --", "((((((((((lantern", "^lantern", "🙂",
])
def test_hostile_words_are_words_never_sql_or_a_crash(searcher, words):
    result = searcher.search(words)
    assert result.total >= 0
    assert searcher.cables() > 0  # nothing was dropped


def test_a_search_too_long_is_refused_with_a_reason(searcher):
    with pytest.raises(SearchError, match="too long"):
        searcher.search("x " * MAX_WORDS_LENGTH)


def test_the_index_file_is_opened_read_only(searcher):
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        searcher.db.execute("DELETE FROM cable")


def test_publish_builds_the_index_with_the_release_and_the_cli_searches_it(tmp_path):
    from cablegraph.store.publish import publish

    result = publish([SAMPLE], tmp_path / "data", say=lambda _: None)
    assert (tmp_path / "data" / "search.sqlite").resolve().parent == (tmp_path / "data" / "current").resolve()
    runner = CliRunner()
    found = runner.invoke(main, ["search", "lantern", "--data", str(tmp_path / "data"), "--format", "csv"])
    assert found.exit_code == 0, found.output
    assert found.output.splitlines()[0] == "id,created,origin,classification,subject,snippet"
    assert "09USNATO9002" in found.output and "[LANTERN]" in found.output.upper()
    searcher = Searcher(tmp_path / "data" / "search.sqlite")
    try:
        assert searcher.cables() == result.summary.cables_out
    finally:
        searcher.close()
    missing = runner.invoke(main, ["search", "x", "--data", str(tmp_path / "nothing")])
    assert missing.exit_code == 2 and "publish" in missing.output


def test_an_index_built_from_changed_records_is_a_new_file(records, tmp_path):
    """Building over an old index replaces it: no stale cable survives a rebuild."""
    path = tmp_path / "search.sqlite"
    with IndexWriter(path, BASE) as index:
        index.add_all(records)
    with IndexWriter(path, BASE) as index:
        index.add_all(records[:2])
    searcher = Searcher(path)
    try:
        assert searcher.cables() == 2
    finally:
        searcher.close()


def test_a_missing_index_says_how_to_get_one(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="publish again"):
        Searcher(tmp_path / "search.sqlite")
