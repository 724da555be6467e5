"""Reading conversations from JSONL, CSV and plain-text transcripts.

Every reader streams: a conversation is yielded as soon as it is complete, so a
file of any size is read in constant memory. Problems are reported as
:class:`~calmline.errors.InputError` naming the source, the line and the problem.
With ``skip_bad=True`` a bad record is handed to ``on_bad`` instead and reading
goes on; nothing is dropped silently.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Literal, cast

from calmline.errors import InputError, InputFormatError
from calmline.types import Conversation, Role, Turn

__all__ = [
    "FORMATS",
    "MAX_LINE_BYTES",
    "detect_format",
    "not_a_file",
    "parse_conversation",
    "parse_timestamp",
    "read_conversations",
]

Format = Literal["jsonl", "csv", "text"]
FORMATS: tuple[Format, ...] = ("jsonl", "csv", "text")

#: The longest JSONL line (one conversation) accepted, in bytes.
MAX_LINE_BYTES = 64 * 1024 * 1024

_ROLE_ALIASES: Mapping[str, Role] = {
    "customer": Role.CUSTOMER,
    "client": Role.CUSTOMER,
    "user": Role.CUSTOMER,
    "agent": Role.AGENT,
    "support": Role.AGENT,
    "rep": Role.AGENT,
    "system": Role.SYSTEM,
    "bot": Role.SYSTEM,
}
_TURN_KEYS = frozenset({"role", "text", "ts", "timestamp", "author", "id"})
_TRANSCRIPT_LINE = re.compile(rb"^\s*(?:\[[^\]]{4,40}\]\s*)?(?:customer|client|user|agent|support|rep|system|bot)\s*:")
_EXTS: Mapping[str, Format] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".txt": "text",
    ".log": "text",
}

OnBad = Callable[[InputError], None]


def parse_role(value: Any, *, source: str, line: int | None) -> Role:
    """Map a role name (case-insensitive, with a few aliases) to :class:`Role`."""
    if not isinstance(value, str) or value.strip().lower() not in _ROLE_ALIASES:
        valid = ", ".join(sorted(_ROLE_ALIASES))
        raise InputError(f"unknown role {value!r}; expected one of: {valid}", source=source, line=line)
    return _ROLE_ALIASES[value.strip().lower()]


def parse_timestamp(value: Any, *, source: str = "<input>", line: int | None = None) -> datetime | None:
    """Parse an ISO-8601 timestamp (``Z`` allowed) or epoch seconds; naive times are UTC."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return datetime.fromtimestamp(float(value), tz=UTC)
        if isinstance(value, str):
            ts = datetime.fromisoformat(value.strip())
            return ts if ts.tzinfo is not None else ts.replace(tzinfo=UTC)
    except (ValueError, OverflowError, OSError):
        pass
    raise InputError(
        f"bad timestamp {str(value)[:40]!r}; use ISO 8601 like 2026-01-01T10:00:00Z",
        source=source,
        line=line,
    )


def parse_conversation(
    obj: Any, *, source: str = "<input>", line: int | None = None, default_id: str | None = None
) -> Conversation:
    """Validate one decoded JSON object of the JSONL input format into a :class:`Conversation`.

    Unknown top-level fields are kept in ``Conversation.metadata``, unknown turn
    fields in ``Turn.meta``, so they travel to the output untouched.
    """
    if not isinstance(obj, dict):
        raise InputError(f"expected a JSON object, got {type(obj).__name__}", source=source, line=line)
    conv_id = obj.get("id", default_id)
    if conv_id is None:
        conv_id = f"line-{line}" if line is not None else "conversation"
    if not isinstance(conv_id, str | int) or isinstance(conv_id, bool):
        raise InputError("field 'id' must be a string", source=source, line=line)
    raw_turns = obj.get("turns")
    single = raw_turns is None and "text" in obj  # a single message is a one-turn conversation
    if single:
        raw_turns = [{"role": obj.get("role", "customer"), **{k: v for k, v in obj.items() if k in _TURN_KEYS}}]
    if not isinstance(raw_turns, list):
        raise InputError("field 'turns' must be a list of turns", source=source, line=line)
    turns = []
    for i, raw in enumerate(raw_turns):
        where = f"turn {i}"
        if not isinstance(raw, dict):
            raise InputError(f"{where}: expected an object", source=source, line=line)
        if "text" not in raw:
            raise InputError(f"{where}: missing field 'text'", source=source, line=line)
        text = raw["text"]
        if not isinstance(text, str):
            raise InputError(f"{where}: field 'text' must be a string", source=source, line=line)
        try:
            role = parse_role(raw.get("role"), source=source, line=line)
            ts = parse_timestamp(raw.get("ts", raw.get("timestamp")), source=source, line=line)
        except InputError as exc:
            raise InputError(f"{where}: {exc.problem}", source=source, line=line) from None
        author, turn_id = raw.get("author"), raw.get("id")
        extra = {k: v for k, v in raw.items() if k not in _TURN_KEYS}
        turns.append(
            Turn(
                role=role,
                text=text,
                ts=ts,
                author=None if author is None else str(author),
                id=None if turn_id is None else str(turn_id),
                meta=extra,
            )
        )
    reserved = ("id", "turns", *(_TURN_KEYS if single else ()))
    metadata = {k: v for k, v in obj.items() if k not in reserved}
    return Conversation(id=str(conv_id), turns=tuple(turns), metadata=metadata)


def not_a_file(path: Path) -> str:
    """Why ``path`` cannot be read as an input file."""
    if path.is_dir():
        return "is a directory, not a file"
    return "not a regular file" if path.exists() else "no such file"


def detect_format(path: str | Path, head: bytes = b"") -> Format:
    """Pick a reader from the file extension, else from the first bytes."""
    ext = Path(path).suffix.lower()
    if ext in _EXTS:
        return _EXTS[ext]
    first_line = head.lstrip().split(b"\n", 1)[0].lower()
    if _TRANSCRIPT_LINE.match(first_line):
        return "text"  # "[2026-03-02 10:00] Customer: ..." starts with "[" too
    first = first_line[:1]
    if first in (b"{", b"["):
        return "jsonl"
    if b"conversation_id" in first_line and b"," in first_line:
        return "csv"
    return "text"


def read_conversations(
    source: str | Path | IO[bytes],
    *,
    format: Format | None = None,
    skip_bad: bool = False,
    on_bad: OnBad | None = None,
    name: str | None = None,
    on_long: OnBad | None = None,
    max_chars: int = 20_000,
) -> Iterator[Conversation]:
    """Stream conversations from a path or a binary stream.

    Args:
        source: a file path, ``"-"`` for standard input, or a binary stream.
        format: ``jsonl``, ``csv`` or ``text``; detected when ``None``.
        skip_bad: report bad records to ``on_bad`` and go on instead of raising.
        on_bad: called with each skipped record's error (required with ``skip_bad``
            unless you really want to count them elsewhere).
        name: the name used in error messages (defaults to the path).
        on_long: called with a warning naming the source and line for each customer
            message longer than ``max_chars`` (the reader reads its first ``max_chars``
            characters only).

    Raises:
        InputError: on the first bad record unless ``skip_bad`` is set.
        InputFormatError: binary or undecodable input, or a missing file.
    """
    if isinstance(source, str | Path) and str(source) != "-":
        path = Path(source)
        label = name or str(path)
        if not path.is_file():
            raise InputFormatError(not_a_file(path), source=label)
        with path.open("rb") as fh:
            fmt = format or detect_format(path, fh.peek(4096))
            yield from _warn_long(fh, label, fmt, skip_bad, on_bad, on_long, max_chars)
        return
    stream: IO[bytes]
    if isinstance(source, str | Path):
        import sys

        stream = sys.stdin.buffer
    else:
        stream = source
    label = name or "<stdin>"
    buffered: Any = stream if hasattr(stream, "peek") else io.BufferedReader(cast(Any, stream))
    fmt = format or detect_format("", buffered.peek(4096))
    yield from _warn_long(buffered, label, fmt, skip_bad, on_bad, on_long, max_chars)


def _warn_long(
    fh: IO[bytes],
    label: str,
    fmt: Format,
    skip_bad: bool,
    on_bad: OnBad | None,
    on_long: OnBad | None,
    max_chars: int,
) -> Iterator[Conversation]:
    """``_read_stream``, calling ``on_long`` for each customer turn longer than ``max_chars``."""
    lines: list[int | None] = []  # the readers fill in the line of each turn of the conversation they yield
    for conv in _read_stream(fh, label, fmt, skip_bad, on_bad, lines if on_long else None):
        if on_long is not None:
            for i, turn in enumerate(conv.turns):
                if turn.role is Role.CUSTOMER and len(turn.text) > max_chars:
                    line = lines[i] if i < len(lines) else None
                    on_long(
                        InputError(
                            f"conversation {conv.id!r} turn {i}: message of {len(turn.text):,} characters is "
                            f"longer than {max_chars:,}; only its first {max_chars:,} are read",
                            source=label,
                            line=line,
                        )
                    )
        yield conv


def _read_stream(
    fh: IO[bytes], label: str, fmt: Format, skip_bad: bool, on_bad: OnBad | None, lines: list[int | None] | None = None
) -> Iterator[Conversation]:
    readers = {"jsonl": _read_jsonl, "csv": _read_csv, "text": _read_text}
    if fmt not in readers:
        raise InputFormatError(f"unknown format {fmt!r}; expected one of: {', '.join(FORMATS)}", source=label)
    for item in readers[fmt](fh, label, lines):
        if isinstance(item, InputError):
            if isinstance(item, InputFormatError) or not skip_bad:
                raise item
            if on_bad is not None:
                on_bad(item)
            continue
        yield item


def _decode(raw: bytes, label: str, lineno: int) -> str:
    if b"\x00" in raw:
        raise InputFormatError("binary data (NUL byte); expected UTF-8 text", source=label, line=lineno)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not valid UTF-8 at byte {exc.start} of the line; re-encode the file as UTF-8",
            source=label,
            line=lineno,
        ) from None


def _lines(fh: IO[bytes], label: str) -> Iterator[tuple[int, str] | InputError]:
    lineno = 0
    while True:
        raw = fh.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        lineno += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            yield InputError(f"line longer than {MAX_LINE_BYTES} bytes", source=label, line=lineno)
            while raw and not raw.endswith(b"\n"):  # skip the rest of the line
                raw = fh.readline(MAX_LINE_BYTES)
            continue
        if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            yield lineno, _decode(raw, label, lineno)
        except InputError as exc:
            yield exc


def _read_jsonl(
    fh: IO[bytes], label: str, lines: list[int | None] | None = None
) -> Iterator[Conversation | InputError]:
    seen_any = False
    for item in _lines(fh, label):
        if isinstance(item, InputError):
            yield item
            continue
        lineno, text = item
        if not text.strip():
            continue
        seen_any = True
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            yield InputError(f"malformed JSON: {exc.msg} (column {exc.colno})", source=label, line=lineno)
            continue
        except (ValueError, RecursionError) as exc:  # e.g. a 5,000-digit number, or [[[[... nested too deep
            yield InputError(f"unreadable JSON: {str(exc)[:80] or type(exc).__name__}", source=label, line=lineno)
            continue
        try:
            conv = parse_conversation(obj, source=label, line=lineno)
        except InputError as exc:
            yield exc
            continue
        if lines is not None:
            lines[:] = [lineno] * len(conv.turns)
        yield conv
    if not seen_any:
        yield InputFormatError("empty input: no conversations found", source=label)


def _read_csv(fh: IO[bytes], label: str, lines: list[int | None] | None = None) -> Iterator[Conversation | InputError]:
    yield from _read_csv_rows(_csv_text(fh, label), label, lines)


def _read_csv_rows(
    text: Iterable[str], label: str, lines: list[int | None] | None = None
) -> Iterator[Conversation | InputError]:
    csv.field_size_limit(max(csv.field_size_limit(), MAX_LINE_BYTES))  # long messages are read, then truncated
    # strict: a quoted field still open at the end of the file is an error, not the rest of the file as its text
    source = _CsvLines(text)
    reader = csv.DictReader(source, strict=True)
    required = {"conversation_id", "role", "text"}
    try:
        header = reader.fieldnames
    except csv.Error as exc:  # a malformed header row: nothing below it can be read by name
        bad = _csv_error(exc, source, label)
        raise InputFormatError(bad.problem, source=label, line=bad.line) from None
    if not header:
        yield InputFormatError("empty input: no header row", source=label)
        return
    missing = required - set(header)
    if missing:
        yield InputFormatError(
            f"missing CSV column(s) {', '.join(sorted(missing))}; expected conversation_id, role, text, timestamp",
            source=label,
            line=1,
        )
        return
    current: str | None = None
    turns: list[Turn] = []
    turn_lines: list[int | None] = []
    done: set[str] = set()
    while True:
        source.record_start = 0
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            yield _csv_error(exc, source, label)
            continue
        lineno = reader.line_num
        conv_id = (row.get("conversation_id") or "").strip()
        try:
            if not conv_id:
                raise InputError("empty conversation_id", source=label, line=lineno)
            if row.get("text") is None:
                raise InputError("missing field 'text'", source=label, line=lineno)
            turn = Turn(
                role=parse_role(row.get("role"), source=label, line=lineno),
                text=row["text"],
                ts=parse_timestamp(row.get("timestamp"), source=label, line=lineno),
                author=row.get("author") or None,
            )
        except InputError as exc:
            yield exc
            continue
        if conv_id != current and conv_id in done:
            yield InputError(
                f"conversation {conv_id!r} continues after other conversations; keep its rows together",
                source=label,
                line=lineno,
            )
            continue
        if conv_id != current:
            if current is not None:
                if lines is not None:
                    lines[:] = turn_lines
                yield Conversation(id=current, turns=tuple(turns))
                done.add(current)
            current, turns, turn_lines = conv_id, [], []
        turns.append(turn)
        turn_lines.append(lineno)
    if current is not None:
        if lines is not None:
            lines[:] = turn_lines
        yield Conversation(id=current, turns=tuple(turns))
    elif not done:
        yield InputFormatError("empty input: a header but no rows", source=label)


class _CsvLines:
    """A CSV file's lines for :mod:`csv`, counted: ``record_start`` is the first non-empty line read since
    it was last set to 0 (where the record being read began), ``n`` the last line read."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self.n = 0
        self.record_start = 0

    def __iter__(self) -> _CsvLines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.n += 1
        if not self.record_start and line.strip("\r\n"):
            self.record_start = self.n
        return line


def _csv_error(exc: csv.Error, lines: _CsvLines, label: str) -> InputError:
    """A strict-mode CSV error as the user can mend it, at the line where it is."""
    if "unexpected end of data" in str(exc):
        return InputError("malformed CSV: a quoted field is never closed", source=label, line=lines.record_start)
    if "expected after" in str(exc):
        why = 'a quote inside a quoted field must be doubled ("") or the field left unquoted'
        return InputError(f"malformed CSV: {why}", source=label, line=lines.n)
    return InputError(f"malformed CSV: {exc}", source=label, line=lines.n)


#: a line of a CSV file ends at \n, \r\n or a lone \r, as ``open(..., newline="")`` reads it
_CSV_LINE_END = re.compile(r"(?<=\r)(?!\n)")


def _csv_text(fh: IO[bytes], label: str) -> Iterator[str]:
    """A CSV file's lines, decoded one at a time, so that binary data and bytes that are not UTF-8 are
    reported at their own line (a whole-file decoder reads ahead and could only say "line 1"). A CSV
    record may span lines, so either stops the file, even with ``--skip-bad``."""
    lineno = 0
    for raw in iter(fh.readline, b""):
        if lineno == 0 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if b"\x00" in raw:
            raise InputFormatError("binary data (NUL byte); expected UTF-8 text", source=label, line=lineno + 1)
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputFormatError(
                f"not valid UTF-8 at byte {exc.start} of the line; re-encode the file as UTF-8",
                source=label,
                line=lineno + 1 + raw[: exc.start].count(b"\r"),
            ) from None
        if "\r" in line and (line.count("\r") > 1 or not line.endswith("\r\n")):  # a lone \r ends a line too
            parts = [part for part in _CSV_LINE_END.split(line) if part]
        else:
            parts = [line]
        lineno += len(parts)
        yield from parts


def _read_text(fh: IO[bytes], label: str, lines: list[int | None] | None = None) -> Iterator[Conversation | InputError]:
    import re

    pattern = re.compile(
        r"^\s*(?:\[(?P<ts>[^\]]{4,40})\]\s*)?(?P<role>customer|client|user|agent|support|rep|system|bot)\s*:\s?(?P<text>.*)$",
        re.IGNORECASE,
    )
    turns: list[Turn] = []
    turn_lines: list[int | None] = []
    for item in _lines(fh, label):
        if isinstance(item, InputError):
            yield item
            continue
        lineno, line = item
        line = line.rstrip("\r\n")
        m = pattern.match(line)
        if m:
            try:
                ts = parse_timestamp(m["ts"], source=label, line=lineno) if m["ts"] else None
            except InputError as exc:
                yield exc
                continue
            turns.append(Turn(role=parse_role(m["role"], source=label, line=lineno), text=m["text"].strip(), ts=ts))
            turn_lines.append(lineno)
        elif line.strip() and turns:  # a continuation of the previous message
            last = turns[-1]
            turns[-1] = Turn(role=last.role, text=f"{last.text}\n{line.strip()}", ts=last.ts)
        elif line.strip():
            yield InputError(
                "expected a line like 'Customer: ...' or 'Agent: ...' (optionally '[time] ' first)",
                source=label,
                line=lineno,
            )
    if not turns:
        yield InputFormatError("empty input: no 'Customer:' or 'Agent:' lines found", source=label)
        return
    stem = Path(label).stem if not label.startswith("<") else "transcript"
    if lines is not None:
        lines[:] = turn_lines
    yield Conversation(id=stem, turns=tuple(turns))
