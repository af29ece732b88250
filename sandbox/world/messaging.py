"""Draws the year's WhatsApp and SMS threads from the leads (facts in conversations.py).

Drawn from their own seeded RNG after the CRM and calls are planned, and only reading them, so
turning messaging on never changes a HubSpot or Aircall record. Which leads write, and on which
channel, follows their planned deal outcome, so that conversion differs by messaging channel.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterable, Mapping, Sequence

from sandbox.world.calls import CallFact
from sandbox.world.clock import Calendar
from sandbox.world.conversations import ConversationBook, ConversationFact, Endpoint, MessageFact
from sandbox.world.deals import DealPlan
from sandbox.world.leads import Lead
from sandbox.world.message_journeys import (
    GRACE_S,
    MESSAGING_SHARE,
    WHATSAPP_SHARE,
    Placement,
    calls_by_number,
    choose_endpoint,
    first_placement,
    lead_outcomes,
    second_placement,
)
from sandbox.world.people import Agent
from sandbox.world.thread_spacing import space_threads
from sandbox.world.threads import draft_thread, mobile_number, ordinary_kind


@dataclasses.dataclass(frozen=True, slots=True)
class PlannedWorld:
    """What the threads are drawn from: the people, the business numbers, the CRM plans."""

    calendar: Calendar
    agents: Sequence[Agent]
    leads: Sequence[Lead]
    endpoints: Sequence[Endpoint]
    deals: Iterable[DealPlan]
    calls_by_day: Mapping[int, Sequence[CallFact]]


def build_conversations(seed: int, world: PlannedWorld) -> ConversationBook:
    """Draw the year's threads from the leads' mobile numbers.

    Args:
        seed: the business seed (the RNG stream is ``<seed>:conversations``).
        world: the planned year; every message falls inside its calendar.

    Returns:
        The threads, numbered in order of their first message. Each lead's ``channel`` (the
        first touch the KPIs should find) is updated where a thread comes before every call.
    """
    rng = random.Random(f"{seed}:conversations")
    outcomes = lead_outcomes(world.deals)
    calls = calls_by_number(world.calls_by_day)
    drafts: list[ConversationFact] = []
    for lead in world.leads:
        if mobile_number(lead) is None:
            continue
        outcome = outcomes.get(lead.key, "none")
        if rng.random() >= MESSAGING_SHARE[outcome]:
            continue
        channel = "whatsapp" if rng.random() < WHATSAPP_SHARE[outcome] else "sms"
        endpoint = choose_endpoint(rng, world.endpoints, channel)
        first = first_placement(rng, lead, endpoint, channel, calls, world.calendar.start)
        thread = _drafted(rng, world, lead, first)
        if thread is None:
            continue
        drafts.append(thread)
        second = second_placement(rng, first, thread.messages[-1].sent_at)
        follow_up = _drafted(rng, world, lead, second) if second else None
        if follow_up is not None:
            drafts.append(follow_up)
    book = ConversationBook(_numbered(space_threads(rng, drafts, world.calendar.end)))
    note_messaging_first_touches(world.leads, book, calls)
    return book


def _drafted(
    rng: random.Random, world: PlannedWorld, lead: Lead, placement: Placement
) -> ConversationFact | None:
    kind = placement.kind or ordinary_kind(rng)
    where = (placement.endpoint, placement.channel, placement.start)
    thread = draft_thread(rng, world.calendar, world.agents, lead, where, kind)
    if thread is None or placement.before is None:
        return thread
    # A call back follows the messages: move a thread that ran into the call earlier.
    overrun = thread.messages[-1].sent_at - placement.before + rng.randint(60, 600)
    if overrun > 0:
        thread.messages = [
            dataclasses.replace(m, sent_at=m.sent_at - overrun) for m in thread.messages
        ]
    return thread if thread.started_at >= world.calendar.start else None


def _numbered(drafts: list[ConversationFact]) -> list[ConversationFact]:
    drafts.sort(key=lambda c: (c.started_at, c.lead_key or 0, c.source))
    for number, draft in enumerate(drafts, start=1):
        draft.conversation_id = number
        draft.messages = [
            MessageFact(
                f"{number}-{m.index}", m.index, m.author_kind, m.agent_email, m.sent_at, m.body
            )
            for m in draft.messages
        ]
    return drafts


def note_messaging_first_touches(
    leads: Iterable[Lead], book: ConversationBook, calls: Mapping[str, Sequence[CallFact]]
) -> None:
    """Set ``Lead.channel`` to the thread's channel where a thread is the lead's first touch:
    its earliest interaction on a number the CRM holds, at or before creation + grace
    (kpis.md "Attribution rules"); ``outbound_message`` when the company wrote first."""
    threads: dict[str, list[ConversationFact]] = {}
    for conversation in book.conversations:
        threads.setdefault(conversation.customer_address, []).append(conversation)
    for lead in leads:
        limit = lead.created_ms / 1000 + GRACE_S
        written = [c for n in lead.typed for c in threads.get(n, ()) if c.started_at <= limit]
        if not written:
            continue
        thread = min(written, key=lambda c: c.started_at)
        called = [
            c.started_at for n in lead.typed for c in calls.get(n, ()) if c.started_at <= limit
        ]
        if not called or thread.started_at < min(called):
            lead.channel = "outbound_message" if thread.direction == "outbound" else thread.channel
