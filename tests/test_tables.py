"""Tests for the bundled reference tables (cablegraph.tables) and their build script."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import pytest

from cablegraph import tables

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CABLEGRAPH_SHARED", REPO_ROOT.parent / "shared"))
DATA = files("cablegraph") / "data"
GENERATED = [
    "tags.csv",
    "tag_fixes.csv",
    "routing.csv",
    "signers.csv",
    "stations.csv",
    "released_ids.txt.gz",
    "SOURCES.md",
]


def _rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(DATA.joinpath(name).read_text(encoding="utf-8"), newline="")))


# --------------------------------------------------------------------------- tags


def test_subject_tag_has_label():
    info = tables.tag_info("PGOV")
    assert info is not None
    assert info.kind == "subject"
    assert info.label == "Internal Governmental Affairs"
    assert info.source.startswith("topicmaps:subject-tags.txt")


def test_program_tag():
    info = tables.tag_info("KDEM")
    assert info is not None and info.kind == "program" and info.label == "Democratization"


def test_organization_tag():
    info = tables.tag_info("NATO")
    assert info is not None and info.kind == "organization"
    assert info.label == "North Atlantic Treaty Organization"


def test_geographic_tags_country_and_region():
    rs = tables.tag_info("RS")
    assert rs is not None and rs.kind == "geographic" and rs.label == "Russia"
    region = tables.tag_info("XG")
    assert region is not None and region.kind == "geographic" and region.label == "Europe"


def test_namibia_is_not_missing():
    # FIPS WA = Namibia, whose ISO code "NA" must never be read as a missing value.
    wa = tables.tag_info("WA")
    assert wa is not None and wa.label == "Namibia"


def test_geo_code_only_in_fips_table():
    mj = tables.tag_info("MJ")
    assert mj is not None and mj.kind == "geographic" and mj.label == "Montenegro"
    assert mj.source == "linking:fips_country_wikidata.csv"


def test_kind_conflicts_resolved_to_geographic():
    al = tables.tag_info("AL")
    assert al is not None and (al.kind, al.label) == ("geographic", "Albania")
    bp = tables.tag_info("BP")
    assert bp is not None and (bp.kind, bp.label) == ("geographic", "Solomon Islands")
    # the organizations keep their suffixed codes
    al1 = tables.tag_info("AL-1")
    assert al1 is not None and (al1.kind, al1.label) == ("organization", "Arab League")


def test_person_tag_from_tag_fixes():
    info = tables.tag_info("CLINTON, HILLARY")
    assert info is not None and info.kind == "person" and info.label == "Hillary Clinton"


def test_tag_lookup_is_case_insensitive_and_unknown_is_none():
    assert tables.tag_info(" pgov ") == tables.tag_info("PGOV")
    info = tables.tag_info("ALITALIA")
    assert info is not None and info.code == "Alitalia"
    assert tables.tag_info("NOSUCHTAG") is None


def test_tags_table_shape():
    rows = _rows("tags.csv")
    assert len(rows) == 1159
    kinds = {r["kind"] for r in rows}
    assert kinds == {"subject", "program", "organization", "geographic", "person"}
    codes = [r["code"].upper() for r in rows]
    assert len(codes) == len(set(codes))
    assert all(r["code"].startswith("K") for r in rows if r["kind"] == "program")


def test_tag_fix():
    assert tables.tag_fix("PHALANAGE PARTY") == "Phalange Party"
    assert tables.tag_fix("phalanage party") == "Phalange Party"
    assert tables.tag_fix("PGOV") is None


# --------------------------------------------------------------------------- routing


def test_routing_usnato():
    info = tables.routing_info("RUEHNO")
    assert info is not None
    assert info.name == "US MISSION USNATO BRUSSELS BE"
    assert (info.country_code, info.country_name, info.region) == ("be", "Belgium", "Europe")


def test_routing_state_department_and_marc_codes():
    info = tables.routing_info("RUEHC")
    assert info is not None and info.name == "DEPT OF STATE WASHINGTON DC"
    assert info.country_code == "xxu"  # MARC, not FIPS/ISO
    curacao = tables.routing_info("RUEHAO")
    assert curacao is not None and curacao.country_code == "na"  # a value, not a missing marker


def test_routing_wrong_country_dropped_and_unknown():
    tunis = tables.routing_info("RUEHTU")
    assert tunis is not None and tunis.name == "AMEMBASSY TUNIS"
    assert tunis.country_code is None and tunis.country_name is None
    assert tables.routing_info("RUEHZZZ") is None


def test_routing_fills_from_stations_json_and_ranges():
    muscat = tables.routing_info("RUEHMS")  # not in route2name.csv
    assert muscat is not None and muscat.name == "AMEMBASSY MUSCAT" and muscat.country_name == "Oman"
    ranged = tables.routing_info("RHFJAAM")  # inside RHFJAAA THRU RHFJAAZ
    assert ranged is not None and ranged.name == "NAVCOMTELSTA JACKSONVILLE FL"
    nsa = tables.routing_info("RUETIAQ")  # range only stations.json kept
    assert nsa is not None and nsa.name == "DIRNSA FT GEORGE G MEADE MD"
    own_row = tables.routing_info("RULGPQZ")  # own rows beat the range it falls in
    assert own_row is not None and own_row.name == "CTG 40.0 / CTG 40.3"


# --------------------------------------------------------------------------- signers


def test_signer_exact():
    assert tables.signer_name("DAALDER", "USNATO") == "Ivo H. Daalder"
    assert tables.signer_name("daalder", "usnato") == "Ivo H. Daalder"


def test_signer_unique_surname_fallback():
    assert tables.signer_name("Daalder", None) == "Ivo H. Daalder"
    assert tables.signer_name("DAALDER", "STATE") == "Ivo H. Daalder"
    # ANYASO: Abuja has the name, Lagos an empty one (dropped), so the surname rule applies
    assert tables.signer_name("ANYASO", "LAGOS") == "Claudia Anyaso"


def test_signer_ambiguous_or_unknown():
    # ALBRIGHT: two different people (Abu Dhabi, State)
    assert tables.signer_name("ALBRIGHT", "STATE") == "Madeleine Korbel Albright"
    assert tables.signer_name("ALBRIGHT", None) is None
    assert tables.signer_name("ALBRIGHT", "PARIS") is None
    # JONES at KUWAIT: two ambassadors, only the year tells them apart
    assert tables.signer_name("JONES", "KUWAIT") is None
    assert tables.signer_name("WHITEHEAD", "KHARTOUM") == "Robert E. Whitehead"
    assert tables.signer_name("AGNEW", "MOSCOW") is None  # no full name known
    assert tables.signer_name("NOSUCHNAME", None) is None


# --------------------------------------------------------------------------- stations, ids


def test_station_origin():
    assert tables.station_origin("USNATO") == "Mission USNATO"
    assert tables.station_origin("SANJOSE") == "Embassy San Jose"
    assert tables.station_origin("STATE") == "Secretary of State"
    assert tables.station_origin("BRUSSELS") == "USEU Brussels"  # 11 USEU vs 7 Embassy
    assert tables.station_origin("NOWHERE") is None


def test_released_ids():
    ids = tables.released_ids()
    assert len(ids) == 251287
    assert tables.is_released("09USNATO383")
    assert tables.is_released("66BUENOSAIRES2481")
    assert tables.is_released("08ECTION01OF02MANAMA492")  # malformed, but released as such
    assert not tables.is_released("09USNATO999999")
    assert not tables.is_released("")


# --------------------------------------------------------------------------- reproducibility


def test_committed_files_are_clean_text():
    for name in GENERATED:
        data = DATA.joinpath(name).read_bytes()
        if name.endswith(".gz"):
            continue
        text = data.decode("utf-8")
        assert "\r" not in text and text.endswith("\n"), name


@pytest.mark.skipif(
    not (SHARED / "corpus" / "reference").is_dir(),
    reason=f"shared data not found at {SHARED} (set CABLEGRAPH_SHARED to the shared data directory)",
)
def test_build_script_reproduces_committed_files(tmp_path: Path):
    out = tmp_path / "data"
    subprocess.run(
        [
            sys.executable,
            str(REPO_ROOT / "scripts" / "build_tables.py"),
            "--shared",
            str(SHARED),
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    assert sorted(p.name for p in out.iterdir()) == sorted(GENERATED)
    for name in GENERATED:
        assert (out / name).read_bytes() == DATA.joinpath(name).read_bytes(), (
            f"{name} differs from a fresh build"
        )
