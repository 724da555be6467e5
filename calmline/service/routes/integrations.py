"""Helpdesk integrations: ``POST /integrations/chatwoot/webhook`` in, private notes out.

A delivery is verified and parsed by the adapter (:mod:`calmline.integrations.chatwoot`), then goes
the same way as the generic inbound webhook: the conversation is found (or created) by its
helpdesk key and the message is stored and analysed by ``post_message``. What the result calls
for (``CALMLINE_CHATWOOT_NOTE_EVENTS``) is queued in the outbox (event ``note.chatwoot``) in the database,
and posted back as a private note by the scheduler's delivery thread, retried like the alerts.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from calmline.cases import store
from calmline.cases.models import ConversationRow, Delivery
from calmline.cases.outbox import NOTE_PREFIX
from calmline.cases.redaction import redact
from calmline.errors import InputError
from calmline.integrations.base import Adapter, InboundEvent, Ref, note_payload
from calmline.integrations.chatwoot import ChatwootAdapter
from calmline.integrations.signing import SignatureError
from calmline.service import helpdesks
from calmline.service.deps import Services, ServicesDep
from calmline.service.errors import Forbidden, NotFound, Unauthorized
from calmline.service.responses import HelpdeskEventOut
from calmline.service.routes.messages import post_message
from calmline.service.schemas import MessageCreate, MessageResult
from calmline.service.settings import Settings

router = APIRouter(tags=["integrations"])


def adapter_for(settings: Settings) -> ChatwootAdapter:
    adapter = helpdesks.chatwoot(settings)
    if adapter is None:
        raise NotFound("the Chatwoot integration is off: set CALMLINE_CHATWOOT_WEBHOOK_SECRET")
    return adapter


def queue_notes(services: Services, adapter: Adapter, ref: Ref, conversation_id: str, texts: list[str]) -> list[int]:
    """Queue ``texts`` as private notes in the outbox (one committed transaction); their delivery ids.

    Nothing is queued while the helpdesk's outbound side is not configured. The scheduler's delivery
    thread sends them, retried from the database (also after a restart) and listed with the alerts.
    """
    if not texts or adapter.note_request(ref, "") is None:
        return []
    redacting = services.settings.redact
    with services.factory() as s, s.begin():
        rows = [
            Delivery(
                event=NOTE_PREFIX + adapter.name,
                payload=note_payload(ref, redact(text) if redacting else text, conversation_id=conversation_id),
            )
            for text in texts
        ]
        s.add_all(rows)
        s.flush()
        return [r.id for r in rows]


@router.post(
    "/integrations/chatwoot/webhook",
    status_code=202,
    response_model=MessageResult | HelpdeskEventOut,
    response_model_exclude_unset=True,
    responses={
        201: {"description": "a message stored and analysed", "model": MessageResult},
        200: {"description": "a redelivery: the original message's result", "model": MessageResult},
        202: {"description": "ignored, or a conversation event followed"},
    },
)
async def chatwoot_webhook(request: Request, services: ServicesDep, response: Response) -> dict[str, Any]:
    """Receive one Chatwoot webhook delivery (message_created and conversation events; others are ignored)."""
    adapter = adapter_for(services.settings)
    raw = await request.body()
    try:
        adapter.verify(request.headers, raw)
    except SignatureError as exc:
        raise (Unauthorized if exc.missing else Forbidden)(str(exc)) from None
    try:
        event = adapter.parse(json.loads(raw))
    except (ValueError, RecursionError) as exc:  # JSON, UTF-8 and shape errors alike
        raise InputError(f"not a Chatwoot event: {exc}", source="chatwoot") from None
    if event.kind == "ignored" or event.ref is None:
        return {"event": event.event, "ignored": event.reason}
    if event.kind == "conversation":
        return await services.run(_follow, services, event, event.ref)
    result = await services.run(_message, services, event, event.ref, response)
    response.status_code = 200 if result.get("duplicate") else 201
    if not result.get("duplicate"):
        texts = notes(result, services.settings)
        await services.run(queue_notes, services, adapter, event.ref, result["conversation"]["id"], texts)
    return result


def _team_map(settings: Settings) -> dict[str, str]:
    pairs = (item.split("=", 1) for item in settings.chatwoot_teams.split(",") if "=" in item)
    return {k.strip().lower(): v.strip() for k, v in pairs if k.strip() and v.strip()}


def _team_for(settings: Settings, chatwoot_team: str | None) -> str:
    return _team_map(settings).get((chatwoot_team or "").lower(), settings.chatwoot_team)


def _conversation(services: Services, event: InboundEvent, ref: Ref) -> tuple[str, str]:
    """The Calmline conversation (id, team) of ``ref`` in the team its Chatwoot team maps to, made on first sight.

    A Chatwoot conversation lives in one Calmline team at a time, keyed by ``(team, external id)``
    like the generic webhook's: moved to a team that maps elsewhere, it continues in that team's own
    conversation; the old team keeps what it saw and never sees the rest.
    """
    team = _team_for(services.settings, event.team)
    key = services.external_ref(ref.external_id)
    find = select(ConversationRow.id).where(ConversationRow.team == team, ConversationRow.external_id == key)
    with (services.reader or services.factory)() as r:
        conv_id = r.scalar(find)
    if conv_id is not None:
        return str(conv_id), team
    agent = event.agent or "unassigned"
    with services.factory() as s:
        try:
            conv, _case = store.create_conversation(s, _actor(ref, team), agent=agent, team=team, external_id=key)
            store.emit(s, "conversation", {"id": conv.id, "agent": agent}, conversation_id=conv.id, team=team)
            s.commit()
            return conv.id, team
        except IntegrityError:  # a concurrent delivery created it first: use that one
            s.rollback()
            conv_id = s.scalar(find)
            s.rollback()
            if conv_id is None:
                raise
            return str(conv_id), team


def _actor(ref: Ref, team: str) -> store.Actor:
    """The integration acts with its team's rights only (like the generic webhook)."""
    return store.Actor(f"chatwoot:{ref.account}", "supervisor", team)


def _message(services: Services, event: InboundEvent, ref: Ref, response: Response) -> dict[str, Any]:
    conv_id, team = _conversation(services, event, ref)
    actor = _actor(ref, team)
    ts = datetime.fromtimestamp(event.ts, UTC) if event.ts is not None else None
    body = MessageCreate(
        client_id=f"chatwoot:{event.message_id}", role=event.role, text=event.text, author=event.author, ts=ts
    )
    return post_message(services, actor, conv_id, body, response)


def _follow(services: Services, event: InboundEvent, ref: Ref) -> dict[str, Any]:
    """Follow the assignee (and the team, by mapping to the team's own conversation); Chatwoot's status is
    reported back, while Calmline's case keeps its own life cycle (resolving it is the agent's decision)."""
    conv_id, team = _conversation(services, event, ref)
    changed: dict[str, str] = {}
    with services.factory() as s:
        conv = s.get(ConversationRow, conv_id, with_for_update=True)
        if conv is None:  # deleted between the two transactions
            raise NotFound(f"no conversation {conv_id!r}")
        if event.agent and event.agent != conv.agent:
            changed["agent"] = conv.agent = event.agent
        if changed:
            store.audit(s, _actor(ref, team), "conversation.follow", conv_id, {"from": "chatwoot", **changed})
        s.commit()
        return {
            "event": event.event,
            "conversation": conv_id,
            "team": team,
            "changed": changed,
            "chatwoot_status": event.status,
            "status": conv.status,
        }


def notes(result: dict[str, Any], settings: Settings) -> list[str]:
    """The private notes ``result`` calls for under ``CALMLINE_CHATWOOT_NOTE_EVENTS``, each saying why."""
    wanted = {e.strip() for e in settings.chatwoot_note_events.split(",") if e.strip()}
    guidance = result.get("guidance") or {}
    case = result.get("case", "")
    out: list[str] = []
    if "boundary" in wanted:
        for inc in result.get("incidents") or []:
            out.append(f"Calmline boundary ({case}): {inc.get('rung')} - {inc.get('reason')}")
    esc = guidance.get("escalation")
    if "escalation" in wanted and esc:
        why = ", ".join(str(w) for w in esc.get("why") or []) or "rule " + str(esc.get("rule"))
        out.append(f"Calmline escalation ({case}) to {esc.get('to')}: {esc.get('tell_customer')} [why: {why}]")
    if "guidance" in wanted and guidance.get("moves"):
        moves = "; ".join(
            f"{m.get('move')} ({', '.join(str(w) for w in m.get('why') or [])})" for m in guidance["moves"][:3]
        )
        out.append(f"Calmline guidance ({case}): {moves}. Suggested reply: {guidance.get('suggested_reply', '')}")
    return out
