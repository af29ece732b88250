"""kpi_sales_daily, kpi_agent_credit_daily and kpi_targets_monthly, recomputed."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from .agents import agent_key
from .model import Warehouse, add_months, month_start, months_between

Row = tuple[Any, ...]


def sales_daily(w: Warehouse) -> list[Row]:
    """Created/cohort measures on the create date, won/lost/revenue on the close date."""
    acc: dict[tuple, list] = defaultdict(lambda: [0, 0, 0, Decimal("0.00"), 0, Decimal("0.00")])
    for opp in w.opportunities:
        dims = (opp.pipeline, opp.channel, opp.owner_agent)
        created = acc[(w.local_date(opp.deal.created_at), *dims)]
        created[0] += 1
        if opp.status == "won":
            created[4] += 1
            created[5] += opp.revenue
        if opp.close_at is None:
            continue
        closed = acc[(w.local_date(opp.close_at), *dims)]
        if opp.status == "won":
            closed[1] += 1
            closed[3] += opp.revenue
        else:
            closed[2] += 1
    rows = [
        (day, pipeline, ch.group, ch.channel, ch.label, *w.agent_dims(agent), *measures)
        for (day, pipeline, ch, agent), measures in acc.items()
    ]
    return sorted(rows, key=lambda r: (r[0], r[1], r[3], r[5]))


def agent_credit_daily(w: Warehouse) -> list[Row]:
    """One row per (date, channel, agent, role); deals counted in full, credited_* by share."""
    zero = Fraction(0)
    acc: dict[tuple, list] = defaultdict(lambda: [0, 0, Decimal("0.00"), zero, zero])
    for opp in w.opportunities:
        for credit in opp.credits:
            dims = (opp.channel, credit.agent_id, credit.role)
            acc[(w.local_date(opp.deal.created_at), *dims)][0] += 1
            if opp.status != "won" or opp.close_at is None:
                continue  # lost deals contribute only to the create-date row
            closed = acc[(w.local_date(opp.close_at), *dims)]
            closed[1] += 1
            closed[2] += opp.revenue
            closed[3] += credit.share
            closed[4] += credit.share * Fraction(opp.revenue)
    rows = [
        (
            day,
            ch.group,
            ch.channel,
            ch.label,
            *w.agent_dims(agent),
            role,
            *m[:3],
            *map(float, m[3:]),
        )
        for (day, ch, agent, role), m in acc.items()
    ]
    return sorted(rows, key=lambda r: (r[0], r[2], r[4], r[7]))


def goal_agent(w: Warehouse, owner_id: str | None, user_id: str | None) -> str | None:
    """The goal's assignee: an owner id, else a HubSpot user id mapped through the owners."""
    if owner_id and owner_id in w.agents.owner_agent:
        return w.agents.owner_agent[owner_id]
    if user_id and user_id in w.agents.hubspot_user_agent:
        return w.agents.hubspot_user_agent[user_id]
    return None


def monthly_targets(w: Warehouse) -> dict[tuple, Fraction]:
    """(month, agent) -> target: HubSpot goals when it has any, else the sales team's seed."""
    targets: dict[tuple, Fraction] = defaultdict(Fraction)
    if not w.raw.goals:
        for email, day, amount in w.settings.seed_targets:
            targets[(month_start(day), agent_key(email, email))] += Fraction(amount)
        return targets
    for goal in w.raw.goals:
        agent = goal_agent(w, goal.owner_id, goal.assignee_user_id)
        assert agent is not None, f"goal {goal.id} has no assignee among the owners"
        assert goal.start and goal.end and goal.amount is not None, f"goal {goal.id} incomplete"
        # A goal covers the local months from its local start to its local end, split evenly.
        first = month_start(w.local_date(goal.start))
        count = months_between(first, month_start(w.local_date(goal.end))) + 1
        for offset in range(count):
            targets[(add_months(first, offset), agent)] += Fraction(Decimal(goal.amount)) / count
    return targets


def targets_monthly(w: Warehouse) -> list[Row]:
    """Every agent-month with a target or a won deal (won deals by local close month, owner)."""
    targets = monthly_targets(w)
    won: dict[tuple, list] = defaultdict(lambda: [Decimal("0.00"), 0])
    for opp in w.opportunities:
        if opp.status == "won" and opp.close_at is not None:
            cell = won[(month_start(w.local_date(opp.close_at)), opp.owner_agent)]
            cell[0] += opp.revenue
            cell[1] += 1
    rows = []
    for month, agent in set(targets) | set(won):
        revenue, count = won.get((month, agent), (Decimal("0.00"), 0))
        has_target = (month, agent) in targets
        # target_amount is a money column (cents); "met" compares the two columns as shipped, so
        # a third of 1000 is 333.33 and revenue of 333.33 meets it.
        amount = _money(targets.get((month, agent), Fraction(0)))
        met = int(has_target and revenue >= amount)
        rows.append((month, *w.agent_dims(agent), amount, int(has_target), met, revenue, count))
    return sorted(rows, key=lambda r: (r[0], r[1]))


def _money(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
