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


_TEXT = {"text/event-stream", "application/x-ndjson", "text/plain"}


def _named(schema: dict[str, Any], components: dict[str, Any]) -> bool:
    """A documented body: a named model ($ref), a list of one, or a union of them; never a bare object."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return bool(components[name].get("properties"))
    if schema.get("type") == "array":
        return _named(schema.get("items", {}), components)
    if "anyOf" in schema or "oneOf" in schema:
        return all(_named(s, components) for s in schema.get("anyOf", schema.get("oneOf", [])))
    return False


def test_every_operation_has_a_response_model(api: Api) -> None:
    """Each operation's 2xx body is a named model with properties (streams: a string), not an untyped dict."""
    schema = api.client.app.openapi()  # type: ignore[attr-defined]
    components = schema["components"]["schemas"]
    untyped = []
    for m, p, op in _ops(schema):
        ok = {c: r for c, r in op["responses"].items() if c.startswith("2")}
        assert ok, (m, p)
        for code, resp in ok.items():
            for media, body in (resp.get("content") or {"none": {}}).items():
                if media in _TEXT and body.get("schema") == {"type": "string"}:
                    continue
                if not _named(body.get("schema", {}), components):
                    untyped.append(f"{m.upper()} {p} {code} {media}")
    assert untyped == [], "operations without a response model:\n" + "\n".join(untyped)


def test_response_models_carry_the_real_keys(api: Api) -> None:
    """A model's documented properties are the keys the service really answers (nothing undocumented)."""
    schema = api.client.get("/openapi.json").json()
    props = {k: set(v.get("properties", {})) for k, v in schema["components"]["schemas"].items()}
    conv = api.as_("alice", "POST", "/conversations", json={}).json()
    r = api.as_(
        "alice",
        "POST",
        f"/conversations/{conv['id']}/messages",
        json={"client_id": "m1", "role": "customer", "text": "You idiots, third time I ask for my refund!!!"},
    )
    assert r.status_code == 201, r.text
    detail = api.as_("alice", "GET", f"/conversations/{conv['id']}").json()
    assert set(detail) == props["ConversationDetail"]
    assert set(detail["messages"][0]) == props["MessageOut"] - {"analysis", "guidance"}
    listed = api.as_("alice", "GET", f"/conversations/{conv['id']}/messages").json()
    assert set(listed[0]) == props["MessageOut"]
    case = api.as_("alice", "GET", f"/cases/{detail['case']}").json()
    assert set(case) == props["CaseOut"] and all(set(t) == props["TimerOut"] for t in case["timers"])
    esc = api.as_("alice", "POST", f"/conversations/{conv['id']}/escalations", json={"reason": "refund"}).json()
    assert set(esc) == props["EscalationOut"]
    queue = api.as_("sue", "GET", "/queue").json()
    assert set(queue) == props["QueueOut"] and set(queue["at_risk"][0]) == props["AtRiskOut"]
    well = api.as_("alice", "GET", "/wellbeing/alice").json()
    assert set(well) == props["WellbeingOut"] and set(well["break_policy"]) == props["BreakPolicyOut"]
    incidents = api.as_("alice", "GET", f"/conversations/{conv['id']}/incidents").json()
    assert all(set(i) == props["IncidentOut"] for i in incidents)
    coach = api.as_("alice", "POST", f"/conversations/{conv['id']}/coach", json={"draft": "Sorry about that."}).json()
    assert set(coach) == props["CoachOut"]
    tokens = api.as_("admin", "GET", "/admin/tokens").json()
    assert set(tokens[0]) == props["TokenOut"]
    audit = api.as_("admin", "GET", "/admin/audit").json()
    assert set(audit[0]) == props["AuditOut"]
    closed = api.as_("alice", "POST", f"/conversations/{conv['id']}/close", json={"reason": "done"}).json()
    assert set(closed) == props["ClosedOut"]


def test_response_models_carry_the_real_keys_of_the_other_routes(api: Api) -> None:
    """Practice, accommodations, disputes, insights and the outbox: documented keys are the real ones."""
    from calmline.cases.models import Delivery

    schema = api.client.get("/openapi.json").json()
    props = {k: set(v.get("properties", {})) for k, v in schema["components"]["schemas"].items()}

    def optional(name: str) -> set[str]:
        return props[name] - set(schema["components"]["schemas"][name].get("required", []))

    personas = api.as_("alice", "GET", "/practice/personas").json()
    assert personas and all(set(p) == props["PersonaOut"] for p in personas)
    started = api.as_("alice", "POST", "/practice/sessions", json={"persona": personas[0]["id"], "seed": 3}).json()
    assert props["PracticeSessionOut"] - optional("PracticeSessionOut") <= set(started) <= props["PracticeSessionOut"]
    sid = started["id"]
    reply = api.as_("alice", "POST", f"/practice/sessions/{sid}/replies", json={"text": "Sorry, let me fix that."})
    assert props["PracticeReplyOut"] - optional("PracticeReplyOut") <= set(reply.json()) <= props["PracticeReplyOut"]
    debrief = api.as_("alice", "POST", f"/practice/sessions/{sid}/finish").json()
    assert set(debrief) == props["DebriefOut"]
    listed = api.as_("alice", "GET", "/practice/sessions").json()
    assert set(listed[0]) == props["PracticeSummaryOut"]
    view = api.as_("alice", "GET", f"/practice/sessions/{sid}").json()
    assert set(view) <= props["PracticeSessionOut"] and "debrief" in view

    conv = api.as_("alice", "POST", "/conversations", json={}).json()
    said = api.as_(
        "alice",
        "POST",
        f"/conversations/{conv['id']}/messages",
        json={"client_id": "k1", "role": "customer", "text": "You idiots, where is my refund?!"},
    ).json()
    acc = api.as_(
        "sue",
        "POST",
        f"/conversations/{conv['id']}/accommodations",
        json={"kind": "refund", "amount": 20, "currency": "GBP", "reason": "late parcel", "topic": "late parcel"},
    ).json()
    assert set(acc) == props["AccommodationOut"]
    groups = api.as_("sue", "GET", "/insights/consistency").json()
    assert groups and all(set(g) == props["ConsistencyGroupOut"] for g in groups)
    insights = api.as_("alice", "GET", "/insights").json()
    assert set(insights) == props["InsightsOut"]
    signal = next(s for s in said["analysis"]["signals"] if s["label"].startswith("abuse"))
    dispute = api.as_(
        "alice",
        "POST",
        f"/conversations/{conv['id']}/disputes",
        json={
            "message_id": said["message"]["id"],
            "label": signal["label"],
            "reason_code": "score_too_high",
            "reason": "x",
        },
    ).json()
    assert set(dispute) == props["DisputeOut"]
    with api.services.factory() as s:
        s.add(Delivery(event="escalation", payload={"event": "escalation"}))
        s.commit()
    deliveries = api.as_("admin", "GET", "/admin/deliveries").json()
    assert deliveries and all(set(d) == props["DeliveryOut"] for d in deliveries)


def test_every_operation_on_the_database_documents_the_outage_answer(api: Api) -> None:
    schema = api.client.get("/openapi.json").json()
    touched = 0
    for m, p, op in _ops(schema):
        if op.get("security") or p.startswith(("/webhooks/", "/integrations/")):
            outage = op["responses"].get("503")
            assert outage, (m, p)
            assert outage["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}
            assert "Retry-After" in outage["headers"], (m, p)
            touched += 1
    assert touched > 20
    assert "Retry-After" not in schema["paths"]["/ready"]["get"]["responses"]["503"].get("headers", {})  # /ready's own
