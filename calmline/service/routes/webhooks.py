"""The inbound webhook: a helpdesk pushes messages, signed with HMAC-SHA256 (``X-Calmline-Signature``)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from calmline.cases import store
from calmline.errors import InputError
from calmline.integrations.signing import SignatureError, legacy_signature, verify
from calmline.service.deps import Services, ServicesDep
from calmline.service.errors import Forbidden, NotFound, Unauthorized
from calmline.service.inbound import find_or_create
from calmline.service.routes.messages import post_message
from calmline.service.schemas import InboundMessage, MessageCreate, MessageResult

router = APIRouter(tags=["webhooks"])


def signature(secret: str, body: bytes) -> str:
    """The deprecated header value: ``sha256=<hex hmac of the raw body>`` (see :mod:`calmline.integrations.signing`)."""
    return legacy_signature(secret, body)


@router.post(
    "/webhooks/inbound",
    response_model=MessageResult,
    responses={201: {"description": "stored and analysed"}, 200: {"description": "a retry: the original"}},
    openapi_extra={"requestBody": {"content": {"application/json": {"schema": InboundMessage.model_json_schema()}}}},
)
async def inbound(request: Request, services: ServicesDep, response: Response) -> dict[str, Any]:
    """Receive one message; the conversation is created (by the helpdesk's id) on first sight."""
    secret = services.settings.inbound_webhook_secret
    if not secret:
        raise NotFound("the inbound webhook is off: set CALMLINE_INBOUND_WEBHOOK_SECRET")
    raw = await request.body()
    try:
        form = verify(secret, request.headers, raw, legacy=services.settings.webhook_legacy_signatures)
    except SignatureError as exc:
        raise (Unauthorized if exc.missing else Forbidden)(str(exc)) from None
    if form == "legacy":
        response.headers["Deprecation"] = "true"
        response.headers["Link"] = '<docs/service.md#signing>; rel="deprecation"'
    try:  # json.loads, like the other routes: it reads a lone surrogate escape (replaced by the model)
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise InputError(f"the body is not valid JSON: {exc}", source="webhook") from exc
    try:
        body = InboundMessage.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InputError(f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}", source="webhook") from exc
    return await services.run(_handle, services, body, response, text_chars=len(body.text))


def _handle(services: Services, body: InboundMessage, response: Response) -> dict[str, Any]:
    """Post into the conversation with this ``(team, external id)``; create it on first sight.

    Ids are scoped by team: a delivery for team blue never lands in team red's conversation with
    the same helpdesk id (it gets its own), and the webhook acts with its team's rights only.
    """
    actor = store.Actor(f"webhook:{body.team}", "supervisor", body.team)
    conv_id = find_or_create(services, actor, body.conversation, body.agent)
    msg = MessageCreate(client_id=body.client_id, role=body.role, text=body.text, author=body.author, ts=body.ts)
    return post_message(services, actor, conv_id, msg, response)
