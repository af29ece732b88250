"""Aircall call facts (compact, in memory or generated per day) and their JSON rendering."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import phonenumbers

from sandbox.world.clock import iso_seconds
from sandbox.world.people import AIRCALL_TEAMS, Agent
from sandbox.world.phones import BusinessLine, pretty

AIRCALL_HOST = "https://api.aircall.io/v1"
MEDIA_HOST = "https://aircall-media.example/recordings"
TEAMS_CREATED_AT = 1_704_806_977  # teams predate the synthetic year


@dataclass(frozen=True, slots=True)
class CallFact:
    """One call as the generator decides it; ids are assigned when a day is sorted."""

    started_at: int
    direction: str  # inbound | outbound
    line: int  # index into the business lines
    agent: int  # index into the agents, -1 when nobody answered an inbound call
    external: str  # customer's E.164 number, or "anonymous"
    answered_at: int | None = None
    ended_at: int | None = None
    reason: str | None = None  # missed_call_reason
    voicemail: bool = False
    recorded: bool = False
    tag: str | None = None
    archived: bool = False
    contact: int = -1  # Aircall-side contact key, -1 when the caller is unknown to Aircall
    status: str = "done"


@functools.cache  # static per agent/line/team; shared by every rendered call
def user_json(agent: Agent) -> dict[str, Any]:
    """The embedded `user` object of a call (a subset of /v1/users)."""
    return {
        "id": agent.user_id,
        "direct_link": f"{AIRCALL_HOST}/users/{agent.user_id}",
        "name": agent.name,
        "email": agent.aircall_email,
        "available": True,
        "availability_status": "available",
        "language": "fr-FR",
        "wrap_up_time": 30,
    }


@functools.cache
def number_json(line: BusinessLine) -> dict[str, Any]:
    """The embedded `number` object of a call (a subset of /v1/numbers)."""
    return {
        "id": line.number_id,
        "direct_link": f"{AIRCALL_HOST}/numbers/{line.number_id}",
        "name": line.name,
        "digits": line.digits,
        "country": "FR",
        "time_zone": "Europe/Paris",
        "open": True,
        "availability_status": "custom" if line.is_ivr else "open",
        "is_ivr": line.is_ivr,
        "live_recording_activated": False,
    }


@functools.cache
def team_json(team_key: str) -> dict[str, Any]:
    team_id, name = AIRCALL_TEAMS[team_key]
    return {
        "id": team_id,
        "name": name,
        "direct_link": f"{AIRCALL_HOST}/teams/{team_id}",
        "created_at": iso_seconds(TEAMS_CREATED_AT),
    }


@functools.lru_cache(maxsize=200_000)
def raw_digits(external: str) -> str:
    return external if external == "anonymous" else pretty(external)


@functools.lru_cache(maxsize=200_000)
def _country(external: str) -> str:
    if external == "anonymous" or external.startswith("+33"):
        return "FR"
    return phonenumbers.region_code_for_number(phonenumbers.parse(external)) or "FR"


def _media(call_id: int, fact: CallFact) -> dict[str, Any]:
    voicemail = (
        f"{MEDIA_HOST}/call-{call_id}-voicemail.mp3?X-Amz-Expires=600" if fact.voicemail else None
    )
    recording = f"{MEDIA_HOST}/call-{call_id}.mp3?X-Amz-Expires=3600" if fact.recorded else None
    asset = f"https://assets.aircall.io/calls/{call_id}/" + (
        "voicemail" if fact.voicemail else "recording"
    )
    return {
        "voicemail": voicemail,
        "recording": recording,
        "asset": asset if voicemail or recording else None,
    }


def _cost(fact: CallFact) -> str:
    if fact.direction == "inbound" or fact.answered_at is None or fact.ended_at is None:
        return "0.0"
    return f"{0.02 * (1 + (fact.ended_at - fact.answered_at) // 60):.2f}"


def render_call(
    call_id: int, fact: CallFact, world: CallWorld, patch: dict[str, Any] | None
) -> dict[str, Any]:
    """Render a fact exactly like an item of Aircall's `GET /v1/calls` (ints for times/ids)."""
    line = world.lines[fact.line]
    call: dict[str, Any] = {
        "id": call_id,
        "direct_link": f"{AIRCALL_HOST}/calls/{call_id}",
        "direction": fact.direction,
        "status": fact.status,
        "missed_call_reason": fact.reason,
        "started_at": fact.started_at,
        "answered_at": fact.answered_at,
        "ended_at": fact.ended_at,
        "duration": fact.ended_at - fact.started_at if fact.ended_at else 0,
        "cost": _cost(fact),
        "hangup_cause": None,
        **_media(call_id, fact),
        "raw_digits": raw_digits(fact.external),
        "archived": fact.archived,
        "country_code_a2": _country(fact.external),
    }
    if fact.agent >= 0:
        # Aircall omits `user` entirely (not null) on inbound calls nobody answered.
        call["user"] = user_json(world.agents[fact.agent])
    call["number"] = number_json(line)
    call["contact"] = world.contact_json(fact.contact) if fact.contact >= 0 else None
    call.update(assigned_to=None, transferred_by=None, transferred_to=None)
    call["teams"] = [team_json(line.team_key)] if fact.direction == "inbound" else []
    call["tags"] = [_tag(world, call_id, fact)] if fact.tag else []
    call["comments"] = []
    if patch:
        call.update(patch)
    return call


def _tag(world: CallWorld, call_id: int, fact: CallFact) -> dict[str, Any]:
    tagger = world.agents[fact.agent] if fact.agent >= 0 else world.agents[0]
    return {
        "id": 1_022_984 + sum(map(ord, fact.tag or "")),
        "name": fact.tag,
        "tagged_by": {"id": tagger.user_id, "name": tagger.name},
        "tagged_at": (fact.ended_at or fact.started_at) + 15 + call_id % 40,
    }


class CallWorld:
    """What rendering needs besides the fact: lines, agents and Aircall-side contacts."""

    def __init__(
        self,
        lines: tuple[BusinessLine, ...],
        agents: tuple[Agent, ...],
        contacts: list[dict[str, Any]],
    ):
        self.lines = lines
        self.agents = agents
        self.contacts = contacts

    def contact_json(self, key: int) -> dict[str, Any]:
        return self.contacts[key]
