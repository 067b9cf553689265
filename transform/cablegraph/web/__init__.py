"""The linked-data web site: every minted IRI dereferences to HTML or RDF, in front of a read-only Oxigraph."""
