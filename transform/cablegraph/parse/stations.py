"""Which station a REF entry names: `HAGUE`, `MEXICO CITY`, `BRASILA`, `BA` (in a Buenos Aires cable).

Writers name the station as they say the place, abbreviate their own post, and misspell. The
rules, in order, each from data rather than memory:

1. The station code itself or a State convention (`SECSTATE`, `DEPT`, `USUN`: ids.STATION_ALIASES).
2. A place name the ACP 117 book gives the station's routing indicator (`MEXICO CITY`, `HAGUE`):
   data/station_aliases.csv, built by scripts/build_station_aliases.py.
3. A code shortened to a prefix of five letters or more only one station has (`UNVIE` -> `UNVIEVIENNA`).
4. The initials or first word of the citing cable's own post (`BA` in a Buenos Aires cable, `RIO`
   in a Rio de Janeiro one), or its consonants (`TGG` in a Tegucigalpa one): posts shorten their own
   name, so these are read only for the citing station.
5. Initials of three letters or more, or the first word, of a post whose place has several words, when
   only one established station has them (`HCMC`, `RIO`; not `SAN`: San Jose, San Salvador ...).
6. A typo: one edit (two for names of eight letters or more) from exactly one established station
   (`BRASILA`, `ASHBABAT`, `BUENOS AIREDS`), or from a State convention (`SECTATE`). Established:
   at least 20 released cables, so that a garbled id of the release (`BRASIIA`, one cable) is never
   a target.

The words stay as written in the record; only the resolved id uses the station code.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from cablegraph.parse.ids import STATION_ALIASES, split_id, station_key
from cablegraph.parse.similarity import edit_distance

ESTABLISHED = 20  # released cables for a station to be a typo's target
KNOWN = 3  # released cables for a station code to count at all (fewer: garbled ids)


@cache
def station_counts() -> Counter[str]:
    from cablegraph.tables import released_ids

    counts: Counter[str] = Counter()
    for cable_id in released_ids():
        if parts := split_id(cable_id):
            counts[parts[1]] += 1
    return counts


@cache
def known_stations() -> frozenset[str]:
    return frozenset(station for station, count in station_counts().items() if count >= KNOWN)


@cache
def established_stations() -> tuple[str, ...]:
    return tuple(sorted(station for station, count in station_counts().items() if count >= ESTABLISHED))


@cache
def place_aliases() -> dict[str, str]:
    """`MEXICO CITY` -> MEXICO, `HAGUE` -> THEHAGUE: the derived table, keyed by the alias's letters."""
    from cablegraph.tables import station_aliases

    return {re.sub(r"[^A-Z]", "", row["alias"]): row["station"] for row in station_aliases()}


@cache
def unique_station_with_prefix(prefix: str) -> str | None:
    matches = [station for station in known_stations() if station.startswith(prefix)]
    return matches[0] if len(matches) == 1 else None


@cache
def own_short_names(station: str) -> frozenset[str]:
    """How a post shortens its own name, from its place name: initials and first word of a place of
    several words (`Embassy Buenos Aires` -> BA, BUENOS; `Consulate Rio De Janeiro` -> RDJ, RIO)."""
    return frozenset(short for short in _initials_and_first_word(station) if short)


def resolve(words: str, citing_station: str | None = None) -> str | None:
    """The station code for the words before a number, or None when they name no station."""
    key = station_key(words)
    if not key:
        return None
    if key in known_stations():
        return key
    if key in place_aliases():
        return place_aliases()[key]
    if len(key) >= 5 and (expanded := unique_station_with_prefix(key)):
        return expanded  # `UNVIE`; not four letters or fewer (`PARA 4` is a paragraph, not PARAMARIBO)
    if citing_station and (key in own_short_names(citing_station) or _abbreviates(key, citing_station)):
        return citing_station
    if len(key) >= 3 and (short := short_names().get(key)):
        return short
    return repaired(key)


GENERIC_WORDS = {"US", "U.S.", "MISSION", "INTERESTS", "SECTION", "DELEGATION", "OFFICE", "LIAISON", "EMBASSY",
                 "CONSULATE", "BRANCH", "THE", "TO", "OF", "AMERICAN", "INSTITUTE", "REGIONAL", "PRESENCE", "SECRETARY"}


def _place_words(origin: str) -> list[str]:
    """`Embassy Buenos Aires` -> [Buenos, Aires]; `US Interests Section Havana` -> [Havana]."""
    words = [word.strip(",") for word in origin.split()]
    return [word for word in words if word.upper() not in GENERIC_WORDS and word.isalpha()]


ACP_PREFIX = re.compile(r"^(?:AMEMBASSY|AMCONSUL|AMCONGEN|USMISSION|US MISSION|USOFFICE|USINT|AIT)\s+")


@cache
def _acp_places() -> dict[str, list[str]]:
    """Station -> its place as the ACP 117 book writes it (`AMCONSUL HO CHI MINH CITY` -> HOCHIMINHCITY:
    Ho, Chi, Minh, City), when the place's letters are the station code."""
    from cablegraph.linking.tables import post_entries

    places: dict[str, list[str]] = {}
    for entry in post_entries().values():
        place = ACP_PREFIX.sub("", entry.name.upper()).strip()
        if place != entry.name.upper() and re.sub(r"[^A-Z]", "", place) in known_stations():
            places.setdefault(re.sub(r"[^A-Z]", "", place), _place_words(place))
    return places


@cache
def place_words(station: str) -> list[str]:
    """The words of a station's place: from the ACP book, else from its origin label (`Embassy Buenos Aires`)."""
    from cablegraph.tables import station_origin

    return _acp_places().get(station) or _place_words(station_origin(station) or "")


@cache
def short_names() -> dict[str, str]:
    """Short names any cable may use for a post whose place has several words, when only one established
    station has them: initials of three letters or more (`HCMC`), the first word (`RIO`, `SAO`)."""
    claims: dict[str, set[str]] = {}
    for station in established_stations():
        for short in _initials_and_first_word(station):
            if len(short) >= 3:
                claims.setdefault(short, set()).add(station)
    return {short: next(iter(owners)) for short, owners in claims.items()
            if len(owners) == 1 and short not in known_stations()}


def _initials_and_first_word(station: str) -> tuple[str, str]:
    """(initials, first word) of a station's place of several words, the first word only when it has three
    letters or more (`SAN`, not `LA`); empty strings for a place of one word."""
    words = place_words(station)
    if len(words) < 2:
        return "", ""
    return "".join(word[0] for word in words).upper(), words[0].upper() if len(words[0]) >= 3 else ""


def _abbreviates(key: str, station: str) -> bool:
    """`TGG` for TEGUCIGALPA: three letters or more, the station's first letter first, all of them in the
    station's code in order. Read only for the citing cable's own station."""
    if len(key) < 3 or len(key) >= len(station) or key[0] != station[0]:
        return False
    letters = iter(station[1:])
    return all(letter in letters for letter in key[1:])


@cache
def repaired(key: str) -> str | None:
    """The one established station a typo can only be; None when none or several are that close."""
    if len(key) < 5:
        return None
    limit = 2 if len(key) >= 8 else 1
    close = {station_key(name) for name in _typo_targets()
             if name[0] == key[0] and abs(len(name) - len(key)) <= limit and edit_distance(key, name) <= limit}
    return close.pop() if len(close) == 1 else None


@cache
def _typo_targets() -> tuple[str, ...]:
    """Established station codes, and the letters of the State conventions (`SECSTATE`: `SECTATE 188288`)."""
    conventions = {re.sub(r"[^A-Z]", "", alias) for alias in STATION_ALIASES}
    return tuple(sorted(set(established_stations()) | conventions))
