"""Fire due timers and deliver webhook alerts, from the database, exactly once across processes.

A timer is *claimed* before it fires: ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL,
an atomic conditional ``UPDATE ... WHERE status = 'pending'`` on SQLite. The claim, the
reminder row (unique per timer) and the events commit in one transaction, so a timer
fires once even with several server processes, and still fires after a restart.

Run it alone with ``python -m calmline.cases.scheduler DATABASE_URL``.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from calmline.cases import store
from calmline.cases.db import is_postgres, make_engine, make_sessionmaker, migrate
from calmline.cases.models import Case, Reminder, Timer, case_number, utcnow
from calmline.cases.outbox import NoteBuilder, Poster, deliver_due, http_post
from calmline.cases.pipeline import Policy, analyse_pending
from calmline.service import metrics

__all__ = ["Scheduler", "deliver_due", "fire_due", "worker_id"]

log = logging.getLogger("calmline.scheduler")

#: while a step keeps failing (the database down...), a reminder in the log at most this often
REMIND_EVERY_S = 60.0


def _rowcount(result: Any) -> int:
    """Rows changed by an UPDATE (a ``CursorResult``; typed loosely by SQLAlchemy)."""
    return int(result.rowcount)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _fire(s: Session, timer: Timer, worker: str, now: datetime, policy: Policy) -> None:
    timer.status, timer.fired_at, timer.fired_by = "fired", now, worker
    s.add(Reminder(timer_id=timer.id, fired_by=worker))
    case_id = s.scalar(select(Case.id).where(Case.conversation_id == timer.conversation_id))
    data = {
        "timer_id": timer.id,
        "kind": timer.kind,
        "owner": timer.owner,
        "note": timer.note,
        "due_at": timer.due_at.isoformat(),
        "case": case_number(case_id) if case_id else None,
    }
    store.emit(s, "timer.due", data, conversation_id=timer.conversation_id, team=timer.team)
    if timer.kind == "follow_up":
        store.emit(
            s, "follow_up.due", data, conversation_id=timer.conversation_id, team=timer.team, alerts=policy.alerts
        )


def fire_due(
    factory: sessionmaker[Session],
    *,
    policy: Policy,
    now: datetime | None = None,
    worker: str | None = None,
    limit: int = 100,
) -> list[int]:
    """Claim and fire the timers due at ``now``; returns the ids this process fired."""
    now, worker = now or utcnow(), worker or worker_id()
    fired: list[int] = []
    with factory() as s:
        pg = is_postgres(s.get_bind().engine)
    if pg:
        with factory() as s, s.begin():
            timers = s.scalars(
                select(Timer)
                .where(Timer.status == "pending", Timer.due_at <= now)
                .order_by(Timer.due_at)
                .limit(limit)
                .with_for_update(skip_locked=True)
            ).all()
            for t in timers:
                _fire(s, t, worker, now, policy)
                fired.append(t.id)
        return fired
    with factory() as s:
        ids = s.scalars(
            select(Timer.id).where(Timer.status == "pending", Timer.due_at <= now).order_by(Timer.due_at).limit(limit)
        ).all()
    for tid in ids:
        with factory() as s, s.begin():
            claimed = _rowcount(
                s.execute(
                    update(Timer)
                    .where(Timer.id == tid, Timer.status == "pending")
                    .values(status="claimed")
                    .execution_options(synchronize_session=False)
                )
            )
            if claimed != 1:
                continue  # another process fired it
            timer = s.get(Timer, tid)
            assert timer is not None
            _fire(s, timer, worker, now, policy)
            fired.append(tid)
    return fired


class Scheduler:
    """A background thread: fire timers, deliver alerts, re-analyse stale pending messages."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        policy: Policy,
        *,
        interval_s: float = 1.0,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        max_attempts: int | None = None,
        backoff_s: float = 2.0,
        max_backoff_s: float = 3600.0,
        retry_s: float = 24 * 3600.0,
        timeout_s: float = 10.0,
        concurrency: int = 4,
        legacy_signature: bool = True,
        notes: Mapping[str, NoteBuilder] | None = None,
    ) -> None:
        self.factory, self.policy, self.interval_s = factory, policy, interval_s
        self.webhook_url, self.webhook_secret = webhook_url, webhook_secret
        self.max_attempts, self.backoff_s, self.max_backoff_s = max_attempts, backoff_s, max_backoff_s
        self.retry_s, self.concurrency = retry_s, concurrency
        #: how long a claimed attempt keeps other threads and processes off its alert: past the HTTP timeout
        self.lease_s = max(60.0, 2 * timeout_s + 30.0)
        self.legacy_signature = legacy_signature
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._sender: threading.Thread | None = None
        self.post: Poster = functools.partial(http_post, timeout=timeout_s)
        #: helpdesk notes (``note.<name>`` deliveries) this process sends, by helpdesk
        self.notes = dict(notes or {})
        self.timeout_s = timeout_s
        self._clock: Callable[[], float] = time.monotonic

    def _send(self, method: str, url: str, body: bytes, headers: dict[str, str]) -> int:
        return http_post(url, body, headers, timeout=self.timeout_s, method=method)

    def tick(self) -> list[int]:
        """Fire due timers and re-analyse stale pending messages (alerts go out on their own thread)."""
        fired = fire_due(self.factory, policy=self.policy)
        metrics.TIMERS_FIRED.inc(len(fired))
        for tid in fired:
            log.info("fired timer %d by %s", tid, worker_id(), extra={"event": "timer_fired", "timer": tid})
        analyse_pending(self.factory, self.policy, older_than_s=30)
        return fired

    def deliver(self) -> list[int]:
        """Send due alerts, a few at once (on the delivery thread: a slow receiver never delays a timer)."""
        return deliver_due(
            self.factory,
            url=self.webhook_url,
            secret=self.webhook_secret,
            post=self.post,
            max_attempts=self.max_attempts,
            backoff_s=self.backoff_s,
            max_backoff_s=self.max_backoff_s,
            retry_s=self.retry_s,
            lease_s=self.lease_s,
            concurrency=self.concurrency,
            limit=max(20, 4 * self.concurrency),
            legacy_signature=self.legacy_signature,
            notes=self.notes,
            send=self._send,
        )

    def _loop(self, step: Callable[[], object], what: str) -> None:
        """Run ``step`` every interval until stopped; it survives a failing step (the database restarting...).

        A run of failures logs its first traceback, then a one-line reminder at most every
        ``REMIND_EVERY_S`` while it lasts, and a line when a step succeeds again; each failure is
        counted in ``calmline_scheduler_failures_total``. The step is retried every interval all along.
        """
        failing, remind_at = 0, 0.0
        while not self._stop.is_set():
            try:
                step()
            except Exception as exc:
                failing += 1
                metrics.SCHEDULER_FAILURES.labels(step=what).inc()
                now = self._clock()
                fields = {"event": "scheduler_failed", "step": what, "failures": failing}
                if failing == 1:
                    log.exception("scheduler %s failed", what, extra=fields)
                    remind_at = now + REMIND_EVERY_S
                elif now >= remind_at:
                    brief = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
                    log.error("scheduler %s still failing (%d times in a row): %s", what, failing, brief, extra=fields)
                    remind_at = now + REMIND_EVERY_S
            else:
                if failing:
                    log.warning(
                        "scheduler %s recovered after %d failed tries",
                        what,
                        failing,
                        extra={"event": "scheduler_recovered", "step": what, "failures": failing},
                    )
                failing = 0
            self._stop.wait(self.interval_s)

    def _run(self) -> None:
        self._loop(self.tick, "tick")

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="calmline-scheduler", daemon=True)
        self._thread.start()
        if self.webhook_url or self.notes:
            self._sender = threading.Thread(
                target=self._loop, args=(self.deliver, "delivery"), name="calmline-alerts", daemon=True
            )
            self._sender.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in (self._thread, self._sender):
            if thread is not None:
                thread.join(timeout=10)


def main(argv: list[str] | None = None) -> None:
    """``python -m calmline.cases.scheduler URL [INTERVAL]``: run the scheduler alone."""
    args = sys.argv[1:] if argv is None else argv
    from calmline.service.logs import configure_logging

    configure_logging("info")
    engine = make_engine(args[0])
    migrate(engine)
    sched = Scheduler(make_sessionmaker(engine), Policy(), interval_s=float(args[1]) if len(args) > 1 else 0.2)
    log.info("scheduler %s ready", worker_id(), extra={"event": "scheduler_ready"})
    sched._run()


if __name__ == "__main__":
    main()
