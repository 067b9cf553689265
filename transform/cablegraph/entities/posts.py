"""Which post a station code stands for: one post IRI per post, whatever code a cable used.

Why: cables and routing tables spell one post several ways. The release itself renamed stations
(KIEV and KYIV, CALCUTTA and KOLKATA), glued a handling word to the station (`EFTOLONDON`: EFTO,
"encrypt for transmission only"), garbled ids (`08BISHIEK21`), and the ACP 117 routing book has
typos of its own (`AMEMBASSY QUINTO`, `AMEMBASSY PRINSTINA`) and place names (`AMEMBASSY HAGUE`).
Each of those minted a post of its own. The rules, all from data:

1. `EFTO` before a released station code is a handling word: the station is what follows.
2. A code no released cable uses is read as a REF station is (parse/stations.py): a place name the
   ACP 117 book gives a station (`HAGUE` -> THEHAGUE) or a typo of exactly one established station
   (`QUINTO` -> QUITO, `BISHQEK` -> BISHKEK). A cable's own station code is no free text, so one
   wrong letter anywhere, the first too, is read as a typo when one established station is that
   close (`09QRIPOLI583` -> TRIPOLI); codes of five letters or fewer are too short to tell.
3. Two released station codes whose cables name the same origin post (data/stations.csv, from
   the release's cable pages: `Embassy Kyiv` for KIEV and KYIV) are one post, keyed on the code
   with more released cables (KYIV, 918 to 221).

The code a cable used stays on the cable (its id) and on the post as an alternative label.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache

from cablegraph.parse.similarity import edit_distance
from cablegraph.parse.stations import established_stations, known_stations, place_aliases, repaired, station_counts

HANDLING_PREFIX = "EFTO"
# The release labels the Department's cables "Secretary of State": they go out in the Secretary's
# name. The post that sends them is the Department, and a post is labelled for what it is.
SENDER_NOT_POST = {"STATE": "Department of State"}


def post_label(station: str) -> str | None:
    """How the release names a station's post (`Embassy Kyiv`), or None when no table knows it."""
    from cablegraph.tables import station_origin

    return SENDER_NOT_POST.get(station) or station_origin(station)


@cache
def post_station(code: str) -> str:
    """The station code that keys the post `code` names: `KIEV` -> KYIV, `QUINTO` -> QUITO."""
    code = code.strip().upper()
    if code.startswith(HANDLING_PREFIX) and code[len(HANDLING_PREFIX):] in known_stations():
        code = code[len(HANDLING_PREFIX):]
    if code not in known_stations():
        code = place_aliases().get(code) or repaired(code) or _one_letter_off(code) or code
    return _twins().get(code, code)


def _one_letter_off(code: str) -> str | None:
    if len(code) < 6:
        return None
    close = [station for station in established_stations()
             if abs(len(station) - len(code)) <= 1 and edit_distance(code, station) == 1]
    return close[0] if len(close) == 1 else None


@cache
def _twins() -> dict[str, str]:
    """Released station codes of one origin post -> the code with the most released cables."""
    from cablegraph.tables import station_origins

    by_origin: dict[str, list[str]] = defaultdict(list)
    for station, origin in station_origins().items():
        if origin:
            by_origin[origin].append(station)
    counts = station_counts()
    twins = {}
    for stations in by_origin.values():
        if len(stations) > 1:
            keep = max(sorted(stations), key=lambda s: counts.get(s, 0))
            twins.update({station: keep for station in stations if station != keep})
    return twins
