"""Contact-centre sizes S, M, L: more agents, teams and lines, not only more records per agent.

The default sandbox is one SME (25 staff, 10 lines, scale = records per line). A size is that
company replicated in *pods*: pod 0 is the original roster and lines, byte for byte; pod p > 0
copies every role, team and line type with its own names, ids, e-mails, numbers and HubSpot and
Aircall teams. Lead and call volumes scale separately (``lead_scale``, ``call_scale``) so the
record mix of the issue holds: about 14 calls per contact instead of the SME's 6.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import phonenumbers

from sandbox.config import SandboxConfig
from sandbox.world.clock import Calendar
from sandbox.world.names import ascii_slug, person
from sandbox.world.people import (
    AIRCALL_TEAMS,
    COMPANY_DOMAIN,
    HUBSPOT_TEAMS,
    ROSTER,
    Agent,
    build_agents,
)
from sandbox.world.phones import BusinessLine, business_lines
from sandbox.world.shards import Shard

if TYPE_CHECKING:
    from sandbox.world.business import Business

POD_STAFF = len(ROSTER)  # 25 people per pod, every role and quirk of the original roster
TEAM_SEPARATOR = "~"  # "sales~3": pod 3's sales team; its routing role is "sales"


@dataclass(frozen=True, slots=True)
class Size:
    """One named contact-centre size; ``pods`` x 25 staff and x 10 lines."""

    name: str
    pods: int
    lead_scale: float  # multiplies leads, hence contacts, deals and their calls
    call_scale: float  # multiplies the calls unrelated to leads (support, customers)
    shards: int = 1  # lead books built one at a time on the same roster (shards.py)


# Calibrated on seed 42 (benchmarks/README.md has the measured counts): the S is
# 50 agents and ~0.7 M calls, M 500 agents and ~7 M calls, L 3,000 agents and ~40 M calls.
SIZES = {
    "XS": Size("XS", 2, 0.35, 1.2),  # CI smoke: the S shape (50 agents) at 1/20 of the volume
    "S": Size("S", 2, 7.0, 24.0),
    "M": Size("M", 20, 70.0, 240.0),
    # Ten shards of M's lead volume each: one plan of 5 M leads would not fit in memory.
    "L": Size("L", 120, 700.0, 1400.0, shards=10),
}


@dataclass(frozen=True, slots=True)
class Staffing:
    """What a Business takes from a size instead of the SME's roster (see Business)."""

    lines: tuple[BusinessLine, ...]
    agents: tuple[Agent, ...]
    call_scale: float


def size_named(name: str) -> Size:
    """The size called ``name`` (XS, S, M, L), or a clear error."""
    try:
        return SIZES[name.upper()]
    except KeyError:
        raise ValueError(f"unknown size {name!r}: use one of {', '.join(SIZES)}") from None


def size_business(
    size: Size,
    seed: int,
    as_of: dt.date,
    messaging: bool = False,
    call_day_cache: int | None = None,
) -> Business:
    """Build the sandbox business of a size (deterministic in size, seed and as_of), with its
    WhatsApp/SMS threads when ``messaging``. ``call_day_cache``: generated days of calls kept
    (SandboxConfig's default when None; a writer reading each day once needs 1)."""
    from sandbox.world.business import Business  # business imports sizes for typing

    if size.shards > 1:
        raise ValueError(
            f"size {size.name} is built in {size.shards} shards to bound memory: build each "
            "with shard_business, or write it with benchmarks/write_size.py"
        )
    config = SandboxConfig(seed=seed, scale=size.lead_scale, as_of=as_of, messaging=messaging)
    if call_day_cache is not None:
        config = replace(config, call_day_cache=call_day_cache)
    return Business(config, staffing(size, seed, Calendar.ending(as_of)))


def shard_business(size: Size, seed: int, as_of: dt.date, shard: Shard) -> Business:
    """Shard ``shard`` of a size: its share of the leads and of the other calls, its own seed
    and ids, on the whole size's agents, teams and lines (the same for every shard)."""
    from sandbox.world.business import Business

    # Read once, day by day, by the raw writer: a day cache would only hold memory.
    config = SandboxConfig(
        seed=shard.seed(seed),
        scale=size.lead_scale / shard.count,
        as_of=as_of,
        call_day_cache=1,
    )
    staff = staffing(size, seed, Calendar.ending(as_of))
    return Business(config, replace(staff, call_scale=size.call_scale / shard.count), shard)


def staffing(size: Size, seed: int, calendar: Calendar) -> Staffing:
    """Lines and agents of every pod; registers the pods' teams so the APIs can render them."""
    _register_pod_teams(size.pods)
    used: set[str] = set()
    lines = tuple(line for pod in range(size.pods) for line in _pod_lines(pod, used))
    base = build_agents(seed, calendar.start, len(calendar.days))
    agents = list(base)
    for pod in range(1, size.pods):
        rng = random.Random(f"{seed}:pod:{pod}")
        agents.extend(_pod_agent(rng, agent, pod, len(agents)) for agent in base)
    return Staffing(lines, tuple(agents), size.call_scale)


def _pod_team(key: str, pod: int) -> str:
    return key if pod == 0 else f"{key}{TEAM_SEPARATOR}{pod + 1}"


def _register_pod_teams(pods: int) -> None:
    # New keys only, derived from the base ones: the SME's teams are never touched.
    for pod in range(1, pods):
        for key, (team_id, name) in list(HUBSPOT_TEAMS.items()):
            if TEAM_SEPARATOR not in key:
                HUBSPOT_TEAMS[_pod_team(key, pod)] = (
                    str(int(team_id) + 100 * pod),
                    f"{name} {pod + 1}",
                )
        for key, (team_id, name) in list(AIRCALL_TEAMS.items()):
            if TEAM_SEPARATOR not in key:
                AIRCALL_TEAMS[_pod_team(key, pod)] = (team_id + 100 * pod, f"{name} {pod + 1}")


def _pod_agent(rng: random.Random, agent: Agent, pod: int, index: int) -> Agent:
    first, last = person(rng)
    local = f"{ascii_slug(first)}.{ascii_slug(last)}.{pod + 1}"
    email = f"{local}@{COMPANY_DOMAIN}"
    # The original's e-mail quirk (case, spaces, upper, same) carries over to the copy.
    quirk = (
        agent.aircall_email.replace(agent.email, "{}")
        if agent.email in agent.aircall_email
        else None
    )
    aircall_email = quirk.format(email) if quirk else _quirk_like(agent, email)
    return replace(
        agent,
        index=index,
        first_name=first,
        last_name=last,
        email=email,
        aircall_email=aircall_email,
        owner_id=None if agent.owner_id is None else str(41_629_779 + 7_919 * index),
        hubspot_user_id=None if agent.hubspot_user_id is None else 9_586_504 + 3_301 * index,
        user_id=None if agent.user_id is None else 731_416 + 97 * index,
        hubspot_teams=tuple(_pod_team(key, pod) for key in agent.hubspot_teams),
        aircall_team=None if agent.aircall_team is None else _pod_team(agent.aircall_team, pod),
        skill=round(agent.skill * rng.uniform(0.9, 1.1), 2),
        created_at=agent.created_at - rng.randint(0, 60) * 86_400,
    )


def _quirk_like(agent: Agent, email: str) -> str:
    if agent.aircall_email == agent.email.upper():
        return email.upper()
    if agent.aircall_email == agent.email.capitalize():
        return email.capitalize()
    return email


def _pod_lines(pod: int, used: set[str]) -> tuple[BusinessLine, ...]:
    lines = business_lines()
    if pod == 0:
        used.update(line.e164 for line in lines)
        return lines
    return tuple(
        replace(
            line,
            number_id=397_375 + 11 * (pod * len(lines) + i),
            name=f"{line.name} {pod + 1}",
            e164=_pod_number(line, pod, used),
        )
        for i, line in enumerate(lines)
    )


def _pod_number(line: BusinessLine, pod: int, used: set[str]) -> str:
    """An unused valid number of the same libphonenumber type: the last four digits move."""
    expected = phonenumbers.number_type(phonenumbers.parse(line.e164))
    head, tail = line.e164[:-4], int(line.e164[-4:])
    for step in range(10_000):
        candidate = f"{head}{(tail + 7 * pod + step) % 10_000:04d}"
        parsed = phonenumbers.parse(candidate)
        valid = phonenumbers.is_valid_number(parsed)
        if candidate not in used and valid and phonenumbers.number_type(parsed) == expected:
            used.add(candidate)
            return candidate
    raise ValueError(f"no free number like {line.e164} for pod {pod}")
