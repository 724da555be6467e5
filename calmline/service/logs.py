"""Structured logs: one JSON object per line (stdlib logging), the access log, redaction when configured.

Every record becomes ``{"ts", "level", "logger", "event", "message", ...}`` plus the fields
passed with ``extra={...}``; a traceback goes in ``"exc"``. With ``CALMLINE_REDACT=1`` every
string field is passed through :func:`calmline.cases.redaction.redact` (paths are
percent-decoded first, so ``alice%40example.com`` is caught too).

``calmline serve`` applies :data:`LOG_CONFIG` to its own loggers and uvicorn's; the access
log is written by :class:`AccessLog` (``logger=calmline.access``, ``event=request``).
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from pydantic import TypeAdapter, ValidationError

from calmline.cases.redaction import redact

__all__ = ["LOG_CONFIG", "AccessLog", "JsonFormatter", "configure_logging", "log_config", "redaction_on"]

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Scope]]
Send = Callable[[Scope], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: the attributes every LogRecord has; anything else on a record came from ``extra=``
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "calmline_redacted"}


#: how the settings read a boolean (``Settings.redact``)
_BOOL = TypeAdapter(bool)


def redaction_on() -> bool:
    """Whether ``CALMLINE_REDACT`` asks for redaction (read when a formatter is made).

    Read as the service's settings read it (any boolean pydantic accepts: ``1``, ``y``, ``t``, ``on``...),
    so the log is redacted whenever the database is.
    """
    value = os.environ.get("CALMLINE_REDACT", "")
    try:
        return bool(value) and _BOOL.validate_python(value)
    except ValidationError:  # the settings refuse it too: the service does not start
        return False


def _clean(value: Any, scrub: bool) -> Any:
    if isinstance(value, str):
        return redact(value) if scrub else value
    if isinstance(value, int | float | bool) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): _clean(v, scrub) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v, scrub) for v in value]
    return _clean(str(value), scrub)


class JsonFormatter(logging.Formatter):
    """One JSON object per line; ``redact=None`` follows ``CALMLINE_REDACT``."""

    def __init__(self, redact: bool | None = None) -> None:
        super().__init__()
        self.redact = redaction_on() if redact is None else redact

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": getattr(record, "event", None) or "log",
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in out:
                out[key] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            out["exc"] = record.exc_text
        if record.stack_info:
            out["stack"] = record.stack_info
        return json.dumps(_clean(out, self.redact), ensure_ascii=False)


def log_config(level: str = "info") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` (and uvicorn ``log_config``) that writes JSON lines to stderr."""
    lvl = level.upper()
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "calmline.service.logs.JsonFormatter"}},
        "handlers": {"json": handler},
        "loggers": {
            "calmline": {"handlers": ["json"], "level": lvl, "propagate": False},
            "uvicorn": {"handlers": ["json"], "level": lvl, "propagate": False},
            "uvicorn.error": {"level": lvl},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},  # AccessLog replaces it
        },
    }


LOG_CONFIG = log_config()


def configure_logging(level: str = "info") -> None:
    """Apply :func:`log_config` to this process (scripts; ``serve`` hands it to uvicorn)."""
    import logging.config

    logging.config.dictConfig(log_config(level))


access = logging.getLogger("calmline.access")


class AccessLog:
    """Plain ASGI middleware: one ``calmline.access`` record per HTTP request, after its response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not access.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status, size = 500, 0

        async def tracked(message: Scope) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = int(message["status"])
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        finally:
            client = scope.get("client")
            access.info(
                "%s %s %d",
                scope.get("method", ""),
                unquote(scope.get("path", "")),
                status,
                extra={
                    "event": "request",
                    "method": scope.get("method", ""),
                    "path": unquote(scope.get("path", "")),
                    "status": status,
                    "bytes": size,
                    "duration_ms": round((time.perf_counter() - start) * 1000, 2),
                    "client": client[0] if client else None,
                },
            )
