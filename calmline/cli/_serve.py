"""``calmline serve``: run the REST service (a thin wrapper over :func:`calmline.service.create_app`)."""

from __future__ import annotations

import logging.config
import os
import tempfile
from typing import Annotated, Any

import typer

from calmline.errors import CalmlineError

__all__ = ["serve_command"]

_LOG_LEVELS = ("debug", "info", "warning", "error", "critical")


def serve_command(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=0, max=65535)] = 8000,
    database_url: Annotated[
        str | None, typer.Option(help="Overrides CALMLINE_DATABASE_URL (default sqlite:///calmline.db).")
    ] = None,
    scheduler: Annotated[bool, typer.Option(help="Run the timer and alert scheduler in this process.")] = True,
    workers: Annotated[int, typer.Option(help="Uvicorn worker processes.", min=1)] = 1,
    log_level: Annotated[
        str, typer.Option(help="Log level (debug, info, warning, error); logs are JSON lines on stderr.")
    ] = "warning",
    access_log: Annotated[bool, typer.Option(help="One JSON line per request (logger calmline.access).")] = True,
    demo: Annotated[
        bool, typer.Option(help="Seed demo conversations; print the console URL and login tokens.")
    ] = False,
) -> None:
    """Serve the live API: analysis and guidance per message, cases, escalations, timers, SSE. Settings: CALMLINE_*."""
    if log_level.lower() not in _LOG_LEVELS:
        typer.echo(f"--log-level {log_level!r}: expected one of {', '.join(_LOG_LEVELS)}", err=True)
        raise typer.Exit(2)
    try:
        import uvicorn
        from pydantic import ValidationError

        from calmline.service.app import create_app
        from calmline.service.logs import log_config
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
    except ValidationError as exc:  # say which variable is wrong, never echo the values (a secret's tail showed)
        said = "; ".join(
            f"{'CALMLINE_' + str(e['loc'][0]).upper() if e['loc'] else 'settings'}: {e['msg']}" for e in exc.errors()
        )
        typer.echo(f"Invalid CALMLINE_* settings: {said}", err=True)
        raise typer.Exit(2) from None
    except Exception as exc:  # pydantic-settings' own parse errors
        typer.echo(f"Invalid CALMLINE_* settings: {exc}", err=True)
        raise typer.Exit(2) from None
    try:  # a wrong URL or a missing driver: say so before starting workers
        from calmline.cases.db import make_engine

        make_engine(settings.database_url).dispose()
    except Exception as exc:  # also SQLAlchemy's: an unknown dialect ('bogus://'), a malformed URL
        typer.echo(f"Cannot serve: {exc}", err=True)
        raise typer.Exit(2) from None
    if demo:
        from calmline.console.demo import seed_demo

        seed = seed_demo(settings)
        typer.echo(f"Console: http://{host}:{port}{seed.url_path}")
        typer.echo(f"  agent token (alex):      {seed.token}")
        typer.echo(f"  supervisor token (sam): {seed.supervisor_token}")
    config = log_config(log_level)
    if access_log:
        config["loggers"]["calmline.access"] = {"level": "INFO"}
    logging.config.dictConfig(config)
    common: dict[str, Any] = {"host": host, "port": port, "log_config": config, "access_log": False}
    if workers > 1:
        # each worker writes its metrics here and /metrics adds them up, whichever worker answers
        os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="calmline-metrics-"))
        uvicorn.run("calmline.service.app:create_app", factory=True, workers=workers, **common)
    else:
        try:  # the playbook, the admin token...: a clear error, not a traceback
            app = create_app(settings)
        except CalmlineError as exc:
            typer.echo(f"Cannot serve: {exc}", err=True)
            raise typer.Exit(2) from None
        uvicorn.run(app, **common)


if __name__ == "__main__":  # python -m calmline.cli._serve (tests, before registration)
    typer.run(serve_command)
