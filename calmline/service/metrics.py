"""Prometheus metrics: counters any module may increment, the HTTP middleware, and ``/metrics``.

Other code imports a counter and increments it, e.g.::

    from calmline.service import metrics
    metrics.WEBHOOK_DELIVERIES.labels(outcome="sent").inc()

This module imports nothing from Calmline, so any layer may use it without an import cycle.
With several worker processes (``calmline serve --workers N``) each process writes its
values under ``PROMETHEUS_MULTIPROC_DIR`` (``serve`` sets a fresh one) and ``/metrics`` adds
them up, whichever worker answers.
"""

from __future__ import annotations

import os
import time
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

__all__ = [
    "ANALYSIS_FAILURES",
    "CONTENT_TYPE",
    "MESSAGES_ANALYSED",
    "REGISTRY",
    "REQUESTS",
    "REQUEST_SECONDS",
    "SCHEDULER_FAILURES",
    "TIMERS_FIRED",
    "WEBHOOK_DELIVERIES",
    "HttpMetrics",
    "Probe",
    "render",
]

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Scope]]
Send = Callable[[Scope], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CONTENT_TYPE = CONTENT_TYPE_LATEST
#: the process's own metrics (in multiprocess mode, values go to files and are gathered at scrape time)
REGISTRY = CollectorRegistry(auto_describe=True)

REQUESTS = Counter(
    "calmline_http_requests",
    "HTTP requests answered, by method, route template and status code.",
    ["method", "route", "status"],
    registry=REGISTRY,
)
REQUEST_SECONDS = Histogram(
    "calmline_http_request_duration_seconds",
    "Time from the request's arrival to the end of its response, by method and route template.",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)
MESSAGES_ANALYSED = Counter(
    "calmline_messages_analysed",
    "Messages analysed: 'posted' when answered with the request, 'deferred' when analysed later (pending).",
    ["when"],
    registry=REGISTRY,
)
ANALYSIS_FAILURES = Counter(
    "calmline_analysis_failures",
    "Messages whose analysis raised; they are stored pending and analysed again by the scheduler.",
    registry=REGISTRY,
)
TIMERS_FIRED = Counter(
    "calmline_timers_fired",
    "Timers (still-here, callback, follow-up) fired by this process.",
    registry=REGISTRY,
)
SCHEDULER_FAILURES = Counter(
    "calmline_scheduler_failures",
    "Scheduler steps that raised ('tick': timers and pending messages; 'delivery': alerts and notes); retried.",
    ["step"],
    registry=REGISTRY,
)
WEBHOOK_DELIVERIES = Counter(
    "calmline_webhook_deliveries",
    "Outbound alert delivery attempts: 'sent', 'retry' (failed, will be tried again) or 'failed' (gave up).",
    ["outcome"],
    registry=REGISTRY,
)


class Probe(Collector):
    """Gauges read from the database at scrape time (correct across processes): ``counts()`` gives them."""

    def __init__(self, counts: Callable[[], dict[str, tuple[str, float]]]) -> None:
        self.counts = counts

    def collect(self) -> Iterator[Metric]:
        for name, (doc, value) in self.counts().items():
            yield GaugeMetricFamily(name, doc, value=value)


def render(probe: Collector | None = None) -> bytes:
    """The text exposition of every metric (all worker processes' in multiprocess mode) and the probe's."""
    registry = CollectorRegistry(auto_describe=True)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = REGISTRY
    out = generate_latest(registry)
    if probe is not None:
        extra = CollectorRegistry(auto_describe=False)
        extra.register(probe)
        out += generate_latest(extra)
    return out


def route_of(scope: Scope) -> str:
    """The route template (``/conversations/{conversation_id}``), never the raw path (bounded labels)."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    fixed = scope.get("calmline.route")
    return fixed if isinstance(fixed, str) else "unmatched"


class HttpMetrics:
    """Plain ASGI middleware: count each HTTP request and time it to the end of its response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def tracked(message: Scope) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        finally:
            route, method = route_of(scope), str(scope.get("method", ""))
            REQUESTS.labels(method=method, route=route, status=str(status)).inc()
            REQUEST_SECONDS.labels(method=method, route=route).observe(time.perf_counter() - start)
