"""``create_app(settings)``: the FastAPI application, built from settings, never at import."""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from calmline.cases.db import make_engine, make_read_sessionmaker, make_sessionmaker, migrate
from calmline.cases.models import ApiToken
from calmline.cases.pipeline import Policy, analyse_pending, warm_up
from calmline.cases.redaction import install_log_redaction
from calmline.cases.scheduler import Scheduler
from calmline.cases.store import TOKEN_ID_MAX, TOKEN_PREFIX, create_token, hash_secret
from calmline.service import errors
from calmline.service.deps import Services
from calmline.service.settings import Settings

__all__ = ["bootstrap_admin", "check_admin_token", "create_app"]

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
        seen, over = 0, False

        async def limited() -> Scope:
            # Over the limit: answer 413 here and tell the app the client went away, so it stops
            # reading (raising instead would reach the app's body parser and become a 400).
            nonlocal seen, over
            if over:
                return {"type": "http.disconnect"}
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                over = True
                await _too_large(send, self.limit)
                return {"type": "http.disconnect"}
            return message

        async def guarded(message: Scope) -> None:
            if not over:  # the 413 is the whole answer
                await send(message)

        try:
            await self.app(scope, limited, guarded)
        except Exception:
            if not over:
                raise


class NoSniff:
    """Add ``X-Content-Type-Options: nosniff`` to every HTTP response (plain ASGI: no per-request task)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(
        self, scope: Scope, receive: Callable[[], Awaitable[Scope]], send: Callable[[Scope], Awaitable[None]]
    ) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_header(message: Scope) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() != b"x-content-type-options"]
                message = {**message, "headers": [*headers, (b"x-content-type-options", b"nosniff")]}
            await send(message)

        await self.app(scope, receive, with_header)


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


def check_admin_token(preset: str | None) -> tuple[str, str] | None:
    """The preset admin token's ``(id, secret)``; a clear error at start if it cannot work."""
    if not preset:
        return None
    parts = preset.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1] or not parts[2]:
        raise errors.ServiceError("CALMLINE_ADMIN_TOKEN must look like cl_<id>_<secret>")
    if len(parts[1]) > TOKEN_ID_MAX or "_" in parts[1]:
        raise errors.ServiceError(
            f"CALMLINE_ADMIN_TOKEN's id ({parts[1]!r}) must be 1-{TOKEN_ID_MAX} characters without '_'"
        )
    return parts[1], parts[2]


def bootstrap_admin(services: Services) -> str | None:
    """Create the first admin token if there is none; returns it (to print once) unless preset.

    Idempotent across processes (``--workers N``): a preset token is inserted unless its id exists.
    """
    preset = check_admin_token(services.settings.admin_token)
    with services.factory() as s:
        if preset:
            token_id, secret = preset
            if s.get(ApiToken, token_id) is None:
                s.add(
                    ApiToken(id=token_id, name="admin", role="admin", team="default", secret_hash=hash_secret(secret))
                )
                try:
                    s.commit()
                except IntegrityError:  # another worker inserted it first
                    s.rollback()
            return None
        if s.scalar(select(ApiToken.id).where(ApiToken.role == "admin").limit(1)):
            return None
        _row, token = create_token(s, name="admin", role="admin")
        s.commit()
        return token


def build_services(settings: Settings) -> Services:
    engine = make_engine(settings.database_url)
    if settings.redact:  # every free-text column, event, audit detail and alert payload this engine writes
        from calmline.cases import redaction
        from calmline.cases.models import redact_on_write

        redaction.configure(region=settings.redact_region)
        redact_on_write(engine)
    playbook = None
    if settings.playbook:
        from calmline.playbook import load_playbook

        playbook = load_playbook(settings.playbook)
    if settings.still_here_s is not None:  # one clock: the setting overrides the playbook, for guidance and timers
        from calmline.playbook.config import default_playbook, with_still_here

        playbook = with_still_here(playbook or default_playbook(), settings.still_here_s)
    policy = Policy(
        still_here_s=settings.still_here_s,
        follow_up_delay_s=settings.follow_up_delay_s,
        alerts=bool(settings.alert_webhook_url),
        channel=settings.channel,
        playbook=playbook,
    )
    return Services(settings, engine, make_sessionmaker(engine), policy, reader=make_read_sessionmaker(engine))


def create_app(
    settings: Settings | None = None, *, services: Services | None = None, fast_path: bool = True
) -> FastAPI:
    """The Calmline service: migrations applied, pending messages re-analysed, scheduler started on startup.

    ``fast_path``: answer ``POST /conversations/{id}/messages`` without the framework's
    per-request layers (:mod:`calmline.service.fastpath`; same answers, less CPU).
    """
    settings = settings or (services.settings if services else Settings())
    services = services or build_services(settings)
    if settings.redact:
        install_log_redaction()
    check_admin_token(settings.admin_token)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        migrate(services.engine)
        token = bootstrap_admin(services)
        if token:
            base = os.environ.get("CALMLINE_BASE_URL", "http://HOST:PORT")
            log.warning(
                "First start: admin token (shown once, stored hashed): %s. Use it as a bearer token, e.g. "
                "curl -H 'Authorization: Bearer %s' %s/conversations ; the API is described at %s/docs",
                token,
                token,
                base,
                base,
                extra={"event": "admin_token_created"},
            )
        warm_up(services.policy)  # load lexicons, models and the playbook now, not on the first message
        analyse_pending(services.factory, services.policy)
        sched = None
        from calmline.service.helpdesks import note_targets

        if settings.scheduler:
            sched = Scheduler(
                services.factory,
                services.policy,
                interval_s=settings.scheduler_interval_s,
                webhook_url=settings.alert_webhook_url,
                webhook_secret=settings.alert_webhook_secret,
                max_attempts=settings.alert_max_attempts,
                backoff_s=settings.alert_backoff_s,
                max_backoff_s=settings.alert_max_backoff_s,
                retry_s=settings.alert_retry_s,
                timeout_s=settings.alert_timeout_s,
                concurrency=settings.alert_concurrency,
                legacy_signature=settings.webhook_legacy_signatures,
                notes=note_targets(settings),
            )
            sched.start()
        app.state.scheduler = sched
        # What start-up loaded (models, lexicons, modules) lives as long as the process: move it out
        # of the collector's sight, so a full collection scans only what requests created since
        # (otherwise ~1M long-lived objects make each one a pause of 50-100 ms under load).
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()
            if sched is not None:
                sched.stop()
            services.close()

    app = FastAPI(
        title="Calmline",
        version="0.1.0",
        lifespan=lifespan,
        description="Live analysis, guidance and case memory for difficult support conversations.",
        docs_url=None,  # served offline by calmline.service.openapi
        redoc_url=None,
    )
    app.state.services = services
    errors.install(app)
    from calmline.service import openapi

    openapi.install(app)
    from calmline.service import events
    from calmline.service.routes import (
        accommodations,
        cases,
        conversations,
        insights,
        messages,
        meta,
        people,
        practice,
        webhooks,
    )

    for module in (conversations, messages, cases, people, webhooks, events, practice, insights, accommodations, meta):
        app.include_router(module.router)
    from calmline.service.routes.integrations import router as integrations_router

    app.include_router(integrations_router)
    from calmline.console.disputes import router as disputes_router
    from calmline.console.router import router as console_router

    app.include_router(disputes_router)
    app.include_router(console_router)
    from calmline.service.routes.deliveries import router as deliveries_router

    app.include_router(deliveries_router)

    app.add_middleware(NoSniff)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    if fast_path:
        from calmline.service.fastpath import FastMessages

        app.add_middleware(FastMessages, services=services, limit=settings.max_body_bytes)
    from calmline.service.logs import AccessLog
    from calmline.service.metrics import HttpMetrics

    app.add_middleware(HttpMetrics)  # outermost: they see every answer, the 413s and the fast path's too
    app.add_middleware(AccessLog)

    from calmline.service.guards import CleanTarget

    app.add_middleware(CleanTarget)  # outermost: before the fast path and routing
    return app
