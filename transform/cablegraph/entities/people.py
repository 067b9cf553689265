"""Who a name in a cable is: one key per person, from the spelling, the post and the year.

Why: a person IRI minted from the spelling gives one person many IRIs (`matt-tueller`,
`matthew-h-tueller`, `a-i-matthew-h-tueller`) and turns junk into people. The people table
(`data/people.csv.gz`, built by `scripts/build_people.py` from the whole release's classified-by
lines and the signers table) already groups the spellings that the release shows to be one person.
This module reads a cable's name against it, with the cable's post and year as context:

1. a spelling in the table is its group's person;
2. a new spelling goes to the one person at the cable's post whose every spelling agrees with it
   (`Matthew Harold Tueller` at KUWAIT); two such people, and it is kept apart with the reason;
3. a bare surname (`TUELLER` as a signature) goes to the one person of that surname at the post in
   that year, else stays `surname-post`; a login-style name (`RBLAU`) to the one person at the
   post whose initials and surname it spells;
4. anything else keeps the key of its own spelling.

The key never depends on how a cable spells a name once the table knows the person, so a parser
fix that changes a spelling does not change the IRI. Every cable's spelling is kept as a label;
a person the table does not know is labelled by the readable form of the name (`Bruce Rogers`
for `BRUCE ROGERS`), the same whichever cable comes first.
"""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from cablegraph.entities.names import PersonName, compatible, parse_name

YEAR_SLACK = 1  # a table year range is of classified-by lines; a signature may fall just outside it


@dataclass(frozen=True)
class Person:
    """The resolved person: `key` for the IRI, `label` to show, `note` when kept apart on purpose."""

    key: str
    label: str
    known: bool  # True when the people table knows this person
    note: str = ""
    surname: str = ""  # as parse_name reads it (upper case, no accents): `TUELLER`


@dataclass(frozen=True)
class _Row:
    name: PersonName
    station: str
    first_year: int | None
    last_year: int | None
    person: str


@cache
def _table() -> tuple[dict[str, list[_Row]], dict[str, str], dict[str, str], dict[str, str]]:
    """by surname -> rows; spelling key -> person; person -> label; spelling key -> note."""
    by_surname: dict[str, list[_Row]] = {}
    form_person: dict[str, str] = {}
    labels: dict[str, str] = {}
    notes: dict[str, str] = {}
    raw = files("cablegraph").joinpath("data", "people.csv.gz").read_bytes()
    for row in csv.DictReader(io.StringIO(gzip.decompress(raw).decode("utf-8"))):
        name = PersonName(tuple(row["given"].split()), row["surname"], row["suffix"])
        by_surname.setdefault(name.surname, []).append(_Row(
            name, row["station"], int(row["first_year"]) if row["first_year"] else None,
            int(row["last_year"]) if row["last_year"] else None, row["person"]))
        form_person[row["form"]] = row["person"]
        labels[row["person"]] = row["label"]
        if row["note"]:
            notes[row["form"]] = row["note"]
    return by_surname, form_person, labels, notes


def resolve(written: str, station: str | None = None, year: int | None = None) -> Person | None:
    """The person a written name stands for at `station` in `year`, or None if it is no name."""
    name = parse_name(written)
    if name is None:
        return None
    by_surname, form_person, labels, notes = _table()
    if name.key in form_person:
        person = form_person[name.key]
        return Person(person, labels[person], True, notes.get(name.key, ""), name.surname)
    if name.is_bare_surname:
        return _bare_surname(name, station, year)
    people = _people_at(by_surname.get(name.surname, []), station, None)
    fitting = sorted(key for key, forms in people.items() if all(compatible(name, form) for form in forms))
    if len(fitting) == 1:
        return Person(fitting[0], labels[fitting[0]], True, surname=name.surname)
    note = ""
    if len(fitting) > 1:
        note = f"not merged: at {station} this name fits " + " and ".join(labels[k] for k in fitting)
    return Person(name.key, name.display(), False, note, name.surname)


def resolve_signer(written: str, table_name: str | None, classifier: Person | None,
                   station: str | None = None, year: int | None = None) -> Person | None:
    """Who signs a cable (usually a bare surname, `TUELLER`), from the best evidence first:
    the same cable's classifier when the surname is theirs (a chief of mission classifies what
    they sign: one document, one post, one day); else the signers table's full name for this
    surname at this post; else `resolve` by post and year (never a namesake at another post)."""
    name = parse_name(written)
    if name is None:
        return None
    if classifier is not None and name.is_bare_surname and classifier.surname == name.surname:
        return classifier
    return resolve(table_name or written, station, year)


def _bare_surname(name: PersonName, station: str | None, year: int | None) -> Person:
    by_surname, _, labels, _ = _table()
    people = _people_at(by_surname.get(name.surname, []), station, year)
    if len(people) == 1:
        key = next(iter(people))
        return Person(key, labels[key], True, surname=name.surname)
    login = _login(name.surname, station, year)
    if login is not None:
        return Person(login[0], labels[login[0]], True, surname=login[1])
    note = ""
    if len(people) > 1:
        fits = " and ".join(labels[k] for k in sorted(people))
        note = f"not merged: at {station} around {year} this surname fits {fits}"
    key = f"{name.key}-{station.lower()}" if station else name.key
    return Person(key, name.display(), False, note, name.surname)


def _login(word: str, station: str | None, year: int | None) -> tuple[str, str] | None:
    """`RBLAU` -> the one person at the post whose initials (R) and surname (BLAU) it spells."""
    if station is None or len(word) < 4:
        return None
    by_surname, *_ = _table()
    found = set()
    for cut in (1, 2):
        initials, surname = word[:cut], word[cut:]
        people = _people_at(by_surname.get(surname, []), station, year)
        for key, forms in people.items():
            if any("".join(g[0] for g in form.given).startswith(initials) for form in forms if form.given):
                found.add((key, surname))
    return found.pop() if len(found) == 1 else None


def _people_at(rows: list[_Row], station: str | None, year: int | None) -> dict[str, list[PersonName]]:
    """The people (key -> their spellings) a surname's rows put at a post, in a year if given."""
    people: dict[str, list[PersonName]] = {}
    if station is None:
        return people
    for row in rows:
        if row.station != station:
            continue
        if year is not None and row.first_year is not None and row.last_year is not None and \
                not row.first_year - YEAR_SLACK <= year <= row.last_year + YEAR_SLACK:
            continue
        people.setdefault(row.person, [])
    for row in rows:
        if row.person in people:
            people[row.person].append(row.name)
    return people
