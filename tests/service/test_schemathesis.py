"""Property-based contract test: schemathesis generates requests from the OpenAPI document; none may get a 5xx.

Bounded: ``CALMLINE_SCHEMATHESIS_EXAMPLES`` examples per operation (default 8), on SQLite and, when
``CALMLINE_TEST_PG_URL`` is set, on PostgreSQL (the ``api`` fixture's backends). Server-sent event
streams never end, so they are left out. Each operation's failures are collected, so one run
reports every operation that answered 5xx.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402

from tests.service.conftest import Api  # noqa: E402

EXAMPLES = int(os.environ.get("CALMLINE_SCHEMATHESIS_EXAMPLES", "8"))


def _operations(api: Api) -> list[Any]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.client.app)
    ops = [result.ok() for result in schema.get_all_operations()]
    return [op for op in ops if not op.path.endswith("/events")]


def test_no_server_errors(api: Api) -> None:
    ops = _operations(api)
    assert len(ops) > 20  # the whole API, not an empty schema
    failures: list[str] = []
    for op in ops:

        @given(case=op.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
        def check(case: Any) -> None:
            case.headers = {**(case.headers or {}), **api.h("admin")}
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                response = case.call()
            assert response.status_code < 500, f"{response.status_code} {response.text[:200]}"

        try:
            check()
        except Exception as exc:  # a 5xx answer, or the server's own exception (the ASGI client re-raises it)
            failures.append(f"{op.method.upper()} {op.path}: {type(exc).__name__}: {(str(exc) or '-').splitlines()[0]}")
    assert not failures, "\n".join(failures)
