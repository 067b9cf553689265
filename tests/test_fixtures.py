"""The fictional fixture cables must parse to the values listed in cablegraph/fixtures/README.md.

Every fixture is read the way the pipeline reads it (``iter_inputs([path])`` then ``parse_cable``)
and each expected value is its own test case, id ``<fixture>-<field>``, so that one parser bug
shows up as one failing case and does not hide the other checks. The expected data is written out
below, one plain dict per fixture, rather than read from the README at run time.

Where the project's design differs from the README, the project's convention is used:

* ``declassify_on`` is the ISO date when the DECL value is a date, the instruction as written
  otherwise (``GDS``), and None for ``N/A``;
* ``caveats`` lists the metadata's caveats (line 4: NOFORN, FOUO) and then the handling lines after
  the banner (SIPDIS, NOFORN, ``SBU`` for SENSITIVE, ...), in order of appearance, no duplicates;
* paragraph ``text`` keeps the cable's line breaks, so texts are compared with whitespace collapsed;
* ``dtg`` is the normalised ``DDHHMMZ MON YY`` (upper-case month), ``created`` is ISO ``...THH:MMZ``.

Known parser bugs are ``xfail(strict=True)`` in ``XFAIL`` below: fixing one turns its case into
an XPASS failure, which is the signal to delete its entry.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import pytest

import cablegraph
from cablegraph.errors import CableParseError
from cablegraph.parse import parse_cable
from cablegraph.record import CableRecord, Recipient
from cablegraph.sources import iter_inputs

FIXTURES = Path(cablegraph.__file__).resolve().parent / "fixtures"

# Addressees are (routing, name, precedence, mcn); tags (code, kind); references
# (letter, raw, kind, cable_id); classified_by (name, title). "markings" lists the paragraph
# markings in order, so it also gives the paragraph count and numbers (1..n). "paragraph_text"
# holds, per paragraph number, fragments the whitespace-collapsed text must start with, contain,
# end with or not contain ("equals" for a whole text). summary/comment/action_request give the
# start and end of the expected text, or None when the cable has none.

USNATO9001: dict[str, Any] = {
    "reference_id": "09USNATO9001",
    "reference_id_raw": None,
    "file_date": "2009-09-10",
    "dtg": "101627Z SEP 09",
    "created": "2009-09-10T16:27Z",
    "classification": "CONFIDENTIAL",
    "caveats": ["SIPDIS"],
    "precedence": "PRIORITY",
    "origin": "Mission USNATO",
    "station": "USNATO",
    "origin_routing": "RUEHNO",
    "transmission_id": "VZCZCXRO2655",
    "is_partial": False,
    "from": [(None, "USMISSION USNATO", None, None)],
    "to_count": 1,
    "to_first": ("RUEHC", "SECSTATE WASHDC", "PRIORITY", "3351"),
    "to_last": ("RUEHC", "SECSTATE WASHDC", "PRIORITY", "3351"),
    "info_count": 8,
    "info_first": ("RUCNCIS", "CIS COLLECTIVE", None, None),
    "info_last": ("RUEKJCS", "JOINT STAFF WASHDC", None, None),
    "subject": 'ALLIES DIVIDED OVER INVENTED "NORTHERN LANTERN" SEMINAR PROPOSAL',
    "sections": 2,
    "tags": [("PREL", "subject"), ("PGOV", "subject"), ("NATO", "organization"), ("MARR", "subject"),
             ("RS", "geographic")],
    "references": [(None, "STATE 199001", "cable", "09STATE199001")],
    "classified_by": ("Harold T. Wexcombe", "Ambassador"),
    "reasons": ["1.4(b)", "1.4(d)"],
    "executive_order": "12958",
    "declassify_on": "2019-09-10",
    "markings": ["U", "C", "C", "C", "C"],
    "paragraph_text": {
        1: {"starts": "This is an action request. See paragraph 4."},
        3: {"contains": ['-- Norway and Denmark see the seminar']},
        4: {"starts": "Action request: USNATO requests",
            "contains": ["in principle but wants the seminar to follow, not precede, the review."]},
        5: {"ends": "split among Allies on process. End comment."},
    },
    "summary": {"start": "A member of the NATO International Staff has floated",
                "end": "request guidance before then."},
    "comment": {"start": "The proposal is modest", "end": "split among Allies on process."},
    "action_request": {"start": "USNATO requests Department guidance", "end": "not precede, the review."},
    "signer": "WEXCOMBE",
    "signer_name": None,
}

USNATO9002: dict[str, Any] = {
    "reference_id": "09USNATO9002",
    "reference_id_raw": None,
    "file_date": "2009-09-11",
    "dtg": "111405Z SEP 09",
    "created": "2009-09-11T14:05Z",
    "classification": "CONFIDENTIAL//NOFORN",
    "caveats": ["NOFORN", "SIPDIS"],
    "precedence": "PRIORITY",
    "origin": "Mission USNATO",
    "station": "USNATO",
    "origin_routing": "RUEHNO",
    "transmission_id": "VZCZCXRO3112",
    "is_partial": False,
    "from": [(None, "USMISSION USNATO", None, None)],
    "to_count": 1,
    "to_first": ("RUEHC", "SECSTATE WASHDC", "PRIORITY", "3352"),
    "to_last": ("RUEHC", "SECSTATE WASHDC", "PRIORITY", "3352"),
    "info_count": 6,
    "info_first": ("RUEHZG", "NATO EU COLLECTIVE", None, None),
    # the glued "11.09.2009 : ..." subject tail is not part of the last addressee
    "info_last": ("RUEKJCS", "JOINT STAFF WASHDC", None, None),
    "subject": "ALLIES REVISIT INVENTED SEMINAR; NORWAYS AND ICELANDS VIEWS DIVERGE",
    "sections": 2,
    "tags": [("PREL", "subject"), ("NATO", "organization"), ("NO", "geographic"), ("IC", "geographic")],
    "references": [(None, "USNATO 9001", "cable", "09USNATO9001")],
    "classified_by": ("Laura B. Fennimore", "Deputy Chief of Mission"),
    "reasons": ["1.4(b)", "1.4(d)"],
    "executive_order": "12958",
    "declassify_on": "2019-09-11",
    "markings": ["U", "C/NF", "C", "C/NF", "C"],
    "paragraph_text": {
        1: {"starts": "FICTIONAL EXAMPLE: this cable was written"},
        2: {"contains": ["Norways and Icelands delegations", "the Alliances review"]},  # apostrophes not restored
        4: {"contains": ["the Secretary Generals office"], "ends": "We have not shared this with other delegations."},
    },
    "summary": {"start": "Norways and Icelands delegations", "end": "leaves the date open."},
    "comment": {"start": "The split between two Nordic Allies", "end": "unless instructed otherwise."},
    "action_request": None,
    "signer": "WEXCOMBE",
    "signer_name": None,
}

USNATO9003: dict[str, Any] = {
    "reference_id": "09USNATO9003",
    "reference_id_raw": None,
    "file_date": "2009-09-15",
    "dtg": "150831Z SEP 09",
    "created": "2009-09-15T08:31Z",
    "classification": "SECRET//NOFORN",
    "caveats": ["NOFORN", "SIPDIS"],  # REL NATO in paragraph markings is not a cable caveat
    "precedence": "PRIORITY",
    "origin": "Mission USNATO",
    "station": "USNATO",
    "origin_routing": "RUEHNO",
    "transmission_id": "VZCZCXRO4471",
    "is_partial": False,
    "from": [(None, "USMISSION USNATO", None, None)],
    "to_count": 1,
    "to_first": ("RUEHC", "SECSTATE WASHDC", "PRIORITY", "3360"),
    "to_last": ("RUEHC", "SECSTATE WASHDC", "PRIORITY", "3360"),
    "info_count": 8,  # the Guardian date line "Tuesday, 15 September 2009, 08:31" is not an addressee
    "info_first": ("RUEHZG", "NATO EU COLLECTIVE", "PRIORITY", None),
    "info_last": ("RUEAIIA", "CIA WASHDC", "PRIORITY", None),
    "subject": 'ALLIES WEIGH INVENTED SEARCH-AND-RESCUE EXERCISE "POLAR STEP" AFTER NORTHERN LANTERN DEBATE',
    "sections": 2,
    "tags": [("PREL", "subject"), ("NATO", "organization"), ("MOPS", "subject"), ("MARR", "subject"),
             ("PINR", "subject"), ("IC", "geographic"), ("NO", "geographic")],
    "references": [("A", "USNATO 9001 AND 9002", "cable", "09USNATO9001"),
                   ("A", "USNATO 9001 AND 9002", "cable", "09USNATO9002"),
                   ("B", "SECSTATE 199001", "cable", "09STATE199001")],
    "classified_by": ("Laura B. Fennimore", "Deputy Chief of Mission"),
    "reasons": ["1.4(b)", "1.4(c)", "1.4(d)"],
    "executive_order": "12958",
    "declassify_on": "2019-09-14",
    "markings": ["U", "S/NF", "S/REL NATO", "S//NF", "C/REL NATO", "S/NF"],
    "paragraph_text": {
        1: {"starts": "FICTIONAL EXAMPLE: this cable was written"},
        2: {"absent": ["Polar Step in Brief", "-----"]},
        5: {"ends": "the Chair asked the Military Committee for advice by the end of October."},
        6: {"starts": "Comment: Polar Step gives Allies"},
    },
    "summary": {"start": "After the invented Northern Lantern seminar stalled",
                "end": "can be met without further delay."},
    "comment": {"start": "Polar Step gives Allies", "end": "support the Military Committee tasking."},
    "action_request": None,
    "signer": "WEXCOMBE",
    "signer_name": None,
}

STATE199001: dict[str, Any] = {
    "reference_id": "09STATE199001",  # from the preamble; the DE line's #9001 is only the last 4 digits
    "reference_id_raw": None,
    "file_date": "2009-01-01",
    "dtg": "011200Z JAN 09",
    "created": "2009-01-01T12:00Z",
    "classification": "SECRET",
    "caveats": ["SIPDIS"],
    "precedence": "NIACT IMMEDIATE",  # the action addressees carry NIACT
    "origin": "Secretary of State",
    "station": "STATE",
    "origin_routing": "RUEHC",
    "transmission_id": "VZCZCXYZ0007",
    "is_partial": False,
    "from": [(None, "SECSTATE WASHDC", None, None)],
    "to_count": 6,
    "to_first": (None, "ALL NATO POST COLLECTIVE", "NIACT IMMEDIATE", None),
    "to_last": ("RUEHMO", "AMEMBASSY MOSCOW", "IMMEDIATE", "7733-7736"),
    "info_count": 5,
    "info_first": ("RUEKJCS", "SECDEF WASHINGTON DC", "IMMEDIATE", None),
    "info_last": ("RHMFISS", "CDR USEUCOM VAIHINGEN GE", "IMMEDIATE", None),
    "subject": "NIACT IMMEDIATE: DEMARCHE ON INVENTED ARCTIC SEARCH-AND-RESCUE SEMINAR",
    "sections": 1,
    "tags": [("PREL", "subject"), ("NATO", "organization"), ("MARR", "subject"), ("XG", "geographic"),
             ("RS", "geographic")],
    "references": [(None, "08 STATE 199009", "cable", "08STATE199009")],
    "classified_by": ("Peter N. Oldacre", "Acting EUR A/S"),
    "reasons": ["1.4(b)", "1.4(d)"],
    "executive_order": "12958",
    "declassify_on": "2018-12-31",
    "markings": ["U", "U", "S", "S", "U", "U"],
    "paragraph_text": {
        1: {"starts": "This message is NIACT due to the timing"},
        2: {"equals": "This is an action request. See paragraph 4."},
        4: {"starts": "Action request: Action addressees should deliver"},
        5: {"contains": ["-- The United States supports practical cooperation"], "ends": "End points."},
        6: {"ends": "Please contact EUR/RPM with any questions."},
    },
    "summary": None,
    "comment": None,  # paragraph 3 is labelled "Background:"
    # paragraph 2 only points to paragraph 4; the action request is paragraph 4
    "action_request": {"start": "Action addressees should deliver the points in paragraph 5",
                       "end": "Info addressees need take no action."},
    "signer": "HALLORAN",
    "signer_name": None,
}

SANJOSE9010: dict[str, Any] = {
    "reference_id": "09SANJOSE9010",
    "reference_id_raw": None,
    "file_date": "2009-12-16",
    "dtg": "162133Z DEC 09",
    "created": "2009-12-16T21:33Z",
    "classification": "UNCLASSIFIED//FOR OFFICIAL USE ONLY",
    "caveats": ["FOUO", "SBU", "SIPDIS"],
    "precedence": "ROUTINE",
    "origin": "Embassy San Jose",
    "station": "SANJOSE",
    "origin_routing": "RUEHSJ",
    "transmission_id": "VZCZCXYZ0000",
    "is_partial": False,
    "from": [(None, "AMEMBASSY SAN JOSE", None, None)],
    "to_count": 1,
    "to_first": ("RUEHC", "SECSTATE WASHDC", None, "0163"),
    "to_last": ("RUEHC", "SECSTATE WASHDC", None, "0163"),
    "info_count": 4,
    "info_first": (None, "WHA CENTRAL AMERICAN COLLECTIVE", None, None),
    "info_last": ("RUEAIIA", "CIA WASHINGTON DC", None, None),
    "subject": "Costa Rica's Invented \"Green Corridor\" Pledge Draws Mixed Reviews",
    "sections": 1,
    "tags": [("PREL", "subject"), ("PGOV", "subject"), ("KDEM", "program"), ("SENV", "subject"),
             ("CS", "geographic")],
    "references": [(None, "09 SAN JOSE 9004", "cable", "09SANJOSE9004"),
                   (None, "09 SAN JOSE 9006", "cable", "09SANJOSE9006"),
                   (None, "09 STATE 199002", "cable", "09STATE199002"),
                   (None, "09 SAN JOSE 9008", "cable", "09SANJOSE9008")],
    "classified_by": None,
    "reasons": [],
    "executive_order": "12958",
    "declassify_on": None,  # N/A
    "markings": ["U", "U", "SBU", "U", "SBU"],
    # the subheadings set off by triple blank lines are not paragraph text
    "paragraph_text": {
        1: {"starts": "Summary: This cable is a FICTIONAL EXAMPLE", "ends": "End Summary.",
            "absent": ["Regional Reaction"]},
        2: {"ends": "consulted before the announcement (Ref A).", "absent": ["Questions of Cost"]},
        3: {"ends": "not be shared with the Ministry's leadership."},
        4: {"ends": "(Ref C) allows Post to offer technical advice only.", "absent": ["Ambition Without a Budget"]},
        5: {"starts": "The pledge fits the government's wish", "ends": "End Comment."},
    },
    "summary": {"start": "This cable is a FICTIONAL EXAMPLE", "end": "who would patrol the corridor."},
    # paragraph 5, under the heading "Comment: Ambition Without a Budget"
    "comment": {"start": "The pledge fits the government's wish", "end": "Post will report on any donor conference."},
    "action_request": None,
    "signer": "BRAMWELL",
    "signer_name": None,
}

SANTIAGO9005: dict[str, Any] = {
    "reference_id": "08SANTIAGO9005",
    "reference_id_raw": None,
    "file_date": "2008-02-13",
    "dtg": "131107Z FEB 08",
    "created": "2008-02-13T11:07Z",
    "classification": "SECRET",
    "caveats": ["SIPDIS"],  # twice after the banner, once more stray in paragraph 4: one entry
    "precedence": "PRIORITY",
    "origin": "Embassy Santiago",
    "station": "SANTIAGO",
    "origin_routing": "RUEHSG",
    "transmission_id": "VZCZCXYZ0000",
    "is_partial": False,
    "from": [(None, "AMEMBASSY SANTIAGO", None, None)],
    "to_count": 1,
    "to_first": ("RUEHC", "SECSTATE WASHDC", "PRIORITY", "2761"),
    "to_last": ("RUEHC", "SECSTATE WASHDC", "PRIORITY", "2761"),
    "info_count": 8,
    "info_first": ("RUEHAC", "AMEMBASSY ASUNCION", None, "3331"),
    "info_last": ("RHEHNSC", "NSC WASHDC", None, None),
    "subject": "REGIONAL GOVERNOR SEEKS ADVICE ON INVENTED WATER-RIGHTS DISPUTE",
    "sections": 2,
    "tags": [("PGOV", "subject"), ("PINR", "subject"), ("PREL", "subject"), ("SOCI", "subject"),
             ("CI", "geographic")],
    # the page line "SANTIAGO 00009005 001.2 OF 002" between B and C is not a reference
    "references": [("A", "SANTIAGO 09001", "cable", "08SANTIAGO9001"),
                   ("B", "SANTIAGO 09002", "cable", "08SANTIAGO9002"),
                   ("C", "07 SANTIAGO 09003", "cable", "07SANTIAGO9003")],
    "classified_by": ("Daniel R. Oakhurst", "E/Pol Counselor"),
    "reasons": ["1.4(b)", "1.4(d)"],
    "executive_order": "12958",
    "declassify_on": "2018-02-12",
    "markings": ["S", "U", "C", "S", "C"],  # the "¶B."/"¶C." of the REF block are not paragraphs
    "paragraph_text": {
        1: {"starts": "This cable is a FICTIONAL EXAMPLE", "ends": "End summary."},
        2: {"ends": "accompanied by E/Pol Counselor.", "absent": ["Water and Tempers", "-----"]},
        4: {"contains": ["suggested he stay in close touch with the Interior Ministry. (Note: Embassy has a good "
                         "working relationship"]},
        5: {"starts": "The governor is new to national politics", "ends": "End comment."},
    },
    "summary": {"start": "This cable is a FICTIONAL EXAMPLE", "end": "asked for U.S. advice on mediation."},
    "comment": {"start": "The governor is new to national politics", "end": "existing exchange programs."},
    "action_request": None,
    "signer": "LINDQVIST",
    "signer_name": None,
}

HARARE9012: dict[str, Any] = {
    "reference_id": "00HARARE9012",
    "reference_id_raw": None,
    "file_date": "2000-10-10",
    # the first DTG in the text is the bare "101358Z Oct 00" after the extract notice;
    # section 2's "O 101359Z OCT 00" comes later and does not win
    "dtg": "101358Z OCT 00",
    "created": "2000-10-10T13:58Z",
    "classification": "CONFIDENTIAL",
    "caveats": ["SIPDIS"],
    "precedence": "IMMEDIATE",  # from the TO addressee (no prosign before the first DTG)
    "origin": "Embassy Harare",
    "station": "HARARE",
    "origin_routing": None,
    "transmission_id": None,
    "is_partial": True,
    "from": [(None, "AMEMBASSY HARARE", None, None)],
    "to_count": 1,
    "to_first": (None, "SECSTATE WASHDC", "IMMEDIATE", "7901"),
    "to_last": (None, "SECSTATE WASHDC", "IMMEDIATE", "7901"),
    "info_count": 3,  # the "INFO  LOG-00 ..." distribution block is not addressees
    "info_first": (None, "NSC WASHDC", "IMMEDIATE", None),
    "info_last": (None, "AMEMBASSY PRETORIA", None, None),
    "subject": "TOWN COUNCILS FEUD OVER INVENTED MARKET LEVY",
    "sections": 2,
    "tags": [("PGOV", "subject"), ("PINS", "subject"), ("PHUM", "subject"), ("PREL", "subject"),
             ("ZI", "geographic")],
    "references": [(None, "HARARE 9004", "cable", "00HARARE9004")],
    "classified_by": ("MARGARET OLLERENSHAW", "DCM"),
    "reasons": ["1.5(b)", "1.5(d)"],
    "executive_order": "12958",
    "declassify_on": "2010-10-06",
    "markings": ["C", "C", "C", "C", "C"],
    "paragraph_text": {
        1: {"starts": "THIS CABLE IS A FICTIONAL EXAMPLE", "absent": ["A LEVY TOO MANY"]},
        2: {"contains": ["THE TWO COUNCILS ARE CONTROLLED BY DIFFERENT PARTIES"],
            "ends": "TAKEN ITS CASE TO THE PROVINCIAL GOVERNOR (REFTEL)."},
        3: {"contains": ["HAS PROMISED A RULING “WITHIN DAYS” BUT"], "ends": "TAKING SIDES BEFORE THE ELECTIONS."},
        4: {"starts": "TRADERS’ ASSOCIATIONS", "ends": "WE HAVE NOT RESPONDED."},
        5: {"contains": ["NEXT YEAR’S CAMPAIGN. WE WILL WATCH"], "ends": "IS ACCEPTED BY BOTH COUNCILS."},
    },
    # page headers, AMHS footers and the repeated section-2 header glued into the text
    "paragraphs_absent": ["PAGE 0", "PTQ44", "LOG-00", "CONFIDENTIAL", "SECTION 02", "TAGS"],
    "redactions": 4,
    "summary": {"start": "THIS CABLE IS A FICTIONAL EXAMPLE", "end": "BEFORE NEXT YEAR’S LOCAL ELECTIONS."},
    "comment": {"start": "THE FEUD IS SMALL", "end": "IS ACCEPTED BY BOTH COUNCILS."},
    "action_request": None,
    "signer": "KINGSFORD",
    "signer_name": None,
}

OSLO9001: dict[str, Any] = {
    "reference_id": "75OSLO9001",
    "reference_id_raw": None,
    "file_date": "1975-10-21",
    "dtg": "211030Z OCT 75",
    "created": "1975-10-21T10:30Z",
    "classification": "CONFIDENTIAL",
    "caveats": [],
    "precedence": "ROUTINE",
    "origin": "Embassy Oslo",
    "station": "OSLO",
    "origin_routing": None,
    "transmission_id": None,
    "is_partial": False,
    "from": [(None, "AMEMBASSY OSLO", None, None)],
    "to_count": 1,
    "to_first": (None, "SECSTATE WASHDC", None, "4475"),
    "to_last": (None, "SECSTATE WASHDC", None, "4475"),
    "info_count": 4,
    "info_first": (None, "AMEMBASSY COPENHAGEN", None, None),
    "info_last": (None, "USMISSION NATO", None, None),
    "subject": "GON REVIEWS INVENTED COASTAL FERRY TARIFF",
    "sections": 2,
    "tags": [("EWWT", "subject"), ("PFOR", "unknown"), ("NO", "geographic")],
    "references": [(None, "OSLO 9000", "cable", "75OSLO9000")],
    "classified_by": None,
    "reasons": [],
    "executive_order": "11652",
    "declassify_on": "GDS",
    "markings": [None, None, None, None, None],
    "paragraph_text": {
        1: {"equals": "CONFIDENTIAL - ENTIRE TEXT."},
        3: {"contains": ["QTE TECHNICAL, NOT POLITICAL UNQTE"]},
        4: {"contains": ["WOULD NOT RPT NOT WELCOME"]},
        5: {"ends": "RAISE IT WITH THE MINISTRY. END COMMENT.", "absent": ["Declassified", "NNN"]},
    },
    "summary": {"start": "THIS CABLE IS A FICTIONAL EXAMPLE", "end": "FOREIGN-FLAG OPERATORS."},
    "comment": {"start": "WE DOUBT THE TARIFF", "end": "RAISE IT WITH THE MINISTRY."},
    "action_request": None,
    "signer": "VANDERHOEF",
    "signer_name": None,
}

REYKJAVIK9003: dict[str, Any] = {
    "reference_id": "09REYKJAVIK9003",
    "reference_id_raw": None,
    "file_date": "2009-03-09",
    "dtg": "091642Z MAR 09",
    "created": "2009-03-09T16:42Z",
    "classification": "CONFIDENTIAL",
    "caveats": ["SIPDIS"],  # "TAGS: PREL NATO" contains "REL NATO" but is no caveat
    "precedence": "IMMEDIATE",
    "origin": "Embassy Reykjavik",
    "station": "REYKJAVIK",
    "origin_routing": "RUEHRK",
    "transmission_id": "VZCZCXYZ0015",
    "is_partial": False,
    "from": [(None, "AMEMBASSY REYKJAVIK", None, None)],
    "to_count": 1,
    "to_first": ("RUEHC", "SECSTATE WASHDC", "IMMEDIATE", "4012"),
    "to_last": ("RUEHC", "SECSTATE WASHDC", "IMMEDIATE", "4012"),
    "info_count": 4,
    "info_first": ("RUEHXP", "ALL NATO POST COLLECTIVE", "IMMEDIATE", None),
    "info_last": ("RHEHNSC", "NSC WASHDC", "IMMEDIATE", None),
    "subject": "ICELAND WEIGHS HOSTING INVENTED SEARCH-AND-RESCUE SEMINAR",
    "sections": 1,
    "tags": [("PREL", "subject"), ("NATO", "organization"), ("MARR", "subject"), ("IC", "geographic")],
    "references": [("A", "09 STATE 199001", "cable", "09STATE199001"),
                   ("B", "EMAIL FROM POLOFF 3/4/09", "email", None),
                   ("C", "TELCON 12/01", "telcon", None)],
    "classified_by": ("Ruth M. Ashgrove", "Charge d’Affaires"),
    "reasons": ["1.4(b)", "1.4(d)"],
    "executive_order": "12958",
    "declassify_on": "2019-03-09",
    "markings": ["C", "C", "C", "U", "C"],
    "paragraph_text": {
        1: {"starts": "Summary: This cable is a FICTIONAL EXAMPLE"},
        2: {"contains": ["had “no objection in principle” to the seminar", "XXXXXXXXXXXX’s only condition"]},
        4: {"contains": ["The Ministry’s public line"], "ends": "with all Allies and partners.”"},
        5: {"ends": "without being seen to oppose it. End comment."},
    },
    "redactions": 3,
    "summary": {"start": "This cable is a FICTIONAL EXAMPLE", "end": "only if Allies first agree on its scope."},
    "comment": {"start": "Iceland’s conditional support", "end": "without being seen to oppose it."},
    "action_request": None,
    "signer": "ASHGROVE",
    "signer_name": None,
}

LAGOS9004: dict[str, Any] = {
    "reference_id": "08LAGOS9004",
    "reference_id_raw": None,
    "file_date": "2008-06-16",
    "dtg": "160820Z JUN 08",
    "created": "2008-06-16T08:20Z",
    "classification": "UNCLASSIFIED",
    "caveats": ["SIPDIS"],
    "precedence": "IMMEDIATE",  # "O R": the first (action) precedence
    "origin": "Consulate Lagos",
    "station": "LAGOS",
    "origin_routing": "RUEHOS",
    "transmission_id": "VZCZCXRO0650",
    "is_partial": False,
    "from": [(None, "AMCONSUL LAGOS", None, None)],
    "to_count": 1,
    "to_first": ("RUEHC", "SECSTATE WASHDC", "IMMEDIATE", "0151"),
    "to_last": ("RUEHC", "SECSTATE WASHDC", "IMMEDIATE", "0151"),
    "info_count": 4,
    "info_first": ("RUEHZK", "ECOWAS COLLECTIVE", None, None),
    "info_last": ("RHMFISS", "HQ USEUCOM VAIHINGEN GE", None, None),
    "subject": "INVENTED PORT CONGESTION FEE ANGERS LAGOS SHIPPERS",
    "sections": 3,
    "tags": [("EWWT", "subject"), ("ECON", "subject"), ("ETRD", "subject"), ("EINV", "subject"),
             ("NI", "geographic")],
    "references": [("A", "LAGOS 9001", "cable", "08LAGOS9001"), ("B", "ABUJA 9002", "cable", "08ABUJA9002")],
    "classified_by": None,
    "reasons": [],
    "executive_order": "12958",
    "declassify_on": None,  # N/A
    "markings": ["U"] * 9,  # written "1. (U)" with no ¶
    "paragraph_text": {
        1: {"starts": "Summary: This cable is a FICTIONAL EXAMPLE", "ends": "End Summary.",
            "absent": ["The Fee and Its Aim"]},
        3: {"ends": "use the port as a free warehouse.", "absent": ["Shippers Push Back"]},
        4: {"ends": 'waiting for a scanner that "works two days in five."'},
        6: {"ends": "adds a week to transit times.", "absent": ["Federal Government View"]},
        8: {"ends": "Previous deadlines for the scanners have slipped at least twice."},
        9: {"starts": "The dispute is typical of the port's problems", "ends": "will report on any court case."},
    },
    "summary": {"start": "This cable is a FICTIONAL EXAMPLE", "end": "the fee is needed to clear the quays."},
    # paragraph 9, under the heading "Comment" with no "Comment:" label
    "comment": {"start": "The dispute is typical of the port's problems", "end": "will report on any court case."},
    "action_request": None,
    "signer": "TILLINGHAST",
    "signer_name": None,
}

PARIS9001: dict[str, Any] = {
    "reference_id": "09PARIS9001",  # no preamble: DTG year + banner station + banner number
    "reference_id_raw": None,
    "file_date": None,
    "dtg": "141555Z JUL 09",
    "created": "2009-07-14T15:55Z",
    "classification": "CONFIDENTIAL",  # from the banner
    "caveats": ["SIPDIS"],
    "precedence": "PRIORITY",
    "origin": "Embassy Paris",  # derived from "FM AMEMBASSY PARIS"
    "station": "PARIS",
    "origin_routing": "RUEHFR",
    "transmission_id": "VZCZCXRO5920",
    "is_partial": False,
    "from": [(None, "AMEMBASSY PARIS", None, None)],
    "to_count": 1,
    "to_first": ("RUEHC", "SECSTATE WASHDC", "PRIORITY", "6901"),
    "to_last": ("RUEHC", "SECSTATE WASHDC", "PRIORITY", "6901"),
    "info_count": 3,
    "info_first": ("RUEHZL", "EUROPEAN POLITICAL COLLECTIVE", "PRIORITY", None),
    "info_last": ("RHMFISS", "HQ USAFRICOM STUTTGART GE", "PRIORITY", None),
    "subject": "MFA PREVIEWS INVENTED SAHEL WELL-DRILLING FUND FOR DONOR MEETING",
    "sections": 2,
    "tags": [("PREL", "subject"), ("EAID", "subject"), ("FR", "geographic"), ("XA", "geographic")],
    "references": [(None, "STATE 199004", "cable", "09STATE199004")],
    "classified_by": ("Annette V. Corbeil", "POL M/C"),
    "reasons": ["1.4(b)", "1.4(d)"],  # wrapped: "1.4 " / "(b) and (d)."
    "executive_order": "12958",
    "declassify_on": "2019-07-14",
    "markings": ["C", "C", "C", "U", "C"],
    "paragraph_text": {
        1: {"starts": "Summary: This cable is a FICTIONAL EXAMPLE", "contains": ["France,s plan", "month,s donor"],
            "absent": ["FUND IN OUTLINE"]},
        3: {"ends": "add a maintenance window to the fund if that would bring them on board."},
        5: {"starts": "Comment: France,s proposal is well prepared", "ends": "End comment."},
    },
    "summary": {"start": "This cable is a FICTIONAL EXAMPLE", "end": "France hopes the U.S. will co-sponsor."},
    "comment": {"start": "France,s proposal is well prepared", "end": "donor coordination in the region."},
    "action_request": None,
    "signer": "PELLERIN",
    "signer_name": None,
}

UNVIEVIENNA9001: dict[str, Any] = {
    "reference_id": "09UNVIEVIENNA9001",
    "reference_id_raw": None,
    "file_date": None,
    "dtg": "231313Z JUN 09",  # the suffix "ZDK MANY SVCS" is not part of the DTG
    "created": "2009-06-23T13:13Z",
    "classification": "UNCLASSIFIED",  # banner "UNCLAS"
    "caveats": ["SIPDIS"],
    "precedence": "ROUTINE",
    "origin": "UNVIE",  # how index.csv names the UNVIE cables
    "station": "UNVIEVIENNA",
    "origin_routing": "RUEHUNV",
    "transmission_id": "VZCZCXRO3850",
    "is_partial": False,
    "from": [(None, "USMISSION UNVIE VIENNA", None, None)],
    "to_count": 1,
    "to_first": ("RUEHC", "SECSTATE WASHDC", None, "9712"),
    "to_last": ("RUEHC", "SECSTATE WASHDC", None, "9712"),
    "info_count": 5,
    "info_first": ("RHMCSUU", "DEPT OF ENERGY WASHINGTON DC", None, None),
    "info_last": ("RUEHLO", "AMEMBASSY LONDON", None, "0932"),
    "subject": "IAEA SECRETARIAT BRIEFS MEMBER STATES ON INVENTED TRAINING COURSE FOR REACTOR OPERATORS",
    "sections": 2,
    "tags": [("AORC", "subject"), ("KNNP", "program"), ("IAEA", "organization"), ("ENRG", "subject"),
             ("TRGY", "subject")],
    "references": [("A", "09 STATE 199005", "cable", "09STATE199005"),
                   ("B", "UNVIE 9000", "cable", "09UNVIEVIENNA9000")],
    "classified_by": None,
    "reasons": [],
    "executive_order": "12958",
    "declassify_on": None,  # N/A
    "markings": [None, None, None],
    "paragraph_text": {
        1: {"starts": "This cable is a FICTIONAL EXAMPLE"},
        2: {"ends": "the Agency would pay for tuition and accommodation."},
        3: {"ends": "standards are generally followed."},  # cut off: no signer
    },
    "summary": None,
    "comment": None,
    "action_request": None,
    "signer": None,
    "signer_name": None,
}

EXPECTED: dict[str, dict[str, Any]] = {
    "09USNATO9001.txt": USNATO9001,
    "09USNATO9002.txt": USNATO9002,
    "09USNATO9003.txt": USNATO9003,
    "09STATE199001.txt": STATE199001,
    "09SANJOSE9010.txt": SANJOSE9010,
    "08SANTIAGO9005.txt": SANTIAGO9005,
    "00HARARE9012.txt": HARARE9012,
    "75OSLO9001.txt": OSLO9001,
    "09REYKJAVIK9003.txt": REYKJAVIK9003,
    "08LAGOS9004.txt": LAGOS9004,
    "bare-09PARIS9001.txt": PARIS9001,
    "bare-09UNVIEVIENNA9001.txt": UNVIEVIENNA9001,
}

BROKEN: dict[str, dict[str, Any]] = {
    "broken-empty-preamble.txt": {
        "reference_id": "09REYKJAVIK9009",
        # what the reason must say, as (label, regex searched case-insensitively)
        "reason": [
            ("says_preamble_cut_short", r"preamble.*(cut short|stops|ends)"),
            ("names_missing_date", r"\bdate\b"),
            ("names_missing_classification", r"classification"),
            ("names_missing_origin", r"\borigin\b"),
            ("names_missing_text", r"no (cable )?text"),
        ],
    },
    "broken-not-a-cable.txt": {
        "reference_id": None,
        "reason": [
            ("says_not_a_cable", r"not (look like )?a (diplomatic )?cable"),
            ("names_missing_reference_id", r"no reference id"),
            ("names_missing_telegram_header", r"header"),
            ("names_missing_banner", r"banner"),
        ],
    },
}

#: (fixture, case) -> why the case fails today. Each is a parser bug, not a wrong expectation.
XFAIL: dict[tuple[str, str], str] = {}


# --- helpers ---------------------------------------------------------------------------------------

PAGE_LINE = re.compile(r"\d{8}\s+\d{3}(?:\.\d)?\s+OF\s+\d{3}|\bPAGE\s+\d{2}\s+[A-Z]")
BANNER = re.compile(r"\bSECTION\s+\d+\s+OF\s+\d+\b|\b(?:[A-Z] ){4,}[A-Z]\b")


def collapse(text: str | None) -> str:
    return " ".join((text or "").split())


def addressee(recipient: Recipient | None) -> tuple[str | None, str, str | None, str | None] | None:
    if recipient is None:
        return None
    return (recipient.routing, recipient.name, recipient.precedence, recipient.mcn)


@functools.cache
def record_for(name: str) -> CableRecord:
    items = list(iter_inputs([FIXTURES / name]))
    assert len(items) == 1, f"{name}: expected one item from iter_inputs, got {items!r}"
    (item,) = items
    assert not isinstance(item, CableParseError), f"{name}: read error {item.reason}"
    return parse_cable(item)


def error_for(name: str) -> CableParseError:
    """The error a broken fixture produces, whether iter_inputs yields it or parse_cable raises it."""
    items = list(iter_inputs([FIXTURES / name]))
    assert len(items) == 1, f"{name}: expected one item from iter_inputs, got {items!r}"
    (item,) = items
    if isinstance(item, CableParseError):
        return item
    with pytest.raises(CableParseError) as info:
        parse_cable(item)
    return info.value


ACTUAL = {
    "from": lambda r: [addressee(a) for a in r.from_],
    "to_count": lambda r: len(r.to),
    "to_first": lambda r: addressee(r.to[0] if r.to else None),
    "to_last": lambda r: addressee(r.to[-1] if r.to else None),
    "info_count": lambda r: len(r.info),
    "info_first": lambda r: addressee(r.info[0] if r.info else None),
    "info_last": lambda r: addressee(r.info[-1] if r.info else None),
    "tags": lambda r: [(t.code, t.kind) for t in r.tags],
    "references": lambda r: [(x.letter, x.raw, x.kind, x.cable_id) for x in r.references],
    "classified_by": lambda r: (r.classified_by.name, r.classified_by.title) if r.classified_by else None,
    "paragraph_count": lambda r: len(r.paragraphs),
    "paragraph_numbers": lambda r: [p.number for p in r.paragraphs],
    "markings": lambda r: [p.marking for p in r.paragraphs],
    "subject": lambda r: collapse(r.subject),
}
SIMPLE_FIELDS = (
    "reference_id", "reference_id_raw", "file_date", "dtg", "created", "classification", "caveats", "precedence",
    "origin", "station", "origin_routing", "transmission_id", "is_partial", "from", "to_count", "to_first",
    "to_last", "info_count", "info_first", "info_last", "subject", "sections", "tags", "references",
    "classified_by", "reasons", "executive_order", "declassify_on", "signer", "signer_name",
)
PARTS = ("summary", "comment", "action_request")


def expected_value(name: str, case: str) -> Any:
    expected = EXPECTED[name]
    if case == "paragraph_count":
        return len(expected["markings"])
    if case == "paragraph_numbers":
        return list(range(1, len(expected["markings"]) + 1))
    return expected[case]


def field_cases() -> list[Any]:
    cases = []
    for name, expected in EXPECTED.items():
        names = [*SIMPLE_FIELDS, "paragraph_count", "paragraph_numbers", "markings"]
        for part in PARTS:
            names.append(part)
            if expected[part] is not None:
                names += [f"{part}_start", f"{part}_end"]
        names += [f"para{n}_text" for n in expected["paragraph_text"]]
        names += ["paragraphs_no_page_line", "paragraphs_no_sipdis_line", "paragraphs_no_banner"]
        if expected["signer"]:
            names.append("paragraphs_no_signer")
        if "paragraphs_absent" in expected:
            names.append("paragraphs_absent")
        if "redactions" in expected:
            names.append("redactions")
        cases += [case(name, field) for field in names]
    return cases


def case(name: str, field: str) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=XFAIL[name, field])] if (name, field) in XFAIL else []
    return pytest.param(name, field, marks=marks, id=f"{Path(name).stem}-{field}")


# --- the checks ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "field"), field_cases())
def test_fixture_field(name: str, field: str) -> None:
    record = record_for(name)
    expected = EXPECTED[name]
    texts = {p.number: p.text for p in record.paragraphs}

    if field in ACTUAL or field in SIMPLE_FIELDS or field in ("paragraph_count", "paragraph_numbers"):
        actual = ACTUAL[field](record) if field in ACTUAL else getattr(record, field)
        assert actual == expected_value(name, field)

    elif field in PARTS:
        assert (getattr(record, field) is None) == (expected[field] is None), getattr(record, field)

    elif field.endswith(("_start", "_end")):
        part, _, which = field.rpartition("_")
        actual = collapse(getattr(record, part))
        want = collapse(expected[part]["start" if which == "start" else "end"])
        assert actual.startswith(want) if which == "start" else actual.endswith(want), actual

    elif m := re.fullmatch(r"para(\d+)_text", field):
        number = int(m.group(1))
        assert number in texts, f"no paragraph {number}"
        text, want = collapse(texts[number]), expected["paragraph_text"][number]
        if "equals" in want:
            assert text == want["equals"]
        if "starts" in want:
            assert text.startswith(want["starts"]), text
        if "ends" in want:
            assert text.endswith(want["ends"]), text
        for fragment in want.get("contains", []):
            assert fragment in text
        for fragment in want.get("absent", []):
            assert fragment not in text, text

    elif field == "paragraphs_no_page_line":
        assert not [(n, t) for n, t in texts.items() if PAGE_LINE.search(t)]

    elif field == "paragraphs_no_sipdis_line":
        assert not [(n, t) for n, t in texts.items() if any(line.strip() == "SIPDIS" for line in t.splitlines())]

    elif field == "paragraphs_no_banner":
        assert not [(n, t) for n, t in texts.items() if BANNER.search(t)]

    elif field == "paragraphs_no_signer":
        assert not [(n, t) for n, t in texts.items() if expected["signer"] in t]

    elif field == "paragraphs_absent":
        found = [(n, fragment) for n, t in texts.items() for fragment in expected["paragraphs_absent"] if fragment in t]
        assert not found

    elif field == "redactions":
        assert sum(t.count("XXXXXXXXXXXX") for t in texts.values()) == expected["redactions"]

    else:  # pragma: no cover - a typo in field_cases
        raise AssertionError(f"unknown field {field}")


@pytest.mark.parametrize("name", list(BROKEN))
def test_broken_fixture_is_a_parse_error(name: str) -> None:
    error = error_for(name)
    assert isinstance(error, CableParseError)
    assert error.source is not None and Path(error.source).name == name
    assert error.reference_id == BROKEN[name]["reference_id"]
    assert error.reason and len(error.reason) > 30


def reason_cases() -> list[Any]:
    return [case(name, f"reason_{label}") for name, spec in BROKEN.items() for label, _ in spec["reason"]]


@pytest.mark.parametrize(("name", "field"), reason_cases())
def test_broken_fixture_reason(name: str, field: str) -> None:
    pattern = dict(BROKEN[name]["reason"])[field.removeprefix("reason_")]
    reason = error_for(name).reason
    assert re.search(pattern, reason, re.IGNORECASE), reason


def test_every_fixture_is_covered() -> None:
    on_disk = {p.name for p in FIXTURES.glob("*.txt")}
    assert on_disk == set(EXPECTED) | set(BROKEN)


def test_xfail_entries_name_real_cases() -> None:
    known = {(p.values[0], p.values[1]) for p in field_cases() + reason_cases()}
    assert set(XFAIL) <= known
