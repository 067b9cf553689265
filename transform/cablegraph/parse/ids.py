"""Cable reference ids: `09USNATO383` is year 2009, station USNATO, number 383.

A canonical id is two year digits, the station's letters (no spaces) and the number
without leading zeros: that is how the 251,287 released ids are written, so a REF line
like `09 SAN JOSE 00799` must become `09SANJOSE799` to be found among them.
"""

from __future__ import annotations

import re

CANONICAL_ID = re.compile(r"^(\d{2})([A-Z]+)(\d+)$")
# `08ECTION01OF02MANAMA492`, `08SECTION01GF02BISHIEK21`: a garbled `SECTION 01 OF 02` after the year.
SECTION_INFIX = re.compile(r"^(\d{2})[A-Z]{0,7}\d{1,2}[A-Z]{2}\d{1,2}(?=[A-Z])")

#: Ways a REF line names a station other than by the letters of its reference ids.
STATION_ALIASES: dict[str, str] = {
    "SECSTATE": "STATE",
    "SECSTATE WASHDC": "STATE",
    "STATE DEPT": "STATE",
    "DEPT": "STATE",
    "DEPTEL": "STATE",
    "DEPARTMENT": "STATE",
    "USUN": "USUNNEWYORK",
    "USUN NEW YORK": "USUNNEWYORK",
    "USUN NY": "USUNNEWYORK",
    "USEU": "USEUBRUSSELS",
    "USEU BRUSSELS": "USEUBRUSSELS",
    "NATO": "USNATO",
    "US NATO": "USNATO",
    "USMISSION GENEVA": "GENEVA",
    "US MISSION GENEVA": "GENEVA",
    "USMISSION USNATO": "USNATO",
    "US MISSION USNATO": "USNATO",
    "HONG KONG": "HONGKONG",
}


def station_key(words: str) -> str:
    """`San Jose` / `SAN  JOSE` -> `SANJOSE`; known aliases (SECSTATE -> STATE) applied first."""
    upper = re.sub(r"\s+", " ", words.upper()).strip()
    upper = STATION_ALIASES.get(upper, upper)
    return re.sub(r"[^A-Z]", "", upper)


def canonical_id(year: str | int, station: str, number: str | int) -> str:
    """Assemble a canonical id from its parts: (2009, 'SAN JOSE', '00799') -> '09SANJOSE799'."""
    yy = f"{int(year) % 100:02d}"
    return f"{yy}{station_key(str(station))}{int(number)}"


def split_id(cable_id: str) -> tuple[str, str, int] | None:
    """('09', 'USNATO', 383) for a canonical id, else None."""
    match = CANONICAL_ID.match(cable_id)
    if not match:
        return None
    return match.group(1), match.group(2), int(match.group(3))


def repair_id(raw: str) -> str | None:
    """The canonical form of a reference id as written in metadata, or None if it has no such form.

    Handles case, stray whitespace, leading zeros in the number, a doubled year
    (`7575LIBREVILLE1895` in the 2011 release -> `75LIBREVILLE1895`) and a section banner
    glued into the id (`08ECTION01OF02MANAMA492` -> `08MANAMA492`).
    """
    token = re.sub(r"\s+", "", raw).upper()
    token = SECTION_INFIX.sub(r"\1", token)
    match = re.match(r"^(\d{2})(\d{2})?([A-Z]+)(\d+)$", token)
    if not match:
        return None
    first, second, station, number = match.groups()
    if second is not None and second != first:
        return None  # four digits that are not a doubled year: not a form we know how to repair
    return f"{first}{station}{int(number)}"


def year_from_two_digits(yy: int) -> int:
    """Cablegate spans 1966-2010: 66-99 are 19xx, the rest 20xx."""
    return 1900 + yy if yy >= 66 else 2000 + yy


def resource_key(reference_id: str, reference_id_raw: str | None) -> str:
    """The id a cable's IRI and named graph are minted from.

    Normally the canonical id. But the release sometimes holds a garbled id as a record of its
    own beside the real one (`08ECTION01OF02MANAMA492`, one section, next to `08MANAMA492`):
    repairing both to one IRI would let one replace the other in a store, so such a record
    keeps its written id as its key and points to the canonical cable instead.
    """
    from cablegraph.tables import is_released

    if reference_id_raw and is_released(reference_id_raw) and is_released(reference_id):
        return reference_id_raw
    return reference_id
