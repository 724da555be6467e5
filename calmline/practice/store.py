"""Stored practice sessions (table ``practice_sessions``, migration ``0008``).

A row keeps the persona, the seed and the agent's replies (from which the session is
rebuilt exactly), and the transcript with its debrief as last computed, which is what a
replay shows. With redaction on, the replies and transcript are stored redacted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from calmline.cases.models import Base, utcnow

__all__ = ["PracticeRow"]


class PracticeRow(Base):
    """One practice session of one agent."""

    __tablename__ = "practice_sessions"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    agent: Mapped[str] = mapped_column(String(120), index=True)
    team: Mapped[str] = mapped_column(String(120), index=True, default="default")
    persona: Mapped[str] = mapped_column(String(64))
    seed: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), index=True, default="active")
    outcome: Mapped[str | None] = mapped_column(String(16), default=None)
    score: Mapped[int | None] = mapped_column(Integer, default=None)
    replies: Mapped[list[Any]] = mapped_column(default=list)
    transcript: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
