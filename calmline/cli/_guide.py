"""``calmline guide`` and ``calmline coach``: thin wrappers over ``decide`` and ``coach``.

Guide JSONL output, one line per conversation; guidance is given after every
customer turn and after the last turn, whoever wrote it (each reads the last
``GUIDE_WINDOW`` = 200 turns up to it, as the service does)::

    {"id": "c1", "turns": [{"index": 0, "guidance": {
        "moves": [{"move": "acknowledge", "score": 0.8, "why": ["frustration 0.72 (anger)"]}],
        "suggested_reply": "...",
        "ladder": {"rung": 1, "steps": [{"turn_index": 0, "rung": 1, "reason": "...", "evidence": [...]}]},
        "escalation": {"rule": "manager_requested", "to": "...", "tell_customer": "...", "why": [...]} or null}}]}

Coach JSONL input, one line per draft (the turns as for ``analyze``)::

    {"id": "d1", "turns": [...], "draft": "..."}

Coach JSONL output::

    {"id": "d1", "labels": [{"label": "ownership", "score": 0.9, "evidence": [{"start": 0, "end": 20, "text": "..."}]}],
     "score": 72, "missing": [{"move": "timeframe", "why": "..."}], "suggestion": "..."}
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from enum import StrEnum
from pathlib import Path
from typing import IO, Annotated, Any

import typer
from rich.markup import escape

from calmline._jsonl import dumps_line
from calmline.cli._analyze import OutputFormat, text_conversation
from calmline.errors import CalmlineError, InputError, InputFormatError
from calmline.io import not_a_file, parse_conversation, read_conversations
from calmline.types import Analysis, Conversation, Role

__all__ = ["coach_command", "guide_command", "guide_turns"]


class Channel(StrEnum):
    chat = "chat"
    email = "email"


#: guidance after a turn reads at most this many turns up to it, as the service's analysis window
#: (``calmline.cases.pipeline.Policy.window``) does: a long conversation costs linear time, not quadratic
GUIDE_WINDOW = 200


def guide_turns(analysis: Analysis, *, playbook: Any = None, channel: str = "chat") -> list[dict[str, Any]]:
    """Guidance after each customer turn and after the last turn, as JSON-ready dicts.

    Each guidance reads the last ``GUIDE_WINDOW`` turns up to it; the conversation state it gets (counts,
    peak, trend) is the one after that turn, which carries on from every turn before.
    """
    from calmline.playbook import decide

    out = []
    last = len(analysis.turns) - 1
    for i, ta in enumerate(analysis.turns):
        if ta.turn.role is not Role.CUSTOMER and i != last:
            continue
        lo = max(0, i + 1 - GUIDE_WINDOW)
        conv = Conversation(
            analysis.conversation.id, analysis.conversation.turns[lo : i + 1], analysis.conversation.metadata
        )
        prefix = Analysis(conv, analysis.turns[lo : i + 1], analysis.states[lo : i + 1])
        g = decide(prefix, playbook=playbook, channel=channel)
        out.append({"index": ta.index, "guidance": g.to_dict()})
    return out


def _fail(exc: CalmlineError) -> typer.Exit:
    typer.echo(f"error: {exc}", err=True)
    return typer.Exit(2)


def guide_command(
    path: Annotated[
        str | None, typer.Argument(help="A JSONL, CSV or text transcript file; '-' or nothing reads stdin.")
    ] = None,
    text: Annotated[str | None, typer.Option("--text", "-t", help="Guide on one customer message instead.")] = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="pretty for people, jsonl for machines.")
    ] = OutputFormat.pretty,
    playbook: Annotated[str | None, typer.Option("--playbook", help="Your organisation's playbook YAML.")] = None,
    channel: Annotated[Channel, typer.Option("--channel", help="Sets the waiting-time limits.")] = Channel.chat,
    skip_bad: Annotated[bool, typer.Option("--skip-bad", help="Skip bad records (reported on stderr).")] = False,
) -> None:
    """Per-turn guidance: the next moves with reasons, a suggested reply, the boundary ladder and escalation."""
    from calmline.analyze import analyze_many
    from calmline.playbook import load_playbook

    if text is not None and path is not None:
        typer.echo("error: give a transcript file or --text, not both", err=True)
        raise typer.Exit(2)
    try:
        pb = load_playbook(playbook)
        source = "-" if path in (None, "-") else path
        convs: Iterator[Conversation] = (
            iter([text_conversation(text)])
            if text is not None
            else read_conversations(source, skip_bad=skip_bad, on_bad=lambda e: typer.echo(f"skipped: {e}", err=True))
        )
        from calmline.cli._progress import progress

        for analysis in progress(analyze_many(convs), "conversations guided"):
            turns = guide_turns(analysis, playbook=pb, channel=channel.value)
            if output is OutputFormat.jsonl:
                sys.stdout.write(dumps_line({"id": analysis.conversation.id, "turns": turns}))
                sys.stdout.flush()
            else:
                _render_guide(analysis, turns)
    except CalmlineError as exc:
        raise _fail(exc) from None


def _render_guide(analysis: Analysis, turns: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.panel import Panel
    from rich.text import Text

    console = Console(highlight=False)
    console.rule(f"[bold]{escape(analysis.conversation.id)}")
    for item in turns:
        g, ta = item["guidance"], analysis.turns[item["index"]]
        console.print(Text(f"[{ta.index}] {ta.turn.role.value}: ", style="bold magenta") + Text(ta.turn.text))
        body = Text()
        for m in g["moves"]:
            body.append(f"{m['move']:<16} {m['score']:.2f}  ", style="bold cyan")
            body.append("; ".join(m["why"][:2]) + "\n", style="dim")
        if g["ladder"]["rung"]:
            body.append(f"boundary ladder: rung {g['ladder']['rung']}\n", style="bold red")
        if g["escalation"]:
            body.append(f"escalate to {g['escalation']['to']} ({g['escalation']['rule']})\n", style="bold yellow")
        body.append("suggested: ", style="bold green")
        body.append(g["suggested_reply"] or "-")
        console.print(Panel(body, title="guidance", expand=False))


def _coach_items(draft: str | None, conversation: str | None) -> Iterator[tuple[Conversation, str]]:
    if draft is not None:
        if conversation is None:
            yield Conversation("draft", ()), draft
            return
        for conv in read_conversations(conversation):
            yield conv, draft
        return
    stdin = conversation in (None, "-")
    label = "<stdin>" if stdin else str(conversation)
    if not stdin and not Path(label).is_file():
        raise InputFormatError(not_a_file(Path(label)), source=label)
    opened: AbstractContextManager[IO[bytes]] = nullcontext(sys.stdin.buffer) if stdin else Path(label).open("rb")  # noqa: SIM115 - entered just below
    seen = False
    with opened as stream:
        for lineno, raw in enumerate(stream, 1):
            if not raw.strip():
                continue
            seen = True
            try:
                obj = json.loads(raw)
            except (ValueError, RecursionError) as exc:  # also a 5,000-digit number, or [[[[... nested too deep
                raise InputError(f"invalid JSON: {exc}", source=label, line=lineno) from None
            conv = parse_conversation(obj, source=label, line=lineno)
            text = conv.metadata.get("draft")
            if not isinstance(text, str):
                raise InputError("missing string field 'draft'", source=label, line=lineno)
            if not text.strip():
                raise InputError("field 'draft' is empty: write the reply to coach", source=label, line=lineno)
            yield conv, text
    if not seen:
        raise InputFormatError("empty input: no drafts (one JSON object with a 'draft' per line)", source=label)


def coach_command(
    draft: Annotated[
        str | None, typer.Option("--draft", "-d", help="The draft reply; without it each JSONL line carries a 'draft'.")
    ] = None,
    conversation: Annotated[
        str | None, typer.Option("--conversation", "-c", help="The conversation so far (file; '-' is stdin).")
    ] = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="pretty for people, jsonl for machines.")
    ] = OutputFormat.pretty,
    rubric: Annotated[str | None, typer.Option("--rubric", help="Your organisation's rubric YAML.")] = None,
    playbook: Annotated[str | None, typer.Option("--playbook", help="Your organisation's playbook YAML.")] = None,
    channel: Annotated[Channel, typer.Option("--channel", help="Sets the waiting-time limits.")] = Channel.chat,
) -> None:
    """Score a draft reply: labels with evidence, a rubric score, what is missing and an improved draft."""
    from calmline.analyze import analyze
    from calmline.coach import coach, load_rubric
    from calmline.playbook import load_playbook

    try:
        rb, pb = load_rubric(rubric), load_playbook(playbook)
        for conv, text in _coach_items(draft, conversation):
            review = coach(text, analyze(conv), rubric=rb, playbook=pb, channel=channel.value)
            if output is OutputFormat.jsonl:
                sys.stdout.write(dumps_line(review.to_dict(conv.id)))
                sys.stdout.flush()
            else:
                _render_review(conv.id, text, review.to_dict(conv.id))
    except CalmlineError as exc:
        raise _fail(exc) from None


def _render_review(conv_id: str, draft: str, review: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.panel import Panel
    from rich.text import Text

    console = Console(highlight=False)
    body = Text(draft + "\n\n")
    for item in review["labels"]:
        quotes = " | ".join(e["text"] for e in item["evidence"][:2])
        body.append(f"{item['label']:<20}", style="bold cyan")
        body.append(f" {quotes}\n", style="dim")
    for m in review["missing"]:
        body.append(f"missing {m['move']}: ", style="bold yellow")
        body.append(m["why"] + "\n")
    body.append("suggestion: ", style="bold green")
    body.append(review["suggestion"])
    console.print(Panel(body, title=f"{escape(conv_id)}: score {review['score']}/100", expand=False))
