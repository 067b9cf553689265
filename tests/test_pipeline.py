"""Tests for cablegraph.pipeline: text -> record -> quads, streaming, in parallel, with a quarantine.

Everything runs on the bundled fictional fixtures (`transform/cablegraph/fixtures/`, see the README
there) or on folders built from them in tmp_path. The output of every format is read back with two
independent parsers (rdflib and pyoxigraph), so a serialisation bug cannot hide behind the writer.
"""

from __future__ import annotations

import gzip
import json
import shutil
from collections import Counter
from dataclasses import asdict
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import NamedNode, Quad, RdfFormat
from pyoxigraph import parse as ox_parse
from rdflib.namespace import DCTERMS

import cablegraph
from cablegraph import pipeline
from cablegraph.rdf.vocab import DEFAULT_BASE, ONTOLOGY_IRI, VOCAB_BASE
from cablegraph.sources import expand_paths

pytestmark = [
    pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
]

FIXTURES = Path(cablegraph.__file__).parent / "fixtures"
#: The cables the fixtures README says must come out (bare files take their id from the text).
GOOD_IDS = frozenset({
    "00HARARE9012", "08LAGOS9004", "08SANTIAGO9005", "09REYKJAVIK9003", "09SANJOSE9010", "09STATE199001",
    "09USNATO9001", "09USNATO9002", "09USNATO9003", "75OSLO9001", "09PARIS9001", "09UNVIEVIENNA9001",
})
BROKEN = ("broken-empty-preamble.txt", "broken-not-a-cable.txt")
FAILURE_KEYS = ["source", "reference_id", "stage", "reason", "findings"]
#: Subjects described in the shared graph, as paths under the base.
SHARED_KINDS = ("tag/", "post/", "person/", "addressee/", "link/", "source/")

OX_FORMATS = {"nq": RdfFormat.N_QUADS, "trig": RdfFormat.TRIG, "nt": RdfFormat.N_TRIPLES, "ttl": RdfFormat.TURTLE}
RDFLIB_FORMATS = {"nq": "nquads", "trig": "trig", "nt": "nt", "ttl": "turtle"}
OUTPUT_NAMES = ("out.nq", "out.trig", "out.nt", "out.ttl", "out.nq.gz")


def summary_fields(summary: pipeline.Summary) -> dict:
    """Everything in a summary except the wall-clock time."""
    data = asdict(summary)
    data.pop("seconds")
    return data


def read_output(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.name.endswith(".gz") else data


def fmt_of(path: Path) -> str:
    return path.name.removesuffix(".gz").rsplit(".", 1)[1]


def ox_quads(path: Path) -> list[Quad]:
    return list(ox_parse(read_output(path), format=OX_FORMATS[fmt_of(path)]))


def nquad_lines(path: Path) -> list[bytes]:
    return [line for line in read_output(path).splitlines() if line.strip()]


class Runs:
    """Pipeline runs over the fixtures folder, made once per module and shared by the tests."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.cache: dict[tuple, tuple[pipeline.Summary, Path, Path]] = {}

    def __call__(self, name: str = "out.nq", jobs: int = 1, base: str | None = None):
        key = (name, jobs, base)
        if key not in self.cache:
            folder = self.root / f"run{len(self.cache)}"
            output, quarantine = folder / name, folder / "failures.jsonl"
            summary = pipeline.transform([str(FIXTURES)], str(output), jobs=jobs, base=base,
                                         quarantine=str(quarantine))
            self.cache[key] = (summary, output, quarantine)
        return self.cache[key]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    return Runs(tmp_path_factory.mktemp("pipeline"))


def fixture_folder(tmp_path: Path, names: list[str]) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in names:
        shutil.copy(FIXTURES / name, folder / name)
    return folder


def numbered_cables(folder: Path, count: int) -> list[Path]:
    """`count` fictional layout cables with distinct ids, from 09USNATO9001.txt."""
    text = (FIXTURES / "09USNATO9001.txt").read_text(encoding="utf-8")
    paths = []
    for i in range(count):
        path = folder / f"c{i:03d}.txt"
        path.write_text(text.replace("09USNATO9001", f"09USNATO{9100 + i}", 1), encoding="utf-8")
        paths.append(path)
    return paths


# -- determinism and accounting -------------------------------------------------------------------


def test_fixture_folder_is_what_the_readme_lists():
    names = sorted(p.name for p in FIXTURES.glob("*.txt"))
    assert len(names) == len(GOOD_IDS) + len(BROKEN)
    assert set(BROKEN) <= set(names)


def test_jobs_1_and_2_give_byte_identical_nquads_and_equal_summaries(runs):
    one, out1, q1 = runs("out.nq", jobs=1)
    two, out2, q2 = runs("out.nq", jobs=2)
    assert out1.stat().st_size > 0
    assert out1.read_bytes() == out2.read_bytes()
    assert summary_fields(one) == summary_fields(two)
    assert q1.read_bytes() == q2.read_bytes()


def test_a_second_run_gives_the_same_bytes(runs, tmp_path):
    _, first, _ = runs("out.nq", jobs=2)
    again = tmp_path / "again.nq"
    pipeline.transform([str(FIXTURES)], str(again), jobs=2)
    assert again.read_bytes() == first.read_bytes()


def test_cables_written_in_input_order(runs):
    """Cables come out in the sorted order of their files, whatever the number of workers."""
    expected = [cid for cid in (_id_of_file(p) for p in expand_paths([str(FIXTURES)])) if cid in GOOD_IDS]
    for jobs in (1, 2):
        _, output, _ = runs("out.nq", jobs=jobs)
        order: list[str] = []
        for quad in ox_quads(output):
            if quad.predicate.value == str(DCTERMS.identifier):
                order.append(quad.object.value)
        assert order == expected


def _id_of_file(path: Path) -> str:
    return path.stem.removeprefix("bare-")


def test_every_cable_in_is_out_or_quarantined(runs):
    summary, output, _ = runs("out.nq", jobs=2)
    assert summary.cables_in == summary.cables_out + summary.quarantined
    assert (summary.cables_in, summary.cables_out, summary.quarantined) == (14, 12, 2)
    assert len(summary.failures) == summary.quarantined
    identifiers = {q.object.value for q in ox_quads(output) if q.predicate.value == str(DCTERMS.identifier)}
    assert identifiers == GOOD_IDS


def test_summary_counts_the_lines_written(runs):
    summary, output, _ = runs("out.nq")
    assert summary.triples == len(nquad_lines(output)) > 0
    assert summary.seconds > 0
    line = summary.line()
    assert line.startswith("14 cables in = 12 out (1 with SHACL warnings) + 2 quarantined; ")
    assert f"{summary.triples:,} triples" in line


def test_summary_check_refuses_lost_cables():
    summary = pipeline.Summary(cables_in=3, cables_out=1, quarantined=1)
    with pytest.raises(RuntimeError, match="lost cables: 3 in, 1 out, 1 quarantined"):
        summary.check()


# -- the quarantine -------------------------------------------------------------------------------


def test_broken_fixtures_are_quarantined_with_reasons(runs):
    summary, _, _ = runs("out.nq")
    failures = {Path(f.source).name: f for f in summary.failures}
    assert sorted(failures) == sorted(BROKEN)
    for name, failure in failures.items():
        assert Path(failure.source) == FIXTURES / name  # the reason is tied to the file it is about
        assert failure.stage in ("read", "parse")
        assert len(failure.reason) > 30

    preamble = failures["broken-empty-preamble.txt"]
    assert preamble.reference_id == "09REYKJAVIK9009"
    assert "preamble" in preamble.reason and "cut short" in preamble.reason
    assert "no cable text" in preamble.reason

    prose = failures["broken-not-a-cable.txt"]
    assert prose.reference_id is None
    assert prose.stage == "parse"
    assert "no reference id" in prose.reason
    assert "banner" in prose.reason


def test_not_a_cable_reason_names_the_missing_header(runs):
    summary, _, _ = runs("out.nq")
    (prose,) = [f for f in summary.failures if f.source.endswith("broken-not-a-cable.txt")]
    assert "header" in prose.reason.lower()


def test_quarantine_file_has_one_object_per_failure(runs):
    summary, _, quarantine = runs("out.nq")
    lines = quarantine.read_text(encoding="utf-8").splitlines()
    assert len(lines) == summary.quarantined == 2
    objects = [json.loads(line) for line in lines]
    for obj in objects:
        assert list(obj) == FAILURE_KEYS
        assert isinstance(obj["source"], str) and isinstance(obj["reason"], str)
        assert obj["stage"] in ("read", "parse", "transform")
    assert objects == [{**asdict(f), "findings": []} for f in summary.failures]


def test_no_quarantine_file_is_written_when_none_is_asked_for(tmp_path):
    folder = fixture_folder(tmp_path, ["09USNATO9001.txt", "broken-not-a-cable.txt"])
    summary = pipeline.transform([str(folder)], str(tmp_path / "o" / "out.nq"), jobs=1)
    assert summary.quarantined == 1
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["out.nq"]


def test_a_broken_file_in_the_middle_does_not_stop_the_run(tmp_path):
    folder = fixture_folder(tmp_path, ["08LAGOS9004.txt", "09USNATO9001.txt", "75OSLO9001.txt"])
    shutil.copy(FIXTURES / "broken-not-a-cable.txt", folder / "09AAA-not-a-cable.txt")  # sorts in the middle
    (folder / "09ZZZ-empty.txt").write_bytes(b"")  # a read failure, also between good files
    for jobs in (1, 2):
        output = tmp_path / f"out{jobs}.nq"
        summary = pipeline.transform([str(folder)], str(output), jobs=jobs, quarantine=str(tmp_path / "q.jsonl"))
        assert (summary.cables_in, summary.cables_out, summary.quarantined) == (5, 3, 2)
        assert sorted(Path(f.source).name for f in summary.failures) == ["09AAA-not-a-cable.txt", "09ZZZ-empty.txt"]
        assert {f.stage for f in summary.failures} == {"read", "parse"}
        identifiers = {q.object.value for q in ox_quads(output) if q.predicate.value == str(DCTERMS.identifier)}
        assert identifiers == {"08LAGOS9004", "09USNATO9001", "75OSLO9001"}


def test_a_missing_input_is_a_failure_not_an_exception(tmp_path):
    missing = tmp_path / "nope.txt"
    summary = pipeline.transform([str(FIXTURES / "09USNATO9001.txt"), str(missing)], str(tmp_path / "out.nq"),
                                 jobs=1)
    assert (summary.cables_in, summary.cables_out, summary.quarantined) == (2, 1, 1)
    (failure,) = summary.failures
    assert (failure.source, failure.stage) == (str(missing), "read")
    assert "does not exist" in failure.reason


@pytest.mark.parametrize("jobs", [1, 2])
def test_process_yields_failures_in_input_order(jobs):
    expected = [str(p) for p in expand_paths([str(FIXTURES)])]
    options = pipeline.Options(rdf_format=None)
    got = [item.source for item in pipeline.process([str(FIXTURES)], options=options, jobs=jobs)]
    assert got == expected


def test_quarantine_report_is_the_same_for_any_number_of_jobs(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    numbered_cables(folder, pipeline.BATCH_SIZE + 4)
    shutil.copy(FIXTURES / "broken-not-a-cable.txt", folder / "c002x.txt")  # parse failure in batch 1
    (folder / "c034x.txt").write_bytes(b"")  # read failure in batch 2
    reports = []
    for jobs in (1, 2):
        report = tmp_path / f"q{jobs}.jsonl"
        summary = pipeline.transform([str(folder)], str(tmp_path / f"out{jobs}.nq"), jobs=jobs, quarantine=str(report))
        assert summary.quarantined == 2
        reports.append(report.read_text(encoding="utf-8"))
    assert reports[0] == reports[1]


def test_output_stays_identical_across_jobs_with_several_batches(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    numbered_cables(folder, pipeline.BATCH_SIZE * 2 + 3)
    outputs = []
    for jobs in (1, 3):
        output = tmp_path / f"out{jobs}.nq"
        summary = pipeline.transform([str(folder)], str(output), jobs=jobs, validate=False)
        assert summary.cables_out == pipeline.BATCH_SIZE * 2 + 3
        outputs.append(output.read_bytes())
    assert outputs[0] == outputs[1]


# -- every format reads back ----------------------------------------------------------------------


@pytest.mark.parametrize("name", OUTPUT_NAMES)
def test_every_format_parses_back_with_pyoxigraph(runs, name):
    summary, output, _ = runs(name)
    if name.endswith(".gz"):
        assert output.read_bytes()[:2] == b"\x1f\x8b"
    quads = ox_quads(output)
    assert len(quads) == summary.triples
    for cid in GOOD_IDS:
        cable = NamedNode(f"{DEFAULT_BASE}cable/{cid}")
        identifiers = [q.object.value for q in quads
                       if q.subject == cable and q.predicate.value == str(DCTERMS.identifier)]
        assert identifiers == [cid]


@pytest.mark.parametrize("name", OUTPUT_NAMES)
def test_every_format_parses_back_with_rdflib(runs, name):
    _, output, _ = runs(name)
    fmt = fmt_of(output)
    data = read_output(output)
    if fmt in ("nq", "trig"):
        graph: rdflib.Graph = rdflib.Dataset()
        graph.parse(data=data, format=RDFLIB_FORMATS[fmt])
        triples = {(s, p, o) for s, p, o, _ in graph.quads((None, None, None, None))}
    else:
        graph = rdflib.Graph()
        graph.parse(data=data, format=RDFLIB_FORMATS[fmt])
        triples = set(graph)
    assert len(triples) > 1000
    for cid in GOOD_IDS:
        cable = rdflib.URIRef(f"{DEFAULT_BASE}cable/{cid}")
        assert (cable, DCTERMS.identifier, rdflib.Literal(cid)) in triples


def test_all_formats_hold_the_same_triples(runs):
    def triples(name: str) -> set:
        return {(q.subject, q.predicate, q.object) for q in ox_quads(runs(name)[1])}

    reference = triples("out.nq")
    for name in OUTPUT_NAMES[1:]:
        assert triples(name) == reference, name


@pytest.mark.parametrize("name", ["out.nq", "out.trig"])
def test_named_graphs_per_cable_and_shared(runs, name):
    _, output, _ = runs(name)
    quads = ox_quads(output)
    shared = f"{DEFAULT_BASE}graph/shared"
    seen_kinds: set[str] = set()
    graphs: Counter[str] = Counter()
    for quad in quads:
        subject, graph = quad.subject.value, quad.graph_name.value
        graphs[graph] += 1
        local = subject.removeprefix(DEFAULT_BASE)
        if local.startswith("cable/"):
            cid = local.split("/")[1]
            assert graph == f"{DEFAULT_BASE}graph/cable/{cid}", quad
        elif local.startswith("graph/cable/"):  # provenance of the graph, inside the graph
            assert graph == subject, quad
        elif local.startswith(SHARED_KINDS):
            seen_kinds.add(local.split("/")[0])
            assert graph == shared, quad
        else:
            pytest.fail(f"unexpected subject {subject} in {graph}")
    assert seen_kinds == {kind.rstrip("/") for kind in SHARED_KINDS}
    assert set(graphs) == {shared} | {f"{DEFAULT_BASE}graph/cable/{cid}" for cid in GOOD_IDS}


def test_named_graphs_seen_by_rdflib(runs):
    _, output, _ = runs("out.trig")
    dataset = rdflib.Dataset()
    dataset.parse(output, format="trig")
    for cid in GOOD_IDS:
        graph = dataset.graph(rdflib.URIRef(f"{DEFAULT_BASE}graph/cable/{cid}"))
        assert (rdflib.URIRef(f"{DEFAULT_BASE}cable/{cid}"), DCTERMS.identifier, rdflib.Literal(cid)) in graph
    shared = dataset.graph(rdflib.URIRef(f"{DEFAULT_BASE}graph/shared"))
    assert (rdflib.URIRef(f"{DEFAULT_BASE}tag/PREL"), None, None) in shared
    assert (rdflib.URIRef(f"{DEFAULT_BASE}post/USNATO"), None, None) in shared


@pytest.mark.parametrize("kind", ["tag/", "post/", "person/"])
def test_shared_descriptions_are_written_once(runs, kind):
    """Tags, posts and people used by several cables are described once, not once per cable."""
    _, output, _ = runs("out.nq")
    lines = [line for line in nquad_lines(output) if line.startswith(f"<{DEFAULT_BASE}{kind}".encode())]
    assert lines
    assert [line for line, count in Counter(lines).items() if count > 1] == []
    if kind == "tag/":  # PREL is used by most fixtures: its types (cg:Tag, cg:SubjectTag, skos:Concept) once
        prel = [line for line in lines if line.startswith(f"<{DEFAULT_BASE}tag/PREL> <{rdflib.RDF.type}>".encode())]
        assert len(prel) == 3


@pytest.mark.parametrize("name", ["out.nq", "out.nt"])
def test_output_has_no_duplicate_quads(runs, name):
    _, output, _ = runs(name)
    lines = nquad_lines(output)
    assert [line for line, count in Counter(lines).items() if count > 1] == []


def test_one_addressee_with_two_routings_is_described_once(tmp_path):
    folder = fixture_folder(tmp_path, ["09USNATO9001.txt", "75OSLO9001.txt"])
    output = tmp_path / "out.nq"
    pipeline.transform([str(folder)], str(output), jobs=1)
    type_line = (f"<{DEFAULT_BASE}addressee/SECSTATE-WASHDC> <{rdflib.RDF.type}> "
                 f"<{ONTOLOGY_IRI}#Addressee> <{DEFAULT_BASE}graph/shared> .").encode()
    assert nquad_lines(output).count(type_line) == 1


# -- the base IRI ---------------------------------------------------------------------------------


def test_custom_base_is_used_for_every_minted_iri(runs):
    base = "https://example.org/cables/"
    summary, output, _ = runs("out.nq", base=base)
    assert summary.cables_out == len(GOOD_IDS)
    quads = ox_quads(output)
    assert len(quads) == summary.triples
    ours = (DEFAULT_BASE, "https://example.org/")
    for quad in quads:
        assert quad.subject.value.startswith(base), quad
        assert quad.graph_name.value.startswith(base), quad
        for term in (quad.predicate, quad.object):
            if isinstance(term, NamedNode) and term.value.startswith(ours):
                # only the ontology and its concept schemes keep their own, fixed namespace
                assert term.value.startswith((base, VOCAB_BASE, ONTOLOGY_IRI)), quad
    for cid in GOOD_IDS:
        cable = NamedNode(f"{base}cable/{cid}")
        graph = NamedNode(f"{base}graph/cable/{cid}")
        assert any(q.subject == cable and q.object.value == cid and q.graph_name == graph for q in quads)
    assert not any(q.subject.value.startswith(DEFAULT_BASE) for q in quads)


@pytest.mark.parametrize(("base", "message"), [
    ("ftp://x", r"base IRI 'ftp://x' must be an absolute http\(s\) IRI"),
    ("https://x.org/no-slash", r"base IRI 'https://x.org/no-slash' must end with '/' or '#'"),
    ("not a base", r"must be an absolute http\(s\) IRI"),
])
def test_a_bad_base_fails_with_a_clear_message(tmp_path, base, message):
    with pytest.raises(ValueError, match=message):
        pipeline.transform([str(FIXTURES / "09USNATO9001.txt")], str(tmp_path / "out.nq"), base=base, jobs=1)
    with pytest.raises(ValueError, match=message):
        list(pipeline.process([str(FIXTURES / "09USNATO9001.txt")], options=pipeline.Options(base=base), jobs=2))


def test_a_bad_base_leaves_an_existing_output_alone(tmp_path):
    output = tmp_path / "out.nq"
    output.write_bytes(b"precious\n")
    with pytest.raises(ValueError):
        pipeline.transform([str(FIXTURES / "09USNATO9001.txt")], str(output), base="ftp://x", jobs=1)
    assert output.read_bytes() == b"precious\n"


# -- output formats -------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "explicit", "expected"), [
    ("out.nq", None, "nq"), ("out.trig.gz", None, "trig"), ("out.ttl", None, "ttl"), ("out.nt.gz", None, "nt"),
    ("out.rdf", None, "nq"), ("out", None, "nq"), ("out.nq", "ttl", "ttl"),
])
def test_output_format_for(path, explicit, expected):
    assert pipeline.output_format_for(path, explicit) == expected


def test_explicit_format_overrides_the_suffix(tmp_path):
    output = tmp_path / "out.nq"
    pipeline.transform([str(FIXTURES / "09USNATO9001.txt")], str(output), rdf_format="ttl", jobs=1)
    data = output.read_bytes()
    assert data.startswith(b"@prefix")
    assert len(list(ox_parse(data, format=RdfFormat.TURTLE))) > 50
