"""Practice simulator latency: every shipped persona with its scripted good and bad agent, seeds 0-4.

python -m bench.practice_latency      # prints median / p99 / max milliseconds per agent reply (target <= 50 ms)
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from calmline.practice import PracticeSession, load_personas

SCRIPTS = Path(__file__).resolve().parents[1] / "tests" / "practice" / "scripts"


def main() -> dict[str, float]:
    personas = load_personas()
    PracticeSession(personas["sarcastic"], seed=0).reply("Let me look into this.")  # loads the models
    times: list[float] = []
    for pid, persona in personas.items():
        for kind in ("good", "bad"):
            lines = (SCRIPTS / f"{pid}.{kind}.txt").read_text(encoding="utf-8").splitlines()
            for seed in range(5):
                s = PracticeSession(persona, seed=seed)
                for line in lines:
                    if s.finished:
                        break
                    t = time.perf_counter()
                    s.reply(line)
                    times.append((time.perf_counter() - t) * 1000)
    times.sort()
    out = {
        "replies": float(len(times)),
        "median_ms": round(statistics.median(times), 2),
        "p99_ms": round(times[max(0, int(len(times) * 0.99) - 1)], 2),
        "max_ms": round(times[-1], 2),
    }
    print(
        f"practice: {len(times)} replies, median {out['median_ms']} ms, p99 {out['p99_ms']} ms, "
        f"max {out['max_ms']} ms (target <= 50 ms)"
    )
    return out


if __name__ == "__main__":
    main()
