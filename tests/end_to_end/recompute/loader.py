"""Turn raw-layer rows into the dataclasses of `raw.py` (one parser per vendor record shape)."""

from __future__ import annotations

from typing import Any

import duckdb

from . import pipedrive
from .deletes import RawContact, resolve
from .raw import (
    AircallMessage,
    AircallUser,
    Call,
    Contact,
    Deal,
    GoalTarget,
    Owner,
    Pipeline,
    RawData,
    Stage,
    Team,
    TwilioConversation,
    TwilioMessage,
    TwilioParticipant,
    _rows,
    _rows_with_deletes,
    _text,
    aircall_time,
    has_table,
    hubspot_time,
    iso_time,
)


def parse_contact(record: dict[str, Any]) -> Contact:
    props = record.get("properties") or {}
    created = hubspot_time(props.get("createdate")) or hubspot_time(record.get("createdAt"))
    assert created is not None, f"contact {record['id']} has no create date"
    phones = tuple(p for p in (props.get("phone"), props.get("mobilephone")) if _text(p))
    return Contact(
        id=str(record["id"]),
        created_at=created,
        phones=phones,
        original_source=_text(props.get("hs_analytics_source")),
        owner_id=_text(props.get("hubspot_owner_id")),
    )


def parse_raw_contact(record: dict[str, Any], archived: bool, gone: bool) -> RawContact:
    merged = str((record.get("properties") or {}).get("hs_merged_object_ids") or "")
    return RawContact(
        contact=parse_contact(record),
        archived=archived or bool(record.get("archived")),
        gone=gone,
        merged_ids=tuple(i.strip(" ") for i in merged.split(";") if i.strip(" ")),
    )


def load_crm(con: duckdb.DuckDBPyConnection) -> tuple[list[Contact], list[Deal]]:
    """Leads and deals of every CRM: deleted deals dropped, deleted and merged contacts resolved.

    HubSpot and Pipedrive (ids prefixed `pipedrive:`) are read side by side, as the dbt seams
    union them; a deployment has one of them filled.
    """
    contacts = [parse_raw_contact(*row) for row in _rows_with_deletes(con, "raw_hubspot.contacts")]
    deals = [
        parse_deal(r)
        for r, a, gone in _rows_with_deletes(con, "raw_hubspot.deals")
        if not a and not gone
    ]
    if pipedrive.has_tables(con):
        persons, pipedrive_deals = pipedrive.load_crm(con)
        contacts += persons
        deals += pipedrive_deals
    return resolve(contacts, deals)


def parse_deal(record: dict[str, Any]) -> Deal:
    props = record.get("properties") or {}
    created = hubspot_time(props.get("createdate")) or hubspot_time(record.get("createdAt"))
    assert created is not None, f"deal {record['id']} has no create date"
    associations = ((record.get("associations") or {}).get("contacts") or {}).get("results") or []
    return Deal(
        id=str(record["id"]),
        created_at=created,
        close_at=hubspot_time(props.get("closedate")),
        pipeline_id=_text(props.get("pipeline")),
        stage_id=_text(props.get("dealstage")),
        owner_id=_text(props.get("hubspot_owner_id")),
        amount=_text(props.get("amount")),
        currency=_text(props.get("deal_currency_code")),
        amount_home=_text(props.get("amount_in_home_currency")),
        # A contact may be associated twice (several association types): keep it once.
        contact_ids=tuple(dict.fromkeys(str(a["id"]) for a in associations)),
    )


def parse_owner(record: dict[str, Any], archived: bool) -> Owner:
    primary = [t for t in record.get("teams") or [] if t.get("primary") in (True, "true")]
    return Owner(
        id=str(record["id"]),
        email=_text(record.get("email")),
        first_name=_text(record.get("firstName")),
        last_name=_text(record.get("lastName")),
        primary_team=_text(primary[0].get("name")) if primary else None,
        user_id=_text(record.get("userId")),
        archived=archived or bool(record.get("archived")),
    )


def parse_pipeline(record: dict[str, Any]) -> Pipeline:
    stages = {}
    for stage in record.get("stages") or []:
        meta = stage.get("metadata") or {}
        probability = _text(meta.get("probability"))
        stages[str(stage["id"])] = Stage(
            is_closed=str(meta.get("isClosed")).lower() == "true",
            probability=float(probability) if probability is not None else None,
        )
    return Pipeline(id=str(record["id"]), label=str(record.get("label") or ""), stages=stages)


def parse_goal(record: dict[str, Any]) -> GoalTarget:
    props = record.get("properties") or {}
    return GoalTarget(
        id=str(record["id"]),
        amount=_text(props.get("hs_target_amount")),
        start=hubspot_time(props.get("hs_start_datetime")),
        end=hubspot_time(props.get("hs_end_datetime")),
        owner_id=_text(props.get("hubspot_owner_id")),
        assignee_user_id=_text(props.get("hs_assignee_user_id")),
    )


def parse_call(record: dict[str, Any]) -> Call:
    user = record.get("user") or {}
    number = record.get("number") or {}
    started = aircall_time(record.get("started_at"))
    assert started is not None, f"call {record['id']} has no start"
    return Call(
        id=str(record["id"]),
        direction=str(record.get("direction")),
        started_at=started,
        answered_at=aircall_time(record.get("answered_at")),
        ended_at=aircall_time(record.get("ended_at")),
        raw_digits=_text(record.get("raw_digits")),
        user_id=_text(user.get("id")),
        number_id=_text(number.get("id")),
        number_digits=_text(number.get("digits")),
        missed_reason=_text(record.get("missed_call_reason")),
        voicemail=_text(record.get("voicemail")),
        user_name=_text(user.get("name")),
        user_email=_text(user.get("email")),
    )


def parse_team(record: dict[str, Any]) -> Team:
    users = tuple(str(u["id"]) for u in record.get("users") or [])
    return Team(id=str(record["id"]), name=str(record.get("name") or ""), user_ids=users)


def parse_twilio_participant(record: dict[str, Any]) -> TwilioParticipant:
    binding = record.get("messaging_binding")
    bound = isinstance(binding, dict)
    binding = binding if bound else {}
    return TwilioParticipant(
        sid=str(record["sid"]),
        conversation_sid=str(record.get("conversation_sid")),
        created_at=iso_time(record.get("date_created")),
        identity=_text(record.get("identity")),
        bound=bound,
        binding_type=_text(binding.get("type")),
        address=_text(binding.get("address")),
        proxy_address=_text(binding.get("proxy_address")),
    )


def parse_twilio_message(record: dict[str, Any]) -> TwilioMessage:
    created = iso_time(record.get("date_created"))
    assert created is not None, f"Twilio message {record['sid']} has no date_created"
    index = record.get("index")
    return TwilioMessage(
        sid=str(record["sid"]),
        conversation_sid=str(record.get("conversation_sid")),
        index=int(index) if index is not None else None,
        author=_text(record.get("author")),
        participant_sid=_text(record.get("participant_sid")),
        created_at=created,
    )


def parse_aircall_message(envelope: dict[str, Any]) -> AircallMessage:
    """The `data` of the stored event (the envelope minus its token, latest status)."""
    data = envelope.get("data") or {}
    created = iso_time(data.get("created_at"))
    assert created is not None, f"Aircall message {data.get('id')} has no created_at"
    number = data.get("number") or {}
    user = data.get("user") or {}
    return AircallMessage(
        id=str(data["id"]),
        direction=str(data.get("direction") or "").strip().lower(),
        channel=_text(data.get("channel")),
        created_at=created,
        external_number=_text(data.get("external_number")),
        number_id=_text(number.get("id")),
        number_digits=_text(number.get("digits")),
        user_id=_text(user.get("id")),
        user_email=_text(user.get("email")),
    )


def _live(con: duckdb.DuckDBPyConnection, table: str) -> list[dict[str, Any]]:
    """Records of a messaging raw table that the vendor still holds (none if it is absent)."""
    if not has_table(con, table):
        return []
    return [record for record, _, gone in _rows_with_deletes(con, table) if not gone]


def load_messaging(con: duckdb.DuckDBPyConnection) -> dict[str, list]:
    """The messaging raw tables as `RawData` keyword arguments; a deleted Twilio conversation
    (`_deleted_at` set) is dropped here, its participants and messages in conversations.py."""
    return {
        "twilio_conversations": [
            TwilioConversation(str(r["sid"]), _text(r.get("chat_service_sid")))
            for r in _live(con, "raw_twilio.conversations")
        ],
        "twilio_participants": [
            parse_twilio_participant(r) for r in _live(con, "raw_twilio.participants")
        ],
        "twilio_messages": [parse_twilio_message(r) for r in _live(con, "raw_twilio.messages")],
        "aircall_messages": [parse_aircall_message(r) for r in _live(con, "raw_aircall.messages")],
    }


def load_raw(con: duckdb.DuckDBPyConnection) -> RawData:
    """Read every raw table the KPIs use; deleted deals, contacts and goals are dropped here."""
    contacts, deals = load_crm(con)
    owners = [parse_owner(r, a) for r, a in _rows(con, "raw_hubspot.owners")]
    pipelines = {
        p.id: p for p in (parse_pipeline(r) for r, _ in _rows(con, "raw_hubspot.deal_pipelines"))
    }
    if pipedrive.has_tables(con):
        owners += pipedrive.load_owners(con)
        pipelines |= pipedrive.load_pipelines(con)
    return RawData(
        contacts=contacts,
        deals=deals,
        owners=owners,
        pipelines=pipelines,
        goals=[parse_goal(r) for r, a in _rows(con, "raw_hubspot.goal_targets") if not a],
        calls=[parse_call(r) for r, _ in _rows(con, "raw_aircall.calls")],
        users=[
            AircallUser(str(r["id"]), _text(r.get("name")), _text(r.get("email")))
            for r, _ in _rows(con, "raw_aircall.users")
        ],
        numbers={
            str(r["id"]): str(r.get("digits") or "") for r, _ in _rows(con, "raw_aircall.numbers")
        },
        teams=[parse_team(r) for r, _ in _rows(con, "raw_aircall.teams")],
        **load_messaging(con),
    )
