"""The API contract: Bearer security, the real error shape for 4xx, /docs offline."""

from __future__ import annotations

import re
from typing import Any

from tests.service.conftest import Api


def _ops(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(m, p, op) for p, item in schema["paths"].items() for m, op in item.items()]


def test_bearer_security_declared_on_every_authenticated_operation(api: Api) -> None:
    schema = api.client.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["bearer"]["description"],
    }
    secured = {(m, p) for m, p, op in _ops(schema) if op.get("security") == [{"bearer": []}]}
    assert ("post", "/conversations/{conversation_id}/messages") in secured
    assert ("get", "/admin/tokens") in secured
    for open_path in ("/health", "/ready", "/metrics", "/webhooks/inbound"):
        assert not any(p == open_path for _, p in secured), open_path
    for _m, _p, op in _ops(schema):  # the header is the scheme's job, not a parameter
        assert all(x.get("name", "").lower() != "authorization" for x in op.get("parameters", []))


def test_every_operation_documents_a_success_body(api: Api) -> None:
    schema = api.client.get("/openapi.json").json()
    for m, p, op in _ops(schema):
        ok = [r for c, r in op["responses"].items() if c.startswith("2")]
        assert ok and all(r.get("content") for r in ok), (m, p)


def test_documented_error_shape_is_the_real_one(api: Api) -> None:
    schema = api.client.get("/openapi.json").json()
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    op = schema["paths"]["/conversations/{conversation_id}/messages"]["post"]
    for code in ("401", "403", "404", "413", "422"):
        assert op["responses"][code]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorOut"
        }, code
    error_schema = schema["components"]["schemas"]["ErrorOut"]
    body = schema["components"]["schemas"]["ErrorBody"]
    assert error_schema["required"] == ["error"] and set(body["required"]) == {"code", "message"}
    # and the service really answers that shape
    r = api.as_("alice", "POST", "/conversations", json={"agent": 5, "nope": 1})
    assert r.status_code == 422
    err = r.json()["error"]
    assert set(err) <= set(body["properties"]) and err["code"] == "validation" and len(err["details"]) == 2
    assert set(err["details"][0]) == {"where", "problem"}
    r = api.client.get("/conversations")
    assert r.status_code == 401 and set(r.json()["error"]) == {"code", "message"}


def test_docs_page_uses_only_local_assets(api: Api) -> None:
    r = api.client.get("/docs")
    assert r.status_code == 200 and "swagger" in r.text.lower()
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", r.text)
    refs += re.findall(r"""url:\s*['"]([^'"]+)['"]""", r.text)
    assert refs
    for ref in refs:
        assert ref.startswith("/"), ref  # no http(s)://, no protocol-relative CDN
        assert not ref.startswith("//"), ref
        assert api.client.get(ref).status_code == 200, ref
    assert "cdn" not in r.text.lower()
