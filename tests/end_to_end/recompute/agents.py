"""The agent dimension: CRM owners and telephony users unified by e-mail."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from .raw import AircallUser, Call, RawData

UNASSIGNED = "unassigned"


@dataclass(frozen=True, slots=True)
class Agent:
    agent_id: str
    agent_name: str
    team: str  # "" when the agent has no team (exports write NULL and "" alike)


@dataclass(slots=True)
class Agents:
    by_id: dict[str, Agent]
    owner_agent: dict[str, str]  # HubSpot owner id -> agent_id
    user_agent: dict[str, str]  # Aircall user id -> agent_id
    hubspot_user_agent: dict[str, str]  # HubSpot user id (owner.userId) -> agent_id
    # trimmed lower-cased e-mail of a CRM owner or telephony user -> agent_id
    email_agent: dict[str, str] = field(default_factory=dict)

    def of_email(self, email: str | None) -> str | None:
        """The agent whose e-mail this is (case and surrounding spaces ignored), else None."""
        return self.email_agent.get(email.strip().lower()) if email else None

    def of_owner(self, owner_id: str | None) -> str:
        return self.owner_agent.get(owner_id, UNASSIGNED) if owner_id else UNASSIGNED

    def of_user(self, user_id: str | None) -> str:
        return self.user_agent.get(user_id, UNASSIGNED) if user_id else UNASSIGNED

    def dims(self, agent_id: str) -> tuple[str, str, str]:
        agent = self.by_id[agent_id]
        return agent.agent_id, agent.agent_name, agent.team


def agent_key(email: str | None, fallback: str) -> str:
    """md5 of the trimmed lower-cased e-mail (first 12 hex), else the system-prefixed id."""
    if email is None or not email.strip():
        return fallback
    return hashlib.md5(email.strip().lower().encode("utf-8")).hexdigest()[:12]


def telephony_users(raw: RawData) -> list[AircallUser]:
    """The users list, plus every user only calls still name (removed from the account since),
    as its latest call gives it (architecture.md, "agent_id")."""
    listed = {user.id for user in raw.users}
    latest: dict[str, Call] = {}
    for call in raw.calls:
        if call.user_id is None or call.user_id in listed:
            continue
        seen = latest.get(call.user_id)
        if seen is None or (call.started_at, call.id) > (seen.started_at, seen.id):
            latest[call.user_id] = call
    named = [AircallUser(uid, c.user_name, c.user_email) for uid, c in sorted(latest.items())]
    return [*raw.users, *named]


def build_agents(raw: RawData) -> Agents:
    """Owner data wins for name and team; the telephony user fills the gaps."""
    users = telephony_users(raw)
    owner_agent = {
        o.id: agent_key(o.email, o.fallback_agent or f"hubspot_owner_{o.id}") for o in raw.owners
    }
    user_agent = {u.id: agent_key(u.email, f"aircall_user_{u.id}") for u in users}
    names: dict[str, str] = {}
    teams: dict[str, str] = {}
    # Active owners first so that an archived duplicate never shadows the live record.
    for owner in sorted(raw.owners, key=lambda o: (o.archived, o.id)):
        agent_id = owner_agent[owner.id]
        full = " ".join(p for p in (owner.first_name, owner.last_name) if p)
        if full and agent_id not in names:
            names[agent_id] = full
        if owner.primary_team and agent_id not in teams:
            teams[agent_id] = owner.primary_team
    first_team = _first_team_by_user(raw)
    for user in users:
        agent_id = user_agent[user.id]
        if user.name and agent_id not in names:
            names[agent_id] = user.name
        if user.id in first_team and agent_id not in teams:
            teams[agent_id] = first_team[user.id]
    ids = set(owner_agent.values()) | set(user_agent.values())
    by_id = {i: Agent(i, names.get(i, ""), teams.get(i, "")) for i in ids}
    by_id[UNASSIGNED] = Agent(UNASSIGNED, "Unassigned", "")
    hubspot_users = {o.user_id: owner_agent[o.id] for o in raw.owners if o.user_id}
    emails = [o.email for o in raw.owners] + [u.email for u in users]
    by_email = {e.strip().lower(): agent_key(e, "") for e in emails if e and e.strip()}
    return Agents(by_id, owner_agent, user_agent, hubspot_users, by_email)


def _first_team_by_user(raw: RawData) -> dict[str, str]:
    """A user's first team is the one with the lowest (numeric) team id."""
    first: dict[str, str] = {}
    for team in sorted(raw.teams, key=lambda t: (int(t.id) if t.id.isdigit() else 0, t.id)):
        for user_id in team.user_ids:
            first.setdefault(user_id, team.name)
    return first
