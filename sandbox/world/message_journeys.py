"""Where a lead's threads go: before their first touch, just before a call back, or later.

Everything here reads the already planned CRM and calls (deal outcomes, call times) and draws
only from the messaging RNG, so placing threads never changes a CRM record or a call.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sandbox.world.calls import CallFact
from sandbox.world.conversations import Endpoint
from sandbox.world.deals import DealPlan
from sandbox.world.leads import Lead
from sandbox.world.threads import mobile_number

DAY = 86_400
HOUR = 3600
GRACE_S = 24 * HOUR  # the first-touch grace of kpis.md (crmbuild.GRACE_S)
OUTCOMES = ("won", "open", "lost", "none")
# Buyers write more, and mostly on WhatsApp; leads who never buy favour SMS: conversion by
# messaging channel then differs the way it does by phone line.
MESSAGING_SHARE = {"won": 0.24, "open": 0.22, "lost": 0.2, "none": 0.18}
WHATSAPP_SHARE = {"won": 0.78, "open": 0.66, "lost": 0.55, "none": 0.5}
AIRCALL_SHARE = 0.5  # of threads on Aircall native messaging rather than Twilio
# How the first thread of a messaging lead is placed.
PLACEMENTS = ("first_touch", "callback", "after_creation")
PLACEMENT_WEIGHTS = (35, 20, 45)
FIRST_TOUCH_KINDS = ("answered", "auto_only", "unanswered", "outbound_agent", "outbound_auto")
FIRST_TOUCH_WEIGHTS = (60, 12, 10, 12, 6)
SECOND_THREAD_SHARE = 0.2
WEBHOOK_GAP_SHARE = 0.5  # of Aircall second threads: 24 h and a few minutes after the first


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a thread goes: its endpoint and channel, its start, and its kind of script."""

    endpoint: Endpoint
    channel: str
    start: int
    kind: str
    before: int | None = None  # every message must be sent before this instant (a call back)


def lead_outcomes(deals: Iterable[DealPlan]) -> dict[int, str]:
    """Each lead's best deal outcome (won, then open, then lost), archived deals left out."""
    best: dict[int, str] = {}
    for deal in deals:
        if deal.archived_ms is not None:
            continue
        for key in deal.contacts:
            known = best.get(key, "none")
            if OUTCOMES.index(deal.outcome) < OUTCOMES.index(known):
                best[key] = deal.outcome
    return best


def calls_by_number(calls_by_day: Mapping[int, Sequence[CallFact]]) -> dict[str, list[CallFact]]:
    """The lead journeys' calls per customer number, in start order."""
    found: dict[str, list[CallFact]] = {}
    for day in sorted(calls_by_day):
        for call in calls_by_day[day]:
            found.setdefault(call.external, []).append(call)
    for calls in found.values():
        calls.sort(key=lambda c: c.started_at)
    return found


def choose_endpoint(rng: random.Random, endpoints: Sequence[Endpoint], channel: str) -> Endpoint:
    """One vendor or the other, then one of its numbers that carries the channel."""
    vendor = "aircall" if rng.random() < AIRCALL_SHARE else "twilio"
    fitting = [e for e in endpoints if channel in e.channels]
    own = [e for e in fitting if e.source == vendor]
    return rng.choice(own or fitting)


def first_placement(
    rng: random.Random,
    lead: Lead,
    endpoint: Endpoint,
    channel: str,
    calls: Mapping[str, Sequence[CallFact]],
    year_start: int,
) -> Placement:
    """The lead's first thread: before their first touch, before a call back, or after they
    became a contact.

    Args:
        rng: the messaging RNG.
        lead: the lead who writes, from their mobile number.
        endpoint: the business number they write to.
        channel: ``whatsapp`` or ``sms``.
        calls: the journeys' calls per customer number, in start order.
        year_start: no message before this.
    """
    placement = rng.choices(PLACEMENTS, weights=PLACEMENT_WEIGHTS)[0]
    created = lead.created_ms // 1000
    mobile = mobile_number(lead)
    if placement == "first_touch" and mobile in lead.typed:
        # Only a number the CRM knows can make the thread the lead's first touch.
        typed_calls = [c.started_at for n in lead.typed for c in calls.get(n, ())]
        first = min([created, *typed_calls])
        start = max(year_start + HOUR, first - rng.randint(10 * 60, 20 * HOUR))
        kind = rng.choices(FIRST_TOUCH_KINDS, weights=FIRST_TOUCH_WEIGHTS)[0]
        return Placement(endpoint, channel, start, kind)
    reached = [c for c in calls.get(mobile, ()) if c.direction == "outbound" or c.answered_at]
    if placement == "callback" and reached:
        call = reached[0]
        start = call.started_at - rng.randint(10 * 60, 4 * HOUR)
        if start > year_start + HOUR:
            kind = "call_me" if rng.random() < 0.7 else "auto_only"
            return Placement(endpoint, channel, start, kind, before=call.started_at)
    late = rng.randint(HOUR, DAY) if rng.random() < 0.5 else rng.randint(DAY, 30 * DAY)
    return Placement(endpoint, channel, max(year_start + HOUR, created + late), "")


def second_placement(
    rng: random.Random, first: Placement, first_last_message: int
) -> Placement | None:
    """Sometimes the lead writes again to the same number: days later, or (on a webhook
    source) 24 h and a few minutes after their last message, which starts a new conversation."""
    if rng.random() >= SECOND_THREAD_SHARE:
        return None
    if first.endpoint.source == "aircall" and rng.random() < WEBHOOK_GAP_SHARE:
        start = first_last_message + DAY + rng.randint(60, 45 * 60)
    else:
        start = first_last_message + rng.randint(3 * DAY, 40 * DAY)
    return Placement(first.endpoint, first.channel, start, "")
