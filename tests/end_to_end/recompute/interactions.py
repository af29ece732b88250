"""Calls as interactions: customer number, business line, agent, handled or not."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from .agents import Agents
from .channels import Channel, line_channel, normalise_phone
from .raw import RawData
from .settings import Settings


@dataclass(frozen=True, slots=True)
class Interaction:
    call_id: str
    direction: str  # "inbound" | "outbound"
    customer_number: str | None  # E.164, None for anonymous / invalid callers
    business_line: str | None  # E.164 of the Aircall number
    line_channel: Channel
    agent_id: str
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    missed_reason: str | None
    voicemail: str | None

    @property
    def is_inbound(self) -> bool:
        return self.direction == "inbound"

    @property
    def is_handled(self) -> bool:
        """A person spoke with the customer: answered inbound, or outbound the customer answered."""
        return self.answered_at is not None

    @property
    def order_key(self) -> tuple[datetime, int, str]:
        # Ties on the start second are broken by call id so "first"/"last" are deterministic.
        return self.started_at, int(self.call_id) if self.call_id.isdigit() else 0, self.call_id


def build_interactions(raw: RawData, agents: Agents, settings: Settings) -> list[Interaction]:
    result = []
    for call in raw.calls:
        digits = raw.numbers.get(call.number_id or "") or call.number_digits
        line = normalise_phone(digits, settings.phone_region)
        result.append(
            Interaction(
                call_id=call.id,
                direction=call.direction,
                customer_number=normalise_phone(call.raw_digits, settings.phone_region),
                business_line=line,
                line_channel=line_channel(line, settings),
                agent_id=agents.of_user(call.user_id),
                started_at=call.started_at,
                answered_at=call.answered_at,
                ended_at=call.ended_at,
                missed_reason=call.missed_reason,
                voicemail=call.voicemail,
            )
        )
    return sorted(result, key=lambda i: i.order_key)


def index_by_number(interactions: list[Interaction]) -> dict[str, list[Interaction]]:
    """Customer number -> its interactions in time order (anonymous calls match nothing)."""
    index: dict[str, list[Interaction]] = defaultdict(list)
    for interaction in interactions:
        if interaction.customer_number is not None:
            index[interaction.customer_number].append(interaction)
    return index
