"""Service latency and throughput: post-message p50/p99 and messages/s with ~50 concurrent clients.

Starts ``calmline serve`` in a subprocess on loopback against a temp SQLite file and, when
``CALMLINE_BENCH_PG_URL`` is set, PostgreSQL; clients post at a target rate (open loop).
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from typing import Any

ADMIN = "cl_bench0_benchsecret"
_LINES = [
    ("customer", "I've been waiting 40 minutes and my refund still hasn't arrived. This is the third time I ask!"),
    ("agent", "I'm sorry about the wait. Let me check the refund status for you."),
    ("customer", "Honestly this is so frustrating, I just want my money back or I'm cancelling."),
    ("agent", "I understand how frustrating this is. Your case number is on its way."),
]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _drive(base: str, *, clients: int, rate: float, seconds: float) -> dict[str, Any]:
    import httpx

    h = {"Authorization": f"Bearer {ADMIN}"}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, headers=h, limits=limits, timeout=30) as http:
        convs = [
            (await http.post("/conversations", json={"agent": f"agent{i % 10}"})).json()["id"] for i in range(clients)
        ]
        latencies: list[float] = []
        errors = 0
        total = int(rate * seconds)
        queue: asyncio.Queue[int] = asyncio.Queue()

        async def client(k: int) -> None:
            nonlocal errors
            n = 0
            while True:
                i = await queue.get()
                if i < 0:
                    return
                role, text = _LINES[n % len(_LINES)]
                t0 = time.perf_counter()
                r = await http.post(
                    f"/conversations/{convs[k]}/messages", json={"client_id": f"c{i}", "role": role, "text": text}
                )
                latencies.append(time.perf_counter() - t0)
                errors += r.status_code >= 400
                n += 1

        workers = [asyncio.create_task(client(k)) for k in range(clients)]
        start = time.perf_counter()
        for i in range(total):  # open loop: offer messages at the target rate
            await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
            queue.put_nowait(i)
        for _ in workers:
            queue.put_nowait(-1)
        await asyncio.gather(*workers)
        elapsed = time.perf_counter() - start
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    return {
        "messages": len(latencies),
        "errors": errors,
        "target_rate": rate,
        "throughput": round(len(latencies) / elapsed, 1),
        "p50_ms": round(pick(0.50), 1),
        "p99_ms": round(pick(0.99), 1),
        "max_ms": round(latencies[-1] * 1000, 1),
    }


def _run_one(db: str, url: str, *, clients: int, rate: float, seconds: float) -> dict[str, Any]:
    import httpx

    port = _port()
    env = {**os.environ, "CALMLINE_ADMIN_TOKEN": ADMIN, "CALMLINE_DATABASE_URL": url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "calmline.cli._serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=0.5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.05)
        row = asyncio.run(_drive(f"http://127.0.0.1:{port}", clients=clients, rate=rate, seconds=seconds))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return {"bench": "service.post_message", "database": db, "clients": clients, "cores": os.cpu_count(), **row}


def service_bench(quick: bool) -> list[dict[str, Any]]:
    """Post-message latency (p50/p99) and throughput at 200 messages/s offered by 50 clients."""
    seconds = 5.0 if quick else 20.0
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(_run_one("sqlite", f"sqlite:///{tmp}/bench.db", clients=50, rate=200, seconds=seconds))
    pg = os.environ.get("CALMLINE_BENCH_PG_URL")
    if pg:
        rows.append(_run_one("postgresql", pg, clients=50, rate=200, seconds=seconds))
    return rows


if __name__ == "__main__":
    for row in service_bench("--quick" in sys.argv):
        print(row)
