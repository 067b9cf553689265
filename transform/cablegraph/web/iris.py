"""Between request paths on the site and the IRIs in the data.

The data has two namespaces. Everything `cablegraph publish` mints (cables, paragraphs, posts, people,
tags, graphs, the dataset) lives under the *data base* (`--base`, default `https://w3id.org/cablegraph/`);
the ontology, the concept schemes and the SHACL shapes live under the fixed `https://w3id.org/cablegraph/`
`ontology`, `vocab/` and `shapes`, whatever the data base. The site serves both from its own root: a
request for `/X` means the IRI `<data base>X`, except `/ontology...`, `/vocab/...` and `/shapes`, which
mean the fixed vocabulary IRIs.
So when the site is reachable at the data base (or w3id.org redirects the base there), every IRI
resolves; and links on pages are written site-relative, so a local copy browses the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from pyoxigraph import NamedNode

from cablegraph.rdf.vocab import ONTOLOGY_IRI, VOCAB_BASE

VOCABULARY_ROOT = "https://w3id.org/cablegraph/"  # ONTOLOGY_IRI, VOCAB_BASE and SHAPES_IRI all start here
SHAPES_IRI = VOCABULARY_ROOT + "shapes"  # the SHACL shapes (shapes/cablegraph-shapes.ttl): shapes#Cable-...
# Path characters allowed in a resource path: RFC 3986 pchar (unreserved, sub-delims, ':' '@', %XX) and '/'.
_PATH = re.compile(r"(?:[A-Za-z0-9._~!$&'()*+,;=:@/-]|%[0-9A-Fa-f]{2})+")


class NotAnIri(ValueError):
    """The request path cannot be one of our IRIs (bad characters, dot segments...)."""


@dataclass(frozen=True, slots=True)
class Site:
    """The data base IRI the site serves, and the mapping both ways."""

    base: str

    def iri(self, path: str) -> str:
        """The IRI a raw (still percent-encoded) request path stands for, e.g. `cable/09USNATO383`.

        Raises NotAnIri for anything that is not a well-formed path of ours; the result is also checked
        by pyoxigraph, so it is safe to bind into a query as an IRI term.
        """
        path = path.lstrip("/")
        if not path or not _PATH.fullmatch(path):
            raise NotAnIri(path)
        if any(part in (".", "..") for part in path.split("/")) or "//" in path:
            raise NotAnIri(path)
        if path in ("ontology", "shapes") or path.startswith(("ontology/", "vocab/", "shapes/")):
            iri = VOCABULARY_ROOT + path
        else:
            iri = self.base + path
        try:
            NamedNode(iri)
        except ValueError:
            raise NotAnIri(path) from None
        return iri

    def local(self, iri: str) -> str | None:
        """The site-relative link for one of our IRIs (fragment kept), or None for a foreign IRI."""
        if iri.startswith((ONTOLOGY_IRI, VOCAB_BASE, SHAPES_IRI)):
            return "/" + iri[len(VOCABULARY_ROOT):]
        if iri.startswith(self.base):
            return "/" + iri[len(self.base):]
        return None

    def page_url(self, iri: str) -> str:
        """The HTML page of one of our IRIs as an absolute IRI (`…/post/STATE?format=html`): where its
        lists go on, page by page, when its RDF stops at a bound."""
        return iri + "?format=html"

    def href(self, iri: str) -> str:
        """Where a link to `iri` should point: on this site when it is ours, else the IRI itself if it is a
        web address (an IRI like `javascript:...` or `data:...` in the data never becomes a live link)."""
        local = self.local(iri)
        if local is not None:
            return local
        return iri if iri.startswith(("http://", "https://")) else "#"

    def kind(self, iri: str) -> str:
        """The page an IRI gets: cable, post, tag, person, addressee, concept, ontology, dataset, graph or resource."""
        local = self.local(iri)
        if local is None:
            return "resource"
        parts = local.strip("/").split("/")
        head = parts[0]
        if head in ("cable", "post", "tag", "person", "addressee") and len(parts) == 2:
            return head
        if head == "vocab" and len(parts) == 3 and parts[1] in ("classification", "caveat"):
            return "concept"
        if head == "ontology" or local.startswith("/ontology#"):
            return "ontology"
        if local == "/dataset":
            return "dataset"
        if head == "graph" and len(parts) >= 2:
            return "graph"
        return "resource"

    def display(self, iri: str) -> str:
        """A short readable form of a link target: the last path part, decoded."""
        tail = iri.rstrip("/").rsplit("/", 1)[-1].split("#")[-1]
        return unquote(tail) or iri
