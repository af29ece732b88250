"""Forgetting a phone in a warehouse with messaging: Twilio threads and Aircall message webhooks
lose the person's number and words, keep their counts, and a later sync does not bring them back.
"""

import json
from pathlib import Path
from typing import Any

from connectors.erasure import ErasureConfig
from connectors.forget import Subject, forget
from tests.connectors.messaging_testkit import (
    AIRCALL_EVENTS,
    OTHER,
    VICTIM_NATIONAL,
    aircall_event,
    deliver,
    raw_rows,
    sync_messaging,
    victim_traces,
)

CONFIG = ErasureConfig(b"test-erasure-key", "FR")


def sync_landing_files(db: Path) -> str:
    """The text of every landing file sync_stream wrote (webhook segments are the receiver's)."""
    return "".join(p.read_text() for p in sorted((db.parent / "landing").glob("*/*/*/part-*")))


def person_tokens(rows: dict[str, dict[str, Any]]) -> set[str]:
    """The tokens standing for a customer number, WhatsApp prefix removed."""
    found = set()
    for key, record in rows.items():
        if not record.get("erased"):
            continue
        if key.startswith("raw_aircall"):
            found.add(record["data"]["external_number"].removeprefix("whatsapp:"))
        elif key.startswith("raw_twilio.participants"):
            found.add(record["messaging_binding"]["address"].removeprefix("whatsapp:"))
        else:
            found.add(record["author"].removeprefix("whatsapp:"))
    return found


def test_forget_by_phone_scrubs_messaging_raw_and_a_resync_keeps_the_person_out(
    tmp_path: Path,
) -> None:
    # given Twilio threads and Aircall messages of the person (E.164 at Twilio, national and
    # E.164 at Aircall) and of someone else, synced into a warehouse
    db, webhooks = tmp_path / "warehouse.duckdb", tmp_path / "landing" / "webhooks"
    deliver(webhooks, list(AIRCALL_EVENTS))
    sync_messaging(db, webhooks, "run-1", erasure=None)
    before = raw_rows(db)
    assert victim_traces(json.dumps(before, ensure_ascii=False))  # the checks below can fail
    # when the person is forgotten by their number
    report = forget(db, CONFIG, Subject(phones=("+33 6 12 34 56 78",)))
    # then their two bindings, three messages and four Aircall messages are scrubbed
    assert report.raw_rows["twilio/participants"] == 2
    assert report.raw_rows["twilio/messages"] == 3
    assert report.raw_rows["aircall/messages"] == 4
    after = raw_rows(db)
    assert victim_traces(json.dumps(after, ensure_ascii=False)) == []
    assert victim_traces(sync_landing_files(db)) == []
    # and every record still counts, the other person's and the conversations unchanged
    assert after.keys() == before.keys()
    untouched = {key for key, record in after.items() if not record.get("erased")}
    assert {key for key in untouched if OTHER in json.dumps(before[key]).replace(" ", "")}
    assert all(after[key] == before[key] for key in untouched)
    assert all(after[key] == before[key] for key in after if "conversations" in key)
    # and the person is one token everywhere, so threads are still cut per person
    assert len(person_tokens(after)) == 1
    # when the vendors serve the same records again: Twilio re-read, Aircall redelivering an
    # event and reporting the outbound message read
    deliver(webhooks, [aircall_event("m1", VICTIM_NATIONAL, "inbound", "received"),
                       aircall_event("m2", VICTIM_NATIONAL, "outbound", "read")])  # fmt: skip
    sync_messaging(db, webhooks, "run-2", erasure=CONFIG)
    # then the new status landed, and nothing else changed: the person stays out
    resynced = raw_rows(db)
    assert resynced["raw_aircall.messages/m2"]["data"]["status"] == "read"
    assert resynced["raw_aircall.messages/m2"]["data"]["external_number"] in person_tokens(after)
    resynced["raw_aircall.messages/m2"] = after["raw_aircall.messages/m2"]
    assert resynced == after
    assert list((db.parent / "landing").glob("*/*/run-2/part-*"))
    assert victim_traces(sync_landing_files(db)) == []
