"""Twilio Conversations resources rendered from the messaging facts (source_apis.md §5.2)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from sandbox.config import TWILIO_ACCOUNT_SID
from sandbox.world.conversations import ConversationFact, MessageFact

SOURCE = "twilio"  # the threads rendered here (ConversationFact.source); Aircall's are webhooks
# Resource URLs name the vendor host, not the sandbox's: raw records stay the same whatever port
# the sandbox listens on (only meta.next_page_url, which clients follow, uses the request host).
TWILIO_HOST = "https://conversations.twilio.com"
CHAT_SERVICE_SID = "IS" + hashlib.md5(b"sandbox-chat-service").hexdigest()
MESSAGING_SERVICE_SID = "MG" + hashlib.md5(b"sandbox-messaging-service").hexdigest()
ROLE_SID = "RL" + hashlib.md5(b"sandbox-participant-role").hexdigest()
SYSTEM_AUTHOR = "system"  # Twilio's author of a message sent through the REST API without one


def sid(prefix: str, *parts: object) -> str:
    """A Twilio-looking sid: two letters and 32 hex digits, stable for the same parts."""
    return prefix + hashlib.md5(":".join(map(str, parts)).encode()).hexdigest()


def iso(epoch_s: int) -> str:
    """Twilio Conversations' ISO-8601: ``2024-07-01T08:40:11Z`` (seconds, no fraction)."""
    return dt.datetime.fromtimestamp(epoch_s, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def conversation_sid(conversation: ConversationFact) -> str:
    return sid("CH", "conversation", conversation.conversation_id)


def address(conversation: ConversationFact, e164: str) -> str:
    """A binding address: WhatsApp ones carry the ``whatsapp:`` prefix, SMS ones are plain."""
    return f"whatsapp:{e164}" if conversation.channel == "whatsapp" else e164


@dataclass(frozen=True, slots=True)
class Party:
    """A participant: the customer's phone binding or an agent's chat identity."""

    participant_sid: str
    identity: str | None  # the agent's e-mail; None for the customer
    joined_at: int


def parties(conversation: ConversationFact) -> list[Party]:
    """The customer, then each agent in order of their first message."""
    cid = conversation.conversation_id
    found = [Party(sid("MB", cid, "customer"), None, conversation.started_at)]
    for email in conversation.agent_emails():
        first = next(m.sent_at for m in conversation.messages if m.agent_email == email)
        found.append(Party(sid("MB", cid, email), email, min(first, conversation.started_at)))
    return found


def state(conversation: ConversationFact) -> str:
    return "closed" if conversation.closed_at is not None else "active"


def conversation_json(conversation: ConversationFact) -> dict[str, Any]:
    csid = conversation_sid(conversation)
    url = f"{TWILIO_HOST}/v1/Conversations/{csid}"
    return {
        "sid": csid,
        "account_sid": TWILIO_ACCOUNT_SID,
        "chat_service_sid": CHAT_SERVICE_SID,
        "messaging_service_sid": MESSAGING_SERVICE_SID,
        "friendly_name": None,
        "unique_name": None,
        "attributes": "{}",
        "state": state(conversation),
        "date_created": iso(conversation.started_at),
        "date_updated": iso(conversation.last_activity),
        "timers": {},
        "bindings": None,
        "url": url,
        "links": {
            "participants": f"{url}/Participants",
            "messages": f"{url}/Messages",
            "webhooks": f"{url}/Webhooks",
        },
    }


def participant_json(conversation: ConversationFact, party: Party) -> dict[str, Any]:
    csid = conversation_sid(conversation)
    binding = None
    if party.identity is None:
        binding = {
            "type": conversation.channel,
            "address": address(conversation, conversation.customer_address),
            "proxy_address": address(conversation, conversation.business_address),
        }
    return {
        "sid": party.participant_sid,
        "account_sid": TWILIO_ACCOUNT_SID,
        "conversation_sid": csid,
        "identity": party.identity,
        "messaging_binding": binding,
        "role_sid": ROLE_SID,
        "attributes": "{}",
        "date_created": iso(party.joined_at),
        "date_updated": iso(party.joined_at),
        "last_read_message_index": None,
        "last_read_timestamp": None,
        "url": f"{TWILIO_HOST}/v1/Conversations/{csid}/Participants/{party.participant_sid}",
    }


def message_json(conversation: ConversationFact, message: MessageFact) -> dict[str, Any]:
    csid = conversation_sid(conversation)
    cid = conversation.conversation_id
    if message.author_kind == "customer":
        author = address(conversation, conversation.customer_address)
        participant: str | None = sid("MB", cid, "customer")
    elif message.author_kind == "agent":
        author, participant = str(message.agent_email), sid("MB", cid, message.agent_email)
    else:
        author, participant = SYSTEM_AUTHOR, None
    msid = sid("IM", "message", message.message_id)
    url = f"{TWILIO_HOST}/v1/Conversations/{csid}/Messages/{msid}"
    return {
        "sid": msid,
        "account_sid": TWILIO_ACCOUNT_SID,
        "conversation_sid": csid,
        "index": message.index,
        "author": author,
        "participant_sid": participant,
        "body": message.body,
        "media": None,
        "attributes": "{}",
        "delivery": _delivery(message),
        "content_sid": None,
        "date_created": iso(message.sent_at),
        "date_updated": iso(message.sent_at),
        "url": url,
        "links": {
            "delivery_receipts": f"{url}/Receipts",
            "channel_metadata": f"{url}/ChannelMetadata",
        },
    }


def _delivery(message: MessageFact) -> dict[str, Any] | None:
    """The delivery summary of a message sent to the customer's phone; None for inbound."""
    if message.direction == "inbound":
        return None
    return {
        "total": 1,
        "sent": "all",
        "delivered": "all",
        "read": "none",
        "failed": "none",
        "undelivered": "none",
    }
