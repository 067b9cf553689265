"""Reconciliation: one key per person, post and addressee, whatever spelling a cable used.

Names and codes below are real ones from the release (people who signed or classified cables,
posts, address lines), read against the derived tables in transform/cablegraph/data.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cablegraph.entities.addressees import addressee_key
from cablegraph.entities.names import PersonName, compatible, given_compatible, parse_name
from cablegraph.entities.people import resolve, resolve_signer
from cablegraph.entities.posts import post_label, post_station

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


# -- names -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "given", "surname", "suffix"), [
    ("a.i. Matthew H. Tueller", ("MATTHEW", "H"), "TUELLER", ""),
    ("Matt Tueller, per", ("MATT",), "TUELLER", ""),
    ("TUELLER, Matthew H.", ("MATTHEW", "H"), "TUELLER", ""),
    ("Robert O. Blake, Jr.", ("ROBERT", "O"), "BLAKE", "JR"),
    ("Timothy Zúñiga-Brown", ("TIMOTHY",), "ZUNIGA-BROWN", ""),
    ("L.Carter", ("L",), "CARTER", ""),
    ("PolMinCouns Gregory L. Berry", ("GREGORY", "L"), "BERRY", ""),  # glued title words
    ("Damian R. Leader", ("DAMIAN", "R"), "LEADER", ""),  # a surname that is also a title word
    ("TUELLER", (), "TUELLER", ""),
])
def test_names_are_read_to_their_parts(written, given, surname, suffix):
    assert parse_name(written) == PersonName(given, surname, suffix)


@pytest.mark.parametrize("junk", [
    "per", "XXXXXXXXXXXX", "AMEMBASSY TUNIS IMMEDIATE", "MINIMIZE CONSIDERED SHANNON",
    "SENSITIVE BUT UNCLASSIFIED", "Commercial", "HOAGLAND NNNN", "", "C",
])
def test_what_is_no_name_makes_no_person(junk):
    assert parse_name(junk) is None
    assert resolve(junk, "TUNIS", 2009) is None


@pytest.mark.parametrize(("first", "second", "same"), [
    ("MATT", "MATTHEW", True), ("RICK", "RICHARD", True), ("PHILIP", "PHILLIP", True), ("J", "JOHN", True),
    ("BOB", "ROBERT", True),  # a short form the release shows (data/short_forms.csv)
    ("JOHN", "JAMES", False), ("DONALD", "DOUGLAS", False), ("MARK", "MICHAEL", False), ("BOB", "BILL", False),
])
def test_given_names_agree_only_as_one_person_can(first, second, same):
    assert given_compatible(first, second) is same


def test_a_middle_name_left_out_agrees_but_two_middle_initials_clash():
    assert compatible(parse_name("Ivo Daalder"), parse_name("Ivo H. Daalder"))
    assert compatible(parse_name("A. Peter Burleigh"), parse_name("Peter Burleigh"))  # goes by the middle name
    assert not compatible(parse_name("Alexander R. Vershbow"), parse_name("Alexander S. Vershbow"))
    assert not compatible(parse_name("John Smith Jr."), parse_name("John Smith III"))


# -- people ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "station", "year"), [
    ("Matthew H. Tueller", "CAIRO", 2009), ("Matt Tueller", "KUWAIT", 2006),
    ("a.i. Matthew H. Tueller", "BAGHDAD", 2007), ("Matthew Tueller", "CAIRO", 2010),
    ("Matthew Harold Tueller", "KUWAIT", 2005),  # a spelling no table has, at a post he held
])
def test_every_spelling_of_one_person_has_one_key(written, station, year):
    person = resolve(written, station, year)
    assert person is not None and person.known
    assert (person.key, person.label) == ("matthew-h-tueller", "Matthew H. Tueller")


def test_accents_do_not_make_a_second_person_and_the_label_keeps_them():
    with_accents, without = resolve("Timothy Zúñiga-Brown", "NASSAU", 2009), resolve("Timothy Zuniga-Brown", "NASSAU")
    assert with_accents.key == without.key == "timothy-zuniga-brown"
    assert with_accents.label == "Timothy Zúñiga-Brown"


def test_a_bare_surname_is_the_one_person_of_that_name_at_the_post_that_year():
    assert resolve("TUELLER", "KUWAIT", 2006).key == "matthew-h-tueller"
    assert resolve("DAALDER", "USNATO", 2009).key == "ivo-h-daalder"


def test_a_login_name_is_the_person_whose_initials_and_surname_it_spells():
    assert resolve("RBlau", "SANSALVADOR", 2009).key == "robert-blau"


def test_two_people_who_fit_a_surname_are_kept_apart_and_the_note_says_why():
    person = resolve("CARTER", "CONAKRY", 2008)  # Phillip Carter and Michael E. Carter both classified there
    assert person.key == "carter-conakry" and not person.known
    assert person.note.startswith("not merged: at CONAKRY around 2008 this surname fits")
    assert "Phillip Carter" in person.note


def test_a_rare_slip_is_not_merged_into_the_person_it_contradicts():
    """`Alexander S. Vershbow` (3 cables) contradicts `Alexander R. Vershbow`: kept apart, not merged."""
    assert resolve("Alexander Vershbow", "SEOUL", 2007).key == "alexander-russell-vershbow"
    assert resolve("Alexander S. Vershbow", "SEOUL", 2008).key != "alexander-russell-vershbow"


def test_a_name_no_table_knows_keeps_its_own_readable_key():
    person = resolve("HAROLD T. WEXCOMBE", "USNATO", 2009)  # fictional (the project's sample cables)
    assert (person.key, person.label, person.known) == ("harold-t-wexcombe", "Harold T. Wexcombe", False)
    assert resolve("Harold T. Wexcombe, per", "USNATO", 2009).key == person.key


def test_a_signer_is_the_classifier_of_the_same_cable_when_the_surname_is_theirs():
    classifier = resolve("Harold T. Wexcombe", "USNATO", 2009)
    assert resolve_signer("WEXCOMBE", None, classifier, "USNATO", 2009) == classifier
    other = resolve_signer("DAALDER", None, classifier, "USNATO", 2009)
    assert other.key == "ivo-h-daalder"


def test_a_signer_is_never_a_namesake_from_another_post():
    """HUDSON signing at Lagos in 2009 is Helen C. Hudson, who classified Lagos cables then; William
    J. Hudson was Ambassador in Tunis (tests/gold/people pair P125)."""
    assert resolve_signer("HUDSON", None, None, "LAGOS", 2009).key == "helen-c-hudson"


# -- posts and addressees ----------------------------------------------------------------------

@pytest.mark.parametrize(("code", "post"), [
    ("KIEV", "KYIV"), ("CALCUTTA", "KOLKATA"),  # renamed stations: one origin label, the code used most
    ("EFTOLONDON", "LONDON"), ("EFTOTRIPOLI", "TRIPOLI"),  # a handling word glued to the station
    ("QUINTO", "QUITO"), ("BISHIEK", "BISHKEK"), ("BISHQEK", "BISHKEK"), ("QRIPOLI", "TRIPOLI"),  # typos
    ("HAGUE", "THEHAGUE"),  # the ACP 117 place name
    ("USNATO", "USNATO"), ("BRUSSELS", "BRUSSELS"), ("USEUBRUSSELS", "USEUBRUSSELS"), ("PARTO", "PARTO"),
])
def test_each_post_has_one_station_code(code, post):
    assert post_station(code) == post


def test_the_departments_post_is_labelled_for_what_it_is():
    assert post_label("STATE") == "Department of State"
    assert post_label("KYIV") == "Embassy Kyiv"


@pytest.mark.parametrize("written", [
    "SECSTATE WASHDC", "RUEHCSECSTATE WASHDC", "SECSTATE WASHDC0000", "SESTATE WASHDC", "ECSTATE WASHDC",
    "TORUEHC SECSTATE WASHDC", "UEHC SECSTATE WASHDC", "SECSTATE SECSTATE WASHDC", "SECSTATE WASH DC",
])
def test_every_typing_of_the_department_is_one_addressee(written):
    assert addressee_key(written, "RUEHC") == "SECSTATE WASHDC"


@pytest.mark.parametrize(("written", "key"), [
    ("DEPT OF TREASUR WASHINGTON DC", "DEPT OF TREASURY WASHDC"),
    ("DEPARTMENT OF TREASURY WASHDC", "DEPT OF TREASURY WASHDC"),
    ("AMEMBASSY YAOUNDE", "AMEMBASSY YAOUNDE"),  # a station code is never "repaired" to the ACP book's typo
    ("AMCONSUL HONG KONG", "AMCONSUL HONG KONG"),
    ("DQT OF COMMERCE WASHINGTON DC", "DQT OF COMMERCE WASHDC"),  # too short to tell a typo: kept
])
def test_addresses_keep_what_tells_them_apart(written, key):
    assert addressee_key(written) == key


# -- the derived tables ----------------------------------------------------------------------------

@pytest.mark.skipif(not (SHARED / "corpus" / "reference").is_dir(), reason="shared reference data not found")
def test_people_tables_rebuild_byte_for_byte():
    check = subprocess.run([sys.executable, str(REPO / "scripts" / "build_people.py"), "--check"],
                           capture_output=True, text=True, timeout=300)
    assert check.returncode == 0, check.stdout + check.stderr
