"""How faithful the parser is: every record field scored against the gold set read by people.

    .venv/bin/python bench/fidelity.py                       # the table, per field
    .venv/bin/python bench/fidelity.py --show classified_by  # and every disagreement on one field
    .venv/bin/python bench/fidelity.py --readings tests/gold/readings/a tests/gold/readings/b
                                                             # how far two readings agree (no parser)

The gold set (tests/gold/gold.jsonl, rules in tests/gold/README.md) names real cables of
../shared/corpus by id; this script parses each one from there and compares field by field.
Scalar fields score the share of cables whose value matches exactly (after the normalisation
each field states below); list fields score that too (the whole list right) and micro-averaged
precision and recall over their items. A field a reader left out for a cable is not scored there.
tests/test_fidelity.py runs the same scoring and fails when a field falls below its floor.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
GOLD_DIR = REPO / "tests" / "gold"
GOLD = GOLD_DIR / "gold.jsonl"
CABLES = GOLD_DIR / "cables.csv"


def _text(value: Any) -> Any:
    return re.sub(r"\s+", " ", value).strip() if isinstance(value, str) else value


def _letters(value: Any) -> Any:
    """Names compare by their letters: `Robert O. Blake, Jr.` = `Robert O Blake Jr`, `Do nald` = `Donald`."""
    return re.sub(r"[^a-z0-9]", "", value.lower()) if isinstance(value, str) else value


def _words(value: Any) -> Any:
    return " ".join(re.sub(r"[^\w\s]", " ", value.lower()).split()) if isinstance(value, str) else value


def _level(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    return re.sub(r"\s+", " ", value.split("//")[0]).strip().upper() or None


def _names(values: Any) -> list[str]:
    return [_text(value).upper() for value in values or []]


def _tags(values: Any) -> list[str]:
    return [re.sub(r"\s+", " ", value).strip().upper() for value in values or []]


def _references(values: Any) -> list[tuple[Any, ...]]:
    return [((item.get("letter") or "").upper() or None, item.get("kind"), item.get("cable_id"))
            for item in values or []]


def _paragraphs(values: Any) -> list[tuple[Any, ...]]:
    return [(int(number), re.sub(r"\s+", "", marking).upper() if marking else None) for number, marking in values or []]


@dataclass(frozen=True)
class Field:
    name: str
    normalise: Callable[[Any], Any]
    is_list: bool = False
    ordered: bool = True
    why: str = ""


FIELDS: tuple[Field, ...] = (
    Field("dtg", _text),
    Field("classification", _level, why="level only: SECRET//NOFORN is SECRET"),
    Field("caveats", lambda values: sorted(set(values or [])), is_list=True, ordered=False),
    Field("origin_routing", _text),
    Field("transmission_id", _text),
    Field("precedence", _text),
    Field("from", _names, is_list=True),
    Field("to", _names, is_list=True),
    Field("info", _names, is_list=True),
    Field("subject", _text, why="white space folded, else exact"),
    Field("sections", lambda value: value),
    Field("tags", _tags, is_list=True),
    Field("references", _references, is_list=True, why="(letter, kind, cable id) per entry"),
    Field("classified_by", _letters, why="letters and digits, case folded"),
    Field("reasons", lambda values: list(values or []), is_list=True),
    Field("executive_order", _text),
    Field("declassify_on", _text),
    Field("paragraphs", _paragraphs, is_list=True, why="(number, marking) per paragraph"),
    Field("summary_start", _words, why="first six words, punctuation and case folded"),
    Field("signer", _letters, why="letters, case folded"),
)
FIELD_NAMES = tuple(f.name for f in FIELDS)


def record_view(record: dict[str, Any]) -> dict[str, Any]:
    """A parsed record (its JSON form) in the gold set's shape."""
    summary = record.get("summary")
    classifier = record.get("classified_by") or {}
    return {
        "id": record["reference_id"],
        "dtg": record.get("dtg"),
        "classification": record.get("classification"),
        "caveats": record.get("caveats") or [],
        "origin_routing": record.get("origin_routing"),
        "transmission_id": record.get("transmission_id"),
        "precedence": record.get("precedence"),
        "from": [r["name"] for r in record.get("from") or []],
        "to": [r["name"] for r in record.get("to") or []],
        "info": [r["name"] for r in record.get("info") or []],
        "subject": record.get("subject"),
        "sections": record.get("sections"),
        "tags": [t["code"] for t in record.get("tags") or []],
        "references": record.get("references") or [],
        "classified_by": classifier.get("name"),
        "reasons": record.get("reasons") or [],
        "executive_order": record.get("executive_order"),
        "declassify_on": record.get("declassify_on"),
        "paragraphs": [[p["number"], p["marking"]] for p in record.get("paragraphs") or []],
        "summary_start": " ".join(summary.split()[:6]) if summary else None,
        "signer": record.get("signer"),
    }


@dataclass
class FieldScore:
    field: Field
    cables: int = 0
    exact: int = 0
    true_positives: int = 0
    predicted: int = 0
    expected: int = 0
    misses: list[tuple[str, Any, Any]] = field(default_factory=list)

    @property
    def exact_rate(self) -> float:
        return self.exact / self.cables if self.cables else 1.0

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.expected if self.expected else 1.0


def score(gold: Iterable[dict[str, Any]], predicted: dict[str, dict[str, Any]]) -> dict[str, FieldScore]:
    """Compare each gold line with the prediction for its cable id; a cable with no prediction scores 0."""
    scores = {f.name: FieldScore(f) for f in FIELDS}
    for line in gold:
        guess = predicted.get(line["id"], {})
        for f in FIELDS:
            if f.name not in line:
                continue
            want, got = f.normalise(line[f.name]), f.normalise(guess.get(f.name))
            result = scores[f.name]
            result.cables += 1
            if f.is_list:
                want_items, got_items = Counter(want), Counter(got)
                result.true_positives += sum((want_items & got_items).values())
                result.expected += len(want)
                result.predicted += len(got)
                same = want == got if f.ordered else want_items == got_items
            else:
                same = want == got
            if same:
                result.exact += 1
            else:
                result.misses.append((line["id"], line[f.name], guess.get(f.name)))
    return scores


def table(scores: dict[str, FieldScore], floors: dict[str, float] | None = None) -> str:
    rows = [f"{'field':<16} {'cables':>6} {'exact':>7} {'prec.':>7} {'recall':>7} {'floor':>6}"]
    for name, result in scores.items():
        if not result.cables:
            continue
        list_part = (f"{result.precision:>7.1%} {result.recall:>7.1%}" if result.field.is_list else f"{'':>7} {'':>7}")
        floor = f"{floors[name]:>6.1%}" if floors and name in floors else ""
        rows.append(f"{name:<16} {result.cables:>6} {result.exact_rate:>7.1%} {list_part} {floor}")
    return "\n".join(rows)


def read_jsonl(paths: Iterable[Path]) -> list[dict[str, Any]]:
    rows = []
    for path in paths:
        files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
        for file in files:
            rows.extend(json.loads(line) for line in file.read_text(encoding="utf-8").splitlines() if line.strip())
    return rows


def corpus_dir() -> Path:
    value = os.environ.get("CABLEGRAPH_CORPUS", "").strip()
    return Path(value) if value else REPO.parent / "shared" / "corpus"


def gold_paths(corpus: Path) -> dict[str, Path]:
    """Where each gold cable's text is: cables.csv names its folder in the corpus."""
    with CABLES.open(encoding="utf-8", newline="") as handle:
        return {row["reference_id"]: corpus / row["folder"] / f"{row['reference_id']}.txt"
                for row in csv.DictReader(handle)}


def parse_gold_cables(ids: Iterable[str], corpus: Path) -> dict[str, dict[str, Any]]:
    """Parse the named cables with the project's parser; their records in the gold set's shape."""
    from cablegraph.errors import CableParseError
    from cablegraph.parse.cable import parse_cable
    from cablegraph.sources import iter_inputs

    where = gold_paths(corpus)
    views = {}
    for cable_id in ids:
        for raw in iter_inputs([where[cable_id]]):
            if isinstance(raw, CableParseError):
                continue
            try:
                views[cable_id] = record_view(parse_cable(raw).to_dict())
            except CableParseError:
                continue
    return views


def floors() -> dict[str, float]:
    path = GOLD_DIR / "floors.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gold", type=Path, default=GOLD, help="gold lines (a .jsonl file or a folder of them)")
    parser.add_argument("--corpus", type=Path, default=None, help="corpus folder (default: $CABLEGRAPH_CORPUS)")
    parser.add_argument("--show", action="append", default=[], choices=FIELD_NAMES, metavar="FIELD",
                        help="list the disagreements on FIELD (repeatable)")
    parser.add_argument("--write-floors", action="store_true",
                        help="record the parser's scores (rounded down to the half percent) as the new floors")
    parser.add_argument("--readings", nargs=2, type=Path, metavar=("A", "B"),
                        help="compare two readings with each other instead of the parser with the gold set")
    args = parser.parse_args(argv)
    if args.readings:
        first, second = (read_jsonl([path]) for path in args.readings)
        scores = score(first, {line["id"]: line for line in second})
        print(f"agreement of {args.readings[1]} with {args.readings[0]} ({len(first)} cables)")
    else:
        gold = read_jsonl([args.gold])
        views = parse_gold_cables([line["id"] for line in gold], args.corpus or corpus_dir())
        scores = score(gold, views)
        print(f"parser against {args.gold} ({len(gold)} cables, {len(views)} parsed)")
    print(table(scores, None if args.readings else floors()))
    if args.write_floors and not args.readings:
        raised = {name: math.floor(result.exact_rate * 200) / 200 for name, result in scores.items()}
        lowered = [name for name, value in raised.items() if value < floors().get(name, 0)]
        if lowered:
            print(f"not written: {', '.join(lowered)} would fall below the recorded floor", file=sys.stderr)
            return 1
        (GOLD_DIR / "floors.json").write_text(json.dumps(raised, indent=1) + "\n", encoding="utf-8")
        print(f"floors written to {GOLD_DIR / 'floors.json'}")
    for name in args.show:
        print(f"\n{name}: {len(scores[name].misses)} disagreements")
        for cable_id, want, got in scores[name].misses:
            print(f"  {cable_id}\n    gold: {json.dumps(want, ensure_ascii=False)}"
                  f"\n    got:  {json.dumps(got, ensure_ascii=False)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
