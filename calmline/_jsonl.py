"""One compact JSON line per record, for every JSONL output of the CLI.

orjson encodes a record about nine times faster than the standard library (2 against 19 µs
a conversation in ``calmline analyze --format jsonl``). What orjson refuses (an integer beyond
64 bits or a lone surrogate passed through from the input) is written by the standard library
instead, with the same compact separators, so no input makes the output fail.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

__all__ = ["dumps_line"]


def dumps_line(obj: Any) -> str:
    """``obj`` as one line of compact JSON (UTF-8 text, not escaped), ending in a newline."""
    try:
        return orjson.dumps(obj, option=orjson.OPT_APPEND_NEWLINE).decode()
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"
