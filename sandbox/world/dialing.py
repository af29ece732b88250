"""Building blocks of calls: office hours, inbound outcomes, outbound attempts."""

from __future__ import annotations

import datetime as dt
import random
from itertools import accumulate

from sandbox.world.calls import CallFact
from sandbox.world.clock import local_instant
from sandbox.world.phones import BusinessLine

MISSED_REASONS = (
    "no_available_agent",
    "agents_did_not_answer",
    "short_abandoned",
    "abandoned_in_classic",
)
# Calls per hour from 08:00 to 19:00: busy mid-morning and mid-afternoon.
HOUR_CUM_WEIGHTS = tuple(accumulate((3, 9, 12, 11, 6, 5, 9, 11, 10, 7, 4, 2)))
TAGS = ("Devis", "Rappel", "SAV", "Rendez-vous", "Réclamation", "Facturation")


def is_open(line: BusinessLine, day: dt.date, second_of_day: int) -> bool:
    """Whether the line takes calls then (Monday-Friday, Saturday mornings on some lines)."""
    weekday = day.weekday()
    if weekday == 6 or (weekday == 5 and not line.saturday):
        return False
    closes = line.closes_at if weekday < 5 else 12 * 3600
    return line.opens_at <= second_of_day < closes


def office_second(rng: random.Random) -> int:
    """A second of the day in office hours, peaking mid-morning and mid-afternoon."""
    hour = rng.choices(range(8, 20), cum_weights=HOUR_CUM_WEIGHTS)[0]
    return hour * 3600 + rng.randrange(3600)


def evening_second(rng: random.Random) -> int:
    """A second of the day outside office hours (early morning or evening)."""
    return rng.choice((rng.randrange(6 * 3600, 8 * 3600), rng.randrange(19 * 3600, 23 * 3600)))


def inbound(
    rng: random.Random,
    when: tuple[dt.date, int],
    line_index: int,
    line: BusinessLine,
    caller: str,
    answerer: int | None,
) -> CallFact:
    """An inbound call; `answerer` None means the call is missed (reason drawn here)."""
    day, second = when
    start = local_instant(day, second)
    if not is_open(line, day, second):
        ring = rng.randint(8, 25)
        vm = rng.random() < 0.3
        return CallFact(
            start,
            "inbound",
            line_index,
            -1,
            caller,
            None,
            start + ring + (40 if vm else 0),
            "out_of_opening_hours",
            voicemail=vm,
        )
    if answerer is None:
        reasons = (*MISSED_REASONS, "abandoned_in_ivr") if line.is_ivr else MISSED_REASONS
        reason = rng.choice(reasons)
        ring = rng.randint(2, 9) if reason == "short_abandoned" else rng.randint(15, 75)
        vm = reason in ("no_available_agent", "agents_did_not_answer") and rng.random() < 0.45
        end = start + ring + (rng.randint(20, 90) if vm else 0)
        return CallFact(start, "inbound", line_index, -1, caller, None, end, reason, voicemail=vm)
    answered = start + rng.randint(4, 45)
    talk = int(rng.lognormvariate(5.3, 0.8)) + 20
    return CallFact(
        start,
        "inbound",
        line_index,
        answerer,
        caller,
        answered,
        answered + talk,
        recorded=rng.random() < 0.25,
        tag=_tag(rng),
        archived=rng.random() < 0.04,
    )


def outbound(
    rng: random.Random,
    start: int,
    line_index: int,
    agent: int,
    callee: str,
    answer_rate: float = 0.6,
) -> CallFact:
    """An outbound call placed by `agent`; the customer answers with `answer_rate`."""
    if rng.random() >= answer_rate:
        return CallFact(
            start, "outbound", line_index, agent, callee, None, start + rng.randint(10, 40)
        )
    answered = start + rng.randint(5, 25)
    talk = int(rng.lognormvariate(5.0, 0.9)) + 15
    return CallFact(
        start,
        "outbound",
        line_index,
        agent,
        callee,
        answered,
        answered + talk,
        recorded=rng.random() < 0.2,
        tag=_tag(rng),
        archived=rng.random() < 0.02,
    )


def _tag(rng: random.Random) -> str | None:
    return rng.choice(TAGS) if rng.random() < 0.12 else None
