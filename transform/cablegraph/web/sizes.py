"""Request sizes checked before anything else runs: 414 for a target too long, 431 for headers too large.

uvicorn (h11) reads a request head up to `MAX_HEAD_BYTES` (serve sets its h11 limit to it) and answers
anything larger with a plain 400; below that, this middleware answers with the codes a client can act on
before a route, a parser or the store sees the request. Queries longer than a URL allows belong in a POST
body, which the endpoint bounds by its Content-Length.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

MAX_HEAD_BYTES = 1 << 20  # what the HTTP parser reads at most (uvicorn's h11_max_incomplete_event_size)
MAX_TARGET_BYTES = 64 * 1024  # path and query string
MAX_HEADER_BYTES = 32 * 1024  # all header names and values


class RequestSizeLimits:
    """ASGI middleware: 414 URI Too Long and 431 Request Header Fields Too Large, with a message."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            target = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
            headers = sum(len(name) + len(value) for name, value in scope.get("headers", []))
            if target > MAX_TARGET_BYTES:
                path = scope.get("path", "")
                advice = ("A search takes 1,000 characters at most: shorten it." if path.startswith("/search")
                          else "Send a long query as a POST body (application/sparql-query).")
                await _refuse(send, 414, f"The address is too long ({target:,} bytes; {MAX_TARGET_BYTES:,} at most). "
                                         f"{advice}\n")
                return
            if headers > MAX_HEADER_BYTES:
                await _refuse(send, 431, f"The request headers are too large ({headers:,} bytes; "
                                         f"{MAX_HEADER_BYTES:,} at most).\n")
                return
        await self.app(scope, receive, send)


async def _refuse(send: Send, status: int, message: str) -> None:
    body = message.encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
