"""Forgetting a person in a Pipedrive deployment: the person becomes a tombstone, deals unlink."""

from pathlib import Path

import duckdb

from connectors.erasure import ErasureConfig, erasure_streams, load_scrubber, register

CONFIG = ErasureConfig(key=b"test-erasure-key", phone_region="FR")


def test_pipedrive_person_and_deal_lose_the_erased_person(tmp_path: Path) -> None:
    # given a register holding one e-mail and the person's id
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        register(con, CONFIG, [("email", "jeanne.martin@acme.fr"), ("contact_id", "311")])
        scrubber = load_scrubber(con, CONFIG)
    assert scrubber is not None
    person = {"id": 311, "name": "Jeanne Martin", "add_time": "2024-04-30T07:55:02Z",
              "emails": [{"value": "jeanne.martin@acme.fr", "primary": True}],
              "phones": [{"value": "+33 6 12 34 56 78", "label": "mobile"}]}  # fmt: skip
    other = {"id": 312, "name": "Paul Durand", "emails": [{"value": "paul@globex.fr"}]}
    deal = {"id": 1042, "title": "Acme 40 seats", "person_id": 311, "value": 12500}
    # when
    scrub_person = scrubber.for_stream("pipedrive/persons")
    scrub_deal = scrubber.for_stream("pipedrive/deals")
    tombstone, scrubbed_deal = scrub_person(person), scrub_deal(deal)
    # then nothing in the tombstone or the deal leads back to Jeanne; the rest is untouched
    assert tombstone["id"] == scrubber.tombstone_id(311) and tombstone["erased"] is True
    assert "Jeanne" not in str(tombstone) and "acme.fr" not in str(tombstone)
    assert tombstone["add_time"] == person["add_time"]  # still a lead, created that day
    assert scrubbed_deal == {**deal, "person_id": None}
    assert scrub_person(other) is other
    assert scrubber.present_ids("pipedrive/persons", frozenset({"311"})) >= {tombstone["id"]}


def test_every_crm_lists_its_people_first_for_forget() -> None:
    streams = erasure_streams()
    assert {"hubspot/contacts", "pipedrive/persons", "aircall/calls"} <= set(streams)
    people = {"hubspot/contacts", "pipedrive/persons"}
    assert set(streams[: len(people)]) == people
