"""Run settings that shape every recomputed number (the kpis.md configuration table)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class ChannelOverride:
    """One row of the dbt seed `channel_mapping.csv`: a per-line channel rename."""

    channel: str
    channel_label: str


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything outside the raw tables that the KPIs depend on."""

    now: datetime  # the run's time (UTC, aware): "now" for open deals, last retention month
    pii_hash_key: str
    timezone: str = "Europe/Paris"
    currency: str = "EUR"
    phone_region: str = "FR"
    grace: timedelta = timedelta(hours=24)
    # business_line (E.164) -> override; from the seed, which is configuration, not logic
    channel_mapping: dict[str, ChannelOverride] = field(default_factory=dict)
    # currency code -> rate to the reporting currency
    currency_rates: dict[str, Decimal] = field(default_factory=dict)
    # (agent e-mail, any day of the month, amount): used only when HubSpot has no goals
    seed_targets: tuple[tuple[str, date, Decimal], ...] = ()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def read_channel_mapping(path: Path) -> dict[str, ChannelOverride]:
    """Read `business_line, channel, channel_label` rows; a missing seed means no overrides."""
    if not path.exists():
        return {}
    with path.open(newline="", encoding="utf-8") as handle:
        return {
            row["business_line"].strip(): ChannelOverride(
                row["channel"].strip(), row["channel_label"].strip()
            )
            for row in csv.DictReader(handle)
            if row.get("business_line", "").strip()
        }


def read_currency_rates(path: Path) -> dict[str, Decimal]:
    """Read `currency_code, rate_to_reporting` rows; a missing seed means no conversions."""
    if not path.exists():
        return {}
    with path.open(newline="", encoding="utf-8") as handle:
        return {
            row["currency_code"].strip().upper(): Decimal(row["rate_to_reporting"].strip())
            for row in csv.DictReader(handle)
            if row.get("currency_code", "").strip()
        }


def read_sales_targets(path: Path) -> tuple[tuple[str, date, Decimal], ...]:
    """Read `agent_email, month, target_amount` rows kept by the sales team."""
    if not path.exists():
        return ()
    with path.open(newline="", encoding="utf-8") as handle:
        return tuple(
            (
                row["agent_email"],
                date.fromisoformat(row["month"].strip()),
                Decimal(row["target_amount"].strip()),
            )
            for row in csv.DictReader(handle)
            if row.get("agent_email", "").strip()
        )


def read_seeds(seed_dir: Path) -> dict[str, object]:
    """Keyword arguments of `Settings` that come from the dbt seeds (configuration files)."""
    return {
        "channel_mapping": read_channel_mapping(seed_dir / "channel_mapping.csv"),
        "currency_rates": read_currency_rates(seed_dir / "currency_rates.csv"),
        "seed_targets": read_sales_targets(seed_dir / "sales_targets.csv"),
    }
