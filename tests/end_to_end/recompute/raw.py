"""Read the raw layer (one JSON vendor record per row) into typed dataclasses.

DuckDB is used only to fetch `record`, `is_archived` and whether `_deleted_at` is set; every
field is parsed here in Python.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb


@dataclass(frozen=True, slots=True)
class Contact:
    id: str
    created_at: datetime
    phones: tuple[str, ...]  # free text as typed in the CRM
    original_source: str | None
    owner_id: str | None


@dataclass(frozen=True, slots=True)
class Deal:
    id: str
    created_at: datetime
    close_at: datetime | None
    pipeline_id: str | None
    stage_id: str | None
    owner_id: str | None
    amount: str | None
    currency: str | None
    amount_home: str | None
    contact_ids: tuple[str, ...]
    # the outcome where the CRM states it on the deal (Pipedrive `status`); None: read the
    # pipeline's stage metadata (HubSpot)
    status: str | None = None


@dataclass(frozen=True, slots=True)
class Owner:
    id: str
    email: str | None
    first_name: str | None
    last_name: str | None
    primary_team: str | None
    user_id: str | None  # HubSpot user id, which goals may use as assignee
    archived: bool
    fallback_agent: str | None = None  # the agent of an owner without e-mail; None: HubSpot's


@dataclass(frozen=True, slots=True)
class Stage:
    is_closed: bool
    probability: float | None


@dataclass(frozen=True, slots=True)
class Pipeline:
    id: str
    label: str
    stages: dict[str, Stage]


@dataclass(frozen=True, slots=True)
class GoalTarget:
    id: str
    amount: str | None
    start: datetime | None
    end: datetime | None
    owner_id: str | None
    assignee_user_id: str | None


@dataclass(frozen=True, slots=True)
class Call:
    id: str
    direction: str
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    raw_digits: str | None
    user_id: str | None
    number_id: str | None
    number_digits: str | None
    missed_reason: str | None
    voicemail: str | None
    user_name: str | None = None  # the agent as the call names it
    user_email: str | None = None


@dataclass(frozen=True, slots=True)
class AircallUser:
    id: str
    name: str | None
    email: str | None


@dataclass(frozen=True, slots=True)
class Team:
    id: str
    name: str
    user_ids: tuple[str, ...]


@dataclass(slots=True)
class RawData:
    contacts: list[Contact]  # the leads: deleted and merged-away contacts resolved (deletes.py)
    deals: list[Deal]  # deleted deals dropped, contacts re-pointed to the leads they belong to
    owners: list[Owner]
    pipelines: dict[str, Pipeline]
    goals: list[GoalTarget]
    calls: list[Call]
    users: list[AircallUser]
    numbers: dict[str, str]  # Aircall number id -> digits as the vendor prints them
    teams: list[Team]


def hubspot_time(value: Any) -> datetime | None:
    """Parse a HubSpot datetime: ISO-8601 text, or epoch milliseconds as text (older objects)."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    if text.isdigit():
        return datetime.fromtimestamp(int(text) / 1000, tz=UTC)
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    # A date-only or naive value is UTC by the vendor contract.
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def aircall_time(value: Any) -> datetime | None:
    """Aircall times are UNIX seconds."""
    if value in (None, ""):
        return None
    return datetime.fromtimestamp(int(value), tz=UTC)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text if text.strip() else None


def _rows(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[dict[str, Any], bool]]:
    fetched = con.execute(f"select record, is_archived from {table} order by id").fetchall()
    return [(json.loads(record), bool(archived)) for record, archived in fetched]


def _rows_with_deletes(
    con: duckdb.DuckDBPyConnection, table: str
) -> list[tuple[dict[str, Any], bool, bool]]:
    """(record, is_archived, found gone at the vendor) of every row."""
    fetched = con.execute(
        f"select record, is_archived, _deleted_at is not null from {table} order by id"
    ).fetchall()
    return [(json.loads(record), bool(archived), bool(gone)) for record, archived, gone in fetched]
