"""HTTP errors: one handler maps every :class:`CalmlineError` to a status code and a clear JSON body.

CalmlineError
├── InputError / InputFormatError   422
├── ConfigError                     500 (server configuration)
└── ServiceError (here)             its own ``status``
    ├── NotFound 404 · Forbidden 403 · Unauthorized 401 · Conflict 409 (ConversationClosed) · TooLarge 413
    ├── Unprocessable 422 (e.g. a message or draft over ``CALMLINE_MAX_TEXT_CHARS``)
    └── Unavailable 503, with ``Retry-After``: the database refused or dropped the connection
        (SQLAlchemy's ``OperationalError``, or no pooled connection free in time; not SQLite's
        "no such table" or syntax errors, which are bugs: 500)
"""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from calmline.errors import CalmlineError, ConfigError, InputError, ModelError, RegistryError

__all__ = [
    "DATABASE_ERRORS",
    "Conflict",
    "ConversationClosed",
    "Forbidden",
    "NotFound",
    "ServiceError",
    "TooLarge",
    "Unauthorized",
    "Unavailable",
    "Unprocessable",
    "database_error",
    "database_unavailable",
    "error_response",
    "install",
    "is_outage",
]

log = logging.getLogger("calmline.service")


class ServiceError(CalmlineError):
    status = 400
    code = "bad_request"


class NotFound(ServiceError):
    status, code = 404, "not_found"


class Forbidden(ServiceError):
    status, code = 403, "forbidden"


class Unauthorized(ServiceError):
    status, code = 401, "unauthorized"


class Conflict(ServiceError):
    status, code = 409, "conflict"


class ConversationClosed(Conflict):
    """A message for a closed conversation (409); ``conversation_id`` and why it was closed (``reason``)."""

    def __init__(self, conversation_id: str, reason: str | None) -> None:
        super().__init__(f"conversation {conversation_id} is closed ({reason}); open a new one")
        self.conversation_id, self.reason = conversation_id, reason


class TooLarge(ServiceError):
    status, code = 413, "too_large"


class Unprocessable(ServiceError):
    status, code = 422, "validation"


class Unavailable(ServiceError):
    status, code = 503, "unavailable"


#: what the database layer raises while the database is down, restarting or out of connections: a 503
DATABASE_ERRORS: tuple[type[Exception], ...] = (OperationalError, PoolTimeout)
#: seconds a client is asked to wait before trying again (helpdesks retry a 503 that says so)
RETRY_AFTER_S = 5


_STATUS: list[tuple[type[CalmlineError], int, str]] = [
    (InputError, 422, "invalid_input"),
    (RegistryError, 422, "unknown_name"),
    (ConfigError, 500, "configuration"),
    (ModelError, 500, "model"),
]


def status_of(exc: CalmlineError) -> tuple[int, str]:
    if isinstance(exc, ServiceError):
        return exc.status, exc.code
    for cls, status, code in _STATUS:
        if isinstance(exc, cls):
            return status, code
    return 400, "error"


def _body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    out: dict[str, Any] = {"error": {"code": code, "message": message}}
    if details is not None:
        out["error"]["details"] = details
    return out


def error_response(exc: CalmlineError) -> JSONResponse:
    """The answer to a :class:`CalmlineError`: its status and ``{"error": {"code", "message"}}``."""
    status, code = status_of(exc)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(_body(code, str(exc)), status_code=status, headers=headers)


#: SQLite raises ``OperationalError`` for mistakes in the SQL or the schema too ("no such table", a syntax error):
#: a bug, not an outage, so it is answered 500 and logged with its traceback, never "try again shortly"
_SQLITE_BUG = re.compile(
    r"no such (?:table|column|function|index|collation|module|savepoint)|syntax error|has no column named|"
    r"already exists|ambiguous column|too many (?:columns|terms|sql variables)|wrong number of arguments|"
    r"values for \d+ columns|sub-select returns|unrecognized token|incomplete input",
    re.IGNORECASE,
)


def is_outage(exc: BaseException) -> bool:
    """Whether a database error means the database is down, busy or out of connections (503), not a bug."""
    if not isinstance(exc, DATABASE_ERRORS):
        return False
    orig = getattr(exc, "orig", None)
    sqlite_bug = orig is not None and type(orig).__module__ == "sqlite3" and _SQLITE_BUG.search(str(orig))
    return not sqlite_bug


def database_error(exc: Exception) -> JSONResponse:
    """503 (:func:`database_unavailable`) for an outage; any other database error is a bug: 500, logged whole."""
    if is_outage(exc):
        return database_unavailable(exc)
    log.error("unexpected error", exc_info=exc)
    return JSONResponse(_body("internal", "internal error; it has been logged"), status_code=500)


def database_unavailable(exc: Exception) -> JSONResponse:
    """503 for a database that is down: logged as one line (not a traceback per request), its address kept
    out of the answer."""
    brief = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    log.warning(
        "database unavailable: %s: %s",
        type(getattr(exc, "orig", None) or exc).__name__,
        brief[0][:300] if brief else "",
        extra={"event": "database_unavailable"},
    )
    response = error_response(Unavailable("the database is unavailable; try again shortly"))
    response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response


def install(app: FastAPI) -> None:
    """Register the handlers: no client input ever produces a 500 with a trace."""

    @app.exception_handler(CalmlineError)
    async def _calmline(_: Request, exc: CalmlineError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = [
            {"where": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg", "")} for e in exc.errors()
        ]
        first = details[0] if details else {"where": "body", "problem": "invalid"}
        return JSONResponse(
            jsonable_encoder(_body("validation", f"{first['where']}: {first['problem']}", details)), status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            _body(f"http_{exc.status_code}", str(exc.detail)),
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    for db_error in DATABASE_ERRORS:

        @app.exception_handler(db_error)
        async def _database(_: Request, exc: Exception) -> JSONResponse:
            return database_error(exc)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error")
        return JSONResponse(_body("internal", "internal error; it has been logged"), status_code=500)
