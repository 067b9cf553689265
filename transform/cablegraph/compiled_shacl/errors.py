"""The one error the compiled engine raises about shapes: a feature it does not evaluate."""

from __future__ import annotations

from rdflib.term import Node


class UnsupportedShapeFeature(ValueError):
    """The shapes use a SHACL feature the compiled engine does not evaluate.

    Raised when the shapes are compiled, before any data is seen, so that a new shape can never be
    silently ignored: use the pyshacl engine (`--shacl-engine pyshacl`) or teach the compiled
    engine the feature, with a test of its agreement with pyshacl.
    """

    def __init__(self, shape: Node | None, feature: str) -> None:
        self.shape = shape
        self.feature = feature
        where = f" in shape {shape}" if shape is not None else ""
        super().__init__(f"the compiled SHACL engine does not support {feature}{where}; "
                         "validate with --shacl-engine pyshacl, or add the feature to cablegraph.compiled_shacl")
