"""Admin: the alert outbox. List webhook alerts by status and replay one (audit-logged)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query

from calmline.cases import outbox, store
from calmline.service.deps import ActorDep, ReadSessionDep, SessionDep, require
from calmline.service.errors import NotFound
from calmline.service.responses import DeliveryOut
from calmline.service.schemas import MAX_ID

router = APIRouter()

DeliveryId = Annotated[int, Path(ge=1, le=MAX_ID, description="The delivery's id (X-Calmline-Delivery).")]


@router.get("/admin/deliveries", tags=["admin"], response_model=list[DeliveryOut])
def list_deliveries(
    actor: ActorDep,
    s: ReadSessionDep,
    status: Annotated[Literal["pending", "sent", "failed"] | None, Query(description="Only this status.")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[dict[str, Any]]:
    """Outbound webhook alerts, newest first: status, attempts, next attempt and last error."""
    require(actor, "admin")
    return [outbox.describe(d) for d in outbox.list_deliveries(s, status=status, limit=limit, offset=offset)]


@router.post("/admin/deliveries/{delivery_id}/replay", tags=["admin"], response_model=DeliveryOut)
def replay_delivery(delivery_id: DeliveryId, actor: ActorDep, s: SessionDep) -> dict[str, Any]:
    """Send an alert again now (same idempotency key, so a receiver that has it drops the copy)."""
    require(actor, "admin")
    found = outbox.replay(s, delivery_id)
    if found is None:
        raise NotFound(f"no delivery {delivery_id}")
    row, before = found
    store.audit(s, actor, "delivery.replay", str(delivery_id), {"previous_status": before})
    s.commit()
    return outbox.describe(row)
