"""Read the raw layer (one JSON vendor record per row) into typed dataclasses.

DuckDB is used only to fetch `record`, `is_archived` and whether `_deleted_at` is set; every
field is parsed here in Python.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
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


@dataclass(frozen=True, slots=True)
class TwilioConversation:
    """A Twilio conversation that still exists (`_deleted_at` not set)."""

    sid: str
    chat_service_sid: str | None


@dataclass(frozen=True, slots=True)
class TwilioParticipant:
    sid: str
    conversation_sid: str
    created_at: datetime | None
    identity: str | None  # a chat user (agents: their e-mail)
    bound: bool  # has a `messaging_binding`: a phone (SMS / WhatsApp) address
    binding_type: str | None  # `messaging_binding.type`: sms | whatsapp
    address: str | None  # `messaging_binding.address`, verbatim (`whatsapp:+33...`)
    proxy_address: str | None  # `messaging_binding.proxy_address`: the business sender


@dataclass(frozen=True, slots=True)
class TwilioMessage:
    sid: str
    conversation_sid: str
    index: int | None
    author: str | None  # identity or address
    participant_sid: str | None  # None for messages sent through the REST API (automation)
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AircallMessage:
    """One Aircall message (the `data` of its latest webhook event; one raw row per id)."""

    id: str
    direction: str  # inbound | outbound
    channel: str | None  # sms | whatsapp
    created_at: datetime
    external_number: str | None  # the customer, E.164 or free text
    number_id: str | None
    number_digits: str | None  # the business number as Aircall prints it
    user_id: str | None  # the agent who sent an outbound message; None: automated or inbound
    user_email: str | None


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
    # Messaging (empty when no messaging source syncs): deleted Twilio rows already dropped.
    twilio_conversations: list[TwilioConversation] = field(default_factory=list)
    twilio_participants: list[TwilioParticipant] = field(default_factory=list)
    twilio_messages: list[TwilioMessage] = field(default_factory=list)
    aircall_messages: list[AircallMessage] = field(default_factory=list)


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


def iso_time(value: Any) -> datetime | None:
    """Twilio Conversations and Aircall message times: ISO-8601 UTC text."""
    if value in (None, ""):
        return None
    parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
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


def has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    schema, name = table.split(".")
    found = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchone()
    return bool(found and found[0])


def _rows_with_deletes(
    con: duckdb.DuckDBPyConnection, table: str
) -> list[tuple[dict[str, Any], bool, bool]]:
    """(record, is_archived, found gone at the vendor) of every row."""
    fetched = con.execute(
        f"select record, is_archived, _deleted_at is not null from {table} order by id"
    ).fetchall()
    return [(json.loads(record), bool(archived), bool(gone)) for record, archived, gone in fetched]
