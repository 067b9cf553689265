"""The whole real corpus through the parser and the transform, with the figures asserted.

Runs over every file of `cables/` (6,117, the WikiLeaks layout) and `cables-pdf-text/`
(24 bare PDF texts) under CABLEGRAPH_CORPUS. The thresholds are the ones the issue sets or
the ones measured when the parser was written (see the constants), so a regression in any
part of the parse shows up here as a number that moved.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, RdfFormat, parse

from cablegraph import pipeline
from cablegraph.parse.ids import CANONICAL_ID, repair_id
from cablegraph.tables import is_released

DCTERMS_IDENTIFIER = NamedNode("http://purl.org/dc/terms/identifier")
PAGE_LINE = re.compile(r"[A-Z]{3,} \d{8} +\d{3}(?:\.\d)? +OF +\d{3}")
AMHS_PAGE = re.compile(r"\bPAGE \d{2} +[A-Z ]+ \d{3,6} +\d{2} OF \d{2} +\d{6}Z")
# Measured on the corpus when these parts were written; a drop below means a regression.
MIN_SHARE = {
    "dtg": 0.89, "to": 0.89, "subject": 0.96, "paragraphs": 0.94, "signer": 0.91, "tags": 0.99,
    "executive_order": 0.98,
}


@pytest.fixture(scope="module")
def results(corpus: Path):
    folders = [str(corpus / "cables"), str(corpus / "cables-pdf-text")]
    outputs = list(pipeline.process(folders, options=pipeline.Options(rdf_format="nq", keep_record=True)))
    return outputs


@pytest.fixture(scope="module")
def records(results):
    return {item.source: item.record for item in results if item.record}


@pytest.fixture(scope="module")
def index(corpus: Path) -> dict[str, dict[str, str]]:
    with open(corpus / "index.csv", encoding="utf-8", newline="") as handle:
        return {row["reference_id"]: row for row in csv.DictReader(handle)}


def test_every_real_cable_parses(results, corpus):
    files = list((corpus / "cables").glob("*.txt")) + list((corpus / "cables-pdf-text").glob("*.txt"))
    assert len(results) == len(files) == 6141
    failures = [item.failure for item in results if item.failure]
    assert failures == []


def test_ids_classification_and_origin_agree_with_the_release_index(records, index):
    layout = {source: r for source, r in records.items() if "/cables/" in source}
    assert len(layout) == 6117
    for source, record in layout.items():
        written = Path(source).stem
        row = index[written]
        assert record["reference_id"] == repair_id(written), source
        assert (record["reference_id_raw"] or record["reference_id"]) == written, source
        assert record["classification"] == row["classification"], source
        assert record["origin"] == row["origin"], source


def test_bare_pdf_texts_rebuild_id_classification_and_origin(records):
    bare = {source: r for source, r in records.items() if "cables-pdf-text" in source}
    assert len(bare) == 24
    for source, record in bare.items():
        assert record["reference_id"] == Path(source).stem, source
        assert record["classification"] in {"UNCLASSIFIED", "CONFIDENTIAL", "SECRET"}, source
        assert record["origin"], source


def test_repaired_ids_keep_what_was_written(records):
    repaired = {r["reference_id_raw"]: r["reference_id"] for r in records.values() if r["reference_id_raw"]}
    assert repaired["08ECTION01OF02MANAMA492"] == "08MANAMA492"
    assert repaired["09SECTION01OF03SANJOSE525"] == "09SANJOSE525"
    assert all(CANONICAL_ID.match(r["reference_id"]) for r in records.values())


def test_a_cable_with_a_tags_line_has_tags(records):
    for source, record in records.items():
        if re.search(r"(?m)^\s*TAGS?\b[:\s]+[A-Z]{2}", record["text"]):
            assert record["tags"], source


def test_references_carry_canonical_ids_and_most_are_released(records):
    cable_refs = [ref for r in records.values() for ref in r["references"] if ref["kind"] == "cable"]
    assert len(cable_refs) > 7000
    assert all(CANONICAL_ID.match(ref["cable_id"]) for ref in cable_refs)
    share = sum(is_released(ref["cable_id"]) for ref in cable_refs) / len(cable_refs)
    # Issue target 65%; measured 67.3%. Most misses are STATE cables that were never leaked.
    assert share >= 0.65, f"only {share:.1%} of cable references are released cables"
    kinds = Counter(ref["kind"] for r in records.values() for ref in r["references"])
    assert kinds["email"] > 100 and kinds["telcon"] > 10 and kinds["other"] > 100


def test_no_page_line_survives_in_a_paragraph(records):
    for source, record in records.items():
        for paragraph in record["paragraphs"]:
            assert not PAGE_LINE.search(paragraph["text"]), (source, paragraph["number"])
            assert not AMHS_PAGE.search(paragraph["text"]), (source, paragraph["number"])


@pytest.mark.parametrize("field", sorted(MIN_SHARE))
def test_fields_found_in_most_cables(records, field):
    share = sum(bool(r[field]) for r in records.values()) / len(records)
    assert share >= MIN_SHARE[field], f"{field}: {share:.1%}"


def test_every_cable_keeps_its_whole_text(records, corpus):
    for source, record in list(records.items())[::97]:
        lines = Path(source).read_text(encoding="utf-8").split("\n")
        body = "\n".join(lines[5:]) if "/cables/" in source else "\n".join(lines)
        assert record["text"].strip() == body.strip(), source


def test_each_cables_rdf_parses_back_and_carries_its_id(results):
    for item in results:
        quads = list(parse(item.body, format=RdfFormat.N_QUADS))
        identifiers = {q.object.value for q in quads if q.predicate == DCTERMS_IDENTIFIER}
        assert identifiers == {item.reference_id}, item.source
        assert len(quads) == item.triples
