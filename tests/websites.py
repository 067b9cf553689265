"""The web site as tests use it: the bundled sample published under a base IRI that *is* the site's URL,
then `cablegraph serve` (the real CLI: the site in front of a real read-only Oxigraph) on that port.

Publishing under the site's own URL makes every minted IRI directly dereferenceable in the tests, which
is the claim under test. PYTEST_DONT_REWRITE: a fixture module, imported by conftest.py.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import pytest
import requests
from servers import _die_with_parent, free_port

from cablegraph.store.publish import publish

CABLEGRAPH = Path(sys.executable).parent / "cablegraph"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@dataclass(frozen=True, slots=True)
class Site:
    url: str  # also the data's base IRI, without the trailing slash
    data: Path

    @property
    def base(self) -> str:
        return self.url + "/"


def start_site(data: Path, port: int, timeout: float = 60.0, extra: tuple[str, ...] = ()) -> subprocess.Popen[bytes]:
    """`cablegraph serve` on `port`, waiting until it serves a page; stderr kept for the failure message."""
    log = open(data / f"serve-{port}.log", "wb")  # noqa: SIM115 - closed with the process below
    process = subprocess.Popen([str(CABLEGRAPH), "serve", "--data", str(data), "--port", str(port), *extra],
                               stdout=log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.close()
            raise RuntimeError(f"cablegraph serve exited {process.returncode}: "
                               f"{(data / f'serve-{port}.log').read_text()}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/static/site.css", timeout=2).status_code == 200:
                return process
        except requests.RequestException:
            pass
        time.sleep(0.2)
    stop_site(process)
    raise RuntimeError(f"the site did not answer within {timeout:.0f} s: {(data / f'serve-{port}.log').read_text()}")


def stop_site(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM: uvicorn shuts down and `serve` then stops its Oxigraph (no orphan store process)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


WIKIDATA_LINKS = (("tag/NATO", "http://www.wikidata.org/entity/Q7184"),
                  ("post/USNATO", "http://www.wikidata.org/entity/Q7184"))


def add_wikidata_links(store_path: Path, base: str) -> None:
    """A few `skos:exactMatch wd:Q…` links, as the linking step (issue 5) writes them, so the pages' links
    out to Wikidata are tested whatever the publish of this branch adds."""
    from pyoxigraph import NamedNode, Quad, Store

    store = Store(str(store_path))
    graph = NamedNode(base + "graph/shared")
    match = NamedNode("http://www.w3.org/2004/02/skos/core#exactMatch")
    store.extend([Quad(NamedNode(base + local), match, NamedNode(entity), graph) for local, entity in WIKIDATA_LINKS])
    store.flush()
    del store


@pytest.fixture(scope="session")
def web_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    data = tmp_path_factory.mktemp("web-site")
    publish([str(files("cablegraph") / "fixtures")], data, base=url + "/", public_url=url, say=lambda _: None)
    add_wikidata_links(data / "store", url + "/")
    process = start_site(data, port)
    try:
        yield Site(url, data)
    finally:
        stop_site(process)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where browser tests keep screenshots and downloads (tests/artifacts/, ignored by git; CI keeps it)."""
    folder = Path(os.environ.get("CABLEGRAPH_TEST_ARTIFACTS", ARTIFACTS))
    folder.mkdir(parents=True, exist_ok=True)
    return folder
