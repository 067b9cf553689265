"""Conditional GET for the resource representations: ETag, Last-Modified and 304 Not Modified.

Why: a crawler that walks the site again, or a browser that reloads a page, should not pay for a
description that has not changed. The store is read-only while served, so a representation changes
only with a new release: the ETag is a hash of the body (it differs between formats, as it must),
Last-Modified is when the release was published (its dumps' checksum file, else the data folder).
"""

from __future__ import annotations

import hashlib
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

KEPT_ON_304 = ("etag", "last-modified", "cache-control", "vary", "content-location", "link")


def release_time(data: Path) -> float | None:
    """When the release in `data` was published, as a POSIX time; None when the folder is not there."""
    for path in (data / "dumps" / "SHA256SUMS", data):
        if path.exists():
            return path.stat().st_mtime
    return None


def conditional(request: Request, response: Response, published: float | None) -> Response:
    """`response` with its validators, or a bodiless 304 when the client's copy is current."""
    if response.status_code != 200 or request.method not in ("GET", "HEAD"):
        return response
    etag = '"' + hashlib.sha256(response.body).hexdigest()[:32] + '"'
    response.headers["ETag"] = etag
    if published is not None:
        response.headers["Last-Modified"] = formatdate(int(published), usegmt=True)
    if _fresh(request, etag, published):
        headers = {key: value for key, value in response.headers.items() if key.lower() in KEPT_ON_304}
        return Response(status_code=304, headers=headers)
    return response


def _fresh(request: Request, etag: str, published: float | None) -> bool:
    """RFC 9110 13.1: If-None-Match decides when present (weak comparison); else If-Modified-Since."""
    match = request.headers.get("if-none-match")
    if match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in match.split(",")}
        return "*" in tags or etag in tags
    since = request.headers.get("if-modified-since")
    if since is None or published is None:
        return False
    try:
        return int(published) <= parsedate_to_datetime(since).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return False  # an unreadable date is ignored, as the RFC says
