"""Refuse request targets no route can use: control characters in the path or the query string.

A NUL byte in an id (``/conversations/%00``, ``?agent=%00``) reaches the database as a
parameter, and PostgreSQL refuses NUL in text with an error (a 500); other control characters
are never part of a valid id, name or filter either. One plain ASGI check, before routing,
answers 400 for all of them on every database, so no route has to remember it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import unquote_to_bytes

__all__ = ["CleanTarget", "bad_target"]

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Scope]]
Send = Callable[[Scope], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_CONTROL_TEXT = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
_CONTROL_BYTES = re.compile(rb"[\x00-\x1f\x7f]")


def bad_target(path: str, query: bytes) -> str | None:
    """Why a request's decoded path or query string is refused, or ``None`` if it is clean."""
    if _CONTROL_TEXT.search(path):
        return "the path contains control characters"
    if query and _CONTROL_BYTES.search(unquote_to_bytes(query) if b"%" in query else query):
        return "the query string contains control characters"
    return None


class CleanTarget:
    """ASGI middleware: 400 for a path or query string with control characters (see the module)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            problem = bad_target(scope.get("path", ""), scope.get("query_string", b""))
            if problem is not None and scope["type"] == "http":
                body = json.dumps({"error": {"code": "bad_request", "message": problem}}).encode()
                headers = [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"x-content-type-options", b"nosniff"),
                ]
                await send({"type": "http.response.start", "status": 400, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
            if problem is not None:
                await send({"type": "websocket.close", "code": 1008})
                return
        await self.app(scope, receive, send)
