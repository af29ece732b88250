"""Aircall message events rendered from the messaging facts (source_apis.md §3.8 working shape).

Aircall has no message history endpoint: each message reaches us as webhook events, the first
when it is received or sent, then ``message.status_updated`` as an outbound message is
delivered, read or fails. Every choice here (status, delays, the customer-number form) is a
hash of the message or thread id, so an edit to one thread never changes another's events.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sandbox.world.business import Business
from sandbox.world.calls import number_json
from sandbox.world.clock import iso_seconds
from sandbox.world.conversations import ConversationFact, MessageFact
from sandbox.world.people import Agent
from sandbox.world.phones import BusinessLine, pretty

SOURCE = "aircall"  # the threads rendered here (ConversationFact.source)
NUMBER_FIELDS = ("id", "name", "digits", "country", "time_zone")
FIRST_EVENT = {"inbound": "message.received", "outbound": "message.sent"}
STATUS_UPDATED = "message.status_updated"
FAILED_SHARE = 0.04  # outbound messages that fail (a number without WhatsApp, a dead SIM)
UNCONFIRMED_SHARE = 0.06  # outbound messages never confirmed: they stay ``sent``
READ_SHARE = 0.6  # delivered WhatsApp messages the customer opens (SMS has no read receipt)


@dataclass(frozen=True, slots=True)
class MessageEvent:
    """One webhook event about one message, before the envelope is put around it.

    Attributes:
        event: ``message.received``, ``message.sent`` or ``message.status_updated``.
        at: when Aircall sends it (UNIX s), the envelope's ``timestamp``.
        data: the message in the §3.8 ``data`` shape, its ``status`` as of this event.
    """

    event: str
    at: int
    data: dict[str, Any]


def message_events(business: Business) -> list[MessageEvent]:
    """Every event of the year's Aircall messages, in the order Aircall sends them."""
    end = business.calendar.end
    events = [
        event
        for events in _events_by_message(business)
        for event in events
        if event.at < end  # a status change after the year has not happened yet
    ]
    events.sort(key=lambda e: (e.at, e.data["created_at"], e.data["id"]))
    return events


def latest_events(business: Business) -> list[MessageEvent]:
    """The last event of each message: what the raw table keeps once every event landed."""
    end = business.calendar.end
    latest = []
    for events in _events_by_message(business):
        latest.append([event for event in events if event.at < end][-1])
    return latest


def message_id(message: MessageFact) -> str:
    """Aircall's string id of a message, stable for the same thread and position."""
    digest = hashlib.md5(f"aircall-message:{message.message_id}".encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


def external_number(conversation: ConversationFact) -> str:
    """The customer's number as Aircall prints it for this thread: free text in one of
    several forms, which the KPIs must normalise to match the lead."""
    e164 = conversation.customer_address
    form = _fraction("external-number", conversation.conversation_id)
    if not e164.startswith("+33"):
        return e164 if form < 0.5 else pretty(e164)
    if form < 0.4:
        return pretty(e164)  # +33 6 12 34 56 78
    if form < 0.7:
        national = "0" + e164[3:]
        return " ".join(national[i : i + 2] for i in range(0, 10, 2))  # 06 12 34 56 78
    return e164  # +33612345678


def message_data(
    conversation: ConversationFact,
    message: MessageFact,
    line: BusinessLine,
    agent: Agent | None,
    status: str,
) -> dict[str, Any]:
    """The §3.8 ``data`` of one message: ``user`` is the agent's Aircall user (the ids the
    Aircall API serves), null for the customer and for automated sends."""
    number = number_json(line)
    user = None
    if message.author_kind == "agent" and agent is not None:
        user = {"id": agent.user_id, "name": agent.name, "email": agent.aircall_email}
    return {
        "id": message_id(message),
        "direction": message.direction,
        "status": status,
        "channel": conversation.channel,
        "body": message.body,
        "created_at": iso_seconds(message.sent_at),
        "external_number": external_number(conversation),
        "origin": "native",
        "number": {field: number[field] for field in NUMBER_FIELDS},
        "user": user,
    }


def _events_by_message(business: Business) -> Iterator[list[MessageEvent]]:
    lines = {line.e164: line for line in business.lines}
    agents = {agent.email: agent for agent in business.agents}
    for conversation in business.conversations.carried_by(SOURCE):
        line = lines[conversation.business_address]
        for position, message in enumerate(conversation.messages):
            following = conversation.messages[position + 1 : position + 2]
            replied = following[0].sent_at if following else None
            agent = agents.get(message.agent_email or "")
            yield [
                MessageEvent(event, at, message_data(conversation, message, line, agent, status))
                for event, at, status in _lifecycle(conversation, message, replied)
            ]


def _lifecycle(
    conversation: ConversationFact, message: MessageFact, next_sent_at: int | None
) -> list[tuple[str, int, str]]:
    """(event, time, status) of one message: received, or sent then perhaps delivered/read/
    failed. A read receipt comes before the next message of the thread, when there is one."""
    sent = message.sent_at
    if message.direction == "inbound":
        return [(FIRST_EVENT["inbound"], sent, "received")]
    steps = [(FIRST_EVENT["outbound"], sent, "sent")]
    roll = _fraction("delivery", message.message_id)
    if roll < FAILED_SHARE:
        return [*steps, (STATUS_UPDATED, sent + _seconds("failed", message, 5, 90), "failed")]
    if roll < FAILED_SHARE + UNCONFIRMED_SHARE:
        return steps
    delivered = sent + _seconds("delivered", message, 1, 30)
    steps.append((STATUS_UPDATED, delivered, "delivered"))
    if conversation.channel == "whatsapp" and _fraction("read", message.message_id) < READ_SHARE:
        read = delivered + _seconds("read", message, 20, 3 * 3600)
        if next_sent_at is not None:
            read = max(delivered, min(read, next_sent_at - 1))
        steps.append((STATUS_UPDATED, read, "read"))
    return steps


def _fraction(salt: str, key: object) -> float:
    digest = hashlib.md5(f"{salt}:{key}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32


def _seconds(salt: str, message: MessageFact, low: int, high: int) -> int:
    return low + int(_fraction(salt, message.message_id) * (high - low + 1))
