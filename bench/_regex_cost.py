"""Every lexicon regex timed on padded adversarial texts: a guard against quadratic patterns (issue #19).

    python -m bench._regex_cost            # prints the slow (pattern, text) pairs, exit 1 if any

Each pattern and exclusion regex of ``calmline/signals/lexicons`` (and the phrase regexes of
``tone.yaml``: sarcasm, sincere phrases, the agent's bad news) is run on its own (without the
reader's trigger gate, so a pattern is checked even where the gate would usually spare it) over
20,000-character texts built from a head, a long filler and a tail: long runs of spaces, tabs,
punctuation or one repeated word are what turn two adjacent unbounded quantifiers into quadratic
time. A regex taking more than ``LIMIT_S`` on one text is reported.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
LIMIT_S = 0.05
FILLS = [" ", "! ", ". ", "a ", "\t", "you ", "x", "!!", "?", "I ", "my ", "the ", ", ", "'", "-", "a.", "no ", "so "]
HEADS = ["", "i want a manager", "i'm leaving you.", "you ", "i will ", "i know ", "shut ", "manager.", "cancel."]
HEADS += ["oh ", "on hold for 2", "2", "we deserve", "please hold a"]


def texts(n: int = 20_000) -> list[str]:
    return [(h + f * (n // len(f)))[:n] + " your x" for h in HEADS for f in FILLS]


def slow_patterns(limit_s: float = LIMIT_S) -> list[tuple[float, str, str, str]]:
    """``(seconds, lexicon, pattern id, text head)`` of every regex run slower than ``limit_s``."""
    sys.path.insert(0, str(REPO))
    from calmline.errors import ConfigError
    from calmline.signals._lexicon import load_lexicon

    found: list[tuple[float, str, str, str]] = []
    samples = texts()
    for path in sorted((REPO / "calmline" / "signals" / "lexicons").glob("*.yaml")):
        if path.stem.startswith("_"):
            continue
        try:
            lex = load_lexicon(path.stem)
        except ConfigError:  # not a pattern lexicon (profanity's word lists)
            continue
        for p in (*lex.patterns, *lex.exclude):
            rx = re.compile(p.regex.pattern, p.regex.flags)
            found += [(dt, path.stem, p.id or "exclude", head) for dt, head in _slow(rx, samples, limit_s)]
    tone = yaml.safe_load((REPO / "calmline" / "signals" / "lexicons" / "tone.yaml").read_text(encoding="utf-8"))
    for key in ("sarcasm_strong", "sarcasm_weak", "sincere_phrases", "agent_bad_news"):
        for pattern in tone.get(key) or []:
            found += [(dt, "tone", key, head) for dt, head in _slow(re.compile(pattern), samples, limit_s)]
    return sorted(found, reverse=True)


def _slow(rx: re.Pattern[str], samples: list[str], limit_s: float) -> list[tuple[float, str]]:
    """``(seconds, text head)`` of every sample on which ``rx`` takes longer than ``limit_s``."""
    out = []
    for t in samples:
        t0 = time.perf_counter()
        for _ in rx.finditer(t):
            pass
        dt = time.perf_counter() - t0
        if dt > limit_s:
            out.append((dt, t[:30]))
    return out


def main() -> None:
    found = slow_patterns()
    for dt, lexicon, pid, head in found:
        print(f"{dt:6.2f} s  {lexicon} {pid}  on {head!r}...")
    print(f"{len(found)} slow (pattern, text) pairs over {LIMIT_S * 1000:.0f} ms")
    raise SystemExit(1 if found else 0)


if __name__ == "__main__":
    main()
