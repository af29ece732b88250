"""Builders of verbatim vendor records for the hand-made fixture (HubSpot strings, Aircall ints,
Twilio Conversations resources, Aircall message webhook events)."""

from __future__ import annotations

import hashlib
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


NUMBERS = {
    1: "+33 800 12 34 56",
    2: "+33 1 87 65 43 21",
    3: "+33 9 70 12 34 56",
    4: "+33 6 44 55 66 77",  # a mobile line that carries SMS and WhatsApp (no call uses it)
}
USERS = [
    {"id": 501, "name": "Lea D.", "email": "lea.dubois@example.com"},
    {"id": 502, "name": "Sam Support", "email": "sam@example.com"},
    {"id": 503, "name": "Nomail", "email": None},
    {"id": 504, "name": "Marc P.", "email": "MARC@example.com"},
]
USERS_BY_ID = {u["id"]: u for u in USERS}


# --- Messaging: Twilio Conversations resources and Aircall message webhook envelopes ---------
# Shapes of sandbox/apis/twilio_render.py and docs source_apis.md §3.8 / §5.2, field for field.
TWILIO_HOST = "https://conversations.twilio.com"
TWILIO_ACCOUNT = "AC" + "f1" * 16


def twilio_sid(prefix: str, name: str) -> str:
    """A Twilio-looking sid (two letters, 32 hex digits), stable for a fixture name."""
    return prefix + hashlib.md5(f"fixture:{name}".encode()).hexdigest()


CHAT_SERVICE = twilio_sid("IS", "chat-service")


def twilio_iso(text: str) -> str:
    return f"{text}Z"


def twilio_conversation(name: str, created: str, updated: str, state: str = "closed") -> dict:
    sid = twilio_sid("CH", name)
    url = f"{TWILIO_HOST}/v1/Conversations/{sid}"
    return {
        "sid": sid, "account_sid": TWILIO_ACCOUNT, "chat_service_sid": CHAT_SERVICE,
        "messaging_service_sid": twilio_sid("MG", "messaging-service"), "friendly_name": None,
        "unique_name": None, "attributes": "{}", "state": state,
        "date_created": twilio_iso(created), "date_updated": twilio_iso(updated), "timers": {},
        "bindings": None, "url": url,
        "links": {"participants": f"{url}/Participants", "messages": f"{url}/Messages",
                  "webhooks": f"{url}/Webhooks"},
    }  # fmt: skip


def twilio_participant(conversation: str, name: str, created: str, *, identity: str | None = None,
                       binding: tuple[str, str, str] | None = None) -> dict:  # fmt: skip
    """`binding` = (type, address, proxy_address) of a phone participant."""
    csid, sid = twilio_sid("CH", conversation), twilio_sid("MB", f"{conversation}:{name}")
    messaging_binding = None
    if binding is not None:
        kind, address, proxy = binding
        messaging_binding = {"type": kind, "address": address, "proxy_address": proxy}
    return {
        "sid": sid, "account_sid": TWILIO_ACCOUNT, "conversation_sid": csid, "identity": identity,
        "messaging_binding": messaging_binding, "role_sid": twilio_sid("RL", "participant"),
        "attributes": "{}", "date_created": twilio_iso(created),
        "date_updated": twilio_iso(created), "last_read_message_index": None,
        "last_read_timestamp": None,
        "url": f"{TWILIO_HOST}/v1/Conversations/{csid}/Participants/{sid}",
    }  # fmt: skip


def twilio_message(conversation: str, index: int, author: str, participant: str | None,
                   created: str, *, phone: bool = True) -> dict:  # fmt: skip
    """`participant` names the writing participant (`customer`: the phone-bound customer); None
    for a REST send (automation). Messages to the customer's phone carry a delivery summary
    (`phone=False`: a web chat, none)."""
    csid = twilio_sid("CH", conversation)
    sid = twilio_sid("IM", f"{conversation}:{index}")
    url = f"{TWILIO_HOST}/v1/Conversations/{csid}/Messages/{sid}"
    delivery = {"total": 1, "sent": "all", "delivered": "all", "read": "none", "failed": "none",
                "undelivered": "none"}  # fmt: skip
    return {
        "sid": sid, "account_sid": TWILIO_ACCOUNT, "conversation_sid": csid, "index": index,
        "author": author,
        "participant_sid": twilio_sid("MB", f"{conversation}:{participant}") if participant
        else None,
        "body": f"message {index}", "media": None, "attributes": "{}",
        "delivery": delivery if phone and participant != "customer" else None, "content_sid": None,
        "date_created": twilio_iso(created), "date_updated": twilio_iso(created), "url": url,
        "links": {"delivery_receipts": f"{url}/Receipts",
                  "channel_metadata": f"{url}/ChannelMetadata"},
    }  # fmt: skip


AIRCALL_EVENTS = {"inbound": "message.received", "outbound": "message.sent"}


def aircall_message(mid: str, direction: str, channel: str, created: str, external: str,
                    number: int, *, user: dict | None = None, status: str | None = None,
                    updated: str | None = None) -> dict:  # fmt: skip
    """The stored event: Aircall's envelope minus its token. `updated` makes it the
    `message.status_updated` event that replaced the first one on the same raw row."""
    data = {
        "id": mid, "direction": direction,
        "status": status or ("received" if direction == "inbound" else "sent"),
        "channel": channel, "body": f"message {mid}", "created_at": f"{created}Z",
        "external_number": external, "origin": "native",
        "number": {"id": number, "name": NUMBER_NAMES[number], "digits": NUMBERS[number],
                   "country": "FR", "time_zone": "Europe/Paris"},
        "user": user,
    }  # fmt: skip
    event = "message.status_updated" if updated else AIRCALL_EVENTS[direction]
    return {
        "resource": "message",
        "event": event,
        "timestamp": epoch(updated or created),
        "data": data,
    }


NUMBER_NAMES = {1: "Toll free", 2: "Paris", 3: "Radio", 4: "Mobile messaging"}
