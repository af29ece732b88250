"""Messaging conversations from the raw messages (kpis.md "Messaging rules", export 9).

Two raw shapes (docs source_apis.md): Twilio Conversations, whose own conversation is the
conversation (a deleted one, `_deleted_at` set, is gone with its participants and messages), and
Aircall message webhooks, which deliver messages only: consecutive messages between one customer
number and one business line on one channel, a new conversation after MORE than 24 h without a
message (exactly 24 h stays in the same one).

Authors: the **customer** (Twilio: the participant bound to the customer address, or a message
whose author is that address; a web chat: the earliest-created participant with an identity;
Aircall: an inbound message), an **agent** (Twilio: an author whose identity is an agent's
e-mail; Aircall: the outbound message's `user.id` as a telephony user, else its e-mail), or
**automated** (anything else: `system`, templates, bots, identities that are nobody's).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .agents import UNASSIGNED, Agents
from .channels import is_whatsapp_address, normalise_phone, strip_whatsapp
from .raw import AircallMessage, RawData, TwilioMessage, TwilioParticipant
from .settings import Settings

CUSTOMER, AGENT, AUTOMATED = "customer", "agent", "automated"
SILENCE = timedelta(hours=24)  # WhatsApp's customer-service window
_LAST = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Message:
    id: str
    sent_at: datetime
    author: str  # customer | agent | automated
    agent_id: str | None = None  # the agent, for an agent's message


@dataclass(frozen=True, slots=True)
class Conversation:
    id: str  # `twilio:<CH sid>` or `aircall:<id of its first message>`
    channel: str  # whatsapp | sms | web_chat (before the seed's per-line rename)
    business_line: str | None  # E.164 of the sender, or the chat service sid of a web chat
    customer_number: str | None  # E.164; None for a web chat or an invalid number
    messages: tuple[Message, ...]  # in order; never empty

    @property
    def started_at(self) -> datetime:
        return self.messages[0].sent_at

    @property
    def direction(self) -> str:
        """Inbound when the customer wrote first; an agent or automation first: outbound."""
        return "inbound" if self.messages[0].author == CUSTOMER else "outbound"

    @property
    def first_agent_message(self) -> Message | None:
        return next((m for m in self.messages if m.author == AGENT), None)

    @property
    def agent_id(self) -> str:
        """The first agent author; `unassigned` when no agent wrote."""
        first = self.first_agent_message
        return (first.agent_id or UNASSIGNED) if first else UNASSIGNED

    @property
    def is_handled(self) -> bool:
        """An agent wrote (automated messages never make a conversation handled)."""
        return self.first_agent_message is not None

    @property
    def first_agent_message_at(self) -> datetime | None:
        """The conversation's response instant for speed to lead."""
        first = self.first_agent_message
        return first.sent_at if first else None

    @property
    def messages_in(self) -> int:
        return sum(1 for m in self.messages if m.author == CUSTOMER)

    @property
    def messages_out(self) -> int:
        return len(self.messages) - self.messages_in

    @property
    def first_response_seconds(self) -> int | None:
        """Inbound only: the agent's first message after the customer's first message, minus
        that customer message, in whole seconds; None when no agent wrote after it."""
        if self.direction != "inbound":
            return None
        first = next(k for k, m in enumerate(self.messages) if m.author == CUSTOMER)
        reply = next((m for m in self.messages[first + 1 :] if m.author == AGENT), None)
        if reply is None:
            return None
        return int((reply.sent_at - self.messages[first].sent_at).total_seconds())


def build_conversations(raw: RawData, agents: Agents, settings: Settings) -> list[Conversation]:
    """Every conversation of every messaging source, in start order (ties: by id)."""
    found = twilio_conversations(raw, agents, settings) + aircall_conversations(
        raw, agents, settings
    )
    return sorted(found, key=lambda c: (c.started_at, c.id))


# --- Twilio Conversations -----------------------------------------------------------------


def twilio_channel(customer: TwilioParticipant) -> str:
    """The binding's type, or whatsapp when the address carries the `whatsapp:` prefix."""
    kind = (customer.binding_type or "").strip().lower()
    return "whatsapp" if kind == "whatsapp" or is_whatsapp_address(customer.address) else "sms"


def _created_order(participant: TwilioParticipant) -> tuple[datetime, str]:
    return participant.created_at or _LAST, participant.sid


def twilio_conversation(
    sid: str,
    chat_service_sid: str | None,
    participants: list[TwilioParticipant],
    messages: list[TwilioMessage],
    agents: Agents,
    settings: Settings,
) -> Conversation | None:
    """One Twilio conversation; None when it has no message (nothing started)."""
    if not messages:
        return None
    parties = sorted(participants, key=_created_order)
    bound = [p for p in parties if p.bound]
    customer: TwilioParticipant | None
    if bound:
        customer = bound[0]
        channel = twilio_channel(customer)
        line = normalise_phone(strip_whatsapp(customer.proxy_address), settings.phone_region)
        number = normalise_phone(strip_whatsapp(customer.address), settings.phone_region)
        customer_author = customer.address
    else:
        # No phone binding: a web chat, its customer the earliest participant with an identity.
        customer = next((p for p in parties if p.identity), None)
        channel, line, number = "web_chat", chat_service_sid, None
        customer_author = customer.identity if customer else None
    ordered = sorted(messages, key=lambda m: (m.created_at, m.index if m.index is not None else -1,
                                              m.sid))  # fmt: skip
    result = []
    for message in ordered:
        by_customer = customer is not None and message.participant_sid == customer.sid
        if by_customer or (customer_author is not None and message.author == customer_author):
            result.append(Message(message.sid, message.created_at, CUSTOMER))
            continue
        agent = agents.of_email(message.author)
        author = AGENT if agent is not None else AUTOMATED
        result.append(Message(message.sid, message.created_at, author, agent))
    return Conversation(f"twilio:{sid}", channel, line, number, tuple(result))


def twilio_conversations(raw: RawData, agents: Agents, settings: Settings) -> list[Conversation]:
    """Live conversations only: children of a deleted (or never landed) conversation are gone."""
    participants: dict[str, list[TwilioParticipant]] = defaultdict(list)
    for participant in raw.twilio_participants:
        participants[participant.conversation_sid].append(participant)
    messages: dict[str, list[TwilioMessage]] = defaultdict(list)
    for message in raw.twilio_messages:
        messages[message.conversation_sid].append(message)
    found = (
        twilio_conversation(
            c.sid, c.chat_service_sid, participants[c.sid], messages[c.sid], agents, settings
        )
        for c in raw.twilio_conversations
    )
    return [c for c in found if c is not None]


# --- Aircall message webhooks -------------------------------------------------------------


def aircall_author(message: AircallMessage, agents: Agents) -> tuple[str, str | None]:
    """Inbound: the customer. Outbound: an agent when its user maps to one (telephony user id,
    as calls map `user.id`, else e-mail); otherwise, or without a user, automated."""
    if message.direction == "inbound":
        return CUSTOMER, None
    agent = agents.user_agent.get(message.user_id or "") or agents.of_email(message.user_email)
    return (AGENT, agent) if agent is not None else (AUTOMATED, None)


def aircall_channel(message: AircallMessage) -> str:
    """`data.channel` (whatsapp / sms); a `whatsapp:` customer address is WhatsApp too."""
    kind = (message.channel or "").strip().lower()
    whatsapp = kind == "whatsapp" or is_whatsapp_address(message.external_number)
    return "whatsapp" if whatsapp else "sms"


def aircall_conversations(raw: RawData, agents: Agents, settings: Settings) -> list[Conversation]:
    """Messages grouped by customer number, business line and channel, split by silences."""
    threads: dict[tuple[str, str, str], list[AircallMessage]] = defaultdict(list)
    numbers: dict[tuple[str, str, str], tuple[str | None, str | None]] = {}
    for message in raw.aircall_messages:
        customer = normalise_phone(strip_whatsapp(message.external_number), settings.phone_region)
        digits = message.number_digits or raw.numbers.get(message.number_id or "")
        line = normalise_phone(digits, settings.phone_region)
        # An invalid customer number matches no lead; its thread is still its own (raw text).
        who = customer or f"raw:{(strip_whatsapp(message.external_number) or '').strip()}"
        key = (who, line or "", aircall_channel(message))
        threads[key].append(message)
        numbers[key] = (customer, line)
    result = []
    for key, thread in threads.items():
        customer, line = numbers[key]
        current: list[Message] = []
        previous: datetime | None = None
        for message in sorted(thread, key=lambda m: (m.created_at, m.id)):
            if previous is not None and message.created_at - previous > SILENCE:
                result.append(_aircall(current, key[2], line, customer))
                current = []
            author, agent = aircall_author(message, agents)
            current.append(Message(message.id, message.created_at, author, agent))
            previous = message.created_at
        result.append(_aircall(current, key[2], line, customer))
    return result


def _aircall(
    messages: list[Message], channel: str, line: str | None, customer: str | None
) -> Conversation:
    return Conversation(f"aircall:{messages[0].id}", channel, line, customer, tuple(messages))
