"""Helpdesk integrations: ``POST /integrations/chatwoot/webhook`` and ``/integrations/zendesk/webhook`` in,
private notes out.

A delivery is verified and parsed by the adapter (:mod:`calmline.integrations.chatwoot`), then goes
the shared helpdesk path (:mod:`calmline.service.inbound`): the conversation is found (or created)
by its helpdesk key and the message is stored and analysed by ``post_message`` like the generic
inbound webhook's; an edit is re-read; a status change resolves or reopens the case. What the
result calls for (``CALMLINE_CHATWOOT_NOTE_EVENTS``) is queued in the outbox (event
``note.chatwoot``) in the database, and posted back as a private note by the scheduler's delivery
thread, retried like the alerts.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, Request, Response

from calmline.errors import InputError
from calmline.integrations.base import Adapter, Ref
from calmline.integrations.signing import SignatureError
from calmline.service import helpdesks, inbound
from calmline.service.deps import Services, ServicesDep
from calmline.service.errors import Forbidden, NotFound, Unauthorized
from calmline.service.responses import HelpdeskEventOut, HelpdeskMessageOut

router = APIRouter(tags=["integrations"])

#: the answers of a helpdesk webhook, documented
ANSWERS: dict[int | str, dict[str, Any]] = {
    201: {"description": "a message stored and analysed", "model": HelpdeskMessageOut},
    200: {"description": "a redelivery (the original's result), or an edit re-read", "model": HelpdeskMessageOut},
    202: {"description": "ignored (why is in 'ignored'), or a conversation event followed", "model": HelpdeskEventOut},
    401: {"description": "the helpdesk's signature headers are missing"},
    403: {"description": "wrong signature, or a timestamp outside the freshness window (a replay)"},
    404: {"description": "this integration is off (its webhook secret is not set)"},
    413: {"description": "request body over CALMLINE_MAX_BODY_BYTES"},
    422: {"description": "not JSON, or a used event without its ids or with a field of the wrong type"},
}


def _body(helpdesk: str) -> dict[str, Any]:
    """The request body as documented: the helpdesk's own JSON, passed through as it sends it."""
    schema = {"type": "object", "description": f"A {helpdesk} webhook payload, exactly as {helpdesk} sends it."}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


A = TypeVar("A", bound=Adapter)


def switched_on(adapter: A | None, helpdesk: str) -> A:
    """``adapter``, or 404 while its integration is off (no webhook secret set)."""
    if adapter is None:
        raise NotFound(f"the {helpdesk} integration is off: set CALMLINE_{helpdesk.upper()}_WEBHOOK_SECRET")
    return adapter


async def receive(
    request: Request,
    services: Services,
    response: Response,
    adapter: Adapter,
    *,
    team_for: Callable[[str | None], str],
    note_events: str,
) -> dict[str, Any]:
    """Verify, parse and handle one delivery of ``adapter``'s helpdesk (``team_for``: the helpdesk's team to ours)."""
    raw = await request.body()
    try:
        adapter.verify(request.headers, raw)
    except SignatureError as exc:
        raise (Unauthorized if exc.missing else Forbidden)(str(exc)) from None
    try:
        event = adapter.parse(json.loads(raw))
    except (ValueError, RecursionError) as exc:  # JSON, UTF-8 and shape errors alike
        raise InputError(f"not a {adapter.name} event: {exc}", source=adapter.name) from None
    if event.kind == "ignored" or event.ref is None:
        return {"event": event.event, "ignored": event.reason}
    ref: Ref = event.ref
    team = team_for(event.team)
    if event.kind == "conversation":
        return await services.run(inbound.follow, services, event, ref, team)
    before: dict[str, Any] | None
    if event.kind == "edit":
        result, before = await services.run(inbound.edit, services, event, ref, team, response)
    else:
        result = await services.run(inbound.post, services, event, ref, team, response)
        response.status_code = 200 if result.get("duplicate") else 201
        before = None if result.get("duplicate") else {}
    if "ignored" in result:  # a message (or an edit of one never seen) in a conversation closed in Calmline
        response.status_code = 202
        return result
    if before is not None:  # new, or an edit that changed the text: the notes the old text had not called for
        old = set(inbound.notes(before, "*")) if before else set()
        texts = [n for n in inbound.notes(result, note_events) if n not in old]
        conv_id = result["conversation"]["id"]
        await services.run(inbound.queue_notes, services, adapter, ref, conv_id, texts)
    return result


@router.post(
    "/integrations/chatwoot/webhook",
    status_code=202,
    response_model=HelpdeskMessageOut | HelpdeskEventOut,
    response_model_exclude_unset=True,
    responses=ANSWERS,
    openapi_extra=_body("Chatwoot"),
)
async def chatwoot_webhook(request: Request, services: ServicesDep, response: Response) -> dict[str, Any]:
    """Receive one Chatwoot webhook delivery (messages, edits and conversation events; others are ignored)."""
    settings = services.settings
    adapter = switched_on(helpdesks.chatwoot(settings), "Chatwoot")

    def team_for(chatwoot_team: str | None) -> str:
        return helpdesks.team_for(settings.chatwoot_teams, settings.chatwoot_team, chatwoot_team)

    return await receive(
        request, services, response, adapter, team_for=team_for, note_events=settings.chatwoot_note_events
    )


@router.post(
    "/integrations/zendesk/webhook",
    status_code=202,
    response_model=HelpdeskMessageOut | HelpdeskEventOut,
    response_model_exclude_unset=True,
    responses=ANSWERS,
    openapi_extra=_body("Zendesk"),
)
async def zendesk_webhook(request: Request, services: ServicesDep, response: Response) -> dict[str, Any]:
    """Receive one Zendesk event webhook (ticket comments, status, assignee and group changes; others ignored)."""
    settings = services.settings
    adapter = switched_on(helpdesks.zendesk(settings), "Zendesk")

    def team_for(group: str | None) -> str:
        return helpdesks.team_for(settings.zendesk_teams, settings.zendesk_team, group)

    return await receive(
        request, services, response, adapter, team_for=team_for, note_events=settings.zendesk_note_events
    )
