#!/usr/bin/env python3
"""Derive the people table that gives each person one IRI: python scripts/build_people.py

Why: cables name one person many ways (`Matthew H. Tueller`, `Matt Tueller`, `a.i. Matthew H.
Tueller`), and one cable alone cannot tell whether `Matt Tueller` is `Matthew H. Tueller`. The
release as a whole can: the classified-by names of 115,000 released cables (cablemap's
`classified_by.csv`, one line per cable id, so each name comes with the post and the year it was
written at) and the signers table (`signers.json`: surname, post, full name) show which spellings
occur at the same post. Two spellings become one person when

1. their names agree (`cablegraph.entities.names.compatible`: same surname, given names that agree
   in order, an initial or a short form such as MATT for MATTHEW, a missing middle name), and
2. they were written at the same post, and
3. neither is ambiguous: a spelling that agrees with two spellings which cannot be one person
   (`John Smith` beside `John A. Smith` and `John B. Smith` at the posts it was written at) is kept
   apart, with the reason in the `note` column (a rare spelling beside a common one is taken for
   a slip, not a second person: see `_established`), and
4. every spelling in the merged group still agrees with every other (no chains through a vague form).

Identical spellings (after folding case, accents, dots and titles) are one person wherever they
occur. A bare surname is not a row here: the transform settles it by post and year at run time.

The key of a group is the key of the signers table's spelling, else of its most written spelling,
so a parser fix that changes how one cable spells a name does not change the IRI. The label is
the signers table's full name when it has one (it keeps accents), else the group's most used spelling.

Also written: transform/cablegraph/data/short_forms.csv, the given names the release writes for one
another (BOB for ROBERT), derived first because the comparison of names uses them.

Output: transform/cablegraph/data/people.csv.gz, one row per (spelling key, post): form, surname,
given, suffix, station, cables, first_year, last_year, person, label, note. Deterministic (sorted,
gzip without timestamp); `--check` compares with the committed file (a test runs it).
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
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "transform"))

from cablegraph.entities import names  # noqa: E402
from cablegraph.entities.names import (  # noqa: E402
    PersonName,
    clean_spelling,
    compatible,
    given_compatible,
    parse_name,
    specificity,
)
from cablegraph.entities.posts import post_station  # noqa: E402
from cablegraph.tables import given_names  # noqa: E402

SHARED = ROOT.parent / "shared"
OUTPUT = ROOT / "transform" / "cablegraph" / "data" / "people.csv.gz"
SHORT_FORMS = ROOT / "transform" / "cablegraph" / "data" / "short_forms.csv"
SHORT_FORM_COLUMNS = ("given", "short_form", "surnames", "examples")
ID = re.compile(r"^(\d{2})([A-Z]+)\d+$")
COLUMNS = ("form", "surname", "given", "suffix", "station", "cables", "first_year", "last_year", "person", "label",
           "note")


@dataclass
class Form:
    """Everything the sources say about one spelling of a name."""

    name: PersonName
    stations: Counter = field(default_factory=Counter)
    years: dict[str, list[int]] = field(default_factory=dict)  # station -> [first, last]
    spellings: Counter = field(default_factory=Counter)
    signer_label: str | None = None
    note: str = ""

    def seen(self, station: str, year: int | None, spelling: str, weight: int = 1) -> None:
        self.stations[station] += weight
        self.spellings[spelling] += weight
        if year is not None:
            span = self.years.setdefault(station, [year, year])
            span[0], span[1] = min(span[0], year), max(span[1], year)


def year_of(two_digits: str) -> int:
    value = int(two_digits)
    return 1900 + value if value >= 50 else 2000 + value


def read_sources(shared: Path) -> dict[PersonName, Form]:
    """Every spelling of the classified-by lines and the signers table, with its posts and years.
    Leading words that are misspelt titles (`Asador`, `Defad`: see `title_words`) are dropped."""
    sightings: list[tuple[str, str, int | None, bool]] = []
    with open(shared / "corpus/reference/cablemap/classified_by.csv", encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            match = ID.match(row[0].strip()) if len(row) >= 2 else None
            if match:
                sightings.append((row[1], post_station(match.group(2)), year_of(match.group(1)), False))
    signers = json.loads((shared / "corpus/reference/cablemap/signers.json").read_text(encoding="utf-8"))
    for stations in signers.values():
        for station, value in stations.items():
            dated = value.items() if isinstance(value, dict) else [(None, value)]
            sightings += [(full, post_station(station), year_of(yy) if yy else None, True)
                          for yy, full in dated if full]
    parsed = [(parse_name(text), text, station, year, signer) for text, station, year, signer in sightings]
    titles = title_words([name for name, *_ in parsed if name is not None])
    forms: dict[PersonName, Form] = {}
    for name, text, station, year, signer in parsed:
        if name is None or name.is_bare_surname:
            continue
        while len(name.given) > 1 and name.given[0] in titles:
            name = PersonName(name.given[1:], name.surname, name.suffix)
        form = forms.setdefault(name, Form(name))
        form.seen(station, year, text.strip(), 0 if signer else 1)
        if signer:
            form.signer_label = form.signer_label or text.strip()
    return forms


def title_words(names: list[PersonName]) -> frozenset[str]:
    """Words the classified-by lines put before a name as if a first name, that are titles, most
    misspelt (`ASADOR`, `ASSDOR`, `COUSELOR`, `DEFAD`, `MINCOUN`): written first before another
    given name with two surnames or more, almost never (a tenth or less) as the only given name,
    and no signer's first name. A real first name is written alone often (`John Smith`)."""
    before: dict[str, set[str]] = defaultdict(set)
    leading: Counter = Counter()
    alone: Counter = Counter()
    for name in names:
        if len(name.given) >= 2 and len(name.given[1]) > 1:
            before[name.given[0]].add(name.surname)
            leading[name.given[0]] += 1
        elif len(name.given) == 1:
            alone[name.given[0]] += 1
    first_names = {word for word in given_names()}
    return frozenset(word for word, surnames in before.items()
                     if len(word) > 1 and len(surnames) >= 2 and alone[word] <= leading[word] / 10
                     and word not in first_names)


def derive_short_forms(shared: Path) -> list[dict[str, str]]:
    """Given names written for one another: a cable classified by `Bob Silverman` at a post where
    the signers table names one `Robert J. Silverman` pairs BOB with ROBERT. A pair counts when
    two surnames or more show it (one could be two people of one surname at one post). A word
    the full name also has (`Assdor Ronald Spogli` beside `Ronald P. Spogli`) is a misspelt title,
    not a short form."""
    full_names: dict[tuple[str, str], set[PersonName]] = defaultdict(set)
    signers = json.loads((shared / "corpus/reference/cablemap/signers.json").read_text(encoding="utf-8"))
    for stations in signers.values():
        for station, value in stations.items():
            for full in (value.values() if isinstance(value, dict) else [value]):
                name = parse_name(full) if full else None
                if name is not None and name.given:
                    full_names[(name.surname, post_station(station))].add(name)
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    with open(shared / "corpus/reference/cablemap/classified_by.csv", encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            match = ID.match(row[0].strip()) if row else None
            name = parse_name(row[1]) if match and len(row) > 1 else None
            if name is None or not name.given:
                continue
            fulls = full_names.get((name.surname, post_station(match.group(2))), set())
            if len(fulls) != 1:
                continue
            full = next(iter(fulls))
            written, given = name.given[0], full.given[0]
            if len(written) > 1 and len(given) > 1 and given not in name.given and written not in full.given \
                    and not given_compatible(written, given, short_forms_too=False):
                seen[(given, written)].add(name.surname)
    return [{"given": given, "short_form": written, "surnames": str(len(surnames)),
             "examples": " ".join(sorted(surnames)[:3])}
            for (given, written), surnames in sorted(seen.items()) if len(surnames) >= 2]


def cluster(forms: dict[PersonName, Form]) -> dict[PersonName, PersonName]:
    """Each spelling -> the spelling that names its group (the most complete one)."""
    by_surname: dict[str, list[PersonName]] = defaultdict(list)
    for name in forms:
        by_surname[name.surname].append(name)
    parent: dict[PersonName, PersonName] = {}
    for group_names in by_surname.values():
        group_names.sort(key=lambda n: n.key)
        shared = {(a, b): sum((forms[a].stations & forms[b].stations).values())
                  for i, a in enumerate(group_names) for b in group_names[i + 1:]
                  if compatible(a, b) and set(forms[a].stations) & set(forms[b].stations)}
        partners: dict[PersonName, list[PersonName]] = defaultdict(list)
        for a, b in shared:
            partners[a].append(b)
            partners[b].append(a)
        for name, others in partners.items():
            clash = next(((x, y) for i, x in enumerate(others) for y in others[i + 1:]
                          if not compatible(x, y) and _established(forms, x, y) and _established(forms, y, x)), None)
            if clash:
                forms[name].note = (f"not merged: fits both {forms[clash[0]].name.display()} and "
                                    f"{forms[clash[1]].name.display()}, who are different people")
        groups = {name: [name] for name in group_names}
        size = {name: sum(forms[name].stations.values()) for name in group_names}
        order = sorted(shared.items(), key=lambda item: (-item[1], -max(size[item[0][0]], size[item[0][1]]),
                                                         item[0][0].key, item[0][1].key))
        for (a, b), _weight in order:  # strongest ties first; a tie joins the better attested spelling
            if forms[a].note or forms[b].note:
                continue
            left, right = groups[a], groups[b]
            if left is right or not all(compatible(x, y) for x in left for y in right):
                continue
            left.extend(right)
            for member in right:
                groups[member] = left
        for group in {id(g): g for g in groups.values()}.values():
            head = max(group, key=lambda n: (bool(forms[n].signer_label), sum(forms[n].stations.values()),
                                             specificity(n), n.key))
            for member in group:
                parent[member] = head
    return parent


def _established(forms: dict[PersonName, Form], name: PersonName, other: PersonName) -> bool:
    """Whether a spelling is evidence of a person of its own: the signers table names it, or its
    given names are names (each an initial, or a given name written with two surnames or more in
    the release: not a misspelt title, `Assado Janet A. Sanderson`, nor a name broken by a space,
    `Dona Ld A. Blome`) and, at a post it shares with `other`, it has at least a tenth of all the
    cables written there under its surname. A spelling seen in a handful of a post's cables for one
    name (`Alexander S. Vershbow` 3 times among 181 Vershbow cables at SEOUL) is more likely a slip
    than a second person, so it does not block a merge; it is not merged either (it clashes)."""
    form = forms[name]
    if form.signer_label:
        return True
    if any(len(word) > 1 and word not in _given_words(forms) for word in name.given):
        return False
    totals = _surname_totals(forms)
    return any(form.stations[station] >= totals[(name.surname, station)] / 10
               for station in set(form.stations) & set(forms[other].stations))


_TOTALS: dict[int, Counter] = {}
_GIVEN: dict[int, frozenset[str]] = {}


def _given_words(forms: dict[PersonName, Form]) -> frozenset[str]:
    """Given names of two surnames or more: a name, not a one-off slip of one writer."""
    if id(forms) not in _GIVEN:
        surnames: dict[str, set[str]] = defaultdict(set)
        for name in forms:
            for word in name.given:
                surnames[word].add(name.surname)
        _GIVEN[id(forms)] = frozenset(word for word, seen in surnames.items() if len(seen) >= 2)
    return _GIVEN[id(forms)]


def _surname_totals(forms: dict[PersonName, Form]) -> Counter:
    if id(forms) not in _TOTALS:
        totals: Counter = Counter()
        for name, form in forms.items():
            for station, count in form.stations.items():
                totals[(name.surname, station)] += count
        _TOTALS[id(forms)] = totals
    return _TOTALS[id(forms)]


def rows(forms: dict[PersonName, Form], parent: dict[PersonName, PersonName]) -> list[dict[str, str]]:
    labels: dict[PersonName, str] = {}
    members: dict[PersonName, list[PersonName]] = defaultdict(list)
    for name, head in parent.items():
        members[head].append(name)
    for head, group in members.items():
        signed = sorted(forms[n].signer_label for n in group if forms[n].signer_label)
        spelling: Counter = Counter()
        for member in group:
            for written, count in forms[member].spellings.items():
                spelling[clean_spelling(written, member)] += count
        best = max(sorted(spelling), key=lambda s: spelling[s]) if spelling else head.display()
        labels[head] = next((s for s in signed if parse_name(s) == head), None) or \
            (signed[0] if signed else (head.display() if best.isupper() or best.islower() else best))
    out = []
    for name, form in forms.items():
        head = parent[name]
        for station in sorted(form.stations):
            first, last = form.years.get(station, ["", ""])
            out.append({
                "form": name.key, "surname": name.surname, "given": " ".join(name.given), "suffix": name.suffix,
                "station": station, "cables": str(form.stations[station]), "first_year": str(first),
                "last_year": str(last), "person": head.key, "label": labels[head], "note": form.note,
            })
    out.sort(key=lambda row: (row["surname"], row["form"], row["station"]))
    return out


def render_csv(table: list[dict[str, str]], columns: tuple[str, ...]) -> str:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(table)
    return text.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared data folder (default ../shared)")
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed table differs")
    args = parser.parse_args(argv)
    variants = render_csv(derive_short_forms(args.shared), SHORT_FORM_COLUMNS)
    if not args.check:
        SHORT_FORMS.write_text(variants, encoding="utf-8")
    elif not SHORT_FORMS.exists() or SHORT_FORMS.read_text(encoding="utf-8") != variants:
        print("short_forms.csv differs: run scripts/build_people.py")
        return 1
    names.short_forms.cache_clear()
    forms = read_sources(args.shared)
    parent = cluster(forms)
    table = rows(forms, parent)
    data = gzip.compress(render_csv(table, COLUMNS).encode("utf-8"), compresslevel=9, mtime=0)
    if args.check:
        same = OUTPUT.exists() and gzip.decompress(OUTPUT.read_bytes()) == gzip.decompress(data)
        print("people tables are up to date" if same else "people.csv.gz differs: run scripts/build_people.py")
        return 0 if same else 1
    OUTPUT.write_bytes(data)
    people = len(set(parent.values()))
    print(f"{len(forms)} spellings of {people} people, {len(table)} rows -> {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
