"""`cablegraph publish`: text -> record -> triples -> shapes -> store -> dumps, in one command.

A release is built whole in a staging folder and switched in by one atomic rename (store/release.py),
so a crash at any moment leaves the previous release as it was. The published data directory::

    DATA/store                  the Oxigraph store (`cablegraph serve --data DATA` serves it)
    DATA/dumps/cables.nq.gz     every graph, named graphs kept (N-Quads)
    DATA/dumps/cables.ttl.gz    the same triples as one Turtle file (graph names dropped)
    DATA/dumps/SHA256SUMS       checksums of the dumps
    DATA/quarantine.jsonl       every cable that did not make it, with the reason
    DATA/search.sqlite          the full-text index of the published cables (SQLite FTS5)
    DATA/release.json           what was published, when, from what, with the counts

each a link through DATA/current into DATA/releases/<id>/. If a read-write server started by
cablegraph (`serve --read-write`) holds the store, the cables go to it over HTTP instead,
incrementally: the user chose a live store, which is changed in place.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Store, parse, serialize

from cablegraph import __version__, pipeline
from cablegraph.queries import read_query
from cablegraph.rdf.vocab import DEFAULT_BASE, ONTOLOGY_IRI, PREFIXES
from cablegraph.resources import project_file, project_root
from cablegraph.search.index import SEARCH_INDEX, IndexWriter
from cablegraph.store.endpoint import Endpoint
from cablegraph.store.load import LoadState, load
from cablegraph.store.oxigraph import running_server
from cablegraph.store.release import DataFolder, crash_point
from cablegraph.validate import DEFAULT_ENGINE

VOCABULARY_FILES = (
    ("ontology", "cablegraph.ttl"), ("ontology", "vocabularies.ttl"), ("shapes", "cablegraph-shapes.ttl"),
)


@dataclass(slots=True)
class Dump:
    path: Path
    media_type: str
    byte_size: int
    sha256: str


@dataclass(slots=True)
class PublishResult:
    data: Path
    summary: pipeline.Summary
    triples_in_store: int = 0
    dumps: list[Dump] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    over_http: str | None = None  # the server URL when the store was loaded over HTTP


def publish(inputs: Iterable[str], data: str | Path, *, base: str = DEFAULT_BASE, input_format: str = "auto",
            jobs: int | None = None, public_url: str | None = None, progress: Callable[[int], None] | None = None,
            say: Callable[[str], None] = print, wikidata_cache: str | None = None,
            engine: str = DEFAULT_ENGINE, publisher: Publisher | None = None) -> PublishResult:
    """Publish `inputs` into the data folder `data`, holding its lock for the whole run."""
    inputs = list(inputs)
    with DataFolder(data).locked() as folder:
        writable = running_server(folder.path / "store", writable=True)
        if writable:
            return _publish_over_http(inputs, folder, writable, base=base, input_format=input_format, jobs=jobs,
                                      progress=progress, say=say, wikidata_cache=wikidata_cache, engine=engine)
        serving = running_server(folder.path / "store")
        result = _publish_release(inputs, folder, base=base, input_format=input_format, jobs=jobs,
                                  public_url=public_url, progress=progress, say=say, wikidata_cache=wikidata_cache,
                                  engine=engine, publisher=publisher or Publisher())
        if serving:
            say(f"the running server {serving} still serves the previous release: restart `cablegraph serve` "
                "to serve this one")
        return result


def _publish_release(inputs: list[str], folder: DataFolder, *, base: str, input_format: str, jobs: int | None,
                     public_url: str | None, progress: Callable[[int], None] | None, say: Callable[[str], None],
                     wikidata_cache: str | None, engine: str, publisher: Publisher) -> PublishResult:
    """Every part of the release in a staging folder, then one switch; nothing of the previous one is touched."""
    started = time.perf_counter()
    timings: dict[str, float] = {}
    staging = folder.stage()
    work = staging / "work"
    work.mkdir()
    nquads = work / "cables.nq"
    say("parse, transform, validate and index ...")
    with IndexWriter(staging / SEARCH_INDEX, base) as index:  # the words, written as the cables stream by
        summary = pipeline.transform(inputs, str(nquads), input_format=input_format, base=base, jobs=jobs,
                                     quarantine=str(staging / "quarantine.jsonl"), validate=True,
                                     progress=progress, wikidata_cache=wikidata_cache, engine=engine,
                                     on_record=index.add)
    timings["transform+validate+index"] = time.perf_counter() - started
    crash_point("after-transform")
    result = PublishResult(data=folder.path, summary=summary, seconds=timings)
    vocabulary = work / "vocabulary.nq"
    write_vocabulary(vocabulary, base)
    step = time.perf_counter()
    say("bulk loading a fresh store ...")
    store = build_store(staging / "store", [nquads, vocabulary])
    timings["load (bulk)"] = time.perf_counter() - step
    crash_point("after-load")
    step = time.perf_counter()
    say("writing dumps ...")
    result.dumps = write_dumps(store, staging / "dumps")
    timings["dumps"] = time.perf_counter() - step
    step = time.perf_counter()
    describe_dataset(store, base, result.dumps, public_url, publisher)
    store.flush()
    result.triples_in_store = len(store)
    timings["dataset description"] = time.perf_counter() - step
    crash_point("after-description")
    del store  # closes the store: the folder is renamed next
    shutil.rmtree(work)
    timings["total"] = time.perf_counter() - started
    release = folder.switch(staging, _manifest(inputs, base, result))
    # Name the dumps by their published path (DATA/dumps/..., through `current`), not the staging one.
    result.dumps = [replace(dump, path=folder.path / "dumps" / dump.path.name) for dump in result.dumps]
    say(f"published release {release.name}")
    return result


def _publish_over_http(inputs: list[str], folder: DataFolder, server: str, *, base: str, input_format: str,
                       jobs: int | None, progress: Callable[[int], None] | None, say: Callable[[str], None],
                       wikidata_cache: str | None, engine: str) -> PublishResult:
    """Send the cables to the read-write server holding the store; the quarantine report is replaced whole."""
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="work-", dir=folder.path))
    try:
        nquads, vocabulary, quarantine = work / "cables.nq", work / "vocabulary.nq", work / "quarantine.jsonl"
        say("parse, transform and validate ...")
        summary = pipeline.transform(inputs, str(nquads), input_format=input_format, base=base, jobs=jobs,
                                     quarantine=str(quarantine), validate=True, progress=progress,
                                     wikidata_cache=wikidata_cache, engine=engine)
        timings = {"transform+validate": time.perf_counter() - started}
        write_vocabulary(vocabulary, base)
        step = time.perf_counter()
        say(f"loading over HTTP into the running server {server} ...")
        state = LoadState(folder.path / "load-state.sqlite")
        try:
            loaded = load([str(nquads), str(vocabulary)], Endpoint.oxigraph(server), base=base, state=state)
        finally:
            state.close()
        if loaded.failures:
            raise RuntimeError(f"{len(loaded.failures)} graphs could not be loaded; first: {loaded.failures[0]}")
        os.replace(quarantine, (folder.path / "quarantine.jsonl").resolve())
        timings["load (HTTP)"] = time.perf_counter() - step
        timings["total"] = time.perf_counter() - started
        return PublishResult(data=folder.path, summary=summary, seconds=timings, over_http=server)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _manifest(inputs: list[str], base: str, result: PublishResult) -> dict:
    """release.json: what a release holds, for people and scripts (serve reads nothing else from it)."""
    summary = result.summary
    return {
        "published": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "cablegraph": __version__,
        "base": base,
        "inputs": [str(Path(path).resolve()) if Path(path).exists() else path for path in inputs],
        "cables_in": summary.cables_in,
        "cables_out": summary.cables_out,
        "quarantined": summary.quarantined,
        "triples": result.triples_in_store,
        "dumps": {dump.path.name: {"bytes": dump.byte_size, "sha256": dump.sha256} for dump in result.dumps},
    }


def write_vocabulary(path: Path, base: str) -> None:
    """The ontology, the concept schemes and the shapes, each in its own named graph."""
    with open(path, "wb") as out:
        for folder, name in VOCABULARY_FILES:
            graph = NamedNode(f"{base}graph/{Path(name).stem}")
            triples = parse(path=str(project_file(folder, name)), format=RdfFormat.TURTLE)
            quads = [Quad(t.subject, t.predicate, t.object, graph) for t in triples]
            serialize(quads, out, format=RdfFormat.N_QUADS)


def build_store(location: Path, files: list[Path]) -> Store:
    """Bulk-load the files into a new store at `location` (a staging folder's: nobody reads it yet)."""
    store = Store(str(location))
    for path in files:
        store.bulk_load(path=str(path), format=RdfFormat.N_QUADS)
    store.flush()
    store.optimize()
    return store


def write_dumps(store: Store, folder: Path) -> list[Dump]:
    """gzip N-Quads (graphs kept) and gzip Turtle (all triples), streamed from the store, with SHA-256."""
    folder.mkdir(parents=True, exist_ok=True)
    nq = folder / "cables.nq.gz"
    with gzip.open(nq, "wb", compresslevel=6) as out:
        store.dump(out, format=RdfFormat.N_QUADS)
    crash_point("mid-dumps")
    ttl = folder / "cables.ttl.gz"
    with gzip.open(ttl, "wb", compresslevel=6) as out:
        serialize((quad.triple for quad in store.quads_for_pattern(None, None, None)), out,
                  format=RdfFormat.TURTLE, prefixes=PREFIXES)
    dumps = [Dump(nq, "application/n-quads", nq.stat().st_size, _sha256(nq)),
             Dump(ttl, "text/turtle", ttl.stat().st_size, _sha256(ttl))]
    (folder / "SHA256SUMS").write_text("".join(f"{d.sha256}  {d.path.name}\n" for d in dumps), encoding="utf-8")
    return dumps


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


#: The published dataset's licence. Share-alike because the organisation links (cg:WikidataLink with
#: prov:hadPrimarySource source/org-tags-wikidata or source/supraverden) are derived from
#: confirmordeny/supraverden, CC BY-SA 4.0; each link source states its own licence (dcterms:rights).
DATASET_LICENSE = "https://creativecommons.org/licenses/by-sa/4.0/"
DATASET_RIGHTS = (
    "The cable texts are works of the US Government as released by WikiLeaks. The structure and links added by "
    "cablegraph are licensed CC BY-SA 4.0, because the organisation links to Wikidata are derived from "
    "confirmordeny/supraverden (https://github.com/confirmordeny/supraverden, CC BY-SA 4.0); every link names "
    "its source and that source's licence (cg:LinkSource, dcterms:rights). The cablegraph ontology, SHACL shapes "
    "and vocabularies hold no such data and are licensed CC BY 4.0.")


@dataclass(frozen=True, slots=True)
class Publisher:
    """Who publishes the dataset and how to reach them (the description's dcterms:publisher and
    dcat:contactPoint): `publish --publisher NAME --contact URL-or-email`."""

    name: str = "cablegraph contributors"
    contact: str | None = None  # a URL or an e-mail address; None: the site's home page


def describe_dataset(store: Store, base: str, dumps: list[Dump], public_url: str | None,
                     publisher: Publisher = Publisher()) -> None:
    """VoID + DCAT description and a SPARQL service description, from the data, into `graph/dataset`."""
    graph = NamedNode(f"{base}graph/dataset")
    if store.contains_named_graph(graph):
        store.remove_graph(graph)
    dataset = NamedNode(f"{base}dataset")
    quads = []
    for name in ("void-statistics.rq", "void-wikidata-linkset.rq", "void-coverage.rq"):
        description = read_query(project_root() / "queries" / "dataset" / name)
        # The coverage query follows links across graphs (a cable's post, in graph/shared), so the default
        # graph is the union of the graphs; the statistics and the linkset name their graphs (GRAPH ?g).
        found = store.query(description.bind({"dataset": dataset.value}), use_default_graph_as_union=True)
        quads += [Quad(t.subject, t.predicate, t.object, graph) for t in found]
    quads += [Quad(s, p, o, graph) for s, p, o in _description(dataset, base, dumps, public_url, publisher)]
    quads += [Quad(s, p, o, graph) for s, p, o in _subsets(store, dataset, base)]
    store.extend(quads)


def _subsets(store: Store, dataset: NamedNode, base: str):
    """The ontology, vocabularies and shapes are published beside the data, each a void:subset with its own
    triple count: the dataset's void:triples counts the data (cables and shared descriptions) alone."""
    void, dcterms = "http://rdfs.org/ns/void#", "http://purl.org/dc/terms/"
    for folder, name in VOCABULARY_FILES:
        stem = Path(name).stem
        graph = NamedNode(f"{base}graph/{stem}")
        count = next(iter(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")))["n"]
        subset = NamedNode(f"{base}dataset/{stem}")
        yield dataset, NamedNode(void + "subset"), subset
        yield subset, NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), NamedNode(void + "Dataset")
        yield subset, NamedNode(dcterms + "title"), Literal(f"{folder}/{name}", language="en")
        yield subset, NamedNode(void + "triples"), count


KEYWORDS = ("diplomatic cables", "Cablegate", "WikiLeaks", "US Department of State", "foreign policy",
            "diplomacy", "linked data")


def _description(dataset: NamedNode, base: str, dumps: list[Dump], public_url: str | None, publisher: Publisher):
    def iri(value: str) -> NamedNode:
        return NamedNode(value)

    rdf_type = iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    dcterms = "http://purl.org/dc/terms/"
    void, dcat, sd = "http://rdfs.org/ns/void#", "http://www.w3.org/ns/dcat#", "http://www.w3.org/ns/sparql-service-description#"
    prov, spdx, xsd = "http://www.w3.org/ns/prov#", "http://spdx.org/rdf/terms#", "http://www.w3.org/2001/XMLSchema#"
    # Where the site is: the public URL when given, else the base IRI itself (where it resolves once served or
    # redirected there); never a loopback address that means nothing to anyone who reads the description.
    site = (public_url or base).rstrip("/#")
    now = Literal(datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), datatype=iri(xsd + "dateTime"))
    yield dataset, rdf_type, iri(void + "Dataset")
    yield dataset, rdf_type, iri(dcat + "Dataset")
    yield dataset, iri(dcterms + "title"), Literal("cablegraph: US diplomatic cables as linked data", language="en")
    yield dataset, iri(dcterms + "description"), Literal(
        "US State Department cables of the 2010 Cablegate release, parsed into records and published as RDF "
        "under the cablegraph ontology: headers, addressees, TAGS, references, classification authority and "
        "paragraphs, with each cable's full text.", language="en")
    # CC BY-SA, not CC BY: the dumps carry organisation links whose QIDs come from supraverden (CC BY-SA 4.0),
    # and one licence on an unsplit dump must hold for every triple (data/SOURCES.md, data/links/README.md).
    yield dataset, iri(dcterms + "license"), iri(DATASET_LICENSE)
    yield dataset, iri(dcterms + "rights"), Literal(DATASET_RIGHTS, language="en")
    yield dataset, iri(dcterms + "modified"), now
    agent = iri(f"{base}dataset#publisher")
    yield dataset, iri(dcterms + "publisher"), agent
    yield agent, rdf_type, iri("http://xmlns.com/foaf/0.1/Agent")
    yield agent, iri("http://xmlns.com/foaf/0.1/name"), Literal(publisher.name)
    vcard = "http://www.w3.org/2006/vcard/ns#"
    contact = iri(f"{base}dataset#contact")
    yield dataset, iri(dcat + "contactPoint"), contact
    yield contact, rdf_type, iri(vcard + "Kind")
    yield contact, iri(vcard + "fn"), Literal(publisher.name)
    reach = publisher.contact or site + "/"
    if "@" in reach and not reach.startswith(("http://", "https://", "mailto:")):
        reach = "mailto:" + reach
    yield contact, iri(vcard + ("hasEmail" if reach.startswith("mailto:") else "hasURL")), iri(reach)
    for keyword in KEYWORDS:
        yield dataset, iri(dcat + "keyword"), Literal(keyword, language="en")
    yield dataset, iri("http://xmlns.com/foaf/0.1/homepage"), iri(site + "/")
    yield dataset, iri(dcterms + "language"), iri("http://id.loc.gov/vocabulary/iso639-1/en")
    yield dataset, iri(void + "vocabulary"), iri(ONTOLOGY_IRI)
    yield dataset, iri(void + "uriSpace"), Literal(base)
    yield dataset, iri(void + "sparqlEndpoint"), iri(f"{site}/query")
    # The shapes keep their own fixed IRI (shapes/cablegraph-shapes.ttl), whatever the data base.
    yield dataset, iri(dcterms + "conformsTo"), iri("https://w3id.org/cablegraph/shapes")
    activity = iri(f"{base}activity/publish/{__version__}")
    yield dataset, iri(prov + "wasGeneratedBy"), activity
    yield activity, rdf_type, iri(prov + "Activity")
    yield activity, iri(prov + "endedAtTime"), now
    yield activity, iri(prov + "wasAssociatedWith"), iri(f"{base}agent/cablegraph/{__version__}")
    for dump in dumps:
        distribution = iri(f"{base}dumps/{dump.path.name}")
        yield dataset, iri(void + "dataDump"), iri(f"{site}/dumps/{dump.path.name}")
        yield dataset, iri(dcat + "distribution"), distribution
        yield distribution, rdf_type, iri(dcat + "Distribution")
        yield distribution, iri(dcat + "downloadURL"), iri(f"{site}/dumps/{dump.path.name}")
        yield distribution, iri(dcat + "mediaType"), Literal(dump.media_type)
        yield distribution, iri(dcat + "compressFormat"), Literal("application/gzip")
        size = Literal(str(dump.byte_size), datatype=iri(xsd + "nonNegativeInteger"))
        yield distribution, iri(dcat + "byteSize"), size
        checksum = iri(f"{base}dumps/{dump.path.name}#sha256")
        yield distribution, iri(spdx + "checksum"), checksum
        yield checksum, rdf_type, iri(spdx + "Checksum")
        yield checksum, iri(spdx + "algorithm"), iri(spdx + "checksumAlgorithm_sha256")
        yield checksum, iri(spdx + "checksumValue"), Literal(dump.sha256, datatype=iri(xsd + "hexBinary"))
    service = iri(f"{base}sparql-service")
    yield service, rdf_type, iri(sd + "Service")
    yield service, iri(sd + "endpoint"), iri(f"{site}/query")
    yield service, iri(sd + "supportedLanguage"), iri(sd + "SPARQL11Query")
    yield service, iri(sd + "feature"), iri(sd + "UnionDefaultGraph")
    for media in ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                  "text/tab-separated-values", "application/n-triples", "text/turtle"):
        yield service, iri(sd + "resultFormat"), Literal(media)
    yield service, iri(sd + "defaultDataset"), dataset
    yield dataset, rdf_type, iri(sd + "Dataset")
