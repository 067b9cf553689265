"""Where the project's declarative artefacts live: the ontology, the shapes and the queries.

They are real files in the repository's own top-level folders (`ontology/`, `shapes/`, `queries/`),
written for people to read, not strings inside Python, and those folders stay the one source of
truth. The package reaches them through `cablegraph/artefacts/`, whose entries are symbolic links to
those folders: in a checkout (or an editable install) they lead to the very files people edit, and
building a wheel copies what they point to, so an installed copy carries the same files and works
from any folder with no setting. CABLEGRAPH_HOME, when set, points at another tree holding the three
folders (to try edited shapes or queries against an installed copy).
"""

from __future__ import annotations

import os
from pathlib import Path

ARTEFACTS = Path(__file__).resolve().parent / "artefacts"


def project_root() -> Path:
    """The folder holding `ontology/`, `shapes/` and `queries/`."""
    override = os.environ.get("CABLEGRAPH_HOME", "").strip()
    return Path(override) if override else ARTEFACTS


def project_file(*parts: str) -> Path:
    """A file of the project, with an error that says what to do when it is missing."""
    path = project_root().joinpath(*parts)
    if not path.is_file():
        hint = ("CABLEGRAPH_HOME is set: point it at a folder holding ontology/, shapes/ and queries/, or unset it"
                if os.environ.get("CABLEGRAPH_HOME", "").strip()
                else "the installed package is incomplete: reinstall cablegraph")
        raise FileNotFoundError(f"{path} is missing: {hint}")
    return path


def shapes_file() -> Path:
    return project_file("shapes", "cablegraph-shapes.ttl")
