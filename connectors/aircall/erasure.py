"""What erasing a person means in Aircall records (connectors/erasure.py)."""

from collections.abc import Iterator

from connectors.erasure import ANONYMOUS_NUMBER, Record, Scrubber, split_whatsapp_prefix


class CallRule:
    """A call stays (it is the company's activity) with the customer's number set to
    ``anonymous`` and the Aircall contact, recordings, voicemail and comments removed."""

    holds_people = False

    def identifiers(self, record: Record) -> Iterator[tuple[str, object]]:
        """The customer's number and the Aircall contact's phones and e-mails."""
        yield "phone", record.get("raw_digits")
        contact = record.get("contact") or {}
        for kind, field in (("phone", "phone_numbers"), ("email", "emails")):
            for item in contact.get(field) or []:
                yield kind, item.get("value") if isinstance(item, dict) else item

    def scrub(self, record: Record, scrubber: Scrubber) -> Record:
        if not scrubber.matches(self, record):
            return record
        scrubbed = {**record, "raw_digits": ANONYMOUS_NUMBER, "contact": None, "comments": []}
        scrubbed.update(voicemail=None, recording=None, asset=None, erased=True)
        return scrubbed


class MessageRule:
    """A message (a webhook envelope) stays, inbound or outbound, with the customer's number
    replaced by the person's token and its body removed; the line and the agent are staff.

    A token, not ``anonymous`` as for calls: the models cut these messages into conversations
    per customer number, and one token per person keeps the conversation count unchanged.
    """

    holds_people = False

    def identifiers(self, record: Record) -> Iterator[tuple[str, object]]:
        """The customer's number, free text (E.164 or national), without a ``whatsapp:``."""
        yield "phone", split_whatsapp_prefix((record.get("data") or {}).get("external_number"))[1]

    def scrub(self, record: Record, scrubber: Scrubber) -> Record:
        data = record.get("data") or {}
        prefix, number = split_whatsapp_prefix(data.get("external_number"))
        if not scrubber.is_erased("phone", number):
            return record
        # The prefix stays: without a known ``channel`` the models read WhatsApp from it.
        token = prefix + scrubber.erased_token("phone", number)
        # ``erased`` on the envelope: the record level, where the other rules put it.
        return {**record, "data": {**data, "external_number": token, "body": None}, "erased": True}


ERASURE = {"calls": CallRule()}
MESSAGE_ERASURE = {"messages": MessageRule()}
