"""Real processes: timers fire after kill -9 and restart; two schedulers fire each timer exactly once."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from calmline.cases import store
from calmline.cases.db import make_engine, make_sessionmaker, migrate
from calmline.cases.models import Reminder, Timer, utcnow
from tests.service.conftest import BACKENDS, db_url

ADMIN = "cl_admin0_adminsecret"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "CALMLINE_ADMIN_TOKEN": ADMIN,
        "CALMLINE_SCHEDULER_INTERVAL_S": "0.2",
        "CALMLINE_STILL_HERE_S": "1.5",
    }
    with log.open("ab") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "calmline.cli._serve", "--port", str(port), "--database-url", url],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _wait_up(port: int, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(200):
        if proc.poll() is not None:
            raise AssertionError("server exited")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=0.5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise AssertionError("server did not start")


@pytest.mark.parametrize("backend", BACKENDS)
def test_timers_fire_after_kill_and_restart(backend: str, tmp_path: Path) -> None:
    url = db_url(backend, tmp_path)
    port, log = _port(), tmp_path / "serve.log"
    proc = _serve(url, port, log)
    try:
        _wait_up(port, proc)
        base, h = f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {ADMIN}"}
        conv = httpx.post(f"{base}/conversations", json={"agent": "alice"}, headers=h).json()
        r = httpx.post(
            f"{base}/conversations/{conv['id']}/messages",
            headers=h,
            json={"client_id": "a1", "role": "agent", "text": "Let me check that with the warehouse."},
        )
        assert r.json()["timers"], r.text  # still-here timer, due in 1.5 s
        other = httpx.post(f"{base}/conversations", json={"agent": "alice"}, headers=h).json()
        httpx.post(f"{base}/cases/{other['case']}/resolve", json={"follow_up_in_s": 1.5}, headers=h)
        os.kill(proc.pid, signal.SIGKILL)  # before anything is due
        proc.wait()
        engine = make_engine(url)
        with make_sessionmaker(engine)() as s:
            assert s.scalar(select(func.count(Reminder.id))) == 0
        time.sleep(1.6)
        proc = _serve(url, port, log)
        _wait_up(port, proc)
        deadline = time.time() + 10
        while time.time() < deadline:
            with make_sessionmaker(engine)() as s:
                kinds = sorted(s.scalars(select(Timer.kind).where(Timer.status == "fired")).all())
            if kinds == ["follow_up", "still_here"]:
                break
            time.sleep(0.1)
        assert kinds == ["follow_up", "still_here"], log.read_text()
        events = httpx.get(f"{base}/conversations/{conv['id']}/events", params={"follow": "false"}, headers=h).text
        assert events.count("event: timer.due") == 1
        engine.dispose()
    finally:
        proc.kill()
        proc.wait()


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_schedulers_fire_each_timer_exactly_once(backend: str, tmp_path: Path) -> None:
    url = db_url(backend, tmp_path)
    engine = make_engine(url)
    migrate(engine)
    factory = make_sessionmaker(engine)
    with factory() as s:
        conv, _case = store.create_conversation(s, store.SYSTEM, agent="alice", team="a")
        due = utcnow() + timedelta(seconds=2)
        for i in range(200):
            store.schedule_timer(s, conv, kind="callback", due_at=due, owner="sue", note=str(i))
        s.commit()
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "calmline.cases.scheduler", url, "0.05"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for _ in range(2)
    ]
    try:
        deadline = time.time() + 20
        while time.time() < deadline:
            with factory() as s:
                if s.scalar(select(func.count(Timer.id)).where(Timer.status == "pending")) == 0:
                    break
            time.sleep(0.2)
        time.sleep(0.5)  # let the last batch be printed
    finally:
        outs = []
        for p in procs:
            p.terminate()
            outs.append(p.communicate(timeout=10)[0].decode())
    records = [json.loads(line) for out in outs for line in out.splitlines() if line.startswith("{")]
    fired = [r["timer"] for r in records if r.get("event") == "timer_fired"]
    counts = Counter(fired)
    assert set(counts.values()) == {1}, outs  # no timer fired twice
    with factory() as s:
        assert s.scalar(select(func.count(Reminder.id))) == 200  # unique per timer: each fired once
        assert s.scalar(select(func.count(Timer.id)).where(Timer.status == "fired")) == 200
    engine.dispose()
