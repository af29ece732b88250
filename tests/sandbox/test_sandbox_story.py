"""The synthetic business exercises every KPI rule, deterministically."""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import random

import phonenumbers
import pytest
import requests
from sandbox_testkit import AIRCALL_AUTH, HUBSPOT_HEADERS

from sandbox import Business, RunningSandbox, start_sandbox
from sandbox.world.calls import CallFact
from sandbox.world.clock import local_midnight
from sandbox.world.phones import french_landline, french_mobile, pretty

PhoneType = phonenumbers.PhoneNumberType


@pytest.fixture(scope="module")
def facts(business: Business) -> list[CallFact]:
    return [
        fact for day in range(len(business.calendar.days)) for _, fact in business.calls.rows(day)
    ]


def test_same_seed_gives_identical_responses(business: Business, sandbox: RunningSandbox) -> None:
    # given a second business built from the same config
    with start_sandbox(business.config) as twin:
        for path, params in [("/v1/calls", {"per_page": 50, "page": 7}), ("/v1/users", {})]:
            # when both serve the same page / then the bytes are the same
            ours = requests.get(sandbox.base_url + path, params=params, auth=AIRCALL_AUTH)
            theirs = requests.get(twin.base_url + path, params=params, auth=AIRCALL_AUTH)
            assert ours.content.replace(sandbox.base_url.encode(), b"") == theirs.content.replace(
                twin.base_url.encode(), b""
            )
        body = {
            "limit": 100,
            "after": "300",
            "properties": ["phone", "mobilephone", "hubspot_owner_id"],
        }
        ours = requests.post(
            sandbox.base_url + "/crm/v3/objects/contacts/search", json=body, headers=HUBSPOT_HEADERS
        )
        theirs = requests.post(
            twin.base_url + "/crm/v3/objects/contacts/search", json=body, headers=HUBSPOT_HEADERS
        )
        assert ours.content == theirs.content


def test_another_seed_gives_another_business(business: Business) -> None:
    other = Business(dataclasses.replace(business.config, seed=business.config.seed + 1))
    assert other.contacts.all()[0].properties != business.contacts.all()[0].properties


def test_business_lines_cover_every_phone_type(sandbox: RunningSandbox) -> None:
    numbers = requests.get(sandbox.base_url + "/v1/numbers", auth=AIRCALL_AUTH).json()["numbers"]
    parsed = [phonenumbers.parse(n["digits"]) for n in numbers]
    assert all(phonenumbers.is_valid_number(p) for p in parsed)
    assert {phonenumbers.number_type(p) for p in parsed} == {
        PhoneType.TOLL_FREE,
        PhoneType.FIXED_LINE,
        PhoneType.VOIP,
        PhoneType.MOBILE,
    }
    assert all(" " in n["digits"] for n in numbers)


def test_year_crosses_both_dst_changes_with_calls_on_those_days(business: Business) -> None:
    calendar = business.calendar
    lengths = {calendar.days[i]: calendar.day_length(i) for i in range(len(calendar.days))}
    short = [day for day, seconds in lengths.items() if seconds == 23 * 3600]
    long = [day for day, seconds in lengths.items() if seconds == 25 * 3600]
    assert short == [dt.date(2024, 3, 31)] and long == [dt.date(2024, 10, 27)]
    assert business.calls.count(calendar.days.index(long[0])) > 0
    assert local_midnight(long[0] + dt.timedelta(days=1)) - local_midnight(long[0]) == 25 * 3600


def test_calls_cover_every_outcome(facts: list[CallFact]) -> None:
    reasons = {f.reason for f in facts if f.reason}
    assert reasons == {
        "out_of_opening_hours",
        "short_abandoned",
        "abandoned_in_ivr",
        "abandoned_in_classic",
        "no_available_agent",
        "agents_did_not_answer",
    }
    assert any(f.external == "anonymous" for f in facts)
    assert any(f.voicemail for f in facts) and any(f.archived for f in facts)
    assert {f.status for f in facts} == {"done", "initial", "answered"}
    assert all(f.agent == -1 for f in facts if f.direction == "inbound" and f.answered_at is None)
    assert {f.direction for f in facts if f.agent >= 0 and f.answered_at} == {"inbound", "outbound"}


def test_missed_calls_are_called_back_within_and_after_one_hour(facts: list[CallFact]) -> None:
    outbound = collections.defaultdict(list)
    for fact in facts:
        if fact.direction == "outbound":
            outbound[fact.external].append(fact.started_at)
    delays = []
    for fact in facts:
        if (
            fact.direction == "inbound"
            and fact.answered_at is None
            and fact.external != "anonymous"
        ):
            later = [t - fact.started_at for t in outbound[fact.external] if t > fact.started_at]
            delays.append(min(later) if later else None)
    known = [d for d in delays if d is not None]
    assert any(d <= 3600 for d in known) and any(3600 < d <= 86400 for d in known)
    assert any(d > 86400 for d in known) and None in delays


def test_contacts_hold_free_text_invalid_and_double_phones(business: Business) -> None:
    contacts = [c.properties for c in business.contacts.all()]
    phones = [p for c in contacts for p in (c["phone"], c["mobilephone"]) if p]
    assert any(p.startswith("0033") for p in phones) and any(p.startswith("+33 ") for p in phones)
    assert any("." in p for p in phones) and any(p.startswith("0") and " " in p for p in phones)
    assert sum(1 for c in contacts if c["phone"] and c["mobilephone"]) > 10
    assert any(p in ("n/a", "06 12 34", "voir email") for p in phones)
    assert {c["hs_analytics_source"] for c in contacts} >= {
        "OFFLINE",
        "ORGANIC_SEARCH",
        "PAID_SEARCH",
        "REFERRALS",
    }


def test_deals_cover_currencies_owners_contacts_and_repeat_customers(business: Business) -> None:
    deals = business.deals.all()
    props = [d.properties for d in deals]
    assert {p["deal_currency_code"] for p in props} == {"EUR", "USD", "GBP", None}
    assert any(p["amount_in_home_currency"] is None and p["amount"] for p in props)
    assert any(p["hubspot_owner_id"] is None for p in props)
    assert {min(len(d.associations), 2) for d in deals} == {0, 1, 2}
    assert {p["pipeline"] for p in props} == {"default", "14872536"}
    won = collections.Counter(
        c for d in deals if d.properties["hs_is_closed_won"] == "true" for c in d.associations
    )
    assert max(won.values()) >= 2
    stamps = collections.Counter(p["hs_lastmodifieddate"] for p in props)
    assert max(stamps.values()) >= 100  # a bulk update shares one modified time


def test_conversion_differs_by_channel_and_by_agent(business: Business) -> None:
    by_key = {lead.key: lead for lead in business.leads}
    contact_to_key = {cid: key for key, cid in business.contact_ids.items()}
    won, created = collections.Counter(), collections.Counter()
    owners_won, owners_all = collections.Counter(), collections.Counter()
    for deal in business.deals.all():
        if not deal.associations or deal.archived:
            continue
        channel = by_key[contact_to_key[deal.associations[0]]].channel
        is_won = deal.properties["hs_is_closed_won"] == "true"
        created[channel] += 1
        won[channel] += is_won
        if deal.properties["dealstage"] in ("closedwon", "closedlost"):
            owners_all[deal.properties["hubspot_owner_id"]] += 1
            owners_won[deal.properties["hubspot_owner_id"]] += is_won
    rate = {c: won[c] / created[c] for c in created if created[c] >= 20}
    assert rate["phone_toll_free"] > rate["outbound_call"] + 0.1
    assert any(c.startswith("crm_") for c in rate)
    agent_rates = [owners_won[o] / n for o, n in owners_all.items() if n >= 30 and o]
    assert max(agent_rates) - min(agent_rates) > 0.2


def test_agents_differ_across_systems_only_in_case_and_spaces(sandbox: RunningSandbox) -> None:
    owners = requests.get(sandbox.base_url + "/crm/v3/owners", headers=HUBSPOT_HEADERS).json()[
        "results"
    ]
    users = requests.get(
        sandbox.base_url + "/v1/users", params={"per_page": 50}, auth=AIRCALL_AUTH
    ).json()["users"]
    raw = {u["email"] for u in users}
    normalised = {u["email"].strip().lower() for u in users}
    assert any(e != e.strip().lower() for e in raw)
    assert {o["email"] for o in owners} - normalised  # a CRM-only manager
    assert (
        normalised - {o["email"] for o in owners} - {"jerome.blanc@lumen-habitat.fr"}
    )  # telephony-only


@pytest.mark.parametrize("pool", ["lead", "customer"])
def test_generated_numbers_are_valid_and_pretty_printed_like_libphonenumber(pool: str) -> None:
    # given the generator's number ranges (it skips libphonenumber for speed)
    rng = random.Random(pool)
    international = phonenumbers.PhoneNumberFormat.INTERNATIONAL
    for draw in (french_mobile, french_landline):
        for _ in range(1500):
            number = draw(rng, pool)
            parsed = phonenumbers.parse(number)
            # then every number is valid and formatted exactly as libphonenumber would
            assert phonenumbers.is_valid_number(parsed), number
            assert pretty(number) == phonenumbers.format_number(parsed, international)
