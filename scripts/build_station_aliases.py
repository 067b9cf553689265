#!/usr/bin/env python3
"""Derive the station aliases REF lines use from the data: python scripts/build_station_aliases.py

Why: a REF line names a station the way its writer says the place (`MEXICO CITY 2636`, `HAGUE 468`,
`USUN NEW YORK 12`), while reference ids spell the station code (`09MEXICO2636`, `08THEHAGUE468`,
`USUNNEWYORK`). The bridge is in the data: the `DE` line of every corpus cable names its station's
routing indicator (`DE RUEHME #2701` in 09MEXICO2701), and the ACP 117 book names the place of that
indicator (`RUEHME,AMEMBASSY MEXICO CITY` -> place `MEXICO CITY`). So `MEXICO CITY` is an alias of
MEXICO because cables of MEXICO are sent from RUEHME, whose place is MEXICO CITY; and the article of
a place (`THE HAGUE`) is dropped as writers drop it (`HAGUE`).

Output: transform/cablegraph/data/station_aliases.csv (alias, station, routing_indicator, cables):
`cables` is how many corpus cables tie the indicator to the station. Only aliases whose letters differ
from the station code are written; an alias two stations could claim is left out. Standard library
only; the committed file must be what this prints (a test checks it).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DE_LINE = re.compile(r"^\s*DE\s+(R[A-Z]{4,6})\s*#", re.MULTILINE)
ID = re.compile(r"^\d{2}([A-Z]+)\d+$")
MIN_CABLES = 2  # a tie seen once may be a relay; twice is the station's own indicator


def station_of(reference_id: str) -> str | None:
    match = ID.match(reference_id)
    return match.group(1) if match else None


def observed_ties(corpus: Path) -> dict[str, Counter[str]]:
    """Routing indicator -> stations of the corpus cables whose DE line names it."""
    ties: dict[str, Counter[str]] = defaultdict(Counter)
    for path in sorted((corpus / "cables").glob("*.txt")):
        station = station_of(path.stem)
        match = DE_LINE.search(path.read_text(encoding="utf-8", errors="replace")[:4000])
        if station and match:
            ties[match.group(1)][station] += 1
    return ties


def released_stations(released: Path) -> set[str]:
    """Station codes of at least three released ids (fewer are garbled ids: `BRASIIA`, `THEHAGU`)."""
    with gzip.open(released, "rt", encoding="ascii") as lines:
        counts = Counter(station_of(line.strip()) for line in lines)
    return {station for station, count in counts.items() if station and count >= 3}


def aliases(corpus: Path, routing_table: Path, released: Path) -> list[tuple[str, str, str, int]]:
    ties = observed_ties(corpus)
    stations = released_stations(released)
    claims: dict[str, set[tuple[str, str, int]]] = defaultdict(set)
    with routing_table.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            place = re.sub(r"\s+", " ", row["place_token"]).strip().upper()
            indicator = row["routing_indicator"]
            if not place or indicator not in ties:
                continue
            station, cables = ties[indicator].most_common(1)[0]
            if cables < MIN_CABLES:
                continue
            for alias in {place, re.sub(r"^THE ", "", place)}:
                letters = re.sub(r"[^A-Z]", "", alias)
                if letters != station and letters not in stations:  # NAGOYA is a station, never an alias
                    claims[alias].add((station, indicator, cables))
    rows = []
    for alias, claimants in sorted(claims.items()):
        stations = {station for station, _, _ in claimants}
        if len(stations) == 1:
            station, indicator, cables = max(claimants, key=lambda claim: claim[2])
            rows.append((alias, station, indicator, cables))
    return rows


def render(rows: list[tuple[str, str, str, int]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["alias", "station", "routing_indicator", "cables"])
    writer.writerows(rows)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    parser.add_argument("--routing", type=Path, default=SHARED / "linking" / "us_posts_routing.csv")
    parser.add_argument("--released", type=Path,
                        default=ROOT / "transform" / "cablegraph" / "data" / "released_ids.txt.gz")
    parser.add_argument("--out", type=Path, default=ROOT / "transform" / "cablegraph" / "data" / "station_aliases.csv")
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed file differs")
    args = parser.parse_args(argv)
    text = render(aliases(args.corpus, args.routing, args.released))
    if args.check:
        return 0 if args.out.read_text(encoding="utf-8") == text else 1
    args.out.write_text(text, encoding="utf-8")
    print(f"{args.out}: {text.count(chr(10)) - 1} aliases", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
