"""PostgreSQL: a new analysed message and everything it causes, written in one statement.

Posting a message on the locked path costs about nine round trips (BEGIN, lock, insert,
update, events, audit, COMMIT, ...), each a wake-up of the PostgreSQL backend and a
few hundred microseconds of client CPU. When the process's cached history is current,
:func:`write_at_once` sends instead one statement of data-modifying CTEs, run on its
own (autocommit, so one statement is one transaction). Its first CTE locks the
conversation row and checks what the locked path checks: the conversation is visible
to the actor, not closed, on the channel the history was built for, and holds exactly
the messages the history holds (``message_count`` and ``last_message_id``, kept on the
row by a trigger). PostgreSQL re-checks a locked row against its newest version, so a
writer that waited for the lock sees the message it waited for. Every other CTE reads
from the first one: if a check fails, nothing is written and ``None`` tells the caller
to take the locked path, which raises the right error or re-reads the history.

Only the common case is written this way: no boundary incident at this message (so no
incident rows whose ids the events carry, and no end per policy). The rest goes the
locked path, unchanged.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from pydantic_core import to_json
from sqlalchemy import Connection, TextClause, bindparam, text
from sqlalchemy.orm.attributes import set_committed_value

from calmline.cases import store
from calmline.cases.models import MessageRow, UTCDateTime
from calmline.cases.pipeline import (
    STILL_HERE_NOTE,
    Plan,
    Policy,
    incident_steps,
    message_events,
    message_result,
    message_values,
    still_here_due,
)

__all__ = ["can_write_at_once", "write_at_once"]


def can_write_at_once(connection_dialect: str, plan: Plan | None) -> bool:
    """Whether :func:`write_at_once` can write ``plan``: PostgreSQL, analysed, no boundary incident."""
    return connection_dialect == "postgresql" and plan is not None and not incident_steps(plan)


def _json(value: Any) -> str:
    return to_json(value).decode()


@lru_cache(maxsize=32)
def _statement(n_events: int, cancel_timers: bool, new_timer: bool) -> TextClause:
    """The statement for a message with ``n_events`` live updates (and an agent's timer changes)."""
    events = ", ".join(f"({i}, :type{i}, :tail{i})" for i in range(n_events))
    parts = [
        # the conversation, locked, if everything the locked path checks holds
        """guard AS (
    SELECT c.id, c.team, c.agent, c.status, c.closed_reason
      FROM conversations c
     WHERE c.id = :conversation AND c.status <> 'closed' AND c.channel = :channel
       AND (:admin OR (c.team = :team AND (:supervisor OR c.agent = :agent)))
       AND c.message_count = :count AND COALESCE(c.last_message_id, 0) = :last_id
       FOR UPDATE OF c)""",
        """msg AS (
    INSERT INTO messages (conversation_id, client_id, role, author, text, ts, status, analysis, guidance,
                          abuse_count, abuse_severity, created_at)
    SELECT guard.id, :client_id, :role, :author, :text, :ts, 'analysed', CAST(:analysis AS JSON),
           CAST(:guidance AS JSON), :abuse_count, :abuse_severity, :now
      FROM guard
    RETURNING id)""",
        # a new message's id is the conversation's newest: its analysis sets the state
        """conv AS (
    UPDATE conversations
       SET state = CAST(:state AS JSON), risk = :risk, trend = :trend, last_analysed_message_id = msg.id,
           updated_at = :now
      FROM msg
     WHERE conversations.id = :conversation)""",
        # each event's data is the JSON the locked path writes: {"message_id": id, ...}
        f"""ev AS (
    INSERT INTO events (conversation_id, team, type, data, created_at)
    SELECT guard.id, guard.team, e.type, CAST('{{"message_id":' || msg.id || e.tail AS JSON), :now
      FROM guard, msg, (VALUES {events}) AS e(n, type, tail)
     ORDER BY e.n)""",
        """audit AS (
    INSERT INTO audit_log (actor, role, action, target, detail, at)
    SELECT :actor, :actor_role, 'message.create', guard.id || '/' || msg.id, CAST(:detail AS JSON), :now
      FROM guard, msg)""",
    ]
    if cancel_timers:
        parts.append(
            """cancelled AS (
    UPDATE timers SET status = 'cancelled'
     WHERE conversation_id = :conversation AND kind = 'still_here' AND status = 'pending'
       AND EXISTS (SELECT FROM msg))"""
        )
    timer_id = "NULL"
    if new_timer:
        parts.append(
            """timer AS (
    INSERT INTO timers (kind, conversation_id, team, owner, note, due_at, status, created_at)
    SELECT 'still_here', guard.id, guard.team, guard.agent, :note, :due, 'pending', :now
      FROM guard, msg
    RETURNING id)"""
        )
        timer_id = "(SELECT id FROM timer)"
    sql = (
        "WITH "
        + ",\n".join(parts)
        + f"\nSELECT msg.id, guard.status, guard.closed_reason, {timer_id} AS timer_id FROM guard, msg"
    )
    stamps = [bindparam(name, type_=UTCDateTime()) for name in ("now", "ts", "due") if f":{name}" in sql]
    return text(sql).bindparams(*stamps)


def write_at_once(
    conn: Connection,
    actor: store.Actor,
    msg: MessageRow,
    *,
    fingerprint: tuple[int, int],
    channel: str,
    case_number: str,
    plan: Plan,
    policy: Policy,
    now: datetime,
) -> dict[str, Any] | None:
    """Insert analysed ``msg`` with its state, events, audit entry and timers if the checks hold; the result.

    ``conn`` must be in autocommit mode (the statement is its own transaction). Returns what
    :func:`~calmline.cases.pipeline.apply_plan` returns, or ``None`` when a check failed and
    nothing was written. A duplicate ``client_id`` raises ``IntegrityError`` as on the locked path.
    """
    values = message_values(plan)
    stored, state = values["analysis"], plan.analysis.state.to_dict()
    due = still_here_due(msg, policy, now, channel)
    params: dict[str, Any] = {
        "conversation": msg.conversation_id,
        "channel": channel,
        "admin": actor.role == "admin",
        "supervisor": actor.role == "supervisor",
        "team": actor.team,
        "agent": actor.name,
        "count": fingerprint[0],
        "last_id": fingerprint[1],
        "client_id": msg.client_id,
        "role": msg.role,
        "author": msg.author,
        "text": msg.text,
        "ts": msg.ts,
        "analysis": _json(stored),
        "guidance": _json(values["guidance"]),
        "abuse_count": values["abuse_count"],
        "abuse_severity": values["abuse_severity"],
        "now": now,
        "state": _json(state),
        "risk": plan.analysis.state.escalation_risk,
        "trend": plan.analysis.state.frustration_trend,
        "actor": actor.name,
        "actor_role": actor.role,
        "detail": _json({"client_id": msg.client_id, "role": msg.role}),
        "note": STILL_HERE_NOTE,
        "due": due,
    }
    events = message_events(msg, stored, state, plan.guidance_dict)
    for i, (kind, data) in enumerate(events):
        params[f"type{i}"] = kind
        params[f"tail{i}"] = "," + _json(data)[1:] if data else "}"
    row = conn.execute(_statement(len(events), msg.role == "agent", due is not None), params).first()
    if row is None:
        return None
    msg_id, status, closed_reason, timer_id = row
    for key, value in (("id", msg_id), ("status", "analysed"), ("analysis", stored), ("guidance", plan.guidance_dict)):
        set_committed_value(msg, key, value)  # as apply_plan leaves it
    timers = [] if timer_id is None else [{"id": timer_id, "kind": "still_here", "due_at": due}]
    conversation = {"id": msg.conversation_id, "status": status, "closed_reason": closed_reason}
    return message_result(msg, state, conversation, case_number, [], timers)
