"""After the first touch: who owns the lead, and the calls of the following weeks."""

from __future__ import annotations

import random
from itertools import accumulate

from sandbox.world.context import DAY, HOUR, Journey, JourneyContext, at
from sandbox.world.dialing import inbound, office_second, outbound

FOLLOW_UP_CUM_WEIGHTS = tuple(accumulate((25, 25, 20, 15, 10, 5)))


def assign_owner(rng: random.Random, ctx: JourneyContext, journey: Journey, index: int) -> None:
    handled = [
        c.agent
        for c in sorted(journey.calls, key=lambda c: c.started_at)
        if c.answered_at and c.agent >= 0
    ]
    first = handled[0] if handled else -1
    if rng.random() < 0.03:
        journey.lead.owner = -1
    elif (first >= 0 and ctx.agents[first].role in ("sales", "manager")) or (
        first >= 0 and ctx.agents[first].role == "sdr" and rng.random() < 0.5
    ):
        journey.lead.owner = first
    else:  # support or SDR handed the lead over to a sales rep
        journey.lead.owner = rng.choice(ctx.staff(index, ("sales",)))


def follow_ups(rng: random.Random, ctx: JourneyContext, journey: Journey) -> None:
    """Later calls over the following weeks, by the owner and other agents."""
    count = rng.choices((0, 1, 2, 3, 4, 6), cum_weights=FOLLOW_UP_CUM_WEIGHTS)[0]
    span = rng.randint(2, 60) * DAY
    for _ in range(count):
        index = ctx.day_of(journey.anchor + rng.randint(HOUR, span))
        if index >= len(ctx.calendar.days):
            continue
        owner = journey.lead.owner
        roles = ("support",) if rng.random() < 0.1 else ("sales", "manager")
        agent = (
            owner
            if owner >= 0 and ctx.agents[owner].works_on(index) and rng.random() < 0.65
            else rng.choice(ctx.staff(index, roles))
        )
        number = rng.choice(journey.lead.numbers)
        if rng.random() < 0.7:
            call = outbound(
                rng,
                at(ctx, index, office_second(rng)),
                ctx.outbound_line(rng, agent),
                agent,
                number,
                0.6,
            )
        else:
            line_index = ctx.outbound_line(rng, agent)
            answerer = agent if rng.random() < 0.8 else None
            call = inbound(
                rng,
                (ctx.calendar.days[index], office_second(rng)),
                line_index,
                ctx.lines[line_index],
                number,
                answerer,
            )
        journey.calls.append(call)
