"""Reading conversations: formats, streaming and every kind of bad input."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from calmline.errors import InputError, InputFormatError
from calmline.io import read_conversations
from calmline.types import Role

SAMPLES = Path(__file__).parent.parent / "calmline" / "data" / "samples"


def _read(data: bytes, fmt: str | None = None, **kw: object) -> list:
    return list(read_conversations(io.BytesIO(data), format=fmt, name="t.in", **kw))  # type: ignore[arg-type]


def test_bundled_samples_read_in_every_format() -> None:
    convs = list(read_conversations(SAMPLES / "conversations.jsonl"))
    assert len(convs) >= 10
    assert all(c.turns for c in convs)
    csv_convs = list(read_conversations(SAMPLES / "conversations.csv"))
    assert len(csv_convs) >= 2
    (transcript,) = read_conversations(SAMPLES / "transcript.txt")
    assert {t.role for t in transcript.turns} >= {Role.CUSTOMER, Role.AGENT}


def test_jsonl_keeps_unknown_fields() -> None:
    line = {
        "id": "c1",
        "channel": "chat",
        "turns": [{"role": "customer", "text": "hi", "ts": "2026-01-01T10:00:00Z", "lang": "en"}],
    }
    (conv,) = _read(json.dumps(line).encode())
    assert conv.metadata == {"channel": "chat"}
    assert conv.turns[0].meta == {"lang": "en"}
    assert conv.turns[0].ts is not None and conv.turns[0].ts.year == 2026


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b'{"id": "c1", "turns": [', "malformed JSON"),
        (b'{"id": "c1", "turns": [{"role": "robot", "text": "x"}]}', "unknown role"),
        (b'{"id": "c1", "turns": [{"role": "customer"}]}', "missing field 'text'"),
        (b'{"id": "c1", "turns": [{"role": "customer", "text": 5}]}', "must be a string"),
        (b'{"id": "c1", "turns": "nope"}', "must be a list"),
        (b"[1, 2]", "expected a JSON object"),
        (b'{"id": "c1", "turns": [{"role": "customer", "text": "x", "ts": "yesterday"}]}', "bad timestamp"),
        (b'{"id": "c1", "turns": [{"role": "customer", "text": "caf\xe9"}]}', "not valid UTF-8"),
    ],
)
def test_bad_jsonl_names_file_line_and_problem(data: bytes, problem: str) -> None:
    good = b'{"id": "ok", "turns": [{"role": "customer", "text": "fine"}]}\n'
    with pytest.raises(InputError) as exc:
        _read(good + data + b"\n", "jsonl")
    assert exc.value.source == "t.in"
    assert exc.value.line == 2
    assert problem in str(exc.value)


def test_skip_bad_keeps_the_good_and_reports_the_bad() -> None:
    data = b"\n".join(
        [
            b'{"id": "a", "turns": [{"role": "customer", "text": "one"}]}',
            b"{broken",
            b'{"id": "b", "turns": [{"role": "customer", "text": "two"}]}',
            b'{"id": "c", "turns": [{"role": "alien", "text": "three"}]}',
        ]
    )
    bad: list[InputError] = []
    convs = _read(data, "jsonl", skip_bad=True, on_bad=bad.append)
    assert [c.id for c in convs] == ["a", "b"]
    assert [e.line for e in bad] == [2, 4]


@pytest.mark.parametrize("data", [b"", b"\n\n  \n"])
def test_empty_input_is_an_error(data: bytes) -> None:
    with pytest.raises(InputFormatError, match="empty input"):
        _read(data, "jsonl")


def test_binary_input_is_refused_even_with_skip_bad() -> None:
    with pytest.raises(InputFormatError, match="binary"):
        _read(b"\x89PNG\r\n\x1a\n\x00\x00\x00", "jsonl", skip_bad=True)


def test_missing_file() -> None:
    with pytest.raises(InputFormatError, match="no such file"):
        list(read_conversations("/nonexistent/file.jsonl"))


def test_a_directory_or_device_says_what_it_is(tmp_path: Path) -> None:
    with pytest.raises(InputFormatError, match="is a directory, not a file"):
        list(read_conversations(tmp_path))
    if Path("/dev/null").exists():
        with pytest.raises(InputFormatError, match="not a regular file"):
            list(read_conversations("/dev/null"))


def test_csv_groups_rows_and_checks_columns() -> None:
    data = (
        b"conversation_id,role,text,timestamp\n"
        b'c1,customer,"Hello, my order, it is late",2026-01-01T10:00:00Z\n'
        b"c1,agent,Sorry to hear that,\n"
        b"c2,customer,Second one,\n"
    )
    convs = _read(data, "csv")
    assert [c.id for c in convs] == ["c1", "c2"]
    assert convs[0].turns[0].text == "Hello, my order, it is late"
    with pytest.raises(InputFormatError, match="missing CSV column"):
        _read(b"id,who,what\n1,2,3\n", "csv")


def test_csv_non_contiguous_conversation_is_reported() -> None:
    data = b"conversation_id,role,text\nc1,customer,a\nc2,customer,b\nc1,agent,c\n"
    with pytest.raises(InputError, match="keep its rows together"):
        _read(data, "csv")


def test_csv_quoted_field_never_closed_is_reported_at_its_row() -> None:
    data = b'conversation_id,role,text\nc1,customer,hello\nc2,customer,"never closed,\nc3,customer,fine\n'
    with pytest.raises(InputError, match="quoted field is never closed") as err:
        _read(data, "csv")
    assert err.value.line == 3
    # the line of each error is where it is, past records of several lines and blank lines
    data = (
        b'conversation_id,role,text\nc0,customer,"a\nb"\n\n'
        b'c1,customer,"Order "12" lost"\nc2,customer,ok\n\nc3,customer,"open\n'
    )
    errors: list[InputError] = []
    got = list(read_conversations(io.BytesIO(data), format="csv", skip_bad=True, on_bad=errors.append))
    assert [c.id for c in got] == ["c0", "c2"]
    found = [(e.line, "doubled" in str(e), "never closed" in str(e)) for e in errors]
    assert found == [(5, True, False), (8, False, True)]
    # a closed quoted field may hold commas, quotes and line breaks
    convs = _read(b'conversation_id,role,text\nc1,customer,"two\nlines, ""quoted"""\nc2,customer,b\n', "csv")
    assert [c.turns[0].text for c in convs] == ['two\nlines, "quoted"', "b"]


def test_text_transcript_with_timestamps_and_continuations() -> None:
    data = (
        b"[2026-03-02 10:00] Customer: My router is dead\n"
        b"and the lights are orange\n"
        b"Agent: Let me check that for you.\n"
        b"[2026-03-02 10:05] customer: thanks\n"
    )
    (conv,) = _read(data, "text")
    assert [t.role for t in conv.turns] == [Role.CUSTOMER, Role.AGENT, Role.CUSTOMER]
    assert conv.turns[0].text == "My router is dead\nand the lights are orange"
    assert conv.turns[2].ts is not None and conv.turns[2].ts.minute == 5


def test_text_transcript_garbage_line() -> None:
    with pytest.raises(InputError, match="expected a line like"):
        _read(b"just some words\n", "text")


def test_format_detected_from_content() -> None:
    (conv,) = _read(b'{"id": "x", "turns": [{"role": "customer", "text": "hi"}]}\n')
    assert conv.id == "x"
    (conv,) = _read(b"Customer: hi\nAgent: hello\n")
    assert len(conv.turns) == 2


def test_streaming_reads_lazily() -> None:
    lines = (json.dumps({"id": str(i), "turns": [{"role": "customer", "text": "x"}]}).encode() for i in range(10**9))

    class Lazy(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, b: bytearray) -> int:  # type: ignore[override]
            chunk = next(lines) + b"\n"
            b[: len(chunk)] = chunk
            return len(chunk)

    it = read_conversations(io.BufferedReader(Lazy()), format="jsonl")
    assert [next(it).id for _ in range(3)] == ["0", "1", "2"]


def test_timestamped_transcript_is_sniffed_from_stdin() -> None:
    (conv,) = _read(b"[2026-03-02 10:00] Customer: hello\n[2026-03-02 10:01] Agent: hi\n")
    assert [t.role for t in conv.turns] == [Role.CUSTOMER, Role.AGENT]


@pytest.mark.parametrize("line", [b'{"id": "a", "n": ' + b"9" * 5000 + b"}", b"[" * 200_000])
def test_hostile_json_is_a_bad_record_not_a_crash(line: bytes) -> None:
    bad: list[InputError] = []
    good = b'{"id": "ok", "turns": [{"role": "customer", "text": "fine"}]}'
    convs = _read(good + b"\n" + line + b"\n", "jsonl", skip_bad=True, on_bad=bad.append)
    assert [c.id for c in convs] == ["ok"]
    assert len(bad) == 1 and "JSON" in bad[0].problem


def test_csv_header_only_is_empty_input() -> None:
    with pytest.raises(InputFormatError, match="empty input"):
        _read(b"conversation_id,role,text\n", "csv")


def test_csv_malformed_header_row_is_an_input_error_not_a_csv_traceback() -> None:
    # a JSONL file read with --input-format csv, or a header with a stray quote: the header row itself
    for data, why in (
        (b'{"id": "c1","turns": [{"role": "customer", "text": "hi"}]}\n', "doubled"),
        (b'"conversation_id"x,role,text\nc1,customer,hi\n', "doubled"),
        (b'"conversation_id,role,text\nc1,customer,hi\n', "never closed"),
    ):
        with pytest.raises(InputFormatError, match=why) as err:
            _read(data, "csv", skip_bad=True, on_bad=lambda e: None)
        assert err.value.line == 1


def test_csv_split_conversation_is_reported_and_not_emitted_twice() -> None:
    data = b"conversation_id,role,text\na,customer,1\nb,customer,2\na,agent,3\n"
    bad: list[InputError] = []
    convs = _read(data, "csv", skip_bad=True, on_bad=bad.append)
    assert [c.id for c in convs] == ["a", "b"]
    assert [e.line for e in bad] == [4]


def test_single_message_line_keeps_its_timestamp() -> None:
    (conv,) = _read(b'{"id": "s", "text": "hi", "ts": "2026-01-01T10:00:00Z", "channel": "sms"}\n', "jsonl")
    assert conv.turns[0].ts is not None and conv.metadata == {"channel": "sms"}


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"conversation_id,role,text\nc1,customer,hello\nc2,customer,caf\xe9\n", 3),
        (
            b'\xef\xbb\xbfconversation_id,role,text\r\nc1,customer,"two\r\nlines"\r\nc1,agent,ok\r\nc2,customer,\xff\r\n',
            5,
        ),
        (b"conversation_id,role,text\rc1,customer,hello\rc2,customer,caf\xe9\r", 3),  # old Mac line ends
        (b"conversation_id,role,text\n" + b"c1,customer,fine\n" * 3000 + b"c2,customer,caf\xe9\n", 3002),
    ],
)
def test_csv_that_is_not_utf8_names_its_own_line_and_stops(data: bytes, line: int) -> None:
    """A decoder that read ahead reported every such file at line 1; a CSV record may span lines, so the
    file stops there even with skip_bad (docs/formats.md)."""
    for skip in (False, True):
        with pytest.raises(InputFormatError, match="not valid UTF-8") as exc:
            _read(data, "csv", skip_bad=skip)
        assert exc.value.line == line


def test_csv_line_ends_are_read_as_open_newline_empty_reads_them() -> None:
    for end in (b"\n", b"\r\n", b"\r"):
        data = end.join([b"conversation_id,role,text", b'c1,customer,"two', b'lines"', b"c1,agent,ok", b""])
        (conv,) = _read(data, "csv")
        assert [t.text for t in conv.turns] == [f"two{end.decode()}lines", "ok"]
