"""Practice with simulated customers over HTTP: agent-owned sessions, stored and replayable.

    GET  /practice/personas                  the personas (shipped plus CALMLINE_PRACTICE_PERSONAS)
    POST /practice/sessions                  start one: {"persona", "seed"?} -> the customer's opening
    GET  /practice/sessions                  your sessions (completion and scores)
    GET  /practice/sessions/{id}             one of yours: the transcript (the replay) and, once over, the debrief
    POST /practice/sessions/{id}/replies     your reply -> the customer's answer (and the debrief when it ends)
    POST /practice/sessions/{id}/finish      stop now and get the debrief
    GET  /practice/team                      supervisors: their team's completion and scores, only when
                                             CALMLINE_PRACTICE_SUPERVISOR_VIEW is on (403 otherwise)

Sessions belong to the agent who started them (name and team): nobody else reads a
transcript. Admins see summaries of every team when the supervisor view is on.
"""

from __future__ import annotations

import secrets
import threading
import uuid
from collections import OrderedDict
from functools import lru_cache
from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import AfterValidator, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from calmline.cases.models import utcnow
from calmline.cases.redaction import redact
from calmline.cases.store import Actor
from calmline.practice import MAX_REPLY_CHARS, Persona, PracticeError, PracticeSession, debrief, load_personas
from calmline.practice.store import PracticeRow
from calmline.service.deps import ActorDep, ReadSessionDep, Services, ServicesDep, SessionDep
from calmline.service.errors import Conflict, Forbidden, NotFound, Unprocessable
from calmline.service.responses_practice import (
    DebriefOut,
    PersonaOut,
    PracticeReplyOut,
    PracticeSessionOut,
    PracticeSummaryOut,
    PracticeTeamOut,
)
from calmline.service.schemas import Strict, no_control

__all__ = ["router"]

router = APIRouter(prefix="/practice", tags=["practice"])
SessionId = Annotated[str, Path(max_length=40, pattern=r"^[0-9a-f]{32}$")]
#: live sessions kept in memory (rebuilt from the stored replies on a miss: another worker, a restart)
_LIVE: OrderedDict[str, tuple[int, PracticeSession]] = OrderedDict()
_LIVE_MAX = 512
_LOCK = threading.Lock()


class PracticeStart(Strict):
    persona: str = Field(max_length=64, description="A persona id from GET /practice/personas.")
    seed: int | None = Field(None, ge=0, le=2**31 - 1, description="Seed of the customer's lines (default: random).")


class PracticeReply(Strict):
    text: Annotated[str, Field(min_length=1, max_length=MAX_REPLY_CHARS), AfterValidator(no_control)]


@lru_cache(maxsize=8)
def _personas(directory: str | None) -> dict[str, Persona]:
    return load_personas(directory)


def personas_for(services: Services) -> dict[str, Persona]:
    return _personas(services.settings.practice_personas)


def _summary(row: PracticeRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "agent": row.agent,
        "team": row.team,
        "persona": row.persona,
        "status": row.status,
        "outcome": row.outcome,
        "score": row.score,
        "replies": len(row.replies),
        "created_at": row.created_at,
        "finished_at": row.finished_at,
    }


def _own(s: Session, actor: Actor, session_id: str, *, lock: bool = False) -> PracticeRow:
    row = s.get(PracticeRow, session_id, with_for_update=lock)
    if row is None or row.agent != actor.name or row.team != actor.team:
        raise NotFound(f"no practice session {session_id!r} of yours")
    return row


def _live(services: Services, row: PracticeRow) -> PracticeSession:
    with _LOCK:
        hit = _LIVE.get(row.id)
    if hit is not None and hit[0] == len(row.replies):
        return hit[1]
    persona = personas_for(services).get(row.persona)
    if persona is None:
        raise Conflict(f"the persona {row.persona!r} of this session is no longer available")
    session = PracticeSession(persona, seed=row.seed)
    for reply in row.replies:
        if not session.finished:
            session.reply(reply)
    return session


def _keep(row: PracticeRow, session: PracticeSession) -> None:
    with _LOCK:
        _LIVE[row.id] = (len(row.replies), session)
        _LIVE.move_to_end(row.id)
        while len(_LIVE) > _LIVE_MAX:
            _LIVE.popitem(last=False)


def _store(services: Services, row: PracticeRow, session: PracticeSession, *, stop: bool = False) -> dict[str, Any]:
    d = debrief(session)
    if services.settings.redact:
        d = _redacted(d)
    row.transcript = d
    if session.finished or stop:
        row.status, row.outcome, row.score = "finished", d["outcome"], d["score"]
        row.finished_at = row.finished_at or utcnow()
    return d


def _redacted(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [_redacted(v) for v in value]
    if isinstance(value, dict):
        return {k: _redacted(v) for k, v in value.items()}
    return value


def _view(row: PracticeRow, personas: dict[str, Persona]) -> dict[str, Any]:
    t = row.transcript
    persona = personas.get(row.persona)
    out = _summary(row) | {
        "brief": persona.brief() if persona else None,
        "opening": t.get("opening"),
        "frustration": t.get("frustration", []),
        "turns": [{"agent": x["agent"], "customer": x["customer"]} for x in t.get("turns", [])],
    }
    if row.status == "finished":
        out["debrief"] = t
    return out


@router.get("/personas", response_model=list[PersonaOut])
def list_personas(actor: ActorDep, services: ServicesDep) -> list[dict[str, Any]]:
    """The personas you can practise with, each with its scenario."""
    return [p.brief() for p in personas_for(services).values()]


@router.post("/sessions", status_code=201, response_model=PracticeSessionOut, response_model_exclude_unset=True)
def start(body: PracticeStart, actor: ActorDep, services: ServicesDep, s: SessionDep) -> dict[str, Any]:
    """Start a practice session as yourself; the answer holds the customer's opening line."""
    personas = personas_for(services)
    if body.persona not in personas:
        raise Unprocessable(f"unknown persona {body.persona!r}; known: {', '.join(personas)}")
    seed = body.seed if body.seed is not None else secrets.randbelow(1_000_000)
    session = PracticeSession(personas[body.persona], seed=seed)
    row = PracticeRow(id=uuid.uuid4().hex, agent=actor.name, team=actor.team, persona=body.persona, seed=seed)
    row.replies = []
    _store(services, row, session)
    s.add(row)
    s.commit()
    _keep(row, session)
    return _view(row, personas) | {"seed": seed}


@router.get("/sessions", response_model=list[PracticeSummaryOut])
def my_sessions(actor: ActorDep, s: ReadSessionDep) -> list[dict[str, Any]]:
    """Your own practice sessions, newest first."""
    q = select(PracticeRow).where(PracticeRow.agent == actor.name, PracticeRow.team == actor.team)
    return [_summary(r) for r in s.scalars(q.order_by(PracticeRow.created_at.desc()).limit(500))]


@router.get("/sessions/{session_id}", response_model=PracticeSessionOut, response_model_exclude_unset=True)
def get_session(session_id: SessionId, actor: ActorDep, services: ServicesDep, s: ReadSessionDep) -> dict[str, Any]:
    """One of your sessions: the transcript turn by turn (the replay), and the debrief once it is over."""
    return _view(_own(s, actor, session_id), personas_for(services))


@router.post("/sessions/{session_id}/replies", response_model=PracticeReplyOut, response_model_exclude_unset=True)
def reply(
    session_id: SessionId, body: PracticeReply, actor: ActorDep, services: ServicesDep, s: SessionDep
) -> dict[str, Any]:
    """Send your reply; get the customer's answer, their mood and, when the session ends, the debrief."""
    row = _own(s, actor, session_id, lock=True)
    if row.status == "finished":
        raise Conflict("this practice session is over; start a new one")
    session = _live(services, row)
    try:
        ex = session.reply(body.text)
    except PracticeError as exc:
        raise Unprocessable(str(exc)) from None
    text = redact(ex.agent) if services.settings.redact else ex.agent
    row.replies = [*row.replies, text]
    d = _store(services, row, session)
    s.commit()
    _keep(row, session)
    out: dict[str, Any] = {
        "customer": d["turns"][-1]["customer"],
        "frustration": d["frustration"][-1],
        "mood": ex.situation,
        "finished": session.finished,
        "replies": len(row.replies),
    }
    if session.finished:
        out["debrief"] = d
    return out


@router.post("/sessions/{session_id}/finish", response_model=DebriefOut)
def finish(session_id: SessionId, actor: ActorDep, services: ServicesDep, s: SessionDep) -> dict[str, Any]:
    """Stop the session now (if not over already) and return its debrief."""
    row = _own(s, actor, session_id, lock=True)
    if row.status != "finished":
        _store(services, row, _live(services, row), stop=True)
        s.commit()
    return dict(row.transcript)


@router.get("/team", response_model=PracticeTeamOut)
def team(actor: ActorDep, services: ServicesDep, s: ReadSessionDep) -> dict[str, Any]:
    """Practice completion and scores per agent of your team (supervisors; admins see every team)."""
    if actor.role not in ("supervisor", "admin"):
        raise Forbidden("the team practice view is for supervisors")
    if not services.settings.practice_supervisor_view:
        raise Forbidden(
            "your organisation has not enabled the supervisor practice view (CALMLINE_PRACTICE_SUPERVISOR_VIEW)"
        )
    q = select(PracticeRow)
    if actor.role == "supervisor":
        q = q.where(PracticeRow.team == actor.team)
    agents: dict[tuple[str, str], dict[str, Any]] = {}
    for r in s.scalars(q.order_by(PracticeRow.created_at)):
        a = agents.setdefault(
            (r.team, r.agent), {"agent": r.agent, "team": r.team, "started": 0, "completed": 0, "scores": []}
        )
        a["started"] += 1
        if r.status == "finished":
            a["completed"] += 1
            a["scores"].append({"persona": r.persona, "score": r.score, "outcome": r.outcome})
    for a in agents.values():
        scores = [x["score"] for x in a["scores"] if x["score"] is not None]
        a["average"] = round(sum(scores) / len(scores)) if scores else None
        a["best"] = max(scores) if scores else None
    return {"team": actor.team if actor.role == "supervisor" else None, "agents": list(agents.values())}
