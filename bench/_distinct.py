"""Speed on messages seen for the first time (#14), start-up cost, --workers and adversarial cost (#19).

    python -m bench._distinct [--n 20000] [--out bench/out/speed_distinct.json]
    python -m bench._distinct profile [--n 5000]      # cProfile top-20 of Reader.read_many on distinct texts
    python -m bench._distinct stages [--n 20000]      # µs per message per stage of read_many

Every timed run is a fresh subprocess pinned to one CPU (two for the ``--workers 2``
row), with BLAS threads set to 1. Each message is read once: no per-text cache can
help (the repeated-message figure of ``bench._speed`` is the secondary row).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("CALMLINE_SHARED_DATA") or REPO.parent / "shared" / "data")
THREADS = {k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
ADVERSARIAL = {
    "repeated masked swearing": "f*ck ",
    "one character repeated": "a",
    "5,000 short sentences": "No. ",
    "10,000 emoji": "\U0001f621",
    "capitals insult repeated": "YOU IDIOT ",
    "quoted insult repeated": '"idiot" ',
    "apology then swearing": "sorry for my language shit ",
}


def distinct_messages(n: int, seed: int = 14) -> tuple[list[str], str]:
    """Up to ``n`` distinct public messages (deduplicated across sets), shuffled with ``seed``."""
    sys.path.insert(0, str(REPO))
    from bench import _datasets as ds

    readers: dict[str, Callable[[], Any]] = {
        "GoEmotions": lambda: ds.goemotions_test(DATA, None, 0),
        "TweetEval offensive": lambda: ds.tweeteval_offensive(DATA, None, 0),
        "TweetEval emotion": lambda: ds.tweeteval_emotion(DATA, None, 0),
        "Davidson": lambda: ds.davidson_heldout(DATA, None, 0),
        "OLID": lambda: ds.olid(DATA, None, 0),
        "CONDA": lambda: ds.conda_valid(DATA, None, 0),
    }
    seen: set[str] = set()
    out: list[str] = []
    used = []
    for name, read in readers.items():
        try:
            texts = read().texts
        except (FileNotFoundError, ValueError, KeyError):
            continue
        used.append(name)
        for t in texts:
            if t.strip() and t not in seen:
                seen.add(t)
                out.append(t)
    if not out:
        raise SystemExit(f"{DATA} not found: the distinct-message bench needs the public sets")
    random.Random(seed).shuffle(out)
    out = out[:n]
    mean = sum(map(len, out)) / len(out)
    return out, f"{len(out)} distinct messages from {', '.join(used)} (mean {mean:.0f} chars)"


def _env(**extra: str) -> dict[str, str]:
    env = {**os.environ, **THREADS, **extra}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    return env


def _pin(cpus: int) -> Any:
    def pin() -> None:
        if hasattr(os, "sched_setaffinity"):
            have = sorted(os.sched_getaffinity(0))
            os.sched_setaffinity(0, have[:cpus])

    return pin


def _timed(cmd: list[str], *, cpus: int = 1, stdin: Path | None = None, **env: str) -> dict[str, float]:
    """Run ``cmd``; its wall time, CPU time (user+sys, children included) and peak RSS (its own)."""
    t = time.perf_counter()
    with open(stdin or os.devnull, "rb") as fin, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            cmd, stdin=fin, stdout=subprocess.DEVNULL, stderr=err, env=_env(**env), cwd=REPO, preexec_fn=_pin(cpus)
        )
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - t
        if proc.returncode != 0:
            err.seek(0)
            raise RuntimeError(f"{cmd[:4]} failed: {err.read().decode(errors='replace')[-500:]}")
    # wait4 reports this child's own usage; its children (``--workers``) are in RUSAGE_CHILDREN of it,
    # which wait4 includes for reaped grandchildren
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "peak_rss_mb": usage.ru_maxrss / 1024}


_WORKER = """
import json, sys, time, resource
texts = json.load(open(sys.argv[2], encoding="utf-8"))
n_lat = int(sys.argv[3])
system = sys.argv[1]
if system in ("calmline", "calmline-rules"):
    from calmline import Reader
    r = Reader(learned=system == "calmline")
    r.read_many(["warm up the models"])
    batch, one = r.read_many, r.read
else:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    sia = SentimentIntensityAnalyzer()
    one = sia.polarity_scores
    batch = lambda ts: [one(t) for t in ts]
lat_texts, texts = texts[:n_lat], texts[n_lat:]
t = time.process_time()
for i in range(0, len(texts), 256):
    batch(texts[i:i + 256])
cpu = time.process_time() - t
if system in ("calmline", "calmline-rules"):
    r.compile_patterns()  # what a service does at start-up: no single read pays for a first compile
lat = []
for s in lat_texts:
    t0 = time.perf_counter_ns(); one(s); lat.append((time.perf_counter_ns() - t0) / 1e6)
lat.sort()
print(json.dumps({"msgs_per_s": len(texts) / cpu, "n": len(texts), "p50_ms": lat[len(lat) // 2],
  "p99_ms": lat[int(0.99 * len(lat))], "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

_VADER_JSONL = """
import json, sys
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
sia = SentimentIntensityAnalyzer()
out = sys.stdout
for line in sys.stdin:
    c = json.loads(line)
    turns = [{"role": t["role"], "scores": sia.polarity_scores(t["text"])} for t in c["turns"]]
    out.write(json.dumps({"id": c["id"], "turns": turns}, ensure_ascii=False) + "\\n")
"""


def _worker(system: str, path: Path, n_lat: int) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-c", _WORKER, system, str(path), str(n_lat)], capture_output=True, text=True,
        env=_env(), cwd=REPO, preexec_fn=_pin(1), timeout=900, check=False,
    )  # fmt: skip
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-800:])
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def _write_jsonl(path: Path, texts: list[str]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for i, t in enumerate(texts):
            f.write(json.dumps({"id": f"m{i}", "turns": [{"role": "customer", "text": t}]}, ensure_ascii=False) + "\n")


def run(n: int) -> dict[str, Any]:
    texts, described = distinct_messages(n)
    res: dict[str, Any] = {"messages": described}
    cli = [sys.executable, "-m", "calmline", "analyze"]
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        (d / "texts.json").write_text(json.dumps(texts), encoding="utf-8")
        n_lat = min(2000, len(texts) // 5)
        res["read_many"] = {s: _worker(s, d / "texts.json", n_lat) for s in ("calmline", "vader")}
        res["read_many"]["ratio"] = res["read_many"]["calmline"]["msgs_per_s"] / res["read_many"]["vader"]["msgs_per_s"]
        # the learned layer's own cost (#13: <= 30 us a message in batch): the same read without it
        rules = _worker("calmline-rules", d / "texts.json", n_lat)
        res["read_many"]["calmline_rules_only"] = rules
        with_layer = res["read_many"]["calmline"]["msgs_per_s"]
        res["read_many"]["learned_us_per_msg"] = 1e6 / with_layer - 1e6 / rules["msgs_per_s"]
        jsonl, half = d / "in.jsonl", d / "half.jsonl"
        _write_jsonl(jsonl, texts)
        _write_jsonl(half, texts[: len(texts) // 2])
        _timed([*cli, "--text", "warm the start-up cache"])
        c = _timed([*cli, str(jsonl), "--format", "jsonl"])
        v = _timed([sys.executable, "-c", _VADER_JSONL], stdin=jsonl)
        h = _timed([*cli, str(half), "--format", "jsonl"])
        res["jsonl_cli"] = {
            "calmline": {**c, "msgs_per_s": len(texts) / c["cpu_s"]},
            "vader": {**v, "msgs_per_s": len(texts) / v["cpu_s"]},
            "ratio": v["cpu_s"] / c["cpu_s"],
            "peak_rss_half_input_mb": h["peak_rss_mb"],
        }
        w1 = _timed([*cli, str(jsonl), "--format", "jsonl", "--workers", "1"], cpus=2)
        w2 = _timed([*cli, str(jsonl), "--format", "jsonl", "--workers", "2"], cpus=2)
        cpus = len(os.sched_getaffinity(0))
        res["workers"] = {"1": w1, "2": w2, "speedup": w1["wall_s"] / w2["wall_s"], "cpus": cpus}
        start = [_timed([*cli, "--text", "hi, where is my order?"]) for _ in range(3)]
        cold = _timed([*cli, "--text", "hi, where is my order?"], CALMLINE_CACHE_DIR=str(d / "cold-cache"))
        imp = _timed([sys.executable, "-c", "import calmline"])
        res["startup"] = {
            "analyze_text_cpu_s": sorted(s["cpu_s"] for s in start)[1],
            "analyze_text_wall_s": sorted(s["wall_s"] for s in start)[1],
            "cold_cache_cpu_s": cold["cpu_s"],
            "import_calmline_cpu_s": imp["cpu_s"],
        }
        res["adversarial"] = adversarial()
    return res


_ADV = """
import json, sys, time
from calmline import Reader
r = Reader(); r.read("warm up, you idiot f*ck")
out = {}
for name, unit in json.loads(sys.argv[1]).items():
    text = (unit * (20000 // len(unit) + 1))[:20000]
    best = float("inf")
    for _ in range(3):
        t = time.process_time(); r.read(text); best = min(best, time.process_time() - t)
    out[name] = best * 1000
print(json.dumps(out))
"""


def adversarial() -> dict[str, float]:
    """CPU ms to read a 20,000-character message of each adversarial kind (best of 3)."""
    proc = subprocess.run(
        [sys.executable, "-c", _ADV, json.dumps(ADVERSARIAL)], capture_output=True, text=True, env=_env(),
        cwd=REPO, preexec_fn=_pin(1), timeout=600, check=False,
    )  # fmt: skip
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-800:])
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def table(res: dict[str, Any]) -> str:
    rm, jc, st, wk = res["read_many"], res["jsonl_cli"], res["startup"], res["workers"]
    c, v = rm["calmline"], rm["vader"]
    lines = [
        f"Messages: {res['messages']}; each read once, one core.",
        "",
        "| measure | Calmline | VADER | ratio | target |",
        "|---|---:|---:|---:|---|",
        f"| `Reader.read_many`, msg/s (CPU) | {c['msgs_per_s']:,.0f} | {v['msgs_per_s']:,.0f} | "
        f"{rm['ratio']:.2f}x | >= 1.5x |",
        *(
            [
                "| learned layer's own cost in `read_many` (with - without it), us/msg | "
                f"{rm['learned_us_per_msg']:.0f} | | | <= 30 |"
            ]
            if "learned_us_per_msg" in rm
            else []
        ),
        f"| JSONL CLI incl. start-up, msg/s (CPU) | {jc['calmline']['msgs_per_s']:,.0f} | "
        f"{jc['vader']['msgs_per_s']:,.0f} | {jc['ratio']:.2f}x | >= 1.2x |",
        f"| p50 / p99 latency, ms | {c['p50_ms']:.2f} / {c['p99_ms']:.2f} | {v['p50_ms']:.2f} / {v['p99_ms']:.2f} "
        "| | p99 <= 2 |",
        f"| peak RSS, JSONL CLI (half / full input), MB | {jc['peak_rss_half_input_mb']:.0f} / "
        f"{jc['calmline']['peak_rss_mb']:.0f} | {jc['vader']['peak_rss_mb']:.0f} | | flat |",
        "",
        "| start-up | CPU s |",
        "|---|---:|",
        f"| `calmline analyze --text` (median of 3, warm cache) | {st['analyze_text_cpu_s']:.2f} |",
        f"| same, first run (empty cache) | {st['cold_cache_cpu_s']:.2f} |",
        f"| `import calmline` | {st['import_calmline_cpu_s']:.2f} |",
        "",
        f"`--workers`: 1 -> 2 processes on 2 CPUs: {wk['1']['wall_s']:.2f} s -> {wk['2']['wall_s']:.2f} s wall "
        f"({wk['speedup']:.2f}x; the machine has {wk['cpus']} CPUs available to the bench)",
        "",
        "| 20,000-character message | CPU ms |",
        "|---|---:|",
        *[f"| {k} | {ms:.1f} |" for k, ms in res["adversarial"].items()],
    ]
    return "\n".join(lines)


def profile(n: int) -> str:
    import cProfile
    import io
    import pstats

    texts, described = distinct_messages(n)
    from calmline import Reader

    r = Reader()
    r.read_many(["warm up the models"])
    prof = cProfile.Profile()
    prof.enable()
    for i in range(0, len(texts), 256):
        r.read_many(texts[i : i + 256])
    prof.disable()
    s = io.StringIO()
    pstats.Stats(prof, stream=s).sort_stats("tottime").print_stats(20)
    return described + "\n" + s.getvalue()


def stages(n: int) -> str:
    """Where a batch read's time goes: µs per message per stage of ``read_many``, on distinct messages.

    The first half of the messages warms the caches; the second half is timed, stage by stage,
    with the reader's own steps (the same work ``read_many`` does, taken apart).
    """
    import numpy as np

    from calmline import Reader
    from calmline.models._single import predict_all_explained
    from calmline.signals import reader as rd
    from calmline.signals._text import prepare_messages

    texts, described = distinct_messages(n)
    half = len(texts) // 2
    r = Reader()
    assert r.learned is not None
    for i in range(half, len(texts), 256):
        r.read_many(texts[i : i + 256])
    spent: dict[str, float] = {}
    clock = time.process_time

    def add(stage: str, t0: float) -> None:
        spent[stage] = spent.get(stage, 0.0) + clock() - t0

    for i in range(0, half, 256):
        t0 = clock()
        msgs = prepare_messages(texts[i : min(i + 256, half)], max_chars=r.max_chars)
        add("prepare messages", t0)
        plain = [m.text for m in msgs]
        t0 = clock()
        models = [r.emotion_model, r.offensive_model, *r.learned.models]
        heads = range(2, len(models))
        (emo, off, *lp), words = predict_all_explained(models, plain, heads)  # type: ignore[arg-type]
        add("five linear models (and the learned heads' words)", t0)
        t0 = clock()
        rows = np.stack([p[:, 1] for p in lp], axis=1).tolist()
        learned = r.learned.with_abuse(rows, plain, [words.get(j) for j in heads])
        add("abuse head", t0)
        t0 = clock()
        summaries = rd._emotion_summaries(r._classes, emo) or []
        rows = emo.tolist()
        scores = [dict(zip(r._classes, row, strict=True)) for row in rows]
        skips = r._plan.batch_skips(msgs)
        add("emotion summaries, ruled-out detectors", t0)
        offensive = off[:, r._off_index].tolist()
        for m, sc, o, summary, skip, lrow in zip(msgs, scores, offensive, summaries, skips, learned, strict=True):
            t0 = clock()
            sig = r._plan.run(m, sc, o, None, 0.0, summary[3], skip)
            add("rule detectors", t0)
            t0 = clock()
            f, reasons = r._frustration(m, summary, sig)
            add("frustration", t0)
            t0 = clock()
            f, ls = r._with_learned(m, f, reasons, sig, o, lrow, summary[2])
            add("learned stacking, learned abuse signals, reasons", t0)
            t0 = clock()
            rd.Reading(tuple(sig), f, r._emotion(summary, sig, f), sc, tuple(reasons), ls)
            add("emotion and Reading", t0)
            t0 = clock()
            [(v.reason, v.evidence) for v in ls.values()]  # what `learned_why` writes (lazy in a Reading)
            add("learned reasons and evidence (the JSONL's learned_why)", t0)
    lines = [described, "", "| stage of `read_many` | µs per message |", "|---|---:|"]
    lines += [f"| {k} | {v / half * 1e6:.1f} |" for k, v in spent.items()]
    lines.append(f"| total | {sum(spent.values()) / half * 1e6:.1f} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", nargs="?", default="run", choices=("run", "profile", "stages"))
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "speed_distinct.json")
    a = ap.parse_args()
    if a.mode == "profile":
        print(profile(a.n))
        return
    if a.mode == "stages":
        print(stages(a.n))
        return
    res = run(a.n)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(res, indent=1), encoding="utf-8")
    print(table(res))


if __name__ == "__main__":
    main()
