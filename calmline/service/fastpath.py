"""``POST /conversations/{id}/messages`` answered without the framework's per-request layers.

Every message a team receives comes through this one route, so its cost per request sets the
service's throughput. Routing (a scan of every route), dependency solving, the generic thread
hop and the middleware wrappers cost about as much CPU as storing the message. This ASGI
middleware answers the ordinary request itself, with the same pieces the route uses: the same
token check (:func:`~calmline.service.deps.actor_for`), the same body model
(``MessageCreate``, validated as FastAPI does: JSON decoded, then the model), the same work
(:func:`~calmline.service.routes.messages.post_message`), the same answer (``MessageResult``
validated and serialised as FastAPI serialises a response model) and the same error bodies.

Anything else goes on to the application unchanged, with the body already read replayed:
other routes, a missing or unknown token, a body that is not JSON or fails validation, another
content type, a body over the size limit, a client that went away. Those answers therefore
stay exactly the application's, and the route itself still documents the endpoint in OpenAPI.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import Response
from pydantic import TypeAdapter, ValidationError

from calmline.errors import CalmlineError
from calmline.service.app import NoSniff
from calmline.service.deps import Services, actor_for
from calmline.service.errors import DATABASE_ERRORS, database_error, error_response
from calmline.service.schemas import MessageCreate, MessageResult

__all__ = ["FastMessages"]

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Scope]]
Send = Callable[[Scope], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_PATH = re.compile(r"/conversations/([^/]+)/messages")
_RESULT: TypeAdapter[MessageResult] = TypeAdapter(MessageResult)


def _json_content_type(value: bytes) -> bool:
    main = value.split(b";", 1)[0].strip().lower()
    return main == b"application/json"


class FastMessages:
    """Answer ``POST /conversations/{id}/messages`` directly; pass everything else to ``app``.

    Args:
        app: the application (its middleware stack) to pass other requests to.
        services: the service state the route would get.
        limit: the request body limit in bytes (over it, the application answers 413).
    """

    def __init__(self, app: ASGIApp, services: Services, limit: int) -> None:
        self.app, self.services, self.limit = app, services, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or (m := _PATH.fullmatch(scope["path"])) is None:
            await self.app(scope, receive, send)
            return
        scope["calmline.route"] = "/conversations/{conversation_id}/messages"  # for the metrics
        # The first of a repeated header counts, as the application reads it (Starlette's Headers.get):
        # a second token must not authenticate here a request the application would refuse.
        headers: dict[bytes, bytes] = {}
        for k, v in scope["headers"]:
            headers.setdefault(k, v)
        authorization = headers[b"authorization"].decode("latin-1") if b"authorization" in headers else None
        declared = headers.get(b"content-length", b"")
        too_large = declared.isdigit() and int(declared) > self.limit  # the app answers 413 without the body
        if too_large or not _json_content_type(headers.get(b"content-type", b"")):
            await self.app(scope, receive, send)
            return
        # Read the body (up to the limit); whatever happens next, the application can be handed it.
        chunks: list[Scope] = []
        size = 0
        while True:
            message = await receive()
            chunks.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.limit or not message.get("more_body", False):
                break
        complete = chunks[-1]["type"] == "http.request" and not chunks[-1].get("more_body", False)
        body = b"".join(c.get("body", b"") for c in chunks) if complete and size <= self.limit else None
        try:
            if body is None:
                raise _Decline
            data = MessageCreate.model_validate(json.loads(body))
            actor = await actor_for(self.services, authorization)
        except (_Decline, ValueError, RecursionError, ValidationError, CalmlineError):
            await self.app(scope, _replay(chunks, receive), send)
            return
        except DATABASE_ERRORS as exc:  # the token could not be checked: as the application answers it, 503
            await NoSniff(database_error(exc))(scope, receive, send)
            return
        from calmline.service.routes.messages import post_message

        response = Response()
        try:
            result = await self.services.run(
                post_message, self.services, actor, m.group(1), data, response, text_chars=len(data.text)
            )
        except CalmlineError as exc:
            await NoSniff(error_response(exc))(scope, receive, send)
            return
        except DATABASE_ERRORS as exc:  # as the application answers it: 503 with Retry-After
            await NoSniff(database_error(exc))(scope, receive, send)
            return
        payload = _RESULT.dump_json(_RESULT.validate_python(result), by_alias=True)
        await send(
            {
                "type": "http.response.start",
                "status": response.status_code,
                "headers": [
                    (b"content-length", str(len(payload)).encode()),
                    (b"content-type", b"application/json"),
                    (b"x-content-type-options", b"nosniff"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})


class _Decline(Exception):
    """This request is for the application to answer."""


def _replay(chunks: list[Scope], receive: Receive) -> Receive:
    """A ``receive`` that gives ``chunks`` again, then goes on with ``receive``."""
    pending = list(chunks)

    async def again() -> Scope:
        if pending:
            return pending.pop(0)
        return await receive()

    return again
