"""``calmline alerts``: list the webhook alert outbox and replay an alert, straight on the service database."""

from __future__ import annotations

import getpass
import json
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, TypeVar

import typer

__all__ = ["alerts_app"]

T = TypeVar("T")
alerts_app = typer.Typer(help="The webhook alert outbox: list alerts, replay a failed one.", no_args_is_help=True)

DatabaseUrl = Annotated[
    str,
    typer.Option(
        "--database-url",
        envvar="CALMLINE_DATABASE_URL",
        show_envvar=True,
        help="The service database, as `calmline serve` reads it.",
    ),
]


class Status(StrEnum):
    pending = "pending"
    sent = "sent"
    failed = "failed"


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def _run(url: str, fn: Callable[[object], T]) -> T:
    from calmline.cli._db import DatabaseError, database_session

    try:
        with database_session(url) as s:
            return fn(s)
    except DatabaseError as exc:
        raise _fail(str(exc)) from None


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return "unknown"


@alerts_app.command("list")
def list_command(
    database_url: DatabaseUrl,
    status: Annotated[Status | None, typer.Option(help="Only alerts with this status.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="At most this many, newest first.")] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Alerts, newest first: id, status, attempts, next attempt, last error."""
    from sqlalchemy.orm import Session

    from calmline.cases import outbox

    def rows(s: object) -> list[dict[str, object]]:
        assert isinstance(s, Session)
        return [outbox.describe(d) for d in outbox.list_deliveries(s, status=status, limit=limit)]

    for d in _run(database_url, rows):
        if as_json:
            typer.echo(json.dumps(d, default=str))
        else:
            error = f"  {d['last_error']}" if d["last_error"] else ""
            typer.echo(
                f"{d['id']:>8}  {d['status']:<8} {d['event']:<14} attempts={d['attempts']:<3} "
                f"next={d['next_attempt_at']:%Y-%m-%d %H:%M:%S}{error}"
            )


@alerts_app.command("replay")
def replay_command(
    delivery_id: Annotated[int, typer.Argument(metavar="ID", min=1, max=2**31 - 1, help="The alert's id.")],
    database_url: DatabaseUrl,
) -> None:
    """Queue an alert to be sent again now (same idempotency key); recorded in the audit log."""
    from sqlalchemy.orm import Session

    from calmline.cases import outbox, store

    def go(s: object) -> str | None:
        assert isinstance(s, Session)
        found = outbox.replay(s, delivery_id)
        if found is None:
            return None
        actor = store.Actor(f"cli:{_user()}", "admin", "default")
        store.audit(s, actor, "delivery.replay", str(delivery_id), {"previous_status": found[1]})
        s.commit()
        return found[1]

    before = _run(database_url, go)
    if before is None:
        raise _fail(f"no delivery {delivery_id}")
    typer.echo(f"delivery {delivery_id}: {before} -> pending (due now)")
