"""Lead journeys: the first touch (call, callback, web form, import) and follow-up calls."""

from __future__ import annotations

import random
from itertools import accumulate

from sandbox.world.calls import CallFact
from sandbox.world.context import DAY, HOUR, Journey, JourneyContext, at
from sandbox.world.dialing import evening_second, inbound, office_second, outbound
from sandbox.world.followups import assign_owner, follow_ups
from sandbox.world.leads import call_source, new_lead, web_source

KINDS = ("inbound", "outbound", "web_call", "web", "import")
KIND_WEIGHTS = (50, 13, 14, 17, 6)
CUM_KIND_WEIGHTS = tuple(accumulate(KIND_WEIGHTS))  # choices() is 2x faster with cumulative weights
LINE_KINDS = ("toll_free", "geographic", "national", "mobile")
LINE_KIND_WEIGHTS = (34, 24, 14, 28)
CUM_LINE_KIND_WEIGHTS = tuple(accumulate(LINE_KIND_WEIGHTS))


def plan_journey(rng: random.Random, ctx: JourneyContext, key: int, index: int) -> Journey:
    """Plan one lead arriving on day `index`: first touch, CRM creation, owner, follow-ups."""
    journey = Journey(new_lead(rng, key))
    kind = rng.choices(KINDS, cum_weights=CUM_KIND_WEIGHTS)[0]
    {
        "inbound": _inbound_first,
        "outbound": _outbound_first,
        "web_call": _web_then_call,
        "web": _web_only,
        "import": _imported,
    }[kind](rng, ctx, journey, index)
    assign_owner(rng, ctx, journey, index)
    follow_ups(rng, ctx, journey)
    journey.calls = [c for c in journey.calls if c.started_at < ctx.calendar.end]
    return journey


def _created_after_call(rng: random.Random, call_start: int) -> int:
    """Contact creation (ms) relative to the first call: usually just after, sometimes not."""
    roll = rng.random()
    if roll < 0.72:
        offset = rng.randint(60, 2 * HOUR)
    elif roll < 0.85:
        offset = rng.randint(2 * HOUR, 4 * DAY)
    elif roll < 0.95:
        offset = -rng.randint(30 * 60, 23 * HOUR)  # web form shortly before: within the grace
    else:
        offset = -rng.randint(2 * DAY, 30 * DAY)  # old contact: the call is past the grace
    return (call_start + offset) * 1000 + rng.randrange(1000)


def _inbound_first(rng: random.Random, ctx: JourneyContext, journey: Journey, index: int) -> None:
    lead = journey.lead
    line_index = rng.choice(
        ctx.lines_of(rng.choices(LINE_KINDS, cum_weights=CUM_LINE_KIND_WEIGHTS)[0])
    )
    line = ctx.lines[line_index]
    second = evening_second(rng) if rng.random() < 0.07 else office_second(rng)
    caller = rng.choice(lead.numbers)
    if rng.random() < 0.03:  # hid their number first, then called again with it shown
        hidden = max(second - rng.randint(60, 1800), 0)
        journey.calls.append(
            inbound(rng, (ctx.calendar.days[index], hidden), line_index, line, "anonymous", None)
        )
    team = ctx.staff(index, ("support",) if line.team_key == "support" else ("sales", "manager"))
    answerer = rng.choice(team) if team and rng.random() < 0.72 else None
    first = inbound(rng, (ctx.calendar.days[index], second), line_index, line, caller, answerer)
    journey.calls.append(first)
    journey.anchor = first.started_at
    if first.answered_at is None:
        journey.calls.extend(_after_missed(rng, ctx, first, index))
    lead.created_ms = _created_after_call(rng, first.started_at)
    lead.source = call_source(rng)


def _after_missed(
    rng: random.Random, ctx: JourneyContext, missed: CallFact, index: int
) -> list[CallFact]:
    """Call a missed lead back (<=1 h, <=24 h, days later) or let them call again."""
    roll = rng.random()
    if roll < 0.84:
        if roll < 0.02:
            delay = HOUR  # exactly on the inclusive 1 h boundary
        elif roll < 0.42:
            delay = rng.randint(120, HOUR - 1)
        else:
            delay = rng.randint(HOUR + 1, DAY) if roll < 0.68 else rng.randint(DAY + 1, 5 * DAY)
        agents = ctx.staff(min(index + delay // DAY, len(ctx.calendar.days) - 1), ("sales",))
        agent = rng.choice(agents)
        start = missed.started_at + delay
        return [outbound(rng, start, ctx.outbound_line(rng, agent), agent, missed.external, 0.7)]
    if rng.random() < 0.5 or missed.external == "anonymous":
        return []
    later = min(index + rng.randint(1, 3), len(ctx.calendar.days) - 1)
    line = ctx.lines[missed.line]
    team = ctx.staff(later, ("support",) if line.team_key == "support" else ("sales",))
    when = (ctx.calendar.days[later], office_second(rng))
    return [inbound(rng, when, missed.line, line, missed.external, rng.choice(team))]


def _outbound_first(rng: random.Random, ctx: JourneyContext, journey: Journey, index: int) -> None:
    lead = journey.lead
    sdr = rng.choice(ctx.staff(index, ("sdr",)))
    first = outbound(
        rng,
        at(ctx, index, office_second(rng)),
        ctx.outbound_line(rng, sdr),
        sdr,
        lead.numbers[0],
        0.5,
    )
    journey.calls.append(first)
    journey.anchor = first.started_at
    if first.answered_at is None and rng.random() < 0.7:
        retry = first.started_at + rng.randint(HOUR, 3 * DAY)
        journey.calls.append(outbound(rng, retry, first.line, sdr, lead.numbers[0], 0.6))
    lead.created_ms = _created_after_call(rng, first.started_at)
    lead.source = ("OFFLINE", "CRM_UI", None)


def _web_then_call(rng: random.Random, ctx: JourneyContext, journey: Journey, index: int) -> None:
    """Web form first; then a rep calls, or the lead calls, mostly inside the 24 h grace."""
    lead = journey.lead
    created = at(ctx, index, rng.randint(7 * HOUR, 23 * HOUR))
    lead.created_ms = created * 1000 + rng.randrange(1000)
    lead.source = web_source(rng)
    journey.anchor = created
    if rng.random() < 0.65:
        agent = rng.choice(ctx.staff(index, ("sales",)))
        start = created + (
            rng.randint(120, 3 * HOUR)
            if created % DAY < 15 * HOUR
            else rng.randint(10 * HOUR, 40 * HOUR)
        )
        journey.calls.append(
            outbound(rng, start, ctx.outbound_line(rng, agent), agent, lead.numbers[0], 0.65)
        )
        return
    line_index = rng.choice(
        ctx.lines_of(rng.choices(LINE_KINDS, cum_weights=CUM_LINE_KIND_WEIGHTS)[0])
    )
    line = ctx.lines[line_index]
    later = min(index + (1 if rng.random() < 0.4 else 0), len(ctx.calendar.days) - 1)
    answerer = rng.choice(ctx.staff(later, ("sales",))) if rng.random() < 0.75 else None
    journey.calls.append(
        inbound(
            rng,
            (ctx.calendar.days[later], office_second(rng)),
            line_index,
            line,
            lead.numbers[0],
            answerer,
        )
    )


def _web_only(rng: random.Random, ctx: JourneyContext, journey: Journey, index: int) -> None:
    """Web lead; when someone calls, it is days later, past the grace: the CRM source wins."""
    lead = journey.lead
    created = at(ctx, index, rng.randint(6 * HOUR, 24 * HOUR - 1))
    lead.created_ms = created * 1000 + rng.randrange(1000)
    lead.source = web_source(rng)
    journey.anchor = created
    if rng.random() < 0.4:
        agent = rng.choice(ctx.staff(index, ("sales",)))
        later = created + rng.randint(2 * DAY, 25 * DAY)
        journey.calls.append(
            outbound(rng, later, ctx.outbound_line(rng, agent), agent, lead.numbers[0], 0.6)
        )


def _imported(rng: random.Random, ctx: JourneyContext, journey: Journey, index: int) -> None:
    """A purchased list imported at 10:00:00.000 (identical createdate), called weeks later."""
    lead = journey.lead
    created = at(ctx, index, 10 * HOUR)
    lead.created_ms = created * 1000
    lead.source = ("OFFLINE", "IMPORT", "liste-salon")
    journey.anchor = created
    sdr = rng.choice(ctx.staff(index, ("sdr",)))
    later = created + rng.randint(2 * DAY, 30 * DAY)
    journey.calls.append(
        outbound(rng, later, ctx.outbound_line(rng, sdr), sdr, lead.numbers[0], 0.5)
    )
