"""Record -> RDF: namespaces, IRI minting and the triples of one cable."""
