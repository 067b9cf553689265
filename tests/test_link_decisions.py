"""One test per linking decision of the review (issue: wrong, missing and licence), each read from the
generated link tables (`cablegraph/data/links/`) and, where the shared data is at hand, checked against
the source row the decision rests on. The rules themselves are in `scripts/build_links.py`.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import re
import sys
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode

from cablegraph import tables as tag_tables
from cablegraph.linking import tables
from cablegraph.linking.linker import Linker
from cablegraph.store.publish import DATASET_LICENSE, Publisher, _description

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CABLEGRAPH_SHARED", REPO_ROOT.parent / "shared"))
LINKING = SHARED / "linking"
needs_shared = pytest.mark.skipif(not LINKING.is_dir(), reason=f"shared linking data not found at {LINKING}")
DCTERMS = "http://purl.org/dc/terms/"


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _source_row(name: str, key: str, value: str) -> dict[str, str]:
    return next(row for row in _csv(LINKING / name) if row[key] == value)


def _territory(qid: str) -> dict[str, str]:
    borders = json.loads((LINKING / "raw" / "rapideditor-country-coder" / "borders.json").read_text(encoding="utf-8"))
    return next(f["properties"] for f in borders["features"] if f["properties"].get("wikidata") == qid)


def _supraverden_block(entry: str) -> str:
    yaml = (LINKING / "raw" / "confirmordeny-supraverden" / "general_list.yaml").read_text(encoding="utf-8")
    return re.split(r"\n(?=\S)", yaml.split(f"\n{entry}:\n", 1)[1], maxsplit=1)[0]


# --------------------------------------------------------------------------- countries: the territory rule


def test_wi_is_the_territory_western_sahara_not_the_sahrawi_republic() -> None:
    wi = tables.geo_entries()["WI"]
    assert (wi.wikidata, wi.source) == ("Q6250", "country-coder")
    assert "territory rule" in wi.note and "not Q40362" in wi.note
    link = Linker().tag_link("WI")
    assert link is not None and link.qid == "Q6250" and link.source in tables.sources()


@needs_shared
def test_wi_source_rows() -> None:
    row = _source_row("fips_country_wikidata.csv", "fips", "WI")
    assert (row["iso2"], row["wikidata"], row["alt_wikidata"]) == ("EH", "Q40362", "Q6250")
    territory = _territory("Q6250")
    assert (territory["nameEn"], territory["iso1A2"]) == (row["name"], "EH")


def test_nl_and_da_follow_one_rule_the_country_proper() -> None:
    geo = tables.geo_entries()
    assert geo["NL"].wikidata == "Q55"  # the Netherlands, not Q29999 the Kingdom of the Netherlands
    assert geo["DA"].wikidata == "Q35"  # Denmark, not Q756617 the Kingdom of Denmark
    assert "not Q29999" in geo["NL"].note and "not Q756617" in geo["DA"].note
    assert all(geo[code].note.startswith("territory rule") for code in ("NL", "DA", "WI", "GZ", "WE"))
    # the parts of both kingdoms outside the country proper are codes of their own
    assert {geo[c].name for c in ("GL", "FO", "AA", "UC", "NN")} == {
        "Greenland", "Faroe Islands", "Aruba", "Curaçao", "Sint Maarten"}


@needs_shared
def test_nl_and_da_source_rows() -> None:
    for code, proper, realm in (("NL", "Q55", "Q29999"), ("DA", "Q35", "Q756617")):
        row = _source_row("fips_country_wikidata.csv", "fips", code)
        assert (_territory(proper)["nameEn"], _territory(proper)["country"]) == (row["name"], row["iso2"])
        assert _territory(realm)["nameEn"].startswith("Kingdom of") and _territory(realm)["iso1A2"] == row["iso2"]
        embassy = next(m for m in _csv(LINKING / "us_missions_wikidata.csv")
                       if m["jurisdiction_qids"] == proper and m["type"] == "embassy")
        assert embassy["country_qid"] == realm  # the missions data: jurisdiction the country, seat in the realm


@needs_shared
def test_every_territory_rule_row_is_the_country_coder_feature_named_as_the_row() -> None:
    fips = {row["fips"]: row for row in _csv(LINKING / "fips_country_wikidata.csv")}
    ruled = [e for e in tables.geo_entries().values() if e.note.startswith("territory rule")]
    assert {e.code for e in ruled} == {"DA", "NL", "WI", "GZ", "WE"}
    for entry in ruled:
        territory = _territory(entry.wikidata)
        assert territory["nameEn"] == fips[entry.code]["name"], entry
        assert entry.iso2 in (territory.get("iso1A2"), territory.get("country")), entry


# --------------------------------------------------------------------------- organisations


def test_eu_geographic_code_has_no_european_union_link() -> None:
    assert tag_tables.tag_info("EU").kind == "geographic"
    geo = tables.geo_entries()["EU"]
    assert geo.kind == "none" and not geo.wikidata and "no QID" in geo.note
    org = tables.org_entries()["EU"]
    assert (org.wikidata, org.method) == ("", "none")
    assert "EU -> Q458" in org.note and "geographic TAGS code" in org.note
    assert Linker().tag_link("EU") is None


def test_au_is_austria_and_its_african_union_row_is_not_used() -> None:
    org = tables.org_entries()["AU"]
    assert (org.wikidata, org.method) == ("", "none") and "AU -> Q7159" in org.note
    assert Linker().tag_link("AU").qid == "Q40"
    assert Linker().tag_link("AU-1").qid == "Q7159"  # the organisation list's own code for the African Union


def test_eun_is_the_european_union_because_the_cables_use_it_so() -> None:
    """The old TAGS list defines EUN as Euratom, but the cables tagged EUN name the European Union and
    never Euratom (build_links.usage): the link says what the cables mean, and the note says why."""
    assert tag_tables.tag_info("EUN").label == "European Atomic Energy Community"
    eun = tables.org_entries()["EUN"]
    assert (eun.wikidata, eun.method) == ("Q458", "table")
    assert "the cables use the code for 'European Union'" in eun.note and "0 name 'European Atomic" in eun.note
    assert Linker().tag_link("EUN").qid == "Q458"


@needs_shared
def test_usage_outweighs_the_definition_only_with_clear_evidence() -> None:
    build, shared = _build_links(), SHARED
    eun = build.usage(shared, "EUN", {"european union"}, {"european atomic energy community"})
    assert eun[0] >= build.USAGE_MIN and eun[1] == 0
    wto = build.usage(shared, "WTO", {"world trade organization"}, {"world tourism organization"})
    assert wto[0] < build.USAGE_MIN  # too few cables to overrule the definition: WTO stays UN Tourism


@needs_shared
def test_eun_source_rows() -> None:
    assert _source_row("org_tags_wikidata.csv", "tag", "EUN")["wikidata"] == "Q458"
    block = _supraverden_block("European Atomic Energy Community")
    assert "Wikidata_code: Q8919" in block and "Name_other_en: Euratom" in block


def test_wto_is_the_world_tourism_organization_not_the_world_trade_organization() -> None:
    assert tag_tables.tag_info("WTO").label == "World Tourism Organization"
    wto = tables.org_entries()["WTO"]
    assert wto.wikidata != "Q7825" and (wto.wikidata, wto.method) == ("Q61923", "label")
    assert "WTO -> Q7825 'World Trade Organization' not used" in wto.note
    assert Linker().tag_link("WTRO").qid == "Q7825"  # the World Trade Organization's own TAGS code


@needs_shared
def test_wto_source_rows() -> None:
    assert _source_row("org_tags_wikidata.csv", "tag", "WTO")["wikidata"] == "Q7825"
    block = _supraverden_block("United Nations Tourism")
    assert "Wikidata_code: Q61923" in block and "Name_former_en: World Tourism Organization" in block


def test_iadb_is_the_inter_american_defense_board() -> None:
    assert tag_tables.tag_info("IADB").label == "Inter-American Defense Board"
    iadb = tables.org_entries()["IADB"]
    assert (iadb.wikidata, iadb.method) == ("Q1665759", "label") and "Q1153087" in iadb.note


def test_icc_is_the_interstate_commerce_commission_and_stays_unlinked() -> None:
    assert tag_tables.tag_info("ICC").label == "Interstate Commerce Commission"
    icc = tables.org_entries()["ICC"]
    assert (icc.wikidata, icc.method) == ("", "none")
    assert "ICC -> Q47488" in icc.note and "no QID in any source file" in icc.note
    assert Linker().tag_link("ICC") is None


KEPT = {"OSCE": "Q81299", "OPEC": "Q7795", "BIS": "Q309195", "IMF": "Q7804", "OECD": "Q41550", "ILO": "Q54129",
        "ITU": "Q376150", "EFTA": "Q166546", "IFAD": "Q689859", "IMO": "Q201054"}


@pytest.mark.parametrize(("code", "qid"), KEPT.items())
def test_kept_label_disagreements_say_why(code: str, qid: str) -> None:
    entry = tables.org_entries()[code]
    assert (entry.wikidata, entry.method) == (qid, "table")
    assert f"kept: tags.csv label {tag_tables.tag_info(code).label!r}" in entry.note


def _build_links():
    spec = importlib.util.spec_from_file_location("build_links_for_test", REPO_ROOT / "scripts" / "build_links.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_links_for_test", module)
    spec.loader.exec_module(module)
    return module


@needs_shared
def test_every_label_disagreement_has_a_recorded_decision(monkeypatch: pytest.MonkeyPatch) -> None:
    build = _build_links()
    assert set(build.ORG_LABEL_DECISIONS) == {"EUN", "WTO", "IADB", "ICC", *KEPT}
    tags = _csv(REPO_ROOT / "transform" / "cablegraph" / "data" / "tags.csv")
    build.build_orgs(SHARED, tags)  # the recorded decisions are exactly the disagreements
    decisions = dict(build.ORG_LABEL_DECISIONS)
    del decisions["WTO"]
    monkeypatch.setattr(build, "ORG_LABEL_DECISIONS", decisions)
    with pytest.raises(SystemExit, match="decide \\['WTO'\\]"):
        build.build_orgs(SHARED, tags)


# --------------------------------------------------------------------------- posts


@pytest.mark.parametrize(("station", "qid", "country"), [
    ("LONDON", "Q5369960", "UK"),
    ("TRIPOLI", "Q29897428", "LY"),
    ("ROME", "Q5369967", "IT"),  # the embassy to Italy, not Q5369978 (to the Holy See), also in Rome
    ("BERLIN", "Q875787", "GM"),
])
def test_embassies_linked_by_the_jurisdiction_rule(station: str, qid: str, country: str) -> None:
    post = Linker().post(station)
    assert post is not None and (post.wikidata, post.country_fips, post.kind) == (qid, country, "embassy")
    assert post.source == "us-missions-wikidata" and "only US embassy" in post.match
    link = Linker().post_link(post)
    assert link is not None and link.qid == qid and link.source in tables.sources()


@needs_shared
def test_jurisdiction_rule_source_rows() -> None:
    missions = _csv(LINKING / "us_missions_wikidata.csv")
    for qid, country in (("Q5369960", "Q145"), ("Q29897428", "Q1016")):
        mission = next(m for m in missions if m["wikidata"] == qid)
        assert mission["type"] == "embassy" and mission["jurisdiction_qids"] == country
        assert [m["wikidata"] for m in missions if country in m["jurisdiction_qids"].split("|")
                and m["type"].lower().startswith("embassy")] == [qid]
    assert _source_row("us_posts_routing.csv", "routing_indicator", "RUEHLO")["wikidata"] == ""


def test_a_post_never_takes_another_posts_item() -> None:
    # AMEMBASSY LAGOS: Nigeria's only US embassy is the one in Abuja, which the city match gives RUEHUJA
    lagos = Linker().post("LAGOS")
    abuja = Linker().post("ABUJA")
    assert lagos is not None and not lagos.wikidata
    assert abuja is not None and abuja.wikidata


@pytest.mark.parametrize(("station", "reason"), [
    ("THEHAGUE", "Q73921265, the only US embassy to Netherlands"),
    ("TELAVIV", "Q53492009, the only US embassy to Israel"),
    ("USNATO", "no other shared file has its item"),
    ("STATE", "no other shared file has its item"),
])
def test_posts_left_unlinked_say_why(station: str, reason: str) -> None:
    post = Linker().post(station)
    assert post is not None and not post.wikidata and reason in post.note
    assert Linker().post_link(post) is None


def test_no_person_is_linked_offline() -> None:
    assert Linker().person_link("Ivo H. Daalder") is None


# --------------------------------------------------------------------------- the published licence


def test_published_licence_is_share_alike_because_links_are() -> None:
    share_alike = {s.id for s in tables.sources().values() if "BY-SA" in s.licence}
    assert {e.source for e in tables.org_entries().values() if e.wikidata} & share_alike
    dataset = NamedNode("https://w3id.org/cablegraph/dataset")
    triples = list(_description(dataset, "https://w3id.org/cablegraph/", [], None, Publisher()))
    licences = [o.value for s, p, o in triples if s == dataset and p.value == DCTERMS + "license"]
    assert licences == [DATASET_LICENSE] == ["https://creativecommons.org/licenses/by-sa/4.0/"]
    rights = [o for s, p, o in triples if s == dataset and p.value == DCTERMS + "rights"]
    assert len(rights) == 1 and isinstance(rights[0], Literal)
    assert "CC BY-SA 4.0" in rights[0].value and "supraverden" in rights[0].value


def test_sources_md_states_the_published_licence_and_why() -> None:
    text = (REPO_ROOT / "transform" / "cablegraph" / "data" / "SOURCES.md").read_text(encoding="utf-8")
    assert "Published licence: the RDF dataset" in text and "CC BY-SA 4.0, not CC BY 4.0" in text
