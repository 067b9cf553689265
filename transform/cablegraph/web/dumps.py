"""The dumps folder as the site lists it: only regular files directly in DATA/dumps, with size and SHA-256."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

MEDIA = {".nq.gz": "application/n-quads", ".ttl.gz": "text/turtle", ".nt.gz": "application/n-triples"}


@dataclass(frozen=True, slots=True)
class DumpFile:
    name: str
    path: Path
    size: int
    sha256: str | None
    media_type: str
    encoding: str | None

    @property
    def sha256_b64(self) -> str | None:
        return base64.b64encode(bytes.fromhex(self.sha256)).decode() if self.sha256 else None


def dump_files(folder: Path) -> list[DumpFile]:
    """Files in `folder` (no subfolders, no hidden files), checksums from its SHA256SUMS."""
    if not folder.is_dir():
        return []
    sums: dict[str, str] = {}
    listing = folder / "SHA256SUMS"
    if listing.is_file():
        for line in listing.read_text(encoding="utf-8").splitlines():
            digest, _, name = line.partition("  ")
            if name:
                sums[name.strip()] = digest.strip()
    files = []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.startswith("."):
            continue
        media = next((media for suffix, media in MEDIA.items() if path.name.endswith(suffix)), "text/plain")
        encoding = "gzip" if path.name.endswith(".gz") else None
        files.append(DumpFile(path.name, path, path.stat().st_size, sums.get(path.name), media, encoding))
    return files
