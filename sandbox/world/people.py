"""The company's agents: HubSpot owners, Aircall users and the teams of both."""

from __future__ import annotations

import random
from dataclasses import dataclass

from sandbox.world.names import ascii_slug

COMPANY_DOMAIN = "lumen-habitat.fr"

# (HubSpot team id, name) and (Aircall team id, name): the two vendors' teams differ.
HUBSPOT_TEAMS = {
    "sales": ("3001", "Inside Sales FR"),
    "sdr": ("3002", "SDR Outbound"),
    "accounts": ("3003", "Key Accounts"),
    "support": ("3004", "Support"),
}
AIRCALL_TEAMS = {
    "sales": (204848, "Ventes"),
    "support": (204851, "Support"),
    "sdr": (204857, "SDR"),
}

# (first, last, role, HubSpot teams (primary first), Aircall team, how the Aircall e-mail differs)
ROSTER: tuple[tuple[str, str, str, tuple[str, ...], str | None, str], ...] = (
    ("Léa", "Dubois", "manager", ("sales", "accounts"), "sales", "same"),
    ("Mathieu", "Garnier", "manager", ("support",), None, "same"),
    ("Chloé", "Martin", "sales", ("sales",), "sales", "case"),
    ("Hugo", "Bernard", "sales", ("sales",), "sales", "same"),
    ("Inès", "Moreau", "sales", ("sales", "accounts"), "sales", "spaces"),
    ("Julien", "Lefèvre", "sales", ("sales",), "sales", "same"),
    ("Camille", "Roux", "sales", ("accounts", "sales"), "sales", "same"),
    ("Nicolas", "Fournier", "sales", ("sales",), "sales", "upper"),
    ("Sarah", "Girard", "sales", ("sales",), "sales", "same"),
    ("Thomas", "Mercier", "sales", ("accounts",), "sales", "same"),
    ("Manon", "Lambert", "sales", ("sales",), "sales", "same"),
    ("Karim", "Benali", "sales", ("sales",), "sales", "same"),
    ("Élodie", "Fontaine", "sales", ("accounts",), "sales", "same"),
    ("Louis", "Chevalier", "sales", ("sales",), "sales", "same"),
    ("Anaïs", "Perrin", "sales", ("sales",), "sales", "same"),
    ("Jérôme", "Blanc", "sales", ("sales",), "sales", "departed"),
    ("Maëlle", "Guérin", "sdr", ("sdr",), "sdr", "same"),
    ("Rémi", "Dupont", "sdr", ("sdr",), "sdr", "same"),
    ("Yasmine", "Haddad", "sdr", ("sdr", "sales"), "sdr", "same"),
    ("Baptiste", "Robin", "sdr", ("sdr",), "sdr", "same"),
    ("Hélène", "Masson", "support", ("support",), "support", "same"),
    ("Cédric", "Nguyen", "support", ("support",), "support", "same"),
    ("Océane", "Faure", "support", ("support",), "support", "same"),
    ("Stéphane", "Joly", "support", ("support",), "support", "same"),
    ("Gaëlle", "Morin", "support", (), "support", "telephony_only"),
)


@dataclass(frozen=True, slots=True)
class Agent:
    """One person; `owner_id` is None for telephony-only staff, `user_id` None for CRM-only."""

    index: int
    first_name: str
    last_name: str
    role: str
    email: str
    aircall_email: str
    owner_id: str | None
    hubspot_user_id: int | None
    user_id: int | None
    hubspot_teams: tuple[str, ...]
    aircall_team: str | None
    skill: float  # multiplies the win probability: some agents really sell better
    departed_day: int | None  # day index after which the agent no longer works here
    created_at: int  # UNIX s

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def works_on(self, day: int) -> bool:
        return self.departed_day is None or day < self.departed_day


def _aircall_email(email: str, quirk: str) -> str:
    # The KPI agent dimension matches owners to users case-insensitively, ignoring spaces.
    variants = {"case": email.capitalize(), "upper": email.upper(), "spaces": f" {email} "}
    return variants.get(quirk, email)


def build_agents(seed: int, start: int, days: int) -> tuple[Agent, ...]:
    """Return the roster with deterministic ids, skills and hire dates."""
    rng = random.Random(f"{seed}:agents")
    agents = []
    for index, (first, last, role, teams, aircall_team, quirk) in enumerate(ROSTER):
        email = f"{ascii_slug(first)}.{ascii_slug(last)}@{COMPANY_DOMAIN}"
        crm = quirk != "telephony_only"
        agents.append(
            Agent(
                index=index,
                first_name=first,
                last_name=last,
                role=role,
                email=email,
                aircall_email=_aircall_email(email, quirk),
                owner_id=str(41_629_779 + 7_919 * index) if crm else None,
                hubspot_user_id=9_586_504 + 3_301 * index if crm else None,
                user_id=731_416 + 97 * index if aircall_team else None,
                hubspot_teams=teams,
                aircall_team=aircall_team,
                skill=_skill(rng, role, index),
                departed_day=int(days * 0.62) if quirk == "departed" else None,
                created_at=start - rng.randint(30, 900) * 86_400,
            )
        )
    return tuple(agents)


def _skill(rng: random.Random, role: str, index: int) -> float:
    if role != "sales":
        return round(rng.uniform(0.7, 1.0), 2)
    # Two stars and one struggling rep make the per-agent KPIs tell a story.
    return {2: 1.45, 6: 1.35, 11: 0.55}.get(index, round(rng.uniform(0.75, 1.2), 2))
