"""Serve the console: ``GET /console`` (the HTML shell) and ``/console/static/...`` from package data.

Also a few read-only JSON helpers under ``/console/api`` that compose the store for the views
(who am I, the risk-sorted queue, a turn-by-turn replay with coach results).
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from functools import lru_cache
from importlib import resources

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from calmline.console._api import router as api_router
from calmline.service.errors import NotFound

__all__ = ["CSP", "router"]

#: Everything from this origin only: no inline script, no external hosts (the console works offline).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_SAFE_NAME = re.compile(r"^[a-z0-9_-]+(?:\.[a-z0-9]+)+$")
_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".svg": "image/svg+xml",
}

router = APIRouter(tags=["console"], include_in_schema=False)
router.include_router(api_router)


@lru_cache(maxsize=64)
def _asset(name: str) -> bytes | None:
    if not _SAFE_NAME.match(name):
        return None
    node = resources.files("calmline.console").joinpath("static", name)
    return node.read_bytes() if node.is_file() else None


def _headers() -> dict[str, str]:
    return {"Content-Security-Policy": CSP, "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"}


@router.get("/console")
async def console_page() -> Response:
    """The single-page shell; the hash (``#/agent``, ``#/queue``, ``#/review``) picks the view."""
    body = _asset("index.html")
    assert body is not None, "calmline/console/static/index.html is missing from the package"
    return Response(body, media_type="text/html; charset=utf-8", headers={**_headers(), "Cache-Control": "no-cache"})


@router.get("/console/")
async def console_slash() -> RedirectResponse:
    return RedirectResponse("/console", status_code=308)


@lru_cache(maxsize=64)
def _etag(name: str) -> str:
    body = _asset(name) or b""
    return '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


@router.get("/console/static/{name}")
async def console_static(name: str, request: Request) -> Response:
    """A shipped asset (flat folder; names are checked, so no path tricks); revalidated by ETag."""
    body = _asset(name)
    if body is None:
        raise NotFound(f"no console asset {name!r}")
    headers = {**_headers(), "Cache-Control": "no-cache", "ETag": _etag(name)}
    if request.headers.get("if-none-match") == headers["ETag"]:
        return Response(status_code=304, headers=headers)
    suffix = name[name.rfind(".") :]
    media = _TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    return Response(body, media_type=media, headers=headers)
