#!/usr/bin/env python3
"""Regenerate cablegraph's bundled Wikidata link tables from the shared linking data.

Why this script exists: linking runs offline by default, so the QIDs it uses must be bundled
with the package, and every QID must trace to a row of a public source file (none typed from
memory). Keeping the derivation as code writes each rule and judgement down once, and
``python scripts/build_links.py`` must reproduce the committed files byte for byte (a test
checks this). Standard library only.

Tables written to ``--out`` (default ``transform/cablegraph/data/links``):

``geo.csv`` (code, kind, name, iso2, wikidata, source, note)
    Geographic TAGS codes. ``kind`` is ``country`` (FIPS 10-4 / GEC code with a QID),
    ``region`` (the State Department's X*/Z* regional pseudo-codes, from ``fips_regions.txt``:
    they become region concepts, never a guessed QID) or ``none`` (a known code with no QID in
    any source, e.g. the retired YI Serbia and Montenegro, or the Spratly Islands): a documented
    "no match". ``iso2`` lets the linker repair an ISO 3166 code written where the FIPS code
    belongs (RU for RS), under the rule in ``cablegraph.linking``.

    **Territory rule** (one rule for every row, see ``territory_item``): a FIPS 10-4 / GEC code
    names a geographic entity, the territory the code covers, not a realm, state or government
    claiming it. So where rapideditor/country-coder (which maps territories, each with its Wikidata
    item) has a feature of the row's ISO entity whose English name is the row's name, that
    feature's item is the link, even where ``fips_country_wikidata.csv`` gives another. In the
    shared data it applies to five rows and changes two (``GZ`` Gaza Strip and ``WE`` West Bank
    keep their territories, not Q219060 "Palestine", country-coder ISO PS):

    - ``DA`` Denmark: Q35, the country proper (country-coder "Denmark"; Greenland GL and the Faroe
      Islands FO have codes of their own), not Q756617 "Kingdom of Denmark" (country-coder ISO DK).
      Unchanged.
    - ``NL`` Netherlands: Q55, country-coder "Netherlands", not Q29999 "Kingdom of the Netherlands"
      (country-coder ISO NL, which datasets/country-codes also gives): Aruba AA, Curaçao UC and
      Sint Maarten NN have codes of their own. The US missions data says the same:
      ``us_missions_wikidata.csv`` gives the embassy in the Netherlands jurisdiction Q55 (and the
      one in Denmark Q35) while its country is the kingdom.
    - ``WI`` Western Sahara: Q6250, country-coder "Western Sahara" (ISO EH, the territory), not
      Q40362, which datasets/country-codes gives and ``linking/SOURCES.md`` names the Sahrawi
      Republic (a state claiming the territory).

    Every row the rule looks at carries a ``territory rule`` note; changed rows cite
    ``country-coder`` as their source.

``orgs.csv`` (code, name, wikidata, method, source, note)
    Organisation TAGS codes. ``method`` is ``table`` (a row of ``org_tags_wikidata.csv``, QIDs from
    supraverden), ``label`` (the tag's label in our ``tags.csv`` equals, after normalisation,
    an English name of exactly one supraverden entry, its former names included: WTRO "World Trade
    Organization" -> Q7825) or ``none`` (a documented no-link: the ``note`` says why).

    The TAGS definition (``tags.csv``, from the State Department handbook lists) says what a code
    means, and the tag node is labelled with it, so a link must name that organisation:

    - a row of ``org_tags_wikidata.csv`` whose code is a TAGS code of another kind is not used
      (``EU`` is the geographic code of Europa Island, ``AU`` that of Austria);
    - a row whose QID's supraverden names differ from the code's TAGS label is kept or dropped by a
      recorded decision, one per disagreement, in ``ORG_LABEL_DECISIONS`` (the build stops if the
      disagreements change); a dropped code may then be linked by its label like any other code
      (``EUN`` "European Atomic Energy Community" -> Euratom; ``WTO`` "World Tourism Organization"
      -> the supraverden entry whose former name that is);
    - a row whose code no TAGS list holds (``SCO``, ``CSTO``...) has no definition to contradict and
      is kept.

``posts.csv`` (routing_indicator, station, name, kind, city, country_fips, wikidata, match, source, note)
    Every ACP 117 routing indicator of our ``routing.csv`` with the kind of post it names
    (embassy, consulate, mission, office, department, agency, military, collective, other), and
    for State Department posts the city, country and Wikidata item of the US mission from
    ``us_posts_routing.csv``. ``station`` is the reference-id station code when it can be told:
    the WikiLeaks origin label of a station (``stations.csv``) equals the post's
    ``origin_name_guess``, or the post's place token without blanks is a known station code.
    ``note`` says why a State Department post has no item.

    Besides the city match of ``us_posts_routing.csv``, one rule links embassies (see
    ``embassy_of_country``): an ACP ``AMEMBASSY <city>`` is the US embassy *to the country* that
    city is in, so when the city's country is known (database-of-embassies places other countries'
    missions in a city of that name, all in one country) and exactly one US embassy of
    ``us_missions_wikidata.csv`` has that country among its jurisdictions (and no other post has
    it), that embassy is the post's item, unless its inception is after the cables (then it is
    another item: ``LAST_CABLE_YEAR``). It reaches the embassies whose Wikidata location is a
    district or another seat (London: London Borough of Wandsworth; Berlin: Mitte; Tripoli: the US
    embassy whose jurisdiction is Libya, seated in Tunis in the 2022 snapshot) and settles Rome and
    Tunis, where two US embassies share the city. It leaves out The Hague and Tel Aviv: the only US
    embassies to the Netherlands (in Wassenaar) and to Israel (in Jerusalem) have inceptions of 2018.
    The post's ``city`` is then the city's label in database-of-embassies. Every post the rule links
    is listed in ``data/links/README.md``.

``sources.csv`` (id, title, file, upstream, licence)
    The sources every link's provenance points at.

Licence note: org QIDs come from confirmordeny/supraverden (CC BY-SA 4.0), so ``orgs.csv`` is
shared under CC BY-SA 4.0 with attribution (recorded in ``sources.csv`` and on every link), and
the published dataset, whose dumps carry those links, is CC BY-SA 4.0 as a whole
(``cablegraph.store.publish``; the reason is in ``data/SOURCES.md``).

Not linked, because no shared file has the item: the US Mission to NATO (``USNATO``) and the
Department of State (``STATE``): database-of-embassies lists missions to countries only. People:
no shared file holds a person's QID, so offline no person is linked (online answers only).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_tables import csv_bytes, read_csv_rows  # the sibling script: one CSV dialect for both

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "transform" / "cablegraph" / "linking"))
from kinds import post_kind  # the runtime's own rules (a standard-library module), so both agree

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = REPO_ROOT.parent / "shared"
DATA = REPO_ROOT / "transform" / "cablegraph" / "data"
DEFAULT_OUT = DATA / "links"

QID = re.compile(r"^Q[1-9][0-9]*$")
REGION_LINE = re.compile(r"^([A-Z]{2}) (.+)$")

#: Judgement: the Department of State's own routing indicator names station STATE (its reference
#: ids read 09STATE12345); the ACP name "DEPT OF STATE WASHINGTON DC" gives no place token to match.
STATION_JUDGEMENTS = {"RUEHC": "STATE"}

SOURCES = [
    ("fips-country-wikidata", "FIPS 10-4 / GEC country codes to Wikidata", "linking/fips_country_wikidata.csv",
     "datasets/country-codes @ caa72d1e0e5af8876c170bb36a9e4d64a01bba88; dieghernan/Country-Codes-and-"
     "International-Organizations @ 3a7203aa5fa6085ef0f472691c41feb309446272; rapideditor/country-coder @ "
     "c30d4314809cb8a446c3d42181cd370a1a424056", "ODC-PDDL-1.0 / MIT / ISC"),
    ("fips-regions", "State Department TAGS regional pseudo-codes (5 FAH-3 H-400)",
     "corpus/reference/topicmaps/fips_regions.txt",
     "heuer/topicmaps cablegate/fips_regions.txt @ 496e7d70f27e2e98ad9970eae2300753101474fb", "public domain"),
    ("org-tags-wikidata", "Organisation TAGS to Wikidata", "linking/org_tags_wikidata.csv",
     "confirmordeny/supraverden data/general_list.yaml @ 59ab4fa0f92f3c75bb45e230908e612f15e8dbdf",
     "CC BY-SA 4.0"),
    ("supraverden", "supraverden list of international organisations",
     "linking/raw/confirmordeny-supraverden/general_list.yaml",
     "confirmordeny/supraverden data/general_list.yaml @ 59ab4fa0f92f3c75bb45e230908e612f15e8dbdf",
     "CC BY-SA 4.0"),
    ("us-posts-routing", "State Department routing indicators to US missions in Wikidata",
     "linking/us_posts_routing.csv",
     "heuer/cablemap data/route2name.csv @ 42066c8fc2972d237a2c35578e14525aaf705f38 (ACP 117); "
     "database-of-embassies/database-of-embassies @ b1987a62f9412564fa33c5e9193a65319bc504a3 (Wikidata query, CC0)",
     "BSD-3-Clause / CC0"),
    ("cablegraph-tags", "cablegraph's TAGS table (labels of organisation codes)", "transform/cablegraph/data/tags.csv",
     "built by scripts/build_tables.py, see data/SOURCES.md", "BSD-3-Clause / public domain"),
    ("country-coder", "Territories with their Wikidata items (rapideditor/country-coder)",
     "linking/raw/rapideditor-country-coder/borders.json",
     "rapideditor/country-coder src/data/borders.json @ c30d4314809cb8a446c3d42181cd370a1a424056", "ISC"),
    ("us-missions-wikidata", "US diplomatic missions in Wikidata, with their jurisdictions",
     "linking/us_missions_wikidata.csv; linking/raw/database-of-embassies/database_of_embassies.csv",
     "database-of-embassies/database-of-embassies database_of_embassies.csv @ b1987a62f9412564fa33c5e9193a65319bc504a3 "
     "(a Wikidata query result)", "CC0 (Wikidata; no data licence stated upstream)"),
]

#: One decision per organisation row whose QID's supraverden names differ from the code's TAGS label
#: (tags.csv): code -> (decision, reason). ``keep``: the same organisation, named differently (spelling,
#: a qualifier, a former name); ``drop``: another organisation, so the row is not used and the code
#: may be linked by its label like any other code. ``build_orgs`` stops if the disagreements found
#: are not exactly these. Source rows: ``org_tags_wikidata.csv`` (tag, supraverden_entry, wikidata)
#: and ``tags.csv`` (code, label), both quoted in the row's note.
ORG_LABEL_DECISIONS: dict[str, tuple[str, str]] = {
    "EUN": ("drop", "Euratom, another organisation than the European Union"),
    "WTO": ("drop", "another organisation than the World Trade Organization, whose TAGS code is WTRO"),
    "IADB": ("drop", "another organisation than the Inter-American Development Bank, whose TAGS code is IDB"),
    "ICC": ("drop", "another organisation than the International Criminal Court"),
    "OSCE": ("keep", "the same name, spelt 'Cooperation'"),
    "OPEC": ("keep", "the same name without 'the'"),
    "BIS": ("keep", "the same name with 'of' for 'for'"),
    "IMF": ("keep", "the same name plus a qualifier (seat, relation to the UN)"),
    "OECD": ("keep", "the same name plus its seat, US spelling"),
    "ILO": ("keep", "the same name plus a qualifier, US spelling 'Labor'"),
    "ITU": ("keep", "the same name plus a qualifier"),
    "EFTA": ("keep", "the same name plus nicknames"),
    "IFAD": ("keep", "the name, inverted and misspelt"),
    "IMO": ("keep", "the organisation's former name; the code IMO is the abbreviation of the International "
                    "Maritime Organization in both the CIA Factbook list and supraverden (org_tags_wikidata.csv "
                    "cia_factbook_abbrev, supraverden_abbrev)"),
}

#: English name fields of a supraverden entry that label matches compare with (every one the file uses).
SUPRAVERDEN_NAME_FIELDS = ("Name_en", "Name_other_en", "Name_other_1_en", "Name_other_2_en", "Name_other_3_en",
                           "Name_other_4_en", "Name_former_en")

def checked_qid(value: str, where: str) -> str:
    value = value.strip().rsplit("/", 1)[-1]
    if value and not QID.match(value):
        raise SystemExit(f"{where}: {value!r} is not a Wikidata QID")
    return value


def normalise(name: str) -> str:
    """Case, accents, punctuation, `&`/`and`, British/American spelling and the abbreviation UN (as
    our TAGS labels write it: "UN Environment Program") do not decide a match; words do."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = text.replace("&", " and ").replace("organisation", "organization").replace("programme", "program")
    words = ["united nations" if word == "un" else word for word in re.findall(r"[a-z0-9]+", text)]
    return " ".join(words)


# --------------------------------------------------------------------------- geographic codes


def read_territories(shared: Path) -> list[dict[str, str]]:
    """The features of country-coder's borders.json that carry a Wikidata item (properties only)."""
    path = shared / "linking" / "raw" / "rapideditor-country-coder" / "borders.json"
    features = json.loads(path.read_text("utf-8"))["features"]
    return [f["properties"] for f in features if f["properties"].get("wikidata")]


def territory_item(row: dict[str, str], territories: list[dict[str, str]]) -> tuple[str, str]:
    """The item the territory rule (module docstring) gives a FIPS row, and the row's note.

    The territory is the country-coder feature of the row's ISO entity (the ISO feature itself, or a
    part of it without an ISO code of its own) whose English name is the row's name; the ISO
    feature under another name ("Kingdom of Denmark") is the realm. No such feature, or more than
    one: the row's own QID stands.
    """
    qid, iso2 = row["wikidata"], row["iso2"]
    if not qid or not iso2:
        return qid, ""
    own = [t for t in territories if t.get("iso1A2") == iso2 or (t.get("country") == iso2 and not t.get("iso1A2"))]
    named = [t for t in own if normalise(t.get("nameEn", "")) == normalise(row["name"])]
    realm = [t for t in own if t.get("iso1A2") == iso2 and t not in named]
    if len(named) != 1:
        return qid, ""
    territory = named[0]
    others: dict[str, list[str]] = defaultdict(list)  # QID not used -> where it comes from
    if qid != territory["wikidata"]:
        others[qid].append(f"fips_country_wikidata.csv, {row['source']}")
    for t in realm:
        if t["wikidata"] != territory["wikidata"]:
            others[t["wikidata"]].append(f"country-coder {t['nameEn']!r}, ISO {iso2}")
    if not others:
        return qid, ""
    not_used = [f"{q} ({'; '.join(where)})" for q, where in others.items()]
    note = (f"territory rule: the code names the territory, country-coder {territory['nameEn']!r} = "
            f"{territory['wikidata']}; not " + ", not ".join(not_used))
    return territory["wikidata"], note


def build_geo(shared: Path, tags: list[dict[str, str]]) -> list[tuple[str, ...]]:
    rows: dict[str, tuple[str, ...]] = {}
    territories = read_territories(shared)
    for row in read_csv_rows(shared / "linking" / "fips_country_wikidata.csv"):
        qid = checked_qid(row["wikidata"], f"fips_country_wikidata.csv {row['fips']}")
        row = {**row, "wikidata": qid}
        kind = "country" if qid else "none"
        note = "" if qid else "no QID in any source file (fips_country_wikidata.csv: " + row["source"] + ")"
        source = "fips-country-wikidata"
        territory, territory_note = territory_item(row, territories)
        if territory_note:
            note = territory_note
            source = "country-coder" if territory != qid else source
            qid = checked_qid(territory, f"borders.json {row['fips']}")
        rows[row["fips"]] = (row["fips"], kind, row["name"], row["iso2"], qid, source, note)
    for line in (shared / "corpus" / "reference" / "topicmaps" / "fips_regions.txt").read_text("utf-8").splitlines():
        match = REGION_LINE.match(line)
        if line.startswith("#") or not match:
            continue
        code, name = match.group(1), match.group(2).strip()
        if code in rows:
            raise SystemExit(f"region code {code} is also a country code: decide which it is")
        rows[code] = (code, "region", name, "", "", "fips-regions", "regional pseudo-code: a region concept")
    for tag in tags:
        if tag["kind"] == "geographic" and tag["code"] not in rows:
            rows[tag["code"]] = (tag["code"], "none", tag["label"], "", "", "cablegraph-tags",
                                 "retired or unlisted code: no QID in any source file")
    return [rows[code] for code in sorted(rows)]


# --------------------------------------------------------------------------- organisations


def read_supraverden(path: Path) -> dict[str, list[tuple[str, str]]]:
    """normalised name -> [(entry, QID)] from the YAML's top-level entries, by every English name
    field (``SUPRAVERDEN_NAME_FIELDS``: a TAGS label may give a former name, "World Tourism
    Organization"). A line parser: the file is a flat mapping of entries to scalar fields, and the
    script needs no PyYAML."""
    names: dict[str, list[tuple[str, str]]] = defaultdict(list)
    entry, fields = None, {}

    def flush() -> None:
        qid = fields.get("Wikidata_code", "")
        if entry and QID.match(qid):
            for name in {entry, *(fields.get(key, "") for key in SUPRAVERDEN_NAME_FIELDS)}:
                if name and name != "null":
                    names[normalise(name)].append((entry, qid))

    for line in path.read_text("utf-8").splitlines():
        if line and not line[0].isspace() and line.endswith(":"):
            flush()
            entry, fields = line[:-1].strip().strip("'\""), {}
        elif line.startswith("  ") and not line.startswith("   ") and ":" in line:
            key, _, value = line.strip().partition(":")
            fields[key] = value.strip().strip("'\"")
    flush()
    return names


USAGE_MIN = 5  # corpus cables naming the table row's organisation, for usage to outweigh the definition
USAGE_RATIO = 3  # ... and three times as many as name the definition's


def usage(shared: Path, code: str, item_names: set[str], label_names_: set[str]) -> tuple[int, int]:
    """How many corpus cables tagged `code` name the table row's organisation, and how many name the
    organisation of the code's TAGS definition (names normalised; whole words).

    Why: the TAGS definitions list is old. `EUN` is defined "European Atomic Energy Community", but its
    header records the code's removed definitions "European Union", "European Communities"; `ICC` is
    the long-gone Interstate Commerce Commission; cables of the 2000s use both codes for the European
    Union and the International Criminal Court. A link should say what the cables mean, so a table row
    that disagrees with the definition is kept when the tagged cables name its organisation clearly
    more often (``USAGE_MIN``, ``USAGE_RATIO``), and dropped otherwise."""
    item, defined = 0, 0
    for text in _tagged_texts(shared, code):
        item += any(f" {name} " in text for name in item_names)
        defined += any(f" {name} " in text for name in label_names_)
    return item, defined


_TAGGED: dict[Path, dict[str, list[str]]] = {}
TAGS_LINE = re.compile(r"^\s*TAGS:?\s+(.+)$", re.MULTILINE | re.IGNORECASE)


def _tagged_texts(shared: Path, code: str) -> list[str]:
    """Normalised texts of the corpus cables whose TAGS line has `code`, read once per run."""
    if shared not in _TAGGED:
        by_code: dict[str, list[str]] = defaultdict(list)
        for path in sorted((shared / "corpus" / "cables").glob("*.txt")):
            raw = path.read_text("utf-8", errors="replace")
            line = TAGS_LINE.search(raw)
            if line is None:
                continue
            text = f" {normalise(raw)} "
            for token in set(re.findall(r"[A-Za-z]+", line.group(1))):
                by_code[token.upper()].append(text)
        _TAGGED[shared] = by_code
    return _TAGGED[shared].get(code.upper(), [])


def label_names(label: str) -> list[str]:
    """The names a TAGS label gives: a few list two, "ECA ..., UN Economic Commission for Africa"."""
    return label.split(", ")


def build_orgs(shared: Path, tags: list[dict[str, str]]) -> list[tuple[str, ...]]:
    """The organisation links: table rows that agree with the TAGS definition, then label matches;
    a code whose table row was not used gets a ``none`` row saying why (module docstring)."""
    names = read_supraverden(shared / "linking" / "raw" / "confirmordeny-supraverden" / "general_list.yaml")
    names_of_qid: dict[str, set[str]] = defaultdict(set)
    for name, pairs in names.items():
        for _, qid in pairs:
            names_of_qid[qid].add(name)
    tag_of = {tag["code"].upper(): tag for tag in tags}
    rows: dict[str, tuple[str, ...]] = {}
    not_used: dict[str, str] = {}  # code -> why its org_tags_wikidata.csv row is not used
    disagreements: dict[str, str] = {}
    for row in read_csv_rows(shared / "linking" / "org_tags_wikidata.csv"):
        qid = checked_qid(row["wikidata"], f"org_tags_wikidata.csv {row['tag']}")
        if not qid:
            continue
        code, name = row["tag"], row["supraverden_entry"] or row["cia_factbook_name"]
        source_row = f"org_tags_wikidata.csv: {code} -> {qid} {name!r}"
        tag = tag_of.get(code.upper())
        if tag is not None and tag["kind"] != "organization":
            not_used[code] = (f"{source_row} not used: {code} is the {tag['kind']} TAGS code of "
                              f"{tag['label']!r} (tags.csv)")
            continue
        note = row["notes"]
        if tag is None:
            note = "; ".join(filter(None, [note, "no TAGS list holds this code: no definition to compare"]))
        elif not any(normalise(n) in names_of_qid[qid] for n in label_names(tag["label"])):
            disagreements[code] = tag["label"]
            decision, reason = ORG_LABEL_DECISIONS.get(code, ("", ""))
            used = usage(shared, code, names_of_qid[qid], {normalise(n) for n in label_names(tag["label"])})
            if decision == "drop" and used[0] >= USAGE_MIN and used[0] >= USAGE_RATIO * used[1]:
                decision, reason = "keep", (
                    f"the cables use the code for {name!r} although the list defines it otherwise: of the corpus "
                    f"cables tagged {code}, {used[0]} name {name!r} and {used[1]} name {tag['label']!r}")
            if decision == "drop":
                not_used[code] = f"{source_row} not used: tags.csv label {tag['label']!r}: {reason}"
                continue
            note = "; ".join(filter(None, [note, f"kept: tags.csv label {tag['label']!r}: {reason}"]))
        rows[code] = (code, name, qid, "table", "org-tags-wikidata", note)
    if set(disagreements) != set(ORG_LABEL_DECISIONS):
        raise SystemExit("organisation rows whose TAGS label and QID disagree changed: decide "
                         f"{sorted(set(disagreements) - set(ORG_LABEL_DECISIONS))}, drop decisions for "
                         f"{sorted(set(ORG_LABEL_DECISIONS) - set(disagreements))}")
    for tag in tags:
        code = tag["code"]
        if tag["kind"] != "organization" or code in rows or not tag["label"]:
            continue
        for label in label_names(tag["label"]):
            matches = {qid: entry for entry, qid in names.get(normalise(label), [])}
            if len(matches) == 1:
                qid, entry = next(iter(matches.items()))
                note = f"tags.csv label {label!r} = supraverden entry {entry!r}"
                rows[code] = (code, entry, qid, "label", "supraverden",
                              "; ".join(filter(None, [note, not_used.pop(code, "")])))
                break
    for code, why in not_used.items():
        tag = tag_of.get(code.upper())
        label = tag["label"] if tag else ""
        if tag is not None and tag["kind"] == "organization":
            why += "; the label matches no single supraverden entry: no QID in any source file"
        rows[code] = (code, label, "", "none", "cablegraph-tags" if tag else "org-tags-wikidata", why)
    return [rows[code] for code in sorted(rows)]


# --------------------------------------------------------------------------- posts


ACP_PREFIX = re.compile(r"^(AMEMBASSY|AMCONSUL|US ?MISSION|USMISSIN|USOFFICE)\s+")


def station_of(indicator: str, name: str, kind: str, listed: dict[str, str], stations: dict[str, str],
               station_of_origin: dict[str, str]) -> tuple[str, str]:
    """The reference-id station code a routing indicator names, and the rule that told it.

    In order: a recorded judgement; the station whose WikiLeaks origin label is the post's
    "Embassy <City>" form; the ACP place (prefix and a trailing 2-letter state/country code
    dropped) written without blanks, or its first word, when that is a station code we know;
    and for an embassy or consulate with a one-word place, the place itself (the release's
    station codes are the city names of the ACP list: AMEMBASSY MOSCOW -> 09MOSCOW123).
    """
    if indicator in STATION_JUDGEMENTS:
        return STATION_JUDGEMENTS[indicator], "judgement (see build_links.py)"
    guess = listed.get("origin_name_guess", "").lower()
    if guess in station_of_origin:
        return station_of_origin[guess], "origin label"
    place = re.sub(r"\s+[A-Z]{2}$", "", ACP_PREFIX.sub("", name)).strip()
    words = place.split()
    if words and "".join(words) in stations:
        return "".join(words), "ACP place"
    if len(words) > 1 and words[0] in stations:
        return words[0], "ACP place, first word"
    if kind in ("embassy", "consulate") and len(words) == 1 and re.fullmatch(r"[A-Z]+", words[0]):
        return words[0], "ACP place (one word)"
    return "", ""


def city_key(name: str) -> str:
    """A city name without case, accents and punctuation (as ``us_posts_routing.csv`` matched cities)."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return " ".join(re.findall(r"[a-z0-9]+", text))


def read_city_countries(shared: Path) -> dict[str, tuple[str, set[str]]]:
    """city key -> (the city's label, the country QIDs of the missions database-of-embassies places
    there). Rows whose country is their own operator are skipped: a mission abroad is not in its own
    country, so these are errors of the data (Australia's embassies in The Hague, Stockholm, Tokyo,
    Tel Aviv and Wellington are given as in Australia)."""
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    countries: dict[str, set[str]] = defaultdict(set)
    path = shared / "linking" / "raw" / "database-of-embassies" / "database_of_embassies.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            country = row["countryQID"].rsplit("/", 1)[-1]
            if not row["city"] or not QID.match(country) or country == row["operatorQID"].rsplit("/", 1)[-1]:
                continue
            labels[city_key(row["city"])][row["city"]] += 1
            countries[city_key(row["city"])].add(country)
    return {key: (min(labels[key].items(), key=lambda kv: (-kv[1], kv[0]))[0], countries[key]) for key in labels}


#: The latest cables of the release are of February 2010: a mission item whose inception is later is
#: another item than the post the cables name (database-of-embassies ``creation``).
LAST_CABLE_YEAR = 2010


def embassy_of_country(listed: dict[str, str], kind: str, cities: dict[str, tuple[str, set[str]]],
                       embassies: dict[str, list[dict[str, str]]], taken: set[str]) -> tuple[str, str, str, str]:
    """(QID, city label, country QID, note) of the one US embassy to the country an ``AMEMBASSY
    <city>`` post's city is in: the city must lie in one country only, and exactly one US embassy
    of us_missions_wikidata.csv that no other post has must list that country among its
    jurisdictions (module docstring). If that embassy's inception is after the cables, it is not
    linked, and the note says so."""
    if kind != "embassy" or listed.get("wikidata") or not listed.get("place_token"):
        return "", "", "", ""
    label, countries = cities.get(city_key(listed["place_token"]), ("", set()))
    if len(countries) != 1:
        return "", "", "", ""
    country = next(iter(countries))
    candidates = [m for m in embassies.get(country, []) if m["wikidata"] not in taken]
    if len(candidates) != 1:
        return "", "", "", ""
    mission = candidates[0]
    if mission["inception"][:4] > str(LAST_CABLE_YEAR):
        return "", "", "", (f"no QID: {mission['wikidata']}, the only US embassy to {mission['jurisdictions']} in "
                            f"us_missions_wikidata.csv (in {mission['city']}), has inception "
                            f"{mission['inception'][:10]}, after the cables: another item than this post")
    return mission["wikidata"], label, country, ""


JURISDICTION_MATCH = "only US embassy with the city's country as jurisdiction (us_missions_wikidata.csv)"


def unlinked_note(kind: str) -> str:
    """Why a State Department post has no Wikidata item."""
    if kind in ("embassy", "consulate"):
        return ("no QID: no US mission of us_missions_wikidata.csv (database-of-embassies, missions open in "
                "2022) has this post's city, nor is one the only US embassy of its country")
    return (f"no QID: this {kind} is no mission to a country, and us_missions_wikidata.csv (database-of-embassies) "
            "lists only those; no other shared file has its item")


def build_posts(shared: Path, geo: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    fips_of_qid = {row[4]: row[0] for row in geo if row[4]}
    stations = {row["station"]: row["origin"] for row in read_csv_rows(DATA / "stations.csv")}
    station_of_origin = {origin.lower(): station for station, origin in stations.items()}
    state = {row["routing_indicator"]: row for row in read_csv_rows(shared / "linking" / "us_posts_routing.csv")}
    cities = read_city_countries(shared)
    embassies: dict[str, list[dict[str, str]]] = defaultdict(list)  # country QID -> US embassies to it
    for mission in read_csv_rows(shared / "linking" / "us_missions_wikidata.csv"):
        if mission["type"].lower().split()[0] == "embassy":
            for country in mission["jurisdiction_qids"].split("|"):
                embassies[country].append(mission)
    taken = {row["wikidata"] for row in state.values() if row["wikidata"]}
    rows, by_rule = [], defaultdict(set)
    for route in read_csv_rows(DATA / "routing.csv"):
        indicator, name = route["routing_indicator"], route["name"]
        listed = state.get(indicator, {})
        kind = post_kind(name, listed.get("post_kind", ""))
        station, match = station_of(indicator, name, kind, listed, stations, station_of_origin)
        qid = checked_qid(listed.get("wikidata", ""), f"us_posts_routing.csv {indicator}")
        country_qid = checked_qid(listed.get("wd_country_qid", ""), f"us_posts_routing.csv {indicator}")
        city, how, source = listed.get("wd_city", ""), listed.get("match", ""), "us-posts-routing"
        embassy, label, country, late = embassy_of_country(listed, kind, cities, embassies, taken)
        if embassy and country in fips_of_qid:
            qid, city, country_qid, how, source = embassy, label, country, JURISDICTION_MATCH, "us-missions-wikidata"
            by_rule[qid].add(station or indicator)
        note = (late or unlinked_note(kind)) if listed and not qid else ""
        rows.append((indicator, station, name, kind, city, fips_of_qid.get(country_qid, ""), qid,
                     ";".join(filter(None, [f"station by {match}" if match else "", how])),
                     source if listed else "cablegraph-routing", note))
    shared_items = {qid: posts for qid, posts in by_rule.items() if len(posts) > 1}
    if shared_items:
        raise SystemExit(f"one US embassy for two posts by the jurisdiction rule: {shared_items}")
    return sorted(rows)


def build_all(shared: Path) -> dict[str, bytes]:
    tags = read_csv_rows(DATA / "tags.csv")
    geo = build_geo(shared, tags)
    return {
        "geo.csv": csv_bytes(["code", "kind", "name", "iso2", "wikidata", "source", "note"], geo),
        "orgs.csv": csv_bytes(["code", "name", "wikidata", "method", "source", "note"], build_orgs(shared, tags)),
        "posts.csv": csv_bytes(["routing_indicator", "station", "name", "kind", "city", "country_fips", "wikidata",
                                "match", "source", "note"], build_posts(shared, geo)),
        "sources.csv": csv_bytes(["id", "title", "file", "upstream", "licence"], SOURCES),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="shared data directory")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    args = parser.parse_args(argv)
    if not (args.shared / "linking").is_dir():
        parser.error(f"{args.shared} does not look like the shared data directory (no linking/)")
    args.out.mkdir(parents=True, exist_ok=True)
    for name, data in build_all(args.shared).items():
        (args.out / name).write_bytes(data)
        print(f"{name}: {len(data):,} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
