"""Speed on one core: every measurement runs in a fresh subprocess pinned to one CPU with
OMP/OpenBLAS/MKL threads set to 1 before numpy is imported.

    python -m bench._speed WORKER MESSAGES.json N_LATENCY REPEAT   (internal)

Workers: ``calmline`` (``Reader().read_many`` for the batch, ``Reader().read`` per
message), ``vader`` (``polarity_scores``; it has no batch API), ``profanity-check``
(``predict_prob(list)`` for the batch, ``predict_prob([text])`` per message).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

__all__ = ["TARGETS", "build_messages", "measure"]

REPO = Path(__file__).resolve().parents[1]
THREAD_VARS = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
)
#: Calmline's targets: (metric key, comparison, value).
TARGETS = {"p99_ms": ("<=", 2.0), "batch_msgs_per_s": (">=", 20_000.0)}
SYSTEMS = ("calmline", "vader", "profanity-check")


def build_messages(data: Path, n: int, seed: int) -> tuple[list[str], str]:
    """``n`` short messages: the hand-written support cases mixed with TweetEval tweets."""
    from bench._datasets import customer_cases

    pool: list[str] = []
    parts: list[str] = []
    try:
        cases = [c["text"] for c in customer_cases() if len(c["text"]) <= 600]
        pool += cases
        parts.append(f"{len(cases)} hand-written cases")
    except (FileNotFoundError, ValueError):
        pass
    te = data / "tweeteval_offensive_hate_emotion"
    tweets: list[str] = []
    for sub in ("emotion", "offensive"):
        f = te / sub / "test_text.txt"
        if f.is_file():
            tweets += [t for t in f.read_text(encoding="utf-8").splitlines() if t.strip()]
    if tweets:
        pool += tweets
        parts.append(f"{len(tweets)} TweetEval test tweets")
    if not pool:
        pool = ["Where is my refund? I have asked three times already.", "Thanks, sorted!"]
        parts.append("2 built-in messages")
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < n:
        block = pool[:]
        rng.shuffle(block)
        out += block
    out = out[:n]
    mean_len = statistics.mean(len(t) for t in out)
    return out, f"{n} msgs cycled from {' + '.join(parts)} (mean {mean_len:.0f} chars)"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update({k: "1" for k in THREAD_VARS})
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    return env


def _child(args: Sequence[str], timeout: float = 300) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=_env(), cwd=REPO, timeout=timeout, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"speed worker {args[:3]} failed:\n{proc.stderr[-2000:]}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def import_time(module: str, repeat: int = 3) -> float:
    """Median seconds to ``import module`` in a fresh one-core interpreter."""
    code = "import time,json;t=time.perf_counter();import " + module + ";print(json.dumps({'s':time.perf_counter()-t}))"
    return float(statistics.median(float(_child(["-c", code])["s"]) for _ in range(repeat)))


def measure(
    messages: list[str], n_latency: int, repeat: int, log: Callable[[str], None] = lambda s: None
) -> dict[str, Any]:
    """Run each worker in its own subprocess; return ``{system: metrics}``."""
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "messages.json"
        path.write_text(json.dumps(messages), encoding="utf-8")
        for system in SYSTEMS:
            log(f"  speed: {system}")
            try:
                res = _child(["-m", "bench._speed", system, str(path), str(n_latency), str(repeat)])
                module = {
                    "calmline": "calmline",
                    "vader": "vaderSentiment.vaderSentiment",
                    "profanity-check": "profanity_check",
                }[system]
                res["import_s"] = import_time(module)
            except (RuntimeError, subprocess.TimeoutExpired, ValueError) as e:
                res = {"error": str(e).splitlines()[0][:200]}
            out[system] = res
    return out


def check_targets(res: dict[str, Any]) -> dict[str, bool]:
    ok: dict[str, bool] = {}
    for key, (op, target) in TARGETS.items():
        v = res.get(key)
        if isinstance(v, int | float):
            ok[key] = v <= target if op == "<=" else v >= target
    return ok


# ---------------------------------------------------------------- worker side
def _pin_one_cpu() -> int | None:
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpus = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpus[-1]})
    return cpus[-1]


def _peak_rss_kb(field: str = "VmHWM") -> float:
    """Peak RSS of this process (``field="VmRSS"``: current RSS).  ``VmHWM`` is reset by
    ``execve``; ``ru_maxrss`` is not (a child would report the parent's peak), so it is
    only the fallback."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith(field + ":"):
                return float(line.split()[1])
    except OSError:
        pass
    import resource

    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _worker(system: str, messages: list[str], n_latency: int, repeat: int) -> dict[str, Any]:
    cpu = _pin_one_cpu()
    t0 = time.perf_counter()
    batch: Callable[[list[str]], object]
    one: Callable[[str], object]
    if system == "calmline":
        from calmline import Reader

        t1 = time.perf_counter()
        reader = Reader()
        batch, one = reader.read_many, reader.read
    elif system == "vader":
        from vaderSentiment.vaderSentiment import (  # type: ignore[import-untyped]
            SentimentIntensityAnalyzer,
        )

        t1 = time.perf_counter()
        sia = SentimentIntensityAnalyzer()
        one = sia.polarity_scores

        def batch(ts: list[str]) -> object:
            return [sia.polarity_scores(t) for t in ts]
    elif system == "profanity-check":
        from profanity_check import predict_prob  # type: ignore[import-untyped]

        t1 = time.perf_counter()
        predict_prob(["warm up"])  # its model is unpickled at import; first call is the rest
        batch = predict_prob

        def one(t: str) -> object:
            return predict_prob([t])
    else:
        raise SystemExit(f"unknown worker {system!r}")
    t2 = time.perf_counter()
    rss_loaded_kb = _peak_rss_kb("VmRSS")
    batch(messages[:200])  # warm caches
    best = _best_of(lambda: batch(messages), repeat)
    stages: dict[str, float] = {}
    if system == "calmline":
        # where the batch time goes: text preparation, then both models (which include
        # preparation), the rest being the rule detectors, frustration and emotion
        from calmline.signals._text import prepare_messages

        prepare = _best_of(lambda: prepare_messages(messages, max_chars=reader.max_chars), repeat)
        scored = _best_of(lambda: reader.score_models(messages), repeat)
        stages = {
            "prepare_us": prepare * 1e6 / len(messages),
            "models_us": max(0.0, scored - prepare) * 1e6 / len(messages),
            "rules_us": max(0.0, best - scored) * 1e6 / len(messages),
        }
    lat: list[float] = []
    pc = time.perf_counter_ns
    for t in messages[:n_latency]:
        s = pc()
        one(t)
        lat.append((pc() - s) / 1e6)
    lat.sort()
    rss_kb = _peak_rss_kb()
    return {
        "cpu": cpu,
        "messages": len(messages),
        "batch_msgs_per_s": len(messages) / best,
        "latency_n": len(lat),
        "p50_ms": lat[len(lat) // 2],
        "p99_ms": lat[min(len(lat) - 1, int(0.99 * len(lat)))],
        "mean_ms": statistics.fmean(lat),
        "import_in_worker_s": t1 - t0,
        "load_s": t2 - t1,
        "peak_rss_mb": rss_kb / 1024.0,
        "rss_after_load_mb": rss_loaded_kb / 1024.0,
        **({"stages_us_per_msg": stages} if stages else {}),
    }


def _best_of(run: Callable[[], object], repeat: int) -> float:
    """The fastest of ``repeat`` (at least one) timed calls of ``run``, in seconds."""
    best = float("inf")
    for _ in range(max(1, repeat)):
        s = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - s)
    return best


if __name__ == "__main__":
    name, msg_path, n_lat, rep = sys.argv[1:5]
    msgs = json.loads(Path(msg_path).read_text(encoding="utf-8"))
    print(json.dumps(_worker(name, msgs, int(n_lat), int(rep))))
