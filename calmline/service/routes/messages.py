"""Messages: post one (stored, analysed, guidance in the same response), list them, coach a draft."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Response
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from calmline.analyze import extend
from calmline.cases import store
from calmline.cases.handoff import to_conversation
from calmline.cases.history import History, message_turn
from calmline.cases.models import ConversationRow, Incident, MessageRow, Timer, table, utcnow
from calmline.cases.pgwrite import can_write_at_once, write_at_once
from calmline.cases.pipeline import ConversationLike, Plan, analyse_message, apply_plan, plan_message, result_of
from calmline.cases.redaction import redact
from calmline.coach import coach
from calmline.service import metrics
from calmline.service.deps import (
    ActorDep,
    ReadSessionDep,
    Services,
    ServicesDep,
    check_text,
    visible_conversation,
)
from calmline.service.errors import ConversationClosed, NotFound, Unprocessable
from calmline.service.responses import CoachOut, MessageOut
from calmline.service.schemas import CoachRequest, MessageCreate, MessageResult

router = APIRouter(tags=["messages"])
_CONVERSATIONS = table(ConversationRow)
# The conversation row, locked; it holds its messages' count and newest id (the history's fingerprint).
_LOCK_CONVERSATION = select(_CONVERSATIONS).where(_CONVERSATIONS.c.id == bindparam("conversation")).with_for_update()
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
        store.case_of(s, conv.id).number,
        incidents,
        [{"id": t.id, "kind": t.kind, "due_at": t.due_at} for t in timers],
    )


def _aware(ts: datetime | None) -> datetime:
    """``ts`` as the database gives it back: aware UTC (a naive time is taken as UTC)."""
    if ts is None:
        return utcnow()
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)


def _existing(services: Services, mid: int, conv_id: str) -> dict[str, Any]:
    """The result of a message stored earlier (a retry); analysed now if it is still pending."""
    result: dict[str, Any] | None = None
    try:
        with services.factory() as s, s.begin():
            result = analyse_message(s, mid, services.policy)
    except Exception:  # stays pending; the scheduler re-analyses it
        log.exception("analysing message %s failed; it stays pending", mid)
    if result is None:
        with (services.reader or services.factory)() as s:
            msg = s.get(MessageRow, mid)
            conv = s.get(ConversationRow, conv_id)
            assert msg is not None and conv is not None
            result = _stored_result(s, msg, conv)
    return {**result, "duplicate": True}


def post_message(
    services: Services, actor: store.Actor, conv_id: str, body: MessageCreate, response: Response | None = None
) -> dict[str, Any]:
    """Store a message and its analysis in one transaction; a retry with the same ``client_id`` returns the original.

    The analysis runs before the write transaction, on the conversation's history as this
    process last saw it; inside the transaction the conversation row is locked, access and
    status are checked, and the history is compared with the database and read again only
    if another message arrived meanwhile. Nothing is acknowledged before it is committed
    with its analysis; if analysing fails, the message is stored ``pending`` and the
    scheduler analyses it later.
    """
    settings, policy, cache = services.settings, services.policy, services.history
    check_text(services, body.text)
    text = body.text
    if settings.redact:  # before analysis (evidence quotes the text) and before any lookup by client id
        text = redact(body.text)
        body = body.model_copy(
            update={
                "client_id": services.external_ref(body.client_id),
                "author": redact(body.author) if body.author else body.author,
            }
        )
    history = cache.get(conv_id)
    if history is None:  # first sight in this process: read it (the locked checks below still apply)
        with (services.reader or services.factory)() as r:
            seen = visible_conversation(r, actor, conv_id)
            existing = store.find_message(r, seen.id, body.client_id)
            if existing is not None:
                return _existing(services, existing.id, seen.id)
            if seen.status == "closed":
                raise _closed(seen)
            history = cache.current(r, seen.id)
    msg = MessageRow(
        conversation_id=conv_id,
        client_id=body.client_id,
        role=body.role,
        text=text,
        author=body.author,
        ts=_aware(body.ts),
    )
    turn = message_turn(msg)
    now = utcnow()

    def plan_for(h: History) -> Plan | None:
        try:
            return plan_message(
                extend(h.analysis, turn),
                policy,
                case_number=h.case_number,
                now=now,
                channel=h.channel,
                ladder_before=h.ladder,
            )
        except Exception:  # stored pending instead; the scheduler re-analyses it
            log.exception("analysing a message of %s failed; it is stored pending", conv_id)
            metrics.ANALYSIS_FAILURES.inc()
            return None

    plan = plan_for(history)
    stale_tries = 0
    try:
        while True:
            result = (
                _write_at_once(services, actor, msg, history, plan, now)
                if can_write_at_once(services.engine.dialect.name, plan)
                else None
            )
            if result is not None:
                break
            try:  # the locked transaction (any database; PostgreSQL when a check failed)
                with services.factory() as s, s.begin():
                    conn = s.connection()
                    conv = conn.execute(_LOCK_CONVERSATION, {"conversation": conv_id}).first()
                    if conv is None or not actor.can_see(conv):
                        raise NotFound(f"no conversation {conv_id!r} visible to you")
                    if conv.status == "closed":
                        existing = store.find_message(s, conv.id, body.client_id)
                        if existing is None:
                            raise _closed(conv)
                        raise _Duplicate(existing.id)
                    fingerprint = (int(conv.message_count), int(conv.last_message_id or 0))
                    if not history.matches(*fingerprint) or history.channel != conv.channel:
                        # Another message arrived meanwhile. Analysing holds the GIL for milliseconds:
                        # never inside the write lock (on SQLite it stalls every writer of every
                        # worker) unless several tries lost the race; let go, re-read, try again.
                        if stale_tries < _STALE_TRIES:
                            raise _Stale
                        history = cache.current(s, conv.id, known=fingerprint)
                        plan = plan_for(history)
                    # Inserting the message (analysed, or pending if analysing failed) runs into the unique
                    # (conversation, client_id) constraint if the original is already stored.
                    if plan is None:
                        s.add(msg)
                        s.flush()
                        result = result_of(msg, conv, history.case_number, [], [])
                    else:
                        result = apply_plan(s, msg, conv, history.case_number, plan, policy, now=now)
                    store.audit(
                        conn,
                        actor,
                        "message.create",
                        f"{conv.id}/{msg.id}",
                        {"client_id": body.client_id, "role": body.role},
                    )
                break
            except _Stale:  # rolled back, lock released: catch up outside it
                stale_tries += 1
                with (services.reader or services.factory)() as r:
                    history = cache.current(r, conv_id)
                plan = plan_for(history)
    except _Duplicate as dup:
        return _existing(services, dup.message_id, conv_id)
    except IntegrityError:  # the original (or a concurrent retry) is already stored
        with (services.reader or services.factory)() as r:
            existing = store.find_message(r, conv_id, body.client_id)
        if existing is None:
            raise
        return _existing(services, existing.id, conv_id)
    if plan is not None and msg.analysis is not None:
        metrics.MESSAGES_ANALYSED.labels(when="posted").inc()
        cache.append(history, msg.analysis, turn, msg.id)
    else:
        cache.forget(conv_id)
    if response is not None:
        response.status_code = 201
    return {**result, "duplicate": False}


def _write_at_once(
    services: Services, actor: store.Actor, msg: MessageRow, history: History, plan: Plan | None, now: datetime
) -> dict[str, Any] | None:
    """PostgreSQL, history current: the message and all it causes in one statement (``None``: checks failed)."""
    assert plan is not None
    with services.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        return write_at_once(
            conn,
            actor,
            msg,
            fingerprint=(history.count, history.last_id),
            channel=history.channel,
            case_number=history.case_number,
            plan=plan,
            policy=services.policy,
            now=now,
        )


def _closed(conv: ConversationLike) -> ConversationClosed:
    return ConversationClosed(conv.id, conv.closed_reason)


#: how often a write finding the history stale lets go of the lock to re-analyse outside it
_STALE_TRIES = 3


class _Stale(Exception):
    """The history changed since the analysis: analyse again outside the write lock."""


class _Duplicate(Exception):
    def __init__(self, message_id: int) -> None:
        super().__init__(message_id)
        self.message_id = message_id


@router.post(
    "/conversations/{conversation_id}/messages",
    response_model=MessageResult,
    responses={201: {"description": "stored and analysed"}, 200: {"description": "a retry: the original"}},
)
async def create_message(
    conversation_id: str, body: MessageCreate, actor: ActorDep, services: ServicesDep, response: Response
) -> dict[str, Any]:
    """Post a customer or agent message: stored, analysed, and the guidance for the agent's next move returned."""
    return await services.run(post_message, services, actor, conversation_id, body, response, text_chars=len(body.text))


@router.get(
    "/conversations/{conversation_id}/messages", response_model=list[MessageOut], response_model_exclude_unset=True
)
def list_messages(conversation_id: str, actor: ActorDep, s: ReadSessionDep) -> list[dict[str, Any]]:
    conv = visible_conversation(s, actor, conversation_id)
    msgs = s.scalars(select(MessageRow).where(MessageRow.conversation_id == conv.id).order_by(MessageRow.id)).all()
    return [store.message_public(m, full=True) for m in msgs]


@router.post("/conversations/{conversation_id}/coach", response_model=CoachOut)
def coach_draft(
    conversation_id: str, body: CoachRequest, actor: ActorDep, services: ServicesDep, s: ReadSessionDep
) -> dict[str, Any]:
    """Score a draft reply for this moment: labels with evidence, 0-100, missing moves, a better version."""
    check_text(services, body.draft, "draft")
    if not body.draft.strip():
        raise Unprocessable("draft is empty or only whitespace: write the reply to coach")
    conv = visible_conversation(s, actor, conversation_id)
    case = store.case_of(s, conv.id)
    msgs = s.scalars(select(MessageRow).where(MessageRow.conversation_id == conv.id).order_by(MessageRow.id)).all()
    review = coach(
        body.draft,
        to_conversation(conv.id, msgs),
        playbook=services.policy.playbook,
        channel=conv.channel,
        ticket=case.number,
    )
    out = dict(review.to_dict()) if hasattr(review, "to_dict") else {}
    out["suggestion"] = str(out.get("suggestion", "")).replace("{ticket}", case.number)
    out["case"] = case.number
    return out
