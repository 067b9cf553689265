"""The built wheel, installed into a fresh venv, publishes and answers queries from outside the checkout.

An installed copy must carry the ontology, the shapes and the queries (they live in the top-level folders
of the repository; `cablegraph/artefacts/` links to them and the wheel copies them): `pip install .` then
`cablegraph publish --sample` from another folder used to fail with a traceback. The dependencies come
from the package index through pip's cache, as for any user.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "README.md", "transform", "ontology", "shapes", "queries")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, symlinks=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "vendor"))
        else:
            shutil.copy(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(source)],
                   check=True, timeout=600)
    return next(out.glob("cablegraph-*.whl"))


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory) -> Path:
    """A fresh venv with the wheel and its dependencies: the `bin` folder."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", str(wheel)], check=True, timeout=900)
    return venv / "bin"


def test_the_wheel_carries_the_artefacts_as_files(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder, name in (("ontology", "cablegraph.ttl"), ("ontology", "context.jsonld"),
                         ("shapes", "cablegraph-shapes.ttl"), ("queries", "count-per-post.rq"),
                         ("queries/dataset", "void-statistics.rq"), ("queries/pages", "cable-rows.rq")):
        assert f"cablegraph/artefacts/{folder}/{name}" in names
    shipped = {name.removeprefix("cablegraph/artefacts/") for name in names if name.startswith("cablegraph/artefacts/")}
    in_repository = {str(path.relative_to(ROOT)) for folder in ("ontology", "shapes", "queries")
                     for path in (ROOT / folder).rglob("*") if path.is_file()}
    assert shipped == in_repository


def test_an_installed_copy_publishes_and_queries_from_another_folder(installed: Path, tmp_path: Path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {key: value for key, value in os.environ.items() if key not in ("CABLEGRAPH_HOME", "PYTHONPATH")}
    env["PATH"] = f"{installed}{os.pathsep}{env.get('PATH', '')}"

    def cablegraph(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(installed / "cablegraph"), *args], cwd=elsewhere, env=env, capture_output=True,
                              text=True, timeout=600)

    where = subprocess.run([str(installed / "python"), "-c", "import cablegraph; print(cablegraph.__file__)"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, check=True).stdout
    assert str(ROOT) not in where  # the installed copy, not the checkout
    published = cablegraph("publish", "--sample", "--data", "data", "--no-progress")
    assert published.returncode == 1, published.stderr  # the sample's two broken fixtures, quarantined on purpose
    assert "Traceback" not in published.stderr
    answer = cablegraph("query", "count-per-post", "--data", "data", "--format", "csv")
    assert answer.returncode == 0, answer.stderr
    assert "https://w3id.org/cablegraph/post/USNATO" in answer.stdout
