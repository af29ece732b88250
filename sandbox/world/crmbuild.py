"""Turn a year of lead journeys into HubSpot contacts and deals (and the calls they made)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from sandbox.world.calls import CallFact
from sandbox.world.context import Journey, JourneyContext
from sandbox.world.deals import DAY_MS, DealPlan, deal_rate, plan_deal, win_probability
from sandbox.world.journeys import plan_journey
from sandbox.world.leads import Lead, new_lead

GRACE_S = 24 * 3600
WEEKDAY_LEADS = (27, 26, 26, 25, 23, 8, 3)
MONTH_FACTOR = {1: 1.15, 3: 1.1, 7: 0.85, 8: 0.6, 9: 1.2, 12: 0.75}


@dataclass(slots=True)
class Plans:
    """Everything the CRM builder produces before HubSpot ids are assigned."""

    leads: list[Lead]
    deals: list[DealPlan]
    calls_by_day: dict[int, list[CallFact]]


def expected_channel(journey: Journey, line_kinds: tuple[str, ...]) -> str:
    """The first-touch channel the KPI rules should derive (kpis.md), for story checks."""
    lead = journey.lead
    limit = lead.created_ms / 1000 + GRACE_S
    touches = sorted(
        (c for c in journey.calls if c.external in lead.typed and c.started_at <= limit),
        key=lambda c: c.started_at,
    )
    if touches:
        first = touches[0]
        return (
            "outbound_call" if first.direction == "outbound" else "phone_" + line_kinds[first.line]
        )
    return "crm_" + lead.source[0].lower()


def plan_year(seed: int, scale: float, ctx: JourneyContext) -> Plans:
    """Plan every lead of the year day by day, then their deals."""
    leads: list[Lead] = []
    calls: dict[int, list[CallFact]] = {}
    kinds = tuple(line.kind for line in ctx.lines)
    journeys = []
    for index, day in enumerate(ctx.calendar.days):
        rng = random.Random(f"{seed}:leads:{index}")
        volume = WEEKDAY_LEADS[day.weekday()] * MONTH_FACTOR.get(day.month, 1.0) * scale
        for _ in range(int(volume * rng.uniform(0.8, 1.2) + rng.random())):
            journey = plan_journey(rng, ctx, len(leads), index)
            journey.lead.channel = expected_channel(journey, kinds)
            leads.append(journey.lead)
            journeys.append(journey)
            for call in journey.calls:
                calls.setdefault(ctx.day_of(call.started_at), []).append(call)
    deals = _plan_deals(random.Random(f"{seed}:deals"), ctx, journeys, leads)
    return Plans(leads, deals, calls)


def _plan_deals(
    rng: random.Random, ctx: JourneyContext, journeys: list[Journey], leads: list[Lead]
) -> list[DealPlan]:
    end_ms = ctx.calendar.end * 1000
    deals: list[DealPlan] = []
    for journey in journeys:
        lead = journey.lead
        if rng.random() >= deal_rate(lead.channel):
            continue
        owner = lead.owner if rng.random() < 0.96 else -1
        agent = ctx.agents[owner] if owner >= 0 else None
        start = max(lead.created_ms, journey.anchor * 1000)
        plan = plan_deal(rng, start, end_ms, owner, win_probability(lead.channel, agent), False)
        while plan.created_ms < end_ms:
            _associate(rng, plan, lead, leads)
            deals.append(plan)
            # Repeat customers: a won deal often brings a renewal or a second purchase.
            if plan.outcome != "won" or plan.close_ms is None or rng.random() >= 0.4:
                break
            start = plan.close_ms + rng.randint(20 * DAY_MS, 180 * DAY_MS)
            plan = plan_deal(
                rng,
                start,
                end_ms,
                owner,
                min(0.9, 0.7 * (agent.skill if agent else 1)),
                rng.random() < 0.6,
            )
    _finish_leads(rng, leads, deals, end_ms)
    _archive_some(rng, deals, end_ms)
    return deals


def _associate(rng: random.Random, plan: DealPlan, lead: Lead, leads: list[Lead]) -> None:
    roll = rng.random()
    if roll < 0.03:
        return  # created from an import with no contact: channel unknown, owner row only
    plan.contacts.append(lead.key)
    if roll < 0.11:  # a spouse or colleague joins the deal, created in the CRM around then
        colleague = new_lead(rng, len(leads))
        colleague.last_name, colleague.company = lead.last_name, lead.company
        colleague.created_ms = plan.created_ms + rng.randint(-DAY_MS, DAY_MS)
        colleague.owner, colleague.channel = plan.owner, "crm_offline"
        leads.append(colleague)
        plan.contacts.append(colleague.key)


def _finish_leads(
    rng: random.Random, leads: list[Lead], deals: list[DealPlan], end_ms: int
) -> None:
    outcomes: dict[int, set[str]] = {}
    modified: dict[int, int] = {}
    for deal in deals:
        for key in deal.contacts:
            outcomes.setdefault(key, set()).add(deal.outcome)
            modified[key] = max(modified.get(key, 0), deal.modified_ms)
    for lead in leads:
        seen = outcomes.get(lead.key, set())
        lead.lifecycle = (
            "customer"
            if "won" in seen
            else "opportunity"
            if "open" in seen
            else "salesqualifiedlead"
            if seen
            else rng.choice(("lead", "lead", "subscriber", "marketingqualifiedlead"))
        )
        touched = max(lead.created_ms, modified.get(lead.key, 0)) + rng.randint(1000, 3_600_000)
        lead.modified_ms = min(touched, end_ms - 1)


def _archive_some(rng: random.Random, deals: list[DealPlan], end_ms: int) -> None:
    for deal in deals:
        if rng.random() < 0.02:
            deal.archived_ms = min(
                deal.modified_ms + rng.randint(3_600_000, 20 * DAY_MS), end_ms - 1
            )
    # A workflow once rewrote ~250 deals at the very same millisecond: search pagination and
    # cursor checkpoints must not lose rows that share a modified time across a page boundary.
    bulk_at = end_ms - 40 * DAY_MS + 3 * 3_600_000
    candidates = [d for d in deals if d.archived_ms is None and d.modified_ms < bulk_at]
    for deal in candidates[-250:]:
        deal.modified_ms = bulk_at
