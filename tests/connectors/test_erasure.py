"""The erasure register holds keyed HMACs only, scrubs on landing, and refuses a lost key."""

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from connectors.erasure import ERASURES_TABLE, ErasureConfig, ErasureKeyError, load_scrubber
from connectors.forget import Subject, forget
from connectors.landing import sync_stream
from connectors.streams import Page, RecordShape

CONFIG = ErasureConfig(b"test-erasure-key", "FR")
CONTACT_SHAPE = RecordShape(("properties", "lastmodifieddate"), "archived")


def contact(contact_id: str, email: str, phone: str) -> dict[str, Any]:
    return {
        "id": contact_id,
        "archived": False,
        "createdAt": "2026-01-02T10:00:00.000Z",
        "properties": {
            "email": email,
            "phone": phone,
            "firstname": "Marguerite",
            "lastname": "Duchemin",
            "createdate": "2026-01-02T10:00:00.000Z",
            "lastmodifieddate": "2026-01-03T10:00:00.000Z",
        },
    }


class ContactStream:
    name, source, table, shape = "hubspot/contacts", "hubspot", "contacts", CONTACT_SHAPE

    def __init__(self, records: list[dict[str, Any]]) -> None:
        self.records = records

    def read(self, cursor: str | None):
        yield Page(self.records, "2026-01-03T10:00:00.000Z")

    def source_total(self) -> int | None:
        return None


def raw_contacts(db: Path) -> list[str]:
    with duckdb.connect(str(db)) as con:
        rows = con.execute("SELECT CAST(record AS VARCHAR) FROM raw_hubspot.contacts").fetchall()
    return sorted(row[0] for row in rows)


def test_forget_by_reformatted_phone_tombstones_the_contact_and_registers_only_hmacs(
    tmp_path: Path,
) -> None:
    # given two contacts in raw
    db = tmp_path / "warehouse.duckdb"
    people = [contact("101", "M.Duchemin@example.com", "06 12 34 56 78"),
              contact("102", "other@example.com", "+33 7 00 00 00 01")]  # fmt: skip
    sync_stream(ContactStream(people), db, "run-1")
    # when the person is forgotten by their number written another way
    report = forget(db, CONFIG, Subject(phones=("+33612345678",)))
    # then the contact is a tombstone: still counted, nothing identifying left
    stored = raw_contacts(db)
    assert len(stored) == 2 and report.contacts_matched == 1
    assert report.raw_rows["hubspot/contacts"] == 1
    erased = [record for record in map(json.loads, stored) if record.get("erased") is True]
    assert len(erased) == 1 and erased[0]["id"].startswith("-")
    for needle in ("101", "Duchemin", "duchemin@", "612345678"):
        assert needle not in json.dumps(erased[0])
    # and the register holds the id, e-mail and phone as HMACs, none in clear
    with duckdb.connect(str(db)) as con:
        # Not registered_at: its microseconds can spell "101" (a flaky failure in CI).
        register = con.execute(f"SELECT digest, kind, key_id FROM {ERASURES_TABLE}").fetchall()
    assert {row[1] for row in register} == {"contact_id", "email", "phone"}
    assert not any(n in str(register) for n in ("101", "example.com", "612345678"))


def test_a_resynced_erased_contact_is_scrubbed_on_landing_and_changes_nothing(
    tmp_path: Path,
) -> None:
    # given a forgotten contact
    db = tmp_path / "warehouse.duckdb"
    person = contact("101", "m.duchemin@example.com", "0612345678")
    sync_stream(ContactStream([person]), db, "run-1")
    forget(db, CONFIG, Subject(emails=("M.DUCHEMIN@example.com ",)))
    before = raw_contacts(db)
    # when the vendor still serves it
    result = sync_stream(ContactStream([person]), db, "run-2", erasure=CONFIG)
    # then neither raw nor the new landing file holds the person
    assert (result.inserted, result.updated) == (0, 0)
    assert raw_contacts(db) == before
    assert result.landing_files
    landed = "".join(Path(f).read_text() for f in result.landing_files)
    assert "duchemin" not in landed.lower() and "0612345678" not in landed


def test_sync_refuses_to_run_when_the_register_cannot_be_enforced(tmp_path: Path) -> None:
    # given a register written with one key
    db = tmp_path / "warehouse.duckdb"
    person = contact("101", "m.duchemin@example.com", "0612345678")
    sync_stream(ContactStream([person]), db, "run-1")
    forget(db, CONFIG, Subject(contact_ids=("101",)))
    # when a run has no key, or another key, then it stops before landing anything
    with pytest.raises(ErasureKeyError, match="ERASURE_KEY is not set"):
        sync_stream(ContactStream([person]), db, "run-2")
    with pytest.raises(ErasureKeyError, match="not the key"):
        sync_stream(ContactStream([person]), db, "run-3", erasure=ErasureConfig(b"other"))
    assert not any("Duchemin" in r for r in raw_contacts(db))


def test_scrubber_blanks_the_customer_number_of_calls_and_drops_deal_associations(
    tmp_path: Path,
) -> None:
    # given a register with one phone and one contact id
    db = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(db)) as con:
        from connectors.erasure import register

        register(con, CONFIG, [("phone", "+33 6 12 34 56 78"), ("contact_id", "101")])
        scrubber = load_scrubber(con, CONFIG)
    assert scrubber is not None
    call = {"id": 9, "raw_digits": "+33 6 12 34 56 78", "duration": 30,
            "contact": {"first_name": "Marguerite", "phone_numbers": [{"value": "x"}]},
            "recording": "https://media/9.mp3", "comments": [{"content": "call me"}]}  # fmt: skip
    other_call = {"id": 10, "raw_digits": "+33 7 00 00 00 01", "duration": 5}
    deal = {"id": "7", "associations": {"contacts": {"results": [{"id": "101"}, {"id": "102"}]}}}
    # when
    scrub_call, scrub_deal = (
        scrubber.for_stream("aircall/calls"),
        scrubber.for_stream("hubspot/deals"),
    )
    scrubbed_call = scrub_call(call)
    scrubbed_deal = scrub_deal(deal)
    # then the call still counts (id, duration) but cannot be linked to the person
    assert scrubbed_call["id"] == 9 and scrubbed_call["duration"] == 30
    assert scrubbed_call["raw_digits"] == "anonymous" and scrubbed_call["contact"] is None
    assert scrubbed_call["recording"] is None and scrubbed_call["comments"] == []
    assert scrub_call(other_call) is other_call
    assert scrubbed_deal["associations"]["contacts"]["results"] == [{"id": "102"}]


class FullListingContactStream(ContactStream):
    """Contacts read in full, then the complete id set a full-key reconciliation sends."""

    def read(self, cursor: str | None):
        ids = frozenset(str(record["id"]) for record in self.records)
        yield Page(self.records, "2026-01-03T10:00:00.000Z")
        yield Page([], "2026-01-03T10:00:00.000Z", present=ids)


def deleted_flags(db: Path) -> dict[str, bool]:
    with duckdb.connect(str(db)) as con:
        rows = con.execute(
            "SELECT id, _deleted_at IS NOT NULL FROM raw_hubspot.contacts"
        ).fetchall()
    return dict(rows)


def test_full_key_listing_keeps_a_tombstone_live_while_the_vendor_keeps_the_person(
    tmp_path: Path,
) -> None:
    # given a forgotten contact the vendor still lists, and another one
    db = tmp_path / "warehouse.duckdb"
    people = [contact("101", "m.duchemin@example.com", "06 12 34 56 78"),
              contact("102", "other@example.com", "+33 7 00 00 00 01")]  # fmt: skip
    sync_stream(ContactStream(people), db, "run-1")
    forget(db, CONFIG, Subject(contact_ids=("101",)))
    # when a full-key reconciliation lists both ids
    sync_stream(FullListingContactStream(people), db, "run-2", erasure=CONFIG)
    # then the tombstone still counts as a live record, as the vendor counts the person
    flags = deleted_flags(db)
    assert len(flags) == 2 and not any(flags.values())
    # and once the vendor drops the person, the tombstone is marked deleted too
    sync_stream(FullListingContactStream(people[1:]), db, "run-3", erasure=CONFIG)
    flags = deleted_flags(db)
    assert flags["102"] is False
    assert [gone for contact_id, gone in flags.items() if contact_id != "102"] == [True]
