"""Erasure rules of the messaging sources: the person's address becomes one stable token that no
phone parser reads, their message bodies go, and the company's conversations stay."""

import importlib.util
import re
from pathlib import Path
from typing import Any

import duckdb
import phonenumbers
import pytest

from connectors.erasure import (
    ErasureConfig,
    Scrubber,
    erasure_streams,
    load_scrubber,
    normalise_phone,
    register,
)

CONFIG = ErasureConfig(b"test-erasure-key", "FR")
ERASED_PHONE = "+33 6 12 34 56 78"
ERASED_VISITOR = "visitor@example.com"
AGENT = "chloe.martin@lumen-habitat.fr"
BUSINESS = "+33644556677"
TOKEN = re.compile(r"erased:[a-p]{12}")
DBT_PHONE_MODEL = (
    Path(__file__).resolve().parents[2]
    / "dbt_project/models/intermediate/int_phone_numbers_normalised.py"
)


def dbt_phone_normaliser():
    """The dbt model's own parser, which decides whether a customer number matches a lead."""
    spec = importlib.util.spec_from_file_location("dbt_phones", DBT_PHONE_MODEL)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.normalise


@pytest.fixture
def scrubber(tmp_path: Path) -> Scrubber:
    """A register holding one phone and one web-chat visitor's e-mail."""
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        register(con, CONFIG, [("phone", ERASED_PHONE), ("email", ERASED_VISITOR)])
        loaded = load_scrubber(con, CONFIG)
    assert loaded is not None
    return loaded


def participant(address: str | None, identity: str | None = None) -> dict[str, Any]:
    binding = None
    if address is not None:
        channel = "whatsapp" if address.startswith("whatsapp:") else "sms"
        proxy = f"whatsapp:{BUSINESS}" if channel == "whatsapp" else BUSINESS
        binding = {"type": channel, "address": address, "proxy_address": proxy}
    return {"sid": "MB1", "conversation_sid": "CH1", "identity": identity,
            "messaging_binding": binding, "attributes": '{"profile_name": "Marguerite"}',
            "date_created": "2025-03-01T09:00:00Z"}  # fmt: skip


def twilio_message(author: str, body: str = "Bonjour, rappelez-moi au 06 12 34 56 78") -> dict:
    return {"sid": "IM1", "conversation_sid": "CH1", "index": 0, "author": author,
            "participant_sid": "MB1", "body": body, "media": [{"sid": "ME1"}], "attributes": "{}",
            "delivery": None, "date_created": "2025-03-01T09:00:00Z"}  # fmt: skip


def aircall_message(external_number: str, direction: str = "inbound") -> dict[str, Any]:
    user = {"id": 731416, "name": "Léa Dubois", "email": "lea.dubois@example.com"}
    data = {"id": "msg-1", "direction": direction, "status": "received", "channel": "sms",
            "body": "Je suis Marguerite Duchemin", "created_at": "2026-03-02T09:00:00Z",
            "external_number": external_number, "origin": "native",
            "number": {"id": 11, "name": "Mobile commercial", "digits": BUSINESS},
            "user": user if direction == "outbound" else None}  # fmt: skip
    return {"resource": "message", "event": "message.received", "timestamp": 1772442000,
            "data": data}  # fmt: skip


def scrub(scrubber: Scrubber, stream: str, record: dict[str, Any]) -> dict[str, Any]:
    function = scrubber.for_stream(stream)
    assert function is not None, f"{stream} has no erasure rule"
    return function(record)


def test_messaging_tables_holding_customers_have_rules_and_hold_no_people() -> None:
    # given the registered plug-ins; when listing the streams forget scrubs
    streams = erasure_streams()
    # then both messaging sources' customer tables are there, after the CRMs' people
    assert {"twilio/participants", "twilio/messages", "aircall/messages"} <= set(streams)
    assert "twilio/conversations" not in streams
    assert streams.index("twilio/messages") > streams.index("hubspot/contacts")


@pytest.mark.parametrize(
    ("stream", "record", "expected"),
    [
        ("twilio/participants", participant("whatsapp:+33612345678"), ("phone", "+33612345678")),
        ("twilio/participants", participant("+33612345678"), ("phone", "+33612345678")),
        ("twilio/participants", participant(None, ERASED_VISITOR), ("email", ERASED_VISITOR)),
        ("twilio/messages", twilio_message("WhatsApp:+33612345678"), ("phone", "+33612345678")),
        ("twilio/messages", twilio_message(AGENT), ("email", AGENT)),
        ("aircall/messages", aircall_message("06 12 34 56 78"), ("phone", "06 12 34 56 78")),
        ("aircall/messages", aircall_message("whatsapp:+33612345678"), ("phone", "+33612345678")),
    ],
)  # fmt: skip
def test_rules_find_the_customer_identifier_of_each_record(
    scrubber: Scrubber, stream: str, record: dict[str, Any], expected: tuple[str, str]
) -> None:
    # given a record; when its rule lists the identifiers
    from connectors.erasure import erasure_rule

    rule = erasure_rule(stream)
    assert rule is not None
    found = [(kind, value) for kind, value in rule.identifiers(record) if value]
    # then the customer's is among them, the channel prefix stripped
    assert expected in found


def test_an_erased_whatsapp_participant_keeps_its_channel_under_a_token(
    scrubber: Scrubber,
) -> None:
    # given the erased person's WhatsApp binding
    record = participant("whatsapp:+33612345678")
    # when
    scrubbed = scrub(scrubber, "twilio/participants", record)
    # then the address is a token under the same prefix; the company's side is untouched
    binding = scrubbed["messaging_binding"]
    assert binding["address"].startswith("whatsapp:")
    assert TOKEN.fullmatch(binding["address"].removeprefix("whatsapp:"))
    assert binding["type"] == "whatsapp" and binding["proxy_address"] == f"whatsapp:{BUSINESS}"
    assert scrubbed["erased"] is True and scrubbed["attributes"] == "{}"
    assert {key: scrubbed[key] for key in ("sid", "conversation_sid", "date_created")} == {
        key: record[key] for key in ("sid", "conversation_sid", "date_created")
    }
    assert "612345678" not in str(scrubbed) and "Marguerite" not in str(scrubbed)


def test_an_erased_customer_message_loses_author_body_and_media(scrubber: Scrubber) -> None:
    # given a WhatsApp message of the erased person and the agent's reply
    mine, reply = twilio_message("whatsapp:+33612345678"), twilio_message(AGENT, "Bien reçu")
    # when
    scrubbed = scrub(scrubber, "twilio/messages", mine)
    # then the message still counts, authored by the same token as the participant's address
    address = scrub(scrubber, "twilio/participants", participant("whatsapp:+33612345678"))
    assert scrubbed["author"] == address["messaging_binding"]["address"]
    assert (scrubbed["body"], scrubbed["media"], scrubbed["erased"]) == (None, None, True)
    assert (scrubbed["sid"], scrubbed["index"], scrubbed["participant_sid"]) == ("IM1", 0, "MB1")
    # and the agent's message, matched by nothing, is the very same object
    assert scrub(scrubber, "twilio/messages", reply) is reply


def test_an_erased_web_chat_visitor_is_tokenised_by_identity(scrubber: Scrubber) -> None:
    # given a visitor whose chat identity is an erased e-mail
    visitor, message = participant(None, ERASED_VISITOR), twilio_message(ERASED_VISITOR)
    # when
    scrubbed_visitor = scrub(scrubber, "twilio/participants", visitor)
    scrubbed_message = scrub(scrubber, "twilio/messages", message)
    # then both name the same token, and the e-mail is gone
    assert TOKEN.fullmatch(scrubbed_visitor["identity"])
    assert scrubbed_message["author"] == scrubbed_visitor["identity"]
    assert ERASED_VISITOR not in str(scrubbed_visitor) + str(scrubbed_message)


def test_an_erased_aircall_message_keeps_line_agent_and_status(scrubber: Scrubber) -> None:
    # given an outbound message to the erased person, their number written nationally
    record = aircall_message("06 12 34 56 78", direction="outbound")
    # when
    scrubbed = scrub(scrubber, "aircall/messages", record)
    # then the number is a token and the body gone, flagged where the other rules flag
    data = scrubbed["data"]
    assert TOKEN.fullmatch(data["external_number"]) and data["body"] is None
    assert scrubbed["erased"] is True and "erased" not in data
    kept = ("id", "direction", "status", "channel", "created_at", "number", "user")
    assert {key: data[key] for key in kept} == {key: record["data"][key] for key in kept}
    assert scrubbed["timestamp"] == record["timestamp"]
    assert "612345678" not in str(scrubbed) and "Duchemin" not in str(scrubbed)


def test_an_aircall_whatsapp_number_keeps_its_prefix(scrubber: Scrubber) -> None:
    # given a message whose channel is told only by the address prefix
    record = aircall_message("whatsapp:+33612345678")
    record["data"]["channel"] = None
    # when
    number = scrub(scrubber, "aircall/messages", record)["data"]["external_number"]
    # then the models still read WhatsApp, and the token is the person's SMS token
    assert number == "whatsapp:" + scrubber.erased_token("phone", "06 12 34 56 78")


@pytest.mark.parametrize(
    ("stream", "record"),
    [
        ("twilio/participants", participant("whatsapp:+33700000001")),
        ("twilio/participants", participant(None, AGENT)),
        ("twilio/messages", twilio_message("+33700000001")),
        ("twilio/messages", twilio_message("system")),
        ("aircall/messages", aircall_message("07 00 00 00 01")),
        ("aircall/messages", aircall_message("")),
    ],
)  # fmt: skip
def test_records_of_other_people_are_returned_unchanged(
    scrubber: Scrubber, stream: str, record: dict[str, Any]
) -> None:
    # given someone else's record (or nobody's); when scrubbed; then the same object comes back
    assert scrub(scrubber, stream, record) is record


def test_one_person_has_one_token_in_every_format_source_and_run(scrubber: Scrubber) -> None:
    # given the person's number as each source writes it
    twilio = [
        scrub(scrubber, "twilio/participants", participant(address))["messaging_binding"]
        for address in ("whatsapp:+33612345678", "+33612345678")
    ]
    aircall = [
        scrub(scrubber, "aircall/messages", aircall_message(number))["data"]["external_number"]
        for number in ("06 12 34 56 78", "+33612345678", "0033 6 12 34 56 78")
    ]
    # when a later run loads the same register again
    again = Scrubber(CONFIG, scrubber.digests).erased_token("phone", "+33612345678")
    # then every one of them is the same token (bar the WhatsApp prefix)
    tokens = {binding["address"].removeprefix("whatsapp:") for binding in twilio}
    assert tokens | set(aircall) | {again} == {again}
    # and another person's token differs
    assert scrubber.erased_token("phone", "+33700000001") != again


def test_a_scrubbed_record_is_left_alone_by_a_second_pass(scrubber: Scrubber) -> None:
    # given records already scrubbed (forget run twice, or a resync of a scrubbed landing file)
    records = [
        ("twilio/participants", participant("whatsapp:+33612345678")),
        ("twilio/messages", twilio_message("whatsapp:+33612345678")),
        ("aircall/messages", aircall_message("06 12 34 56 78")),
    ]
    for stream, record in records:
        once = scrub(scrubber, stream, record)
        # when scrubbed again; then nothing changes
        assert scrub(scrubber, stream, once) is once


def test_tokens_never_parse_as_phone_numbers(scrubber: Scrubber) -> None:
    # given tokens of many numbers (3 % of hex tokens parse as valid FR numbers)
    tokens = [scrubber.erased_token("phone", f"+336{n:08d}") for n in range(0, 10**8, 49_999)]
    dbt_normalise = dbt_phone_normaliser()
    # when read by libphonenumber in several regions, the register's and the models' parsers
    for token in tokens:
        assert TOKEN.fullmatch(token)
        for region in ("FR", "GB", "US", "DE"):
            with pytest.raises(phonenumbers.NumberParseException):
                phonenumbers.parse(token, region)
        # then no token is a number, so no erased person matches a lead by phone
        assert normalise_phone(token, "FR") is None
        assert dbt_normalise(token, "FR") == dbt_normalise(token, "GB") == (None, None)
    assert len(set(tokens)) == len(tokens)
