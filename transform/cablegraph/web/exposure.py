"""What `cablegraph serve --host` exposes, decided before anything binds.

Loopback (127.0.0.0/8, ::1, localhost) is the default and says nothing. Any other address serves the
site to the network: the read-only site is meant for that, so serve says what is exposed and goes on.
A writable store (`--read-write`, SPARQL Update with no authentication) is never served off loopback:
anyone who can reach the address could replace the data, so serve refuses and says how to load instead.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Exposure:
    refused: bool
    message: str  # '' when there is nothing to say


def is_loopback(host: str) -> bool:
    if host.strip().lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve anywhere


def exposure(host: str, read_write: bool) -> Exposure:
    if is_loopback(host):
        return Exposure(False, "")
    if read_write:
        return Exposure(True, f"--read-write serves a writable store with no authentication; it listens on loopback "
                              f"only, not on {host}. Load on this machine (cablegraph publish/load), then serve the "
                              "published data read-only with `cablegraph serve --host ...`.")
    everywhere = host in ("0.0.0.0", "::", "[::]")
    where = "every network interface of this machine" if everywhere else f"the address {host}"
    return Exposure(False, f"Serving on {where}: anyone who can reach it gets the web site, the read-only "
                           "SPARQL endpoint /sparql (query time and concurrency limited) and the dumps. The store "
                           "itself stays on loopback.")
