"""``calmline practice``: list the personas, practise in the terminal, or play a scripted agent."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from calmline.errors import CalmlineError

__all__ = ["practice_command"]

_MAX_SCRIPT_BYTES = 1_000_000


class PracticeFormat(StrEnum):
    pretty = "pretty"
    json = "json"


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def _read_script(path: str) -> list[str]:
    stdin = path == "-"
    where = "<stdin>" if stdin else path
    if not stdin and not Path(path).is_file():
        from calmline.io import not_a_file

        raise _fail(f"{where}: {not_a_file(Path(path))}")
    raw = sys.stdin.buffer.read(_MAX_SCRIPT_BYTES + 1) if stdin else Path(path).read_bytes()[: _MAX_SCRIPT_BYTES + 1]
    if len(raw) > _MAX_SCRIPT_BYTES:
        raise _fail(f"{where}: larger than {_MAX_SCRIPT_BYTES} bytes; a script is one agent reply per line")
    if b"\x00" in raw:
        raise _fail(f"{where}: binary data; a script is UTF-8 text, one agent reply per line")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail(f"{where}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    replies = [line.strip() for line in text.splitlines() if line.strip()]
    if not replies:
        raise _fail(f"{where}: no replies; write one agent reply per line")
    return replies


def _list(personas: dict[str, Any], output: PracticeFormat) -> None:
    if output is PracticeFormat.json:
        typer.echo(json.dumps([p.brief() for p in personas.values()], ensure_ascii=False, indent=2))
        return
    for p in personas.values():
        typer.echo(f"{p.id:<30} {p.name}")


def _show_brief(persona: Any) -> None:
    sc = persona.scenario
    typer.secho(f"\n{persona.name}", bold=True)
    typer.echo(persona.summary)
    typer.echo("Facts:\n" + "\n".join(f"  - {f}" for f in sc.facts))
    typer.echo(f"They want: {sc.wants}")
    typer.echo("Policy allows:\n" + "\n".join(f"  - {f}" for f in sc.policy_allows))
    typer.echo("Type your reply and press Enter; an empty line or Ctrl-D ends the session.\n")


def _render_debrief(d: dict[str, Any]) -> None:
    typer.secho(f"\nDebrief: score {d['score']}/100 - {d['outcome_why']}", bold=True)
    typer.echo(f"  {d['score_why']}")
    typer.echo("  frustration: " + " -> ".join(f"{v:.2f}" for v in d["frustration"]))
    for i, t in enumerate(d["turns"], 1):
        moved = ", ".join(f"{m['effect']} {m['delta']:+.2f}" for m in t["moved"]) or "nothing"
        typer.echo(f"  reply {i}: coach {t['coach']['score']} [{', '.join(t['coach']['labels']) or 'no labels'}]")
        typer.echo(f"           moved: {moved}")
    if d["missed"]:
        typer.echo("  missed: " + "; ".join(f"{m['move']} ({m['why']})" for m in d["missed"]))
    typer.secho(f"  next time: {d['tip']}", fg="green")


def practice_command(
    list_: Annotated[bool, typer.Option("--list", help="List the personas and exit.")] = False,
    persona: Annotated[str | None, typer.Option("--persona", "-p", help="The persona id (see --list).")] = None,
    script: Annotated[
        str | None, typer.Option("--script", help="A file of agent replies, one per line ('-' is stdin).")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the customer's line choices.", min=0)] = 0,
    output: Annotated[
        PracticeFormat, typer.Option("--format", "-f", help="pretty for people, json for the debrief as JSON.")
    ] = PracticeFormat.pretty,
    personas_dir: Annotated[
        str | None, typer.Option("--personas", help="Your organisation's directory of persona YAML files.")
    ] = None,
) -> None:
    """Practise with a simulated difficult customer; ends with a debrief (score, frustration curve, missed moves)."""
    from calmline.practice import PracticeSession, debrief, load_personas

    try:
        personas = load_personas(personas_dir)
    except CalmlineError as exc:
        raise _fail(str(exc)) from None
    if personas_dir is not None and not any(Path(personas_dir).glob("*.yaml")):
        raise _fail(f"{personas_dir}: no persona files (*.yaml) in this directory")
    if list_:
        _list(personas, output)
        return
    if persona is None:
        raise _fail("choose a persona with --persona NAME (see calmline practice --list)")
    if persona not in personas:
        raise _fail(f"unknown persona {persona!r}; known: {', '.join(personas)}")
    replies = _read_script(script) if script is not None else None
    session = PracticeSession(personas[persona], seed=seed)
    try:
        if replies is not None:
            for reply in replies:
                if session.finished:
                    break
                session.reply(reply)
        else:
            _interactive(session)
    except CalmlineError as exc:
        raise _fail(str(exc)) from None
    d = debrief(session)
    if replies is not None:
        d["unused_replies"] = max(0, len(replies) - len(session.exchanges))
    if output is PracticeFormat.json:
        typer.echo(json.dumps(d, ensure_ascii=False))
    else:
        _render_debrief(d)


def _interactive(session: Any) -> None:
    _show_brief(session.persona)
    typer.secho(f"Customer: {session.opening}", fg="cyan")
    while not session.finished:
        try:
            line = input("You: ")
        except EOFError:
            break
        if not line.strip():
            break
        try:
            ex = session.reply(line)
        except CalmlineError as exc:
            typer.echo(f"  ({exc})", err=True)
            continue
        typer.secho(f"Customer: {ex.customer}", fg="cyan")
