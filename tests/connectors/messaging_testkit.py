"""A small messaging world for the erasure tests: Twilio threads and Aircall message webhooks of
one person to forget and of someone else, landed through the real connectors."""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from connectors.aircall.webhooks import landing_line
from connectors.erasure import ErasureConfig
from connectors.landing import sync_stream
from connectors.streams import Page
from connectors.twilio.streams import TWILIO_SHAPE
from connectors.webhook_landing import SegmentWriter
from sandbox.apis.aircall_webhooks import envelope
from sandbox.apis.twilio_render import conversation_json, message_json, participant_json, parties
from sandbox.world.conversations import ConversationFact, MessageFact
from tests.connectors.webhook_testkit import TOKEN, ingest

VICTIM, OTHER = "+33612345678", "+33700000001"
VICTIM_NATIONAL, OTHER_SPACED = "06 12 34 56 78", "+33 7 00 00 00 01"
VICTIM_WORDS = "Marguerite Duchemin, 12 rue des Lilas"
AGENT = "chloe.martin@lumen-habitat.fr"
BUSINESS = "+33644556677"
MESSAGING_TABLES = (
    "raw_twilio.conversations", "raw_twilio.participants", "raw_twilio.messages",
    "raw_aircall.messages",
)  # fmt: skip
T0 = 1_772_438_400  # 2026-03-02T08:00:00Z, inside the dbt raw fixture's month


def thread(conversation_id: int, channel: str, customer: str, authors: str) -> ConversationFact:
    """A thread whose messages are written by ``c`` (customer) or ``a`` (agent), a minute apart."""
    messages = [
        MessageFact(
            f"{conversation_id}-{index}", index, "customer" if who == "c" else "agent",
            None if who == "c" else AGENT, T0 + 3600 * conversation_id + 60 * index,
            f"{VICTIM_WORDS} #{index}" if who == "c" and customer == VICTIM else f"text {index}",
        )
        for index, who in enumerate(authors)
    ]  # fmt: skip
    return ConversationFact(
        conversation_id=conversation_id, source="twilio", channel=channel,
        business_address=BUSINESS, customer_address=customer, lead_key=None, messages=messages,
    )  # fmt: skip


# The person on WhatsApp and by SMS (one thread opened by the agent), someone else on WhatsApp.
THREADS = (thread(1, "whatsapp", VICTIM, "cac"), thread(2, "sms", VICTIM, "ac"),
           thread(3, "whatsapp", OTHER, "ca"))  # fmt: skip


class VendorStream:
    """One Twilio table served as the sandbox renders it, read in full every time."""

    source, shape = "twilio", TWILIO_SHAPE

    def __init__(self, table: str, records: list[dict[str, Any]]) -> None:
        self.name, self.table, self.records = f"twilio/{table}", table, records

    def read(self, cursor: str | None):
        yield Page(self.records, "2026-03-03T00:00:00Z")

    def source_total(self) -> int | None:
        return None


def twilio_streams() -> list[VendorStream]:
    return [
        VendorStream("conversations", [conversation_json(c) for c in THREADS]),
        VendorStream("participants", [participant_json(c, p) for c in THREADS for p in parties(c)]),
        VendorStream("messages", [message_json(c, m) for c in THREADS for m in c.messages]),
    ]


def aircall_event(
    message_id: str, number: str, direction: str, status: str, channel: str | None = "sms"
) -> dict[str, Any]:
    """A message webhook as Aircall sends it; the person's messages carry their words."""
    user = {"id": 731416, "name": "Léa Dubois", "email": "lea.dubois@example.com"}
    body = "Bonjour" if number == OTHER_SPACED else VICTIM_WORDS
    message = {"id": message_id, "direction": direction, "status": status, "channel": channel,
               "body": body, "created_at": "2026-03-02T09:00:00Z", "external_number": number,
               "origin": "native", "number": {"id": 11, "name": "Mobile", "digits": BUSINESS},
               "user": user if direction == "outbound" else None}  # fmt: skip
    event = "message.status_updated" if status == "read" else None
    return envelope(message, TOKEN, event)


# The person's number written two ways by SMS, once on WhatsApp told only by the address
# prefix (no channel), and someone else's.
AIRCALL_EVENTS = (
    aircall_event("m1", VICTIM_NATIONAL, "inbound", "received"),
    aircall_event("m2", VICTIM_NATIONAL, "outbound", "sent"),
    aircall_event("m4", VICTIM, "inbound", "received"),
    aircall_event("m5", f"whatsapp:{VICTIM}", "inbound", "received", channel=None),
    aircall_event("m3", OTHER_SPACED, "inbound", "received"),
)


def deliver(webhooks: Path, events: list[dict[str, Any]]) -> None:
    """What the receiver writes for each event it accepts, as one closed segment."""
    writer = SegmentWriter(webhooks / "aircall")
    writer.append([landing_line(event, datetime.now(UTC)) for event in events])
    writer.close()


def sync_messaging(db: Path, webhooks: Path, run_id: str, erasure: ErasureConfig | None) -> None:
    """One sync of the Twilio tables and one ingest of the delivered webhooks."""
    for stream in twilio_streams():
        sync_stream(stream, db, run_id, erasure=erasure)
    ingest(webhooks, db, run_id, erasure=erasure)


def raw_rows(db: Path) -> dict[str, dict[str, Any]]:
    """Every messaging raw row as ``table/id`` → record."""
    rows: dict[str, dict[str, Any]] = {}
    with duckdb.connect(str(db), read_only=True) as con:
        for table in MESSAGING_TABLES:
            for row_id, record in con.execute(f"SELECT id, record FROM {table}").fetchall():
                rows[f"{table}/{row_id}"] = json.loads(record)
    return rows


def victim_traces(text: str) -> list[str]:
    """The person's number (any format) and words found in ``text``."""
    return [needle for needle in ("612345678", "12 34 56 78", "Duchemin") if needle in text]
