"""How far apart two spellings are: the one measure typo repairs use (stations, titles, tags)."""

from __future__ import annotations

from functools import cache


@cache
def edit_distance(a: str, b: str) -> int:
    """Edit distance counting an adjacent swap as one edit (`BRASILA`/`BRASILIA` 1, `Ambasasdor`/`Ambassador` 1)."""
    previous2: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            if previous2 is not None and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                value = min(value, previous2[j - 2] + 1)
            current.append(value)
        previous2, previous = previous, current
    return previous[-1]
