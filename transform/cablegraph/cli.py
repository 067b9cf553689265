"""The `cablegraph` command line: parse and transform (validate, load and publish come next).

Exit codes: 0 everything went through; 1 some cables were quarantined (the run still
finished and wrote everything else); 2 usage errors (click's own).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict

import click
from tqdm import tqdm

from cablegraph import __version__, pipeline
from cablegraph.rdf.vocab import DEFAULT_BASE
from cablegraph.sources import count_inputs

INPUT_FORMATS = click.Choice(["auto", "layout", "bare", "csv"])
EXIT_QUARANTINED = 1


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="cablegraph")
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
        for item in pipeline.process(paths, input_format=input_format, rdf_format=None, jobs=jobs,
                                     keep_record=True, progress=bar.update):
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
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: when a terminal).")
@_jobs_option
def transform(inputs: tuple[str, ...], output: str, rdf_format: str | None, input_format: str, base: str,
              quarantine: str | None, sample: bool, progress: bool | None, jobs: int | None) -> None:
    """Parse and transform cables into RDF, streaming, on every core."""
    paths = _inputs(inputs, sample)
    if quarantine is None and output != "-":
        quarantine = output.removesuffix(".gz") + ".quarantine.jsonl"
    try:
        with _progress(paths, input_format, progress) as bar:
            summary = pipeline.transform(paths, output, rdf_format=rdf_format, input_format=input_format,
                                         base=base, jobs=jobs, quarantine=quarantine, progress=bar.update)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--base") from error
    click.echo(summary.line(), err=True)
    for failure in summary.failures[:10]:
        click.echo(f"  quarantined {failure.source} [{failure.stage}]: {failure.reason}", err=True)
    if summary.quarantined and quarantine:
        click.echo(f"  full report: {quarantine}", err=True)
    sys.exit(EXIT_QUARANTINED if summary.quarantined else 0)


if __name__ == "__main__":
    main()
