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

``orgs.csv`` (code, name, wikidata, method, source, note)
    Organisation TAGS codes. ``method`` is ``table`` (a row of ``org_tags_wikidata.csv``, QIDs from
    supraverden) or ``label`` (the tag's label in our ``tags.csv`` equals, after normalisation,
    exactly one supraverden entry name: WTRO "World Trade Organization" -> Q7825).

``posts.csv`` (routing_indicator, station, name, kind, city, country_fips, wikidata, match, source)
    Every ACP 117 routing indicator of our ``routing.csv`` with the kind of post it names
    (embassy, consulate, mission, office, department, agency, military, collective, other), and
    for State Department posts the city, country and Wikidata item of the US mission from
    ``us_posts_routing.csv``. ``station`` is the reference-id station code when it can be told:
    the WikiLeaks origin label of a station (``stations.csv``) equals the post's
    ``origin_name_guess``, or the post's place token without blanks is a known station code.

``sources.csv`` (id, title, file, upstream, licence)
    The sources every link's provenance points at.

Licence note: org QIDs come from confirmordeny/supraverden (CC BY-SA 4.0), so ``orgs.csv`` is
shared under CC BY-SA 4.0 with attribution (recorded in ``sources.csv`` and on every link).
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections import defaultdict
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
]

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


def build_geo(shared: Path, tags: list[dict[str, str]]) -> list[tuple[str, ...]]:
    rows: dict[str, tuple[str, ...]] = {}
    for row in read_csv_rows(shared / "linking" / "fips_country_wikidata.csv"):
        qid = checked_qid(row["wikidata"], f"fips_country_wikidata.csv {row['fips']}")
        kind = "country" if qid else "none"
        note = "" if qid else "no QID in any source file (fips_country_wikidata.csv: " + row["source"] + ")"
        rows[row["fips"]] = (row["fips"], kind, row["name"], row["iso2"], qid, "fips-country-wikidata", note)
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
    """normalised name -> [(entry, QID)] from the YAML's top-level entries (a line parser:
    the file is a flat mapping of entries to scalar fields, and the script needs no PyYAML)."""
    names: dict[str, list[tuple[str, str]]] = defaultdict(list)
    entry, fields = None, {}

    def flush() -> None:
        qid = fields.get("Wikidata_code", "")
        if entry and QID.match(qid):
            for name in {entry, fields.get("Name_en", ""), fields.get("Name_other_en", ""),
                         fields.get("Name_other_2_en", "")}:
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


def build_orgs(shared: Path, tags: list[dict[str, str]]) -> list[tuple[str, ...]]:
    rows: dict[str, tuple[str, ...]] = {}
    for row in read_csv_rows(shared / "linking" / "org_tags_wikidata.csv"):
        qid = checked_qid(row["wikidata"], f"org_tags_wikidata.csv {row['tag']}")
        if qid:
            name = row["supraverden_entry"] or row["cia_factbook_name"]
            rows[row["tag"]] = (row["tag"], name, qid, "table", "org-tags-wikidata", row["notes"])
    names = read_supraverden(shared / "linking" / "raw" / "confirmordeny-supraverden" / "general_list.yaml")
    for tag in tags:
        if tag["kind"] != "organization" or tag["code"] in rows or not tag["label"]:
            continue
        for label in tag["label"].split(", "):  # a few labels list two names: "ECA ..., UN Economic ..."
            matches = {qid: entry for entry, qid in names.get(normalise(label), [])}
            if len(matches) == 1:
                qid, entry = next(iter(matches.items()))
                rows[tag["code"]] = (tag["code"], entry, qid, "label", "supraverden",
                                     f"tags.csv label {label!r} = supraverden entry {entry!r}")
                break
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


def build_posts(shared: Path, geo: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    fips_of_qid = {row[4]: row[0] for row in geo if row[4]}
    stations = {row["station"]: row["origin"] for row in read_csv_rows(DATA / "stations.csv")}
    station_of_origin = {origin.lower(): station for station, origin in stations.items()}
    state = {row["routing_indicator"]: row for row in read_csv_rows(shared / "linking" / "us_posts_routing.csv")}
    rows = []
    for route in read_csv_rows(DATA / "routing.csv"):
        indicator, name = route["routing_indicator"], route["name"]
        listed = state.get(indicator, {})
        kind = post_kind(name, listed.get("post_kind", ""))
        station, match = station_of(indicator, name, kind, listed, stations, station_of_origin)
        qid = checked_qid(listed.get("wikidata", ""), f"us_posts_routing.csv {indicator}")
        country_qid = checked_qid(listed.get("wd_country_qid", ""), f"us_posts_routing.csv {indicator}")
        rows.append((indicator, station, name, kind, listed.get("wd_city", ""),
                     fips_of_qid.get(country_qid, ""), qid,
                     ";".join(filter(None, [f"station by {match}" if match else "",
                                            listed.get("match", "")])),
                     "us-posts-routing" if listed else "cablegraph-routing"))
    return sorted(rows)


def build_all(shared: Path) -> dict[str, bytes]:
    tags = read_csv_rows(DATA / "tags.csv")
    geo = build_geo(shared, tags)
    return {
        "geo.csv": csv_bytes(["code", "kind", "name", "iso2", "wikidata", "source", "note"], geo),
        "orgs.csv": csv_bytes(["code", "name", "wikidata", "method", "source", "note"], build_orgs(shared, tags)),
        "posts.csv": csv_bytes(["routing_indicator", "station", "name", "kind", "city", "country_fips", "wikidata",
                                "match", "source"], build_posts(shared, geo)),
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
