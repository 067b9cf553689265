"""The `cablegraph` command line: parse, transform, validate, publish, serve, load, query, link.

Exit codes are the same for every command (cablegraph/exits.py): 0 everything went through;
1 some cables were quarantined (the run still finished and wrote everything else); 2 usage
errors; 3 the run could not finish (one line says why; --debug shows the traceback); 130 Ctrl-C.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict
from pathlib import Path

import click
from tqdm import tqdm

from cablegraph import __version__, pipeline
from cablegraph.exits import EXIT_FAILED, EXIT_QUARANTINED, CommandLine, enable_debug
from cablegraph.rdf.vocab import DEFAULT_BASE
from cablegraph.rdfinput import is_rdf_path
from cablegraph.sources import count_inputs
from cablegraph.validate import (
    DEFAULT_ENGINE,
    ENGINE_CHOICES,
    MAX_CABLE_BYTES_ENV,
    PYSHACL_MAX_CABLE_BYTES,
    severity_rank,
)

INPUT_FORMATS = click.Choice(["auto", "layout", "bare", "csv"])


@click.group(cls=CommandLine, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
             epilog="Exit codes: 0 all went through; 1 some cables quarantined (the rest is published); "
                    "2 usage error; 3 could not finish (--debug for the traceback); 130 interrupted.")
@click.version_option(__version__, prog_name="cablegraph")
@click.option("--debug", is_flag=True, expose_value=False, is_eager=True, callback=enable_debug,
              help="Show the traceback when a command fails (env CABLEGRAPH_DEBUG=1).")
def main() -> None:
    """Diplomatic cables as linked data: text -> record -> RDF -> SHACL -> SPARQL.

    Inputs are files, folders (searched recursively for .txt, .csv and .gz) or glob
    patterns, in the WikiLeaks layout (id, title, date, classification, origin, text),
    as bare cable text, or as the community cables.csv of the 2011 release.
    Try it on the bundled fictional sample:  cablegraph parse --sample --json | head -1
    """


def _inputs(inputs: tuple[str, ...], sample: bool) -> list[str]:
    if sample:
        from importlib.resources import files

        return [str(files("cablegraph") / "fixtures")]
    if not inputs:
        raise click.UsageError("give at least one INPUT (file, folder or glob), or --sample for the fictional sample")
    return list(inputs)


@contextmanager
def _progress(inputs: list[str], input_format: str, show: bool | None) -> Iterator[tqdm]:
    total = count_inputs(inputs, input_format) if show is not False else None
    bar = tqdm(total=total, unit=" cables", desc="cables", disable=None if show is None else not show,
               file=sys.stderr, dynamic_ncols=True, smoothing=0.1)
    try:
        yield bar
    finally:
        bar.close()


def _jobs_option(function):
    return click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
                        help="Worker processes (default: every core).")(function)


def _engine_option(function):
    return click.option(
        "--shacl-engine", "engine", type=click.Choice(ENGINE_CHOICES), default=DEFAULT_ENGINE, show_default=True,
        envvar="CABLEGRAPH_SHACL_ENGINE",
        help="SHACL engine (env CABLEGRAPH_SHACL_ENGINE). auto: the compiled engine, or pyshacl when the shapes "
             "use a feature the compiled engine does not support (one line on stderr says so). compiled: the "
             "shapes file compiled into Python checks, about 25x faster than pyshacl, proven to give its results "
             "(tests/test_compiled_shacl.py); named explicitly, it refuses such shapes, naming the feature. "
             "pyshacl: the reference; its time grows with the square of a cable's size, so a cable whose text is "
             f"over {PYSHACL_MAX_CABLE_BYTES / 1e6:g} MB is quarantined as too large for it "
             f"(env {MAX_CABLE_BYTES_ENV}: the cap in bytes, 0 for none).",
    )(function)


def _checked_engine(engine: str) -> str:
    """Fail before any work when the engine cannot run: an unknown name, the compiled engine asked for by name
    and refusing the shapes (it names the feature), a malformed pyshacl cap. "auto" resolves (and says if it
    falls back to pyshacl) here, once, rather than in every worker."""
    try:
        return pipeline.check_engine(engine)
    except ValueError as error:
        raise click.ClickException(str(error)) from error


@main.command()
@click.argument("inputs", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per cable, one per line (the record).")
@click.option("--format", "--input-format", "input_format", type=INPUT_FORMATS, default="auto", show_default=True,
              help="Input format; auto-detected from content.")
@click.option("--sample", is_flag=True, help="Parse the bundled fictional example cables.")
@click.option("--quarantine", type=click.Path(dir_okay=False), help="Write failures here as JSON lines.")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: when a terminal).")
@_jobs_option
def parse(inputs: tuple[str, ...], as_json: bool, input_format: str, sample: bool, quarantine: str | None,
          progress: bool | None, jobs: int | None) -> None:
    """Parse cables into records: JSON lines with --json, else a one-line digest per cable."""
    paths = _inputs(inputs, sample)
    cables_in = failed = 0
    report = open(quarantine, "w", encoding="utf-8") if quarantine else None  # noqa: SIM115
    out = sys.stdout
    with _progress(paths, input_format, progress) as bar:
        options = pipeline.Options(rdf_format=None, keep_record=True)
        for item in pipeline.process(paths, input_format=input_format, options=options, jobs=jobs,
                                     progress=bar.update):
            cables_in += 1
            if item.failure:
                failed += 1
                click.echo(f"quarantined {item.failure.source}: {item.failure.reason}", err=True)
                if report:
                    report.write(json.dumps(asdict(item.failure), ensure_ascii=False) + "\n")
                continue
            record = item.record or {}
            if as_json:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            else:
                out.write(_digest(record) + "\n")
    if report:
        report.close()
    click.echo(f"{cables_in:,} cables in = {cables_in - failed:,} parsed + {failed:,} quarantined", err=True)
    sys.exit(EXIT_QUARANTINED if failed else 0)


def _digest(record: dict) -> str:
    tags = " ".join(tag["code"] for tag in record["tags"])
    return (f"{record['reference_id']}\t{record['created'] or '-'}\t{record['classification'] or '-'}\t"
            f"{record['origin'] or '-'}\t{tags}\t{record['subject'] or ''}")


@main.command()
@click.argument("inputs", nargs=-1)
@click.option("-o", "--output", required=True, metavar="FILE",
              help="Output file ('-' for stdout); .gz compresses. Format from the suffix unless --format.")
@click.option("--format", "rdf_format", type=click.Choice(sorted(pipeline.FORMATS)), default=None,
              help="RDF format: nq (named graphs, default), trig, nt, ttl.")
@click.option("--input-format", type=INPUT_FORMATS, default="auto", show_default=True)
@click.option("--base", default=DEFAULT_BASE, show_default=True, envvar="CABLEGRAPH_BASE",
              help="Base IRI for everything minted (env CABLEGRAPH_BASE).")
@click.option("--quarantine", type=click.Path(dir_okay=False), default=None,
              help="Failures as JSON lines (default: OUTPUT's name + .quarantine.jsonl).")
@click.option("--sample", is_flag=True, help="Transform the bundled fictional example cables.")
@click.option("--validate/--no-validate", default=True, show_default=True,
              help="Check each cable against the SHACL shapes; a Violation quarantines the cable.")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: when a terminal).")
@click.option("--wikidata-cache", type=click.Path(dir_okay=False), default=None, envvar="CABLEGRAPH_WIKIDATA_CACHE",
              help="Also use the online Wikidata answers recorded by `cablegraph link --online` in this file.")
@_engine_option
@_jobs_option
def transform(inputs: tuple[str, ...], output: str, rdf_format: str | None, input_format: str, base: str,
              quarantine: str | None, sample: bool, validate: bool, progress: bool | None, wikidata_cache: str | None,
              engine: str, jobs: int | None) -> None:
    """Parse, transform and validate cables into RDF, streaming, on every core."""
    paths = _inputs(inputs, sample)
    if validate:
        _checked_engine(engine)
    if quarantine is None and output != "-":
        quarantine = output.removesuffix(".gz") + ".quarantine.jsonl"
    try:
        with _progress(paths, input_format, progress) as bar:
            summary = pipeline.transform(paths, output, rdf_format=rdf_format, input_format=input_format,
                                         base=base, jobs=jobs, quarantine=quarantine, validate=validate,
                                         progress=bar.update, wikidata_cache=wikidata_cache, engine=engine)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--base") from error
    click.echo(summary.line(), err=True)
    if summary.by_shape:
        click.echo(_shape_table(summary.by_shape), err=True)
    for failure in summary.failures[:10]:
        click.echo(f"  quarantined {failure.source} [{failure.stage}]: {failure.reason}", err=True)
    if summary.quarantined and quarantine:
        click.echo(f"  full report: {quarantine}", err=True)
    sys.exit(EXIT_QUARANTINED if summary.quarantined else 0)


def _shape_table(counts: Counter[tuple[str, str]]) -> str:
    """SHACL results by severity and shape, most severe and most frequent first."""
    rows = sorted(counts.items(), key=lambda item: (severity_rank(item[0][0]), -item[1], item[0][1]))
    return "\n".join(f"  {count:>8,}  {severity:<9} {name}" for (severity, name), count in rows)


@main.command()
@click.argument("inputs", nargs=-1)
@click.option("--input-format", type=INPUT_FORMATS, default="auto", show_default=True,
              help="For cable text inputs; RDF inputs (.nq, .trig, maybe .gz) are recognised by name.")
@click.option("--base", default=DEFAULT_BASE, show_default=True, envvar="CABLEGRAPH_BASE",
              help="Base IRI the RDF was minted under (env CABLEGRAPH_BASE).")
@click.option("--report", "report_path", type=click.Path(dir_okay=False), default=None,
              help="Write the full SHACL validation report here, in Turtle.")
@click.option("--examples", type=click.IntRange(min=0), default=3, show_default=True,
              help="Examples shown per shape.")
@click.option("--sample", is_flag=True, help="Validate the bundled fictional example cables.")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: when a terminal).")
@_engine_option
@_jobs_option
def validate(inputs: tuple[str, ...], input_format: str, base: str, report_path: str | None, examples: int,
             sample: bool, progress: bool | None, engine: str, jobs: int | None) -> None:
    """Validate cables against the SHACL shapes (shapes/cablegraph-shapes.ttl).

    INPUTs are RDF written by `cablegraph transform` (N-Quads or TriG, one named graph per
    cable) or cable text, which is parsed and transformed first. Prints results by shape and
    severity with the first examples; exit code 1 when any cable has a Violation.
    """
    paths = _inputs(inputs, sample)
    _checked_engine(engine)
    rdf = [path for path in paths if is_rdf_path(path)]
    text = [path for path in paths if not is_rdf_path(path)]
    summary = pipeline.Summary()
    shown: dict[tuple[str, str], list[str]] = {}
    with ExitStack() as stack:
        report = stack.enter_context(open(report_path, "wb")) if report_path else None
        on_report = report.write if report else None
        bar = stack.enter_context(_progress(text, input_format, progress))
        streams = []
        if text:
            options = pipeline.Options(base=base, validate=True, keep_report=report is not None, engine=engine)
            streams.append(pipeline.process(text, input_format=input_format, options=options, jobs=jobs,
                                            progress=bar.update, on_report=on_report))
        if rdf:
            streams.append(pipeline.validate_rdf(rdf, base=base, jobs=jobs, keep_report=report is not None,
                                                 progress=bar.update, on_report=on_report, engine=engine))
        for stream in streams:
            for item in stream:
                summary.count(item)
                for finding in item.findings:
                    examples_of = shown.setdefault((finding.severity, finding.name), [])
                    if len(examples_of) < examples:
                        value = f" value {finding.value!r}" if finding.value is not None else ""
                        examples_of.append(f"{item.reference_id}: {finding.focus}{value}: {finding.message}")
                if item.failure and item.failure.stage != "validate":
                    click.echo(f"  not validated {item.failure.source} [{item.failure.stage}]: "
                               f"{item.failure.reason}", err=True)
    failed = summary.quarantined
    click.echo(f"{summary.cables_in:,} cables validated: {summary.cables_in - failed:,} conform "
               f"({summary.cables_warned:,} with warnings), {failed:,} would be quarantined")
    for (severity, name), count in sorted(summary.by_shape.items(),
                                          key=lambda item: (severity_rank(item[0][0]), -item[1])):
        click.echo(f"{count:>8,}  {severity:<9} {name}")
        for line in shown.get((severity, name), []):
            click.echo(f"            e.g. {line}")
    if report_path:
        click.echo(f"full SHACL report: {report_path}")
    sys.exit(EXIT_QUARANTINED if failed else 0)


# -- publishing ---------------------------------------------------------------------------------

DATA_HELP = "Data directory of the published dataset (store, dumps, quarantine report)."


@main.command()
@click.argument("inputs", nargs=-1)
@click.option("--data", default="var/cablegraph", show_default=True, type=click.Path(file_okay=False),
              help=DATA_HELP)
@click.option("--input-format", type=INPUT_FORMATS, default="auto", show_default=True)
@click.option("--base", default=DEFAULT_BASE, show_default=True, envvar="CABLEGRAPH_BASE",
              help="Base IRI for everything minted (env CABLEGRAPH_BASE).")
@click.option("--public-url", default=None, help="Where the site will be reachable (for the dataset description; "
              "default: the base IRI).")
@click.option("--publisher", default="cablegraph contributors", show_default=True,
              help="Who publishes the dataset (dcterms:publisher in the dataset description).")
@click.option("--contact", default=None, help="A URL or e-mail address to reach the publisher (dcat:contactPoint; "
              "default: the site's home page).")
@click.option("--sample", is_flag=True, help="Publish the bundled fictional example cables.")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: when a terminal).")
@click.option("--wikidata-cache", type=click.Path(dir_okay=False), default=None, envvar="CABLEGRAPH_WIKIDATA_CACHE",
              help="Also use the online Wikidata answers recorded by `cablegraph link --online` in this file.")
@_engine_option
@_jobs_option
def publish(inputs: tuple[str, ...], data: str, input_format: str, base: str, public_url: str | None,
            publisher: str, contact: str | None, sample: bool, progress: bool | None, wikidata_cache: str | None,
            engine: str, jobs: int | None) -> None:
    """Parse, transform, validate, load into the embedded Oxigraph store, and write the dumps.

    Ends by saying what was published and how to query it. Exit code 1 when some cables
    were quarantined (the rest is published; see DATA/quarantine.jsonl).
    """
    from cablegraph.store.publish import Publisher
    from cablegraph.store.publish import publish as run_publish

    paths = _inputs(inputs, sample)
    _checked_engine(engine)
    with _progress(paths, input_format, progress) as bar:
        result = run_publish(paths, data, base=base, input_format=input_format, jobs=jobs, public_url=public_url,
                             progress=bar.update, say=lambda text: click.echo(text, err=True),
                             wikidata_cache=wikidata_cache, engine=engine, publisher=Publisher(publisher, contact))
    summary = result.summary
    click.echo(summary.line())
    if summary.by_shape:
        click.echo(_shape_table(summary.by_shape))
    if result.over_http:
        click.echo(f"loaded into the running server {result.over_http}")
    else:
        click.echo(f"store: {result.data / 'store'} ({result.triples_in_store:,} triples)")
        for dump in result.dumps:
            click.echo(f"dump:  {dump.path} ({dump.byte_size:,} bytes, sha256 {dump.sha256[:16]}...)")
    click.echo("timings: " + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in result.seconds.items()))
    if summary.quarantined:
        click.echo(f"quarantined: {summary.quarantined:,} cables, reasons in {result.data / 'quarantine.jsonl'}")
        if sample:
            click.echo("  (the sample's broken-*.txt fixtures are broken on purpose, to show the quarantine report)")
    click.echo(f"query it:  cablegraph serve --data {data}   then   cablegraph query --list")
    sys.exit(EXIT_QUARANTINED if summary.quarantined else 0)


@main.command()
@click.argument("inputs", nargs=-1)
@click.option("--input-format", type=INPUT_FORMATS, default="auto", show_default=True)
@click.option("--sample", is_flag=True, help="Link the bundled fictional example cables.")
@click.option("--report", "show_report", is_flag=True,
              help="Print coverage: shares of country codes, organisation codes, posts and people linked, and "
                   "the unmatched codes with counts.")
@click.option("--online", is_flag=True,
              help="Ask the Wikidata SPARQL endpoint for what the bundled tables lack (FIPS codes, people), "
                   "and record the answers in --cache for transform/publish --wikidata-cache.")
@click.option("--wikidata-endpoint", default=None, metavar="URL",
              help="SPARQL endpoint for --online [default: https://query.wikidata.org/sparql].")
@click.option("--cache", "cache_path", default="var/wikidata-cache.json", show_default=True,
              type=click.Path(dir_okay=False),
              help="Recorded online answers: a second run asks nothing that is already here.")
@click.option("--min-interval", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="Seconds between two requests to the endpoint.")
@click.option("--timeout", type=click.FloatRange(min=1), default=60, show_default=True, help="Seconds per request.")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: when a terminal).")
def link(inputs: tuple[str, ...], input_format: str, sample: bool, show_report: bool, online: bool,
         wikidata_endpoint: str | None, cache_path: str, min_interval: float, timeout: float,
         progress: bool | None) -> None:
    """Link cables' countries, organisations, posts and people to Wikidata, and report coverage.

    Offline by default: the bundled tables (with their sources) decide every link, and no
    network is used. --online asks Wikidata only for what the tables lack, caches every answer,
    and records the links it makes; publish with --wikidata-cache to include them.
    """
    from cablegraph.errors import CableParseError
    from cablegraph.linking.linker import Linker
    from cablegraph.linking.report import collect, coverage_of
    from cablegraph.linking.wikidata import (
        WIKIDATA_ENDPOINT,
        AnswerCache,
        WikidataClient,
        WikidataUnavailable,
        link_fips_codes,
        link_people,
    )
    from cablegraph.parse import parse_cable
    from cablegraph.sources import RawCable, iter_inputs

    paths = _inputs(inputs, sample)

    def records():
        with _progress(paths, input_format, progress) as bar:
            for item in iter_inputs(paths, format=input_format):
                bar.update(1)
                if isinstance(item, RawCable):
                    try:
                        yield parse_cable(item)
                    except CableParseError:
                        continue  # counted by `cablegraph parse`; linking looks at what parses

    occurrences = collect(records(), Linker(cache_path))
    coverage = coverage_of(occurrences, Linker(cache_path))
    if online:
        cache = AnswerCache.open(cache_path)
        client = WikidataClient(cache, wikidata_endpoint or WIKIDATA_ENDPOINT, min_interval=min_interval,
                                timeout=timeout)
        try:
            cache.links["geo"].update(link_fips_codes(client, coverage.geo_unlinked))
            people = {name: terms for name, terms in coverage.occurrences.people.items() if terms}
            cache.links["person"].update(link_people(client, people))
        except WikidataUnavailable as error:
            raise click.ClickException(str(error)) from error
        cache.save()
        click.echo(f"online: {client.requests} requests to {client.endpoint} "
                   f"({len(cache.answers)} answers cached in {cache_path})", err=True)
        coverage = coverage_of(occurrences, Linker(cache_path))
    if show_report:
        click.echo("\n".join(coverage.lines()))
    else:
        click.echo(f"country codes linked: {100 * coverage.geo_share:.1f}%, organisation codes linked: "
                   f"{100 * coverage.org_share:.1f}% (--report for details)")


@main.command()
@click.option("--data", default="var/cablegraph", show_default=True, type=click.Path(file_okay=False),
              help=DATA_HELP)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option("--port", type=click.IntRange(1, 65535), default=7878, show_default=True)
@click.option("--base", default=None, envvar="CABLEGRAPH_BASE",
              help="Data base IRI the site resolves (default: the published dataset's void:uriSpace).")
@click.option("--store-port", type=click.IntRange(1, 65535), default=None,
              help="Loopback port of the internal read-only Oxigraph (default: any free one).")
@click.option("--read-write", is_flag=True,
              help="Run only Oxigraph, accepting SPARQL updates (for loading; no web site).")
@click.option("--allow-service", "allowed_services", multiple=True, metavar="URL",
              help="A SERVICE endpoint /sparql may query (repeatable; none by default: the public endpoint "
                   "reaches nothing outside).")
@click.option("--query-timeout", type=click.IntRange(1, 3600), default=30, show_default=True,
              help="Seconds a /sparql query may run; the store stops it and the site answers 504.")
@click.option("--max-queries", type=click.IntRange(1, 256), default=8, show_default=True,
              help="Public /sparql queries in the store at once; beyond that, 503 with Retry-After.")
@click.option("--queries-per-second", type=click.FloatRange(0.1, 1000), default=20.0, show_default=True,
              help="Public /sparql queries started per second; a burst beyond waits, then gets 503 with Retry-After.")
@click.option("--max-result-mb", type=click.FloatRange(0.01, 4096), default=16.0, show_default=True,
              help="Largest /sparql answer in MB; a larger one gets 507 and a message (add a LIMIT, or use the dumps).")
def serve(data: str, host: str, port: int, base: str | None, store_port: int | None, read_write: bool,
          allowed_services: tuple[str, ...], query_timeout: int, max_queries: int, queries_per_second: float,
          max_result_mb: float) -> None:
    """Serve the published data as a linked-data web site until Ctrl-C.

    Every IRI the data mints resolves to HTML or RDF (by Accept, ?format= or suffix),
    with browse pages, a SPARQL query editor, the read-only /sparql endpoint and the dumps;
    a read-only Oxigraph answers behind it on loopback. --read-write instead runs only
    Oxigraph, writable, so `cablegraph publish` and `cablegraph load` can send cables to it.
    """
    from cablegraph.store.oxigraph import OxigraphServer, ServerError
    from cablegraph.web.exposure import exposure

    decision = exposure(host, read_write)
    if decision.refused:
        raise click.UsageError(decision.message)
    if decision.message:
        click.echo(decision.message, err=True)
    store = Path(data) / "store"
    if not read_write and not store.is_dir():
        raise click.UsageError(f"no store in {data}: run `cablegraph publish ... --data {data}` first")
    if not read_write:
        from cablegraph.rdf.mint import check_base
        from cablegraph.web.serve import run

        try:
            if base:
                check_base(base)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--base") from error
        try:
            from cablegraph.web.endpoint import Limits

            run(Path(data), host, port, base=base, store_port=store_port, say=click.echo,
                allowed_services=allowed_services,
                limits=Limits(query_timeout=query_timeout, concurrent_queries=max_queries,
                              queries_per_second=queries_per_second,
                              max_result_bytes=int(max_result_mb * (1 << 20))))
        except ServerError as error:
            raise click.ClickException(str(error)) from error
        return
    server = OxigraphServer(store, host=host, port=port, read_only=False)
    try:
        server.start()
    except ServerError as error:
        raise click.ClickException(str(error)) from error
    try:  # a Ctrl-C at any moment after the start, even before serve_forever is entered, stops Oxigraph
        click.echo(f"Oxigraph (read-write) serving {store}\n  SPARQL endpoint: {server.url}/query\n"
                   f"  query editor:    {server.url}/\nCtrl-C to stop.")
        server.serve_forever()
    finally:
        server.stop()


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--endpoint", "query_url", required=True, help="SPARQL query URL of the target store.")
@click.option("--store-url", default=None,
              help="Its Graph Store Protocol URL (e.g. .../store, .../sparql-graph-crud-auth).")
@click.option("--update-url", default=None, help="Its SPARQL Update URL (for --method update).")
@click.option("--graph-param", default="graph", show_default=True,
              help="Graph Store parameter name (graph-uri for Virtuoso).")
@click.option("--method", type=click.Choice(["gsp", "update"]), default="gsp", show_default=True,
              help="Graph Store PUT per graph, or batched SPARQL Update (DROP + INSERT DATA).")
@click.option("--user", default=None, help="User for HTTP auth (or env CABLEGRAPH_USER).")
@click.option("--password-file", type=click.Path(exists=True, dir_okay=False), default=None,
              help="File holding the password (else env CABLEGRAPH_PASSWORD). Never echoed.")
@click.option("--auth", "auth_scheme", type=click.Choice(["digest", "basic"]), default="digest", show_default=True)
@click.option("--state", "state_path", type=click.Path(dir_okay=False), default=None,
              help="Where to remember what was sent (default: .cablegraph-load-<host>.sqlite beside the first input).")
@click.option("--base", default=DEFAULT_BASE, show_default=True, envvar="CABLEGRAPH_BASE")
@click.option("--batch-triples", type=click.IntRange(min=100), default=20_000, show_default=True,
              help="Triples per request (Virtuoso's INSERT DATA wants about 1000).")
@click.option("--timeout", type=click.FloatRange(min=1), default=120, show_default=True, help="Seconds per request.")
@click.option("--retries", type=click.IntRange(min=0), default=5, show_default=True,
              help="Retries per request on a connection error or 5xx, with growing pauses (shown on stderr, "
                   "at most a line a second).")
@click.option("--max-failures", type=click.IntRange(min=1), default=5, show_default=True,
              help="Failed requests in a row that stop the run (the endpoint is down or refuses writes).")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: when a terminal).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=4, show_default=True, help="Parallel requests.")
def load(inputs: tuple[str, ...], query_url: str, store_url: str | None, update_url: str | None, graph_param: str,
         method: str, user: str | None, password_file: str | None, auth_scheme: str, state_path: str | None,
         base: str, batch_triples: int, timeout: float, retries: int, max_failures: int, progress: bool | None,
         jobs: int) -> None:
    """Load RDF written by `transform` (N-Quads/TriG) into any SPARQL 1.1 endpoint, incrementally.

    Each cable's named graph is replaced whole (Graph Store PUT), so re-running is
    idempotent; a content hash per graph means a re-run sends only what changed, and a run
    killed halfway resumes without duplicates or loss. A store wiped or replaced behind the
    same URL is noticed (a marker graph and a sample of graphs are checked first) and
    everything is sent again.

    Exit codes: 0 all sent; 2 usage error, or an input missing, not RDF or damaged (nothing
    sent: a file that fails to parse at some line is not loaded at all); 3 could not finish:
    the endpoint does not answer, a run of failed requests stopped the load, or some graphs
    failed (run it again: what was sent is remembered).
    """
    from cablegraph.store.endpoint import Credentials, Endpoint, EndpointError
    from cablegraph.store.load import InputError, LoadState, Throttled, check_inputs, default_state_path
    from cablegraph.store.load import load as run_load

    try:
        check_inputs(inputs)  # before anything else: nothing is created or sent for a bad input
        credentials = Credentials.from_env(user, password_file, auth_scheme)
    except InputError as error:
        raise click.BadParameter(str(error), param_hint="INPUTS") from None
    except EndpointError as error:
        raise click.UsageError(str(error)) from None
    if method == "gsp" and not store_url:
        raise click.UsageError("--method gsp needs --store-url (or use --method update with --update-url)")
    if method == "update" and not update_url:
        raise click.UsageError("--method update needs --update-url")
    say = lambda message: tqdm.write(message, file=sys.stderr)  # noqa: E731 - between progress bar redraws
    endpoint = Endpoint(query_url=query_url, update_url=update_url, store_url=store_url, graph_param=graph_param,
                        credentials=credentials, timeout=timeout, retries=retries, on_retry=Throttled(say))
    state = LoadState(state_path or default_state_path(inputs[0], query_url))
    bar = tqdm(unit=" graphs", desc="graphs", disable=None if progress is None else not progress, file=sys.stderr)
    try:
        summary = run_load(inputs, endpoint, base=base, state=state, method=method, jobs=jobs, check=False,
                           batch_triples=batch_triples, progress=bar.update, max_failures=max_failures, warn=say)
    except EndpointError as error:  # the endpoint did not answer, or refused the load marker: nothing was sent
        bar.close()
        click.echo(f"Error: {endpoint.redact(str(error))}", err=True)
        sys.exit(EXIT_FAILED)
    finally:
        bar.close()
        state.close()
    click.echo(summary.line())
    for failure in summary.failures[:10]:
        click.echo(f"  failed {endpoint.redact(failure)}", err=True)
    if summary.stopped or summary.failures:
        why = summary.stopped or (f"{len(summary.failures):,} graphs could not be sent (see above): run the same "
                                  "command again to retry them")
        click.echo(f"Error: {endpoint.redact(why)}", err=True)
        sys.exit(EXIT_FAILED)


@main.command()
@click.argument("name", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="A query parameter; repeatable.")
@click.option("--endpoint", default="http://127.0.0.1:7878/query", show_default=True, envvar="CABLEGRAPH_ENDPOINT",
              help="SPARQL query URL (env CABLEGRAPH_ENDPOINT).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table", show_default=True)
@click.option("--data", default=None, type=click.Path(file_okay=False),
              help="Query a published data directory instead: its running server, or a temporary read-only one.")
@click.option("--list", "list_queries", is_flag=True, help="List the canned queries and their parameters.")
@click.option("--show", is_flag=True, help="Print the query with its parameters bound instead of running it.")
@click.option("--timeout", type=click.IntRange(min=1), default=120, show_default=True)
def query(name: str | None, params: tuple[str, ...], endpoint: str, data: str | None, fmt: str, list_queries: bool,
          show: bool, timeout: int) -> None:
    """Run a canned query (see --list) or a .rq file against a SPARQL endpoint.

    Parameters are bound as typed RDF terms in a VALUES block, never pasted into the query:
    cablegraph query cables-by-tag -p tag=PGOV --format csv
    """
    from cablegraph.queries import QueryError, canned_queries, find_query
    from cablegraph.store.run import QueryFailed, format_results, run_query

    if list_queries or not name:
        for canned in canned_queries().values():
            click.echo(f"{canned.name}\n    {canned.title}. {canned.description}")
            for param in canned.params:
                click.echo(f"    -p {param.name}=...  ({param.kind}, default {param.default}) {param.help}")
        return
    try:
        canned = find_query(name)
        values = dict(_key_value(item) for item in params)
        text = canned.bind(values)
    except QueryError as error:
        raise click.UsageError(str(error)) from error
    if show:
        click.echo(text)
        return
    with ExitStack() as stack:
        if data:
            text = _answer_search(text, Path(data))
            endpoint = _endpoint_for(Path(data), stack)
        try:
            results = run_query(endpoint, text, timeout=timeout)
        except QueryFailed as error:
            raise click.ClickException(f"query {canned.name} failed: {str(error)[:400]} "
                                       "(is the server running? `cablegraph serve`)") from error
    click.echo(format_results(results, fmt))


@main.command()
@click.argument("words", nargs=-1)
@click.option("--data", default="var/cablegraph", show_default=True, type=click.Path(file_okay=False),
              help=DATA_HELP)
@click.option("--tag", "tags", multiple=True, metavar="CODE", help="Only cables with this TAGS code (repeatable: all).")
@click.option("--origin", metavar="STATION", help="Only cables from this post (its station code, e.g. CAIRO).")
@click.option("--classification", metavar="LEVEL", help="Only cables of this level, e.g. SECRET.")
@click.option("--caveat", metavar="CAVEAT", help="Only cables with this caveat, e.g. NOFORN.")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="Written on or after this day.")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="Written on or before this day.")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True, help="Cables to show.")
@click.option("--page", type=click.IntRange(1, 100_000), default=1, show_default=True)
@click.option("--facets", is_flag=True, help="Also print the counts by year, origin, classification, tag, caveat.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def search(words: tuple[str, ...], data: str, tags: tuple[str, ...], origin: str | None,
           classification: str | None, caveat: str | None, date_from, date_to, limit: int, page: int, facets: bool,
           fmt: str) -> None:
    """Search the published cables' words, ranked (BM25), with snippets; narrow by facets.

    WORDS use the index's query language: all words must occur (gaddafi tent), "a phrase",
    a prefix* , OR, NOT, NEAR(a b, 5); accents do not matter. With no words, the filters
    alone list cables, newest first:  cablegraph search --origin CAIRO --classification SECRET
    """
    from cablegraph.search.query import Filters, Searcher, SearchError

    try:
        searcher = Searcher(Path(data) / "search.sqlite")
    except FileNotFoundError as error:
        raise click.UsageError(f"{error} (cablegraph publish ... --data {data})") from error
    filters = Filters(tuple(tag.upper() for tag in tags), origin and origin.upper(),
                      classification and classification.upper(), caveat and caveat.upper(),
                      date_from and date_from.date().isoformat(), date_to and date_to.date().isoformat())
    try:
        found = searcher.search(" ".join(words), filters, limit=limit, offset=(page - 1) * limit, facets=facets)
    except SearchError as error:
        raise click.UsageError(str(error)) from error
    finally:
        searcher.close()
    click.echo(_search_output(found, fmt))


def _search_output(found, fmt: str) -> str:
    from cablegraph.search.query import MARK_END, MARK_START

    def snippet(text: str, start: str = "[", end: str = "]") -> str:
        return " ".join(text.replace(MARK_START, start).replace(MARK_END, end).split())

    if fmt == "json":
        return json.dumps({"total": found.total, "hits": [
            {"iri": hit.iri, "id": hit.reference_id, "created": hit.created, "origin": hit.origin,
             "classification": hit.classification, "subject": hit.subject, "snippet": snippet(hit.snippet),
             "score": hit.score} for hit in found.hits],
            "facets": {name: dict(values) for name, values in found.facets.items()}}, ensure_ascii=False, indent=2)
    from cablegraph.store.run import Results, format_results

    columns = ["id", "created", "origin", "classification", "subject", "snippet"]
    rows = [{name: {"value": value or ""} for name, value in zip(
        columns, (hit.reference_id, (hit.created or "")[:10], hit.origin, hit.classification, hit.subject,
                  snippet(hit.snippet)), strict=True)} for hit in found.hits]
    text = format_results(Results(columns, rows), "csv" if fmt == "csv" else "table")
    if fmt == "csv":
        return text
    lines = [text, f"{found.total:,} cables match"]
    for name, values in found.facets.items():
        lines.append(f"{name}: " + ", ".join(f"{value} ({count:,})" for value, count in values))
    return "\n".join(lines)


def _answer_search(text: str, data: Path) -> str:
    """A query's `SERVICE cg:search` clauses answered by the data folder's index (the site does the same for
    /sparql; a plain SPARQL store cannot)."""
    from cablegraph.search.query import SearchError
    from cablegraph.search.service import ServiceError, answer_search

    try:
        return answer_search(text, data / "search.sqlite")
    except FileNotFoundError as error:
        raise click.UsageError(f"{error} (cablegraph publish ... --data {data})") from error
    except (ServiceError, SearchError) as error:
        raise click.UsageError(str(error)) from error


def _endpoint_for(data: Path, stack: ExitStack) -> str:
    """The query URL of a data directory's running server, or of a read-only one started for this command."""
    from cablegraph.store.oxigraph import OxigraphServer, running_server

    store = data / "store"
    if not store.is_dir():
        raise click.UsageError(f"no store in {data}: run `cablegraph publish ... --data {data}` first")
    url = running_server(store) or stack.enter_context(OxigraphServer(store, read_only=True)).url
    return f"{url}/query"


def _key_value(item: str) -> tuple[str, str]:
    from cablegraph.queries import QueryError

    if "=" not in item:
        raise QueryError(f"--param takes KEY=VALUE, not {item!r}")
    key, value = item.split("=", 1)
    return key.strip(), value


if __name__ == "__main__":
    main()
