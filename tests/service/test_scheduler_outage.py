"""The scheduler during an outage: its loops keep trying every interval, but the log gets one traceback when a
step starts failing, a short reminder at most once a minute while it goes on, and a line when it recovers
(before, a database outage wrote a ~8 KB traceback per second per worker)."""

from __future__ import annotations

import logging
from typing import Any

import pytest

pytest.importorskip("sqlalchemy")

from calmline.cases.scheduler import Scheduler
from calmline.service import metrics


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _scheduler(clock: Clock) -> Scheduler:
    sched = Scheduler(None, None, interval_s=0)  # type: ignore[arg-type]  # the loop under test uses neither
    sched._clock = clock
    return sched


def _failures(what: str) -> float:
    value = metrics.REGISTRY.get_sample_value("calmline_scheduler_failures_total", {"step": what})
    return value or 0.0


def test_a_failing_step_logs_one_traceback_then_a_reminder_a_minute_then_recovery(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clock()
    sched = _scheduler(clock)
    plan = ["fail"] * 50 + ["advance"] + ["fail"] * 50 + ["ok", "fail"]
    calls = iter(plan)

    def step() -> None:
        action = next(calls, "stop")
        if action == "advance":  # a minute and a bit later, still failing
            clock.now += 61
            raise ConnectionError("connection refused")
        if action == "fail":
            raise ConnectionError("connection refused")
        if action == "stop":  # failing again when the process stops
            sched._stop.set()
            raise ConnectionError("connection refused")

    before = _failures("tick")
    with caplog.at_level(logging.INFO, logger="calmline.scheduler"):
        sched._loop(step, "tick")
    records = [r for r in caplog.records if r.name == "calmline.scheduler"]
    with_traceback = [r for r in records if r.exc_info]
    # the first failure of each run of failures: with its traceback (the run after recovery is a new one)
    assert len(with_traceback) == 2 and all(r.levelno == logging.ERROR for r in with_traceback)
    reminders = [r for r in records if "still failing" in r.getMessage()]
    assert len(reminders) == 1 and "51 times" in reminders[0].getMessage() and not reminders[0].exc_info
    assert "connection refused" in reminders[0].getMessage()
    recovered = [r for r in records if "recovered" in r.getMessage()]
    assert len(recovered) == 1 and "101 failed" in recovered[0].getMessage()
    assert len(records) == 4, [r.getMessage() for r in records]
    assert _failures("tick") - before == 103  # every failure is counted, logged or not


def test_failures_keep_being_retried_at_the_interval(caplog: Any) -> None:
    sched = _scheduler(Clock())
    seen: list[int] = []

    def step() -> None:
        seen.append(1)
        if len(seen) == 20:
            sched._stop.set()
        raise RuntimeError("boom")

    sched._loop(step, "delivery")
    assert len(seen) == 20  # quieter logs, not fewer tries
