"""`cablegraph serve`: the read-only Oxigraph server on an internal loopback port, the site in front of it.

Only the site listens on the public address; the store answers on 127.0.0.1 at a port of its own and
is started with `serve-read-only`, so nothing that reaches the site can change the data.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import uvicorn

from cablegraph.store.oxigraph import OxigraphServer
from cablegraph.store.release import DataFolder
from cablegraph.web.app import Settings, create_app
from cablegraph.web.endpoint import Limits
from cablegraph.web.sizes import MAX_HEAD_BYTES


def _exit_quietly(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def _restart(server: OxigraphServer, closing: threading.Event) -> None:
    """Stop the public store (the runaway query with it) and start it again on the same port, unless serve
    is shutting down (a restart racing the shutdown would leave a store process behind)."""
    server.stop(wait=2.0)
    if closing.is_set():
        return
    server.start()
    if closing.is_set():
        server.stop(wait=2.0)


def run(data: Path, host: str, port: int, *, base: str | None = None, store_port: int | None = None,
        say: Callable[[str], None] = print, allowed_services: tuple[str, ...] = (),
        limits: Limits | None = None) -> None:
    """Serve until interrupted; the Oxigraph process is stopped on the way out, whatever happens.

    uvicorn handles SIGINT/SIGTERM itself, shuts down, restores the previous handlers and then raises
    the signal again. With the default handlers that would kill this process before its `finally`
    stops Oxigraph (which runs in its own session and would be orphaned), so the handlers in place
    while uvicorn runs turn the re-raised signal into a SystemExit.
    """
    limits = limits or Limits()
    # The release published now, resolved once: a publish that switches to a newer one while this site runs
    # leaves it serving a whole release (store, dumps and description of the same run), never a mixture.
    data = DataFolder(data).current() or data
    for handled in (signal.SIGINT, signal.SIGTERM):
        signal.signal(handled, _exit_quietly)
    # The pages' store runs without --timeout-s: Oxigraph keeps one thread per query alive for the whole timeout,
    # so at 600 s a crawler walking the site (several queries a page) had the reader at 16,364 threads and
    # answering "Resource temporarily unavailable" to every query. The pages' queries are the site's own,
    # bounded ones; the site's client gives each 60 s (the once-per-start aggregates 600 s).
    closing = threading.Event()
    store = OxigraphServer(data / "store", port=store_port, read_only=True, timeout_s=None)
    # The public /sparql gets a reader of its own, with `query_timeout` as its --timeout-s; a query that runs
    # on past it is stopped by restarting this reader (PublicQueries.stop_runaway), and a flood of heavy
    # queries there leaves the pages' reader alone.
    public = OxigraphServer(data / "store", read_only=True, timeout_s=limits.query_timeout, record_state=False,
                            log=data / "store-public-oxigraph.log")
    store.start()
    try:
        public.start()
        app = create_app(Settings(store.query_url, data, base, allowed_services=allowed_services,
                                  public_query_url=public.query_url, limits=limits,
                                  restart_public=lambda: _restart(public, closing)))
        site = f"http://{host}:{port}"
        say(f"cablegraph site on {site}/  (store: {store.url}, read-only)\n"
            f"  SPARQL endpoint: {site}/sparql   query editor: {site}/query\n"
            f"  SERVICE allowed to: {', '.join(allowed_services) or 'no endpoint (federated queries are refused)'}\n"
            "Ctrl-C to stop.")
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, server_header=False,
                    h11_max_incomplete_event_size=MAX_HEAD_BYTES)
    finally:
        closing.set()
        public.stop()
        store.stop()
