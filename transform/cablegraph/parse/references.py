"""The REF block: `REF: A. A) SANTIAGO 00098 ¶B. B) SANTIAGO 00015`, `09 SAN JOSE 799; 622`.

Entries are split on their letters (A., B), (C) ...) when the letters run in order, else on
semicolons and line breaks. Each entry is classified: a cable (station + number, maybe a
year, maybe `X 12 AND 13`), an e-mail, a telephone conversation, or other (memos,
meetings, messages cited by date-time group). Cable entries get canonical ids.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cablegraph.parse import stations
from cablegraph.parse.ids import canonical_id
from cablegraph.record import Reference

EMAIL = re.compile(r"\bE-?\s?MAILS?\b|\bEMAILED\b", re.IGNORECASE)
TELCON = re.compile(
    r"\bTELCONS?\b|\bTELECONS?\b|\bTELECONFERENCE\b|\bPHONE\s?CALLS?\b|\bTELEPHONE\b|\bPHONECON\b|\bVTC\b",
    re.IGNORECASE,
)
# A letter marker: `A.`, `A)`, `(A)`, optionally doubled as `A. A)` by the WikiLeaks conversion; `a.` too
# (`Ref: a. 05 state 201650`, even `a.` then `¶B.` then `c.`): the letters must run in order from A.
LETTER = re.compile(
    r"(?:(?<=^)|(?<=[\s;,.]))(?:\(([A-Z])\)(?=\s|[A-Z])|([A-Z])(?:\.|\)|:)(?=\s))(?:\s+\(?(?:\1|\2)(?:\.|\)))?", re.I
)
# `09 SAN JOSE 00799`, `STATE 12345`, `USNATO 348 AND 349`, `SECSTATE 123, 456`, `09MANAMA 220` (year glued),
# `04 STATE 101403--06/MAY/2004` (a date after two dashes).
_AFTER_NUMBER = r"(?!\d|/|:\d|-(?!-))"  # not `12/03`, `12:30` or `123-4`; `1091:` and `403--06/MAY` are fine
CABLE = re.compile(
    r"(?<![A-Z0-9])(?:(?P<year>(?:19|20)\d{2}|\d{2})\s*)?"
    r"(?P<station>[A-Z][A-Z'.\-]*(?:\s[A-Z][A-Z'.\-]*){0,3}?)\s+"
    r"(?:\((?P<year_between>\d{2})\)\s*)?"  # `STATE (01) 201265`
    r"(?P<number>0{0,4}\d{1,6})" + _AFTER_NUMBER + r"(?!\s?Z\b)"
    r"(?P<more>(?:\s*(?:,|AND|&)\s*\d{1,6}" + _AFTER_NUMBER + r")*)"
    r"(?:\s*\((?P<year_after>\d{2})\))?"  # `SAO PAULO 873 (07)`: the year written after the number
)
NO_REFERENCE = {"NONE", "N/A", "NA", "NIL", "-"}
MORE_NUMBERS = re.compile(r"\d{1,6}")
DTG_REF = re.compile(r"\b\d{6}Z\s?[A-Z]{3}\s?\d{2}\b|\b\d{6}Z\b")


def split_entries(block: str) -> list[tuple[str | None, str]]:
    """The block's entries with their letters: [('A', 'SANTIAGO 00098'), ('B', ...)]."""
    text = block.replace("¶", " ")
    markers = _markers(text)
    if len(markers) >= 2 or (markers and markers[0].start() < 3):
        entries = []
        for i, marker in enumerate(markers):
            end = markers[i + 1].start() if i + 1 < len(markers) else len(text)
            entries.append((_letter(marker), _clean(text[marker.end():end])))
        return [(letter, raw) for letter, raw in entries if raw]
    pieces = [_clean(p) for p in re.split(r"[;\n]|:\s+(?=[A-Z])", text)]
    pieces = [p for p in pieces if p]
    citing_like = [p for p in pieces if CABLE.search(p.upper())]
    if len(pieces) > 1 and (len(citing_like) == len(pieces) or (citing_like and all(len(p) < 80 for p in pieces))):
        return [(None, p) for p in pieces]  # `08 STATE 1234; E-Mail Tralala; 05 STATE 1234`
    joined = _clean(text)
    return [(None, joined)] if joined else []


def _markers(text: str) -> list[re.Match[str]]:
    """Letter markers that run in order from A, in either case (a stray `C.` in an entry is no marker)."""
    markers = []
    expected = "A"
    for match in LETTER.finditer(text):
        if _letter(match) == expected:
            markers.append(match)
            expected = chr(ord(expected) + 1)
    return markers


def _letter(marker: re.Match[str]) -> str:
    return (marker.group(1) or marker.group(2)).upper()


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" ;,.")


@dataclass(frozen=True, slots=True)
class Citing:
    """The citing cable's own year, station and number: the context a year-less REF is read in."""

    year: int
    station: str | None = None
    number: int | None = None

    @property
    def own_id(self) -> str | None:
        return canonical_id(self.year, self.station, self.number) if self.station and self.number else None

    def year_for(self, station: str, number: int) -> int:
        """A REF without a year is from the citing cable's year, unless it names the citing
        station with a higher number than the citing cable's own: stations number their cables
        in sequence through the year, so that cable can only be from the year before."""
        if station == self.station and self.number is not None and number > self.number:
            return self.year - 1
        return self.year


def parse_references(block: str | None, citing: Citing | None) -> list[Reference]:
    """Every entry of a REF block as References; cable entries resolved to canonical ids."""
    if not block or not block.strip():
        return []
    references: list[Reference] = []
    for letter, raw in split_entries(block):
        if raw.upper() not in NO_REFERENCE:
            references.extend(_classify(letter, raw, citing))
    return references


def _classify(letter: str | None, raw: str, citing: Citing | None) -> list[Reference]:
    for pattern, kind in ((EMAIL, "email"), (TELCON, "telcon")):
        if match := pattern.search(raw):
            # `EMB CAIRO (GAYLE) EMAILS 2/16-17 TO NNSA STATE 12231`: an e-mail, then a cable after it.
            after = [cable_id for cable_id in cable_ids_in(raw[match.end():], citing) if cable_id != _own(citing)]
            return [Reference(letter, raw, kind), *(Reference(letter, raw, "cable", cable_id) for cable_id in after)]
    own = _own(citing)
    # A cable cannot cite itself: its own id in the REF block is the banner or page header of a garbled
    # text read as an entry. The words stay (kind other); no citation is made.
    ids = [cable_id for cable_id in cable_ids_in(raw, citing) if cable_id != own]
    if ids:
        return [Reference(letter, raw, "cable", cable_id) for cable_id in ids]
    return [Reference(letter, raw, "other")]


# A reference id written as the release writes it: `08TRIPOLI993`.
GLUED_ID = re.compile(r"(?<![A-Z0-9])(?P<year>\d{2})(?P<station>[A-Z]{3,})(?P<number>\d{1,6})(?![\d/:])")


def _own(citing: Citing | None) -> str | None:
    return citing.own_id if citing else None


def cable_ids_in(raw: str, citing: Citing | None) -> list[str]:
    """Canonical ids named in one entry; a station must be a known one (not `PARA 4`)."""
    upper = DTG_REF.sub(" ", raw.upper())  # `241534Z MAR 06` cites a message by time, not number
    found: list[str] = []
    position = 0
    while match := CABLE.search(upper, position):
        station = _station(match.group("station"), citing.station if citing else None)
        if station is None:  # not a station (`PARA 4`): look again from the next word
            following = upper.find(" ", match.start() + 1)
            position = match.end() if following < 0 else following + 1
            continue
        position = match.end()
        year = match.group("year") or match.group("year_between") or match.group("year_after")
        if year is None and citing is None:
            continue
        numbers = [match.group("number"), *MORE_NUMBERS.findall(match.group("more") or "")]
        for number in numbers:
            cable_year = year if year is not None else citing.year_for(station, int(number))
            cable_id = canonical_id(cable_year, station, number)
            if cable_id not in found:
                found.append(cable_id)
    for match in GLUED_ID.finditer(upper):
        if station := stations.resolve(match.group("station")):
            cable_id = canonical_id(match.group("year"), station, match.group("number"))
            if cable_id not in found:
                found.append(cable_id)
    return found


def _station(words: str, citing_station: str | None) -> str | None:
    """The station code for the words before a number, trying the longest suffix that names one."""
    tokens = words.split()
    for start in range(len(tokens)):
        if station := stations.resolve(" ".join(tokens[start:]), citing_station):
            return station
    return None
