"""Minting IRIs for the things a cable talks about, under one configurable base.

Every path segment that comes from cable text goes through `segment()`, which keeps only
RFC 3986 unreserved characters and percent-encodes the rest, so no input (spaces, `>`,
quotes, newlines, non-ASCII) can produce an IRI that breaks a serialisation or escapes
its place in the path. IRI patterns are documented in `ontology/README.md`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote, urlsplit

from pyoxigraph import NamedNode

from cablegraph.rdf.vocab import DEFAULT_BASE

_UNRESERVED = re.compile(r"[A-Za-z0-9_~-][A-Za-z0-9._~-]*")


def segment(value: str) -> str:
    """One IRI path segment from arbitrary text: unreserved characters kept, all else %-encoded."""
    if _UNRESERVED.fullmatch(value):
        return value  # the common case (ids, codes, numbers): nothing to encode, no dot segment
    cleaned = value.strip().encode("utf-8", "replace").decode("utf-8")
    if cleaned in (".", ".."):
        return cleaned.replace(".", "%2E")  # a dot segment would be resolved away by IRI normalisation
    return quote(cleaned, safe="") or "_"


def slug(value: str) -> str:
    """A readable key for names: `SECSTATE  WASHDC` -> `SECSTATE-WASHDC`, `Ivo H. Daalder` -> `ivo-h-daalder`."""
    words = re.findall(r"[^\W_]+", value, flags=re.UNICODE)
    return segment("-".join(words)) if words else segment(value)


def check_base(base: str) -> str:
    """A base IRI must be absolute (http/https) and end with `/` or `#`; say so clearly when not."""
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"base IRI {base!r} must be an absolute http(s) IRI such as {DEFAULT_BASE}")
    if not base.endswith(("/", "#")):
        raise ValueError(f"base IRI {base!r} must end with '/' or '#', e.g. {base}/")
    NamedNode(base)  # pyoxigraph validates the rest of RFC 3987
    return base


class Minter:
    """IRIs for one base. Cheap to create; methods are pure functions of their arguments."""

    def __init__(self, base: str = DEFAULT_BASE):
        self.base = check_base(base)

    @lru_cache(maxsize=65536)  # noqa: B019 - minters live as long as the process; ids repeat a lot
    def _node(self, path: str) -> NamedNode:
        return NamedNode(self.base + path)

    def cable(self, cable_id: str) -> NamedNode:
        return self._node(f"cable/{segment(cable_id)}")

    def paragraph(self, cable_id: str, key: int | str) -> NamedNode:
        """`paragraph/4` for ¶4; a repeated number in a cable gets `4-2` so every paragraph stays distinct."""
        return self._node(f"cable/{segment(cable_id)}/paragraph/{segment(str(key))}")

    def address_line(self, cable_id: str, role: str, position: int) -> NamedNode:
        return self._node(f"cable/{segment(cable_id)}/address/{segment(role)}/{position}")

    def reference(self, cable_id: str, position: int) -> NamedNode:
        return self._node(f"cable/{segment(cable_id)}/reference/{position}")

    def post(self, station: str) -> NamedNode:
        return self._node(f"post/{segment(station)}")

    def address_post(self, name: str) -> NamedNode:
        """A post known only from an address line whose routing indicator no table knows."""
        return self._node(f"post/address/{slug(name.upper())}")

    def addressee(self, name: str) -> NamedNode:
        return self._node(f"addressee/{slug(name.upper())}")

    def person(self, key: str) -> NamedNode:
        return self._node(f"person/{slug(key.lower())}")

    def tag(self, code: str) -> NamedNode:
        return self._node(f"tag/{segment(code)}")

    def tag_repair(self, cable_id: str, written: str) -> NamedNode:
        return self._node(f"cable/{segment(cable_id)}/tag-repair/{segment(written)}")

    def link(self, subject: NamedNode) -> NamedNode:
        """The record of `subject`'s Wikidata link: `link/tag/RS` for `tag/RS` (one link per resource)."""
        if not subject.value.startswith(self.base):
            raise ValueError(f"{subject.value} is not under the base {self.base}")
        return self._node("link/" + subject.value[len(self.base):])

    def link_source(self, source_id: str) -> NamedNode:
        return self._node(f"source/{segment(source_id)}")

    def cable_graph(self, cable_id: str) -> NamedNode:
        return self._node(f"graph/cable/{segment(cable_id)}")

    def shared_graph(self) -> NamedNode:
        return self._node("graph/shared")
