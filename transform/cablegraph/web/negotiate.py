"""Content negotiation: which representation of a resource a request wants.

Browsers get HTML; linked-data clients name an RDF media type in `Accept`. A `?format=` parameter
(ttl, nt, jsonld, rdf, html) overrides the header, so a plain link can point at one representation.
The answer is always 200 at the IRI itself with `Vary: Accept` and a `Content-Location` naming the
format-specific URL (see README: why 200 and not 303).
"""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import RdfFormat


@dataclass(frozen=True, slots=True)
class Representation:
    key: str  # the ?format= value
    media_type: str
    rdf: RdfFormat | None  # None for HTML
    label: str


HTML = Representation("html", "text/html", None, "HTML")
REPRESENTATIONS = (
    HTML,
    Representation("ttl", "text/turtle", RdfFormat.TURTLE, "Turtle"),
    Representation("nt", "application/n-triples", RdfFormat.N_TRIPLES, "N-Triples"),
    Representation("jsonld", "application/ld+json", RdfFormat.JSON_LD, "JSON-LD"),
    Representation("rdf", "application/rdf+xml", RdfFormat.RDF_XML, "RDF/XML"),
)
BY_KEY = {r.key: r for r in REPRESENTATIONS}
# Media types we accept in Accept, including common aliases.
BY_MEDIA = {r.media_type: r for r in REPRESENTATIONS} | {
    "application/xhtml+xml": HTML, "application/x-turtle": BY_KEY["ttl"], "application/json": BY_KEY["jsonld"],
    "application/xml": BY_KEY["rdf"], "text/n-triples": BY_KEY["nt"],
}


class NotAcceptable(ValueError):
    """Nothing in Accept (or ?format=) is a representation we have."""


def parse_accept(header: str) -> list[tuple[str, float]]:
    """`text/turtle;q=0.9, */*;q=0.1` -> [('text/turtle', 0.9), ('*/*', 0.1)], best first, stable."""
    ranges: list[tuple[str, float, int]] = []
    for position, part in enumerate(header.split(",")):
        fields = [field.strip() for field in part.split(";")]
        media = fields[0].lower()
        if not media or "/" not in media:
            continue
        quality = 1.0
        for parameter in fields[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        ranges.append((media, quality, position))
    ranges.sort(key=lambda item: (-item[1], item[2]))
    return [(media, quality) for media, quality, _ in ranges]


def choose(accept: str | None, format_key: str | None) -> Representation:
    """The representation to send; HTML when nothing is asked for or for `*/*`."""
    if format_key:
        if format_key not in BY_KEY:
            raise NotAcceptable(f"unknown format {format_key!r}; use one of {', '.join(BY_KEY)}")
        return BY_KEY[format_key]
    if not accept or not accept.strip():
        return HTML
    for media, quality in parse_accept(accept):
        if quality <= 0:
            continue
        if media in BY_MEDIA:
            return BY_MEDIA[media]
        if media in ("*/*", "text/*"):
            return HTML
        if media == "application/*":
            return BY_KEY["jsonld"]
    raise NotAcceptable(f"none of {accept!r} is available")
