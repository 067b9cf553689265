"""Choose the gold set's cables from ../shared/corpus: python scripts/select_gold.py > tests/gold/cables.csv

The gold set must cover what a parser meets, not what is easy: every era (1966-2010), many posts,
the bare PDF texts, garbled and multi-section cables, and each failure class that issue 10 names.
The choice is deterministic (a fixed seed over sorted file names), so re-running it gives the same
list; the list itself is kept in tests/gold/cables.csv with the reason each cable is in it.
Standard library only: it reads the texts, never the parser's output.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
from pathlib import Path

TARGET = 300
SEED = 10  # issue 10

# Cables the issue names, one per failure class (the lines are in the files).
NAMED = {
    "classified-by": "10CAIRO143 09BOGOTA3435 05DUSHANBE1702 04THEHAGUE1201 04NEWDELHI7078 04MADRID2215 04MADRID827 "
                     "03BRASILIA3459 03RANGOON1452 04SAOPAULO493 04RANGOON1100 03ANKARA4767 05MADRID109 09THEHAGUE264",
    "fields-share-a-line": "03BRASILIA3122",
    "reference-station": "06BUENOSAIRES1439 10MANAMA71 09BRASILIA1127 08BAKU671 07BUENOSAIRES1352 09MEXICO2701 "
                         "09CAIRO1377 09STATE37561",
    "tags": "05TELAVIV1593 05TELAVIV6669 04SANAA2346 05ROME3081 06SANJOSE2802 09BEIRUT818 05SANJOSE2199",
}

# Text patterns of hard cases; each stratum takes a few cables that show it.
PATTERNS = {
    "lowercase-ref-letters": (re.compile(r"^Refs?:\s*a[.)]\s", re.M), 8),
    "tags-without-colon": (re.compile(r"^TAGS [A-Z]{4}", re.M), 6),
    "multi-section": (re.compile(r"SECTION 0?1 OF 0?[3-9]"), 10),
    "summary-marker": (re.compile(r"\bSUMMARY\s*:", re.I), 8),
    "subject-runs-on": (re.compile(r"^SUBJECT:[^\n]{60,}\n[^\n]{5,}\n\s*REF", re.M), 6),
    "classified-by-name-first": (re.compile(r"Classified By: [A-Z][a-z]+ [A-Z. ]*[A-Z][a-z]+, [A-Z]"), 8),
    "charge-d-affaires": (re.compile(r"Classified By:?\s+Charg", re.I), 6),
    "ref-with-dtg": (re.compile(r"^REF:[^\n]*\d{6}Z", re.M), 4),
    "amhs-page-lines": (re.compile(r"^PAGE 0\d ", re.M), 6),
    "no-paragraph-pilcrow": (re.compile(r"^1\.\s+\(", re.M), 6),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "corpus")
    args = parser.parse_args(argv)
    layout = sorted((args.corpus / "cables").glob("*.txt"))
    pdf = sorted((args.corpus / "cables-pdf-text").glob("*.txt"))
    texts = {path.stem: path.read_text(encoding="utf-8", errors="replace") for path in layout}
    rng = random.Random(SEED)
    chosen: dict[str, str] = {}

    def take(cable_id: str, reason: str) -> None:
        chosen.setdefault(cable_id, reason)

    for reason, ids in NAMED.items():
        for cable_id in ids.split():
            take(cable_id, reason)
    take("09USNATO383", "seed")
    for cable_id in texts:  # every cable before 2003: few, and each era's layout differs
        if _year(cable_id) < 2003:
            take(cable_id, "era")
    for path in pdf[::2]:
        take(path.stem, "pdf-text")
    for reason, (pattern, count) in PATTERNS.items():
        matching = [cable_id for cable_id, text in texts.items() if pattern.search(text) and cable_id not in chosen]
        for cable_id in rng.sample(matching, min(count, len(matching))):
            take(cable_id, reason)
    # The rest: random by year in proportion to the corpus, at most two cables per station.
    per_station: dict[str, int] = {}
    for cable_id in chosen:
        per_station[_station(cable_id)] = per_station.get(_station(cable_id), 0) + 1
    pool = [cable_id for cable_id in texts if cable_id not in chosen]
    rng.shuffle(pool)
    for cable_id in pool:
        if len(chosen) >= TARGET:
            break
        station = _station(cable_id)
        if per_station.get(station, 0) >= 2:
            continue
        per_station[station] = per_station.get(station, 0) + 1
        take(cable_id, "random")
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["reference_id", "folder", "reason"])
    pdf_ids = {path.stem for path in pdf}
    for cable_id, reason in sorted(chosen.items(), key=lambda item: (_year(item[0]), item[0])):
        folder = "seed" if reason == "seed" else "cables-pdf-text" if cable_id in pdf_ids else "cables"
        writer.writerow([cable_id, folder, reason])
    return 0


def _year(cable_id: str) -> int:
    yy = int(cable_id[:2])
    return 1900 + yy if yy >= 66 else 2000 + yy


def _station(cable_id: str) -> str:
    match = re.match(r"\d{2}([A-Z]+)\d+", cable_id)
    return match.group(1) if match else cable_id


if __name__ == "__main__":
    raise SystemExit(main())
