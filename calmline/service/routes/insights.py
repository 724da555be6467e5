"""Insights for BI tools and the console: the report's figures as JSON, scoped by role."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Query

from calmline.insights.db import scoped_report
from calmline.service.deps import ActorDep, ReadSessionDep
from calmline.service.errors import Forbidden, Unprocessable
from calmline.service.responses import InsightsOut

router = APIRouter()


@router.get("/insights", tags=["insights"], response_model=InsightsOut)
def insights(
    actor: ActorDep,
    s: ReadSessionDep,
    since: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$", description="YYYY-MM-DD")] = None,
    team: Annotated[str | None, Query(max_length=120, description="admins only: one team")] = None,
) -> dict[str, Any]:
    """Incident review, friction, recognition and wellbeing.

    Agents see only their own recognition and wellbeing; supervisors see their team; admins see
    every team or ``team``.
    """
    start = None
    if since is not None:
        try:
            start = datetime.combine(datetime.fromisoformat(since).date(), time(), tzinfo=UTC)
        except ValueError:
            raise Unprocessable(f"since {since!r} is not a date") from None
    if team is not None and actor.role != "admin":
        raise Forbidden("only an admin picks the team; you see your own")
    return scoped_report(s, role=actor.role, name=actor.name, team=actor.team, since=start, only_team=team)
