"""Write (or check) the golden output of the reader: ``python tests/signals/golden/make_golden.py``.

The golden file pins what today's engine says (signals, scores, evidence spans,
explanations, frustration, emotion, reasons) on every hand-written case in
``tests/data`` and on a fixed sample of the public sets in ``../shared/data`` (when
present). Speed work must keep it identical; ``test_golden.py`` compares.

Texts are keyed by a hash, so no public sentence is stored; only the evidence
spans (offsets) and the detectors' own explanations are.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
CASES = REPO / "tests" / "data"
SHARED = REPO.parent / "shared" / "data"
GOLDEN_CASES = HERE / "golden_cases.json"
GOLDEN_PUBLIC = HERE / "golden_public.json"
#: per public set, this many texts (seeded sample, as the bench draws them)
PUBLIC_PER_SET = 250
SEED = 1414


def _walk(node: Any) -> Iterator[tuple[str, str | None]]:
    if isinstance(node, dict):
        text = node.get("text")
        if isinstance(text, str):
            ctx = node.get("context")
            yield text, ctx if isinstance(ctx, str) else None
        for v in node.values():
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


def case_texts() -> list[tuple[str, str | None]]:
    """Every ``text`` (with its ``context``) in the YAML files of ``tests/data``, deduplicated, in order."""
    seen: set[tuple[str, str | None]] = set()
    out: list[tuple[str, str | None]] = []
    for path in sorted(CASES.glob("*.yaml")):
        for item in _walk(yaml.safe_load(path.read_text(encoding="utf-8"))):
            if item not in seen:
                seen.add(item)
                out.append(item)
    return out


def public_texts() -> list[str]:
    """A fixed sample of the public sets' texts (empty when ``../shared/data`` is missing)."""
    if not SHARED.is_dir():
        return []
    sys.path.insert(0, str(REPO))
    from bench import _datasets as ds

    readers = [
        lambda: ds.goemotions_test(SHARED, PUBLIC_PER_SET, SEED),
        lambda: ds.olid(SHARED, PUBLIC_PER_SET, SEED),
        lambda: ds.tweeteval_offensive(SHARED, PUBLIC_PER_SET, SEED),
        lambda: ds.davidson_heldout(SHARED, PUBLIC_PER_SET, SEED),
        lambda: ds.conda_valid(SHARED, PUBLIC_PER_SET, SEED),
        lambda: ds.tweeteval_emotion(SHARED, PUBLIC_PER_SET, SEED),
        lambda: ds.uss(SHARED, "JDDC", PUBLIC_PER_SET, SEED),
    ]
    out: list[str] = []
    seen: set[str] = set()
    for read in readers:
        try:
            texts = read().texts
        except (FileNotFoundError, ValueError, KeyError, TypeError):
            continue
        for t in texts:
            if t not in seen:
                seen.add(t)
                out.append(t)
    return out


def key(text: str, context: str | None = None) -> str:
    h = hashlib.sha256(text.encode("utf-8", "surrogatepass"))
    if context is not None:
        h.update(b"\0" + context.encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:20]


def compact(reading: Any) -> list[Any]:
    """The parts of a :class:`Reading` the golden file pins."""
    return [
        reading.frustration,
        reading.emotion,
        list(reading.reasons),
        [
            [s.label, s.score, s.source, s.explanation, [[e.start, e.end, e.text] for e in s.evidence]]
            for s in reading.signals
        ],
    ]


def compute(reader: Any, items: list[tuple[str, str | None]]) -> dict[str, Any]:
    """Golden rows: the single-message read (with the agent context when given)."""
    return {key(t, c): compact(reader.read(t, previous_agent_text=c)) for t, c in items}


def compute_many(reader: Any, texts: list[str]) -> dict[str, Any]:
    """Golden rows through the batch path (``read_many``)."""
    return {key(t): compact(r) for t, r in zip(texts, reader.read_many(texts), strict=True)}


def _write(path: Path, rows: dict[str, Any]) -> None:
    path.write_text(json.dumps(rows, ensure_ascii=False, sort_keys=True, indent=0) + "\n", encoding="utf-8")


def main() -> None:
    sys.path.insert(0, str(REPO))
    from calmline.signals.reader import Reader

    reader = Reader()
    cases = compute(reader, case_texts())
    _write(GOLDEN_CASES, cases)
    public = public_texts()
    if public:
        rows = compute_many(reader, public)
        _write(GOLDEN_PUBLIC, rows)
        print(f"{len(cases)} case texts, {len(rows)} public texts")
    else:
        print(f"{len(cases)} case texts; ../shared/data not found: public golden file left as it was")


if __name__ == "__main__":
    main()
