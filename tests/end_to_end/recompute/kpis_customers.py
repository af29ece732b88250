"""kpi_customers, kpi_retention_monthly and kpi_customer_cohorts, recomputed."""

from __future__ import annotations

import hashlib
import hmac
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from .attribution import Lead
from .model import Warehouse, add_months, month_start, months_between

Row = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Order:
    day: date  # local close date
    revenue: Decimal


@dataclass(frozen=True, slots=True)
class Customer:
    lead: Lead
    orders: tuple[Order, ...]  # in date order

    @property
    def first_month(self) -> date:
        return month_start(self.orders[0].day)

    def revenue_in(self, month: date) -> Decimal:
        return sum((o.revenue for o in self.orders if month_start(o.day) == month), Decimal("0"))

    def orders_in(self, month: date) -> bool:
        return any(month_start(o.day) == month for o in self.orders)


def customers(w: Warehouse) -> list[Customer]:
    """An order is a won deal, counted once, for its primary contact."""
    orders: dict[str, list[Order]] = defaultdict(list)
    for opp in w.opportunities:
        if opp.status == "won" and opp.primary is not None and opp.close_at is not None:
            orders[opp.primary.contact.id].append(Order(w.local_date(opp.close_at), opp.revenue))
    return [
        Customer(w.leads[cid], tuple(sorted(found, key=lambda o: o.day)))
        for cid, found in sorted(orders.items())
    ]


def customer_key(contact_id: str, key: str) -> str:
    return hmac.new(key.encode("utf-8"), contact_id.encode("utf-8"), hashlib.sha256).hexdigest()


def customers_table(w: Warehouse) -> list[Row]:
    rows = []
    for customer in customers(w):
        lead = customer.lead
        orders = customer.orders
        rows.append(
            (
                customer_key(lead.contact.id, w.settings.pii_hash_key),
                lead.channel.group,
                lead.channel.channel,
                lead.first_touch_agent,
                w.agents.of_owner(lead.contact.owner_id),
                orders[0].day,
                orders[-1].day,
                len(orders),
                sum((o.revenue for o in orders), Decimal("0.00")),
                int(len(orders) > 1),
            )
        )
    return sorted(rows)


def _report_months(w: Warehouse, found: list[Customer]) -> list[date]:
    """From the first order month to the run's local month."""
    first = min(c.first_month for c in found)
    last = month_start(w.local_date(w.settings.now))
    return [add_months(first, k) for k in range(months_between(first, last) + 1)]


def retention_monthly(w: Warehouse) -> list[Row]:
    found = customers(w)
    if not found:
        return []
    rows = []
    for month in _report_months(w, found):
        cells: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        window = {add_months(month, -k) for k in range(1, 13)}
        for customer in found:
            cell = cells[(customer.lead.channel.group, customer.lead.channel.channel)]
            ordering = customer.orders_in(month)
            in_base = any(month_start(o.day) in window for o in customer.orders)
            cell[0] += int(ordering)
            cell[1] += int(customer.first_month == month)
            cell[2] += int(in_base and ordering)
            cell[3] += int(in_base)
        rows.extend((month, *key, *m) for key, m in cells.items() if any(m))
    return sorted(rows, key=lambda r: (r[0], r[1], r[2]))


def customer_cohorts(w: Warehouse) -> list[Row]:
    """A full triangle per cohort month that has customers, up to the run's month."""
    found = customers(w)
    if not found:
        return []
    last = month_start(w.local_date(w.settings.now))
    cohorts: dict[date, list[Customer]] = defaultdict(list)
    for customer in found:
        cohorts[customer.first_month].append(customer)
    rows = []
    for cohort_month, members in cohorts.items():
        for k in range(months_between(cohort_month, last) + 1):
            month = add_months(cohort_month, k)
            active = [c for c in members if c.orders_in(month)]
            revenue = sum((c.revenue_in(month) for c in active), Decimal("0.00"))
            rows.append((cohort_month, k, len(members), len(active), revenue))
    return sorted(rows)
