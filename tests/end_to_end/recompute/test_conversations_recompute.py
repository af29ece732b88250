"""The messaging recomputation on small hand-built raw inputs (kpis.md "Messaging rules").

No warehouse and no dbt: raw dataclasses in, conversations, interactions, leads and export rows
out, each rule checked on the smallest input that shows it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from .agents import UNASSIGNED, agent_key, build_agents
from .conversations import AGENT, AUTOMATED, CUSTOMER, Conversation, build_conversations
from .kpis_activity import calls_daily, conversations_daily, leads_daily, response_seconds
from .model import Warehouse, build_warehouse
from .raw import (
    AircallMessage,
    AircallUser,
    Call,
    Contact,
    Deal,
    Owner,
    Pipeline,
    RawData,
    Stage,
    TwilioConversation,
    TwilioMessage,
    TwilioParticipant,
)
from .settings import ChannelOverride, Settings
from .tables import BY_NAME

T0 = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)  # 11:00 in Paris
LEA, SAM = agent_key("lea@example.com", ""), agent_key("sam@example.com", "")
CUSTOMER_E164 = "+33612345678"
WA_LINE, SMS_LINE = "+33644556677", "+33756781234"
SERVICE = "IS00000000000000000000000000000001"


def at(seconds: int) -> datetime:
    return T0 + timedelta(seconds=seconds)


def settings(**overrides: object) -> Settings:
    return Settings(now=at(30 * 86400), pii_hash_key="key", **overrides)  # type: ignore[arg-type]


def raw(**tables: object) -> RawData:
    """A raw layer with Léa (CRM owner 101 and Aircall user 501) and Sam (user 502 only)."""
    base = RawData(
        contacts=[],
        deals=[],
        owners=[Owner("101", " Lea@Example.com ", "Léa", "Dubois", "Inside", None, False)],
        pipelines={"p": Pipeline("p", "Sales", {"won": Stage(True, 1.0)})},
        goals=[],
        calls=[],
        users=[
            AircallUser("501", "Léa D.", "lea@example.com"),
            AircallUser("502", "Sam", "sam@example.com"),
        ],
        numbers={},
        teams=[],
    )
    return replace(base, **tables)


def conversation_of(sid: str) -> TwilioConversation:
    return TwilioConversation(sid, SERVICE)


def bound(sid: str, conversation: str, address: str, proxy: str, kind: str | None = "whatsapp",
          created: int = 0) -> TwilioParticipant:  # fmt: skip
    return TwilioParticipant(sid, conversation, at(created), None, True, kind, address, proxy)


def identity(sid: str, conversation: str, name: str, created: int = 0) -> TwilioParticipant:
    return TwilioParticipant(sid, conversation, at(created), name, False, None, None, None)


def twilio_message(sid: str, conversation: str, index: int, author: str | None,
                   participant: str | None, seconds: int) -> TwilioMessage:  # fmt: skip
    return TwilioMessage(sid, conversation, index, author, participant, at(seconds))


def aircall(mid: str, direction: str, seconds: int, *, external: str = CUSTOMER_E164,
            channel: str = "whatsapp", user: str | None = None, email: str | None = None,
            digits: str = "+33 6 44 55 66 77") -> AircallMessage:  # fmt: skip
    return AircallMessage(mid, direction, channel, at(seconds), external, "4", digits, user, email)


def conversations(data: RawData, **overrides: object) -> list[Conversation]:
    return build_conversations(data, build_agents(data), settings(**overrides))


def whatsapp_thread(*messages: tuple[str | None, str | None, int]) -> RawData:
    """One Twilio WhatsApp conversation CH1: the customer MB1 and Léa's chat identity MB2."""
    return raw(
        twilio_conversations=[conversation_of("CH1")],
        twilio_participants=[
            bound("MB1", "CH1", f"whatsapp:{CUSTOMER_E164}", f"whatsapp:{WA_LINE}"),
            identity("MB2", "CH1", "lea@example.com", created=1),
        ],
        twilio_messages=[
            twilio_message(f"IM{k}", "CH1", k, author, participant, seconds)
            for k, (author, participant, seconds) in enumerate(messages)
        ],
    )


CUSTOMER_SAYS = (f"whatsapp:{CUSTOMER_E164}", "MB1")
LEA_SAYS = ("lea@example.com", "MB2")
SYSTEM_SAYS = ("system", None)


def test_twilio_binding_gives_channel_line_and_customer_number() -> None:
    # given a WhatsApp binding with prefixed addresses, the customer writing first
    data = whatsapp_thread((*CUSTOMER_SAYS, 0), (*LEA_SAYS, 60))
    # when the conversations are built
    [found] = conversations(data)
    # then the prefix is stripped from both ends and the customer wrote inbound
    assert (found.channel, found.business_line, found.customer_number) == (
        "whatsapp",
        WA_LINE,
        CUSTOMER_E164,
    )
    assert (found.direction, found.agent_id, found.started_at) == ("inbound", LEA, at(0))
    assert [m.author for m in found.messages] == [CUSTOMER, AGENT]


def test_twilio_channel_is_the_binding_type_or_the_whatsapp_prefix() -> None:
    # given an SMS binding in free text, and a binding with no type but a whatsapp: address
    data = raw(
        twilio_conversations=[conversation_of("CH1"), conversation_of("CH2")],
        twilio_participants=[
            bound("MB1", "CH1", "06 12 34 56 78", "+33 7 56 78 12 34", kind="sms"),
            bound("MB2", "CH2", "whatsapp:+33612345678", "whatsapp:+33644556677", kind=None),
        ],
        twilio_messages=[
            twilio_message("IM1", "CH1", 0, "06 12 34 56 78", "MB1", 0),
            twilio_message("IM2", "CH2", 0, "whatsapp:+33612345678", "MB2", 10),
        ],
    )
    # when the conversations are built
    sms, whatsapp = conversations(data)
    # then the binding type, else the prefix, gives the channel; numbers are E.164
    assert (sms.channel, sms.business_line, sms.customer_number) == (
        "sms",
        SMS_LINE,
        CUSTOMER_E164,
    )
    assert (whatsapp.channel, whatsapp.business_line) == ("whatsapp", WA_LINE)


def test_twilio_authors_customer_agent_and_automated() -> None:
    # given the customer (by participant, then by address only), an agent identity in another
    # case with spaces, an identity that is nobody's, and Twilio's `system`
    data = whatsapp_thread(
        (*CUSTOMER_SAYS, 0),
        (f"whatsapp:{CUSTOMER_E164}", None, 5),
        ("bot@example.com", "MB3", 10),
        ("system", None, 20),
        (" LEA@example.COM ", "MB2", 30),
    )
    # when the conversation is built
    [found] = conversations(data)
    # then only an identity that is an agent's e-mail makes an agent message
    assert [m.author for m in found.messages] == [CUSTOMER, CUSTOMER, AUTOMATED, AUTOMATED, AGENT]
    assert (found.messages_in, found.messages_out) == (2, 3)
    assert (found.agent_id, found.first_response_seconds) == (LEA, 30)


def test_twilio_messages_follow_time_then_index() -> None:
    # given two messages in the same second, listed out of order
    data = whatsapp_thread((*LEA_SAYS, 0), (*CUSTOMER_SAYS, 0))
    data = replace(data, twilio_messages=list(reversed(data.twilio_messages)))
    # when the conversation is built
    [found] = conversations(data)
    # then Twilio's index orders them: Léa wrote first, so the conversation is outbound
    assert (found.direction, found.messages[0].id) == ("outbound", "IM0")


def test_twilio_web_chat_without_binding() -> None:
    # given a conversation with chat identities only: a visitor (joined first) and Léa
    data = raw(
        twilio_conversations=[conversation_of("CH9")],
        twilio_participants=[
            identity("MB2", "CH9", "lea@example.com", created=5),
            identity("MB1", "CH9", "visitor-42", created=0),
        ],
        twilio_messages=[
            twilio_message("IM1", "CH9", 0, "visitor-42", "MB1", 10),
            twilio_message("IM2", "CH9", 1, "lea@example.com", "MB2", 100),
        ],
    )
    # when the conversation is built
    [found] = conversations(data)
    # then it is a web chat on the chat service, with no number, the visitor the customer
    assert (found.channel, found.business_line, found.customer_number) == (
        "web_chat",
        SERVICE,
        None,
    )
    assert (found.direction, found.agent_id, found.first_response_seconds) == ("inbound", LEA, 90)


def test_deleted_or_empty_twilio_conversations_are_no_conversations() -> None:
    # given CH1's children but no live CH1 row (deleted: the loader drops it), and a live CH2
    # without any message
    data = whatsapp_thread((*CUSTOMER_SAYS, 0), (*LEA_SAYS, 60))
    data = replace(data, twilio_conversations=[conversation_of("CH2")])
    # when the conversations are built
    # then none exists: the children of a deleted conversation are gone with it
    assert conversations(data) == []


def test_reply_limits_are_inclusive_and_automation_is_no_reply() -> None:
    # given replies by Léa at exactly 300 s and at 301 s, the second after an auto-reply, and
    # a conversation answered by automation only
    at_300 = whatsapp_thread((*CUSTOMER_SAYS, 0), (*LEA_SAYS, 300))
    at_301 = whatsapp_thread((*CUSTOMER_SAYS, 0), (*SYSTEM_SAYS, 1), (*LEA_SAYS, 301))
    auto_only = whatsapp_thread((*CUSTOMER_SAYS, 0), (*SYSTEM_SAYS, 1))
    # when their export rows are computed
    [row_300], [row_301], [row_auto] = (
        conversation_rows(data) for data in (at_300, at_301, auto_only)
    )
    # then 300 s is within 5 minutes, 301 s is not, and an auto-reply is no reply at all
    assert (row_300["first_response_seconds"], row_300["replied_within_5m"]) == (300, 1)
    assert (row_301["first_response_seconds"], row_301["replied_within_5m"]) == (301, 0)
    assert row_301["replied_conversations"] == 1
    assert (row_auto["replied_conversations"], row_auto["agent_id"]) == (0, UNASSIGNED)
    assert (row_auto["messages_in"], row_auto["messages_out"]) == (1, 1)
    assert not conversations(auto_only)[0].is_handled


def table(w: Warehouse, name: str) -> list[dict]:
    spec = BY_NAME[name]
    return [dict(zip(spec.columns, r, strict=True)) for r in spec.compute(w)]


def conversation_rows(data: RawData) -> list[dict]:
    return table(build_warehouse(data, settings()), "kpi_conversations_daily")


def test_outbound_conversations_have_no_reply_measures() -> None:
    # given a template by automation answered by the customer, then Léa
    data = whatsapp_thread((*SYSTEM_SAYS, 0), (*CUSTOMER_SAYS, 60), (*LEA_SAYS, 120))
    # when its row is computed
    [row] = conversation_rows(data)
    # then it is outbound, Léa's, handled, and replies are not counted
    assert (row["direction"], row["agent_id"], row["agent_name"]) == ("outbound", LEA, "Léa Dubois")
    assert (row["replied_conversations"], row["first_response_seconds"]) == (0, 0)
    assert (row["messages_in"], row["messages_out"], row["conversations"]) == (1, 2, 1)


def test_aircall_threads_split_after_more_than_24_hours() -> None:
    # given one customer (E.164 and free text) on one line: a gap of exactly 24 h, then 24 h + 1 s
    day = 86400
    data = raw(
        aircall_messages=[
            aircall("m1", "inbound", 0),
            aircall("m2", "outbound", 120, user="501"),
            aircall("m3", "inbound", 120 + day, external="06 12 34 56 78"),
            aircall("m4", "inbound", 120 + 2 * day + 1, external="whatsapp:+33612345678"),
        ]
    )
    # when the conversations are built
    first, second = conversations(data)
    # then exactly 24 h stays in the conversation, 24 h + 1 s starts a new one
    assert [m.id for m in first.messages] == ["m1", "m2", "m3"]
    assert [m.id for m in second.messages] == ["m4"]
    assert (first.id, first.business_line, first.customer_number) == (
        "aircall:m1",
        WA_LINE,
        CUSTOMER_E164,
    )
    assert (first.agent_id, first.first_response_seconds, first.messages_in) == (LEA, 120, 2)
    assert (second.direction, second.agent_id) == ("inbound", UNASSIGNED)


def test_aircall_threads_are_per_line_and_channel_ties_by_message_id() -> None:
    # given the same customer on WhatsApp and SMS of one line, and on another line, with two
    # WhatsApp messages in the same second
    data = raw(
        aircall_messages=[
            aircall("b", "inbound", 0),
            aircall("a", "outbound", 0, user="502"),
            aircall("c", "inbound", 10, channel="sms"),
            aircall("d", "inbound", 20, digits="+33 7 56 78 12 34", channel="sms"),
        ]
    )
    # when the conversations are built
    found = conversations(data)
    # then each (line, channel) is its own conversation; the tie goes to the lower id
    assert [(c.business_line, c.channel, c.direction) for c in found] == [
        (WA_LINE, "whatsapp", "outbound"),
        (WA_LINE, "sms", "inbound"),
        (SMS_LINE, "sms", "inbound"),
    ]
    assert found[0].agent_id == SAM


def test_aircall_outbound_authors_by_user_id_then_email() -> None:
    # given outbound messages: a listed user, an unlisted user with an agent's e-mail, an
    # unlisted user with a stranger's e-mail, and no user at all
    data = raw(
        aircall_messages=[
            aircall("m1", "inbound", 0),
            aircall("m2", "outbound", 1, user="998", email="bot@example.com"),
            aircall("m3", "outbound", 2),
            aircall("m4", "outbound", 3, user="999", email=" SAM@example.com"),
            aircall("m5", "outbound", 4, user="501", email="other@example.com"),
        ]
    )
    # when the conversation is built
    [found] = conversations(data)
    # then the telephony user id wins, the e-mail is the fallback, anything else is automated
    assert [(m.author, m.agent_id) for m in found.messages] == [
        (CUSTOMER, None),
        (AUTOMATED, None),
        (AUTOMATED, None),
        (AGENT, SAM),
        (AGENT, LEA),
    ]
    assert (found.agent_id, found.first_response_seconds) == (SAM, 3)


def lead(cid: str, created: datetime, phone: str = "06 12 34 56 78") -> Contact:
    return Contact(cid, created, (phone,), None, None)


def call(cid: str, direction: str, seconds: int, *, user: str | None = None,
         answer: int | None = None, digits: str = CUSTOMER_E164) -> Call:  # fmt: skip
    answered = at(seconds + answer) if answer is not None else None
    return Call(cid, direction, at(seconds), answered, at(seconds + 600), digits, user, "1",
                "+33 1 87 65 43 21", None, None)  # fmt: skip


def test_a_conversation_is_the_first_touch_before_a_call_in_the_grace() -> None:
    # given a lead created at T0, its WhatsApp message 1 h later answered by Léa at +300 s,
    # then a call answered by Sam 2 h later (inside the grace)
    data = replace(
        whatsapp_thread((*CUSTOMER_SAYS, 3600), (*LEA_SAYS, 3900)),
        contacts=[lead("1", at(0))],
        calls=[call("7", "inbound", 7200, user="502", answer=5)],
    )
    # when the warehouse is built
    w = build_warehouse(data, settings())
    found = w.leads["1"]
    # then the conversation is the first touch, its channel and agent the lead's
    assert found.first_touch is not None and found.first_touch.interaction_id == "twilio:CH1"
    assert (found.channel.group, found.channel.channel, found.channel.label) == (
        "messaging",
        "whatsapp",
        "WhatsApp",
    )
    assert found.first_touch_agent == LEA
    # and the response is the conversation's own first agent message, at exactly 300 s
    assert response_seconds(found) == 300
    [row] = table(w, "kpi_leads_daily")
    assert (row["leads_responded"], row["leads_responded_within_5m"]) == (1, 1)


def test_an_auto_reply_only_conversation_is_a_touch_but_neither_handled_nor_a_response() -> None:
    # given an inbound WhatsApp answered only by automation, then a call answered by Sam
    data = replace(
        whatsapp_thread((*CUSTOMER_SAYS, 60), (*SYSTEM_SAYS, 61)),
        contacts=[lead("1", at(0))],
        calls=[call("7", "inbound", 600, user="502", answer=30)],
    )
    # when the warehouse is built
    w = build_warehouse(data, settings())
    found = w.leads["1"]
    # then the first touch is the conversation, the first-touch agent the call's, and the
    # response the answer of the call (630 s after the message at 60 s)
    assert found.channel.channel == "whatsapp"
    assert found.first_touch_agent == SAM
    assert response_seconds(found) == 570


def test_an_outbound_first_message_is_outbound_message() -> None:
    # given a template by automation before the lead answers, then Léa writes
    data = replace(
        whatsapp_thread((*SYSTEM_SAYS, 60), (*CUSTOMER_SAYS, 120), (*LEA_SAYS, 180)),
        contacts=[lead("1", at(0))],
    )
    # when the warehouse is built
    w = build_warehouse(data, settings())
    found = w.leads["1"]
    # then the lead came through an outbound message, no speed to lead applies
    assert (found.channel.group, found.channel.channel, found.channel.label) == (
        "outbound",
        "outbound_message",
        "Outbound message",
    )
    assert (found.first_touch_agent, response_seconds(found)) == (LEA, None)


def test_the_seed_renames_a_messaging_line_and_keeps_its_group() -> None:
    # given a seed row for the WhatsApp line
    mapping = {WA_LINE: ChannelOverride("campaign_wa", "WhatsApp campaign")}
    data = replace(whatsapp_thread((*CUSTOMER_SAYS, 60)), contacts=[lead("1", at(0))])
    # when the warehouse is built with it
    w = build_warehouse(data, settings(channel_mapping=mapping))
    # then the lead and the export carry the seed's channel, in the messaging group
    assert (w.leads["1"].channel.group, w.leads["1"].channel.channel) == (
        "messaging",
        "campaign_wa",
    )
    [row] = table(w, "kpi_conversations_daily")
    assert (row["channel_group"], row["channel"], row["channel_label"], row["business_line"]) == (
        "messaging",
        "campaign_wa",
        "WhatsApp campaign",
        WA_LINE,
    )


def test_conversations_daily_grain_and_order() -> None:
    # given two WhatsApp conversations of one line and day (one replied by Léa in 100 s, one
    # not replied), and an SMS one on the same line; 23:30Z is the next day in Paris
    day_end = int((datetime(2026, 10, 1, 22, 30, tzinfo=UTC) - T0).total_seconds())
    data = raw(
        aircall_messages=[
            aircall("m1", "inbound", 0),
            aircall("m2", "outbound", 100, user="501"),
            aircall("n1", "inbound", 0, external="+33 6 99 99 99 99"),
            aircall("s1", "inbound", 0, channel="sms"),
            aircall("z1", "inbound", day_end + 3600, external="+33 6 88 88 88 88"),
        ]
    )
    # when the export rows are computed
    rows = table(build_warehouse(data, settings()), "kpi_conversations_daily")
    # then one row per date x line x channel x agent x direction, sorted by those columns
    keys = [(str(r["date"]), r["channel"], r["agent_id"], r["conversations"]) for r in rows]
    assert keys == [
        ("2026-10-01", "sms", UNASSIGNED, 1),
        ("2026-10-01", "whatsapp", LEA, 1),
        ("2026-10-01", "whatsapp", UNASSIGNED, 1),
        ("2026-10-02", "whatsapp", UNASSIGNED, 1),
    ]
    assert rows[1]["first_response_seconds"] == 100 and rows[1]["team"] == "Inside"
    assert sum(r["messages_in"] + r["messages_out"] for r in rows) == 5


def test_conversations_credit_deals_by_their_start_and_agent() -> None:
    # given a deal won at +1 day whose lead had a call answered by Sam, then a conversation
    # started by the customer and handled by Léa
    data = replace(
        whatsapp_thread((*CUSTOMER_SAYS, 3600), (*LEA_SAYS, 3700)),
        contacts=[lead("1", at(0))],
        calls=[call("7", "inbound", 60, user="502", answer=5)],
        deals=[Deal("d", at(0), at(86400), "p", "won", "101", "100", None, None, ("1",))],
    )
    # when the warehouse is built
    w = build_warehouse(data, settings())
    [opp] = w.opportunities
    credits = {(c.role, c.agent_id) for c in opp.credits}
    # then the call is the first touch, the conversation the last touch, both assist
    assert credits == {
        ("owner", LEA),
        ("first_touch", SAM),
        ("last_touch", LEA),
        ("assist", SAM),
        ("assist", LEA),
    }
    assert opp.channel.channel == "phone_geographic"


def test_a_conversation_is_no_callback_and_no_call() -> None:
    # given a missed call, then an agent's WhatsApp to the caller 10 minutes later
    data = replace(
        raw(aircall_messages=[aircall("m1", "outbound", 600, user="501")]),
        calls=[call("7", "inbound", 0)],
    )
    # when the call rows are computed
    w = build_warehouse(data, settings())
    [row] = table(w, "kpi_calls_daily")
    # then the message neither calls back nor counts as a call
    assert (row["calls"], row["missed_calls"], row["missed_called_back_1h"]) == (1, 1, 0)
    assert len(w.interactions) == 2 and len(w.calls) == 1


def test_no_messaging_gives_the_calls_only_warehouse() -> None:
    # given a lead with calls and no messaging raw rows
    data = replace(raw(), contacts=[lead("1", at(0))], calls=[call("7", "inbound", 60)])
    # when the warehouse is built
    w = build_warehouse(data, settings())
    # then there are no conversations, no conversation rows, and only the calls interact
    assert w.conversations == [] and conversations_daily(w) == []
    assert [i.interaction_id for i in w.interactions] == ["7"]
    assert leads_daily(w)[0][2] == "phone_geographic" and calls_daily(w)


def test_a_call_comes_before_a_conversation_of_the_same_second() -> None:
    # given an answered outbound call by Sam and Léa's WhatsApp to the lead in the same second
    data = replace(
        raw(aircall_messages=[aircall("m1", "outbound", 60, user="501")]),
        contacts=[lead("1", at(0))],
        calls=[call("7", "outbound", 60, user="502", answer=5)],
    )
    # when the warehouse is built
    w = build_warehouse(data, settings())
    # then the numbered call id is first (as the lower interaction id), the conversation after
    assert [i.interaction_id for i in w.leads["1"].interactions] == ["7", "aircall:m1"]
    assert (w.leads["1"].channel.channel, w.leads["1"].first_touch_agent) == ("outbound_call", SAM)
