"""Pipedrive raw records read into the same dataclasses as HubSpot's (kpis.md "Per-CRM readings").

Every id is prefixed `pipedrive:` (the customer key input, so two CRMs never collide). A person
is a lead created at `add_time` with every `phones[*].value`; its original source is the `origin`
of its earliest-created live deal. A deal's only contact is `person_id`, its outcome its `status`,
its close time `won_time` / `lost_time` else `close_time`, its amount `value` in `currency`.
Deleted is `is_deleted`, `status=deleted` or `is_archived` (or the raw flags). Users are owners
without a team, so the telephony team applies; Pipedrive has no goals (targets: the seed).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb

from .deletes import RawContact
from .raw import Contact, Deal, Owner, Pipeline, _rows, _rows_with_deletes, _text, hubspot_time

PREFIX = "pipedrive:"


def has_tables(con: duckdb.DuckDBPyConnection) -> bool:
    found = con.execute(
        "select count(*) from information_schema.tables where table_schema = 'raw_pipedrive'"
    ).fetchone()
    return bool(found and found[0])


def _id(value: Any) -> str | None:
    text = _text(value)
    return PREFIX + text.strip() if text is not None else None


def rfc3339(value: Any) -> datetime | None:
    return hubspot_time(value)  # ISO-8601 UTC text, parsed the same way


def _flag(record: dict[str, Any], name: str) -> bool:
    return str(record.get(name)).lower() == "true"


def deal_deleted(record: dict[str, Any], archived: bool, gone: bool) -> bool:
    status = str(record.get("status") or "").strip().lower()
    return (
        archived or gone or _flag(record, "is_deleted") or _flag(record, "is_archived")
        or status == "deleted"
    )  # fmt: skip


def close_time(record: dict[str, Any]) -> datetime | None:
    status = str(record.get("status") or "").strip().lower()
    own = {"won": "won_time", "lost": "lost_time"}.get(status)
    moment = rfc3339(record.get(own)) if own else None
    return moment if moment is not None else rfc3339(record.get("close_time"))


def parse_deal(record: dict[str, Any]) -> Deal:
    created = rfc3339(record.get("add_time"))
    assert created is not None, f"Pipedrive deal {record['id']} has no add_time"
    person = _id(record.get("person_id"))
    value = record.get("value")
    return Deal(
        id=PREFIX + str(record["id"]),
        created_at=created,
        close_at=close_time(record),
        pipeline_id=_id(record.get("pipeline_id")),
        stage_id=_id(record.get("stage_id")),
        owner_id=_id(record.get("owner_id")),
        amount=_text(value),
        currency=_text(record.get("currency")),
        amount_home=None,
        contact_ids=(person,) if person else (),
        status=str(record.get("status") or "").strip().lower() or "open",
    )


def _deal_order(deal: Deal) -> tuple[datetime, int, str]:
    number = deal.id.removeprefix(PREFIX)
    return (deal.created_at, int(number) if number.isdigit() else 0, deal.id)


def origins(rows: list[tuple[dict[str, Any], bool, bool]]) -> dict[str, str | None]:
    """Person id -> `origin` of its earliest-created live deal (ties: the lowest deal id)."""
    earliest: dict[str, tuple[tuple[datetime, int, str], str | None]] = {}
    for record, archived, gone in rows:
        if deal_deleted(record, archived, gone):
            continue
        deal = parse_deal(record)
        for person in deal.contact_ids:
            key = _deal_order(deal)
            if person not in earliest or key < earliest[person][0]:
                earliest[person] = (key, _text(record.get("origin")))
    return {person: origin.strip() if origin else None for person, (_, origin) in earliest.items()}


def parse_person(record: dict[str, Any], source: str | None) -> Contact:
    created = rfc3339(record.get("add_time"))
    assert created is not None, f"Pipedrive person {record['id']} has no add_time"
    phones = tuple(
        text for phone in record.get("phones") or [] if (text := _text(phone.get("value")))
    )
    return Contact(
        id=PREFIX + str(record["id"]),
        created_at=created,
        phones=phones,
        original_source=source,
        owner_id=_id(record.get("owner_id")),
    )


def load_crm(con: duckdb.DuckDBPyConnection) -> tuple[list[RawContact], list[Deal]]:
    """Persons (deleted ones flagged, for deletes.resolve) and live deals."""
    deal_rows = _rows_with_deletes(con, "raw_pipedrive.deals")
    source_of = origins(deal_rows)
    persons = [
        RawContact(
            contact=parse_person(record, source_of.get(PREFIX + str(record["id"]))),
            archived=archived or _flag(record, "is_deleted"),
            gone=gone,
            merged_ids=(),  # a Pipedrive merge deletes the absorbed person
        )
        for record, archived, gone in _rows_with_deletes(con, "raw_pipedrive.persons")
    ]
    deals = [parse_deal(r) for r, a, gone in deal_rows if not deal_deleted(r, a, gone)]
    return persons, deals


def parse_user(record: dict[str, Any], archived: bool) -> Owner:
    name = _text(record.get("name"))
    return Owner(
        id=PREFIX + str(record["id"]),
        email=_text((record.get("email") or "").strip()),
        first_name=name.strip() if name else None,
        last_name=None,
        primary_team=None,  # users have no team: the telephony team applies
        user_id=None,
        archived=archived or record.get("active_flag") is False,
        fallback_agent=f"pipedrive_user_{record['id']}",
    )


def load_owners(con: duckdb.DuckDBPyConnection) -> list[Owner]:
    return [parse_user(r, a) for r, a in _rows(con, "raw_pipedrive.users")]


def load_pipelines(con: duckdb.DuckDBPyConnection) -> dict[str, Pipeline]:
    """Pipeline id -> its `name`; stages state no outcome (the deal's status does)."""
    return {
        PREFIX + str(r["id"]): Pipeline(PREFIX + str(r["id"]), str(r.get("name") or ""), {})
        for r, _ in _rows(con, "raw_pipedrive.pipelines")
    }
