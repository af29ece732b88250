"""What erasing a person means in Twilio Conversations records (connectors/erasure.py).

Participants and messages stay (they are the company's conversations and count in KPIs) with
the person's address or identity replaced by ``Scrubber.erased_token``: one token per person,
so the models still tell the customer's messages from the agents' and cut conversations the
same way. Conversations hold no customer identifier of their own and have no rule.
"""

from collections.abc import Iterator
from typing import Any

from connectors.erasure import Record, Scrubber, split_whatsapp_prefix

NO_ATTRIBUTES = "{}"  # Twilio's attributes are a JSON string, free-form: they may hold a profile


def author_kind(author: str) -> str:
    """A chat identity is an e-mail (agents, web-chat visitors); anything else is an address."""
    return "email" if "@" in author else "phone"


class ParticipantRule:
    """A participant keeps its sid, conversation and times; an erased phone binding or chat
    identity becomes its token (the ``whatsapp:`` prefix kept), and its attributes are emptied."""

    holds_people = False

    def identifiers(self, record: Record) -> Iterator[tuple[str, object]]:
        """The binding's address without its channel prefix, and the chat identity."""
        binding = record.get("messaging_binding") or {}
        yield "phone", split_whatsapp_prefix(binding.get("address"))[1]
        yield "email", record.get("identity")

    def scrub(self, record: Record, scrubber: Scrubber) -> Record:
        binding: dict[str, Any] = record.get("messaging_binding") or {}
        prefix, phone = split_whatsapp_prefix(binding.get("address"))
        identity = record.get("identity")
        erased_phone = scrubber.is_erased("phone", phone)
        erased_identity = scrubber.is_erased("email", identity)
        if not (erased_phone or erased_identity):
            return record
        scrubbed = {**record, "attributes": NO_ATTRIBUTES, "erased": True}
        if erased_phone:
            # proxy_address is the company's number: it stays, like the binding type.
            token = prefix + scrubber.erased_token("phone", phone)
            scrubbed["messaging_binding"] = {**binding, "address": token}
        if erased_identity:
            scrubbed["identity"] = scrubber.erased_token("email", identity)
        return scrubbed


class MessageRule:
    """A message written by an erased person keeps its sid, conversation, index, participant,
    delivery and times; its author becomes the person's token and its body, media and
    attributes go. Only the author can be matched: a body mentioning a number is not parsed."""

    holds_people = False

    def identifiers(self, record: Record) -> Iterator[tuple[str, object]]:
        """The author: an e-mail identity, or an address without its channel prefix."""
        _, author = split_whatsapp_prefix(record.get("author"))
        if author:
            yield author_kind(author), author

    def scrub(self, record: Record, scrubber: Scrubber) -> Record:
        prefix, author = split_whatsapp_prefix(record.get("author"))
        kind = author_kind(author)
        if not author or not scrubber.is_erased(kind, author):
            return record
        # The same token as the participant's address, so the message still reads as the
        # customer's when the models match authors to the conversation's customer.
        token = prefix + scrubber.erased_token(kind, author)
        scrubbed = {**record, "author": token, "body": None, "media": None}
        scrubbed.update(attributes=NO_ATTRIBUTES, erased=True)
        return scrubbed


ERASURE = {"participants": ParticipantRule(), "messages": MessageRule()}
