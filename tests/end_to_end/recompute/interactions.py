"""Interactions: calls and message conversations in one fact, as attribution sees every touch.

A call: customer number, business line, agent, handled when answered. A conversation
(conversations.py): handled when an agent wrote, its agent the first agent author, its start
the first message; its channel the conversation's (seed-renamed per line), `outbound_message`
as a first touch the company made.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from .agents import Agents
from .channels import (
    OUTBOUND_CALL,
    OUTBOUND_MESSAGE,
    Channel,
    line_channel,
    message_channel,
    normalise_phone,
)
from .conversations import Conversation
from .raw import RawData
from .settings import Settings

CALL, MESSAGE = "call", "message"


@dataclass(frozen=True, slots=True)
class Interaction:
    interaction_id: str  # the call id, or the conversation id
    direction: str  # "inbound" | "outbound"
    customer_number: str | None  # E.164, None for anonymous / invalid callers and web chats
    business_line: str | None  # E.164 of the Aircall number or messaging sender
    line_channel: Channel
    agent_id: str
    started_at: datetime
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    missed_reason: str | None = None
    voicemail: str | None = None
    kind: str = CALL
    # conversations: the first agent message (handled, and the speed-to-lead response instant)
    first_agent_message_at: datetime | None = None

    @property
    def is_call(self) -> bool:
        return self.kind == CALL

    @property
    def is_inbound(self) -> bool:
        return self.direction == "inbound"

    @property
    def is_handled(self) -> bool:
        """A person spoke or wrote with the customer: an answered call (inbound, or outbound
        the customer answered), a conversation in which an agent wrote."""
        if self.is_call:
            return self.answered_at is not None
        return self.first_agent_message_at is not None

    @property
    def response_at(self) -> datetime | None:
        """Its speed-to-lead response instant: the answer of an answered inbound call, the start
        of an outbound call (an attempt is a response), an agent's first message."""
        if not self.is_call:
            return self.first_agent_message_at
        return self.answered_at if self.is_inbound else self.started_at

    @property
    def touch_channel(self) -> Channel:
        """The lead's channel when this is its first touch."""
        if self.is_inbound:
            return self.line_channel
        return OUTBOUND_CALL if self.is_call else OUTBOUND_MESSAGE

    @property
    def order_key(self) -> tuple[datetime, bool, int, str]:
        """Start, then the lower numeric id (a call's): "first"/"last" are deterministic. An id
        that is no number (a conversation's) comes after the numbered ones of its second."""
        numbered = self.interaction_id.isdigit()
        number = int(self.interaction_id) if numbered else 0
        return self.started_at, not numbered, number, self.interaction_id


def call_interactions(raw: RawData, agents: Agents, settings: Settings) -> list[Interaction]:
    result = []
    for call in raw.calls:
        digits = raw.numbers.get(call.number_id or "") or call.number_digits
        line = normalise_phone(digits, settings.phone_region)
        result.append(
            Interaction(
                interaction_id=call.id,
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
    return result


def conversation_interaction(conversation: Conversation, settings: Settings) -> Interaction:
    return Interaction(
        interaction_id=conversation.id,
        direction=conversation.direction,
        customer_number=conversation.customer_number,
        business_line=conversation.business_line,
        line_channel=message_channel(conversation.channel, conversation.business_line, settings),
        agent_id=conversation.agent_id,
        started_at=conversation.started_at,
        kind=MESSAGE,
        first_agent_message_at=conversation.first_agent_message_at,
    )


def build_interactions(
    raw: RawData,
    agents: Agents,
    settings: Settings,
    conversations: Sequence[Conversation] = (),
) -> list[Interaction]:
    """Calls and conversations, in start order."""
    result = call_interactions(raw, agents, settings)
    result += [conversation_interaction(c, settings) for c in conversations]
    return sorted(result, key=lambda i: i.order_key)


def index_by_number(interactions: list[Interaction]) -> dict[str, list[Interaction]]:
    """Customer number -> its interactions in time order (anonymous calls match nothing)."""
    index: dict[str, list[Interaction]] = defaultdict(list)
    for interaction in interactions:
        if interaction.customer_number is not None:
            index[interaction.customer_number].append(interaction)
    return index
