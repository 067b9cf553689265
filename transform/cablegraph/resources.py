"""Where the project's declarative artefacts live: the ontology, the shapes and the queries.

They are real files in the repository's own folders (`ontology/`, `shapes/`, `queries/`),
written for people to read, not strings inside Python; the package finds them relative to
its checkout. CABLEGRAPH_HOME overrides the location for an installed copy.
"""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    override = os.environ.get("CABLEGRAPH_HOME", "").strip()
    return Path(override) if override else Path(__file__).resolve().parents[2]


def project_file(*parts: str) -> Path:
    """A file of the project, with an error that says what to do when it is missing."""
    path = project_root().joinpath(*parts)
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: run cablegraph from its repository checkout, or set CABLEGRAPH_HOME to it"
        )
    return path


def shapes_file() -> Path:
    return project_file("shapes", "cablegraph-shapes.ttl")
