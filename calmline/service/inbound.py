"""The one path of a helpdesk delivery, once its adapter verified and parsed it (Chatwoot, Zendesk).

A helpdesk conversation lives in one Calmline team, keyed by ``(team, external id)`` like the
generic webhook's. A message goes through ``post_message``; an edited message is re-read in place;
a status change resolves or reopens the case; what a result calls for is queued as private notes in
the outbox. The adapter and the team mapping are the helpdesk's; everything else is shared.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import Response
from pydantic import ValidationError
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from calmline.cases import store
from calmline.cases.models import Case, ConversationRow, Delivery, Incident, MessageRow
from calmline.cases.outbox import NOTE_PREFIX
from calmline.cases.pipeline import analyse_message, result_of
from calmline.cases.redaction import redact
from calmline.errors import InputError
from calmline.integrations.base import Adapter, InboundEvent, Ref, note_payload
from calmline.service.deps import Services, check_text
from calmline.service.errors import ConversationClosed, NotFound
from calmline.service.routes.cases import reopen, resolve
from calmline.service.routes.messages import post_message
from calmline.service.schemas import MessageCreate, clean_text

__all__ = ["actor", "conversation", "edit", "find_or_create", "follow", "notes", "post", "queue_notes"]

#: helpdesk statuses that resolve the Calmline case, and those that reopen a resolved one
RESOLVED = frozenset({"resolved", "solved", "closed"})
OPEN = frozenset({"open", "new", "pending", "hold"})


def actor(ref: Ref, team: str) -> store.Actor:
    """The integration acts with its team's supervisor rights only (like the generic webhook)."""
    return store.Actor(f"{ref.integration}:{ref.account}", "supervisor", team)


def conversation(services: Services, event: InboundEvent, ref: Ref, team: str) -> str:
    """The Calmline conversation of ``ref`` in ``team``, made on first sight (the helpdesk's assignee as agent).

    Moved to a team that maps elsewhere, a helpdesk conversation continues in that team's own
    conversation; the old team keeps what it saw and never sees the rest.
    """
    return find_or_create(services, actor(ref, team), ref.external_id, event.agent or "unassigned")


def find_or_create(services: Services, who: store.Actor, external_id: str, agent: str) -> str:
    """The id of the conversation with this helpdesk id in ``who``'s team, created on first sight.

    Ids are scoped by team, so a delivery never lands in another team's conversation with the
    same helpdesk id. Two deliveries racing to create it end with one conversation.
    """
    team = who.team
    key = services.external_ref(external_id)
    find = select(ConversationRow.id).where(ConversationRow.team == team, ConversationRow.external_id == key)
    with (services.reader or services.factory)() as r:
        conv_id = r.scalar(find)
    if conv_id is not None:
        return str(conv_id)
    with services.factory() as s:
        try:
            conv, _case = store.create_conversation(s, who, agent=agent, team=team, external_id=key)
            store.emit(s, "conversation", {"id": conv.id, "agent": agent}, conversation_id=conv.id, team=team)
            s.commit()
            return conv.id
        except IntegrityError:  # a concurrent delivery created it first: use that one
            s.rollback()
            conv_id = s.scalar(find)
            s.rollback()
            if conv_id is None:
                raise
            return str(conv_id)


def _client_id(ref: Ref, event: InboundEvent) -> str:
    return f"{ref.integration}:{event.message_id}"


def post(services: Services, event: InboundEvent, ref: Ref, team: str, response: Response) -> dict[str, Any]:
    """Store and analyse a new message (idempotent on the helpdesk's message id); in a closed conversation
    it is not read, and the answer says so in ``ignored`` (a redelivery of a message read before is the original)."""
    ts = datetime.fromtimestamp(event.ts, UTC) if event.ts is not None else None
    try:
        body = MessageCreate(
            client_id=_client_id(ref, event), role=event.role, text=event.text, author=event.author, ts=ts
        )
    except ValidationError as exc:  # the adapters check the shape; this is the last guard (422, never 500)
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(f"{ref.integration} message: {where}: {first['msg']}", source=ref.integration) from None
    conv_id = conversation(services, event, ref, team)
    try:
        return post_message(services, actor(ref, team), conv_id, body, response)
    except ConversationClosed as exc:
        # The helpdesk's conversation goes on after Calmline closed its own (the boundary policy ended it, or
        # a supervisor): a normal delivery, not an error the helpdesk would retry (Zendesk retries a 409).
        why = f"the Calmline conversation is closed ({exc.reason}); later messages are not read"
        return {"event": event.event, "ignored": why, "conversation": conv_id}


def edit(
    services: Services, event: InboundEvent, ref: Ref, team: str, response: Response
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Re-read an edited message: ``(result, what the old version's result held)`` (``None``: nothing changed).

    The stored text becomes the edited one and the message is analysed again on the history before
    it; its boundary incidents are replaced by the new reading's. The conversation's running state
    (risk, trend) follows when it is the latest message; later messages keep what they were given.
    The same edit delivered twice changes nothing the second time (``duplicate``). A message never
    seen is stored as new; in a closed conversation an edit is ignored.
    """
    check_text(services, event.text)
    conv_id = conversation(services, event, ref, team)
    who = actor(ref, team)
    key = _client_id(ref, event)
    key = services.external_ref(key) if services.settings.redact else key
    cleaned = str(clean_text(event.text))  # NUL and lone surrogates, as for any message
    text = redact(cleaned) if services.settings.redact else cleaned
    analysed: dict[str, Any] = {}
    before: dict[str, Any] = {}
    with services.factory() as s, s.begin():
        conv = s.get(ConversationRow, conv_id, with_for_update=True)
        if conv is None:
            raise NotFound(f"no conversation {conv_id!r}")
        msg = s.scalar(
            select(MessageRow)
            .where(MessageRow.conversation_id == conv_id, MessageRow.client_id == key)
            .with_for_update()
        )
        if msg is not None and (msg.text == text or conv.status == "closed"):
            result = _stored(s, msg, conv)
            response.status_code = 200
            return {**result, "duplicate": True, "edited": False}, None
        if msg is not None:
            case = store.case_of(s, conv_id).number
            old = s.scalars(select(Incident).where(Incident.message_id == msg.id)).all()
            before = {
                "guidance": msg.guidance,
                "case": case,
                "incidents": [{"rung": i.rung, "reason": i.reason} for i in old],
            }
            s.execute(delete(Incident).where(Incident.message_id == msg.id))
            chars = len(msg.text)
            msg.text, msg.status, msg.analysis, msg.guidance = text, "pending", None, None
            if conv.last_analysed_message_id == msg.id:  # its new reading becomes the conversation's state
                conv.last_analysed_message_id = None
            s.flush()
            analysed = analyse_message(s, msg.id, services.policy) or {}  # locked and pending: always analysed
            store.audit(s, who, "message.edit", f"{conv_id}/{msg.id}", {"from": ref.integration, "was_chars": chars})
    if msg is None:  # an edit of a message never seen: read it as new
        return post(services, event, ref, team, response), {}
    services.history.forget(conv_id)
    response.status_code = 200
    return {**analysed, "duplicate": False, "edited": True}, before


def _stored(s: Any, msg: MessageRow, conv: ConversationRow) -> dict[str, Any]:
    incidents = list(s.scalars(select(Incident).where(Incident.message_id == msg.id)).all())
    return result_of(msg, conv, store.case_of(s, conv.id).number, incidents, [])


def follow(services: Services, event: InboundEvent, ref: Ref, team: str) -> dict[str, Any]:
    """Follow the assignee, and the status: resolved in the helpdesk resolves the case (its follow-up
    scheduled), reopened there reopens a resolved case. A closed Calmline conversation stays closed."""
    conv_id = conversation(services, event, ref, team)
    who = actor(ref, team)
    changed: dict[str, str] = {}
    with services.factory() as s:
        conv = s.get(ConversationRow, conv_id, with_for_update=True)
        if conv is None:  # deleted between the two transactions
            raise NotFound(f"no conversation {conv_id!r}")
        if event.agent and event.agent != conv.agent:
            changed["agent"] = conv.agent = event.agent
        if changed:
            store.audit(s, who, "conversation.follow", conv_id, {"from": ref.integration, **changed})
        status = (event.status or "").lower()
        if "status" in event.changed or event.event == "conversation_status_changed":
            case = s.scalar(select(Case).where(Case.conversation_id == conv_id).with_for_update())
            assert case is not None
            if status in RESOLVED and conv.status != "closed":
                resolution = f"{status} in {ref.integration}"
                if resolve(s, who, case, conv, resolution=resolution, delay_s=services.settings.follow_up_delay_s):
                    changed["status"] = "resolved"
            elif status in OPEN and reopen(s, who, case, conv):
                changed["status"] = "open"
        s.commit()
        return {
            "event": event.event,
            "conversation": conv_id,
            "team": team,
            "changed": changed,
            f"{ref.integration}_status": event.status,
            "status": conv.status,
        }


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


def notes(result: dict[str, Any], events: str) -> list[str]:
    """The private notes ``result`` calls for, of the comma-separated ``events`` (``*``: all), each saying why."""
    wanted = {e.strip() for e in events.split(",") if e.strip()}
    every = "*" in wanted
    guidance = result.get("guidance") or {}
    case = result.get("case", "")
    out: list[str] = []
    if every or "boundary" in wanted:
        for inc in result.get("incidents") or []:
            out.append(f"Calmline boundary ({case}): {inc.get('rung')} - {inc.get('reason')}")
    esc = guidance.get("escalation")
    if (every or "escalation" in wanted) and esc:
        why = ", ".join(str(w) for w in esc.get("why") or []) or "rule " + str(esc.get("rule"))
        out.append(f"Calmline escalation ({case}) to {esc.get('to')}: {esc.get('tell_customer')} [why: {why}]")
    if (every or "guidance" in wanted) and guidance.get("moves"):
        moves = "; ".join(
            f"{m.get('move')} ({', '.join(str(w) for w in m.get('why') or [])})" for m in guidance["moves"][:3]
        )
        out.append(f"Calmline guidance ({case}): {moves}. Suggested reply: {guidance.get('suggested_reply', '')}")
    return out
