"""Tests for the `cablegraph` command line (cablegraph.cli): help, parse, transform, exit codes.

Most tests drive the click commands in-process with CliRunner (stdout and stderr kept apart);
a few run the installed console script for real, as a user would, to check the entry point, the
process exit code and that nothing but records reaches stdout.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pyoxigraph import RdfFormat
from pyoxigraph import parse as ox_parse

import cablegraph
from cablegraph import __version__
from cablegraph.cli import main
from cablegraph.record import RECORD_KEYS

FIXTURES = Path(cablegraph.__file__).parent / "fixtures"
GOOD = FIXTURES / "09USNATO9001.txt"
NOT_A_CABLE = FIXTURES / "broken-not-a-cable.txt"
GOOD_IDS = {
    "00HARARE9012", "08LAGOS9004", "08SANTIAGO9005", "09REYKJAVIK9003", "09SANJOSE9010", "09STATE199001",
    "09USNATO9001", "09USNATO9002", "09USNATO9003", "75OSLO9001", "09PARIS9001", "09UNVIEVIENNA9001",
}
SCRIPT = Path(sys.executable).with_name("cablegraph")
DEFAULT_CORPUS = Path("/work/shared/corpus")


def seed_path() -> Path:
    corpus = Path(os.environ.get("CABLEGRAPH_CORPUS") or DEFAULT_CORPUS)
    seed = corpus / "seed" / "09USNATO383.txt"
    if not seed.is_file():
        pytest.skip("the seed cable is not available (set CABLEGRAPH_CORPUS)")
    return seed


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def invoke(runner: CliRunner, *args: str, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(main, list(args), env=env, catch_exceptions=False, prog_name="cablegraph")


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


# -- help -----------------------------------------------------------------------------------------


def test_main_help_explains_inputs_and_formats(runner):
    result = invoke(runner, "--help")
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "Usage: cablegraph" in text
    for words in ("Inputs are files, folders", "glob patterns", "WikiLeaks layout", "bare cable text",
                  "cables.csv", ".gz", "--sample"):
        assert words in text
    for command in ("parse", "transform"):
        assert f"\n  {command} " in result.output


@pytest.mark.parametrize(("command", "format_option", "choices"), [
    ("parse", "--format", "[auto|layout|bare|csv]"),
    ("transform", "--input-format", "[auto|layout|bare|csv]"),
    ("transform", "--format", "[nq|nt|trig|ttl]"),
])
def test_command_help_mentions_inputs_formats_and_jobs(runner, command, format_option, choices):
    result = invoke(runner, command, "--help")
    assert result.exit_code == 0
    assert f"Usage: cablegraph {command} [OPTIONS] [INPUTS]..." in result.output
    assert format_option in result.output
    assert choices in result.output
    assert "-j, --jobs" in result.output
    assert "--sample" in result.output
    assert "--quarantine" in result.output


def test_short_help_option_and_version(runner):
    assert invoke(runner, "-h").output == invoke(runner, "--help").output
    result = invoke(runner, "--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"cablegraph, version {__version__}"


# -- parse ----------------------------------------------------------------------------------------


def test_parse_sample_json_prints_one_record_per_line(runner):
    result = invoke(runner, "parse", "--sample", "--json", "-j", "1", "--no-progress")
    assert result.exit_code == 1  # the two broken fixtures are quarantined
    records = json_lines(result.stdout)
    assert len(records) == len(GOOD_IDS)
    for record in records:
        assert tuple(record) == RECORD_KEYS
        assert record["text"]
    assert {r["reference_id"] for r in records} == GOOD_IDS
    assert "14 cables in = 12 parsed + 2 quarantined" in result.stderr
    assert "{" not in result.stderr


def test_parse_json_with_two_jobs_gives_the_same_lines(runner):
    one = invoke(runner, "parse", "--sample", "--json", "-j", "1", "--no-progress")
    two = invoke(runner, "parse", "--sample", "--json", "-j", "2", "--no-progress")
    assert one.stdout == two.stdout
    assert one.stdout.count("\n") == len(GOOD_IDS)


def test_parse_digest_is_one_tab_separated_line_per_cable(runner):
    result = invoke(runner, "parse", str(GOOD), "--no-progress")
    assert result.exit_code == 0
    (line,) = result.stdout.splitlines()
    fields = line.split("\t")
    assert fields[:4] == ["09USNATO9001", "2009-09-10T16:27Z", "CONFIDENTIAL", "Mission USNATO"]
    assert fields[4].split() == ["PREL", "PGOV", "NATO", "MARR", "RS"]
    assert fields[5] == 'ALLIES DIVIDED OVER INVENTED "NORTHERN LANTERN" SEMINAR PROPOSAL'


def test_parse_of_the_seed_prints_its_id(runner):
    seed = seed_path()
    result = invoke(runner, "parse", str(seed), "--no-progress")
    assert result.exit_code == 0
    assert result.stdout.split("\t", 1)[0] == "09USNATO383"
    assert "1 cables in = 1 parsed + 0 quarantined" in result.stderr
    result = invoke(runner, "parse", "--json", str(seed), "--no-progress")
    (record,) = json_lines(result.stdout)
    assert record["reference_id"] == "09USNATO383"
    assert record["text"].startswith("VZCZC")


def test_parse_exit_code_0_when_everything_went_through(runner):
    result = invoke(runner, "parse", str(GOOD), str(FIXTURES / "75OSLO9001.txt"), "--json", "--no-progress")
    assert result.exit_code == 0
    assert [r["reference_id"] for r in json_lines(result.stdout)] == ["09USNATO9001", "75OSLO9001"]
    assert "2 cables in = 2 parsed + 0 quarantined" in result.stderr
    assert "quarantined " + str(GOOD) not in result.stderr


def test_parse_exit_code_1_when_something_was_quarantined(runner, tmp_path):
    report = tmp_path / "q.jsonl"
    result = invoke(runner, "parse", str(GOOD), str(NOT_A_CABLE), "--json", "--no-progress",
                    "--quarantine", str(report))
    assert result.exit_code == 1
    assert [r["reference_id"] for r in json_lines(result.stdout)] == ["09USNATO9001"]
    assert f"quarantined {NOT_A_CABLE}: not a cable: no reference id" in result.stderr
    assert "2 cables in = 1 parsed + 1 quarantined" in result.stderr
    (failure,) = json_lines(report.read_text(encoding="utf-8"))
    assert failure == {"source": str(NOT_A_CABLE), "reference_id": None, "stage": "parse",
                       "reason": failure["reason"]}
    assert failure["reason"].startswith("not a cable: no reference id")


def test_parse_of_a_missing_path_is_quarantined_not_a_traceback(runner, tmp_path):
    missing = tmp_path / "missing.txt"
    report = tmp_path / "q.jsonl"
    result = runner.invoke(main, ["parse", str(missing), "--quarantine", str(report), "--no-progress"])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert f"quarantined {missing}: path does not exist" in result.stderr
    (failure,) = json_lines(report.read_text(encoding="utf-8"))
    assert (failure["source"], failure["stage"]) == (str(missing), "read")


@pytest.mark.parametrize("args", [["parse"], ["parse", "--json"], ["transform", "-o", "{out}"]])
def test_no_input_and_no_sample_is_a_usage_error(runner, args, tmp_path):
    output = tmp_path / "out.nq"
    result = runner.invoke(main, [arg.format(out=output) for arg in args])
    assert result.exit_code == 2
    assert "give at least one INPUT (file, folder or glob), or --sample" in result.stderr
    assert result.stdout == ""
    assert not output.exists()


def test_a_bad_jobs_value_is_a_usage_error(runner):
    result = runner.invoke(main, ["parse", "--sample", "-j", "0"])
    assert result.exit_code == 2
    assert "--jobs" in result.stderr


# -- transform ------------------------------------------------------------------------------------


def test_transform_writes_output_and_quarantine_beside_it(runner, tmp_path):
    output = tmp_path / "deep" / "out.nq"
    result = invoke(runner, "transform", "--sample", "-o", str(output), "-j", "2", "--no-progress")
    assert result.exit_code == 1
    assert result.stdout == ""
    quads = list(ox_parse(output.read_bytes(), format=RdfFormat.N_QUADS))
    identifiers = {q.object.value for q in quads if q.predicate.value == "http://purl.org/dc/terms/identifier"}
    assert identifiers == GOOD_IDS
    report = tmp_path / "deep" / "out.nq.quarantine.jsonl"
    failures = json_lines(report.read_text(encoding="utf-8"))
    assert sorted(Path(f["source"]).name for f in failures) == ["broken-empty-preamble.txt",
                                                                "broken-not-a-cable.txt"]
    assert all(list(f) == ["source", "reference_id", "stage", "reason", "findings"] for f in failures)
    assert f"14 cables in = 12 out (1 with SHACL warnings) + 2 quarantined; {len(quads):,} triples" in result.stderr
    assert "quarantined " in result.stderr and "[read]" in result.stderr and "[parse]" in result.stderr
    assert f"full report: {report}" in result.stderr


def test_transform_exit_code_0_and_empty_report_when_all_went_through(runner, tmp_path):
    output = tmp_path / "one.ttl"
    result = invoke(runner, "transform", str(GOOD), "-o", str(output), "-j", "1", "--no-progress")
    assert result.exit_code == 0
    assert output.read_bytes().startswith(b"@prefix")
    assert (tmp_path / "one.ttl.quarantine.jsonl").read_text(encoding="utf-8") == ""
    assert "1 cables in = 1 out + 0 quarantined" in result.stderr
    assert "full report" not in result.stderr


def test_transform_gz_output_and_its_quarantine_name(runner, tmp_path):
    output = tmp_path / "out.trig.gz"
    result = invoke(runner, "transform", str(GOOD), str(NOT_A_CABLE), "-o", str(output), "-j", "1", "--no-progress")
    assert result.exit_code == 1
    data = gzip.decompress(output.read_bytes())
    assert len(list(ox_parse(data, format=RdfFormat.TRIG))) > 50
    assert len(json_lines((tmp_path / "out.trig.quarantine.jsonl").read_text(encoding="utf-8"))) == 1


def test_transform_explicit_quarantine_and_format(runner, tmp_path):
    output, report = tmp_path / "out.data", tmp_path / "fails.jsonl"
    result = invoke(runner, "transform", str(FIXTURES), "-o", str(output), "--format", "nt",
                    "--quarantine", str(report), "-j", "1", "--no-progress")
    assert result.exit_code == 1
    assert len(list(ox_parse(output.read_bytes(), format=RdfFormat.N_TRIPLES))) > 1000
    assert len(json_lines(report.read_text(encoding="utf-8"))) == 2
    assert not (tmp_path / "out.data.quarantine.jsonl").exists()


def test_transform_of_a_missing_path_is_quarantined_not_a_traceback(runner, tmp_path):
    missing = tmp_path / "no" / "such.txt"
    output = tmp_path / "out.nq"
    result = runner.invoke(main, ["transform", str(GOOD), str(missing), "-o", str(output), "-j", "1",
                                  "--no-progress"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "2 cables in = 1 out + 1 quarantined" in result.stderr
    (failure,) = json_lines((tmp_path / "out.nq.quarantine.jsonl").read_text(encoding="utf-8"))
    assert failure["source"] == str(missing)
    assert failure["stage"] == "read"
    assert "does not exist" in failure["reason"]
    assert output.stat().st_size > 0


def test_transform_custom_base(runner, tmp_path):
    output = tmp_path / "out.nq"
    result = invoke(runner, "transform", str(GOOD), "-o", str(output), "--base", "https://example.org/cables/",
                    "-j", "1", "--no-progress")
    assert result.exit_code == 0
    subjects = {q.subject.value for q in ox_parse(output.read_bytes(), format=RdfFormat.N_QUADS)}
    assert "https://example.org/cables/cable/09USNATO9001" in subjects
    assert all(s.startswith("https://example.org/cables/") for s in subjects)


def test_transform_base_from_the_environment(runner, tmp_path):
    output = tmp_path / "out.nq"
    result = invoke(runner, "transform", str(GOOD), "-o", str(output), "-j", "1", "--no-progress",
                    env={"CABLEGRAPH_BASE": "https://env.example.org/"})
    assert result.exit_code == 0
    assert b"<https://env.example.org/cable/09USNATO9001>" in output.read_bytes()


@pytest.mark.parametrize(("base", "message"), [
    ("ftp://x", "base IRI 'ftp://x' must be an absolute http(s) IRI"),
    ("https://x.org/no-slash", "base IRI 'https://x.org/no-slash' must end with '/' or '#'"),
])
def test_transform_bad_base_is_a_usage_error(runner, tmp_path, base, message):
    result = runner.invoke(main, ["transform", str(GOOD), "-o", str(tmp_path / "out.nq"), "--base", base])
    assert result.exit_code == 2
    assert "Invalid value for --base" in result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.output


# -- the installed console script -----------------------------------------------------------------


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    assert SCRIPT.is_file(), f"console script not installed next to the interpreter: {SCRIPT}"
    env = {key: value for key, value in os.environ.items() if key != "CABLEGRAPH_BASE"}
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, encoding="utf-8", timeout=120,
                          env=env, check=False)


def test_console_script_parse_sample_json():
    proc = run_script("parse", "--sample", "--json", "--jobs", "2")
    assert proc.returncode == 1, proc.stderr
    records = json_lines(proc.stdout)
    assert {r["reference_id"] for r in records} == GOOD_IDS
    assert all(tuple(r) == RECORD_KEYS for r in records)
    assert proc.stderr.splitlines()[-1] == "14 cables in = 12 parsed + 2 quarantined"
    assert "Traceback" not in proc.stderr


def test_console_script_usage_error_exit_code():
    proc = run_script("transform", "-o", os.devnull)
    assert proc.returncode == 2
    assert "give at least one INPUT" in proc.stderr


def test_console_script_transform_to_stdout_does_not_point_to_a_missing_report():
    proc = run_script("transform", "--sample", "-o", "-", "-j", "1")
    assert proc.returncode == 1
    assert len(list(ox_parse(proc.stdout.encode("utf-8"), format=RdfFormat.N_QUADS))) > 1000
    assert "14 cables in = 12 out (1 with SHACL warnings) + 2 quarantined" in proc.stderr
    assert "full report: None" not in proc.stderr
