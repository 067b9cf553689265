"""The SHACL engine choice (auto by default, compiled, pyshacl) and the cap on a cable's size under pyshacl.

* "auto" (the default) runs the compiled engine; when the shapes use a feature the compiled engine
  refuses, it falls back to pyshacl with one warning line, and the results are pyshacl's. "compiled"
  named explicitly refuses such shapes, with the reason, in the library and on the command line.
* under pyshacl, a cable whose text is over the cap is quarantined as too large (with the documented
  reason) and the rest of its batch is validated as usual; the compiled engine has no cap; no real
  cable of the corpus comes near the cap.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import cablegraph
from cablegraph import pipeline, validate
from cablegraph.cli import main
from cablegraph.compiled_shacl import UnsupportedShapeFeature
from cablegraph.parse import parse_cable
from cablegraph.rdf.triples import CableTransformer
from cablegraph.resources import shapes_file
from cablegraph.sources import RawCable, iter_inputs
from cablegraph.validate import (
    DEFAULT_ENGINE,
    MAX_CABLE_BYTES_ENV,
    PYSHACL_MAX_CABLE_BYTES,
    cable_text_bytes,
    resolve_engine,
    validate_cables,
)

FIXTURES = Path(cablegraph.__file__).parent / "fixtures"
LONG = "09USNATO9001"  # a fictional cable over the test caps below
SHORT = "75OSLO9001"  # the shortest fictional cable

#: A shape pyshacl evaluates and the compiled engine refuses (sh:node): cables whose text is over 2,500
#: characters break it, so it fires on some fixture cables and not on others.
NODE_SHAPE = """
cgsh:TestShortText a sh:NodeShape ;
    sh:targetClass cg:Cable ;
    sh:name "test: short text"@en ;
    sh:message "The cable's text is over 2,500 characters (a test shape)."@en ;
    sh:node cgsh:TestShortTextInner .
cgsh:TestShortTextInner a sh:NodeShape ;
    sh:property [ sh:path schema:text ; sh:maxLength 2500 ; sh:message "too long"@en ] .
"""


def key(finding: validate.Finding) -> tuple:
    return (finding.focus, finding.shape, finding.component, finding.severity, finding.path, finding.value,
            finding.message)


def _fixture(name: str) -> RawCable:
    return next(raw for raw in iter_inputs([str(FIXTURES / f"{name}.txt")]) if isinstance(raw, RawCable))


def _quads(raw: RawCable) -> tuple[list, dict]:
    quads = CableTransformer().transform(parse_cable(raw))
    return quads.cable, quads.shared


def _long_cable(raw: RawCable, size: int) -> RawCable:
    """The cable with its numbered paragraphs repeated until its text is `size` bytes (as the bench does)."""
    start = re.search(r"(?m)^¶\d+\.", raw.text)
    assert start is not None
    head, body = raw.text[:start.start()], raw.text[start.start():].rstrip("\n") + "\n\n"
    copies = -(-(size - len(head.encode())) // len(body.encode()))
    return dataclasses.replace(raw, text=head + body * copies)


@pytest.fixture
def refused_shapes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Our shapes plus one sh:node shape, as the shapes of this process (caches forgotten before and after)."""
    path = tmp_path / "shapes-with-sh-node.ttl"
    path.write_text(shapes_file().read_text(encoding="utf-8") + NODE_SHAPE, encoding="utf-8")
    monkeypatch.setattr(validate, "shapes_file", lambda: path)
    validate.forget_shapes()
    yield path
    validate.forget_shapes()


# -- the default and its fallback ------------------------------------------------------------------


def test_the_default_is_auto_and_runs_the_compiled_engine_on_our_shapes():
    assert DEFAULT_ENGINE == "auto"
    assert pipeline.Options().engine == "auto"
    assert resolve_engine("auto") == pipeline.check_engine("auto") == "compiled"
    assert resolve_engine("pyshacl") == "pyshacl"


def test_a_named_engine_is_what_runs():
    assert pipeline.check_engine("compiled") == "compiled"
    assert pipeline.check_engine("pyshacl") == "pyshacl"
    with pytest.raises(ValueError, match="auto, compiled, pyshacl"):
        pipeline.check_engine("rudof")


def test_auto_falls_back_to_pyshacl_once_and_gives_its_results(refused_shapes, caplog):
    cables = [_quads(_fixture(name)) for name in (LONG, SHORT, "08LAGOS9004")]
    with caplog.at_level(logging.WARNING, logger="cablegraph.validate"):
        assert pipeline.check_engine("auto") == "pyshacl"
        assert pipeline.check_engine("auto") == "pyshacl"
        by_default, _ = validate_cables(cables, keep_report=False)
    lines = [r.getMessage() for r in caplog.records if "SHACL engine auto" in r.getMessage()]
    assert len(lines) == 1, "said once per process, not per batch"
    assert "sh:node" in lines[0] and "pyshacl" in lines[0] and "TestShortText" in lines[0]
    by_pyshacl, _ = validate_cables(cables, engine="pyshacl", keep_report=False)
    assert [Counter(map(key, c.findings)) for c in by_default] == [Counter(map(key, c.findings)) for c in by_pyshacl]
    fired = [any(f.name == "test: short text" for f in c.violations) for c in by_default]
    assert fired == [True, False, True], "pyshacl evaluated the sh:node shape: long cables only"


def test_compiled_named_explicitly_still_refuses_with_the_reason(refused_shapes):
    with pytest.raises(UnsupportedShapeFeature, match="sh:node"):
        pipeline.check_engine("compiled")
    with pytest.raises(UnsupportedShapeFeature, match="sh:node"):
        validate_cables([_quads(_fixture(SHORT))], engine="compiled")


def test_the_pipeline_falls_back_by_default_and_quarantines_what_pyshacl_finds(refused_shapes, tmp_path):
    quarantine = tmp_path / "q.jsonl"
    summary = pipeline.transform([str(FIXTURES)], str(tmp_path / "out.nq"), jobs=1, quarantine=str(quarantine))
    assert summary.by_shape[("Violation", "test: short text")] > 0
    assert "09USNATO9001" in quarantine.read_text() and "75OSLO9001" not in quarantine.read_text()


def test_the_command_line_refuses_compiled_by_name_and_falls_back_by_default(refused_shapes, tmp_path):
    runner = CliRunner()
    refused = runner.invoke(main, ["validate", "--sample", "--no-progress", "-j", "1", "--shacl-engine", "compiled"])
    assert refused.exit_code not in (0, 1), refused.output  # refused before any work, not "cables quarantined"
    assert "does not support sh:node" in refused.output and "TestShortText" in refused.output
    by_env = runner.invoke(main, ["validate", "--sample", "--no-progress", "-j", "1"],
                           env={"CABLEGRAPH_SHACL_ENGINE": "auto"})
    assert by_env.exit_code == 1, by_env.output  # validated (by pyshacl): cables with Violations
    assert "test: short text" in by_env.stdout


# -- the cap on a cable's size under pyshacl -------------------------------------------------------


def test_a_cable_over_the_cap_is_not_given_to_pyshacl_and_the_rest_of_the_batch_is():
    long, short = _quads(_fixture(LONG)), _quads(_fixture(SHORT))
    cap = (cable_text_bytes(long[0]) + cable_text_bytes(short[0])) // 2
    capped, _ = validate_cables([long, short], engine="pyshacl", keep_report=False, max_cable_bytes=cap)
    alone, _ = validate_cables([short], engine="pyshacl", keep_report=False, max_cable_bytes=0)
    assert capped[0].findings == [] and capped[0].not_validated is not None
    assert capped[0].not_validated.startswith("too large to validate with pyshacl (")
    assert f"> the {cap / 1e6:.2f} MB cap" in capped[0].not_validated and MAX_CABLE_BYTES_ENV in capped[0].not_validated
    assert capped[1].not_validated is None
    assert Counter(map(key, capped[1].findings)) == Counter(map(key, alone[0].findings))


def test_a_synthetic_cable_over_the_default_cap_is_quarantined_under_pyshacl_and_validated_by_compiled(tmp_path):
    """1.1 MB of text: over the documented 1 MB cap. The compiled engine validates it (it has no cap)."""
    big = _long_cable(_fixture(SHORT), 1_100_000)
    cable = _quads(big)
    assert cable_text_bytes(cable[0]) > PYSHACL_MAX_CABLE_BYTES
    by_pyshacl, _ = validate_cables([cable], engine="pyshacl", keep_report=False)
    assert by_pyshacl[0].not_validated and "1.10 MB of text > the 1.00 MB cap" in by_pyshacl[0].not_validated
    by_compiled, _ = validate_cables([cable], engine="compiled", keep_report=False)
    assert by_compiled[0].not_validated is None
    assert {f.name for f in by_compiled[0].findings} == _names_of_short() | {"cable with a repeated paragraph number"}


def _names_of_short() -> set[str]:
    """The shapes the short fixture cable itself breaks (Warnings): repeating its paragraphs adds one."""
    [found], _ = validate_cables([_quads(_fixture(SHORT))], engine="compiled", keep_report=False)
    return {finding.name for finding in found.findings}


def test_under_the_cap_a_cable_validates_as_without_one():
    cable = _quads(_long_cable(_fixture(SHORT), 60_000))  # about the size of the largest real cable
    capped, _ = validate_cables([cable], engine="pyshacl", keep_report=False)
    uncapped, _ = validate_cables([cable], engine="pyshacl", keep_report=False, max_cable_bytes=0)
    assert capped[0].not_validated is None
    assert Counter(map(key, capped[0].findings)) == Counter(map(key, uncapped[0].findings))
    assert {f.name for f in capped[0].findings} == _names_of_short() | {"cable with a repeated paragraph number"}


def test_the_pipeline_quarantines_a_cable_over_the_cap_with_the_reason(tmp_path, monkeypatch):
    cap = (cable_text_bytes(_quads(_fixture(LONG))[0]) + cable_text_bytes(_quads(_fixture(SHORT))[0])) // 2
    monkeypatch.setenv(MAX_CABLE_BYTES_ENV, str(cap))  # between the two cables' sizes
    quarantine = tmp_path / "q.jsonl"
    inputs = [str(FIXTURES / f"{name}.txt") for name in (LONG, SHORT)]
    summary = pipeline.transform(inputs, str(tmp_path / "out.nq"), jobs=1, quarantine=str(quarantine),
                                 engine="pyshacl")
    assert (summary.cables_out, summary.quarantined) == (1, 1)
    [failure] = summary.failures
    assert failure.reference_id == LONG and failure.stage == "validate"
    assert failure.reason.startswith("too large to validate with pyshacl (0.00 MB of text > the 0.00 MB cap")
    by_compiled = pipeline.transform(inputs, str(tmp_path / "c.nq"), jobs=1, engine="compiled")
    assert (by_compiled.cables_out, by_compiled.quarantined) == (2, 0), "the cap is pyshacl's only"


def test_a_malformed_cap_fails_the_run_before_any_work(monkeypatch):
    monkeypatch.setenv(MAX_CABLE_BYTES_ENV, "one megabyte")
    with pytest.raises(ValueError, match=MAX_CABLE_BYTES_ENV):
        pipeline.check_engine("pyshacl")
    assert pipeline.check_engine("compiled") == "compiled"  # the cap is pyshacl's only


def test_no_real_cable_comes_near_the_cap(corpus: Path):
    """The largest texts of the corpus (67 KB; bench/README.md) are 15 times under the cap."""
    texts = (path for folder in ("cables", "cables-pdf-text", "seed") for path in (corpus / folder).glob("*.txt"))
    files = sorted(texts, key=lambda path: path.stat().st_size, reverse=True)
    assert files[0].stat().st_size * 10 < PYSHACL_MAX_CABLE_BYTES
    for path in files[:3]:
        raw = next(item for item in iter_inputs([str(path)]) if isinstance(item, RawCable))
        cable = _quads(raw)
        assert cable_text_bytes(cable[0]) * 10 < PYSHACL_MAX_CABLE_BYTES
        [found], _ = validate_cables([cable], engine="pyshacl", keep_report=False)
        assert found.not_validated is None
