"""Draws the year's WhatsApp and SMS threads from the leads (facts in conversations.py).

Drawn from their own seeded RNG after the CRM and calls are planned, so turning messaging on
never changes a HubSpot or Aircall record.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from sandbox.world.clock import Calendar
from sandbox.world.conversations import (
    SMS_ENDPOINT,
    WHATSAPP_ENDPOINT,
    ConversationBook,
    ConversationFact,
    MessageFact,
)
from sandbox.world.leads import Lead
from sandbox.world.people import Agent

SHARE_OF_LEADS = 0.18  # leads who exchange messages at least once
OLD_OPEN_SHARE = 0.15  # threads nobody ever closes: stay open (active) for good
CLOSE_AFTER_DAYS = 7  # threads quiet for longer than this are closed, mostly
DAY = 86_400
# (kind, weight): who starts, and whether an agent ever answers.
KINDS = (
    ("answered", 50),
    ("auto_only", 10),
    ("unanswered", 12),
    ("outbound_agent", 20),
    ("outbound_auto", 8),
)
CUSTOMER_TEXTS = (
    "Bonjour, je voudrais un devis pour une pompe à chaleur.",
    "Bonjour, vous intervenez dans ma commune ?",
    "Merci, c'est noté.",
    "Est-ce possible mardi matin ?",
    "Quel est le délai d'installation ?",
    "D'accord, je vous rappelle.",
)
AGENT_TEXTS = (
    "Bonjour, merci pour votre message. Je peux vous appeler aujourd'hui ?",
    "Bien sûr, je vous envoie le devis dans la journée.",
    "Oui, nous intervenons dans votre secteur.",
    "Je vous propose un rendez-vous jeudi à 10 h.",
)
AUTO_TEXTS = (
    "Merci pour votre message ! Un conseiller vous répond très vite (lun-sam 8h-20h).",
    "Rappel : votre rendez-vous avec Lumen Habitat est confirmé.",
)


def build_conversations(
    seed: int, calendar: Calendar, agents: Sequence[Agent], leads: Sequence[Lead]
) -> ConversationBook:
    """Draw the year's threads from the leads' mobile numbers.

    Args:
        seed: the business seed (the RNG stream is ``<seed>:conversations``).
        calendar: the business year; every message falls inside it.
        agents: the roster; agent messages come from sales reps and SDRs who work that day.
        leads: the CRM leads, in creation order.

    Returns:
        The threads, numbered in order of their first message.
    """
    rng = random.Random(f"{seed}:conversations")
    drafts: list[ConversationFact] = []
    for lead in leads:
        mobile = next((n for n in lead.numbers if _is_mobile(n)), None)
        if mobile is None or rng.random() >= SHARE_OF_LEADS:
            continue
        for _ in range(1 if rng.random() < 0.85 else 2):
            draft = _draft(rng, calendar, agents, lead, mobile)
            if draft is not None:
                drafts.append(draft)
    drafts.sort(key=lambda c: (c.started_at, c.lead_key or 0))
    for number, draft in enumerate(drafts, start=1):
        draft.conversation_id = number
        draft.messages = [
            MessageFact(
                f"{number}-{m.index}", m.index, m.author_kind, m.agent_email, m.sent_at, m.body
            )
            for m in draft.messages
        ]
    return ConversationBook(drafts)


def _is_mobile(e164: str) -> bool:
    # French mobiles are +336/+337; the leads' foreign numbers are all mobiles.
    return e164.startswith(("+336", "+337")) or not e164.startswith("+33")


def _draft(
    rng: random.Random, calendar: Calendar, agents: Sequence[Agent], lead: Lead, mobile: str
) -> ConversationFact | None:
    channel = "whatsapp" if rng.random() < 0.7 else "sms"
    endpoint = WHATSAPP_ENDPOINT if channel == "whatsapp" else SMS_ENDPOINT
    kind = rng.choices([k for k, _ in KINDS], weights=[w for _, w in KINDS])[0]
    start = lead.created_ms // 1000 + rng.randint(-2 * DAY, 5 * DAY)
    start = max(calendar.start + 3600, start)
    agent = _agent_for(rng, calendar, agents, lead, start)
    authors = _script(rng, kind)
    times = _times(rng, start, authors)
    messages = []
    for index, (author, sent_at) in enumerate(zip(authors, times, strict=True)):
        if sent_at >= calendar.end:
            break
        if author == "agent" and rng.random() < 0.08:  # a colleague takes over the thread
            agent = _agent_for(rng, calendar, agents, None, sent_at)
        email = agent.email if author == "agent" else None
        messages.append(MessageFact("", index, author, email, sent_at, _text(rng, author, index)))
    if not messages:
        return None
    conversation = ConversationFact(0, channel, endpoint, mobile, lead.key, messages)
    last = messages[-1].sent_at
    if last < calendar.end - CLOSE_AFTER_DAYS * DAY and rng.random() >= OLD_OPEN_SHARE:
        conversation.closed_at = min(last + rng.randint(2 * DAY, 5 * DAY), calendar.end - 1)
    return conversation


def _script(rng: random.Random, kind: str) -> list[str]:
    """The authors of a thread in order."""
    customer_opening = ["customer"] * (1 if rng.random() < 0.8 else 2)
    if kind == "unanswered":
        return customer_opening
    if kind == "auto_only":
        return [*customer_opening, "auto"] + (["customer"] if rng.random() < 0.4 else [])
    if kind == "answered":
        opening = customer_opening + (["auto"] if rng.random() < 0.3 else [])
        return [*opening, "agent", *_exchange(rng)]
    first = "agent" if kind == "outbound_agent" else "auto"
    if rng.random() < 0.4:
        return [first]  # the customer never replied
    if first == "auto" and rng.random() < 0.5:
        return ["auto", "customer"]
    return [first, "customer", "agent", *_exchange(rng)]


def _exchange(rng: random.Random) -> list[str]:
    return [author for _ in range(rng.randint(0, 2)) for author in ("customer", "agent")]


def _times(rng: random.Random, start: int, authors: list[str]) -> list[int]:
    """Send times: auto-replies within seconds, agents in minutes to a day, customers later."""
    times, now = [], start
    for position, author in enumerate(authors):
        if position:
            if author == "auto":
                now += rng.randint(2, 20)
            elif author == "agent":
                roll = rng.random()
                now += (
                    rng.randint(30, 300)
                    if roll < 0.45
                    else (rng.randint(301, 7200) if roll < 0.85 else rng.randint(7201, DAY))
                )
            else:
                now += rng.randint(60, 3 * 3600)
        times.append(now)
    return times


def _agent_for(
    rng: random.Random, calendar: Calendar, agents: Sequence[Agent], lead: Lead | None, at: int
) -> Agent:
    """The lead's owner when they work that day, else a sales rep or SDR who does."""
    day = calendar.day_index(at)
    if lead is not None and 0 <= lead.owner < len(agents) and agents[lead.owner].works_on(day):
        return agents[lead.owner]
    pool = [a for a in agents if a.role in ("sales", "sdr") and a.works_on(day)]
    return rng.choice(pool or list(agents))


def _text(rng: random.Random, author: str, index: int) -> str:
    if author == "auto":  # a template opens a thread, an auto-reply answers the customer
        return AUTO_TEXTS[1] if index == 0 else AUTO_TEXTS[0]
    return rng.choice(CUSTOMER_TEXTS if author == "customer" else AGENT_TEXTS)
