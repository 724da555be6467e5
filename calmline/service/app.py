"""``create_app(settings)``: the FastAPI application, built from settings, never at import."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from sqlalchemy import select

from calmline.analyze import default_reader
from calmline.cases.db import make_engine, make_sessionmaker, migrate
from calmline.cases.models import ApiToken
from calmline.cases.pipeline import Policy, analyse_pending
from calmline.cases.redaction import RedactingFilter
from calmline.cases.scheduler import Scheduler
from calmline.cases.store import TOKEN_PREFIX, create_token, hash_secret
from calmline.service import errors
from calmline.service.deps import Services
from calmline.service.settings import Settings

__all__ = ["bootstrap_admin", "create_app"]

log = logging.getLogger("calmline.service")
Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Scope]], Callable[[Scope], Awaitable[None]]], Awaitable[None]]


class BodyLimit:
    """Reject bodies over ``limit`` bytes with 413, whether Content-Length is sent or not."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(
        self, scope: Scope, receive: Callable[[], Awaitable[Scope]], send: Callable[[Scope], Awaitable[None]]
    ) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for k, v in scope.get("headers", ()):
            if k == b"content-length" and v.isdigit() and int(v) > self.limit:
                await _too_large(send, self.limit)
                return
        seen = 0

        async def limited() -> Scope:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLargeBody
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLargeBody:
            await _too_large(send, self.limit)


class _TooLargeBody(Exception):
    pass


async def _too_large(send: Callable[[Scope], Awaitable[None]], limit: int) -> None:
    import json

    body = json.dumps({"error": {"code": "too_large", "message": f"request body over {limit} bytes"}}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def bootstrap_admin(services: Services) -> str | None:
    """Create the first admin token if there is none; returns it (to print once) unless preset."""
    with services.factory() as s:
        if s.scalar(select(ApiToken.id).where(ApiToken.role == "admin").limit(1)):
            return None
        preset = services.settings.admin_token
        if preset:
            parts = preset.split("_", 2)
            if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1] or not parts[2]:
                raise errors.ServiceError("CALMLINE_ADMIN_TOKEN must look like cl_<id>_<secret>")
            s.add(
                ApiToken(
                    id=parts[1][:16], name="admin", role="admin", team="default", secret_hash=hash_secret(parts[2])
                )
            )
            s.commit()
            return None
        _row, token = create_token(s, name="admin", role="admin")
        s.commit()
        return token


def build_services(settings: Settings) -> Services:
    engine = make_engine(settings.database_url)
    playbook = None
    if settings.playbook:
        from calmline.playbook import load_playbook

        playbook = load_playbook(settings.playbook)
    policy = Policy(
        still_here_s=settings.still_here_s,
        follow_up_delay_s=settings.follow_up_delay_s,
        alerts=bool(settings.alert_webhook_url),
        channel=settings.channel,
        playbook=playbook,
    )
    return Services(settings, engine, make_sessionmaker(engine), policy)


def create_app(settings: Settings | None = None, *, services: Services | None = None) -> FastAPI:
    """The Calmline service: migrations applied, pending messages re-analysed, scheduler started on startup."""
    settings = settings or (services.settings if services else Settings())
    services = services or build_services(settings)
    if settings.redact:
        for name in ("calmline", "uvicorn.access", "uvicorn.error"):
            logging.getLogger(name).addFilter(RedactingFilter())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        migrate(services.engine)
        token = bootstrap_admin(services)
        if token:
            print(f"First start: admin token (shown once, stored hashed):\n  {token}", flush=True)
        default_reader()  # load lexicons and models now, not on the first message
        analyse_pending(services.factory, services.policy)
        sched = None
        if settings.scheduler:
            sched = Scheduler(
                services.factory,
                services.policy,
                interval_s=settings.scheduler_interval_s,
                webhook_url=settings.alert_webhook_url,
                webhook_secret=settings.alert_webhook_secret,
            )
            sched.start()
        app.state.scheduler = sched
        try:
            yield
        finally:
            if sched is not None:
                sched.stop()

    app = FastAPI(
        title="Calmline",
        version="0.1.0",
        lifespan=lifespan,
        description="Live analysis, guidance and case memory for difficult support conversations.",
    )
    app.state.services = services
    errors.install(app)
    from calmline.service import events
    from calmline.service.routes import cases, conversations, messages, people, webhooks

    for module in (conversations, messages, cases, people, webhooks, events):
        app.include_router(module.router)
    from calmline.console.disputes import router as disputes_router
    from calmline.console.router import router as console_router

    app.include_router(disputes_router)
    app.include_router(console_router)

    @app.get("/health", tags=["meta"])
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.middleware("http")
    async def _nosniff(request: Any, call_next: Any) -> Any:
        response = await call_next(request)
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    return app
