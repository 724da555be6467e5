"""Live updates as Server-Sent Events, per conversation and per team queue.

Events live in the database (``events`` table), so a stream sees what any server
process wrote, and a client resumes with ``Last-Event-ID`` after a disconnect.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Query
from fastapi.responses import StreamingResponse
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from calmline.cases.models import Event
from calmline.service.deps import (
    ActorDep,
    ReadSessionDep,
    Services,
    ServicesDep,
    require,
    visible_conversation,
)
from calmline.service.errors import Forbidden
from calmline.service.schemas import MAX_ID

router = APIRouter(tags=["events"])


def _fetch(services: Services, *, conversation_id: str | None, team: str | None, after: int) -> list[Event]:
    with (services.reader or services.factory)() as s:  # polled often: never queue on the write lock
        q = select(Event).where(Event.id > after).order_by(Event.id).limit(200)
        q = q.where(Event.conversation_id == conversation_id) if conversation_id else q.where(Event.team == team)
        return list(s.scalars(q).all())


def _format(e: Event) -> str:
    data = json.dumps(
        {
            "id": e.id,
            "type": e.type,
            "conversation_id": e.conversation_id,
            "at": e.created_at.isoformat(),
            "data": e.data,
        },
        default=str,
        ensure_ascii=False,
    )
    return f"id: {e.id}\nevent: {e.type}\ndata: {data}\n\n"


async def _stream(
    services: Services, *, conversation_id: str | None, team: str | None, after: int, follow: bool, max_s: float
) -> AsyncIterator[str]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + max_s
    yield ": calmline stream\n\n"
    while True:
        events = await run_in_threadpool(_fetch, services, conversation_id=conversation_id, team=team, after=after)
        for e in events:
            after = e.id
            yield _format(e)
        if not follow or loop.time() > deadline:
            return
        if not events:
            await asyncio.sleep(services.settings.sse_poll_s)


def _start(services: Services, after: int | None, last_event_id: str | None) -> int:
    if after is not None:
        return after
    if last_event_id and last_event_id.isascii() and last_event_id.isdigit() and len(last_event_id) <= 10:
        return min(int(last_event_id), MAX_ID)
    return 0


_Follow = Annotated[bool, Query(description="Keep the stream open for new events (false: send the backlog and end).")]
_Max = Annotated[float, Query(gt=0, le=3600, description="Close a followed stream after this many seconds.")]


@router.get("/conversations/{conversation_id}/events", response_class=StreamingResponse)
def conversation_events(
    conversation_id: str,
    actor: ActorDep,
    services: ServicesDep,
    s: ReadSessionDep,
    after: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None,
    follow: _Follow = True,
    max_s: _Max = 600.0,
    last_event_id: Annotated[str | None, Header()] = None,
) -> StreamingResponse:
    """message, signals, guidance, timer.due, escalation, incident... for one conversation."""
    conv = visible_conversation(s, actor, conversation_id)
    s.close()
    gen = _stream(
        services,
        conversation_id=conv.id,
        team=None,
        after=_start(services, after, last_event_id),
        follow=follow,
        max_s=max_s,
    )
    return StreamingResponse(gen, media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


@router.get("/teams/{team}/events", response_class=StreamingResponse)
def team_events(
    team: str,
    actor: ActorDep,
    services: ServicesDep,
    after: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None,
    follow: _Follow = True,
    max_s: _Max = 600.0,
    last_event_id: Annotated[str | None, Header()] = None,
) -> StreamingResponse:
    """Everything in a team's queue (supervisors of that team and admins)."""
    require(actor, "supervisor", "admin")
    if actor.role == "supervisor" and actor.team != team:
        raise Forbidden("supervisors follow their own team's queue")
    gen = _stream(
        services,
        conversation_id=None,
        team=team,
        after=_start(services, after, last_event_id),
        follow=follow,
        max_s=max_s,
    )
    return StreamingResponse(gen, media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


__all__ = ["router"]
