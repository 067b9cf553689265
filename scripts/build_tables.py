#!/usr/bin/env python3
"""Regenerate cablegraph's bundled reference tables from the shared source data.

Why this script exists: the parser and the RDF mapper need a handful of small lookup tables
(what a TAGS code means, which post a routing indicator names, who signed a cable...). Those
tables are *derived* from third-party files with different licences and known defects. Keeping
the derivation as code means every row can be traced back to its source, every judgement call is
written down once (here), and anyone can check that the committed files are exactly what the
sources give: ``python scripts/build_tables.py`` must reproduce them byte for byte (a test checks
this). Standard library only, so it runs without the project's virtualenv.

Tables written to ``--out`` (default ``transform/cablegraph/data``):

``tags.csv`` (code, kind, label, source)
    One row per TAGS code with its kind (subject | program | organization | geographic |
    person) and a human label. Cables carry a ``TAGS:`` line mixing all kinds without marking
    which is which; the record builder needs the kind to type the link (a country, an
    organization, a topic) and the label to give the node a name. Sources: the topicmaps
    ``*-tags.txt`` lists (codes *and* definitions), cablemap's code-only lists, the State
    Department geo-political TAGS as topic map (``geo-tags.ctm``, countries and the X*/Z*
    regional pseudo-codes), ``fips_regions.txt``, the shared FIPS table (codes missing from the
    2009 handbook, e.g. MJ, RI, OD), and the extra tags named in ``tag-fixes.ctm`` (free-text
    subject tags, a few organizations and person tags such as ``CLINTON, HILLARY``).

``tag_fixes.csv`` (wrong, right, source)
    Known misspelt TAGS mapped to the code they stand for, so that two spellings of one tag do
    not become two nodes. ``tag-fixes.ctm`` says it lets "TAGS with typos etc. merge", but the
    snapshot holds no explicit merge (no topic carries two names or identifiers); it only names
    tags the lists lack. The table therefore holds the merges that follow from a mechanical
    rule, see ``build_tag_fixes``.

``routing.csv`` (routing_indicator, name, country_code, country_name, region, source)
    ACP 117 routing indicators (as in the header line ``DE RUEHNO #0383``) to the station
    they name, so the originating station can be identified from the header alone.

``signers.csv`` (signer_key, station, full_name)
    The surname in a cable's signature line (``DAALDER``) plus the station resolve to a full
    name (``Ivo H. Daalder``), which lets signers become person nodes rather than strings.

``stations.csv`` (station, origin, count)
    The station part of a reference id (``09USNATO383`` -> ``USNATO``) to the origin string
    WikiLeaks displays (``Mission USNATO``), so cables parsed from bare text (which lack the
    origin) get the same origin label as cables parsed from WikiLeaks pages.

``released_ids.txt.gz``
    The 251,287 Cablegate reference ids, sorted. REF lines cite cables by id; only ids in this
    list are cables that exist in the release (the others are unreleased cables, e-mails,
    typos...), so only they may become links to cable resources.

``SOURCES.md``
    Provenance, licences, row counts and the judgement calls, generated from the same
    constants as the tables so it cannot drift from them.

Judgement calls made here, each also listed in SOURCES.md:

* TAGS kind conflicts (the same code in two kind lists). Exactly two exist in the inputs, both
  between a 2-letter geo code and an organization tag:

  - ``AL``: geographic Albania (geo-tags.ctm, fips table) vs. organization "Arab League"
    (topicmaps/cablemap organization lists).
  - ``BP``: geographic Solomon Islands (geo-tags.ctm, fips table) vs. organization "British
    Petroleum Company".

  Rule: a code that is a 2-letter FIPS/geo code is ``geographic``. Reason, from the data: the
  organization lists themselves carry the disambiguated forms ``AL-1`` (Arab League) and
  ``BP-1`` (British Petroleum Company), i.e. TAGS spells the organization with a suffix where
  the bare code is taken by a country; and nearly every cable carries geo tags, so a bare
  2-letter code is a country by default. Caveat seen in the corpus: 9 cables tag ``AL`` and several of them
  (Manama, Tripoli with KBCT, Paris with KISL) mean the Arab League, so ``AL`` is truly
  ambiguous in practice. ``BP`` does not occur in the corpus TAGS lines. No other conflict
  exists (subject/program/organization/person codes are disjoint, compared case-insensitively);
  the script fails if the set of conflicts changes, so this list cannot go stale.
* Geo labels: geo-tags.ctm's names (the State Department handbook's, e.g. "Burma",
  "Korea (Republic of)") win over the CLDR names of the fips table; the fips table only adds
  codes the handbook lacks.
* tag_fixes: see ``build_tag_fixes``.
* routing: see ``build_routing`` (ranges, duplicate indicators, stations.json country errors).
* signers: pairs with an empty full name are dropped (919 of them); see ``build_signers``.
* stations: most frequent origin per station; see ``build_stations``.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = REPO_ROOT.parent / "shared"
DEFAULT_OUT = REPO_ROOT / "transform" / "cablegraph" / "data"

# Source ids used in the ``source`` columns; SOURCES.md maps each to repository, path and commit.
TM_SUBJECT = "topicmaps:subject-tags.txt"
TM_PROGRAM = "topicmaps:program-tags.txt"
TM_ORG = "topicmaps:organization-tags.txt"
TM_GEO = "topicmaps:geo-tags.ctm"
TM_REGIONS = "topicmaps:fips_regions.txt"
TM_FIXES = "topicmaps:tag-fixes.ctm"
CM_SUBJECT = "cablemap:subject-tags.txt"
CM_ORG = "cablemap:organization-tags.txt"
LK_FIPS = "linking:fips_country_wikidata.csv"
CM_ROUTES = "cablemap:route2name.csv"
SG_STATIONS = "cablegate-social-graph:stations.json"

# Order in which sources are listed in tags.csv's source column (the label's source comes first).
SOURCE_ORDER = [TM_SUBJECT, TM_PROGRAM, TM_ORG, TM_FIXES, TM_GEO, TM_REGIONS, LK_FIPS, CM_SUBJECT, CM_ORG]

KINDS = ("subject", "program", "organization", "geographic", "person")

# The only TAGS codes found in two kind lists, and the kind chosen (see the module docstring).
# Code -> (kind kept, kind dropped, dropped label).
KIND_CONFLICTS: dict[str, tuple[str, str, str]] = {
    "AL": ("geographic", "organization", "Arab League"),
    "BP": ("geographic", "organization", "British Petroleum Company"),
}

# tag_fixes rows the rule in build_tag_fixes is expected to find (checked, so docs cannot drift).
EXPECTED_TAG_FIXES = {("PHALANAGE PARTY", "Phalange Party")}

# stations.json country data that contradicts the station's own name; the country fields of these
# indicators are left empty (never replaced by a hand-typed value). Indicator -> reason.
ROUTING_COUNTRY_ERRORS: dict[str, str] = {
    "RUEHBL": "AMCONSUL BELFAST given as Ireland (ie); Belfast is in the United Kingdom",
    "RUEHKU": "AMEMBASSY KUWAIT given as Japan (ja)",
    "RUEHLI": "AMEMBASSY LISBON given as Spain (sp)",
    "RUEHTU": "AMEMBASSY TUNIS given as Mozambique (mz)",
}

ROUTING_RE = re.compile(r"^R[A-Z]{3,6}$")
RANGE_RE = re.compile(r"^(R[A-Z]{4,6}) THRU (R[A-Z]{4,6})$")
STATION_RE = re.compile(r"^\d{2}([A-Z]+)\d+$")
RELEASED_TOTAL = 251_287


# --------------------------------------------------------------------------- input helpers


def read_lines(path: Path) -> list[str]:
    """Non-empty lines of a text file, without ``#`` comment lines."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        lines.append(line)
    return lines


def read_definitions(path: Path) -> dict[str, str]:
    """``CODE<TAB>definition`` lines (codes may contain spaces and carry trailing blanks)."""
    out: dict[str, str] = {}
    for line in read_lines(path):
        code, sep, label = line.partition("\t")
        if not sep:
            raise ValueError(f"{path}: no TAB in {line!r}")
        code, label = code.strip(), label.strip()
        if code in out:
            raise ValueError(f"{path}: duplicate code {code!r}")
        out[code] = label
    return out


def strip_ctm_comment(line: str) -> str:
    """Drop a CTM ``#`` comment, leaving ``#`` inside "strings" and <IRIs> alone."""
    in_str = in_iri = False
    for i, ch in enumerate(line):
        if ch == '"' and not in_iri:
            in_str = not in_str
        elif ch == "<" and not in_str:
            in_iri = True
        elif ch == ">" and not in_str:
            in_iri = False
        elif ch == "#" and not in_str and not in_iri:
            return line[:i]
    return line


@dataclass
class CtmTopic:
    identifier: str
    topic_type: str
    names: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    belongs_to: list[str] = field(default_factory=list)


_CTM_HEAD = re.compile(r"^(\S+)\s+isa\s+onto:([\w-]+)\s*;\s*$")
_CTM_NAME = re.compile(r'^-\s*"([^"]*)"\s*[;.]?$')
_CTM_TITLE = re.compile(r'^-\s*dc:title:\s*"([^"]*)"\s*[;.]?$')
_CTM_BELONGS = re.compile(r"^belongs-to\(geo:(\w+)\)\s*[;.]?$")


def parse_ctm_topics(path: Path) -> list[CtmTopic]:
    """Parse the simple topic blocks of heuer/topicmaps CTM files.

    Only the shape these files use is understood: ``ID isa onto:TYPE;`` then ``- "name";``,
    ``- dc:title: "title"`` and ``belongs-to(geo:X)`` lines, the block ending with ``.``. The
    files are hand-written and not uniform (``-dc:title`` without a blank, an IRI without angle
    brackets, ``%s`` inside an IRI, the final ``.`` on its own line or after the title), so
    names are taken from the quoted strings, never from the identifiers, and any line inside a
    block that is none of these raises.
    """
    topics: list[CtmTopic] = []
    current: CtmTopic | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = strip_ctm_comment(raw).strip()
        if not line:
            continue
        if current is None:
            head = _CTM_HEAD.match(line)
            if head:
                current = CtmTopic(head.group(1), head.group(2))
            continue
        if line == ".":
            topics.append(current)
            current = None
            continue
        if m := _CTM_TITLE.match(line):
            current.titles.append(m.group(1))
        elif m := _CTM_NAME.match(line):
            current.names.append(m.group(1))
        elif m := _CTM_BELONGS.match(line):
            current.belongs_to.append(m.group(1))
        else:
            raise ValueError(f"{path}: unexpected line in topic {current.identifier}: {raw!r}")
        if line.endswith("."):
            topics.append(current)
            current = None
    if current is not None:
        raise ValueError(f"{path}: unterminated topic {current.identifier}")
    for t in topics:
        if len(t.names) != 1 or len(t.titles) != 1:
            raise ValueError(f"{path}: topic {t.identifier} needs exactly one name and one title")
    return topics


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    # csv never turns "NA" into a missing value (Namibia's ISO code is "NA"); empty stays "".
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# --------------------------------------------------------------------------- output helpers


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[str | int | None]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buf.getvalue().encode("utf-8")


def gzip_bytes(data: bytes) -> bytes:
    # mtime=0 and no file name in the header: the same input gives the same bytes.
    return gzip.compress(data, compresslevel=9, mtime=0)


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Inputs:
    shared: Path

    @property
    def reference(self) -> Path:
        return self.shared / "corpus" / "reference"

    @property
    def topicmaps(self) -> Path:
        return self.reference / "topicmaps"

    @property
    def cablemap(self) -> Path:
        return self.reference / "cablemap"

    @property
    def social_graph_stations(self) -> Path:
        return self.reference / "cablegate-social-graph" / "stations.json"

    @property
    def index_csv(self) -> Path:
        return self.shared / "corpus" / "index.csv"

    @property
    def fips_csv(self) -> Path:
        return self.shared / "linking" / "fips_country_wikidata.csv"


# --------------------------------------------------------------------------- tags


@dataclass
class TagRow:
    code: str
    kind: str
    label: str
    sources: list[str]


@dataclass
class TagsResult:
    rows: list[TagRow]
    conflicts: dict[str, list[tuple[str, str, str]]]  # code -> [(kind, label, source)]
    fix_topics: list[CtmTopic]
    counts: Counter[str]


_FIX_KINDS = {"subject-tag": "subject", "organization-tag": "organization", "person-tag": "person"}


def build_tags(inp: Inputs) -> TagsResult:
    """Merge the tag lists; see the module docstring for the conflict rule."""
    # (code, kind, label or "", source), in SOURCE_ORDER priority for labels.
    candidates: list[tuple[str, str, str, str]] = []
    for kind, src, name in [
        ("subject", TM_SUBJECT, "subject-tags.txt"),
        ("program", TM_PROGRAM, "program-tags.txt"),
        ("organization", TM_ORG, "organization-tags.txt"),
    ]:
        for code, label in read_definitions(inp.topicmaps / name).items():
            candidates.append((code, kind, label, src))
    program_codes = [c for c, k, _, _ in candidates if k == "program"]
    if not all(re.fullmatch(r"K[A-Z]{3}", c) for c in program_codes):
        raise ValueError("program-tags.txt holds a code that is not a K-tag")

    fix_topics = parse_ctm_topics(inp.topicmaps / "tag-fixes.ctm")
    for t in fix_topics:
        if t.topic_type not in _FIX_KINDS:
            raise ValueError(f"tag-fixes.ctm: unexpected topic type {t.topic_type}")
        candidates.append((t.names[0], _FIX_KINDS[t.topic_type], t.titles[0], TM_FIXES))

    geo_topics = parse_ctm_topics(inp.topicmaps / "geo-tags.ctm")
    for t in geo_topics:
        code = t.names[0]
        if t.topic_type not in ("country-tag", "region-tag") or t.identifier != f"geo:{code}":
            raise ValueError(f"geo-tags.ctm: odd topic {t.identifier} {t.topic_type}")
        candidates.append((code, "geographic", t.titles[0], TM_GEO))
    for line in read_lines(inp.topicmaps / "fips_regions.txt"):
        m = re.fullmatch(r"([A-Z]{2}) (.+)", line.strip())
        if not m:
            raise ValueError(f"fips_regions.txt: {line!r}")
        candidates.append((m.group(1), "geographic", m.group(2).strip(), TM_REGIONS))
    for row in read_csv_rows(inp.fips_csv):
        candidates.append((row["fips"], "geographic", row["name"], LK_FIPS))

    for name, src, kind in [
        ("subject-tags.txt", CM_SUBJECT, "subject"),
        ("organization-tags.txt", CM_ORG, "organization"),
    ]:
        for code in read_lines(inp.cablemap / name):
            candidates.append((code.strip(), kind, "", src))

    by_key: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
    for cand in candidates:
        by_key[cand[0].upper()].append(cand)

    rows: list[TagRow] = []
    conflicts: dict[str, list[tuple[str, str, str]]] = {}
    counts: Counter[str] = Counter()
    for key, cands in by_key.items():
        kinds = {c[1] for c in cands}
        if len(kinds) > 1:
            conflicts[key] = sorted({(c[1], c[2], c[3]) for c in cands if c[2]})
            kept = "geographic" if "geographic" in kinds and re.fullmatch(r"[A-Z]{2}", key) else None
            if kept is None or KIND_CONFLICTS.get(key, ("",))[0] != kept:
                raise ValueError(f"undocumented TAGS kind conflict for {key!r}: {sorted(kinds)}")
            cands = [c for c in cands if c[1] == kept]
        spellings = {c[0] for c in cands}
        if len(spellings) > 1:
            raise ValueError(f"{key!r} is spelt {sorted(spellings)} in different lists")
        ordered = sorted(cands, key=lambda c: SOURCE_ORDER.index(c[3]))
        label = next((c[2] for c in ordered if c[2]), "")
        label_src = next((c[3] for c in ordered if c[2]), ordered[0][3])
        sources = [label_src] + [s for s in dict.fromkeys(c[3] for c in ordered) if s != label_src]
        rows.append(TagRow(cands[0][0], cands[0][1], label, sources))
        counts[cands[0][1]] += 1
    if set(conflicts) != set(KIND_CONFLICTS):
        raise ValueError(f"TAGS kind conflicts changed: {sorted(conflicts)} != {sorted(KIND_CONFLICTS)}")
    rows.sort(key=lambda r: (r.code.upper(), r.code))
    return TagsResult(rows, conflicts, fix_topics, counts)


def levenshtein(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def build_tag_fixes(inp: Inputs, fix_topics: list[CtmTopic]) -> list[tuple[str, str, str]]:
    """Typo merges: (wrong, right, source).

    ``tag-fixes.ctm`` holds no explicit merge, so the rule is mechanical: a subject or
    organization tag named in tag-fixes.ctm whose code is at edit distance exactly 1
    (case-insensitive, codes of 4+ characters, to keep short codes from matching by chance) from
    exactly one code of the *same kind* in the topicmaps definition lists is a misspelling of
    that code. This finds one pair: ``PHALANAGE PARTY`` -> ``Phalange Party`` (the Lebanese
    Kataeb; the fix file even repeats the typo in its title). Not included, because they are
    guesses and not typos: the file's own "#TODO" ideas (POLINT = KPIN? MEDIA REACTION REPORT =
    MEDIA REACTION?) and LLTE, which is surely the LTTE but has no LTTE code in any list.
    """
    lists = {
        "subject": read_definitions(inp.topicmaps / "subject-tags.txt"),
        "organization": read_definitions(inp.topicmaps / "organization-tags.txt"),
    }
    src_for = {"subject": TM_SUBJECT, "organization": TM_ORG}
    fixes = []
    for t in fix_topics:
        kind = _FIX_KINDS[t.topic_type]
        wrong = t.names[0]
        if kind not in lists or len(wrong) < 4:
            continue
        hits = [c for c in lists[kind] if len(c) >= 4 and levenshtein(wrong.upper(), c.upper()) == 1]
        if len(hits) == 1:
            fixes.append((wrong, hits[0], f"{TM_FIXES} vs {src_for[kind]} (edit distance 1)"))
    if {(w, r) for w, r, _ in fixes} != EXPECTED_TAG_FIXES:
        raise ValueError(f"tag fixes changed: {fixes}")
    return sorted(fixes)


# --------------------------------------------------------------------------- routing


@dataclass
class RoutingResult:
    rows: list[tuple[str, str, str | None, str | None, str | None, str]]
    stats: dict[str, int]
    duplicates: dict[str, list[str]]
    skipped_social_graph: list[str]


def _expand_range(start: str, end: str) -> list[str]:
    if len(start) != len(end) or start[:-1] != end[:-1] or start[-1] > end[-1]:
        raise ValueError(f"unexpected routing indicator range {start} THRU {end}")
    return [start[:-1] + chr(c) for c in range(ord(start[-1]), ord(end[-1]) + 1)]


def build_routing(inp: Inputs) -> RoutingResult:
    """route2name.csv first, stations.json second.

    * route2name rows ``X THRU Y`` (all military) are expanded letter by letter: in ACP 117 a
      range assigns every indicator in it to the station. An indicator that also has its own
      row keeps its own row's name.
    * An indicator listed more than once in route2name (e.g. RUEPVBT with seven task forces)
      gets all its distinct names in file order, joined by `` / ``.
    * stations.json (MARC country codes, lowercase: ``be``, ``xxu`` = United States,
      ``enk`` = England) fills country_code/country_name/region for the same indicator, except
      the indicators in ROUTING_COUNTRY_ERRORS, whose country is plainly wrong. It also adds
      the indicators route2name lacks (RUEHGH Shanghai, RUEHMS Muscat, RUEHSB Harare, ...).
      Its scraper split range lines into key ``X`` and name ``THRU Y  NAME``; those are read
      as ranges too, which recovers the one range route2name dropped (``RUETIAA THRU RUETIAQ
      DIRNSA FT GEORGE G MEADE MD``, present in ACP117_2010_routes.txt). Keys that are not
      routing indicators (``ATLANTIC``, ``HALIFAX``: halves of wrapped lines) are skipped.
    """
    names: dict[str, list[str]] = defaultdict(list)
    ranged: dict[str, tuple[str, str]] = {}  # indicator -> (name, source), route2name ranges
    social_ranged: dict[str, tuple[str, str]] = {}  # the same from stations.json
    n_route_rows = 0
    with (inp.cablemap / "route2name.csv").open(encoding="utf-8", newline="") as fh:
        for key, name in csv.reader(fh):
            n_route_rows += 1
            key, name = key.strip(), name.strip()
            if m := RANGE_RE.match(key):
                for ind in _expand_range(m.group(1), m.group(2)):
                    ranged.setdefault(ind, (name, f"{CM_ROUTES} (range {key})"))
            elif ROUTING_RE.match(key):
                if name not in names[key]:
                    names[key].append(name)
            else:
                raise ValueError(f"route2name.csv: odd key {key!r}")
    duplicates = {k: v for k, v in names.items() if len(v) > 1}

    social = json.loads(inp.social_graph_stations.read_text(encoding="utf-8"))
    social_names: dict[str, str] = {}
    skipped = []
    stats: Counter[str] = Counter()
    for key, info in sorted(social.items()):
        name = (info.get("name") or "").strip()
        if not ROUTING_RE.match(key) or not name:
            skipped.append(key)
        elif m := re.fullmatch(r"THRU (R[A-Z]{3,6})\s+(.+)", name):
            for ind in _expand_range(key, m.group(1)):
                social_ranged.setdefault(ind, (m.group(2), f"{SG_STATIONS} (range {key} THRU {m.group(1)})"))
        else:
            social_names[key] = name

    rows = []
    # Precedence: route2name row > route2name range > stations.json key > stations.json range.
    for key in sorted(set(names) | set(ranged) | set(social_names) | set(social_ranged)):
        info = social.get(key)
        if key in names:
            name, source = " / ".join(names[key]), CM_ROUTES
        elif key in ranged:
            name, source = ranged[key]
            stats["from_ranges"] += 1
        elif key in social_names:
            name, source = social_names[key], SG_STATIONS
            stats["social_graph_only"] += 1
        else:
            name, source = social_ranged[key]
            stats["from_ranges"] += 1
            stats["from_social_graph_ranges"] += 1
        cc = cn = region = None
        if info is not None and key not in ROUTING_COUNTRY_ERRORS:
            cc, cn, region = info.get("country_code"), info.get("country_name"), info.get("region")
            if (cc or cn or region) and SG_STATIONS not in source:
                source = f"{source};{SG_STATIONS}"
        if cc or cn or region:
            stats["with_country"] += 1
        rows.append((key, name, cc or None, cn or None, region or None, source))
    stats["route2name_rows"] = n_route_rows
    stats["route2name_ranges"] = len({src for _, src in ranged.values()})
    stats["social_graph_entries"] = len(social)
    return RoutingResult(rows, dict(stats), duplicates, skipped)


# --------------------------------------------------------------------------- signers


@dataclass
class SignersResult:
    rows: list[tuple[str, str, str]]
    dropped_empty: int
    surnames: int
    year_split: dict[tuple[str, str], list[str]]


def build_signers(inp: Inputs) -> SignersResult:
    """Flatten signers.json ``{SURNAME: {STATION: full name | {YY: full name}}}``.

    * Pairs with an empty full name (919 pairs; 566 surnames have no name at all) are dropped.
      They would only say "this surname signed at this station, name unknown"; signer_name
      must fall through to the surname-wide rule for them anyway, so they change no answer.
    * Three station entries are split by the two-digit year of the reference id
      (BROWN/ACCRA, JONES/KUWAIT, WHITEHEAD/KHARTOUM). The year is dropped and one row is
      written per distinct name: WHITEHEAD/KHARTOUM collapses to one row, while BROWN/ACCRA
      (Kenneth Lee Brown in '93, Sue Katherine Brown '06-'09) and JONES/KUWAIT (Richard Henry
      Jones '01-'04, Deborah K. Jones '08-'11) keep two rows, which the loader treats as
      ambiguous.
    """
    data = json.loads((inp.cablemap / "signers.json").read_text(encoding="utf-8"))
    out: set[tuple[str, str, str]] = set()
    dropped = 0
    year_split: dict[tuple[str, str], list[str]] = {}
    for surname, stations in data.items():
        if not isinstance(stations, dict):
            raise ValueError(f"signers.json: {surname} is not a station mapping")
        for station, value in stations.items():
            if isinstance(value, dict):
                found = sorted({v.strip() for v in value.values() if v.strip()})
                year_split[(surname, station)] = found
            else:
                found = [value.strip()] if value.strip() else []
            if not found:
                dropped += 1
            for name in found:
                out.add((surname.strip(), station.strip(), name))
    return SignersResult(sorted(out), dropped, len(data), year_split)


# --------------------------------------------------------------------------- stations


@dataclass
class StationsResult:
    rows: list[tuple[str, str, int]]
    multi: dict[str, list[tuple[str, int]]]
    unmatched_ids: list[str]
    n_index: int


def build_stations(inp: Inputs) -> StationsResult:
    """Station code of the reference id -> most frequent origin in index.csv.

    Ties would go to the alphabetically first origin (none occur). ``count`` is the number
    of index.csv cables showing the kept origin. Ids that do not fit ``^\\d{2}[A-Z]+\\d+$``
    (WikiLeaks' malformed ids such as ``08ECTION01OF02MANAMA492`` or ``7575LIBREVILLE1895``)
    are skipped.
    """
    per_station: dict[str, Counter[str]] = defaultdict(Counter)
    unmatched = []
    rows_in = read_csv_rows(inp.index_csv)
    for row in rows_in:
        m = STATION_RE.match(row["reference_id"])
        if not m:
            unmatched.append(row["reference_id"])
            continue
        per_station[m.group(1)][row["origin"].strip()] += 1
    rows = []
    multi = {}
    for station in sorted(per_station):
        ranked = sorted(per_station[station].items(), key=lambda kv: (-kv[1], kv[0]))
        if len(ranked) > 1:
            multi[station] = ranked
        rows.append((station, ranked[0][0], ranked[0][1]))
    return StationsResult(rows, multi, sorted(unmatched), len(rows_in))


# --------------------------------------------------------------------------- released ids


def build_released(inp: Inputs) -> list[str]:
    with gzip.open(inp.cablemap / "cable2month.csv.gz", "rt", encoding="utf-8", newline="") as fh:
        ids = [row[0].strip() for row in csv.reader(fh) if row]
    unique = sorted(set(ids))
    if len(unique) != len(ids) or len(unique) != RELEASED_TOTAL:
        raise ValueError(f"cable2month: {len(ids)} rows, {len(unique)} unique ids, want {RELEASED_TOTAL}")
    return unique


# --------------------------------------------------------------------------- SOURCES.md


TM_COMMIT = "496e7d70f27e2e98ad9970eae2300753101474fb"
CM_COMMIT = "42066c8fc2972d237a2c35578e14525aaf705f38"

# (source id, file in the shared data, upstream repository / path @ commit, licence) for SOURCES.md.
SOURCE_TABLE: list[tuple[str, str, str, str]] = [
    (f"`{TM_SUBJECT}`", "corpus/reference/topicmaps/subject-tags.txt",
     f"heuer/topicmaps, cablegate/subject-tags.txt @ {TM_COMMIT}", "public domain (see below)"),
    (f"`{TM_PROGRAM}`", "corpus/reference/topicmaps/program-tags.txt",
     f"heuer/topicmaps, cablegate/program-tags.txt @ {TM_COMMIT}", "public domain (see below)"),
    (f"`{TM_ORG}`", "corpus/reference/topicmaps/organization-tags.txt",
     f"heuer/topicmaps, cablegate/organization-tags.txt @ {TM_COMMIT}", "public domain (see below)"),
    (f"`{TM_GEO}`", "corpus/reference/topicmaps/geo-tags.ctm",
     f"heuer/topicmaps, cablegate/geo-tags.ctm @ {TM_COMMIT}", '"License: Public Domain" (file header)'),
    (f"`{TM_REGIONS}`", "corpus/reference/topicmaps/fips_regions.txt",
     f"heuer/topicmaps, cablegate/fips_regions.txt @ {TM_COMMIT}", "public domain (see below)"),
    (f"`{TM_FIXES}`", "corpus/reference/topicmaps/tag-fixes.ctm",
     f"heuer/topicmaps, cablegate/tag-fixes.ctm @ {TM_COMMIT}", '"License: Public Domain" (file header)'),
    (f"`{CM_SUBJECT}`", "corpus/reference/cablemap/subject-tags.txt",
     f"heuer/cablemap, cablemap.core/cablemap/core/subject-tags.txt @ {CM_COMMIT}", "BSD-3-Clause"),
    (f"`{CM_ORG}`", "corpus/reference/cablemap/organization-tags.txt",
     f"heuer/cablemap, cablemap.core/cablemap/core/organization-tags.txt @ {CM_COMMIT}", "BSD-3-Clause"),
    (f"`{CM_ROUTES}`", "corpus/reference/cablemap/route2name.csv",
     f"heuer/cablemap, data/route2name.csv @ {CM_COMMIT} (from ACP 117 CAN-US SUPP-1, 2010)",
     "BSD-3-Clause; content from a US/Canadian government publication"),
    (f"`{SG_STATIONS}`", "corpus/reference/cablegate-social-graph/stations.json",
     "anarchivist/cablegate-social-graph, stations.js @ c4f8e0c76948ad5fc87984c550cfa19751473500",
     "no licence stated"),
    (f"`{LK_FIPS}`", "linking/fips_country_wikidata.csv (columns `fips`, `name` only)",
     "derived in the shared data from datasets/country-codes @ "
     "caa72d1e0e5af8876c170bb36a9e4d64a01bba88 (ODC-PDDL-1.0) and "
     "dieghernan/Country-Codes-and-International-Organizations @ "
     "3a7203aa5fa6085ef0f472691c41feb309446272 (MIT; FIPS codes from the CIA World Factbook, "
     "public domain); see linking/SOURCES.md",
     "ODC-PDDL-1.0 / MIT (names are CLDR-based `NAME.EN`)"),
    ("(signers.csv)", "corpus/reference/cablemap/signers.json",
     "heuer/cablemap, cablemap.core/cablemap/core/signers.json @ 06f5aba4bfb92755e38f6b4d8d2f03fc739d40d7",
     "BSD-3-Clause"),
    ("(people.csv.gz, short_forms.csv)",
     "corpus/reference/cablemap/classified_by.csv and signers.json (built by `scripts/build_people.py`)",
     "heuer/cablemap, data/classified_by.csv @ 7af05d9 and cablemap.core/cablemap/core/signers.json @ "
     "06f5aba4bfb92755e38f6b4d8d2f03fc739d40d7",
     "BSD-3-Clause"),
    ("(released_ids.txt.gz)", "corpus/reference/cablemap/cable2month.csv.gz",
     f"heuer/cablemap, cablemap.core/cablemap/core/cable2month.csv.gz @ {CM_COMMIT}", "BSD-3-Clause"),
    ("(stations.csv)", "corpus/index.csv (columns `reference_id`, `origin`)",
     "origin strings of WikiLeaks cable pages, mostly via avilaroman/Wikileaks-Mirror @ "
     "ae11afa5ff15bad4ae9c296de44079cfc31e474f; see corpus/SOURCES.md",
     "no licence stated"),
]  # fmt: skip


def sources_md(
    tags: TagsResult,
    fixes: list[tuple[str, str, str]],
    routing: RoutingResult,
    signers: SignersResult,
    stations: StationsResult,
    n_released: int,
    licences: dict[str, str],
) -> str:
    n_person = tags.counts["person"]
    kinds = ", ".join(f"{k} {tags.counts[k]:,}" for k in KINDS)
    geo_labels = {r.code: r.label for r in tags.rows if r.kind == "geographic"}
    conflict_lines = "\n".join(
        f'  - `{code}`: kept {kept} "{geo_labels[code]}", dropped {dropped} "{label}" ('
        + ", ".join(sorted({src for k, _, src in tags.conflicts[code] if k == dropped}))
        + ")"
        for code, (kept, dropped, label) in sorted(KIND_CONFLICTS.items())
    )
    multi_lines = "\n".join(
        f"  - `{st}`: " + ", ".join(f"{o} {n}" for o, n in ranked) for st, ranked in stations.multi.items()
    )
    dup_lines = ", ".join(f"`{k}` ({len(v)})" for k, v in sorted(routing.duplicates.items()))
    err_lines = "\n".join(f"  - `{k}`: {v}" for k, v in sorted(ROUTING_COUNTRY_ERRORS.items()))
    fix_lines = "\n".join(f"  - `{w}` -> `{r}`" for w, r, _ in fixes)
    year_lines = "\n".join(
        f"  - {s}/{st}: " + "; ".join(names) for (s, st), names in sorted(signers.year_split.items())
    )
    n_sig_stations = len({(s, st) for s, st, _ in signers.rows})
    licence_text = "\n".join(
        f"### {name}\n\n```\n{_rstrip_lines(text)}\n```\n" for name, text in licences.items()
    )
    source_table = "\n".join("| " + " | ".join(cells) + " |" for cells in SOURCE_TABLE)
    fips_only = ", ".join(f"{r.code} {r.label}" for r in tags.rows if r.sources[0] == LK_FIPS)
    return f"""# Bundled reference tables: sources and licences

Generated by `scripts/build_tables.py`; do not edit by hand. To regenerate (from the repository
root, with the shared data at `../shared`):

```
python scripts/build_tables.py            # or: --shared DIR --out DIR
```

The output is deterministic (sorted rows, UTF-8, `\\n` line ends, gzip without timestamp);
`tests/test_tables.py` checks that a fresh run reproduces these files byte for byte (the `.gz`
bytes also depend on the zlib build). The judgement calls below are also documented in the
script's docstrings, and the script stops if the inputs no longer match them.

Input locations are relative to the shared data directory. Source ids in the `source` columns:

| source id | file in shared data | upstream repository, path @ commit | licence |
| --- | --- | --- | --- |
{source_table}

Licences:

- heuer/cablemap is BSD-3-Clause: "Copyright (c) 2011 - 2015 -- Lars Heuer - <heuer[at]semagia.com>.
  All rights reserved." Redistribution of derived data must keep that copyright notice, the
  licence conditions and the disclaimer (reproduced at the end of this file); the names of the
  copyright holder and contributors may not be used to endorse derived products without permission.
- heuer/topicmaps: the CTM files state "License: Public Domain" (author Lars Heuer). The `.txt`
  files carry no licence line of their own; they sit in the same folder, cite the
  cabletags.wordpress.com lists and the US State Department's 5 FAH-3 H-400 TAGS handbook (a US
  government work), and are treated as public domain like the CTM files made from them.
- anarchivist/cablegate-social-graph: no licence stated; the facts come from ACP 117.
- linking/fips_country_wikidata.csv: only the `fips` and `name` of the {len(fips_only.split(", "))} codes the
  handbook lacks are used. Those names come from dieghernan `NAME.EN` (MIT licence, "Copyright (c)
  2019", no holder named; the notice is reproduced at the end of this file) or, where that is
  empty, datasets/country-codes (ODC-PDDL-1.0, no conditions). The FIPS codes themselves are CIA
  World Factbook data (US government, public domain).
- No data derived from confirmordeny/supraverden (CC BY-SA 4.0: `linking/org_tags_wikidata.csv`,
  the org labels in `linking/wikidata_sample_derived.nt`) is used, so these tables carry no
  share-alike obligation. The link tables in `links/` do use it (`links/orgs.csv`, see
  `links/README.md`).
- Published licence: the RDF dataset (dumps and SPARQL endpoint, `cablegraph.store.publish`) is
  CC BY-SA 4.0, not CC BY 4.0, because its organisation links carry QIDs derived from
  confirmordeny/supraverden under CC BY-SA 4.0, whose share-alike condition then applies, and a
  dump that is not split by source can only state a licence that holds for every triple in it.
  Each link still names its source and that source's own licence (`cg:LinkSource`,
  `dcterms:rights`); the ontology, shapes and vocabularies hold no such data and stay CC BY 4.0.
- CSV caution: Namibia's ISO code is the string `NA`, and stations.json gives Curaçao the MARC
  code `na`. Read these tables with NA handling off (pandas: `keep_default_na=False`); the
  runtime loader `cablegraph.tables` treats only the empty string as missing.

## tags.csv — {len(tags.rows):,} rows

Columns `code,kind,label,source`. Kinds: {kinds}. `source` lists every input holding the code,
`;`-separated, the one giving the label first. Codes keep their source spelling (a few
organization codes are mixed case, e.g. `Alitalia`, `Phalange Party`); the loader looks codes up
case-insensitively.

What was done:

- subject/program/organization codes and labels from the topicmaps `*-tags.txt` files
  (`CODE<TAB>definition`, `#` comment lines dropped, trailing blanks stripped). The program tags
  are the K-tags (all 109 match `K[A-Z]{{3}}`). The cablemap lists hold the same codes without
  labels (cablemap's organization list also holds the 5 organization tags of tag-fixes.ctm).
- geographic: the {sum(1 for r in tags.rows if TM_GEO in r.sources)} codes of geo-tags.ctm
  (262 countries and 36 X*/Z* regional pseudo-codes; same codes and names as fips_regions.txt and
  name_fips_regions.txt), plus the FIPS codes of fips_country_wikidata.csv that the 2009 handbook
  lacks: {fips_only}.
  geo-tags.ctm's handbook names win over the CLDR names (e.g. `BM` Burma, `KS` Korea (Republic
  of), `TT` East Timor); note the handbook's `MW` Montenegro and `YI` Serbia and Montenegro next
  to the fips table's `MJ` Montenegro and `RI` Serbia.
- tag-fixes.ctm: {len(tags.fix_topics)} extra tags with titles ({n_person} person tags such as
  `CLINTON, HILLARY` -> Hillary Clinton, free-text subject tags such as `POLINT`, `BLUE LANTERN`,
  and 5 organizations). Titles are kept as written, including the wrong "Johnny Carson" for
  `CARSON, JOHNNIE` (Johnnie Carson, Assistant Secretary for African Affairs) and "George W.
  Bush" for `BUSH, GEORGE` (older cables may mean George H. W. Bush).
- Kind conflicts (same code in two kind lists, compared case-insensitively). Rule: a 2-letter
  geo code is geographic; the organization lists have the suffixed forms `AL-1` (Arab League) and
  `BP-1` (British Petroleum Company) for the organizations. All conflicts in the inputs:
{conflict_lines}
  Caveat: in the corpus, several of the 9 cables tagged `AL` mean the Arab League (e.g. a Tripoli
  cable tagged with KBCT, the Arab League boycott), so `AL` stays ambiguous in practice.
- Other traps seen in the corpus TAGS lines, not changed here: `EU` is the FIPS code of Europa
  Island, but cables use it for the European Union (the TAGS code is `EUN`); cables also use
  codes no list has, such as `RU` and `VZ` (for RS Russia, VE Venezuela), `SR` (Serbia, in
  Belgrade and ICTY cables) and `NA` (the Netherlands Antilles in Curaçao cables; the lists have
  `NT`).

## tag_fixes.csv — {len(fixes)} row(s)

Columns `wrong,right,source`. tag-fixes.ctm says it lets "TAGS with typos etc. merge" but holds
no explicit merge (every topic has one name and one identifier); it only names extra tags. Rule:
a subject/organization tag of tag-fixes.ctm at edit distance 1 (case-insensitive, codes of 4+
characters) from exactly one code of the same kind in the topicmaps lists is a typo of it:
{fix_lines}
Not included: the file's "#TODO" guesses (`POLINT` = `KPIN`?, `MEDIA REACTION REPORT` =
`MEDIA REACTION`?) and `LLTE` (surely the LTTE, but no list has an `LTTE` code).

## routing.csv — {len(routing.rows):,} rows

Columns `routing_indicator,name,country_code,country_name,region,source`.
From route2name.csv ({routing.stats["route2name_rows"]:,} rows) and stations.json
({routing.stats["social_graph_entries"]:,} entries):

- route2name.csv is primary for names. Its {routing.stats["route2name_ranges"]} range rows
  (`RHFJAAA THRU RHFJAAZ`, all military) are expanded letter by letter; an indicator with its own
  row keeps that row's name. Indicators listed more than once get all their distinct names in file
  order joined by ` / `: {dup_lines}.
- stations.json adds {routing.stats.get("social_graph_only", 0)} single indicators route2name lacks
  (e.g. RUEHGH Shanghai, RUEHMS Muscat, RUEHSB Harare, RUEHKMJ Juba, which route2name has as
  RUEHKHJ; its name for RUEHIHL really is "AMEMBASSY ISLAMABAD?"). Its scraper split ACP range
  lines into key `X` and name `THRU Y  NAME`; read as ranges, they add the one range route2name
  dropped, `RUETIAA THRU RUETIAQ` (DIRNSA FT GEORGE G MEADE MD, present in ACP117_2010_routes.txt;
  {routing.stats.get("from_social_graph_ranges", 0)} indicators).
  In all, {routing.stats.get("from_ranges", 0):,} rows come from ranges. Skipped keys that are not
  routing indicators (halves of wrapped lines): {", ".join(f"`{k}`" for k in routing.skipped_social_graph)}.
- Country data (country_code, country_name, region) comes only from stations.json, for
  {routing.stats.get("with_country", 0)} indicators. **country_code is a MARC country code**,
  lowercase and verbatim (`be` Belgium, `gw` Germany, `xxu` United States, `xxc` Canada, `enk`
  England, `na` Netherlands Antilles), not FIPS or ISO. Names and regions are verbatim too
  ("Russia" and "Russia (Federation)" both occur; Turkey's region is "Asia"). Country data was
  left empty where it contradicts the station's own name:
{err_lines}
  Kept as given: RUEHROV (embassy to the Holy See) is in Italy, where the building is.

## signers.csv — {len(signers.rows):,} rows

Columns `signer_key,station,full_name`, from signers.json ({signers.surnames:,} surnames).
{signers.dropped_empty} surname/station pairs with an empty full name were dropped: they change no
answer of `signer_name`, which falls back to the surname-wide rule for them anyway.
Stations are reference-id station codes (`USNATO`, `STATE`, `RIODEJANEIRO`). Three entries are
split by the year of the reference id; the year is dropped and one row is written per distinct
name, so two (surname, station) pairs have two rows and count as ambiguous:
{year_lines}
({n_sig_stations:,} distinct surname/station pairs.) Note: `linking/cable_signers.csv` stores
these three as Python dict text in its full_name column.

## stations.csv — {len(stations.rows)} rows

Columns `station,origin,count`. From corpus/index.csv ({stations.n_index:,} cables, a 2.4%
sample of the release, so only these stations): the station is the letters of the reference id
(`^\\d{{2}}([A-Z]+)\\d+$`), the origin is the page's origin string, `count` the number of
cables showing the kept origin. Skipped ids that do not fit the pattern:
{", ".join(f"`{i}`" for i in stations.unmatched_ids)}.
Stations with more than one origin (the most frequent is kept):
{multi_lines}
Several stations share an origin (`KIEV`/`KYIV`, `CALCUTTA`/`KOLKATA`, `TRIPOLI`/`EFTOTRIPOLI`,
`LONDON`/`EFTOLONDON`, `TAIPEI`/`AITTAIPEI`, `RPODUBAI`/`IRANRPODUBAI`).

## released_ids.txt.gz — {n_released:,} ids

The first column of cable2month.csv.gz (`ID,month`), one id per line, sorted, gzip. Includes
WikiLeaks' malformed ids (e.g. `08ECTION01OF02MANAMA492`, `06ASTANA`, `7575LIBREVILLE1895`)
exactly as released. All 6,117 ids of corpus/index.csv are in it.

## Licence texts (verbatim, from the shared data's `linking/raw/` copies)

{licence_text}"""


# --------------------------------------------------------------------------- main


def _rstrip_lines(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def read_licences(inp: Inputs) -> dict[str, str]:
    """Licence texts reproduced in SOURCES.md (BSD-3 and MIT require the notice to travel along)."""
    raw = inp.shared / "linking" / "raw"
    return {
        "heuer/cablemap (LICENSE.txt)": (raw / "heuer-cablemap" / "LICENSE.txt").read_text(encoding="utf-8"),
        "dieghernan/Country-Codes-and-International-Organizations (LICENSE)": (
            raw / "dieghernan-country-codes" / "LICENSE.txt"
        ).read_text(encoding="utf-8"),
    }


def build_all(shared: Path) -> dict[str, bytes]:
    inp = Inputs(shared)
    tags = build_tags(inp)
    fixes = build_tag_fixes(inp, tags.fix_topics)
    routing = build_routing(inp)
    signers = build_signers(inp)
    stations = build_stations(inp)
    released = build_released(inp)
    files = {
        "tags.csv": csv_bytes(
            ["code", "kind", "label", "source"],
            ((r.code, r.kind, r.label, ";".join(r.sources)) for r in tags.rows),
        ),
        "tag_fixes.csv": csv_bytes(["wrong", "right", "source"], fixes),
        "routing.csv": csv_bytes(
            ["routing_indicator", "name", "country_code", "country_name", "region", "source"], routing.rows
        ),
        "signers.csv": csv_bytes(["signer_key", "station", "full_name"], signers.rows),
        "stations.csv": csv_bytes(["station", "origin", "count"], stations.rows),
        "released_ids.txt.gz": gzip_bytes("".join(f"{i}\n" for i in released).encode("utf-8")),
        "SOURCES.md": sources_md(
            tags, fixes, routing, signers, stations, len(released), read_licences(inp)
        ).encode("utf-8"),
    }
    return files


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="shared data directory")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    args = parser.parse_args(argv)
    if not (args.shared / "corpus" / "reference").is_dir():
        parser.error(f"{args.shared} does not look like the shared data directory")
    files = build_all(args.shared)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (args.out / name).write_bytes(data)
        print(f"{name}: {len(data):,} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
