"""Service latency and throughput: post-message p50/p99 and messages/s with ~50 concurrent clients.

Starts ``calmline serve`` in a subprocess on loopback against a temp SQLite file and, when
``CALMLINE_BENCH_PG_URL`` is set, PostgreSQL; clients post at a target rate (open loop).

Two connection modes: ``sticky`` (each conversation keeps its own keep-alive connection, so with
``--workers N`` one worker sees all of a conversation) and ``rotating`` (every message takes the
next free connection of a shared pool, as behind a load balancer or with several consoles open:
a conversation's messages reach different workers, whose histories go stale).
"""

from __future__ import annotations

import asyncio
import json
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


class _Conn:
    """One keep-alive HTTP/1.1 connection with just enough parsing for this benchmark.

    A lean client on purpose: the load generator shares the machine's two cores with the
    server, and a general-purpose client (httpx) spends several ms of CPU per request,
    which would measure the client instead of the server.
    """

    def __init__(self, host: str, port: int, token: str) -> None:
        self.host, self.port, self.token = host, port, token
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        data = json.dumps(body).encode() if body is not None else b""
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nAuthorization: Bearer {self.token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
        )
        self.writer.write(head.encode() + data)
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.split(b"\r\n")
        status = int(lines[0].split()[1])
        length = next(
            (int(v) for k, _, v in (ln.partition(b":") for ln in lines[1:]) if k.lower() == b"content-length"), None
        )
        if length is None:
            raise RuntimeError(f"{method} {path}: response without Content-Length")
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def _drive(base: str, *, clients: int, rate: float, seconds: float, mode: str = "sticky") -> dict[str, Any]:
    host, port = base.removeprefix("http://").rsplit(":", 1)
    conns = [_Conn(host, int(port), ADMIN) for _ in range(clients)]
    pool: asyncio.Queue[_Conn] = asyncio.Queue()
    for c in conns:
        pool.put_nowait(c)

    async def post(k: int, path: str, body: dict[str, Any]) -> int:
        if mode == "sticky":
            return (await conns[k].request("POST", path, body))[0]
        c = await pool.get()  # the longest-idle connection: consecutive messages rotate over them
        try:
            return (await c.request("POST", path, body))[0]
        finally:
            pool.put_nowait(c)

    try:
        convs = []
        for i, c in enumerate(conns):
            status, body = await c.request("POST", "/conversations", {"agent": f"agent{i % 10}"})
            if status != 201:
                raise RuntimeError(f"creating a conversation failed: {status} {body[:200]!r}")
            convs.append(json.loads(body)["id"])
        for k, c in enumerate(conns):  # warm-up, not timed: one exchange per conversation
            for j, (role, text) in enumerate(_LINES[:2]):
                await c.request(
                    "POST", f"/conversations/{convs[k]}/messages", {"client_id": f"w{j}", "role": role, "text": text}
                )
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
                status = await post(
                    k, f"/conversations/{convs[k]}/messages", {"client_id": f"c{i}", "role": role, "text": text}
                )
                latencies.append(time.perf_counter() - t0)
                errors += status >= 400
                n += 1

        workers = [asyncio.create_task(client(k)) for k in range(clients)]
        start = time.perf_counter()
        cpu0 = time.process_time()
        for i in range(total):  # open loop: offer messages at the target rate
            await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
            queue.put_nowait(i)
        for _ in workers:
            queue.put_nowait(-1)
        await asyncio.gather(*workers)
        elapsed = time.perf_counter() - start
        client_cpu = time.process_time() - cpu0
    finally:
        for c in conns:
            c.close()
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    return {
        "connections": mode,
        "messages": len(latencies),
        "errors": errors,
        "target_rate": rate,
        "throughput": round(len(latencies) / elapsed, 1),
        "p50_ms": round(pick(0.50), 1),
        "p99_ms": round(pick(0.99), 1),
        "max_ms": round(latencies[-1] * 1000, 1),
        "client_cpu_ms_per_msg": round(client_cpu / max(1, len(latencies)) * 1000, 2),
    }


def _run_one(
    db: str, url: str, *, clients: int, rate: float, seconds: float, workers: int, mode: str = "sticky"
) -> dict[str, Any]:
    import httpx

    port = _port()
    env = {**os.environ, "CALMLINE_ADMIN_TOKEN": ADMIN, "CALMLINE_DATABASE_URL": url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "calmline.cli._serve", "--port", str(port), "--workers", str(workers)],
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
        if workers > 1:  # the first worker answers /health; give the others time to load before connecting
            time.sleep(6.0)
        row = asyncio.run(_drive(f"http://127.0.0.1:{port}", clients=clients, rate=rate, seconds=seconds, mode=mode))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return {
        "bench": "service.post_message",
        "database": db,
        "workers": workers,
        "clients": clients,
        "cores": os.cpu_count(),
        **row,
    }


def service_bench(
    quick: bool, workers: tuple[int, ...] = (1, 2), modes: tuple[str, ...] = ("sticky", "rotating")
) -> list[dict[str, Any]]:
    """Post-message latency (p50/p99) and throughput at 200 messages/s offered by 50 clients,
    with one uvicorn worker and with one per core (``calmline serve --workers N``); with several
    workers, also with rotating connections (a conversation's messages reach different workers)."""
    seconds = 5.0 if quick else 20.0
    runs = [(n, m) for n in workers for m in modes if m == "sticky" or n > 1]
    rows = []
    for n, m in runs:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/bench.db"
            rows.append(_run_one("sqlite", url, clients=50, rate=200, seconds=seconds, workers=n, mode=m))
    pg = os.environ.get("CALMLINE_BENCH_PG_URL")
    if pg:
        for n, m in runs:
            rows.append(_run_one("postgresql", pg, clients=50, rate=200, seconds=seconds, workers=n, mode=m))
    return rows


if __name__ == "__main__":
    only = tuple(int(a.split("=", 1)[1]) for a in sys.argv if a.startswith("--workers="))
    modes = tuple(a.split("=", 1)[1] for a in sys.argv if a.startswith("--connections="))
    for row in service_bench("--quick" in sys.argv, only or (1, 2), modes or ("sticky", "rotating")):
        print(row)
