"""bench/_precision.py: the fire-count table (no data needed: the table is built from given firings)."""

from __future__ import annotations

from bench._precision import SOURCES, table


def test_table_counts_each_label_per_source_in_order() -> None:
    names = list(SOURCES)
    found = {
        "threat.legal": {names[0]: [("sue you", "sue you")] * 2, names[2]: [("x", "x")]},
        "abuse.insult": {names[1]: [("you clown", "you clown")]},
    }
    lines = table(found).splitlines()
    assert lines[0].startswith("| label | " + names[0])
    assert lines[2] == "| abuse.insult | 0 | 1 | 0 | 0 | 1 |"  # labels sorted
    assert lines[3] == "| threat.legal | 2 | 0 | 1 | 0 | 3 |"
