"""Remember what happened: cases, messages, timers, escalations, incidents (SQLAlchemy 2 + Alembic).

>>> from calmline.cases import make_engine, make_sessionmaker, migrate
>>> engine = make_engine("sqlite:///calmline.db"); migrate(engine)  # doctest: +SKIP
"""

from calmline.cases.db import make_engine, make_sessionmaker, migrate
from calmline.cases.models import case_number
from calmline.cases.pipeline import Policy, analyse_message, analyse_pending, escalate
from calmline.cases.redaction import redact
from calmline.cases.scheduler import Scheduler, deliver_due, fire_due
from calmline.cases.store import Actor

__all__ = [
    "Actor",
    "Policy",
    "Scheduler",
    "analyse_message",
    "analyse_pending",
    "case_number",
    "deliver_due",
    "escalate",
    "fire_due",
    "make_engine",
    "make_sessionmaker",
    "migrate",
    "redact",
]
