"""Opportunities: status from stage metadata, money in reporting currency, channel and credit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from .agents import Agents
from .attribution import Credit, Lead, deal_credits, primary_contact
from .channels import UNKNOWN, Channel
from .raw import Deal, Pipeline
from .settings import Settings

CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Opportunity:
    deal: Deal
    pipeline: str  # the pipeline's label
    status: str  # "won" | "lost" | "open"
    close_at: datetime | None  # the CRM close date, only for a closed deal
    revenue: Decimal  # reporting currency, rounded per deal; 0 when the deal has no amount
    owner_agent: str
    primary: Lead | None
    leads: tuple[Lead, ...]
    channel: Channel
    credits: tuple[Credit, ...]


def deal_status(deal: Deal, pipelines: dict[str, Pipeline]) -> str:
    """Closed with probability 1 = won, closed with probability 0 = lost (pipeline metadata);
    a CRM that states the outcome on the deal (Pipedrive `status`) is read as it says."""
    if deal.status is not None:
        return deal.status if deal.status in ("won", "lost") else "open"
    pipeline = pipelines.get(deal.pipeline_id or "")
    stage = pipeline.stages.get(deal.stage_id or "") if pipeline else None
    if stage is None or not stage.is_closed or stage.probability is None:
        return "open"
    if stage.probability == 1.0:
        return "won"
    return "lost" if stage.probability == 0.0 else "open"


def deal_revenue(deal: Deal, settings: Settings) -> Decimal:
    """Home-currency amount, else the amount in (or without) the reporting currency, else a rate."""
    if deal.amount_home is not None:
        value = Decimal(deal.amount_home)
    elif deal.amount is None:
        return Decimal("0.00")
    elif deal.currency is None or deal.currency.strip().upper() == settings.currency:
        value = Decimal(deal.amount)
    else:
        rate = settings.currency_rates.get(deal.currency.strip().upper())
        assert rate is not None, f"deal {deal.id}: no rate for {deal.currency}"
        value = Decimal(deal.amount) * rate
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def build_opportunity(
    deal: Deal,
    pipelines: dict[str, Pipeline],
    leads: dict[str, Lead],
    agents: Agents,
    settings: Settings,
) -> Opportunity:
    status = deal_status(deal, pipelines)
    close_at = deal.close_at if status != "open" else None
    associated = [leads[c] for c in deal.contact_ids if c in leads]
    primary = primary_contact(associated)
    owner = agents.of_owner(deal.owner_id)
    end = close_at if close_at is not None else settings.now
    pipeline = pipelines.get(deal.pipeline_id or "")
    return Opportunity(
        deal=deal,
        pipeline=pipeline.label if pipeline else "",
        status=status,
        close_at=close_at,
        revenue=deal_revenue(deal, settings),
        owner_agent=owner,
        primary=primary,
        leads=tuple(associated),
        channel=primary.channel if primary else UNKNOWN,
        credits=tuple(deal_credits(owner, associated, primary, end)),
    )
