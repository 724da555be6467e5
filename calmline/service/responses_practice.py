"""Response bodies of the practice simulator's routes (``/practice/...``); see :mod:`calmline.service.responses`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from calmline.service.responses import Json, Out

__all__ = [
    "DebriefOut",
    "PersonaOut",
    "PracticeReplyOut",
    "PracticeSessionOut",
    "PracticeSummaryOut",
    "PracticeTeamOut",
]


class PersonaOut(Out):
    id: str
    name: str
    summary: str
    scenario: Json
    mood: Any
    abusive: bool
    max_turns: int


class PracticeSummaryOut(Out):
    id: str
    agent: str
    team: str
    persona: str
    status: str
    outcome: str | None
    score: int | None
    replies: int
    created_at: datetime
    finished_at: datetime | None


class PracticeSessionOut(PracticeSummaryOut):
    brief: PersonaOut | None
    opening: str | None
    frustration: list[Any]
    turns: list[Json]
    debrief: Json | None = Field(None, description="Once finished: the debrief.")
    seed: int | None = Field(None, description="When started: the seed that replays this session.")


class PracticeReplyOut(Out):
    customer: str
    frustration: Any
    mood: Any
    finished: bool
    replies: int
    debrief: Json | None = Field(None, description="When this reply ended the session.")


class DebriefOut(Out):
    persona: str
    seed: int
    outcome: str
    outcome_why: str
    score: int = Field(description="0-100: replies, how calm the customer ended and the outcome (score_parts).")
    score_parts: dict[str, int | float]
    score_why: str
    frustration: list[Any] = Field(description="The customer's frustration after each turn.")
    start: float
    end: float
    opening: str
    turns: list[Json]
    missed: list[Any]
    needs_met: list[str]
    tip: str


class PracticeTeamOut(Out):
    team: str | None
    agents: list[Json] = Field(description="Per agent: started, completed, scores, average, best.")
