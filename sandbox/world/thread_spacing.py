"""Keep the drawn threads consistent with how each vendor tells conversations apart.

A webhook source (Aircall) has no conversation id: kpis.md splits the messages between one
customer number and one business endpoint at a gap of more than 24 hours. Two Aircall threads of
the same pair must therefore be more than 24 h apart, or the KPIs would count them as one. Twilio
lets one customer address hold one open conversation per business address, so a thread there
starts only after the previous one closed.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterable

from sandbox.world.conversations import ConversationFact

DAY = 86_400
HOUR = 3600
WEBHOOK_GAP = DAY  # kpis.md "Messaging rules": a new conversation after more than 24 h


def space_threads(
    rng: random.Random, drafts: Iterable[ConversationFact], end: int
) -> list[ConversationFact]:
    """Move each thread that comes too soon after the previous one of its pair later.

    Args:
        rng: the messaging RNG (how much later).
        drafts: every thread, any order.
        end: the end of the year; messages moved past it are dropped, empty threads too.

    Returns:
        The threads that remain, in no particular order.
    """
    groups: dict[tuple[str, str, str], list[ConversationFact]] = {}
    for draft in drafts:
        pair = (draft.source, draft.business_address, draft.customer_address)
        groups.setdefault(pair, []).append(draft)
    kept: list[ConversationFact] = []
    for threads in groups.values():
        previous: ConversationFact | None = None
        for thread in sorted(threads, key=lambda t: t.started_at):
            if previous is not None:
                thread = _after(rng, previous, thread, end)
                if thread is None:
                    continue
            kept.append(thread)
            previous = thread
    return kept


def _after(
    rng: random.Random, previous: ConversationFact, thread: ConversationFact, end: int
) -> ConversationFact | None:
    last = previous.messages[-1].sent_at
    webhook = thread.source != "twilio"
    earliest = last + (WEBHOOK_GAP + 1 if webhook else 2)
    if thread.started_at < earliest:
        thread = _shifted(thread, earliest - thread.started_at + rng.randint(60, 3 * HOUR), end)
        if thread is None:
            return None
    if not webhook and (previous.closed_at is None or previous.closed_at >= thread.started_at):
        # Closed by an agent shortly before the customer came back.
        room = thread.started_at - last - 1
        previous.closed_at = thread.started_at - rng.randint(1, min(room, HOUR))
    return thread


def _shifted(thread: ConversationFact, delta: int, end: int) -> ConversationFact | None:
    messages = [
        dataclasses.replace(m, sent_at=m.sent_at + delta)
        for m in thread.messages
        if m.sent_at + delta < end
    ]
    if not messages:
        return None
    closed = thread.closed_at + delta if thread.closed_at is not None else None
    return dataclasses.replace(
        thread, messages=messages, closed_at=closed if closed is None or closed < end else None
    )
