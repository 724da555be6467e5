"""Messages: post one (stored, analysed, guidance in the same response), list them, coach a draft."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Response
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from calmline.cases import store
from calmline.cases.handoff import to_conversation
from calmline.cases.models import ConversationRow, Incident, MessageRow, Timer
from calmline.cases.pipeline import analyse_message, result_of
from calmline.cases.redaction import redact
from calmline.coach import coach
from calmline.service.deps import (
    ActorDep,
    ReadSessionDep,
    Services,
    ServicesDep,
    SessionDep,
    check_text,
    visible_conversation,
)
from calmline.service.errors import Conflict
from calmline.service.schemas import CoachRequest, MessageCreate, MessageResult

router = APIRouter(tags=["messages"])
log = logging.getLogger("calmline.service")


def _stored_result(s: Session, msg: MessageRow, conv: ConversationRow) -> dict[str, Any]:
    incidents = list(s.scalars(select(Incident).where(Incident.message_id == msg.id)).all())
    timers = s.scalars(
        select(Timer).where(
            Timer.conversation_id == conv.id, Timer.created_at >= msg.created_at, Timer.kind == "still_here"
        )
    ).all()
    return result_of(
        msg,
        conv,
        store.case_of(s, conv.id),
        incidents,
        [{"id": t.id, "kind": t.kind, "due_at": t.due_at} for t in timers],
    )


def post_message(
    services: Services,
    s: Session,
    actor: store.Actor,
    conv_id: str,
    body: MessageCreate,
    response: Response | None = None,
) -> dict[str, Any]:
    """Store first (``pending``, committed), then analyse; a retry with the same ``client_id`` returns the original."""
    settings = services.settings
    check_text(services, body.text)
    text = redact(body.text) if settings.redact else body.text
    conv = visible_conversation(s, actor, conv_id)
    existing = store.find_message(s, conv.id, body.client_id)
    if existing is None:
        if conv.status == "closed":
            raise Conflict(f"conversation {conv.id} is closed ({conv.closed_reason}); open a new one")
        try:
            msg = store.add_message(
                s, actor, conv, client_id=body.client_id, role=body.role, text=text, author=body.author, ts=body.ts
            )
            s.commit()  # acknowledged from here: a crash before analysis is repaired on start
            mid, duplicate = msg.id, False
        except IntegrityError:  # a concurrent retry won the race
            s.rollback()
            existing = store.find_message(s, conv_id, body.client_id)
            assert existing is not None
    if existing is not None:
        mid, duplicate = existing.id, True
    s.rollback()  # release the SQLite write lock before analysing in a fresh transaction
    result: dict[str, Any] | None = None
    try:
        with services.factory() as s2, s2.begin():
            result = analyse_message(s2, mid, services.policy)
    except Exception:  # stays pending; the scheduler re-analyses it
        log.exception("analysing message %s failed; it stays pending", mid)
    if result is None:
        with services.factory() as s3:
            msg3 = s3.get(MessageRow, mid)
            conv3 = s3.get(ConversationRow, conv_id)
            assert msg3 is not None and conv3 is not None
            result = _stored_result(s3, msg3, conv3)
    if response is not None and not duplicate:
        response.status_code = 201
    return {**result, "duplicate": duplicate}


@router.post(
    "/conversations/{conversation_id}/messages",
    response_model=MessageResult,
    responses={201: {"description": "stored and analysed"}, 200: {"description": "a retry: the original"}},
)
def create_message(
    conversation_id: str, body: MessageCreate, actor: ActorDep, services: ServicesDep, s: SessionDep, response: Response
) -> dict[str, Any]:
    """Post a customer or agent message: stored, analysed, and the guidance for the agent's next move returned."""
    return post_message(services, s, actor, conversation_id, body, response)


@router.get("/conversations/{conversation_id}/messages")
def list_messages(conversation_id: str, actor: ActorDep, s: ReadSessionDep) -> list[dict[str, Any]]:
    conv = visible_conversation(s, actor, conversation_id)
    msgs = s.scalars(select(MessageRow).where(MessageRow.conversation_id == conv.id).order_by(MessageRow.id)).all()
    return [store.message_public(m, full=True) for m in msgs]


@router.post("/conversations/{conversation_id}/coach")
def coach_draft(
    conversation_id: str, body: CoachRequest, actor: ActorDep, services: ServicesDep, s: ReadSessionDep
) -> dict[str, Any]:
    """Score a draft reply for this moment: labels with evidence, 0-100, missing moves, a better version."""
    check_text(services, body.draft, "draft")
    conv = visible_conversation(s, actor, conversation_id)
    case = store.case_of(s, conv.id)
    msgs = s.scalars(select(MessageRow).where(MessageRow.conversation_id == conv.id).order_by(MessageRow.id)).all()
    review = coach(body.draft, to_conversation(conv.id, msgs), playbook=services.policy.playbook, channel=conv.channel)
    out = dict(review.to_dict()) if hasattr(review, "to_dict") else {}
    out["suggestion"] = str(out.get("suggestion", "")).replace("{ticket}", case.number)
    out["case"] = case.number
    return out
