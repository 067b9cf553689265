"""Getting the graph into SPARQL stores: the embedded Oxigraph server, and any SPARQL 1.1 endpoint."""
