"""kpi_leads_daily, kpi_calls_daily and kpi_conversations_daily, recomputed."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from .attribution import Lead
from .channels import message_channel
from .interactions import Interaction
from .model import Warehouse

Row = tuple[Any, ...]
FIVE_MINUTES = 300
ONE_HOUR = timedelta(hours=1)
ONE_DAY = timedelta(hours=24)


def response_seconds(lead: Lead) -> int | None:
    """Seconds from an inbound first touch to the first response, None when none applies.

    A response is the answer of an answered inbound call (so an answered first call responds
    after its wait), the start of an outbound call (answered or not), or the first agent message
    of a conversation (the first-touch conversation's own included; automated messages never
    respond).
    """
    touch = lead.first_touch
    if touch is None or not touch.is_inbound:
        return None
    instants = [
        i.response_at
        for i in lead.interactions
        if i.order_key >= touch.order_key and i.response_at is not None
    ]
    if not instants:
        return None
    return int((min(instants) - touch.started_at).total_seconds())


def leads_daily(w: Warehouse) -> list[Row]:
    """Leads by creation date, first-touch channel and first-touch agent."""
    with_deal: set[str] = set()
    won: set[str] = set()
    for opp in w.opportunities:
        for lead in opp.leads:
            with_deal.add(lead.contact.id)
            if opp.status == "won":
                won.add(lead.contact.id)
    acc: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    for lead in w.leads.values():
        key = (w.local_date(lead.contact.created_at), lead.channel, lead.first_touch_agent)
        cell = acc[key]
        cell[0] += 1
        cell[1] += int(lead.contact.id in with_deal)
        cell[2] += int(lead.contact.id in won)
        seconds = response_seconds(lead)
        if seconds is not None:
            cell[3] += 1
            cell[4] += seconds
            cell[5] += int(seconds <= FIVE_MINUTES)
    rows = [
        (day, ch.group, ch.channel, ch.label, *w.agent_dims(agent), *m)
        for (day, ch, agent), m in acc.items()
    ]
    return sorted(rows, key=lambda r: (r[0], r[2], r[4]))


def called_back(missed: Interaction, w: Warehouse, window: timedelta) -> bool:
    """An outbound call to the number, or an answered inbound call from it, within the window
    (a conversation is no callback)."""
    if missed.customer_number is None:
        return False
    for later in w.by_number.get(missed.customer_number, []):
        if not later.is_call or later.started_at <= missed.started_at:
            continue
        if later.started_at - missed.started_at > window:
            return False  # the list is in time order
        if not later.is_inbound or later.answered_at is not None:
            return True
    return False


def _call_measures(call: Interaction, w: Warehouse) -> list[int]:
    answered = call.answered_at is not None
    missed = call.is_inbound and not answered
    talk = (
        int((call.ended_at - call.answered_at).total_seconds()) if answered and call.ended_at else 0
    )
    wait = int((call.answered_at - call.started_at).total_seconds()) if answered else 0
    return [
        1,
        int(answered),
        int(missed),
        int(missed and call.missed_reason == "out_of_opening_hours"),
        int(call.voicemail is not None),
        talk,
        wait if call.is_inbound else 0,
        int(missed and called_back(call, w, ONE_HOUR)),
        int(missed and called_back(call, w, ONE_DAY)),
    ]


def calls_daily(w: Warehouse) -> list[Row]:
    """Calls by local start date, business line, agent and direction (archived calls count)."""
    acc: dict[tuple, list[int]] = defaultdict(lambda: [0] * 9)
    lines = {}
    for call in w.calls:
        key = (w.local_date(call.started_at), call.business_line, call.agent_id, call.direction)
        lines[call.business_line] = call.line_channel
        acc[key] = [a + b for a, b in zip(acc[key], _call_measures(call, w), strict=True)]
    rows = []
    for (day, line, agent, direction), m in acc.items():
        ch = lines[line]
        rows.append(
            (day, ch.group, ch.channel, ch.label, line, *w.agent_dims(agent), direction, *m)
        )
    return sorted(rows, key=lambda r: (r[0], r[4] or "", r[5], r[8]))


def conversations_daily(w: Warehouse) -> list[Row]:
    """Conversations by local date of their first message, business line, channel (seed-renamed
    per line), first agent author and direction. Replies count for inbound conversations only."""
    acc: dict[tuple, list[int]] = defaultdict(lambda: [0] * 6)
    for conversation in w.conversations:
        channel = message_channel(conversation.channel, conversation.business_line, w.settings)
        key = (
            w.local_date(conversation.started_at),
            conversation.business_line,
            channel,
            conversation.agent_id,
            conversation.direction,
        )
        seconds = conversation.first_response_seconds
        measures = [
            1,
            int(seconds is not None),
            seconds or 0,
            int(seconds is not None and seconds <= FIVE_MINUTES),
            conversation.messages_in,
            conversation.messages_out,
        ]
        acc[key] = [a + b for a, b in zip(acc[key], measures, strict=True)]
    rows = [
        (day, ch.group, ch.channel, ch.label, line, *w.agent_dims(agent), direction, *m)
        for (day, line, ch, agent, direction), m in acc.items()
    ]
    return sorted(rows, key=lambda r: (r[0], r[4] or "", r[2], r[5], r[8]))
