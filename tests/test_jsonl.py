"""Every JSONL output line comes from one encoder (calmline/_jsonl.py): compact, UTF-8, never failing."""

from __future__ import annotations

import json

import pytest

from calmline._jsonl import dumps_line


@pytest.mark.parametrize(
    "obj",
    [
        {"id": "a", "turns": [{"text": "Grüße, señor 😡", "score": 0.5, "n": 3, "ok": True, "none": None}]},
        {"nested": {"list": [1, 2.25, -0.0001, "x"]}},
        [],
    ],
)
def test_a_line_parses_back_to_the_same_value(obj: object) -> None:
    line = dumps_line(obj)
    assert line.endswith("\n") and "\n" not in line[:-1]
    assert json.loads(line) == obj
    if "Grüße" in str(obj):
        assert "Grüße" in line and "😡" in line  # UTF-8 text, not \\u escapes


def test_what_orjson_refuses_is_still_written() -> None:
    # an integer beyond 64 bits and a lone surrogate can come through from user metadata
    big = {"meta": {"n": 2**80}}
    assert json.loads(dumps_line(big)) == big
    lone = {"text": "bad \ud800 half", "name": "Zoë"}
    line = dumps_line(lone)
    assert line.endswith("\n") and json.loads(line) == lone
    line.encode("utf-8")  # what stdout does with it: a raw lone surrogate would raise here


def test_the_fallback_is_compact_like_the_fast_path() -> None:
    assert dumps_line({"a": 1, "b": [1, 2]}) == '{"a":1,"b":[1,2]}\n'
    assert dumps_line({"a": 2**80, "b": [1, 2]}) == f'{{"a":{2**80},"b":[1,2]}}\n'


def test_every_line_is_strict_json_even_on_the_fallback() -> None:
    # NaN and infinities (which Python's json module reads in the input) come out as null, both ways
    fast = dumps_line({"f": float("nan"), "g": float("inf")})
    slow = dumps_line({"f": float("nan"), "g": [float("-inf")], "n": 2**80})
    for line in (fast, slow):
        json.loads(line, parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))
    assert json.loads(slow) == {"f": None, "g": [None], "n": 2**80}
