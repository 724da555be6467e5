"""Conversations from the live database for the reports, and the role-scoped report the API serves."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from calmline.cases.history import message_turn
from calmline.cases.models import ConversationRow, Escalation, MessageRow
from calmline.insights.reduce import build_report
from calmline.insights.run import totals_for
from calmline.types import Conversation

__all__ = ["scoped_report", "stored_conversations"]


def stored_conversations(
    s: Session, *, since: datetime | None = None, team: str | None = None, agent: str | None = None
) -> Iterator[Conversation]:
    """Stream stored conversations (one query for the list, one per conversation for its messages).

    A conversation someone escalated (``POST .../escalations``, or the boundary ladder's last rung) is
    marked ``escalated``, as an archive's top-level field marks it: the report counts it and recognition
    does not credit it as resolved without escalation.
    """
    escalated = exists().where(Escalation.conversation_id == ConversationRow.id)
    q = select(ConversationRow.id, ConversationRow.agent, ConversationRow.team, escalated).order_by(ConversationRow.id)
    if since is not None:
        q = q.where(ConversationRow.created_at >= since)
    if team is not None:
        q = q.where(ConversationRow.team == team)
    if agent is not None:
        q = q.where(ConversationRow.agent == agent)
    for conv_id, conv_agent, conv_team, was_escalated in s.execute(q).all():
        rows = s.scalars(select(MessageRow).where(MessageRow.conversation_id == conv_id).order_by(MessageRow.id))
        turns = tuple(message_turn(m) for m in rows)
        if turns:
            metadata = {"agent": conv_agent, "team": conv_team, "escalated": bool(was_escalated)}
            yield Conversation(id=conv_id, turns=turns, metadata=metadata)


def scoped_report(
    s: Session, *, role: str, name: str, team: str, since: datetime | None = None, only_team: str | None = None
) -> dict[str, Any]:
    """The report a person may see.

    An agent gets only their own recognition and wellbeing; a supervisor gets their own team;
    an admin gets every team, or ``only_team``.
    """
    if role == "agent":
        report = build_report(totals_for(stored_conversations(s, since=since, agent=name, team=team)))
        return {
            "scope": {"agent": name},
            "recognition": [r for r in report["recognition"] if r["agent"] == name],
            "wellbeing": [w for w in report["wellbeing"] if w["agent"] == name],
        }
    scope_team = team if role == "supervisor" else only_team
    report = build_report(totals_for(stored_conversations(s, since=since, team=scope_team)))
    return {"scope": {"team": scope_team}, **report}
