"""Migration 0009 (redacted free text is TEXT) upgrades and downgrades with data, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.orm import Session

from calmline.cases import db
from calmline.cases.models import ConversationRow, Escalation
from tests.service.conftest import db_url

LONG = " ".join(["[email]"] * 33)  # 263 characters: only a redacted value can be this long


def _migrate(engine: Engine, to: str) -> None:
    """Alembic ``upgrade``/``downgrade`` on a connection of ours (closed with it: no connection left open)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(db._MIGRATIONS))
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        (command.upgrade if to == "head" else command.downgrade)(cfg, to)
        conn.commit()


def _type(engine: Engine, table: str, column: str) -> str:
    return str(next(c["type"] for c in inspect(engine).get_columns(table) if c["name"] == column)).upper()


def test_0009_round_trip_keeps_rows_and_cuts_what_no_longer_fits(backend: str, tmp_path: Path) -> None:
    engine = create_engine(db_url(backend, tmp_path))
    try:
        _migrate(engine, "head")
        assert "TEXT" in _type(engine, "escalations", "to") and "TEXT" in _type(engine, "accommodations", "topic")
        with Session(engine) as s:  # the ORM's defaults fill the other columns
            s.add(ConversationRow(id="c1", agent="alice"))
            s.flush()
            s.add(Escalation(conversation_id="c1", team="default", to=LONG, created_by="alice"))
            s.commit()
        _migrate(engine, "0008")
        assert "200" in _type(engine, "escalations", "to")
        with engine.connect() as conn:
            kept = conn.execute(text('SELECT "to" FROM escalations')).scalar_one()
        # PostgreSQL cuts the value to the former length; SQLite does not enforce it and keeps it whole
        assert kept == (LONG[:200] if backend == "postgres" else LONG)
        _migrate(engine, "head")
        assert "TEXT" in _type(engine, "disputes", "label")
    finally:
        engine.dispose()
