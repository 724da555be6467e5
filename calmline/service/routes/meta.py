"""Operations: ``/health`` (the process answers), ``/ready`` (database and migrations), ``/metrics`` (Prometheus).

None of them needs a token: they reveal no conversation data, only counts and the schema revision.
"""

from __future__ import annotations

from typing import Any

import anyio
import anyio.to_thread
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import Engine, func, select, text

from calmline.cases.models import Delivery, Timer, utcnow
from calmline.service import metrics
from calmline.service.deps import Services

__all__ = ["ReadyOut", "readiness", "router"]

router = APIRouter(tags=["meta"])

#: seconds /ready waits for the database before answering 503
READY_TIMEOUT_S = 3.0


class HealthOut(BaseModel):
    status: str = Field(description="Always 'ok': the process answers.")


class ReadyOut(BaseModel):
    status: str = Field(description="'ready', or 'not_ready' (answered with 503).")
    database: str = Field(description="'ok', or why the database could not be used.")
    migration: str | None = Field(description="The schema revision the database is at (None: unknown or empty).")
    head: str = Field(description="The revision this version of Calmline needs.")


def _head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from calmline.cases.db import _MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


_HEAD: str | None = None


def readiness(engine: Engine) -> ReadyOut:
    """Check the database answers and its schema is at the head revision (blocking)."""
    global _HEAD
    from alembic.runtime.migration import MigrationContext

    _HEAD = _HEAD or _head()
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            current = MigrationContext.configure(conn).get_current_revision()
    except Exception as exc:
        reason = f"unreachable: {type(exc).__name__}"
        return ReadyOut(status="not_ready", database=reason, migration=None, head=_HEAD)
    ok = current == _HEAD
    return ReadyOut(status="ready" if ok else "not_ready", database="ok", migration=current, head=_HEAD)


@router.get("/health", response_model=HealthOut)
def health() -> dict[str, str]:
    """The process is up and answering (liveness)."""
    return {"status": "ok"}


@router.get(
    "/ready",
    response_model=ReadyOut,
    responses={503: {"model": ReadyOut, "description": "database unreachable or migrations not at head"}},
)
async def ready(request: Request) -> JSONResponse:
    """Ready for traffic (readiness): the database answers and its migrations are at head; 503 otherwise."""
    services: Services = request.app.state.services
    out: ReadyOut | None = None
    with anyio.move_on_after(READY_TIMEOUT_S):
        out = await anyio.to_thread.run_sync(readiness, services.engine, abandon_on_cancel=True)
    if out is None:
        out = ReadyOut(status="not_ready", database="timed out", migration=None, head=_HEAD or _head())
    return JSONResponse(out.model_dump(), status_code=200 if out.status == "ready" else 503)


def _counts(services: Services) -> dict[str, tuple[str, float]]:
    try:
        with (services.reader or services.factory)() as s:
            due = s.scalar(select(func.count(Timer.id)).where(Timer.status == "pending", Timer.due_at <= utcnow()))
            pending = s.scalar(select(func.count(Delivery.id)).where(Delivery.status == "pending"))
            failed = s.scalar(select(func.count(Delivery.id)).where(Delivery.status == "failed"))
    except Exception:
        return {"calmline_database_up": ("1 if the database answered this scrape.", 0.0)}
    return {
        "calmline_database_up": ("1 if the database answered this scrape.", 1.0),
        "calmline_timers_due": ("Timers due now and not fired yet (all processes; should stay near 0).", due or 0),
        "calmline_webhook_deliveries_pending": ("Outbound alerts waiting for (another) attempt.", pending or 0),
        "calmline_webhook_deliveries_failed": ("Outbound alerts given up after their last attempt.", failed or 0),
    }


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}, "description": "Prometheus text"}},
)
async def prometheus(request: Request) -> Response:
    """Prometheus metrics: requests, latency histograms, messages analysed, timers, webhook deliveries."""
    services: Services = request.app.state.services

    def body() -> bytes:
        return metrics.render(metrics.Probe(lambda: _counts(services)))

    data: Any = await anyio.to_thread.run_sync(body)
    return Response(data, media_type=metrics.CONTENT_TYPE)
