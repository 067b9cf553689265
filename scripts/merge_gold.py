"""Merge two independent readings into the gold set: python scripts/merge_gold.py

Where reading A and reading B agree on a field (as bench/fidelity.py compares it), the value is
gold. Where they disagree, the value is the one a third look at the text decided
(tests/gold/settled.jsonl: one line per decided field, `{"id", "field", "value", "why"}`); a
disagreement no one has settled yet is listed (`--pending FILE`, for the third reader) and left out
of the gold line, so the scorer skips it rather than score against a guess. A field left out by a
reader (undecidable for them) is settled the same way.

Readings: tests/gold/readings/a/*.jsonl and tests/gold/readings/b/*.jsonl, and, for a chunk whose
first reading was lost, tests/gold/readings/c/ stands in for a missing A.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from fidelity import FIELDS, GOLD_DIR, read_jsonl

READINGS = GOLD_DIR / "readings"
SETTLED = GOLD_DIR / "settled.jsonl"
LEFT_OUT = "__left_out__"  # a settled value that means: undecidable, leave the field out


def readings() -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    first = {line["id"]: line for line in read_jsonl([READINGS / "a"])}
    for line in read_jsonl([READINGS / "c"]) if (READINGS / "c").exists() else []:
        first.setdefault(line["id"], line)
    second = {line["id"]: line for line in read_jsonl([READINGS / "b"])}
    return first, second


def settled() -> dict[tuple[str, str], Any]:
    if not SETTLED.exists():
        return {}
    return {(line["id"], line["field"]): line["value"] for line in read_jsonl([SETTLED])}


def merge(order: list[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    first, second = readings()
    decided = settled()
    gold, pending = [], []
    for cable_id in order:
        a, b = first.get(cable_id), second.get(cable_id)
        if a is None or b is None:
            continue
        line: dict[str, Any] = {"id": cable_id}
        for field in FIELDS:
            if (cable_id, field.name) in decided:
                if decided[(cable_id, field.name)] != LEFT_OUT:
                    line[field.name] = decided[(cable_id, field.name)]
                continue
            if field.name not in a and field.name not in b:
                continue  # both readers found it undecidable: the scorer skips it
            if field.name in a and field.name in b and _same(field, a[field.name], b[field.name]):
                line[field.name] = a[field.name]
                continue
            pending.append({"id": cable_id, "field": field.name, "a": a.get(field.name, "(left out)"),
                            "b": b.get(field.name, "(left out)"), "a_notes": a.get("notes", ""),
                            "b_notes": b.get("notes", "")})
        gold.append(line)
    return gold, pending


def _same(field: Any, left: Any, right: Any) -> bool:
    want, got = field.normalise(left), field.normalise(right)
    if field.is_list and not field.ordered:
        return sorted(map(repr, want)) == sorted(map(repr, got))
    return want == got


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pending", type=Path, help="write the unsettled disagreements here (JSON lines)")
    parser.add_argument("--out", type=Path, default=GOLD_DIR / "gold.jsonl")
    args = parser.parse_args(argv)
    order = [line.split(",")[0] for line in (GOLD_DIR / "cables.csv").read_text(encoding="utf-8").splitlines()[1:]]
    gold, pending = merge(order)
    args.out.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in gold), encoding="utf-8")
    if args.pending:
        args.pending.write_text("".join(json.dumps(item, ensure_ascii=False) + "\n" for item in pending),
                                encoding="utf-8")
    fields = sum(len(line) - 1 for line in gold)
    print(f"{args.out}: {len(gold)} cables, {fields} fields; {len(pending)} disagreements not settled yet",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
