"""The parser against the gold set: no field may fall below its recorded floor (tests/gold/floors.json).

The gold set is 300 real cables of ../shared/corpus read by two people independently, every
disagreement settled by a third look (tests/gold/README.md). The floors are the scores the parser
has reached; raise them as it improves, never lower them to make a change pass.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

import fidelity  # noqa: E402 - bench/fidelity.py: the scorer is also a command

GOLD = fidelity.read_jsonl([fidelity.GOLD])


@pytest.fixture(scope="module")
def scores(corpus: Path) -> dict[str, fidelity.FieldScore]:
    views = fidelity.parse_gold_cables([line["id"] for line in GOLD], corpus)
    assert len(views) == len(GOLD), "every gold cable must parse"
    return fidelity.score(GOLD, views)


def test_the_gold_set_is_whole() -> None:
    """300 cables, each once, each in cables.csv, each field of the schema present unless a reader
    could not decide it (and then it is settled or left out on purpose)."""
    ids = [line["id"] for line in GOLD]
    assert len(ids) == len(set(ids)) == 300
    listed = (fidelity.GOLD_DIR / "cables.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert ids == [row.split(",")[0] for row in listed]
    fields = sum(len(line) - 1 for line in GOLD)
    assert fields >= 0.99 * 300 * len(fidelity.FIELDS)


@pytest.mark.parametrize("field", fidelity.FIELD_NAMES)
def test_field_is_at_or_above_its_floor(scores: dict[str, fidelity.FieldScore], field: str) -> None:
    floors = json.loads((fidelity.GOLD_DIR / "floors.json").read_text(encoding="utf-8"))
    result = scores[field]
    misses = "\n".join(f"  {cable}: gold {want!r}, got {got!r}" for cable, want, got in result.misses[:10])
    assert result.exact_rate >= floors[field], f"{field}: {result.exact_rate:.1%} < floor {floors[field]:.1%}\n{misses}"


def test_scorer_counts_what_it_should() -> None:
    """The scorer itself: a perfect prediction scores 1, a wrong list item costs precision and recall."""
    line = {"id": "X", "tags": ["PGOV", "PREL"], "classified_by": "Ivo H. Daalder", "subject": "A  B"}
    perfect = fidelity.score([line], {"X": {"tags": ["PGOV", "PREL"], "classified_by": "IVO H DAALDER",
                                            "subject": "A B"}})
    assert all(s.exact_rate == 1.0 for s in perfect.values())
    wrong = fidelity.score([line], {"X": {"tags": ["PGOV", "EXO"], "classified_by": "EXO", "subject": "A"}})
    assert wrong["tags"].precision == wrong["tags"].recall == 0.5
    assert wrong["classified_by"].exact_rate == wrong["subject"].exact_rate == 0.0
