"""The hand-made raw records: attribution edge cases with hand-computed KPIs (test_fixture_kpis).

Scenario (UTC times; Paris is UTC+1 in winter, UTC+2 from 2026-03-29 01:00Z to 2026-10-25 01:00Z):
- C1 two numbers in two formats; first call 2 h after creation, missed, called back at 59 min.
- C2 first call 30 h after creation (outside the grace) -> CRM original source.
- C3 first touch outbound (before creation); C4 created on the 23 h DST day, local date != UTC
  date, first call on a seed-mapped line, called back at 61 min; an anonymous missed call.
- C5 created on the 25 h DST day, answered first call (response = wait), callback at exactly 24 h.
- C6 + C7 share deal D3 (USD, converted); C7 created first in the association list but later.
- D2 makes C1 a repeat customer; D4 unowned and lost; D5 archived; D6 has no contact; D7 open.
- Owner 101 and Aircall user 501 are one agent (e-mails differ in case and spaces); owner 102
  has no primary team, so its telephony twin 504 gives the team.
- D7 is open with a past (expected) close date: "now" bounds its last touch, not that date.
- C8 first call at exactly +24 h (the grace is inclusive); an unanswered outbound attempt at
  exactly 300 s is its response (inclusive too). D19's primary C9 (created first) has its first
  handled call after the close: first touch after close, last touch from C8, no assist window.
- D20: the non-primary contact C11 was handled before the primary's first handled call, so that
  agent is outside the assist window; D20 has no amount.
- C12's first touch is an outbound call from the seed-mapped line: still `outbound_call` (the
  seed renames the line's channel; the company calling first is not the line's channel).
- D21 (Feb 2025) puts C2 in the customer base exactly 12 months later and not 13.
- G3 (assigned by HubSpot user id) splits 1000 over Sep-Nov: 333.33 a month, met by D23's 333.33.
- D22 is associated only with a contact absent from the raw layer (deleted in the CRM); its owner
  104 is an archived duplicate of Léa (same e-mail): one agent, named by the active owner.
Deletes and merges (July 2026; kpis.md "a contact deleted in the CRM stops being a lead"):
- C30 is archived but its call still counts; C31 was found gone (`_deleted_at`), so its won D31
  has no contact (an opportunity, no order).
- C32 (live in raw) is listed in C33's hs_merged_object_ids: no lead; its call is C33's first
  touch, its (stale) association makes D32 C33's order, and D33 naming both links C33 once.
- A chain: C34 into C35, then C35 into C36 (C36 lists only 35, and 40, merged away before it was
  ever synced): D34 (on C34) and D40 (on 40) are C36's; C34's call is C36's outbound first touch.
- C37 was merged into C38, later archived: neither is a lead, D37 has no contact.
- C39 was archived and restored (re-landed live, `_deleted_at` cleared): a lead with D39; D35,
  found gone at the vendor, is excluded everywhere.
"""

from __future__ import annotations

from typing import Any

from .fixture_builders import call, contact, deal

OWNERS = [
    {"id": "101", "email": " Lea.Dubois@Example.com ", "firstName": "Léa", "lastName": "Dubois",
     "userId": 9001, "archived": False,
     "teams": [{"id": "1", "name": "Inside Sales", "primary": True}]},
    {"id": "102", "email": "marc@example.com", "firstName": "Marc", "lastName": "Petit",
     "userId": 9002, "archived": False, "teams": [{"id": "2", "name": "Field", "primary": False}]},
    {"id": "103", "email": "old@example.com", "firstName": "Old", "lastName": "Timer",
     "userId": 9003, "archived": True, "teams": []},
    {"id": "104", "email": "lea.dubois@example.com", "firstName": "Lea", "lastName": "Old",
     "userId": 9004, "archived": True, "teams": [{"id": "3", "name": "Old team", "primary": True}]},
]  # fmt: skip
TEAMS = [
    {"id": 20, "name": "Support", "users": [{"id": 502}, {"id": 504}]},
    {"id": 10, "name": "Night", "users": [{"id": 502}, {"id": 503}]},
]


def _stage(sid: str, closed: bool, probability: str) -> dict[str, Any]:
    return {"id": sid, "metadata": {"isClosed": str(closed).lower(), "probability": probability}}


PIPELINES = [
    {"id": "default", "label": "Sales Pipeline", "stages": [
        _stage("appointmentscheduled", False, "0.2"), _stage("closedwon", True, "1.0"),
        _stage("closedlost", True, "0.0")]},
    {"id": "777", "label": "Renewals", "stages": [
        _stage("1", False, "0.5"), _stage("2", True, "1.0"), _stage("3", True, "0.0")]},
]  # fmt: skip

CONTACTS = [
    contact("1", "2026-03-02T10:00:00", {"phone": "06 11 11 11 11",
            "mobilephone": "+33 7 56 78 90 12", "hs_analytics_source": "PAID_SEARCH",
            "hubspot_owner_id": "101"}),
    contact("2", "2026-03-10T08:00:00", {"phone": "+33 6 33 33 33 33",
            "hs_analytics_source": "ORGANIC_SEARCH", "hubspot_owner_id": "102"}),
    contact("3", "2026-04-01T07:00:00", {"mobilephone": "07 44 44 44 44", "phone": ""}),
    contact("4", "2026-03-29T22:10:00", {"phone": "+33 6 55 55 55 55",
            "hs_analytics_source": "REFERRALS", "hubspot_owner_id": "101"}),
    contact("5", "2026-10-25T09:00:00", {"phone": "0142685300", "hs_analytics_source": "OFFLINE",
            "hubspot_owner_id": "101"}),
    contact("6", "2026-05-01T08:00:00", {"phone": "+33 6 66 66 66 66",
            "hs_analytics_source": "DIRECT_TRAFFIC", "hubspot_owner_id": "102"}),
    contact("7", "2026-05-02T08:00:00", {"phone": "+33 6 77 77 77 77"}),
    contact("8", "2026-08-03T08:00:00", {"phone": "+33 6 88 88 88 88",
            "hs_analytics_source": "PAID_SOCIAL", "hubspot_owner_id": "101"}),
    contact("9", "2026-08-01T08:00:00", {"phone": "+33 6 99 99 99 99"}),
    contact("10", "2026-08-05T08:00:00", {"phone": "+33 6 10 10 10 10", "mobilephone": "12"}),
    contact("11", "2026-08-06T08:00:00", {"phone": "+33 6 10 10 10 11"}),
    contact("12", "2026-09-10T08:00:00", {"phone": "+33 6 12 12 12 12"}),
    contact("30", "2026-07-01T08:00:00", {"phone": "+33 6 30 30 30 30",
            "hs_analytics_source": "PAID_SEARCH", "hubspot_owner_id": "101"}),
    contact("31", "2026-07-01T08:00:00", {"phone": "+33 6 31 31 31 31"}),
    contact("32", "2026-07-02T08:00:00", {"phone": "+33 6 32 32 32 32",
            "hs_analytics_source": "PAID_SEARCH", "hubspot_owner_id": "102"}),
    contact("33", "2026-07-05T08:00:00", {"phone": "+33 6 33 33 33 34",
            "hs_analytics_source": "OFFLINE", "hubspot_owner_id": "101",
            "hs_merged_object_ids": "32"}),
    contact("34", "2026-07-03T08:00:00", {"phone": "+33 6 34 34 34 34"}),
    contact("35", "2026-07-04T08:00:00", {"hs_merged_object_ids": "34"}),
    contact("36", "2026-07-06T08:00:00", {"phone": "+33 6 36 36 36 36",
            "hs_analytics_source": "REFERRALS", "hubspot_owner_id": "102",
            "hs_merged_object_ids": "35; 40"}),
    contact("37", "2026-07-07T08:00:00", {"phone": "+33 6 37 37 37 37"}),
    contact("38", "2026-07-07T09:00:00", {"hs_merged_object_ids": "37"}),
    contact("39", "2026-07-08T08:00:00", {"phone": "+33 6 39 39 39 39",
            "hs_analytics_source": "DIRECT_TRAFFIC", "hubspot_owner_id": "101"}),
]  # fmt: skip
ARCHIVED_CONTACTS = {"30", "38"}
GONE = "2026-11-19 03:00:00+00"  # when a full-key reconciliation found the id missing
GONE_CONTACTS = {"31"}

WON, LOST, OPEN = "closedwon", "closedlost", "appointmentscheduled"
DEALS = [
    deal("11", "2026-03-03T09:00:00", "2026-03-28T23:30:00", ["1"], dealstage=WON,
         hubspot_owner_id="101", amount="999", deal_currency_code="GBP",
         amount_in_home_currency="1200"),
    deal("12", "2026-04-10T10:00:00", "2026-05-15T10:00:00", ["1"], pipeline="777",
         dealstage="2", hubspot_owner_id="101", amount="500", deal_currency_code=None),
    deal("13", "2026-05-04T10:00:00", "2026-06-01T08:00:00", ["7", "6"], dealstage=WON,
         hubspot_owner_id="101", amount="1000", deal_currency_code="USD"),
    deal("14", "2026-03-12T10:00:00", "2026-03-20T10:00:00", ["2"], dealstage=LOST,
         hubspot_owner_id=None, amount="300"),
    deal("15", "2026-03-30T10:00:00", "2026-04-02T10:00:00", ["4"], dealstage=WON,
         hubspot_owner_id="101", amount="10000"),  # archived below
    deal("16", "2026-06-05T10:00:00", "2026-06-06T10:00:00", [], dealstage=WON,
         hubspot_owner_id="102", amount="250", deal_currency_code="EUR"),
    deal("17", "2026-04-02T10:00:00", "2026-04-01T12:00:00", ["3"], dealstage=OPEN,
         hubspot_owner_id="102", amount="800"),
    deal("18", "2026-10-25T10:00:00", "2026-10-26T10:00:00", ["5"], dealstage=WON,
         hubspot_owner_id="101", amount="2000", deal_currency_code="EUR"),
    deal("19", "2026-08-02T10:00:00", "2026-08-15T10:00:00", ["8", "9"], dealstage=WON,
         hubspot_owner_id="101", amount="100.5", deal_currency_code="GBP"),
    deal("20", "2026-08-06T12:00:00", "2026-08-20T12:00:00", ["11", "10"], dealstage=WON,
         hubspot_owner_id="102", amount=None),
    deal("21", "2025-01-20T10:00:00", "2025-02-10T10:00:00", ["2"], dealstage=WON,
         hubspot_owner_id="102", amount="400"),
    deal("23", "2026-09-01T10:00:00", "2026-09-03T10:00:00", [], dealstage=WON,
         hubspot_owner_id="102", amount="333.33"),
    deal("22", "2026-09-01T10:00:00", "2026-09-02T10:00:00", ["99"], dealstage=WON,
         hubspot_owner_id="104", amount="50"),
    deal("31", "2026-07-02T10:00:00", "2026-07-21T10:00:00", ["31"], dealstage=WON,
         hubspot_owner_id="101", amount="310"),
    deal("32", "2026-07-03T10:00:00", "2026-07-20T10:00:00", ["32"], dealstage=WON,
         hubspot_owner_id="101", amount="700"),
    deal("33", "2026-07-06T10:00:00", None, ["32", "33"], dealstage=OPEN,
         hubspot_owner_id="101", amount="100"),
    deal("34", "2026-07-04T10:00:00", "2026-07-22T10:00:00", ["34"], dealstage=WON,
         hubspot_owner_id="102", amount="340"),
    deal("40", "2026-07-06T11:00:00", "2026-07-23T10:00:00", ["40"], dealstage=WON,
         hubspot_owner_id="102", amount="400.40"),
    deal("37", "2026-07-08T10:00:00", None, ["37"], dealstage=OPEN,
         hubspot_owner_id="101", amount="370"),
    deal("39", "2026-07-09T10:00:00", None, ["39"], dealstage=OPEN,
         hubspot_owner_id="101", amount="390"),
    deal("35", "2026-07-09T10:00:00", "2026-07-24T10:00:00", ["39"], dealstage=WON,
         hubspot_owner_id="101", amount="350"),
]  # fmt: skip
ARCHIVED_DEALS = {"15"}
GONE_DEALS = {"35"}

GOALS = [
    {"id": "g1", "properties": {"hs_target_amount": "3000", "hubspot_owner_id": "101",
     "hs_start_datetime": "2026-02-28T23:00:00Z", "hs_end_datetime": "2026-05-31T21:59:59.999Z"}},
    {"id": "g3", "properties": {"hs_target_amount": "1000", "hs_assignee_user_id": "9002",
     "hs_start_datetime": "2026-08-31T22:00:00Z", "hs_end_datetime": "2026-11-30T22:59:59.999Z"}},
    {"id": "g2", "properties": {"hs_target_amount": "500", "hubspot_owner_id": "102",
     "hs_start_datetime": "2026-06-01T00:00:00Z", "hs_end_datetime": "2026-06-30T23:59:59.999Z"}},
]  # fmt: skip

C1, C1B, C4, C5 = "+33 7 56 78 90 12", "+33 6 11 11 11 11", "+33 6 55 55 55 55", "+33 1 42 68 53 00"
CALLS = [
    call(1, "inbound", 1, C1, "2026-03-02T12:00:00", reason="agents_did_not_answer",
         voicemail="https://vm.example/1"),
    call(2, "outbound", 2, C1, "2026-03-02T12:59:00", user=501, answer=20, length=380),
    call(3, "inbound", 2, C1B, "2026-03-05T09:00:00", user=502, answer=40, length=640),
    call(4, "inbound", 2, "+33 6 33 33 33 33", "2026-03-11T14:00:00", user=502, answer=10,
         length=130),
    call(5, "outbound", 2, "+33 7 44 44 44 44", "2026-04-01T06:30:00", user=501),
    call(6, "inbound", 1, "+33744444444", "2026-04-01T09:00:00", user=502, answer=5, length=65),
    call(7, "inbound", 3, C4, "2026-03-29T22:20:00", reason="out_of_opening_hours"),
    call(8, "outbound", 3, C4, "2026-03-29T23:21:00", user=503, answer=30, length=630),
    call(9, "inbound", 1, "anonymous", "2026-03-29T22:30:00", reason="no_available_agent"),
    call(10, "inbound", 2, C5, "2026-10-25T08:00:00", user=501, answer=45, length=345),
    call(11, "outbound", 2, C5, "2026-10-25T22:30:00", user=502, archived=True),
    call(12, "inbound", 2, C5, "2026-10-25T23:10:00", reason="agents_did_not_answer"),
    call(13, "inbound", 2, C5, "2026-10-26T23:10:00", user=501, answer=5, length=125),
    call(14, "inbound", 1, "+33 6 66 66 66 66", "2026-05-01T09:00:00", user=501, answer=20,
         length=620),
    call(15, "inbound", 2, "+33 6 77 77 77 77", "2026-05-03T09:00:00", user=502, answer=10,
         length=310),
    call(16, "outbound", 2, "+33 6 77 77 77 77", "2026-05-20T09:00:00", user=503, answer=30,
         length=210),
    call(17, "outbound", 2, "+33 6 66 66 66 66", "2026-06-10T09:00:00", user=502, answer=10,
         length=70),
    call(18, "inbound", 2, "+33 6 88 88 88 88", "2026-08-04T08:00:00", reason="short_abandoned"),
    call(19, "outbound", 1, "+33 6 88 88 88 88", "2026-08-04T08:05:00", user=502),
    call(20, "inbound", 1, "+33 6 88 88 88 88", "2026-08-10T10:00:00", user=501, answer=10,
         length=70),
    call(21, "inbound", 2, "+33 6 99 99 99 99", "2026-08-20T10:00:00", user=503, answer=10,
         length=70),
    call(22, "inbound", 2, "+33 6 99 99 99 99", "2026-08-01T09:00:00", reason="short_abandoned"),
    call(23, "inbound", 1, "+33 6 10 10 10 11", "2026-08-06T09:00:00", user=502, answer=10,
         length=70),
    call(24, "inbound", 1, "+33 6 10 10 10 10", "2026-08-07T09:00:00", user=501, answer=10,
         length=70),
    call(26, "outbound", 3, "+33 6 12 12 12 12", "2026-09-10T09:00:00", user=501, answer=10,
         length=70),
    call(25, "outbound", 2, "+33 7 44 44 44 44", "2026-05-10T09:00:00", user=501, answer=10,
         length=70),
    call(30, "inbound", 2, "+33 6 30 30 30 30", "2026-07-01T09:00:00", user=501, answer=10,
         length=70),
    call(31, "inbound", 1, "+33 6 31 31 31 31", "2026-07-01T10:00:00",
         reason="agents_did_not_answer"),
    call(32, "inbound", 2, "+33 6 32 32 32 32", "2026-07-05T09:00:00", user=502, answer=20,
         length=200),
    call(34, "outbound", 1, "+33 6 34 34 34 34", "2026-07-06T12:00:00", user=504, answer=10,
         length=100),
    call(37, "inbound", 1, "+33 6 37 37 37 37", "2026-07-07T10:00:00", user=501, answer=5,
         length=65),
]  # fmt: skip
