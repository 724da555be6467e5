"""One compact JSON line per record, for every JSONL output of the CLI.

orjson encodes a record about nine times faster than the standard library (2 against 19 µs
a conversation in ``calmline analyze --format jsonl``). What orjson refuses (an integer beyond
64 bits or a lone surrogate passed through from the input) is written by the standard library
instead, with the same compact separators and non-ASCII characters escaped (a lone surrogate cannot
be written as UTF-8) and NaN or infinities as null, as orjson writes them: every line is valid JSON,
and no input makes the output fail.
"""

from __future__ import annotations

import json
import math
from typing import Any

import orjson

__all__ = ["dumps_line"]


def dumps_line(obj: Any) -> str:
    """``obj`` as one line of compact JSON, ending in a newline, always encodable as UTF-8."""
    try:
        return orjson.dumps(obj, option=orjson.OPT_APPEND_NEWLINE).decode()
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        pass
    try:
        return json.dumps(obj, separators=(",", ":"), allow_nan=False) + "\n"
    except ValueError:  # NaN or an infinity somewhere: null, as orjson writes it
        return json.dumps(_finite(obj), separators=(",", ":")) + "\n"


def _finite(obj: Any) -> Any:
    """A copy of ``obj`` with NaN and infinities as ``None``; iterative, so any depth json accepts works."""
    out: list[Any] = [None]
    todo: list[tuple[Any, Any, Any]] = [(obj, out, 0)]  # (value, container of its copy, key or index)
    while todo:
        value, into, key = todo.pop()
        if isinstance(value, float):
            into[key] = value if math.isfinite(value) else None
        elif isinstance(value, dict):
            copy: dict[Any, Any] = dict.fromkeys(value)
            into[key] = copy
            todo.extend((v, copy, k) for k, v in value.items())
        elif isinstance(value, list | tuple):
            items: list[Any] = [None] * len(value)
            into[key] = items
            todo.extend((v, items, i) for i, v in enumerate(value))
        else:
            into[key] = value
    return out[0]
