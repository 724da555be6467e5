"""Run the service with the console for the browser tests, like ``calmline serve`` (used until
``create_app`` includes the console routers itself; then the tests run ``calmline serve``)."""

from __future__ import annotations

import argparse


def main() -> None:
    import uvicorn

    from calmline.service.settings import Settings
    from tests.console.conftest import console_app

    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--database-url", required=True)
    a = ap.parse_args()
    app, _ = console_app(Settings(database_url=a.database_url))
    uvicorn.run(app, host="127.0.0.1", port=a.port, log_level="warning")


if __name__ == "__main__":
    main()
