"""The compiled SHACL engine: the shapes file compiled into Python evaluators, equal to pyshacl on our shapes.

pyshacl (the reference) validates a batch of 200 cables at about 40 cables/s per core: too slow for
the 251,287-cable release in five minutes on two cores, so this engine is the default ("auto" in
cablegraph.validate: this engine, or pyshacl when it refuses the shapes). This engine reads the
same shapes file at runtime, compiles the SHACL Core subset it uses (and refuses, with
UnsupportedShapeFeature, anything else), indexes each batch's pyoxigraph quads in plain dicts and
runs the shapes' SPARQL-based targets and constraints with pyoxigraph. Where pyshacl departs from
the SHACL text, or rdflib from RDF 1.1 (normalized literals), it follows pyshacl: the tests prove
the two engines give the same results on every mutation of the shapes' test cable and on the
real corpus.

Modules: terms (literals as rdflib reads them), data (the batch index), paths, constraints, sparql,
compiler (shapes graph -> compiled shapes), model (shapes, results, context), report (the SHACL
report graph), engine (the entry point).
"""

from cablegraph.compiled_shacl.engine import CompiledValidator, Outcome
from cablegraph.compiled_shacl.errors import UnsupportedShapeFeature
from cablegraph.compiled_shacl.terms import quads_from_graph

__all__ = ["CompiledValidator", "Outcome", "UnsupportedShapeFeature", "quads_from_graph"]
