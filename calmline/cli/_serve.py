"""``calmline serve``: run the REST service (a thin wrapper over :func:`calmline.service.create_app`)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

__all__ = ["serve_command"]


def serve_command(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    database_url: Annotated[
        str | None, typer.Option(help="Overrides CALMLINE_DATABASE_URL (default sqlite:///calmline.db).")
    ] = None,
    scheduler: Annotated[bool, typer.Option(help="Run the timer and alert scheduler in this process.")] = True,
    workers: Annotated[int, typer.Option(help="Uvicorn worker processes.")] = 1,
    log_level: Annotated[str, typer.Option(help="Uvicorn log level.")] = "warning",
    demo: Annotated[
        bool, typer.Option(help="Seed demo conversations; print the console URL and login tokens.")
    ] = False,
) -> None:
    """Serve the live API: analysis and guidance per message, cases, escalations, timers, SSE. Settings: CALMLINE_*."""
    try:
        import uvicorn

        from calmline.service.app import create_app
        from calmline.service.settings import Settings
    except ImportError as exc:
        typer.echo(
            f"The service needs extra packages: pip install 'calmline[service]' ({exc.name} is missing)", err=True
        )
        raise typer.Exit(2) from None
    os.environ.setdefault("CALMLINE_BASE_URL", f"http://{host}:{port}")  # for the first-start hints
    if database_url:
        os.environ["CALMLINE_DATABASE_URL"] = database_url
    os.environ["CALMLINE_SCHEDULER"] = "1" if scheduler else "0"
    try:
        settings = Settings()
    except Exception as exc:  # pydantic ValidationError: say which variable is wrong
        typer.echo(f"Invalid CALMLINE_* settings: {exc}", err=True)
        raise typer.Exit(2) from None
    if demo:
        from calmline.console.demo import seed_demo

        seed = seed_demo(settings)
        typer.echo(f"Console: http://{host}:{port}{seed.url_path}")
        typer.echo(f"  agent token (alex):      {seed.token}")
        typer.echo(f"  supervisor token (sam): {seed.supervisor_token}")
    if workers > 1:
        uvicorn.run(
            "calmline.service.app:create_app", factory=True, host=host, port=port, workers=workers, log_level=log_level
        )
    else:
        uvicorn.run(create_app(settings), host=host, port=port, log_level=log_level)


if __name__ == "__main__":  # python -m calmline.cli._serve (tests, before registration)
    typer.run(serve_command)
