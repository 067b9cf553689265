"""The seed cable 09USNATO383 must come out exactly as specified, value by value."""

from __future__ import annotations

import pytest

from cablegraph.parse import parse_cable
from cablegraph.record import RECORD_KEYS, CableRecord
from cablegraph.sources import iter_inputs


@pytest.fixture(scope="module")
def seed(seed_path) -> CableRecord:
    (raw,) = list(iter_inputs([str(seed_path)]))
    return parse_cable(raw)


def test_identity_and_dates(seed):
    assert seed.reference_id == "09USNATO383"
    assert seed.reference_id_raw is None
    assert seed.file_date == "2009-09-10"
    assert seed.dtg == "101627Z SEP 09"
    assert seed.created == "2009-09-10T16:27Z"


def test_handling(seed):
    assert seed.classification == "CONFIDENTIAL"
    assert seed.caveats == ["SIPDIS"]
    assert seed.precedence == "PRIORITY"
    assert seed.transmission_id == "VZCZCXRO2649"


def test_origin(seed):
    assert seed.origin == "Mission USNATO"
    assert seed.station == "USNATO"
    assert seed.origin_routing == "RUEHNO"
    assert [(r.routing, r.name) for r in seed.from_] == [(None, "USMISSION USNATO")]


def test_addressees(seed):
    assert [(r.routing, r.name, r.precedence, r.mcn) for r in seed.to] == [
        ("RUEHC", "SECSTATE WASHDC", "PRIORITY", "3350")
    ]
    assert [(r.routing, r.name) for r in seed.info] == [
        ("RUCNCIS", "CIS COLLECTIVE"),
        ("RUEHXD", "MOSCOW POLITICAL COLLECTIVE"),
        ("RUEHZG", "NATO EU COLLECTIVE"),
        ("RUFGNOA", "HQ USEUCOM EXERCISE VAIHINGEN GE"),
        ("RHEFDIA", "DIA WASHDC"),
        ("RUEAIIA", "CIA WASHDC"),
        ("RHEHNSC", "NSC WASHDC"),
        ("RUEKJCS", "JOINT STAFF WASHDC"),
    ]


def test_subject_glued_to_last_header_line(seed):
    assert seed.subject == "NATO SECRETARY GENERAL READY TO REACH OUT TO CSTO?"
    assert seed.sections == 2
    assert seed.is_partial is False


def test_tags(seed):
    assert [(t.code, t.kind) for t in seed.tags] == [
        ("PGOV", "subject"), ("PINR", "subject"), ("NATO", "organization"), ("RS", "geographic"),
    ]


def test_reference_resolved_to_a_cable_id(seed):
    assert [(r.letter, r.raw, r.kind, r.cable_id) for r in seed.references] == [
        (None, "USNATO 348", "cable", "09USNATO348")
    ]


def test_classification_authority(seed):
    assert seed.classified_by is not None
    assert seed.classified_by.name == "Ivo H. Daalder"
    assert seed.classified_by.title == "Ambassador"
    assert seed.reasons == ["1.4(b)", "1.4(d)"]
    assert seed.executive_order == "12958"
    assert seed.declassify_on == "2019-09-10"


def test_paragraphs_and_markings(seed):
    assert [p.number for p in seed.paragraphs] == [1, 2, 3, 4, 5, 6]
    assert [p.marking for p in seed.paragraphs] == ["U", "C", "C", "C", "C", "C"]
    assert seed.paragraphs[0].text == "This is an action request. See paragraph 4."


def test_page_line_does_not_survive_in_a_paragraph(seed):
    fourth = seed.paragraphs[3].text
    assert "00000383" not in fourth and "002 OF 002" not in fourth
    assert fourth.endswith("proposals the SecGen may make for NATO-CSTO\nengagement.")
    assert all("USNATO 00000383" not in p.text for p in seed.paragraphs)


def test_summary_comment_action_request(seed):
    assert seed.summary.startswith("NATO Secretary General Rasmussen may be")
    assert seed.summary.endswith("(EAPC).")
    assert seed.comment.startswith("We maintain that while NATO strives")
    assert "validation of the\nCSTO could further strengthen" in seed.comment
    # ¶1 says "This is an action request. See paragraph 4.": the request is the paragraph it points to.
    assert seed.action_request == seed.paragraphs[3].text
    assert "We request Departments guidance" in seed.action_request


def test_signer(seed):
    assert seed.signer == "DAALDER"
    assert seed.signer_name == "Ivo H. Daalder"
    assert "DAALDER" not in seed.paragraphs[-1].text


def test_full_text_is_kept(seed, seed_path):
    original = seed_path.read_text(encoding="utf-8").split("\n", 5)[5]
    assert seed.text == original


def test_json_record_has_every_documented_key(seed):
    data = seed.to_dict()
    assert tuple(data) == RECORD_KEYS
    assert data["from"] == [{"routing": None, "name": "USMISSION USNATO", "precedence": None, "mcn": None}]
