"""The synthetic French SME: a deterministic year of CRM records and telephony calls."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from sandbox.config import SandboxConfig
from sandbox.world.calls import CallWorld
from sandbox.world.callstore import CallStore
from sandbox.world.clock import Calendar
from sandbox.world.context import JourneyContext
from sandbox.world.conversations import ConversationBook, messaging_endpoints
from sandbox.world.crm import pipelines
from sandbox.world.crmbuild import plan_year
from sandbox.world.messaging import PlannedWorld, build_conversations
from sandbox.world.noise import NoiseContext, aircall_contacts, customer_pool
from sandbox.world.objects import ObjectStore
from sandbox.world.people import AIRCALL_TEAMS, build_agents
from sandbox.world.phones import business_lines
from sandbox.world.records import build_contacts, build_deals, build_goals
from sandbox.world.shards import Shard

if TYPE_CHECKING:
    from sandbox.world.sizes import Staffing

T = TypeVar("T")


class Business:
    """Everything the simulated APIs serve. CRM objects live in memory; calls are lazy.

    Args:
        config: seed, scale and as_of fully determine the data (mutations aside).
        staffing: a contact-centre size's lines, agents and call volume (sizes.py) instead of
            the SME's; ``config.scale`` then scales the leads only.
        shard: where this business's contact, deal and call ids start when it is one shard of
            a size written in several (shards.py); the default is a whole business.
    """

    def __init__(
        self,
        config: SandboxConfig,
        staffing: Staffing | None = None,
        shard: Shard | None = None,
    ):
        started = time.perf_counter()
        shard = shard or Shard()
        self.config = config
        self.calendar = Calendar.ending(config.as_of)
        self.lines = staffing.lines if staffing else business_lines()
        self.agents = (
            staffing.agents
            if staffing
            else build_agents(config.seed, self.calendar.start, len(self.calendar.days))
        )
        call_scale = staffing.call_scale if staffing else config.scale
        customers = customer_pool(config.seed, call_scale)
        self.world = CallWorld(self.lines, self.agents, aircall_contacts(config.seed, customers))
        ctx = JourneyContext(self.calendar, self.lines, self.agents)
        plans = plan_year(config.seed, config.scale, ctx)
        self.leads = plans.leads  # keeps the expected channel of each lead for story checks
        # The vendor-neutral deal plans, for CRMs other than HubSpot to render (sandbox/apis).
        self.deal_plans = plans.deals
        end_ms = self.calendar.end * 1000
        contacts, contact_ids = build_contacts(
            plans.leads, self.agents, end_ms, shard.contact_id_base
        )
        self.contact_ids = contact_ids
        self.deals = ObjectStore(
            build_deals(plans.deals, contact_ids, self.agents, shard.deal_id_base)
        )
        self.contacts = ObjectStore(contacts)
        self._link_contacts_to_deals()
        self.goal_targets = ObjectStore(
            build_goals(config.seed, self.calendar, self.agents, self._monthly_revenue())
        )
        self.pipelines = pipelines()
        noise = NoiseContext(
            config.seed, call_scale, self.calendar, self.lines, self.agents, customers
        )
        self.calls = CallStore(
            noise,
            plans.calls_by_day,
            self.world,
            config.call_day_cache,
            shard.call_id_base,
            shard.call_slots,
        )
        # Aircall ids deleted by mutations: users and numbers by id, teams by key.
        self.aircall_removed: dict[str, set[Any]] = {
            "users": set(),
            "numbers": set(),
            "teams": set(),
        }
        # Drawn last, from their own RNG, only reading the plans: messaging on or off leaves
        # every record above as is.
        self.conversations = ConversationBook([])
        if config.messaging:
            mobile_lines = [line.e164 for line in self.lines if line.kind == "mobile"]
            planned = PlannedWorld(
                self.calendar,
                self.agents,
                self.leads,
                messaging_endpoints(mobile_lines),
                plans.deals,
                plans.calls_by_day,
            )
            self.conversations = build_conversations(config.seed, planned)
        self.lock = threading.RLock()  # serialises mutations against each other
        self._renderings: dict[str, Any] = {}
        self.mutation_count = 0
        self.build_seconds = time.perf_counter() - started

    def objects(self, name: str) -> ObjectStore | None:
        return {
            "deals": self.deals,
            "contacts": self.contacts,
            "goal_targets": self.goal_targets,
        }.get(name)

    def rendering(self, vendor: str, build: Callable[[Business], T]) -> T:
        """A vendor's own copy of the world (e.g. Pipedrive records), built on first use and
        then shared by every server and writer of this business, with its own mutations."""
        with self.lock:
            if vendor not in self._renderings:
                self._renderings[vendor] = build(self)
            return self._renderings[vendor]

    def _link_contacts_to_deals(self) -> None:
        for deal in self.deals.all():
            for contact_id in deal.associations:
                contact = self.contacts.get(contact_id)
                if contact is not None:
                    contact.associations.append(deal.id)

    def _monthly_revenue(self) -> float:
        return monthly_revenue(self.won_revenue(), self.agents)

    def won_revenue(self) -> float:
        """The home-currency amount of every won deal."""
        return sum(
            float(d.properties["amount_in_home_currency"] or d.properties["amount"] or 0)
            for d in self.deals.all()
            if d.properties["hs_is_closed_won"] == "true"
        )

    def totals(self) -> dict[str, int]:
        """What the raw tables must hold without ``_deleted_at`` after any ingest: every record
        the vendors still hold (archived deals and contacts included; merged-away contacts and
        removed Aircall users, numbers and teams excluded)."""
        removed = self.aircall_removed
        return {
            "hubspot/deals": len(self.deals),
            "hubspot/contacts": len(self.contacts),
            "hubspot/owners": sum(1 for a in self.agents if a.owner_id),
            "hubspot/deal_pipelines": len(self.pipelines),
            "hubspot/goal_targets": len(self.goal_targets),
            "aircall/calls": self.calls.total(),
            "aircall/users": len(self.aircall_users()),
            "aircall/numbers": sum(
                1 for ln in self.lines if ln.number_id not in removed["numbers"]
            ),
            "aircall/teams": len(self.aircall_teams()),
            **self._messaging_totals(),
        }

    def _messaging_totals(self) -> dict[str, int]:
        if not self.config.messaging:
            return {}
        book = self.conversations
        return {
            "twilio/conversations": len(book.carried_by("twilio")),
            "twilio/participants": book.party_count("twilio"),
            "twilio/messages": book.message_count("twilio"),
            # One raw row per message, however many events (status updates, redeliveries).
            "aircall/messages": book.message_count("aircall"),
        }

    def aircall_users(self) -> list[Any]:
        """Agents with an Aircall seat that was not removed."""
        return [
            a for a in self.agents if a.user_id and a.user_id not in self.aircall_removed["users"]
        ]

    def aircall_teams(self) -> list[str]:
        """Aircall team keys that have members and were not removed (in AIRCALL_TEAMS order)."""
        used = {a.aircall_team for a in self.agents if a.aircall_team}
        return [k for k in AIRCALL_TEAMS if k in used and k not in self.aircall_removed["teams"]]

    def summary(self) -> dict[str, Any]:
        return {"build_seconds": round(self.build_seconds, 3), **self.totals()}


def monthly_revenue(won: float, agents: tuple[Any, ...]) -> float:
    """What a seller's monthly quota is drawn around: won revenue per seller per month."""
    sellers = sum(1 for a in agents if a.role in ("sales", "manager") and a.owner_id)
    return max(1000.0, won / max(1, sellers) / 12)
