"""Messaging facts: WhatsApp and SMS threads between leads and the business.

The facts say who wrote what and when, and which vendor carries the thread (its ``source``);
each vendor API renders its own threads its own way (Twilio Conversations as
conversations/participants/messages, Aircall as message webhooks).
``sandbox/world/messaging.py`` draws them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# The company's own Twilio senders, bought for messaging: not Aircall lines, so the telephony
# source does not know them. Aircall's native messaging runs on its mobile lines instead
# (``messaging_endpoints``).
TWILIO_WHATSAPP_SENDER = "+33159284700"
TWILIO_SMS_NUMBER = "+33638291045"
TWILIO_ENDPOINTS = {"whatsapp": TWILIO_WHATSAPP_SENDER, "sms": TWILIO_SMS_NUMBER}


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A business number that sends and receives messages.

    Attributes:
        source: the vendor that carries its threads: ``twilio`` or ``aircall``.
        address: its E.164 number.
        channels: what it carries (``whatsapp``, ``sms``); one number may carry both.
    """

    source: str
    address: str
    channels: tuple[str, ...]


def messaging_endpoints(mobile_lines: Sequence[str]) -> tuple[Endpoint, ...]:
    """Twilio's two senders, then Aircall native messaging on the company's mobile lines.

    Args:
        mobile_lines: E.164 numbers of the Aircall mobile lines, in line order. The first also
            carries WhatsApp (one WhatsApp Business account per company is the common case).
    """
    twilio = tuple(
        Endpoint("twilio", address, (channel,)) for channel, address in TWILIO_ENDPOINTS.items()
    )
    aircall = tuple(
        Endpoint("aircall", address, ("whatsapp", "sms") if number == 0 else ("sms",))
        for number, address in enumerate(mobile_lines)
    )
    return twilio + aircall


@dataclass(frozen=True, slots=True)
class MessageFact:
    """One message of a thread.

    Attributes:
        message_id: stable id, unique across threads (``<conversation id>-<index>``).
        index: position in the thread, from 0.
        author_kind: ``customer``, ``agent`` or ``auto`` (auto-replies, templates, bots).
        agent_email: the agent's e-mail (their chat identity) when ``author_kind`` is agent.
        sent_at: UNIX seconds.
        body: the text.
    """

    message_id: str
    index: int
    author_kind: str
    agent_email: str | None
    sent_at: int
    body: str

    @property
    def direction(self) -> str:
        """``inbound`` when the customer wrote it, else ``outbound``."""
        return "inbound" if self.author_kind == "customer" else "outbound"


@dataclass(slots=True)
class ConversationFact:
    """One thread between a customer address and a business endpoint.

    Attributes:
        conversation_id: 1, 2, ... in order of the first message.
        source: the vendor that carries it, ``twilio`` or ``aircall`` (from its endpoint).
        channel: ``whatsapp`` or ``sms``.
        business_address: E.164 number of the business endpoint.
        customer_address: E.164 number of the customer.
        lead_key: the lead who wrote (``Lead.key``), None for strangers.
        messages: in order; never empty.
        closed_at: when the thread was closed (UNIX s); None while open.
    """

    conversation_id: int
    source: str
    channel: str
    business_address: str
    customer_address: str
    lead_key: int | None
    messages: list[MessageFact] = field(default_factory=list)
    closed_at: int | None = None

    @property
    def started_at(self) -> int:
        return self.messages[0].sent_at

    @property
    def last_activity(self) -> int:
        """The last message or the closing, whichever is later."""
        return max(self.messages[-1].sent_at, self.closed_at or 0)

    @property
    def direction(self) -> str:
        """``inbound`` when the customer wrote first, else ``outbound``."""
        return self.messages[0].direction

    def agent_emails(self) -> list[str]:
        """The agents who wrote, in order of their first message."""
        emails = (m.agent_email for m in self.messages if m.agent_email)
        return list(dict.fromkeys(emails))


class ConversationBook:
    """Every thread, with the edits tests and mutations make between two reads."""

    def __init__(self, conversations: Iterable[ConversationFact]) -> None:
        self.conversations = list(conversations)
        self._by_id = {c.conversation_id: c for c in self.conversations}
        self.version = 0  # bumped by each edit, so renderers may cache

    def __len__(self) -> int:
        return len(self.conversations)

    def get(self, conversation_id: int) -> ConversationFact | None:
        return self._by_id.get(conversation_id)

    def carried_by(self, source: str) -> list[ConversationFact]:
        """The threads one vendor carries, in order."""
        return [c for c in self.conversations if c.source == source]

    def message_count(self, source: str | None = None) -> int:
        """Messages of every thread, or of one vendor's."""
        chosen = self.conversations if source is None else self.carried_by(source)
        return sum(len(c.messages) for c in chosen)

    def party_count(self, source: str | None = None) -> int:
        """The customer plus each agent who wrote, over every thread (or one vendor's)."""
        chosen = self.conversations if source is None else self.carried_by(source)
        return sum(1 + len(c.agent_emails()) for c in chosen)

    def add_message(
        self,
        conversation_id: int,
        author_kind: str,
        sent_at: int,
        agent_email: str | None = None,
        body: str = "Merci !",
    ) -> MessageFact:
        """Append a message to an open thread (a closed one cannot take any, as on Twilio)."""
        conversation = self._by_id[conversation_id]
        if conversation.closed_at is not None:
            raise ValueError(f"conversation {conversation_id} is closed")
        index = len(conversation.messages)
        message = MessageFact(
            f"{conversation_id}-{index}", index, author_kind, agent_email, sent_at, body
        )
        conversation.messages.append(message)
        self.version += 1
        return message

    def close(self, conversation_id: int, closed_at: int) -> None:
        self._by_id[conversation_id].closed_at = closed_at
        self.version += 1

    def remove(self, conversation_id: int) -> None:
        """Delete a thread with its messages (Twilio allows it; no tombstone is left)."""
        conversation = self._by_id.pop(conversation_id)
        self.conversations.remove(conversation)
        self.version += 1

    def start(
        self,
        channel: str,
        customer_address: str,
        author_kind: str,
        sent_at: int,
        agent_email: str | None = None,
        lead_key: int | None = None,
    ) -> ConversationFact:
        """Open a new Twilio thread with its first message (tests write their own threads)."""
        conversation_id = max(self._by_id, default=0) + 1
        conversation = ConversationFact(
            conversation_id,
            "twilio",
            channel,
            TWILIO_ENDPOINTS[channel],
            customer_address,
            lead_key,
        )
        self.conversations.append(conversation)
        self._by_id[conversation_id] = conversation
        self.add_message(conversation_id, author_kind, sent_at, agent_email, "Bonjour !")
        return conversation
