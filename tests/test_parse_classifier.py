"""The classifier's name in `Classified By` statements as real cables write them (issue 10's failure classes).

Each case is a statement from a real cable of ../shared/corpus or the pattern of one: title first or name
first, misspelt titles, `per`, `a.i.`, suffixes, names broken by joined lines, redactions.
"""

from __future__ import annotations

import pytest

from cablegraph.parse.authority import parse_authority
from cablegraph.parse.classifier import classifier_name

CASES = [
 ("Margaret Scobey, Ambassador, DOS, EXO; REASON: 1.4(B), (D)", "Margaret Scobey"),
 ("Brian A. Nichols, Deputy Chief of Mission, Department of State, EXEC", "Brian A. Nichols"),
 ("Richard E. Hoagland, Ambassador, EXEC, Embassy Dushanbe", "Richard E. Hoagland"),
 ("ANDREW MANN, HEAD OF GLOBAL ISSUES", "ANDREW MANN"),
 ("DCM Robert O. Blake, Jr", "Robert O. Blake, Jr"),
 ("Polcouns Kathleen Fitzpatrick, per", "Kathleen Fitzpatrick"),
 ("A/DCM Carol Urban per 1.4", "Carol Urban"),
 ("Janice Fair, Economic Officer, Reasons 1.5", "Janice Fair"),
 ("COM Carmen Martinez", "Carmen Martinez"),
 ("CG PATRICK DUDDY", "PATRICK DUDDY"),
 ("CDA, A.I. RON MCMULLEN", "RON MCMULLEN"),
 ("Charge d'Affaires a.i. Robert S. Deutsch", "Robert S. Deutsch"),
 ("CHARGE D'AFFAIRS BOB MANZANARES", "BOB MANZANARES"),
 ("Charge d'Affairs Michael Gallagher", "Michael Gallagher"),
 ("Minister Counselor for Economic and Political Affairs Do nald A. Blome for reasons 1.4 (b) and (d)",
  "Donald A. Blome"),
 ("AMB:RCROCKER, Reasons 1.4 (b) and (c)", "RCROCKER"),
 ("Acting DCM/Ted Osius for reasons 1.4 (b and d)", "Ted Osius"),
 ("DCM J. Dean Yap (acting) for reasons 1.4 (b)", "J. Dean Yap"),
 ("RSO - JOHN S. DICARLO. REASON 1.5(D)", "JOHN S. DICARLO"),
 ("Ambasasdor Charles Glazer, Reasons", "Charles Glazer"),
 ("AMBASSADOR JOHN L. WITHERS II FR REASONS 1.4 (b) AND (d", "JOHN L. WITHERS II"),
 ("Political Section", None),
 ("xxxxx", None),
 ("USEU MCOUNSELOR CHRISTOPHER DAVIS, FOR REA SONS 1.4", "CHRISTOPHER DAVIS"),
 ("Bodde Peter, Ambassador; REASON: 1.4(B)", "Bodde Peter"),
 ("Ambassador Carol van Voorst", "Carol van Voorst"),
 ("Ambassador Stephenson", "Stephenson"),
 ("DOS CLASSIFICATION GUIDE BY MARY TOWNSWICK", "MARY TOWNSWICK"),
 ("Charge, d,Affaires a. i. James F. Entwistle, reason 1.4", "James F. Entwistle"),
 ("Classified by DCM Liz Dibble for reasons 1.4 (b) and (d).", "Liz Dibble"),
 ("CHARGE ALAN MISENHEIMER F0R REASONS 1.5 (B) AND (D)", "ALAN MISENHEIMER"),
 ("Robert C Ward, DEPUTY DIRECTOR, STATE, NARCOTIC AFFAIRS SEC", "Robert C Ward"),
 ("T U/S Ellen O. Tauscher", "Ellen O. Tauscher"),
 ("Pol/Econ Chief Glenn Warren under 1.4 b/d", "Glenn Warren"),
 ("Ambassador Earle I. Mack for reasons 1.5(B) and (D)", "Earle I. Mack"),
 ("DEFENSE ATTACHE LTC LARRY BEISEL FOR REASONS 1.4 (B) AND", "LARRY BEISEL"),
 ("PRM/AFR Dir. Margaret McKelvey-reasons 1.4(b/d)", "Margaret McKelvey"),
 ("AMBASSAD0R R0BIN L. RAPHEL BASED 0N 1.5 (B)", "R0BIN L. RAPHEL"),
 ("ECONOMIC COUNSELOR BOB SILVERMAN FOR 12958 1.4 B, D, AND E", "BOB SILVERMAN"),
 ("Deputy Political Counselor: John W. Crowley, for reasons", "John W. Crowley"),
 ("Heather Hodge...", "Heather Hodge"),
 ("Ambassador Heather M. Hodges for...", "Heather M. Hodges"),
 ("Minister Counselor for Political Affairs George Glass fo r reasons 1.4 (b,d).", "George Glass"),
 ("CAULFIELD, CDA, DOS, CDA; REASON: 1.4(B), (D)", "CAULFIELD"),
 ("Martinez, Vilma, Ambassador, DOS, EXEC", "Martinez, Vilma"),
 ("Classified by EEB/ESC/TFS Director Steve Bondy", "Steve Bondy"),
 ("OES/OPA, Evan Bloom", "Evan Bloom"),
 ("Economic-Political Minister-Counseor Donald A. Blome", "Donald A. Blome"),
 ("XXXXXXXXXXXX, Ambassador, U.S. Embassy Tripoli, Department of State", None),
 ("Political Minister-Counselor Josiah Rosen blatt", "Josiah Rosenblatt"),
 ("John T. Godfrey, CDA, U.S. Embassy - Tripoli, Dept of State", "John T. Godfrey"),
 ("Deputy Chief of Mission Lisa Kubiske.", "Lisa Kubiske"),
]


@pytest.mark.parametrize(("statement", "name"), CASES, ids=[case[0][:40] for case in CASES])
def test_classifier_name(statement: str, name: str | None) -> None:
    assert classifier_name(statement) == name


def test_fields_sharing_a_line_are_still_found() -> None:
    """03BRASILIA3122: the subject, the classifier and the reasons on one line."""
    zone = ("SUBJECT: BRAZIL'S ARSLANIAN: FTAA COMPROMISE POSSIBLE Classified By: Janice Fair, Economic Officer "
            "for Reason Section 1.5 (b) and (d)\n\n1. (C) Summary: text")
    authority = parse_authority(zone)
    assert authority.classified_by is not None
    assert authority.classified_by.name == "Janice Fair"
    assert authority.reasons == ["1.5(b)", "1.5(d)"]


def test_title_is_what_the_statement_says_besides_the_name() -> None:
    authority = parse_authority("Classified By: Margaret Scobey, Ambassador, DOS, EXO; REASON: 1.4(B), (D)\n")
    assert authority.classified_by is not None
    assert authority.classified_by.title == "Ambassador, DOS, EXO"
    assert authority.reasons == ["1.4(b)", "1.4(d)"]
