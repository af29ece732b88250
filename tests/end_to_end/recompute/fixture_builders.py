"""Builders of verbatim vendor records for the hand-made fixture (HubSpot strings, Aircall ints)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def epoch(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


def contact(cid: str, created: str, props: dict[str, Any]) -> dict[str, Any]:
    base = {"createdate": f"{created}.000Z", "hs_object_id": cid}
    return {"id": cid, "properties": base | props, "archived": False}


def deal(did: str, created: str, closed: str | None, contacts: list[str], **props: Any) -> dict:
    properties = {"createdate": f"{created}.000Z", "hs_object_id": did, "pipeline": "default"}
    properties |= {"closedate": f"{closed}Z" if closed else None} | props
    associations = {
        "contacts": {"results": [{"id": c, "type": "deal_to_contact"} for c in contacts]}
    }
    record = {"id": did, "properties": properties, "archived": False}
    return record | ({"associations": associations} if contacts else {})


def call(cid: int, direction: str, number: int, digits: str, start: str, **extra: Any) -> dict:
    started = epoch(start)
    answer = extra.pop("answer", None)
    user = extra.pop("user", None)
    record = {
        "id": cid,
        "direction": direction,
        "status": "done",
        "started_at": started,
        "answered_at": started + answer if answer is not None else None,
        "ended_at": started + extra.pop("length", 30),
        "raw_digits": digits,
        "number": {"id": number, "digits": NUMBERS[number]},
        "missed_call_reason": extra.pop("reason", None),
        "voicemail": extra.pop("voicemail", None),
        "archived": extra.pop("archived", False),
    }
    return record | ({"user": USERS_BY_ID[user]} if user else {})


NUMBERS = {1: "+33 800 12 34 56", 2: "+33 1 87 65 43 21", 3: "+33 9 70 12 34 56"}
USERS = [
    {"id": 501, "name": "Lea D.", "email": "lea.dubois@example.com"},
    {"id": 502, "name": "Sam Support", "email": "sam@example.com"},
    {"id": 503, "name": "Nomail", "email": None},
    {"id": 504, "name": "Marc P.", "email": "MARC@example.com"},
]
USERS_BY_ID = {u["id"]: u for u in USERS}
