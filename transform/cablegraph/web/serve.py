"""`cablegraph serve`: the read-only Oxigraph server on an internal loopback port, the site in front of it.

Only the site listens on the public address; the store answers on 127.0.0.1 at a port of its own and
is started with `serve-read-only`, so nothing that reaches the site can change the data.
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import uvicorn

from cablegraph.store.oxigraph import OxigraphServer
from cablegraph.web.app import Settings, create_app


def _exit_quietly(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def run(data: Path, host: str, port: int, *, base: str | None = None, store_port: int | None = None,
        say: Callable[[str], None] = print) -> None:
    """Serve until interrupted; the Oxigraph process is stopped on the way out, whatever happens.

    uvicorn handles SIGINT/SIGTERM itself, shuts down, restores the previous handlers and then raises
    the signal again. With the default handlers that would kill this process before its `finally`
    stops Oxigraph (which runs in its own session and would be orphaned), so the handlers in place
    while uvicorn runs turn the re-raised signal into a SystemExit.
    """
    for handled in (signal.SIGINT, signal.SIGTERM):
        signal.signal(handled, _exit_quietly)
    # The store's own limit is long enough for the once-per-start aggregates over the full release; the
    # site's client gives page queries and the public /sparql 60 s.
    store = OxigraphServer(data / "store", port=store_port, read_only=True, timeout_s=600)
    store.start()
    try:
        app = create_app(Settings(store.query_url, data, base))
        site = f"http://{host}:{port}"
        say(f"cablegraph site on {site}/  (store: {store.url}, read-only)\n"
            f"  SPARQL endpoint: {site}/sparql   query editor: {site}/query\nCtrl-C to stop.")
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, server_header=False)
    finally:
        store.stop()
