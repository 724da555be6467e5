"""The API contract: OpenAPI with HTTP Bearer security and the real error shape; ``/docs`` served offline.

Every operation that reads the ``Authorization`` header is declared ``security: [{bearer: []}]``
(the header parameter itself is dropped from the schema) and answers 401 / 403 with the error
body of :mod:`calmline.service.errors`. Every 4xx is documented with that same
``{"error": {"code", "message", "details"?}}`` shape, never FastAPI's default one.

``/docs`` is Swagger UI from the ``swagger-ui-bundle`` package's files, served by the
service itself under ``/docs/static``: nothing is fetched from a CDN.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

__all__ = ["ErrorBody", "ErrorOut", "install"]

STATIC = "/docs/static"


class ErrorDetail(BaseModel):
    where: str = Field(description="The field, dotted (body.text, query.limit).")
    problem: str


class ErrorBody(BaseModel):
    code: str = Field(description="Stable machine-readable code: validation, not_found, forbidden, unauthorized...")
    message: str = Field(description="What went wrong, for a person.")
    details: list[ErrorDetail] | None = Field(None, description="Every field error (422 validation only).")


class ErrorOut(BaseModel):
    """The body of every 4xx and 5xx answer."""

    error: ErrorBody


_WHY = {
    "400": "Bad request",
    "401": "Missing, unknown or revoked bearer token",
    "403": "The token's role or team may not do this",
    "404": "Not found, or not visible to this token",
    "409": "Conflict with the current state",
    "413": "Request body over CALMLINE_MAX_BODY_BYTES",
    "422": "Invalid input: every field error is in error.details",
    "503": "The database is unavailable (down, restarting or out of connections): try again after Retry-After",
}
_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again", "schema": {"type": "integer"}}}
_REF = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}


def _document(app: FastAPI) -> dict[str, Any]:
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes, tags=app.openapi_tags
    )
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for model in (ErrorOut, ErrorBody, ErrorDetail):
        schemas[model.__name__] = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    components["securitySchemes"] = {
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token (cl_<id>_<secret>) from the first start or POST /admin/tokens.",
        }
    }
    for path, item in schema.get("paths", {}).items():
        for method, op in item.items():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            params = op.get("parameters", [])
            auth = [p for p in params if p.get("in") == "header" and p.get("name", "").lower() == "authorization"]
            if auth:
                op["parameters"] = [p for p in params if p not in auth]
                if not op["parameters"]:
                    del op["parameters"]
                op["security"] = [{"bearer": []}]
            responses = op["responses"]
            codes = ["422"] if (op.get("parameters") or op.get("requestBody")) else []
            codes += ["401", "403"] if auth else []
            codes += ["404"] if "{" in path else []
            codes += ["413"] if op.get("requestBody") else []
            for code in codes:
                responses.setdefault(code, {"description": _WHY[code]})
            if auth or path.startswith(("/webhooks/", "/integrations/")):
                # the token or the conversation is in the database: an outage answers 503 with the error body
                responses.setdefault("503", {"description": _WHY["503"], "content": _REF, "headers": _RETRY_AFTER})
            for code, resp in responses.items():
                if code.startswith(("4", "5")) and code != "503":
                    resp["content"] = _REF
                    resp.setdefault("description", _WHY.get(code, "Error"))
            ok = responses.get("200") or responses.get("201") or {}
            if path.endswith("/events"):
                ok["content"] = {"text/event-stream": {"schema": {"type": "string"}}}
            elif path.endswith(".jsonl"):
                ok["content"] = {"application/x-ndjson": {"schema": {"type": "string"}}}
            for code in ("200", "201"):  # a retry answers 200 with the same body as the first 201
                other = responses.get("201" if code == "200" else "200")
                if code in responses and not responses[code].get("content") and other and other.get("content"):
                    responses[code]["content"] = other["content"]
            op.setdefault("summary", method.upper() + " " + path)
    return schema


def install(app: FastAPI) -> None:
    """Replace the app's OpenAPI document and serve Swagger UI at ``/docs`` from local files."""
    import swagger_ui_bundle  # type: ignore[import-untyped]

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _document(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.mount(STATIC, StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="swagger-ui")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} API",
            swagger_js_url=f"{STATIC}/swagger-ui-bundle.js",
            swagger_css_url=f"{STATIC}/swagger-ui.css",
            swagger_favicon_url=f"{STATIC}/favicon-32x32.png",
        )
