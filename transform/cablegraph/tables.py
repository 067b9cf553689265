"""Runtime access to cablegraph's bundled reference tables.

Why: the parser and the RDF mapper need to know what a TAGS code is (a country? a topic?), which
station a routing indicator names, the full name behind a signature, the origin label of a
station and whether a referenced id is a released cable. These facts come from third-party data
that was cleaned once, by ``scripts/build_tables.py``, into small files under
``cablegraph/data/`` (provenance and licences in ``data/SOURCES.md``). This module only reads
them: no network, no shared-data checkout needed at runtime.

Each table is parsed on first use and then kept (``functools.cache``), so importing this module
costs nothing and the pipeline's hot loops pay for a dict lookup only. Data is read through
``importlib.resources`` so it works from a wheel, a zip or an editable install alike.

Missing values: only an empty CSV field means "unknown". Strings such as ``NA`` (Namibia's ISO
code) or ``na`` (the MARC code of the Netherlands Antilles) are values, never missing markers.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable

__all__ = [
    "RoutingInfo",
    "TagInfo",
    "is_released",
    "released_ids",
    "routing_info",
    "signer_name",
    "station_origin",
    "tag_fix",
    "tag_info",
]


@dataclass(frozen=True, slots=True)
class TagInfo:
    """One TAGS code.

    ``kind`` is one of subject, program, organization, geographic, person. ``label`` is the
    definition or name (``None`` if no source gives one). ``source`` lists the input files that
    hold the code, ``;``-separated, the label's source first (ids explained in SOURCES.md).
    """

    code: str
    kind: str
    label: str | None
    source: str


@dataclass(frozen=True, slots=True)
class RoutingInfo:
    """One ACP 117 routing indicator.

    ``name`` is the ACP station name (``US MISSION USNATO BRUSSELS BE``); several names of one
    indicator are joined by `` / ``. ``country_code`` is a lowercase **MARC** country code
    (``be``, ``gw`` Germany, ``xxu`` United States), not FIPS or ISO; country fields are known
    for about a hundred, mostly State Department, indicators only.
    """

    routing_indicator: str
    name: str
    country_code: str | None
    country_name: str | None
    region: str | None


def _data() -> Traversable:
    return files("cablegraph") / "data"


def _rows(name: str) -> list[dict[str, str]]:
    text = _data().joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _opt(value: str) -> str | None:
    return value if value != "" else None


@cache
def _tags() -> dict[str, TagInfo]:
    out: dict[str, TagInfo] = {}
    for row in _rows("tags.csv"):
        out[row["code"].upper()] = TagInfo(row["code"], row["kind"], _opt(row["label"]), row["source"])
    return out


@cache
def _tag_fixes() -> dict[str, str]:
    return {row["wrong"].upper(): row["right"] for row in _rows("tag_fixes.csv")}


@cache
def _routing() -> dict[str, RoutingInfo]:
    return {
        row["routing_indicator"]: RoutingInfo(
            row["routing_indicator"],
            row["name"],
            _opt(row["country_code"]),
            _opt(row["country_name"]),
            _opt(row["region"]),
        )
        for row in _rows("routing.csv")
    }


@cache
def _signers() -> tuple[dict[tuple[str, str], frozenset[str]], dict[str, frozenset[str]]]:
    by_pair: dict[tuple[str, str], set[str]] = defaultdict(set)
    by_surname: dict[str, set[str]] = defaultdict(set)
    for row in _rows("signers.csv"):
        key = row["signer_key"].upper()
        by_pair[(key, row["station"].upper())].add(row["full_name"])
        by_surname[key].add(row["full_name"])
    return (
        {k: frozenset(v) for k, v in by_pair.items()},
        {k: frozenset(v) for k, v in by_surname.items()},
    )


@cache
def given_names() -> frozenset[str]:
    """First names of the signers table's full names (`Ivo H. Daalder` -> IVO), in capitals: what tells
    where a name begins after a title that names a place or field (`Ambassador to Sudan Timothy Carney`)."""
    names = set()
    for row in _rows("signers.csv"):
        first = row["full_name"].split()[0] if row["full_name"].split() else ""
        if len(first) >= 3 and first.replace("-", "").isalpha():
            names.add(first.upper())
    return frozenset(names)


@cache
def _stations() -> dict[str, str]:
    return {row["station"]: row["origin"] for row in _rows("stations.csv")}


def tag_info(code: str) -> TagInfo | None:
    """What a TAGS code is, or ``None`` if no list knows it.

    Case-insensitive (a few organization codes are mixed case in the lists, e.g. ``Alitalia``)
    and blank-tolerant. A code found in two kind lists was given one kind when the table was
    built: ``AL`` and ``BP`` are geographic (Albania, Solomon Islands), although ``AL`` also
    means the Arab League in some cables. Known typos are not resolved here; see ``tag_fix``.
    """
    return _tags().get(code.strip().upper())


def tag_codes() -> frozenset[str]:
    """Every code the tag tables know (the candidates a typo is repaired to)."""
    return frozenset(_tags())


def tag_fix(code: str) -> str | None:
    """The corrected code for a known misspelt TAGS code, else ``None`` (case-insensitive)."""
    return _tag_fixes().get(code.strip().upper())


def routing_info(indicator: str) -> RoutingInfo | None:
    """The station behind a routing indicator (``RUEHNO`` -> the USNATO mission), or ``None``."""
    return _routing().get(indicator.strip().upper())


def routing_names() -> list[str]:
    """The ACP 117 names of all routing indicators (`SECSTATE WASHDC`, `AMEMBASSY ABIDJAN`...)."""
    return [info.name for info in _routing().values()]


def signer_at(surname: str, station: str) -> bool:
    """Whether anyone of that surname signed cables of that station (the full name may be ambiguous)."""
    by_pair, _ = _signers()
    return (surname.strip().upper(), station.strip().upper()) in by_pair


def signer_name_at(surname: str, station: str | None) -> str | None:
    """The full name the signers table gives this surname at this station, only when exactly one:
    unlike `signer_name`, never a name from another post (HUDSON at LAGOS is not Tunis's Hudson)."""
    if station is None:
        return None
    names = _signers()[0].get((surname.strip().upper(), station.strip().upper()))
    return next(iter(names)) if names is not None and len(names) == 1 else None


def signer_name(surname: str, station: str | None) -> str | None:
    """Full name for a signature surname, or ``None`` when it cannot be told.

    First the exact (surname, station) pair; if the pair is unknown (or the station is
    ``None``), the surname's full name when it has exactly one distinct full name across all
    stations. Surname and station are case-insensitive; the station is the reference-id code
    (``USNATO``, ``STATE``). A pair with two names (the same post held by two people with one
    surname, e.g. JONES at KUWAIT) gives ``None``: the table has no dates to decide.
    """
    by_pair, by_surname = _signers()
    key = surname.strip().upper()
    if station is not None and (key, station.strip().upper()) in by_pair:
        return signer_name_at(surname, station)
    names = by_surname.get(key)
    if names is not None and len(names) == 1:
        return next(iter(names))
    return None


def station_aliases() -> list[dict[str, str]]:
    """Rows of ``station_aliases.csv``: a place name the ACP 117 book gives a station (``alias``, ``station``)."""
    return _rows("station_aliases.csv")


def station_origin(station: str) -> str | None:
    """The WikiLeaks origin label for a reference-id station (``USNATO`` -> ``Mission USNATO``).

    Known only for the stations in the project's corpus sample; ``None`` otherwise.
    """
    return _stations().get(station.strip().upper())


def station_origins() -> dict[str, str]:
    """Every station of ``stations.csv`` with its origin label (``KIEV`` and ``KYIV`` -> ``Embassy Kyiv``)."""
    return dict(_stations())


@cache
def released_ids() -> frozenset[str]:
    """All 251,287 Cablegate reference ids (including WikiLeaks' malformed ones, as released)."""
    data = gzip.decompress(_data().joinpath("released_ids.txt.gz").read_bytes())
    return frozenset(data.decode("utf-8").split())


def is_released(cable_id: str) -> bool:
    """Whether ``cable_id`` is a cable of the release, e.g. for deciding that a REF is a cable link."""
    return cable_id.strip() in released_ids()
