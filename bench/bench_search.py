"""What the full-text index costs to build and how fast it answers, beside what a user would otherwise have.

A benchmark, not a test: it prints figures and ratios, never asserts them. One run, on the real corpus:

1. build: `pipeline.transform` (parse, transform, validate) alone, then the same with the search index
   written from its stream (what `publish` does): seconds of each and the ratio, and the index's size;
2. answer: one-word, two-word, phrase, prefix, and filtered searches through `Searcher`, each run
   `--repeat` times (p50 and p95 in ms), beside the same words asked of the published Oxigraph store the
   only way SPARQL can (FILTER CONTAINS over the cables' text, case folded), p50 and p95 in ms, with the
   ratio; and whether both found the same cables where the questions are the same.

    .venv/bin/python bench/bench_search.py [--corpus DIR] [--repeat 20] [--jobs N]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from cablegraph import pipeline
from cablegraph.rdf.vocab import DEFAULT_BASE
from cablegraph.search.index import IndexWriter
from cablegraph.search.query import Filters, Searcher
from cablegraph.store.oxigraph import OxigraphServer
from cablegraph.store.publish import build_store
from cablegraph.store.run import run_query

#: (label, words for the index, words every one of which a SPARQL baseline requires, filters)
SEARCHES = [
    ("one word", "qadhafi", ["qadhafi"], Filters()),
    ("two words", "nuclear iran", ["nuclear", "iran"], Filters()),
    ("phrase", '"human rights"', ["human rights"], Filters()),
    ("prefix", "gadd*", None, Filters()),
    ("word + origin + level", "oil", None, Filters(origin="CAIRO", classification="SECRET")),
    ("facets only", "", None, Filters(tags=("PGOV",), date_from="2009-01-01", date_to="2009-12-31")),
]
BASELINE = """PREFIX schema: <http://schema.org/>
PREFIX cg: <https://w3id.org/cablegraph/ontology#>
SELECT ?cable WHERE { ?cable a cg:Cable ; schema:text ?text . FILTER(%s) }"""


def timed(function, repeat: int) -> tuple[list[float], object]:
    seconds, answer = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        answer = function()
        seconds.append(time.perf_counter() - started)
    return seconds, answer


def p(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = os.environ.get("CABLEGRAPH_CORPUS") or str(Path(__file__).resolve().parents[2] / "shared/corpus")
    parser.add_argument("--corpus", default=default)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    inputs = [str(Path(args.corpus) / name) for name in ("cables", "cables-pdf-text", "seed")]
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        started = time.perf_counter()
        summary = pipeline.transform(inputs, str(work / "plain.nq"), jobs=args.jobs)
        plain = time.perf_counter() - started
        started = time.perf_counter()
        with IndexWriter(work / "search.sqlite", DEFAULT_BASE) as index:
            pipeline.transform(inputs, str(work / "cables.nq"), jobs=args.jobs, on_record=index.add)
        indexed = time.perf_counter() - started
        size = (work / "search.sqlite").stat().st_size
        print(f"build, {summary.cables_out:,} cables: transform+validate {plain:.1f} s, with the index {indexed:.1f} s "
              f"(x{indexed / plain:.2f}); index {size / 1e6:.1f} MB")
        build_store(work / "store", [work / "cables.nq"])
        searcher = Searcher(work / "search.sqlite")
        print(f"\n{'search':<24} {'index p50':>10} {'p95':>8} {'found':>7}   {'SPARQL p50':>10} {'p95':>8} "
              f"{'found':>7} {'ratio p50':>9}")
        with OxigraphServer(work / "store", read_only=True) as server:
            for label, words, required, filters in SEARCHES:
                seconds, found = timed(lambda w=words, f=filters: searcher.search(w, f, limit=20), args.repeat)
                line = f"{label:<24} {p(seconds, .5):8.1f}ms {p(seconds, .95):6.1f}ms {found.total:7,}"
                if required:
                    condition = " && ".join(f'CONTAINS(LCASE(?text), "{word}")' for word in required)
                    query = BASELINE % condition  # fixed words of this script, not user input
                    spent, rows = timed(lambda q=query: run_query(server.query_url, q, timeout=600),
                                        max(3, args.repeat // 5))
                    line += (f"   {p(spent, .5):8.1f}ms {p(spent, .95):6.1f}ms {len(rows.rows):7,} "
                             f"{p(spent, .5) / max(p(seconds, .5), 0.001):8.0f}x")
                print(line, flush=True)
        searcher.close()
    print("\nSPARQL: FILTER(CONTAINS(LCASE(?text), ...)) over schema:text on the same store (no text index in "
          "Oxigraph); counts differ where a word is part of a longer one (CONTAINS) or is stemmed apart.")


if __name__ == "__main__":
    main()
