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
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType, TracebackType
from typing import Any

import pytest
import requests

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


def _answers_ask(url: str, timeout: float = 2.0) -> bool:
    try:
        resp = requests.get(url, params={"query": "ASK {}"}, headers={"Accept": SPARQL_JSON}, timeout=timeout)
    except requests.RequestException:
        return False
    return resp.status_code == 200


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


def oxigraph_binary() -> Path | None:
    """``<venv>/bin/oxigraph`` beside the running Python (the ``oxigraph`` PyPI package), else one on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file() and os.access(beside, os.X_OK):
        return beside
    found = shutil.which("oxigraph")
    return Path(found) if found else None


class ServerStartError(RuntimeError):
    """A server binary was there but did not come up; the message carries its output."""


class OxigraphProcess:
    """``oxigraph serve --location DIR --bind 127.0.0.1:PORT`` as a context manager.

    ``location=None`` uses a fresh temporary folder, removed on exit. ``read_only=True`` runs ``serve-read-only``
    (the folder must hold a store no other process writes to); ``union_default_graph=True`` adds
    ``--union-default-graph``. Entering waits until ``GET /query?query=ASK{}`` answers; exiting sends SIGTERM, waits
    up to 10 s and then kills.
    """

    def __init__(
        self,
        location: str | os.PathLike[str] | None = None,
        port: int | None = None,
        *,
        read_only: bool = False,
        union_default_graph: bool = False,
        timeout: float = 30.0,
        binary: str | os.PathLike[str] | None = None,
    ) -> None:
        self.binary = Path(binary) if binary else oxigraph_binary()
        self._given_location = Path(location) if location is not None else None
        self._location = self._given_location
        self._port_given = port is not None
        self.port = port or free_port()
        self.read_only = read_only
        self.union_default_graph = union_default_graph
        self.timeout = timeout
        self.process: subprocess.Popen[bytes] | None = None
        self.startup_seconds = 0.0
        self._scratch: tempfile.TemporaryDirectory[str] | None = None
        self.log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.url}/query"

    @property
    def update_url(self) -> str:
        return f"{self.url}/update"

    @property
    def store_url(self) -> str:
        """Graph Store Protocol: ``?graph=IRI`` or ``?default`` (a PUT with neither replaces the whole dataset)."""
        return f"{self.url}/store"

    @property
    def location(self) -> Path:
        assert self._location is not None, "location is known once the server has started"
        return self._location

    def command(self) -> list[str]:
        cmd = [str(self.binary), "serve-read-only" if self.read_only else "serve"]
        cmd += ["--location", str(self.location), "--bind", f"127.0.0.1:{self.port}"]
        if self.union_default_graph:
            cmd.append("--union-default-graph")
        return cmd

    def _output(self) -> str:
        if self.log_path and self.log_path.is_file():
            return self.log_path.read_text(errors="replace")[-4000:]
        return ""

    def start(self) -> OxigraphProcess:
        """Start the server and wait for ASK; with an auto-chosen port, retry on a new one if it was taken meanwhile."""
        if self.binary is None or not self.binary.is_file():
            raise FileNotFoundError("oxigraph server binary not found: pip install oxigraph")
        for attempt in range(PORT_RETRIES):
            try:
                return self._start_once()
            except ServerStartError as exc:
                if self._port_given or attempt == PORT_RETRIES - 1 or "address already in use" not in str(exc).lower():
                    raise
                self.port = free_port()
        raise AssertionError("unreachable")

    def _start_once(self) -> OxigraphProcess:
        self._scratch = tempfile.TemporaryDirectory(prefix="oxigraph-")
        scratch = Path(self._scratch.name)
        self._location = self._given_location or scratch / "store"  # a retry gets a fresh scratch store
        self.log_path = scratch / "oxigraph.log"  # beside, not inside, the store folder
        t0 = time.monotonic()
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                self.command(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        while not _answers_ask(self.query_url):
            error = None
            if self.process.poll() is not None:
                error = f"oxigraph exited with code {self.process.returncode} while starting"
            elif time.monotonic() - t0 > self.timeout:
                error = f"oxigraph did not answer ASK on {self.query_url} within {self.timeout:.0f} s"
            if error:
                output = self._output()  # read before stop() removes the scratch folder
                self.stop()
                raise ServerStartError(f"{error}: {' '.join(self.command())}\n{output}")
            time.sleep(0.05)
        self.startup_seconds = time.monotonic() - t0
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None

    def __enter__(self) -> OxigraphProcess:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


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


class VirtuosoProcess:
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
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql_url(self) -> str:
        return f"{self.url}/sparql"

    @property
    def auth_sparql_url(self) -> str:
        return f"{self.url}/sparql-auth"

    @property
    def crud_url(self) -> str:
        return f"{self.url}/sparql-graph-crud-auth"

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
