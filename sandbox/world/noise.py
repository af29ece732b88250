"""Calls that have nothing to do with leads: support, existing customers, after-hours."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import Any

from sandbox.world.calls import CallFact
from sandbox.world.clock import Calendar, local_instant
from sandbox.world.dialing import evening_second, inbound, is_open, office_second, outbound
from sandbox.world.names import company, email, person
from sandbox.world.people import Agent
from sandbox.world.phones import BusinessLine, foreign_mobile, french_landline, french_mobile


def team_role(key: str | None) -> str | None:
    """The routing role of a team key: a size's pod team ``sales~3`` routes like ``sales``."""
    return None if key is None else key.split("~")[0]


WEEKDAY_VOLUME = (84, 80, 80, 78, 74, 18, 5)  # noise calls per day at scale 1, Monday first
MONTH_FACTOR = {1: 1.1, 7: 0.85, 8: 0.6, 9: 1.15, 12: 0.8}


@dataclass(frozen=True, slots=True)
class NoiseContext:
    """What a day's generator needs; the per-day seed makes any day reproducible alone."""

    seed: int
    scale: float
    calendar: Calendar
    lines: tuple[BusinessLine, ...]
    agents: tuple[Agent, ...]
    customers: tuple[str, ...]  # existing customers' numbers; every third one is an Aircall contact


def customer_pool(seed: int, scale: float) -> tuple[str, ...]:
    """Existing customers' numbers, disjoint from leads' numbers by construction."""
    rng = random.Random(f"{seed}:customers")
    size = int(1500 * scale) + 30
    draws = (french_mobile, french_mobile, french_landline)
    return tuple(
        foreign_mobile(rng) if rng.random() < 0.04 else rng.choice(draws)(rng, "customer")
        for _ in range(size)
    )


def aircall_contacts(seed: int, customers: tuple[str, ...]) -> list[dict[str, Any]]:
    """Aircall's own address book: contacts for every third existing customer."""
    rng = random.Random(f"{seed}:aircall-contacts")
    contacts = []
    for key, number in enumerate(customers[::3]):
        first, last = person(rng)
        firm = company(rng, last) if rng.random() < 0.6 else None
        contact_id = 55_012 + 17 * key
        contacts.append(
            {
                "id": contact_id,
                "direct_link": f"https://api.aircall.io/v1/contacts/{contact_id}",
                "first_name": first,
                "last_name": last,
                "company_name": firm,
                "information": None,
                "is_shared": True,
                "phone_numbers": [{"id": 2 * contact_id, "label": "Mobile", "value": number}],
                "emails": [
                    {
                        "id": 2 * contact_id + 1,
                        "label": "Work",
                        "value": email(rng, first, last, firm),
                    }
                ],
            }
        )
    return contacts


def noise_day(ctx: NoiseContext, index: int) -> list[CallFact]:
    """Every noise call of local day `index`, from that day's own seed."""
    rng = random.Random(f"{ctx.seed}:noise:{index}")
    day = ctx.calendar.days[index]
    volume = WEEKDAY_VOLUME[day.weekday()] * MONTH_FACTOR.get(day.month, 1.0) * ctx.scale
    count = int(volume * rng.uniform(0.85, 1.15) + rng.random())
    staff = [a for a in ctx.agents if a.user_id and a.works_on(index)]
    # Who answers and which lines dial out, by team, once per day: per call, the scans over
    # every agent and line made a 3,000-agent size quadratic.
    teams = {
        role: [a.index for a in staff if team_role(a.aircall_team) == role]
        for role in ("support", "sales")
    }
    lines = {
        team: [i for i, line in enumerate(ctx.lines) if line.team_key == team]
        for team in ("support", "sales")
    }
    calls: list[CallFact] = []
    for _ in range(count):
        if rng.random() < 0.62:
            calls.extend(_customer_calls_in(rng, ctx, index, staff, teams))
        else:
            calls.append(_company_calls_out(rng, ctx, index, staff, lines))
    return calls


def _customer(rng: random.Random, ctx: NoiseContext) -> tuple[str, int]:
    key = rng.randrange(len(ctx.customers))
    return ctx.customers[key], key // 3 if key % 3 == 0 else -1


def _customer_calls_in(
    rng: random.Random,
    ctx: NoiseContext,
    index: int,
    staff: list[Agent],
    teams: dict[str, list[int]],
) -> list[CallFact]:
    day = ctx.calendar.days[index]
    line_index = rng.randrange(len(ctx.lines))
    line = ctx.lines[line_index]
    second = evening_second(rng) if rng.random() < 0.1 else office_second(rng)
    caller, contact = ("anonymous", -1) if rng.random() < 0.06 else _customer(rng, ctx)
    team = teams["support" if line.team_key == "support" else "sales"]
    answerer = rng.choice(team) if team and rng.random() < 0.8 else None
    call = inbound(rng, (day, second), line_index, line, caller, answerer)
    call = _with_contact(call, contact)
    if (
        call.answered_at
        or caller == "anonymous"
        or not is_open(line, day, second)
        or rng.random() < 0.45
    ):
        return [call]
    # Support calls missed customers back the same day, mostly within the hour.
    delay = rng.randint(120, 3600) if rng.random() < 0.6 else rng.randint(3601, 5 * 3600)
    agent = rng.choice(team or [a.index for a in staff])
    return [
        call,
        _with_contact(outbound(rng, call.started_at + delay, line_index, agent, caller), contact),
    ]


def _company_calls_out(
    rng: random.Random,
    ctx: NoiseContext,
    index: int,
    staff: list[Agent],
    lines: dict[str, list[int]],
) -> CallFact:
    day = ctx.calendar.days[index]
    agent = rng.choice(staff)
    team = "support" if team_role(agent.aircall_team) == "support" else "sales"
    callee, contact = _customer(rng, ctx)
    start = local_instant(day, office_second(rng))
    line = rng.choice(lines[team])
    return _with_contact(outbound(rng, start, line, agent.index, callee), contact)


def _with_contact(call: CallFact, contact: int) -> CallFact:
    if contact < 0:
        return call
    return replace(call, contact=contact)
