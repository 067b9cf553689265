"""Real SPARQL servers on 127.0.0.1 for the test suite: Oxigraph and Virtuoso, started and stopped here.

No mocks: each helper runs the real server binary on a free loopback port, waits until its SPARQL endpoint answers
``ASK {}``, and stops it on exit.

* :class:`OxigraphProcess` runs ``<venv>/bin/oxigraph serve`` (from the ``oxigraph`` PyPI package) on a store folder.
* :class:`VirtuosoProcess` runs Debian's ``virtuoso-t`` through ``scripts/virtuoso.py`` (installed by
  ``scripts/install-virtuoso.sh``), with a scratch ini: loopback ports, results not truncated at 10,000 rows, and
  writes only through Digest auth (dba/dba) on ``/sparql-auth`` and ``/sparql-graph-crud-auth``.
* Session fixtures ``oxigraph_server`` and ``virtuoso_server`` skip when the binary is missing, except under CI
  (env ``CI`` set to anything but ``0``/``false``), where a missing server is a failure: CI must really run them.

Import the fixtures into ``tests/conftest.py`` with ``from servers import oxigraph_server, virtuoso_server``
(pytest puts ``tests/`` on ``sys.path`` in its default rootdir-based import mode); ``tests/test_servers.py`` also
registers this module with ``pytest_plugins`` so it runs on its own. PYTEST_DONT_REWRITE: it is imported before
pytest registers it as a plugin, and its few asserts are internal invariants, not test checks.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType, TracebackType
from typing import Any

import pytest
import requests

from cablegraph.store.oxigraph import OxigraphServer, ServerError
from cablegraph.store.oxigraph import oxigraph_binary as project_oxigraph_binary

REPO = Path(__file__).resolve().parents[1]
VIRTUOSO_SCRIPT = REPO / "scripts" / "virtuoso.py"
HTTP_TIMEOUT = 30  # seconds, for every request the helpers make
SPARQL_JSON = "application/sparql-results+json"
PORT_RETRIES = 3  # a free_port() may be taken by another process before the server binds it


def free_port() -> int:
    """A TCP port that was free on 127.0.0.1 a moment ago (bind to port 0 and let the OS choose)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def in_ci() -> bool:
    """True when env CI is set (CI runs ``.ci/run`` with CI=true): then missing servers fail instead of skipping."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _die_with_parent() -> None:
    """preexec_fn: ask Linux to SIGTERM the server if the test process dies without its teardown (no orphans)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG = 1


def sparql_select(url: str, query: str, auth: Any = None, timeout: float = HTTP_TIMEOUT) -> list[dict[str, str]]:
    """Run a SELECT by GET and return its rows as ``{var: lexical value}`` dicts (unbound variables left out)."""
    resp = requests.get(url, params={"query": query}, headers={"Accept": SPARQL_JSON}, auth=auth, timeout=timeout)
    resp.raise_for_status()
    bindings = resp.json()["results"]["bindings"]
    return [{var: term["value"] for var, term in row.items()} for row in bindings]


def sparql_ask(url: str, query: str = "ASK {}", timeout: float = HTTP_TIMEOUT) -> bool:
    resp = requests.get(url, params={"query": query}, headers={"Accept": SPARQL_JSON}, timeout=timeout)
    resp.raise_for_status()
    return bool(resp.json()["boolean"])


def count_graph(url: str, graph: str, timeout: float = HTTP_TIMEOUT) -> int:
    """Number of triples in named graph ``graph`` (0 when it does not exist), by SELECT COUNT on query endpoint url."""
    rows = sparql_select(url, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", timeout=timeout)
    return int(rows[0]["n"])


class ServerStartError(RuntimeError):
    """A server binary was there but did not come up; the message carries its output."""


class OxigraphProcess(OxigraphServer):
    """The project's own OxigraphServer, as tests use it: a scratch store (removed on exit) when no
    location is given, and, for an automatically chosen port taken meanwhile, a retry on a new one."""

    def __init__(self, location: str | os.PathLike[str] | None = None, port: int | None = None, *,
                 read_only: bool = False, union_default_graph: bool = False, timeout: float = 30.0) -> None:
        self._scratch = tempfile.TemporaryDirectory(prefix="oxigraph-") if location is None else None
        folder = Path(location) if location is not None else Path(self._scratch.name) / "store"
        super().__init__(folder, port=port or free_port(), read_only=read_only,
                         union_default_graph=union_default_graph)
        self._port_given = port is not None
        self.timeout = timeout

    def start(self, wait: float | None = None) -> OxigraphProcess:
        for attempt in range(PORT_RETRIES):
            try:
                super().start(wait=wait or self.timeout)
                return self
            except ServerError as exc:
                if self._port_given or attempt == PORT_RETRIES - 1 or "address already in use" not in str(exc).lower():
                    raise ServerStartError(str(exc)) from exc
                self.port = free_port()
        raise AssertionError("unreachable")

    def stop(self, wait: float = 15.0) -> None:
        super().stop(wait)
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None


def oxigraph_binary() -> Path | None:
    try:
        return Path(project_oxigraph_binary())
    except ServerError:
        return None


def load_virtuoso_module() -> ModuleType:
    """``scripts/virtuoso.py`` imported by path (``scripts/`` is no package)."""
    name = "cablegraph_scripts_virtuoso"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, VIRTUOSO_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look the module up while the class is built
    spec.loader.exec_module(module)
    return module


def virtuoso_available() -> bool:
    return bool(load_virtuoso_module().available())


class VirtuosoProcess(load_virtuoso_module().VirtuosoEndpoints):  # its URLs: url, sparql_url, auth_sparql_url ...
    """A private Virtuoso (``scripts/virtuoso.py``) as a context manager.

    ``directory=None`` uses a fresh temporary folder, removed on exit. Exposes ``sparql_url`` (anonymous, read-only),
    ``auth_sparql_url`` (query + update) and ``crud_url`` (Graph Store Protocol, ``?graph-uri=IRI``), both of the
    latter behind HTTP Digest auth as ``user``/``password`` (``requests.auth.HTTPDigestAuth``), and ``isql(sql)``.
    """

    def __init__(
        self,
        directory: str | os.PathLike[str] | None = None,
        port: int | None = None,
        http_port: int | None = None,
        *,
        timeout: float = 60.0,
    ) -> None:
        self._directory = Path(directory) if directory is not None else None
        self._ports_given = port is not None or http_port is not None
        self.port = port or free_port()
        self.http_port = http_port or free_port()
        while self.http_port == self.port:
            self.http_port = free_port()
        self.timeout = timeout
        self._scratch: tempfile.TemporaryDirectory[str] | None = None
        self.server: Any = None
        self._startup_seconds = 0.0

    @property
    def user(self) -> str:
        return str(load_virtuoso_module().DEFAULT_USER)

    @property
    def password(self) -> str:
        return str(load_virtuoso_module().DEFAULT_PASSWORD)

    @property
    def auth(self) -> requests.auth.HTTPDigestAuth:
        """Digest credentials for ``auth_sparql_url`` and ``crud_url`` (Virtuoso answers Basic with 401)."""
        return requests.auth.HTTPDigestAuth(self.user, self.password)

    @property
    def directory(self) -> Path:
        assert self._directory is not None, "directory is known once the server has started"
        return self._directory

    @property
    def startup_seconds(self) -> float:
        """Seconds from launching virtuoso-t until ASK answered (kept after stop)."""
        return self._startup_seconds

    def isql(self, sql: str, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
        """Run SQL as dba through ``isql-vt`` (e.g. ``checkpoint;``)."""
        return self.server.isql(sql, timeout=timeout)

    def start(self) -> VirtuosoProcess:
        """Start the server and wait for ASK; with auto-chosen ports, retry on new ones if one was taken meanwhile."""
        virtuoso = load_virtuoso_module()
        if self._directory is None:
            self._scratch = tempfile.TemporaryDirectory(prefix="virtuoso-")
            self._directory = Path(self._scratch.name)
        for attempt in range(PORT_RETRIES):
            try:
                self.server = virtuoso.start(
                    self._directory, self.port, self.http_port, timeout=self.timeout, preexec_fn=_die_with_parent
                )
                self._startup_seconds = float(self.server.startup_seconds)
                return self
            except virtuoso.VirtuosoError as exc:
                taken = "failed to start listening" in str(exc).lower() or "failed http listen" in str(exc).lower()
                if self._ports_given or attempt == PORT_RETRIES - 1 or not taken:
                    self._cleanup()
                    raise ServerStartError(str(exc)) from exc
                self.port, self.http_port = free_port(), free_port()
        raise AssertionError("unreachable")

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None
        self._cleanup()

    def _cleanup(self) -> None:
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None

    def __enter__(self) -> VirtuosoProcess:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def missing_server(what: str) -> None:
    """Skip the test for a missing server, or fail under CI, where every server test must really run."""
    if in_ci():
        pytest.fail(f"{what} (CI is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(what)


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphProcess]:
    """An empty, read-write Oxigraph server for the whole session (use distinct graph IRIs per test)."""
    if oxigraph_binary() is None:
        missing_server("oxigraph server binary not found: `.venv/bin/pip install oxigraph` (or `make setup`)")
    with OxigraphProcess(tmp_path_factory.mktemp("oxigraph") / "store") as server:
        yield server


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoProcess]:
    """A fresh Virtuoso for the whole session: anonymous reads on ``sparql_url``, Digest writes (dba/dba)."""
    if not virtuoso_available():
        missing_server("Virtuoso not installed (virtuoso-t / isql-vt / ini): run `bash scripts/install-virtuoso.sh`")
    with VirtuosoProcess(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server
