"""One WhatsApp or SMS thread drafted from a script: who writes, when, and what.

``sandbox/world/messaging.py`` decides where a thread goes (which lead, endpoint, start);
this module fills in its messages.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from itertools import accumulate

from sandbox.world.clock import Calendar
from sandbox.world.conversations import ConversationFact, Endpoint, MessageFact
from sandbox.world.leads import Lead
from sandbox.world.people import Agent

DAY = 86_400
HOUR = 3600
OLD_OPEN_SHARE = 0.15  # threads nobody ever closes: stay open (active) for good
CLOSE_AFTER_DAYS = 7  # threads quiet for longer than this are closed, mostly
TAKEOVER_SHARE = 0.08  # a colleague answers the next agent message
# Who starts, and whether an agent ever answers; weights of an ordinary thread.
KINDS = ("answered", "auto_only", "unanswered", "outbound_agent", "outbound_auto")
CUM_KIND_WEIGHTS = tuple(accumulate((50, 10, 12, 20, 8)))
CUSTOMER_TEXTS = (
    "Bonjour, je voudrais un devis pour une pompe à chaleur.",
    "Bonjour, vous intervenez dans ma commune ?",
    "Merci, c'est noté.",
    "Est-ce possible mardi matin ?",
    "Quel est le délai d'installation ?",
    "D'accord, je vous rappelle.",
)
CALL_ME_TEXTS = (
    "Bonjour, pouvez-vous me rappeler au sujet de mon devis ?",
    "Bonjour, j'aimerais être rappelé pour une installation.",
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


def ordinary_kind(rng: random.Random) -> str:
    """A thread kind drawn with the usual weights."""
    return rng.choices(KINDS, cum_weights=CUM_KIND_WEIGHTS)[0]


def draft_thread(
    rng: random.Random,
    calendar: Calendar,
    agents: Sequence[Agent],
    lead: Lead,
    placement: tuple[Endpoint, str, int],
    kind: str,
) -> ConversationFact | None:
    """Draft one thread (numbered later); None when it would start after the year.

    Args:
        rng: the messaging RNG.
        calendar: the business year; messages after its end are dropped.
        agents: the roster agent messages come from.
        lead: who writes; the thread uses their mobile ``lead.numbers`` entry.
        placement: (endpoint, channel, start in UNIX s).
        kind: one of ``KINDS``, or ``call_me`` (the customer asks to be called, nobody writes
            back: the answer is a phone call).
    """
    endpoint, channel, start = placement
    mobile = mobile_number(lead)
    assert mobile is not None, "only leads with a mobile number write messages"
    needs_seat = endpoint.source == "aircall"  # Aircall messages name the agent's Aircall user
    agent = _agent_for(rng, calendar, agents, lead, start, needs_seat)
    authors = _script(rng, kind)
    times = _times(rng, start, authors)
    messages = []
    for index, (author, sent_at) in enumerate(zip(authors, times, strict=True)):
        if sent_at >= calendar.end:
            break
        if author == "agent" and rng.random() < TAKEOVER_SHARE:
            agent = _agent_for(rng, calendar, agents, None, sent_at, needs_seat)
        email = agent.email if author == "agent" else None
        body = rng.choice(CALL_ME_TEXTS) if kind == "call_me" and index == 0 else None
        text = body or _text(rng, author, index)
        messages.append(MessageFact("", index, author, email, sent_at, text))
    if not messages:
        return None
    conversation = ConversationFact(
        0, endpoint.source, channel, endpoint.address, mobile, lead.key, messages
    )
    last = messages[-1].sent_at
    closable = endpoint.source == "twilio"  # webhook sources have no closing: only gaps
    if closable and last < calendar.end - CLOSE_AFTER_DAYS * DAY and rng.random() >= OLD_OPEN_SHARE:
        conversation.closed_at = min(last + rng.randint(2 * DAY, 5 * DAY), calendar.end - 1)
    return conversation


def mobile_number(lead: Lead) -> str | None:
    """The lead's first mobile number: the one they message from."""
    return next((n for n in lead.numbers if _is_mobile(n)), None)


def _is_mobile(e164: str) -> bool:
    # French mobiles are +336/+337; the leads' foreign numbers are all mobiles.
    return e164.startswith(("+336", "+337")) or not e164.startswith("+33")


def _script(rng: random.Random, kind: str) -> list[str]:
    """The authors of a thread in order."""
    customer_opening = ["customer"] * (1 if rng.random() < 0.8 else 2)
    if kind in ("unanswered", "call_me"):
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
                    else (rng.randint(301, 2 * HOUR) if roll < 0.85 else rng.randint(7201, DAY))
                )
            else:
                now += rng.randint(60, 3 * HOUR)
        times.append(now)
    return times


def _agent_for(
    rng: random.Random,
    calendar: Calendar,
    agents: Sequence[Agent],
    lead: Lead | None,
    at: int,
    needs_seat: bool,
) -> Agent:
    """The lead's owner when they work that day, else a sales rep or SDR who does; with an
    Aircall seat when the thread runs on an Aircall line."""
    day = calendar.day_index(at)

    def usable(agent: Agent) -> bool:
        return agent.works_on(day) and (agent.user_id is not None or not needs_seat)

    if lead is not None and 0 <= lead.owner < len(agents) and usable(agents[lead.owner]):
        return agents[lead.owner]
    pool = [a for a in agents if a.role in ("sales", "sdr") and usable(a)]
    return rng.choice(pool or list(agents))


def _text(rng: random.Random, author: str, index: int) -> str:
    if author == "auto":  # a template opens a thread, an auto-reply answers the customer
        return AUTO_TEXTS[1] if index == 0 else AUTO_TEXTS[0]
    return rng.choice(CUSTOMER_TEXTS if author == "customer" else AGENT_TEXTS)
