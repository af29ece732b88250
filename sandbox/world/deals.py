"""Deal plans: whether a lead buys, through which pipeline, for how much, in which currency."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from sandbox.world.people import Agent

DAY_MS = 86_400_000
RENEWALS = "14872536"  # custom pipelines have numeric-string ids
DEFAULT_OPEN_STAGES = (
    "appointmentscheduled",
    "qualifiedtobuy",
    "presentationscheduled",
    "decisionmakerboughtin",
    "contractsent",
)
RENEWAL_OPEN_STAGES = ("1001", "1002")
OUTCOME_STAGES = {
    ("default", "won"): "closedwon",
    ("default", "lost"): "closedlost",
    (RENEWALS, "won"): "1003",
    (RENEWALS, "lost"): "1004",
}
WIN_BASE = {
    "phone_toll_free": 0.6,
    "phone_mobile": 0.48,
    "phone_geographic": 0.42,
    "phone_national": 0.34,
    "outbound_call": 0.24,
}
PRODUCTS = (
    "Pompe à chaleur",
    "Isolation des combles",
    "Panneaux solaires 6 kWc",
    "Chaudière à granulés",
    "Fenêtres double vitrage",
    "Audit énergétique",
)
HOME_RATES = {"EUR": 1.0, "USD": 0.92, "GBP": 1.17}


@dataclass(slots=True)
class DealPlan:
    """A HubSpot deal before ids are assigned; `contacts` holds lead keys."""

    name: str
    pipeline: str
    stage: str
    outcome: str  # won | lost | open
    owner: int
    created_ms: int
    close_ms: int | None
    modified_ms: int
    amount: str | None
    currency: str | None
    home_amount: str | None
    contacts: list[int] = field(default_factory=list)
    archived_ms: int | None = None


def win_probability(channel: str, owner: Agent | None) -> float:
    """Channel and agent both matter, so the KPIs have a story to tell."""
    base = WIN_BASE.get(channel, 0.2)
    skill = owner.skill if owner else 0.8
    return min(0.92, max(0.03, base * skill))


def deal_rate(channel: str) -> float:
    if channel.startswith("phone_"):
        return 0.62
    return 0.38 if channel == "outbound_call" else 0.32


def money(rng: random.Random, renewal: bool) -> tuple[str | None, str | None, str | None]:
    """(amount, deal_currency_code, amount_in_home_currency), all HubSpot strings."""
    value = round(rng.lognormvariate(6.8 if renewal else 8.0, 0.5) / 10) * 10
    # A few export customers pay in USD/GBP; some deals were saved without a currency.
    currency = rng.choices(("EUR", "USD", "GBP", None), cum_weights=(88, 93, 96, 100))[0]
    amount = f"{value:g}" if rng.random() < 0.5 else f"{value + rng.choice((0.5, 0.25, 0.9)):g}"
    home = float(amount) * HOME_RATES.get(currency or "EUR", 1.0)
    # Some portals lack the converted amount on a few deals: dbt must convert with its seed.
    home_text = None if rng.random() < 0.1 else f"{round(home, 2):g}"
    return amount, currency, home_text


def plan_deal(
    rng: random.Random,
    start_ms: int,
    end_ms: int,
    owner: int,
    p_win: float,
    renewal: bool,
) -> DealPlan:
    """One deal created at `start_ms`; closed won/lost if its close falls before `end_ms`."""
    pipeline = RENEWALS if renewal else "default"
    created = start_ms + rng.randint(10 * 60_000, 8 * DAY_MS)
    close = created + rng.randint(2 * DAY_MS, 70 * DAY_MS)
    if close < end_ms:
        outcome = "won" if rng.random() < p_win else "lost"
        stage = OUTCOME_STAGES[(pipeline, outcome)]
        modified = close + rng.randint(1000, 2 * 3_600_000)
    else:
        outcome = "open"
        stage = rng.choice(RENEWAL_OPEN_STAGES if renewal else DEFAULT_OPEN_STAGES)
        modified = created + rng.randint(1000, max(1001, (end_ms - created) // 2))
        close = close if rng.random() < 0.8 else None
    amount, currency, home = money(rng, renewal)
    if outcome == "open" and rng.random() < 0.05:
        amount, home = None, None
    name = "Renouvellement contrat d'entretien" if renewal else rng.choice(PRODUCTS)
    return DealPlan(
        name,
        pipeline,
        stage,
        outcome,
        owner,
        created,
        close,
        min(modified, end_ms - 1),
        amount,
        currency,
        home,
    )
