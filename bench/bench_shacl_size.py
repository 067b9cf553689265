"""How SHACL time grows with the size of one cable, per engine: linear or quadratic?

A benchmark, not a test: it prints figures and ratios, never asserts them.

A real cable (the seed by default) is made long by repeating its numbered paragraphs as they are, as
a garbled or concatenated release text would, until its text is 0.25, 0.5, 1 and 2 MB; each is
transformed once and validated alone, as one batch, by each engine (the pyshacl cap switched off,
so that pyshacl is measured, not refused). For every engine and size it prints the seconds and the
ratio to the smallest size beside the ratio of the sizes: a time ratio equal to the size ratio is
linear, its square is quadratic.

Measured when it was written: pyshacl 0.48, 1.18, 4.54, 16.7 s and compiled 0.014 to 0.254 s for
0.25 to 2 MB (quadratic), because the shapes' CableParagraphNumbersUnique paired the cable's paragraphs
(?first, ?second); rewritten as GROUP BY/HAVING, both engines became linear (pyshacl 0.14 to 0.63 s).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

from cablegraph.parse import parse_cable
from cablegraph.rdf.triples import CableTransformer
from cablegraph.sources import RawCable, iter_inputs
from cablegraph.validate import (
    cable_text_bytes,
    validate_cables,
)

PARAGRAPH = re.compile(r"(?m)^¶\d+\.")
Cable = tuple[list, dict]
Runner = Callable[[Cable], list[tuple]]


def long_cable(raw: RawCable, size: int) -> RawCable:
    """The cable with its numbered paragraphs (through the signature) repeated until its text is `size` bytes."""
    start = PARAGRAPH.search(raw.text)
    if start is None:
        raise SystemExit(f"{raw.source}: no numbered paragraph to repeat")
    head, body = raw.text[:start.start()], raw.text[start.start():].rstrip("\n") + "\n\n"
    copies = max(1, -(-(size - len(head.encode())) // len(body.encode())))
    return dataclasses.replace(raw, text=head + body * copies)


def transformed(raw: RawCable) -> Cable:
    quads = CableTransformer().transform(parse_cable(raw))
    return quads.cable, quads.shared


def key(finding: object) -> tuple:
    return tuple(getattr(finding, name) for name in ("focus", "shape", "component", "severity", "value", "message"))


def engine_runner(engine: str) -> Runner:
    """The pipeline's own validation of a one-cable batch, uncapped."""
    def run(cable: Cable) -> list[tuple]:
        [found], _ = validate_cables([cable], engine=engine, keep_report=False, max_cable_bytes=0)
        return sorted(map(key, found.findings))
    return run


def timed(run: Runner, cable: Cable) -> tuple[float, list[tuple]]:
    started = time.perf_counter()
    found = run(cable)
    return time.perf_counter() - started, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_corpus = os.environ.get("CABLEGRAPH_CORPUS") or str(Path(__file__).resolve().parents[2] / "shared/corpus")
    parser.add_argument("--cable", default=None, help="cable file to lengthen (default: the corpus seed 09USNATO383)")
    parser.add_argument("--sizes", default="0.25,0.5,1,2", help="text sizes in MB (10^6 bytes), comma-separated")
    parser.add_argument("--engines", default="pyshacl,compiled", help="comma-separated: pyshacl,compiled")
    args = parser.parse_args()
    path = args.cable or str(Path(default_corpus) / "seed" / "09USNATO383.txt")
    raw = next(item for item in iter_inputs([path]) if isinstance(item, RawCable))
    runners = {engine: engine_runner(engine) for engine in args.engines.split(",")}
    for run in runners.values():
        run(transformed(raw))  # warm up: shapes parsed and compiled, SPARQL prepared
    sizes = [float(size) for size in args.sizes.split(",")]
    print(f"cable {Path(path).name} ({len(raw.text.encode()):,} bytes), paragraphs repeated as they are", flush=True)
    rows, smallest = [], {}
    for size in sizes:
        cable = transformed(long_cable(raw, int(size * 1e6)))
        text = cable_text_bytes(cable[0])
        reference = None
        for name, run in runners.items():
            seconds, found = timed(run, cable)
            reference = found if reference is None else reference
            base_text, base_seconds = smallest.setdefault(name, (text, seconds))
            same = "same" if found == reference else "DIFFERENT"
            rows.append((name, text, len(cable[0]), seconds, text / base_text, seconds / base_seconds, same))
            print(f"  {name:<20} {text / 1e6:6.2f} MB {seconds:9.2f} s", file=sys.stderr, flush=True)
    print(f"{'engine':<20} {'text MB':>8} {'triples':>8} {'seconds':>9} {'size x':>7} {'time x':>8} "
          f"{'(x size^2)':>10}  results")
    for name, text, triples, seconds, size_ratio, time_ratio, same in sorted(rows, key=lambda row: row[0]):
        print(f"{name:<20} {text / 1e6:8.2f} {triples:8,} {seconds:9.3f} {size_ratio:7.2f} {time_ratio:8.2f} "
              f"{size_ratio ** 2:10.2f}  {same}")
    print("time x = seconds / seconds at the smallest size; linear when it follows size x, quadratic when size^2."
          " results: each engine's findings against the first engine's at that size.")


if __name__ == "__main__":
    main()
