"""Shared fixtures: where the real corpus is, and the seed cable."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from servers import oxigraph_server, virtuoso_server  # noqa: F401 - session fixtures: real servers on loopback
from websites import artifacts, web_site  # noqa: F401 - session fixtures: the web site over the published sample

REPO = Path(__file__).resolve().parents[1]
SEED_NAME = "09USNATO383.txt"


def corpus_dir() -> Path | None:
    """The real corpus folder from CABLEGRAPH_CORPUS; None when unset (tests skip).

    Set but missing is an error, not a skip: CI sets it, and a CI run that silently skipped
    the corpus would prove nothing.
    """
    value = os.environ.get("CABLEGRAPH_CORPUS", "").strip()
    if not value:
        return None
    path = Path(value)
    if not (path / "cables").is_dir():
        raise pytest.UsageError(f"CABLEGRAPH_CORPUS={value} is set but has no cables/ folder")
    return path


@pytest.fixture(scope="session")
def corpus() -> Path:
    path = corpus_dir()
    if path is None:
        pytest.skip("CABLEGRAPH_CORPUS is not set: the real-corpus tests need it (make test sets it)")
    return path


@pytest.fixture(scope="session")
def seed_path() -> Path:
    """The seed cable: from the corpus folder when there, else the copy the user gave in the issue."""
    path = corpus_dir()
    if path is None:
        pytest.skip("CABLEGRAPH_CORPUS is not set: the seed lives in the corpus folder")
    return path / "seed" / SEED_NAME


@pytest.fixture(scope="session")
def sample_nq(tmp_path_factory) -> Path:
    """The fictional sample transformed (without validation) to N-Quads once, for the load tests to send."""
    from importlib.resources import files

    from cablegraph import pipeline

    out = tmp_path_factory.mktemp("sample-nq") / "sample.nq"
    pipeline.transform([str(files("cablegraph") / "fixtures")], str(out), jobs=1, validate=False)
    return out
