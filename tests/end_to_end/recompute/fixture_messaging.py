"""The hand-made messaging records: both raw shapes, with hand-computed KPIs
(test_fixture_messaging_kpis.py). October 2026, Paris is UTC+2 (until 2026-10-25 01:00Z).

Business endpoints: Twilio sends WhatsApp and SMS from +33 6 45 45 45 45 and SMS from
+33 7 56 78 12 34 (seed-mapped to `sms_promo_2026`); the Aircall line 4 (+33 6 44 55 66 77)
carries SMS and WhatsApp. Web chats run on the Twilio chat service.

- C50: WhatsApp (Twilio, `whatsapp:` addresses) at 09:00Z, Léa replies at exactly 300 s; Sam
  answers C50's call at 10:00Z, inside the grace but after it: the lead is WhatsApp's, Léa its
  first-touch agent, its speed to lead 300 s. D50 (won, Marc's) credits Léa first touch, Sam last.
- C51: SMS on the seed-mapped line answered by an auto-reply (`system`) only: not handled, no
  reply, no response; the lead's channel is the seed's.
- C52: Aircall SMS; a bot user nobody knows (automated) writes at 10 s, Sam replies at 301 s.
  Sam's message landed as its `message.status_updated` event (status read): one raw row.
- C53: Twilio WhatsApp opened by a template from automation, the customer answers, Marc writes:
  outbound, Marc's; the lead's channel `outbound_message`; D53 is open.
- C54: Aircall WhatsApp opened by Léa (an agent's outbound first message), customer answers in
  free text.
- C55: Aircall WhatsApp: replied at 120 s by a user absent from the users list whose e-mail is
  Léa's (in capitals); the next customer message exactly 24 h later stays in it, the one 24 h + 1 s
  after that opens a second conversation (answered by automation only). An SMS of the same
  customer on the same line, between them, is a third conversation.
- C56: its only conversation (Twilio) was deleted at the vendor (`_deleted_at` on the
  conversation row only; its participants and messages stay in raw): no touch, CRM source.
- C57: Twilio SMS on the WhatsApp sender number; a chat identity that is nobody's writes first
  (automated), then Sam as "Sam@Example.com" at 360 s.
- A web chat (no binding): a visitor, then Léa at 90 s; no number, so no lead.
"""

from __future__ import annotations

from .fixture_builders import (
    USERS_BY_ID,
    aircall_message,
    call,
    contact,
    deal,
    twilio_conversation,
    twilio_message,
    twilio_participant,
)

TWILIO_WA = "+33645454545"
TWILIO_SMS_MAPPED = "+33756781234"
AIRCALL_LINE = 4
BOT_USER = {"id": 998, "name": "Zapier bot", "email": "bot@example.com"}
LEA_OLD_SEAT = {"id": 999, "name": "Léa (old seat)", "email": "LEA.DUBOIS@example.com"}

CONTACTS = [
    contact("50", "2026-10-01T08:00:00", {"phone": "06 50 50 50 50",
            "hs_analytics_source": "PAID_SEARCH", "hubspot_owner_id": "102"}),
    contact("51", "2026-10-02T08:00:00", {"phone": "+33 6 51 51 51 51",
            "hs_analytics_source": "ORGANIC_SEARCH"}),
    contact("52", "2026-10-05T08:00:00", {"phone": "0652525252", "hubspot_owner_id": "101"}),
    contact("53", "2026-10-06T08:00:00", {"phone": "+33 6 53 53 53 53",
            "hs_analytics_source": "REFERRALS", "hubspot_owner_id": "101"}),
    contact("54", "2026-10-07T08:00:00", {"mobilephone": "06 54 54 54 54"}),
    contact("55", "2026-10-08T08:00:00", {"phone": "+33 6 55 00 00 55"}),
    contact("56", "2026-10-12T08:00:00", {"phone": "+33 6 56 56 56 56",
            "hs_analytics_source": "PAID_SOCIAL"}),
    contact("57", "2026-10-13T08:00:00", {"phone": "+33 6 57 57 57 57"}),
]  # fmt: skip

DEALS = [
    deal("50", "2026-10-02T10:00:00", "2026-10-10T10:00:00", ["50"], dealstage="closedwon",
         hubspot_owner_id="102", amount="500", deal_currency_code="EUR"),
    deal("53", "2026-10-06T12:00:00", None, ["53"], dealstage="appointmentscheduled",
         hubspot_owner_id="101", amount="200"),
]  # fmt: skip

CALLS = [
    call(40, "inbound", 2, "+33 6 50 50 50 50", "2026-10-01T10:00:00", user=502, answer=10,
         length=130),
]  # fmt: skip


def _wa(e164: str) -> str:
    return f"whatsapp:{e164}"


TWILIO_CONVERSATIONS = [
    twilio_conversation("c50", "2026-10-01T09:00:00", "2026-10-01T09:05:00"),
    twilio_conversation("c51", "2026-10-02T09:00:00", "2026-10-02T09:00:02"),
    twilio_conversation("c53", "2026-10-06T08:30:00", "2026-10-06T09:10:00"),
    twilio_conversation("c56", "2026-10-12T09:00:00", "2026-10-12T09:01:00"),
    twilio_conversation("c57", "2026-10-13T09:00:00", "2026-10-13T09:06:00", state="active"),
    twilio_conversation("chat", "2026-10-14T10:00:00", "2026-10-14T10:02:00"),
]
DELETED_CONVERSATIONS = {"c56"}  # found gone by the scan: `_deleted_at` on its row only

TWILIO_PARTICIPANTS = [
    twilio_participant("c50", "customer", "2026-10-01T09:00:00",
                       binding=("whatsapp", _wa("+33650505050"), _wa(TWILIO_WA))),
    twilio_participant("c50", "lea", "2026-10-01T09:04:00", identity="lea.dubois@example.com"),
    twilio_participant("c51", "customer", "2026-10-02T09:00:00",
                       binding=("sms", "+33651515151", TWILIO_SMS_MAPPED)),
    twilio_participant("c53", "customer", "2026-10-06T08:30:00",
                       binding=("whatsapp", _wa("+33653535353"), _wa(TWILIO_WA))),
    twilio_participant("c53", "marc", "2026-10-06T09:05:00", identity="marc@example.com"),
    twilio_participant("c56", "customer", "2026-10-12T09:00:00",
                       binding=("sms", "+33656565656", TWILIO_SMS_MAPPED)),
    twilio_participant("c56", "sam", "2026-10-12T09:00:30", identity="sam@example.com"),
    twilio_participant("c57", "customer", "2026-10-13T09:00:00",
                       binding=("sms", "+33657575757", TWILIO_WA)),
    twilio_participant("c57", "ghost", "2026-10-13T09:00:30", identity="ghost@example.com"),
    twilio_participant("c57", "sam", "2026-10-13T09:05:00", identity="Sam@Example.com"),
    twilio_participant("chat", "visitor", "2026-10-14T10:00:00", identity="visitor-42"),
    twilio_participant("chat", "lea", "2026-10-14T10:01:00", identity="lea.dubois@example.com"),
]  # fmt: skip

TWILIO_MESSAGES = [
    twilio_message("c50", 0, _wa("+33650505050"), "customer", "2026-10-01T09:00:00"),
    twilio_message("c50", 1, "lea.dubois@example.com", "lea", "2026-10-01T09:05:00"),
    twilio_message("c51", 0, "+33651515151", "customer", "2026-10-02T09:00:00"),
    twilio_message("c51", 1, "system", None, "2026-10-02T09:00:02"),
    twilio_message("c53", 0, "system", None, "2026-10-06T08:30:00"),
    twilio_message("c53", 1, _wa("+33653535353"), "customer", "2026-10-06T09:00:00"),
    twilio_message("c53", 2, "marc@example.com", "marc", "2026-10-06T09:10:00"),
    twilio_message("c56", 0, "+33656565656", "customer", "2026-10-12T09:00:00"),
    twilio_message("c56", 1, "sam@example.com", "sam", "2026-10-12T09:01:00"),
    twilio_message("c57", 0, "+33657575757", "customer", "2026-10-13T09:00:00"),
    twilio_message("c57", 1, "ghost@example.com", "ghost", "2026-10-13T09:01:00"),
    twilio_message("c57", 2, "Sam@Example.com", "sam", "2026-10-13T09:06:00"),
    twilio_message("chat", 0, "visitor-42", "visitor", "2026-10-14T10:00:30", phone=False),
    twilio_message("chat", 1, "lea.dubois@example.com", "lea", "2026-10-14T10:02:00",
                   phone=False),
]  # fmt: skip

LEA, SAM = USERS_BY_ID[501], USERS_BY_ID[502]
# One raw row per message id: the latest event about it (the connector merges them).
AIRCALL_MESSAGES = [
    aircall_message("msg-52-1", "inbound", "sms", "2026-10-05T09:00:00", "+33652525252",
                    AIRCALL_LINE),
    aircall_message("msg-52-2", "outbound", "sms", "2026-10-05T09:00:10", "+33652525252",
                    AIRCALL_LINE, user=BOT_USER, status="delivered"),
    aircall_message("msg-52-3", "outbound", "sms", "2026-10-05T09:05:01", "+33652525252",
                    AIRCALL_LINE, user=SAM, status="read", updated="2026-10-05T09:07:00"),
    aircall_message("msg-54-1", "outbound", "whatsapp", "2026-10-07T08:10:00", "+33654545454",
                    AIRCALL_LINE, user=LEA),
    aircall_message("msg-54-2", "inbound", "whatsapp", "2026-10-07T08:20:00", "06 54 54 54 54",
                    AIRCALL_LINE),
    aircall_message("msg-55-1", "inbound", "whatsapp", "2026-10-08T09:00:00", "+33655000055",
                    AIRCALL_LINE),
    aircall_message("msg-55-2", "outbound", "whatsapp", "2026-10-08T09:02:00", "+33655000055",
                    AIRCALL_LINE, user=LEA_OLD_SEAT),
    aircall_message("msg-55-3", "inbound", "sms", "2026-10-08T09:30:00", "+33655000055",
                    AIRCALL_LINE),
    aircall_message("msg-55-4", "inbound", "whatsapp", "2026-10-09T09:02:00", "06 55 00 00 55",
                    AIRCALL_LINE),
    aircall_message("msg-55-5", "inbound", "whatsapp", "2026-10-10T09:02:01",
                    "+33 6 55 00 00 55", AIRCALL_LINE),
    aircall_message("msg-55-6", "outbound", "whatsapp", "2026-10-10T09:02:05", "+33655000055",
                    AIRCALL_LINE),
]  # fmt: skip
