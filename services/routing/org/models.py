"""Tables of the organisation: teams (queues) and their agents."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from services.routing.base import Base
from shared.db_types import UtcDateTime


class Team(Base):
    """A team and its queue: which categories and languages it serves and how it hands cases to agents."""

    __tablename__ = "team"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # standard, triage (cases whose category a person confirms), emergency (safety fast lane) or priority
    # (high-value customers).
    kind: Mapped[str] = mapped_column(String(20))
    categories: Mapped[list[str]] = mapped_column(JSON)
    languages: Mapped[list[str]] = mapped_column(JSON)
    strategy: Mapped[str] = mapped_column(String(20))
    relax_after_s: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Agent(Base):
    """A person who works cases: skills, role, capacity (most open cases at once), weekly schedule, presence."""

    __tablename__ = "agent"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    team_id: Mapped[str] = mapped_column(String(64), ForeignKey("team.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    categories: Mapped[list[str]] = mapped_column(JSON)
    languages: Mapped[list[str]] = mapped_column(JSON)
    channels: Mapped[list[str]] = mapped_column(JSON)
    capacity: Mapped[int] = mapped_column(Integer)
    open_cases: Mapped[int] = mapped_column(Integer)
    presence: Mapped[str] = mapped_column(String(20))
    timezone: Mapped[str] = mapped_column(String(64))
    # {"mon": [["09:00", "17:00"]], …} in the agent's time zone; empty: always on duty.
    schedule: Mapped[dict[str, Any]] = mapped_column(JSON)
    last_assigned_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (CheckConstraint("open_cases >= 0 AND open_cases <= capacity", name="ck_agent_capacity"),)
